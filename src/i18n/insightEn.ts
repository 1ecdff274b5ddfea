// English strings of the "time to insight" parts of the UI (issue 9): the first screen, the KD gain
// with its uncertainty, the ETA, the end-of-run summary and its warnings, chart axis titles. Every key
// has its counterpart in insightZh.ts (catalog.test.ts checks both languages).

export const insightEn = {
  hero: {
    title: 'Knowledge distillation: a small model learns from a big one',
    what: 'A <b>teacher</b> network already knows the task. A much smaller <b>student</b> learns it from the true labels <i>and</i> from the teacher’s full answer — how likely it finds every option, not just its top pick. That extra signal is what distillation adds.',
    how: 'Press Start: the student and a <b>baseline</b> (same size, same start, labels only) train side by side on only {{labelled}} labelled examples. Watch the gap between them open — that gap is what the teacher taught.',
    start: 'Start distilling',
    running: 'Running — the curves below update live',
    restart: 'Start again',
    scroll: 'See the curves',
    time: 'Runs here on {{backend}}; the time left shows next to the step counter.',
    timeUnknown: 'The page picks the fastest way your browser can run it.',
  },
  gain: {
    seHint: '± one standard error, paired over {{rows}} validation rows (both students scored on the same rows)',
    start: 'both start from the same weights',
    helps: 'distillation helps: more than 2 standard errors above zero',
    noise: 'within noise: less than 2 standard errors from zero — keep training',
    hurts: 'distillation hurts: more than 2 standard errors below zero',
    band: '±2 SE',
    bandLegend: 'shaded: ±2 standard errors; outside the band around 0 the gain is not noise',
  },
  eta: {
    left: '{{time}} left',
    seconds: '{{n}} s',
    minutes: '{{m}} min {{s}} s',
  },
  axis: {
    step: 'distillation step',
    teacherStep: 'teacher step',
    loss: 'loss (nats)',
    accuracy: 'accuracy (%)',
    gainPts: 'gain (points)',
    confidence: 'confidence',
    observed: 'accuracy',
    predicted: 'predicted class →',
    truth: 'true class ↓',
  },
  summary: {
    aria: 'What this run showed',
    title: 'What this run showed',
    interim: 'So far (validation, step {{step}}) — the full summary comes when the run ends.',
    final: 'Final result on the {{rows}} held-out test rows.',
    helps:
      'The <b>distilled student</b> scored {{student}} and the <b>baseline</b> {{baseline}}: distillation bought <b>{{gain}}</b> (± {{se}}, {{z}} standard errors above zero). With the same size, start and labels, only the teacher’s soft answers differ — so that gap is what the teacher taught.',
    noise:
      'The <b>distilled student</b> scored {{student}} and the <b>baseline</b> {{baseline}}: a difference of {{gain}} (± {{se}}), within two standard errors of zero. On this run the two cannot be told apart: treat the gain as noise, not as a result.',
    hurts:
      'The <b>distilled student</b> scored {{student}} and the <b>baseline</b> {{baseline}}: distillation cost <b>{{gain}}</b> (± {{se}}). The teacher’s answers pulled the student away from the labels.',
    teacher:
      'The <b>teacher</b> scored {{teacher}} (chance is {{chance}}); the distilled student agrees with its top pick on {{agreement}} of the rows, the baseline on {{baselineAgreement}}.',
    teacherGen:
      'The <b>teacher</b> scored {{teacher}} next-token accuracy; the distilled student agrees with its top pick on {{agreement}} of the tokens, the baseline on {{baselineAgreement}}.',
    knobs:
      'Settings: T = {{t}} softens the teacher’s answer so the ranking of the wrong options shows (T = 1 would keep it almost one-hot); α = {{alpha}} puts {{alphaPct}} of the weight on the teacher’s answer and {{hardPct}} on the labels.',
    knobsAlphaZero:
      'Settings: α = 0, so the distilled student ignored the teacher and is just a second baseline: any gap is noise by construction.',
    size: 'The student has {{ratio}}× fewer parameters than the teacher.',
    next: {
      helps: 'Try: raise α towards 1, or lower T to 1, and see whether the gain grows or shrinks.',
      noise: 'Try: train longer (steps), or fewer labelled examples, where the teacher’s extra signal matters most.',
      hurts: 'Try: a lower α, so the labels weigh more.',
    },
  },
  warn: {
    teacherChance:
      'The teacher is near chance ({{teacher}}, chance {{chance}}): it knows almost nothing, so there is nothing to distil. Load the shipped teacher (teacher steps 0) or train it longer.',
    teacherWeak: 'The teacher is weak ({{teacher}}): the student can at best learn its mistakes.',
    noise: 'The gain is within noise so far: do not read the sign of it yet.',
    modaddTiny:
      'Why distillation did not help here: in modular addition no wrong answer is “almost right” — for 3 + 5 mod 13, 7 is as wrong as 2 — so the teacher’s soft answer has no ranking of the task’s own to pass on (in sentiment, “negative” is nearly right for “very negative”), and a small student may not have room for the whole 13 × 13 table whatever it learns from. Try a bigger student or more steps; the teacher’s answers on the unlabelled sums can still help.',
    capacity:
      'The student may be too small for this task: both students stay far below the teacher. Try a bigger student (student-m).',
  },
} as const;
