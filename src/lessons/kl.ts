// The worked example of the soft term: KL(p ‖ q) term by term, in nats and bits, from two typed
// distributions or from two logit vectors and a temperature T (p = softmax(zt / T), q = softmax(zs / T)).
// Pure arithmetic, no tfjs and no DOM, so the lesson card and its tests share it. Problems come back
// as codes with their numbers (never as English sentences): the UI words them in the visitor's
// language.
//
//   KL(p ‖ q) = Σ_i p_i · ln(p_i / q_i)   (nats; divide by ln 2 for bits)
//   terms with p_i = 0 contribute 0 (the limit of p·ln p); a term with p_i > 0 and q_i = 0 is +∞.

export type KlMode = 'probs' | 'logits';

export type KlProblem =
  | { code: 'empty'; which: 'p' | 'q' }
  | { code: 'notNumber'; which: 'p' | 'q'; index: number; text: string }
  | { code: 'tooShort'; which: 'p' | 'q' }
  | { code: 'lengths'; p: number; q: number }
  | { code: 'negative'; which: 'p' | 'q'; index: number; value: number }
  | { code: 'sum'; which: 'p' | 'q'; sum: number }
  | { code: 'allZero'; which: 'p' | 'q' }
  | { code: 'temperature'; value: number };

/** One step of softmax(z / T) for one entry (logits mode). */
export interface SoftmaxStep {
  z: number;
  /** z / T. */
  scaled: number;
  /** exp(z / T − max): shifted for stability (the shift cancels in the ratio). */
  exp: number;
  prob: number;
}

export interface KlTerm {
  index: number;
  p: number;
  q: number;
  /** p / q (Infinity when q = 0 < p; NaN when p = 0, where the term is 0 by convention). */
  ratio: number;
  /** ln(p / q). */
  log: number;
  /** p · ln(p / q) in nats (0 when p = 0; Infinity when q = 0 < p). */
  nats: number;
  bits: number;
}

export interface KlResult {
  mode: KlMode;
  p: number[];
  q: number[];
  terms: KlTerm[];
  nats: number;
  bits: number;
  /** Indices where p > 0 and q = 0: there KL is infinite. */
  infiniteAt: number[];
  /** True when p or q was rescaled to sum to 1 (the visitor asked for it). */
  normalised: { p: boolean; q: boolean };
  /** Logits mode: the temperature and each softmax step. */
  temperature?: number;
  softmax?: { p: SoftmaxStep[]; q: SoftmaxStep[] };
  /** Logits mode: T² · KL, the soft term as this app's loss weighs it (before α). */
  scaledByT2?: number;
}

export type KlOutcome = { ok: true; result: KlResult } | { ok: false; problems: KlProblem[] };

const SUM_TOLERANCE = 1e-6;

/** "0.9, 0.1" or "0.9 0.1" or "[0.9; 0.1]" → numbers, or the problems found. */
export function parseNumbers(text: string, which: 'p' | 'q'): { values: number[] } | { problems: KlProblem[] } {
  const parts = text
    .replace(/[[\]()]/g, ' ')
    .split(/[\s,;，、；]+/)
    .filter((s) => s !== '');
  if (parts.length === 0) return { problems: [{ code: 'empty', which }] };
  const problems: KlProblem[] = [];
  const values = parts.map((s, index) => {
    const v = Number(s);
    if (!Number.isFinite(v)) problems.push({ code: 'notNumber', which, index, text: s });
    return v;
  });
  if (problems.length) return { problems };
  if (values.length < 2) return { problems: [{ code: 'tooShort', which }] };
  return { values };
}

/** softmax(z / T) with every step kept for display. */
export function softmaxSteps(z: readonly number[], temperature: number): SoftmaxStep[] {
  const scaled = z.map((v) => v / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return z.map((v, i) => ({ z: v, scaled: scaled[i], exp: exps[i], prob: exps[i] / total }));
}

/** KL(p ‖ q) term by term; p and q must be valid distributions of the same length. */
export function klTerms(
  p: readonly number[],
  q: readonly number[],
): Pick<KlResult, 'terms' | 'nats' | 'bits' | 'infiniteAt'> {
  const terms: KlTerm[] = p.map((pi, index) => {
    const qi = q[index];
    if (pi === 0) return { index, p: pi, q: qi, ratio: NaN, log: NaN, nats: 0, bits: 0 };
    if (qi === 0) return { index, p: pi, q: qi, ratio: Infinity, log: Infinity, nats: Infinity, bits: Infinity };
    const ratio = pi / qi;
    const log = Math.log(ratio);
    const nats = pi * log;
    return { index, p: pi, q: qi, ratio, log, nats, bits: nats / Math.LN2 };
  });
  const infiniteAt = terms.filter((t) => t.nats === Infinity).map((t) => t.index);
  const nats = infiniteAt.length ? Infinity : terms.reduce((a, t) => a + t.nats, 0);
  return { terms, nats, bits: nats / Math.LN2, infiniteAt };
}

function checkDistribution(
  values: number[],
  which: 'p' | 'q',
  normalise: boolean,
): { values: number[]; normalised: boolean; problems: KlProblem[] } {
  const problems: KlProblem[] = [];
  values.forEach((value, index) => {
    if (value < 0) problems.push({ code: 'negative', which, index, value });
  });
  if (problems.length) return { values, normalised: false, problems };
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum === 0) return { values, normalised: false, problems: [{ code: 'allZero', which }] };
  if (Math.abs(sum - 1) <= SUM_TOLERANCE) return { values, normalised: false, problems };
  if (!normalise) return { values, normalised: false, problems: [{ code: 'sum', which, sum }] };
  return { values: values.map((v) => v / sum), normalised: true, problems };
}

export interface KlInput {
  mode: KlMode;
  /** The teacher's side: probabilities, or logits zt. */
  p: string;
  /** The student's side: probabilities, or logits zs. */
  q: string;
  /** Logits mode only. */
  temperature?: number;
  /** Probabilities mode: rescale inputs that do not sum to 1 instead of refusing them. */
  normalise?: boolean;
}

/** The whole worked example, or every problem with the input. */
export function workedKl(input: KlInput): KlOutcome {
  const pa = parseNumbers(input.p, 'p');
  const qa = parseNumbers(input.q, 'q');
  const problems: KlProblem[] = [...('problems' in pa ? pa.problems : []), ...('problems' in qa ? qa.problems : [])];
  const T = input.temperature ?? 1;
  if (input.mode === 'logits' && !(Number.isFinite(T) && T > 0)) problems.push({ code: 'temperature', value: T });
  if ('values' in pa && 'values' in qa && pa.values.length !== qa.values.length) {
    problems.push({ code: 'lengths', p: pa.values.length, q: qa.values.length });
  }
  if (problems.length || !('values' in pa) || !('values' in qa)) return { ok: false, problems };

  if (input.mode === 'logits') {
    const sp = softmaxSteps(pa.values, T);
    const sq = softmaxSteps(qa.values, T);
    const p = sp.map((s) => s.prob);
    const q = sq.map((s) => s.prob);
    const k = klTerms(p, q);
    return {
      ok: true,
      result: {
        mode: 'logits',
        p,
        q,
        ...k,
        normalised: { p: false, q: false },
        temperature: T,
        softmax: { p: sp, q: sq },
        scaledByT2: T * T * k.nats,
      },
    };
  }
  const cp = checkDistribution(pa.values, 'p', input.normalise ?? false);
  const cq = checkDistribution(qa.values, 'q', input.normalise ?? false);
  if (cp.problems.length || cq.problems.length) return { ok: false, problems: [...cp.problems, ...cq.problems] };
  const k = klTerms(cp.values, cq.values);
  return {
    ok: true,
    result: { mode: 'probs', p: cp.values, q: cq.values, ...k, normalised: { p: cp.normalised, q: cq.normalised } },
  };
}
