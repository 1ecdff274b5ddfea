// The guided lessons: each asks the learner to predict, runs a small preset (a URL query, read by
// configFromSearchParams on top of the defaults) live, and explains what happened from the run's own
// numbers (RunFacts, read from the client store). A lesson is one entry of LESSONS, with its text in
// English and 简体中文 side by side; explain() returns lines of text with values that the UI formats
// in the visitor's locale. Nothing here states a result: every number comes from the run.
//
// Presets are small so a laptop shows something in a minute or two: the shipped sentiment teacher
// (teacher-s, loaded at once, no teacher phase), a student-s student, 300 distillation steps,
// validation every 100 (about a minute on a laptop GPU; 80 s on a 2-core CPU with wasm).

import type { Lang } from '../i18n/catalog';
import { softAt, zScore, type RunFacts, type RunRecord } from './facts';

export type Text = Readonly<Record<Lang, string>>;

/** A value for a {{placeholder}}: the UI formats numbers for the locale. */
export type Val =
  | string
  | number
  | { text: Text }
  | { pct: number }
  | { pts: number }
  | { num: number; digits?: number }
  | { int: number }
  | { fixed: number; digits: number };

export interface Line {
  text: Text;
  values?: Record<string, Val>;
}

export interface Variant {
  id: string;
  label: Text;
  /** URL query of the preset (the app's own URL keys). */
  query: string;
}

export interface Choice {
  id: string;
  text: Text;
}

export interface Lesson {
  id: string;
  title: Text;
  /** One or two sentences: what this lesson is about. */
  intro: Text;
  question: Text;
  choices: Choice[];
  variants: Variant[];
  /** The choice this run's numbers support (or the lesson's answer, for a question of principle); null while they cannot tell. */
  verdict(f: RunFacts): string | null;
  /** What happened, from f's numbers; [waiting] before the first validation. */
  explain(f: RunFacts): Line[];
}

const T = (en: string, zh: string): Text => ({ en, zh });

/** The base of every preset: shipped sentiment teacher, small student, a short run. */
export const BASE_QUERY =
  'task=sentiment&seed=1&teacher=teacher-s&student=student-s&teacher-steps=0&steps=600&eval-every=100&labelled=200&transfer=2000';
/** The base with some keys replaced (a repeated key would be read as its first value). */
function q(extra: string): string {
  const p = new URLSearchParams(BASE_QUERY);
  for (const [k, v] of new URLSearchParams(extra)) p.set(k, v);
  return p.toString();
}

// ---------------------------------------------------------------------------------------------
// Lines several lessons use

export const WAITING: Line = {
  text: T('Waiting for the first validation (every {{every}} steps)…', '等待第一次验证（每 {{every}} 步一次）…'),
};

const waiting = (f: RunFacts): Line => ({ ...WAITING, values: { every: { int: f.config.evalEvery } } });

const accuracies = (f: RunFacts): Line => ({
  text: T(
    'At step {{step}} (validation): teacher {{teacher}}, distilled student {{student}}, baseline {{baseline}}; KD gain {{gain}}.',
    '第 {{step}} 步（验证集）：教师 {{teacher}}，蒸馏学生 {{student}}，基线学生 {{baseline}}；KD 增益 {{gain}}。',
  ),
  values: {
    step: { int: f.evalStep ?? 0 },
    teacher: { pct: f.teacher?.accuracy ?? NaN },
    student: { pct: f.student?.accuracy ?? NaN },
    baseline: { pct: f.baseline?.accuracy ?? NaN },
    gain: { pts: f.gain ?? NaN },
  },
});

/** The gain against its standard error, when the validation size is known. */
const noise = (f: RunFacts): Line | null => {
  const z = zScore(f);
  if (z === undefined || f.gainSE === undefined || f.valRows === undefined) return null;
  const values = { n: { int: f.valRows }, se: { fixed: f.gainSE * 100, digits: 1 }, z: { fixed: z, digits: 1 } };
  if (Math.abs(z) >= 2) {
    return {
      text: T(
        'On {{n}} validation sentences one standard error of the gain is about {{se}} points: this gain is {{z}} standard errors from zero, clearly more than noise.',
        '在 {{n}} 个验证句子上，增益的一个标准误约为 {{se}} 个百分点：这次的增益离零有 {{z}} 个标准误，明显不是噪声。',
      ),
      values,
    };
  }
  return {
    text: T(
      'On {{n}} validation sentences one standard error of the gain is about {{se}} points: this gain is only {{z}} standard errors from zero, within the noise.',
      '在 {{n}} 个验证句子上，增益的一个标准误约为 {{se}} 个百分点：这次的增益离零只有 {{z}} 个标准误，还在噪声范围内。',
    ),
    values,
  };
};

/** One line per earlier variant of this lesson, for comparison. */
const earlier = (f: RunFacts, lesson: () => Lesson): Line[] =>
  Object.values(f.previous)
    .filter((r: RunRecord) => r.variant !== f.variant && r.gain !== undefined)
    .map((r) => ({
      text: T(
        'Your earlier run “{{variant}}” ended its last validation (step {{step}}) at student {{student}}, baseline {{baseline}}: KD gain {{gain}}.',
        '你之前的运行“{{variant}}”在最后一次验证（第 {{step}} 步）时：学生 {{student}}，基线 {{baseline}}，KD 增益 {{gain}}。',
      ),
      values: {
        variant: variantLabel(lesson(), r.variant),
        step: { int: r.step },
        student: { pct: r.student ?? NaN },
        baseline: { pct: r.baseline ?? NaN },
        gain: { pts: r.gain ?? NaN },
      },
    }));

/** The label of a variant (both languages: the UI picks one). */
function variantLabel(lesson: Lesson, id: string): Val {
  const v = lesson.variants.find((x) => x.id === id);
  return v ? { text: v.label } : id;
}

/** gain > 2 SE → a, |gain| ≤ 2 SE → b, gain < −2 SE → c; null before a validation. */
function byGain(f: RunFacts, better: string, same: string, worse: string): string | null {
  const z = zScore(f);
  if (z === undefined) return f.gain === undefined ? null : f.gain > 0.02 ? better : f.gain < -0.02 ? worse : same;
  return z >= 2 ? better : z <= -2 ? worse : same;
}

const ready = (f: RunFacts) => f.mine && f.evalStep !== undefined;

// ---------------------------------------------------------------------------------------------

const darkKnowledge: Lesson = {
  id: 'dark-knowledge',
  title: T('Dark knowledge and the temperature T', '暗知识与温度 T'),
  intro: T(
    'A one-hot label says only “this class”. The teacher’s full distribution also says which wrong classes are nearly right — Hinton called it dark knowledge. Dividing the logits by T before the softmax turns it up.',
    '独热标签只说“就是这一类”。教师的完整分布还说明了哪些错误类别几乎是对的——Hinton 称之为暗知识。在 softmax 之前把 logits 除以温度 T，就能把它放大。',
  ),
  question: T(
    'Raise T from 1 to 8. What happens to the probability the teacher gives its top class?',
    '把 T 从 1 调到 8，教师给首选类别的概率会怎样？',
  ),
  choices: [
    { id: 'up', text: T('It rises toward 100%', '升高，趋向 100%') },
    { id: 'down', text: T('It falls toward 1 / (number of classes)', '降低，趋向 1 / 类别数') },
    { id: 'same', text: T('It stays the same: T does not change the ranking', '不变：T 不改变排序') },
  ],
  variants: [
    { id: 't4', label: T('T = 4', 'T = 4'), query: q('temperature=4&alpha=0.7') },
    { id: 't1', label: T('T = 1 (no softening)', 'T = 1（不软化）'), query: q('temperature=1&alpha=0.7') },
  ],
  verdict(f) {
    if (!f.mine || !f.prediction) return null;
    const a = softAt(f.prediction.teacher, f.prediction.labels, 1).top.p;
    const b = softAt(f.prediction.teacher, f.prediction.labels, 8).top.p;
    return b < a - 1e-9 ? 'down' : b > a + 1e-9 ? 'up' : 'same';
  },
  explain(f) {
    const lines: Line[] = [];
    if (f.mine && f.prediction) {
      const p = f.prediction;
      const at = (t: number) => softAt(p.teacher, p.labels, t);
      const a1 = at(1);
      const topIndex = a1.order[0];
      const secondIndex = a1.order[1];
      const share = (t: number, i: number) => at(t).probs[i];
      lines.push({
        text: T(
          'For “{{input}}” the teacher’s top class is {{top}}: {{p1}} at T = 1, then {{p2}} at T = 2, {{p4}} at T = 4, {{p8}} at T = 8.',
          '对“{{input}}”，教师的首选类别是 {{top}}：T = 1 时 {{p1}}，T = 2 时 {{p2}}，T = 4 时 {{p4}}，T = 8 时 {{p8}}。',
        ),
        values: {
          input: p.input,
          top: a1.top.label,
          p1: { pct: share(1, topIndex) },
          p2: { pct: share(2, topIndex) },
          p4: { pct: share(4, topIndex) },
          p8: { pct: share(8, topIndex) },
        },
      });
      lines.push({
        text: T(
          'The runner-up, {{second}}, goes from {{s1}} to {{s8}}; the least likely class, {{last}}, has {{l1}} at T = 1. That ordering of the wrong answers is the dark knowledge the soft labels carry.',
          '第二名 {{second}} 从 {{s1}} 变为 {{s8}}；最不可能的类别 {{last}} 在 T = 1 时只有 {{l1}}。错误答案之间的这种排序，就是软标签携带的暗知识。',
        ),
        values: {
          second: a1.second.label,
          s1: { pct: share(1, secondIndex) },
          s8: { pct: share(8, secondIndex) },
          last: a1.last.label,
          l1: { pct: a1.last.p },
        },
      });
      lines.push({
        text: T(
          'Entropy of the teacher’s distribution: {{h1}} bits at T = 1, {{h8}} bits at T = 8 (uniform over {{k}} classes would be {{hmax}} bits). Move the T slider and watch the right-hand bars of the predictions panel.',
          '教师分布的熵：T = 1 时 {{h1}} 比特，T = 8 时 {{h8}} 比特（{{k}} 个类别的均匀分布是 {{hmax}} 比特）。拖动温度滑块，看预测面板右侧的概率条。',
        ),
        values: {
          h1: { fixed: a1.entropyBits, digits: 2 },
          h8: { fixed: at(8).entropyBits, digits: 2 },
          k: { int: p.labels.length },
          hmax: { fixed: Math.log2(p.labels.length), digits: 2 },
        },
      });
    }
    if (!ready(f)) return [...lines, waiting(f)];
    lines.push(
      {
        text: T('This run distils at T = {{t}}.', '这次运行在 T = {{t}} 下蒸馏。'),
        values: { t: { fixed: f.config.hyper.temperature, digits: 1 } },
      },
      accuracies(f),
    );
    return [...lines, ...earlier(f, () => darkKnowledge)];
  },
};

const alpha: Lesson = {
  id: 'alpha',
  title: T('α: labels versus the teacher, and the baseline', 'α：标签与教师，以及基线'),
  intro: T(
    'L = (1 − α)·CE(labels) + α·T²·KL(teacher ‖ student). α = 0 is a student that ignores the teacher: the baseline, trained here side by side on the same batches from the same starting weights.',
    'L = (1 − α)·CE(标签) + α·T²·KL(教师 ‖ 学生)。α = 0 就是完全不看教师的学生，即基线；本页让它用相同的初始权重、在相同的批次上并排训练。',
  ),
  question: T(
    'The student has labels for only 200 sentences. With α = 0.7, who will be more accurate on validation?',
    '学生只有 200 个句子的标签。α = 0.7 时，谁在验证集上更准确？',
  ),
  choices: [
    { id: 'student', text: T('The distilled student, clearly', '蒸馏学生，明显更好') },
    { id: 'same', text: T('About the same', '差不多') },
    { id: 'baseline', text: T('The baseline', '基线学生') },
  ],
  variants: [
    { id: 'a07', label: T('α = 0.7', 'α = 0.7'), query: q('temperature=4&alpha=0.7') },
    { id: 'a1', label: T('α = 1 (teacher only)', 'α = 1（只向教师学）'), query: q('temperature=4&alpha=1') },
    {
      id: 'a0',
      label: T('α = 0 (the student is the baseline)', 'α = 0（学生即基线）'),
      query: q('temperature=4&alpha=0'),
    },
  ],
  verdict: (f) => (ready(f) ? byGain(f, 'student', 'same', 'baseline') : null),
  explain(f) {
    if (!ready(f)) return [waiting(f)];
    const h = f.config.hyper;
    const lines: Line[] = [
      {
        text: T(
          'Weights in this run: {{hard}} on the label term (1 − α) and {{soft}} on the teacher term (α·T², with α = {{alpha}}, T = {{t}}).',
          '这次运行的权重：标签项 {{hard}}（1 − α），教师项 {{soft}}（α·T²，α = {{alpha}}，T = {{t}}）。',
        ),
        values: {
          hard: { num: 1 - h.alpha },
          soft: { num: h.alpha * h.temperature * h.temperature },
          alpha: { num: h.alpha },
          t: { num: h.temperature },
        },
      },
      accuracies(f),
    ];
    const n = noise(f);
    if (n) lines.push(n);
    if (h.alpha === 0) {
      lines.push({
        text: T(
          'With α = 0 the student is the baseline: same weights, same batches, same loss. The gain of {{gain}} is what remains of floating-point differences — the zero point of every other run.',
          'α = 0 时学生就是基线：相同的权重、相同的批次、相同的损失。{{gain}} 的增益只是浮点误差——这是其他所有运行的零点。',
        ),
        values: { gain: { pts: f.gain ?? NaN } },
      });
    } else if (h.alpha === 1) {
      lines.push({
        text: T(
          'With α = 1 the student never sees a label: it copies the teacher, and agrees with it on {{agree}} of the validation sentences (the baseline: {{agreeB}}).',
          'α = 1 时学生从不看标签，只模仿教师：它在 {{agree}} 的验证句子上与教师一致（基线为 {{agreeB}}）。',
        ),
        values: { agree: { pct: f.student?.agreement ?? NaN }, agreeB: { pct: f.baseline?.agreement ?? NaN } },
      });
    } else {
      lines.push({
        text: T(
          'The student agrees with the teacher on {{agree}} of the validation sentences, the baseline on {{agreeB}}: the teacher term pulls the student toward the teacher’s answers, including on sentences without labels.',
          '学生在 {{agree}} 的验证句子上与教师一致，基线为 {{agreeB}}：教师项把学生拉向教师的答案，包括在没有标签的句子上。',
        ),
        values: { agree: { pct: f.student?.agreement ?? NaN }, agreeB: { pct: f.baseline?.agreement ?? NaN } },
      });
    }
    return [...lines, ...earlier(f, () => alpha)];
  },
};

const gainUncertainty: Lesson = {
  id: 'kd-gain',
  title: T('The KD gain and its uncertainty', 'KD 增益及其不确定性'),
  intro: T(
    'The KD gain is the distilled student’s accuracy minus the baseline’s, on the same validation sentences. Like any accuracy measured on a few hundred examples it is noisy: is a given gain real?',
    'KD 增益是蒸馏学生与基线学生在同一批验证句子上的准确率之差。和任何在几百个样本上测得的准确率一样，它有噪声：某个增益是真的吗？',
  ),
  question: T(
    'A run shows a KD gain of +2 points on about 500 validation sentences. Is the teacher helping?',
    '一次运行在约 500 个验证句子上显示 +2 个百分点的 KD 增益。教师真的有帮助吗？',
  ),
  choices: [
    { id: 'yes', text: T('Yes: any positive gain is a real gain', '是的：只要是正的增益就是真的') },
    {
      id: 'se',
      text: T(
        'Only if the gain is well above its standard error (about 2 SE or more)',
        '只有当增益明显大于它的标准误（约 2 个标准误以上）时才算',
      ),
    },
    { id: 'never', text: T('A validation set can never tell', '验证集永远无法判断') },
  ],
  variants: [
    { id: 'seed1', label: T('seed 1', '种子 1'), query: q('temperature=4&alpha=0.7&seed=1') },
    { id: 'seed2', label: T('same recipe, seed 2', '相同配方，种子 2'), query: q('temperature=4&alpha=0.7&seed=2') },
  ],
  verdict: () => 'se',
  explain(f) {
    if (!ready(f)) return [waiting(f)];
    const lines: Line[] = [accuracies(f)];
    if (f.gainSE !== undefined && f.valRows !== undefined && f.gain !== undefined) {
      lines.push({
        text: T(
          'Each accuracy is a share of n = {{n}} sentences, so its standard error is √(p(1 − p)/n): {{seS}} points for the student, {{seB}} for the baseline. For their difference, √(SE² + SE²) = {{se}} points; a 95% interval for the gain is {{lo}} … {{hi}}.',
          '每个准确率都是 n = {{n}} 个句子中的比例，所以标准误是 √(p(1 − p)/n)：学生为 {{seS}} 个百分点，基线为 {{seB}}。两者之差的标准误是 √(SE² + SE²) = {{se}} 个百分点；增益的 95% 区间是 {{lo}} … {{hi}}。',
        ),
        values: {
          n: { int: f.valRows },
          seS: {
            fixed: 100 * Math.sqrt(((f.student?.accuracy ?? 0) * (1 - (f.student?.accuracy ?? 0))) / f.valRows),
            digits: 1,
          },
          seB: {
            fixed: 100 * Math.sqrt(((f.baseline?.accuracy ?? 0) * (1 - (f.baseline?.accuracy ?? 0))) / f.valRows),
            digits: 1,
          },
          se: { fixed: 100 * f.gainSE, digits: 1 },
          lo: { pts: f.gain - 1.96 * f.gainSE },
          hi: { pts: f.gain + 1.96 * f.gainSE },
        },
      });
      const n = noise(f);
      if (n) lines.push(n);
      lines.push({
        text: T(
          'This interval is conservative: student and baseline answer the same sentences, and their errors overlap, so the paired difference varies less. It covers only the validation sample, not the run’s own luck (seed): for that, run the seed-2 variant, or `npm run experiment -- --seeds 5` for a mean ± standard error over seeds.',
          '这个区间偏保守：学生和基线回答的是同一批句子，错误有重叠，配对差的波动更小。它只反映验证样本的随机性，不包括运行本身的运气（随机种子）：要看后者，请运行“种子 2”，或用 `npm run experiment -- --seeds 5` 得到多个种子上的均值 ± 标准误。',
        ),
      });
    } else {
      lines.push({
        text: T(
          'This task does not report the size of its validation split, so the page cannot give the gain a standard error here.',
          '这个任务没有给出验证集大小，页面无法在这里给出增益的标准误。',
        ),
      });
    }
    if (f.gains.length >= 3) {
      const last = f.gains.slice(-3);
      lines.push({
        text: T(
          'The gain at the last three validations: {{g}}. How much it moves from one validation to the next is another look at the noise.',
          '最近三次验证的增益：{{g}}。它在相邻两次验证之间的波动，是观察噪声的另一个角度。',
        ),
        values: { g: last.map((g) => `${g >= 0 ? '+' : '−'}${Math.abs(g * 100).toFixed(1)}`).join(', ') },
      });
    }
    return [...lines, ...earlier(f, () => gainUncertainty)];
  },
};

const transfer: Lesson = {
  id: 'transfer-set',
  title: T('A transfer set of unlabelled data', '无标签的迁移集'),
  intro: T(
    'The teacher can label sentences nobody labelled: on these transfer rows the student learns from the teacher’s soft labels alone. The baseline cannot use them at all. This is how distillation is done in practice — a pretrained, fine-tuned teacher (as BERT is for DistilBERT-style students) labels plenty of unlabelled in-domain text.',
    '教师可以给没人标注过的句子打标签：在这些迁移样本上，学生只从教师的软标签学习，而基线完全用不上它们。实际中的知识蒸馏正是这样做的——一个经过预训练和微调的教师（如 BERT 之于 DistilBERT 一类的学生）给大量无标签的领域文本打软标签。',
  ),
  question: T(
    'Take the 2,000 unlabelled sentences away (transfer = 0), keeping the 200 labelled ones. What happens to the KD gain?',
    '去掉 2,000 个无标签句子（transfer = 0），保留 200 个有标签的句子。KD 增益会怎样？',
  ),
  choices: [
    {
      id: 'shrinks',
      text: T('It shrinks: the transfer rows were where the teacher helped most', '变小：教师主要在迁移样本上帮忙'),
    },
    { id: 'same', text: T('It stays about the same', '基本不变') },
    { id: 'grows', text: T('It grows: fewer rows, less noise', '变大：样本更少，噪声更少') },
  ],
  variants: [
    { id: 'with', label: T('transfer = 2,000', 'transfer = 2,000'), query: q('temperature=4&alpha=0.7&transfer=2000') },
    { id: 'without', label: T('transfer = 0', 'transfer = 0'), query: q('temperature=4&alpha=0.7&transfer=0') },
  ],
  verdict(f) {
    const w = f.variant === 'with' && f.gain !== undefined ? f.gain : f.previous.with?.gain;
    const wo = f.variant === 'without' && f.gain !== undefined ? f.gain : f.previous.without?.gain;
    if (w === undefined || wo === undefined) return null;
    const margin = 2 * (f.gainSE ?? 0.02);
    return w - wo > margin ? 'shrinks' : wo - w > margin ? 'grows' : 'same';
  },
  explain(f) {
    if (!ready(f)) return [waiting(f)];
    const lines: Line[] = [
      {
        text: T(
          'This run: {{labelled}} labelled rows that student and baseline share, and {{transfer}} unlabelled transfer rows that only the student’s teacher term sees.',
          '这次运行：学生和基线共享 {{labelled}} 条有标签样本，另有 {{transfer}} 条无标签迁移样本，只有学生的教师项能看到。',
        ),
        values: { labelled: { int: f.labelledRows ?? f.config.labelled }, transfer: { int: f.transferRows ?? 0 } },
      },
      accuracies(f),
    ];
    const n = noise(f);
    if (n) lines.push(n);
    if ((f.transferRows ?? 0) === 0) {
      lines.push({
        text: T(
          'Without transfer rows the teacher only re-describes the 200 labelled sentences: the student still gets the dark knowledge on them, but no new sentences.',
          '没有迁移样本时，教师只能对那 200 个有标签的句子再描述一遍：学生在这些句子上仍能得到暗知识，但见不到新句子。',
        ),
      });
    }
    return [...lines, ...earlier(f, () => transfer)];
  },
};

const capacity: Lesson = {
  id: 'capacity',
  title: T('Capacity: student and teacher sizes', '容量：学生与教师的大小'),
  intro: T(
    'Distillation compresses: the student has fewer parameters than the teacher. How much of the teacher’s accuracy survives depends on how much room the student has.',
    '知识蒸馏是一种压缩：学生的参数比教师少。教师的准确率能保留多少，取决于学生有多大的容量。',
  ),
  question: T(
    'Same teacher (3 × 4 × 64). A student ten times smaller than student-s, or one twice as wide: how does the student’s accuracy compare with the teacher’s?',
    '同一个教师（3 × 4 × 64）。比 student-s 小十倍的学生，或宽一倍的学生：学生的准确率和教师相比如何？',
  ),
  choices: [
    { id: 'bigger', text: T('The bigger the student, the closer to the teacher', '学生越大，越接近教师') },
    {
      id: 'same',
      text: T('Size hardly matters: the teacher’s soft labels do the work', '大小无所谓：起作用的是教师的软标签'),
    },
    { id: 'smaller', text: T('Smaller students copy the teacher better', '学生越小，模仿得越好') },
  ],
  variants: [
    {
      id: 'student-s',
      label: T('student-s (2 × 2 × 32)', 'student-s（2 × 2 × 32）'),
      query: q('temperature=4&alpha=0.7&student=student-s'),
    },
    {
      id: 'tiny',
      label: T('tiny (1 × 2 × 16)', 'tiny（1 × 2 × 16）'),
      query: q('temperature=4&alpha=0.7&student=tiny'),
    },
    {
      id: 'student-m',
      label: T('student-m (2 × 4 × 64)', 'student-m（2 × 4 × 64）'),
      query: q('temperature=4&alpha=0.7&student=student-m'),
    },
  ],
  verdict(f) {
    const acc = (id: string) => (f.variant === id && f.student ? f.student.accuracy : f.previous[id]?.student);
    const small = acc('tiny');
    const big = acc('student-m') ?? acc('student-s');
    if (small === undefined || big === undefined) return null;
    return big - small > 0.02 ? 'bigger' : small - big > 0.02 ? 'smaller' : 'same';
  },
  explain(f) {
    const lines: Line[] = [];
    if (f.params) {
      lines.push({
        text: T(
          'Teacher {{teacher}} ({{tp}} parameters), student {{student}} ({{sp}} parameters): {{ratio}}× fewer.',
          '教师 {{teacher}}（{{tp}} 个参数），学生 {{student}}（{{sp}} 个参数）：少 {{ratio}} 倍。',
        ),
        values: {
          teacher: f.config.teacher,
          student: f.config.student,
          tp: { int: f.params.teacher },
          sp: { int: f.params.student },
          ratio: { fixed: f.params.teacher / f.params.student, digits: 1 },
        },
      });
    }
    if (!ready(f)) return [...lines, waiting(f)];
    lines.push(accuracies(f));
    if (f.teacher && f.student) {
      lines.push({
        text: T(
          'The distilled student reaches {{share}} of the teacher’s accuracy; the baseline of the same size {{shareB}}.',
          '蒸馏学生达到了教师准确率的 {{share}}；同样大小的基线为 {{shareB}}。',
        ),
        values: {
          share: { pct: f.student.accuracy / f.teacher.accuracy },
          shareB: { pct: (f.baseline?.accuracy ?? NaN) / f.teacher.accuracy },
        },
      });
    }
    return [...lines, ...earlier(f, () => capacity)];
  },
};

const paradigms: Lesson = {
  id: 'paradigms',
  title: T(
    'Three paradigms: response, feature, relation — and attention as knowledge',
    '三种范式：响应、特征、关系蒸馏——以及把注意力当作知识',
  ),
  intro: T(
    'Response distillation matches the outputs (logits, the soft term). Feature distillation (β, FitNets) matches hidden states through a learned projection; relation distillation (δ, RKD) matches how examples relate to each other; attention transfer (γ) matches attention maps. DistilBERT combines soft logits with a hidden-state term; TinyBERT adds attention maps.',
    '响应蒸馏对齐输出（logits，即软项）。特征蒸馏（β，FitNets）通过一个学到的投影对齐隐藏状态；关系蒸馏（δ，RKD）对齐样本之间的关系；注意力迁移（γ）对齐注意力图。DistilBERT 把软 logits 与隐藏状态项结合；TinyBERT 又加上了注意力图。',
  ),
  question: T(
    'On top of the soft term, add a feature (β = 1), relation (δ = 1) or attention (γ = 1) term. What will it do for this small student?',
    '在软项之上加入特征项（β = 1）、关系项（δ = 1）或注意力项（γ = 1）。对这个小学生会有什么作用？',
  ),
  choices: [
    { id: 'always', text: T('Always a clear improvement: more knowledge is better', '总是明显提升：知识越多越好') },
    {
      id: 'depends',
      text: T(
        'It depends: on a small task the logits may already carry most of it',
        '看情况：在小任务上，logits 可能已经携带了大部分知识',
      ),
    },
    { id: 'hurts', text: T('It always hurts', '总是有害') },
  ],
  variants: [
    {
      id: 'response',
      label: T('response only (β = γ = δ = 0)', '只有响应蒸馏（β = γ = δ = 0）'),
      query: q('temperature=4&alpha=0.7&steps=300&beta=0&gamma=0&delta=0'),
    },
    {
      id: 'feature',
      label: T('+ feature (β = 1)', '+ 特征（β = 1）'),
      query: q('temperature=4&alpha=0.7&steps=300&beta=1&gamma=0&delta=0'),
    },
    {
      id: 'relation',
      label: T('+ relation (δ = 1)', '+ 关系（δ = 1）'),
      query: q('temperature=4&alpha=0.7&steps=300&beta=0&gamma=0&delta=1'),
    },
    {
      id: 'attention',
      label: T('+ attention (γ = 1)', '+ 注意力（γ = 1）'),
      query: q('temperature=4&alpha=0.7&steps=300&beta=0&gamma=1&delta=0'),
    },
  ],
  verdict: () => 'depends',
  explain(f) {
    if (!ready(f)) return [waiting(f)];
    const h = f.config.hyper;
    const l = f.loss;
    const lines: Line[] = [accuracies(f)];
    if (l) {
      lines.push({
        text: T(
          'Latest unweighted terms: soft (response) {{soft}}, feature {{feature}}, relation {{relation}}, attention {{attention}}; weights β = {{beta}}, γ = {{gamma}}, δ = {{delta}}. A term with weight 0 is not computed and shows 0.',
          '最新的未加权各项：软项（响应）{{soft}}，特征 {{feature}}，关系 {{relation}}，注意力 {{attention}}；权重 β = {{beta}}，γ = {{gamma}}，δ = {{delta}}。权重为 0 的项不计算，显示为 0。',
        ),
        values: {
          soft: { num: l.soft ?? NaN },
          feature: { num: l.feature ?? NaN },
          relation: { num: l.relation ?? NaN },
          attention: { num: l.attention ?? NaN },
          beta: { num: h.beta },
          gamma: { num: h.gamma },
          delta: { num: h.delta },
        },
      });
    }
    lines.push({
      text: T(
        'The intermediate terms need the teacher’s hidden states at every step (they cannot be cached like its logits), so these runs are slower; compare the steps/s with the response-only run.',
        '中间层的各项在每一步都需要教师的隐藏状态（不能像 logits 那样缓存），所以这些运行更慢；和只有响应蒸馏的运行比较一下每秒步数。',
      ),
    });
    return [...lines, ...earlier(f, () => paradigms)];
  },
};

const failure: Lesson = {
  id: 'when-kd-fails',
  title: T('When distillation fails', '知识蒸馏何时失败'),
  intro: T(
    'The student learns what the teacher says, mistakes included. This app cannot load a random teacher directly, but teacher-steps = 1 gives the closest thing: a teacher trained for one step from its random initialisation. The other classic failure is a capacity gap: a student too small to follow the teacher.',
    '学生学到的是教师说的话，错误也包括在内。本应用不能直接加载一个随机教师，但 teacher-steps = 1 是最接近的做法：一个从随机初始化只训练了一步的教师。另一个经典的失败是容量差距：学生太小，跟不上教师。',
  ),
  question: T(
    'The teacher had one training step. With α = 0.9, will the distilled student beat the baseline?',
    '教师只训练了一步。α = 0.9 时，蒸馏学生会胜过基线吗？',
  ),
  choices: [
    { id: 'better', text: T('Yes: any teacher adds information', '会：任何教师都能增加信息') },
    { id: 'same', text: T('About the same', '差不多') },
    {
      id: 'worse',
      text: T(
        'No: it learns the untrained teacher’s noise and falls behind',
        '不会：它学到了未训练教师的噪声，反而落后',
      ),
    },
  ],
  variants: [
    {
      id: 'untrained',
      label: T('untrained teacher (1 step), α = 0.9', '未训练的教师（1 步），α = 0.9'),
      query: q('temperature=4&alpha=0.9&teacher-steps=1'),
    },
    {
      id: 'gap',
      label: T('capacity gap: tiny student (1 × 2 × 16), α = 0.9', '容量差距：tiny 学生（1 × 2 × 16），α = 0.9'),
      query: q('temperature=4&alpha=0.9&student=tiny'),
    },
  ],
  verdict: (f) =>
    ready(f) && f.variant === 'untrained'
      ? byGain(f, 'better', 'same', 'worse')
      : f.previous.untrained?.gain !== undefined
        ? f.previous.untrained.gain < -0.02
          ? 'worse'
          : f.previous.untrained.gain > 0.02
            ? 'better'
            : 'same'
        : null,
  explain(f) {
    if (!ready(f)) return [waiting(f)];
    const lines: Line[] = [accuracies(f)];
    if (f.classes) {
      lines.push({
        text: T(
          'Chance level with {{k}} classes is {{chance}}; the teacher scores {{teacher}}.',
          '{{k}} 个类别的随机水平是 {{chance}}；教师为 {{teacher}}。',
        ),
        values: { k: { int: f.classes }, chance: { pct: 1 / f.classes }, teacher: { pct: f.teacher?.accuracy ?? NaN } },
      });
    }
    lines.push({
      text: T(
        'The distilled student agrees with this teacher on {{agree}} of the sentences, the baseline on {{agreeB}}: with α = {{alpha}} the student mostly copies the teacher, whatever it knows.',
        '蒸馏学生在 {{agree}} 的句子上与这个教师一致，基线为 {{agreeB}}：α = {{alpha}} 时学生主要在模仿教师，不管教师懂多少。',
      ),
      values: {
        agree: { pct: f.student?.agreement ?? NaN },
        agreeB: { pct: f.baseline?.agreement ?? NaN },
        alpha: { num: f.config.hyper.alpha },
      },
    });
    const n = noise(f);
    if (n) lines.push(n);
    if (f.variant === 'gap' && f.params) {
      lines.push({
        text: T(
          'The teacher has {{ratio}}× the student’s parameters. In the literature (teacher-assistant distillation) a much larger teacher can distil worse than a medium one; at the sizes this page trains in a minute the gap is mild — compare the gain with student-s in the capacity lesson.',
          '教师的参数是学生的 {{ratio}} 倍。文献中（助教蒸馏）一个大得多的教师可能比中等大小的教师蒸馏得更差；在本页一分钟内能训练的规模上，这种差距并不明显——可以和容量一课里 student-s 的增益比较。',
        ),
        values: { ratio: { fixed: f.params.teacher / f.params.student, digits: 0 } },
      });
    }
    return [...lines, ...earlier(f, () => failure)];
  },
};

const conventions: Lesson = {
  id: 'conventions',
  title: T('Conventions: why T², and which term α weights', '约定：为什么乘 T²，α 加权的是哪一项'),
  intro: T(
    'Softening by T shrinks the soft term’s gradients by about 1/T², so Hinton et al. multiply it by T²: the balance between the two terms then does not change when you change T. Toolkits also disagree on α: here α weights the teacher term; in some, α weights the hard (label) term.',
    '用 T 软化会让软项的梯度缩小约 1/T²，所以 Hinton 等人把它乘以 T²：这样改变 T 时两项之间的平衡不变。各个工具包对 α 的约定也不一致：这里 α 加权的是教师项；在有些工具包里，α 加权的是硬标签项。',
  ),
  question: T('Why is the soft term multiplied by T²?', '软项为什么要乘以 T²？'),
  choices: [
    { id: 'grad', text: T('To keep its gradients the same size whatever T is', '使它的梯度大小不随 T 改变') },
    { id: 'metric', text: T('To turn KL into a proper distance', '把 KL 变成真正的距离') },
    { id: 'fast', text: T('To make high temperatures learn faster', '让高温学得更快') },
  ],
  variants: [
    { id: 't8', label: T('T = 8', 'T = 8'), query: q('temperature=8&alpha=0.7') },
    { id: 't2', label: T('T = 2', 'T = 2'), query: q('temperature=2&alpha=0.7') },
  ],
  verdict: () => 'grad',
  explain(f) {
    const h = f.config.hyper;
    const lines: Line[] = [
      {
        text: T(
          'Here: L = (1 − α)·CE + α·T²·KL with α = {{alpha}}. In a toolkit where α weights the hard term, the same run is written α = {{other}}.',
          '本页：L = (1 − α)·CE + α·T²·KL，α = {{alpha}}。在 α 加权硬标签项的工具包里，同一次运行要写成 α = {{other}}。',
        ),
        values: { alpha: { num: h.alpha }, other: { num: 1 - h.alpha } },
      },
    ];
    if (!f.mine || !f.loss || f.loss.soft === undefined) return [...lines, waiting(f)];
    const t2 = h.temperature * h.temperature;
    lines.push({
      text: T(
        'At step {{step}} the soft term T²·KL is {{soft}} (T = {{t}}), so KL itself is {{soft}} / {{t2}} = {{kl}}. Without the T² factor its pull on the student would be {{t2}} times weaker, next to a hard term of {{hard}}.',
        '第 {{step}} 步时软项 T²·KL 为 {{soft}}（T = {{t}}），所以 KL 本身是 {{soft}} / {{t2}} = {{kl}}。如果不乘 T²，它对学生的拉力会弱 {{t2}} 倍，而旁边的硬标签项是 {{hard}}。',
      ),
      values: {
        step: { int: f.loss.step },
        soft: { num: f.loss.soft, digits: 3 },
        t: { num: h.temperature },
        t2: { num: t2 },
        kl: { num: f.loss.soft / t2, digits: 3 },
        hard: { num: f.loss.hard ?? NaN, digits: 3 },
      },
    });
    lines.push({
      text: T(
        'Try the worked example below: the KL of two distributions, term by term, and T²·KL from logits.',
        '试试下方的算例：逐项计算两个分布的 KL，以及由 logits 得到的 T²·KL。',
      ),
    });
    if (ready(f)) lines.push(accuracies(f));
    return [...lines, ...earlier(f, () => conventions)];
  },
};

export const LESSONS: readonly Lesson[] = [
  darkKnowledge,
  alpha,
  gainUncertainty,
  transfer,
  capacity,
  paradigms,
  failure,
  conventions,
];
