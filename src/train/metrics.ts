// Evaluation metrics in plain JS over probabilities read back from the device. No tfjs, so they are
// cheap to unit-test against hand-computed cases.

import type { ModelMetrics, ReliabilityBin } from '../report';

/** Predictions at M scored positions: probs is (M, K) row-major over K outcomes. */
export interface Scored {
  probs: Float32Array;
  /** K: outcomes per row (classes, or the vocabulary for generation). */
  k: number;
  /** (M) index of the true outcome in 0..K-1. */
  labels: Int32Array;
}

export function argmaxRows(probs: Float32Array, k: number): Int32Array {
  const m = probs.length / k;
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

export function accuracy(pred: Int32Array, labels: Int32Array): number {
  if (labels.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) right++;
  return right / labels.length;
}

export function confusionMatrix(pred: Int32Array, labels: Int32Array, k: number): number[][] {
  const c = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) c[labels[i]][pred[i]]++;
  return c;
}

/** Per-class precision and recall and their macro-F1 (a class with no support and no predictions is skipped). */
export function classReport(confusion: number[][]): { precision: number[]; recall: number[]; macroF1: number } {
  const k = confusion.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1s: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j][c];
      actual += confusion[c][j];
    }
    const p = predicted ? tp / predicted : 0;
    const r = actual ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    if (actual || predicted) f1s.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
  }
  return { precision, recall, macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0 };
}

export function reliability(
  probs: Float32Array,
  k: number,
  labels: Int32Array,
  bins = 10,
): { ece: number; bins: ReliabilityBin[] } {
  const m = labels.length;
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  const count = new Float64Array(bins);
  const pred = argmaxRows(probs, k);
  for (let i = 0; i < m; i++) {
    const c = probs[i * k + pred[i]];
    const b = Math.min(bins - 1, Math.floor(c * bins));
    conf[b] += c;
    right[b] += pred[i] === labels[i] ? 1 : 0;
    count[b] += 1;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b];
    out.push({ confidence: n ? conf[b] / n : (b + 0.5) / bins, accuracy: n ? right[b] / n : 0, count: n });
    if (n) ece += (n / Math.max(1, m)) * Math.abs(conf[b] / n - right[b] / n);
  }
  return { ece, bins: out };
}

export function meanNll(s: Scored): number {
  const m = s.labels.length;
  if (!m) return 0;
  let total = 0;
  for (let i = 0; i < m; i++) total -= Math.log(Math.max(s.probs[i * s.k + s.labels[i]], 1e-12));
  return total / m;
}

/** Mean over rows of KL(p ‖ q), both (M, K). */
export function meanKl(p: Float32Array, q: Float32Array, k: number): number {
  const m = p.length / k;
  if (!m) return 0;
  let total = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const pi = p[i * k + j];
      if (pi > 0) total += pi * (Math.log(pi) - Math.log(Math.max(q[i * k + j], 1e-12)));
    }
  }
  return total / m;
}

export function agreement(a: Float32Array, b: Float32Array, k: number): number {
  return accuracy(argmaxRows(a, k), argmaxRows(b, k));
}

export interface MetricsOptions {
  classification: boolean;
  teacher?: Float32Array;
  truth?: Float32Array;
}

export function computeMetrics(s: Scored, opts: MetricsOptions): ModelMetrics {
  const pred = argmaxRows(s.probs, s.k);
  const nll = meanNll(s);
  const { ece, bins } = reliability(s.probs, s.k, s.labels);
  const out: ModelMetrics = {
    accuracy: accuracy(pred, s.labels),
    nll,
    perplexity: Math.exp(nll),
    ece,
    reliability: bins,
  };
  if (opts.classification) {
    const confusion = confusionMatrix(pred, s.labels, s.k);
    Object.assign(out, classReport(confusion), { confusion });
  }
  if (opts.teacher) {
    out.agreement = agreement(opts.teacher, s.probs, s.k);
    out.klToTeacher = meanKl(opts.teacher, s.probs, s.k);
  }
  if (opts.truth) out.klToTruth = meanKl(opts.truth, s.probs, s.k);
  return out;
}

/** Softmax of each row of (M, K) logits at temperature T, in float64 for stability. */
export function softmaxRows(logits: ArrayLike<number>, k: number, temperature = 1): Float32Array {
  const m = logits.length / k;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < m; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j] / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] / temperature - max);
    for (let j = 0; j < k; j++) out[i * k + j] = Math.exp(logits[i * k + j] / temperature - max) / sum;
  }
  return out;
}
