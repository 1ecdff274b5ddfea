// English strings of the Experiments view (issue 10): sweeps of T × α, seeds, controls and student
// sizes trained as stacks. Every key has its counterpart in experimentsZh.ts.

export const experimentsEn = {
  summary: 'Experiments — a T × α grid, seeds, controls and student sizes, trained at once',
  intro:
    'Every student of the sweep trains at the same time, as one stacked model, on the same batches: per seed a baseline (α = 0), one distilled student per cell of the grid, and the controls. Each cell shows the KD gain, distilled minus the same seed’s baseline on the same validation rows, averaged over seeds, ± 2 standard errors (validation rows and seeds).',
  form: {
    fromSettings:
      'From the settings: task {{task}}, teacher {{teacher}}, batch {{batch}}, lr {{lr}}; the controls train at the grid cell nearest T = {{t}}, α = {{a}}.',
    temperatures: 'Temperatures T (rows)',
    alphas: 'α, the weight on the teacher term (columns)',
    seeds: 'Seeds (initialisation; gains are paired by seed)',
    controls: 'Controls',
    students: 'Student sizes (several: a capacity ladder, one stack each)',
    length: 'Length',
    steps: 'steps',
    evalEvery: 'evaluate every',
    members: '{{members}} students per stack, {{groups}} stack(s) one after another.',
  },
  invalid: 'Cannot start: {{problems}}',
  start: 'Start sweep',
  stop: 'Stop sweep',
  status: {
    idle: 'Not started',
    loading: 'Preparing',
    teacher: 'Training the teacher',
    caching: 'Caching soft targets',
    training: 'Training',
    evaluating: 'Scoring every student',
    done: 'Done',
    stopped: 'Stopped',
    error: 'Error',
  },
  progress: 'stack {{group}} of {{groups}} ({{student}}): step {{step}} / {{steps}}',
  speed: '{{sps}} steps/s',
  backend: 'on {{backend}}',
  memory: 'Memory estimate before the start: {{peak}} for {{members}} students per stack (limit {{limit}}).',
  group: 'Student size shown',
  waiting: 'The grid fills in at the first evaluation (step {{step}}).',
  control: {
    random: 'random (untrained) teacher',
    permuted: 'permuted teacher (non-target probabilities shuffled)',
    smoothing: 'label smoothing, no teacher',
    scaling: 'temperature scaling of the baseline',
  },
  heatmap: {
    title: 'KD gain per cell',
    step: 'validation at step {{step}} of {{steps}}, {{seeds}} seed(s), {{rows}} rows',
    aria: 'Heat map of the KD gain by temperature (rows) and α (columns): {{summary}}',
    cell: 'T = {{t}}, α = {{a}}: {{gain}} ± {{se2}}',
    corner: 'T ↓ α →',
    noise: 'within noise',
    legend:
      'Each cell: gain ± 2 SE, then the distilled students’ accuracy. Green: distillation helps; orange: it hurts; hatched: within 2 SE of zero. Baseline {{baseline}}, teacher {{teacher}}.',
  },
  controls: {
    title: 'Controls: where does the gain come from?',
    colModel: 'student',
    colAcc: 'accuracy',
    colGain: 'gain ± 2 SE',
    colShare: 'share of the distilled gain',
    reference: 'distilled, T = {{t}}, α = {{a}}',
  },
  calibration: {
    title: 'Calibration: fitted on {{fit}} validation rows, measured on the other {{held}}',
    colNll: 'NLL (nats)',
    colEce: 'ECE',
    baseline: 'baseline',
    scaled: 'baseline, temperature-scaled (T = {{t}})',
  },
  ladder: {
    title: 'Capacity ladder: gain by student size',
    point: '{{student}}: {{gain}} ± {{se2}}',
    aria: 'KD gain at T = {{t}}, α = {{a}} by student size, ± 2 SE: {{summary}}',
    colSize: 'student',
    colParams: 'parameters',
    colBaseline: 'baseline',
    colRef: 'gain at T = {{t}}, α = {{a}}',
    colBest: 'best cell',
    partial: '(step {{step}}, training)',
    best: '{{gain}} at T = {{t}}, α = {{a}}',
  },
  read: {
    grid: 'Best cell: T = {{t}}, α = {{a}}, <b>{{gain}}</b> ± {{se2}}; {{above}} of {{total}} cells are more than 2 standard errors above zero ({{seeds}} seed(s)).',
    controlsNoise:
      'At T = {{t}}, α = {{a}} the gain ({{gain}}) is still within noise, so the controls cannot yet say where it comes from.',
    controlsHead: 'At T = {{t}}, α = {{a}} the teacher adds {{gain}} over the baseline.',
    regularLittle:
      'Label smoothing reproduces {{smoothing}} of that and a random teacher {{random}}: <b>little of the gain is regularisation</b> (softer targets alone).',
    regularMuch:
      'Label smoothing reproduces {{smoothing}} of that and a random teacher {{random}}: <b>much of the gain is regularisation</b> (softer targets alone), not the teacher’s knowledge.',
    darkMost:
      'A permuted teacher (each row’s top answer and confidence kept, the wrong answers’ probabilities shuffled) reproduces {{permuted}}: <b>about {{dark}} of the gain is dark knowledge</b>, which wrong answers the teacher finds likely.',
    darkLittle:
      'A permuted teacher (each row’s top answer and confidence kept, the wrong answers’ probabilities shuffled) reproduces {{permuted}}: most of the gain is the teacher’s top answers (on unlabelled rows, pseudo-labels) and <b>about {{dark}} is dark knowledge</b>, which wrong answers it finds likely.',
    calibrationHead:
      'Temperature scaling (T = {{t}}, fitted on {{fit}} rows) takes the baseline’s NLL from {{before}} to {{after}} and its ECE from {{eceBefore}} to {{eceAfter}} on the other {{held}} rows, without changing a prediction; the distilled student there: NLL {{dNll}}, ECE {{dEce}}.',
    calibrationKd: 'The distilled student is better on both: distillation does more than calibrate.',
    calibrationScaling:
      'The scaled baseline is as good or better on both: as far as calibration goes, distillation adds nothing that one temperature does not.',
    calibrationMixedNll:
      'The distilled student has the lower NLL (it is also more accurate), the scaled baseline the lower calibration error: calibration alone does not explain the gain, and scaling calibrates better.',
    calibrationMixedEce: 'The distilled student has the lower calibration error, the scaled baseline the lower NLL.',
  },
};
