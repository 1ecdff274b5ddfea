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
  fault: {
    aria: 'What went wrong',
    divergence: {
      title: 'The run diverged',
      what: 'A loss or gradient became NaN or infinite at {{phase}} step {{step}}.',
      rolledBack: 'The run is paused and put back to step {{to}}, its last good checkpoint.',
      restarted: 'The run is paused and starts again from the beginning (no checkpoint yet).',
      tryThis: 'Try: a lower learning rate, a smaller clip norm or a smaller model, then press Resume.',
    },
    deviceLost: {
      title: 'The GPU device was lost',
      continued: 'The run continues on {{to}} from step {{step}}.',
      continuedStart: 'The run continues on {{to}} from the beginning (no checkpoint yet).',
      stopped: 'The run could not continue on any backend.',
      tryThis:
        'Try: close other tabs that use the GPU; if it happens again, open the page with ?backend=wasm to train on the CPU.',
    },
    details: 'Details: {{message}}',
    dismiss: 'Dismiss',
  },
};
