// English strings of "nothing lost" (issue 11): the offer to resume a stored run, storage notices,
// uploads staged for the next run, and faults in words. Every key has its counterpart in
// persistZh.ts (catalog.test.ts checks both).

export const persistEn = {
  staged: 'Staged for the next run: {{name}} — the running run keeps its data.',
};
