// English strings of "nothing lost" (issue 11): the offer to resume a stored run, storage notices,
// uploads staged for the next run, and faults in words. Every key has its counterpart in
// persistZh.ts (catalog.test.ts checks both).

export const persistEn = {
  staged: 'Staged for the next run: {{name}} — the running run keeps its data.',
  offer: {
    aria: 'Saved run',
    question: 'Resume the run from {{phase}} step {{step}} (saved {{time}})?',
    resume: 'Resume',
    discard: 'Discard',
    resumed: 'Resumed from the checkpoint at {{phase}} step {{step}}.',
  },
  phase: {
    teacher: 'teacher',
    distill: 'distillation',
  },
  corrupt: {
    unreadable: 'The run saved in this browser cannot be resumed: {{reason}}. Your kept runs are not affected.',
    refused: 'The saved checkpoint could not be restored: {{message}}. Your kept runs are not affected.',
    delete: 'Delete it',
    keep: 'Keep it',
  },
  storage: {
    evicted:
      'Storage was full, so the oldest kept runs ({{count}}) were deleted to make room for this run’s checkpoint: {{titles}}.',
    off: 'Storage is full: checkpoints are off for this run. It keeps training, but a reload cannot resume it.',
    failed: 'A checkpoint could not be saved ({{message}}); training continues.',
    dismiss: 'Dismiss',
  },
};
