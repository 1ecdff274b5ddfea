// English strings of the grammar lab panel (issue 13: off- vs on-policy distillation scored against
// the grammar's truth). Every key has its counterpart in grammarLabZh.ts.

export const grammarLabEn = {
  title: 'Grammar lab: off-policy, on-policy and sequence-level distillation',
  intro:
    'On the grammar task the true next-word distribution is known exactly, so a model’s own sentences can be scored against the truth. From one initial student, for the same number of steps: a baseline on the labels, off-policy KD on the dataset (forward KL to the teacher), on-policy KD where a share λ of the steps train on sentences the student writes itself, scored word by word by the teacher (reverse KL), and sequence-level KD on sentences the teacher wrote. Everything trains here, in a worker, on the shipped grammar teacher.',
  lambda: 'λ: share of on-policy steps',
  lambdaHint: 'λ = 1: every step on the student’s own samples; smaller λ mixes in off-policy steps on the dataset.',
  steps: 'Steps per student',
  run: 'Run the lab',
  stop: 'Stop',
  status: {
    idle: 'Not run yet.',
    running: 'Running…',
    done: 'Done on {{backend}}: {{steps}} steps per student, {{samples}} sentences per model.',
    stopped: 'Stopped.',
    error: 'The lab failed: {{message}}',
  },
  phase: {
    loading: 'Loading the grammar teacher…',
    corpus: 'The teacher is writing the sequence-level corpus…',
    train: 'Training {{who}}: step {{step}} of {{steps}}',
    evaluate: 'Sampling and scoring {{who}}…',
  },
  rows: {
    truth: 'the grammar (truth)',
    teacher: 'teacher',
    baseline: 'baseline (labels only)',
    offPolicy: 'off-policy KD (λ = 0)',
    onPolicy: 'on-policy KD (λ = {{lambda}})',
    sequenceKd: 'sequence-level KD',
  },
  table: {
    caption: 'Each model’s own sentences and its fit to the truth',
    model: 'Model',
    validity: 'Valid sentences',
    entropy: 'Entropy (nats)',
    distinct1: 'distinct-1',
    distinct2: 'distinct-2',
    distinct3: 'distinct-3',
    klOwn: 'KL(truth ‖ model) on its own prefixes',
    nll: 'Test NLL (nats)',
    klTest: 'KL(truth ‖ model) on test',
  },
  legend:
    'Valid: share of the model’s sampled sentences that are in the language. Entropy: mean next-word entropy along its own samples. distinct-n: distinct n-grams over all n-grams of its sentences. The KL columns and the test NLL compare the model with the exact next-word distribution.',
};
