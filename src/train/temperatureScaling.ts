// Post-hoc temperature scaling (Guo et al. 2017): after training, one scalar T divides a model's
// logits, fitted on the validation set to minimise the negative log-likelihood. A control for
// distillation: a softened baseline is better calibrated, but temperature scaling changes no
// prediction (argmax is unchanged), so any accuracy the distilled student gains is not this.
//
// Pure function on logits and labels (no tfjs). NLL(T) = mean_i [logsumexp(z_i / T) − z_i,y / T] is
// convex in 1/T (a log-sum-exp of linear functions minus a linear one), so it is unimodal in log T
// too, and a golden-section search over log T finds the minimum on the search interval.

export interface TemperatureFit {
  /** The fitted temperature (divide logits by it). */
  temperature: number;
  /** Mean NLL (nats) at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  /** Evaluations of the NLL the search used. */
  evaluations: number;
}

export interface TemperatureSearch {
  /** Search interval for T (default 0.05 … 20). */
  min?: number;
  max?: number;
  /** Stop when the interval in log T is narrower than this (default 1e-6). */
  tolerance?: number;
}

/**
 * Mean NLL of labels under softmax(logits / T). logits: (M, C) row-major; labels: (M) in 0…C−1.
 * Log-probabilities are computed stably (max subtracted); a row's labels must be valid.
 */
export function meanNll(logits: ArrayLike<number>, labels: ArrayLike<number>, temperature: number): number {
  const M = labels.length;
  if (M === 0) throw new Error('meanNll: no examples');
  const C = logits.length / M;
  if (!Number.isInteger(C) || C < 1) throw new Error(`meanNll: ${logits.length} logits for ${M} labels`);
  if (!(temperature > 0)) throw new Error(`meanNll: temperature must be > 0 (got ${temperature})`);
  let total = 0;
  for (let i = 0; i < M; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < C))
      throw new Error(`meanNll: label ${y} of row ${i} is outside 0…${C - 1}`);
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[i * C + c] / temperature);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[i * C + c] / temperature - max);
    total += max + Math.log(sum) - logits[i * C + y] / temperature;
  }
  return total / M;
}

/**
 * Fits T > 0 minimising meanNll(logits, labels, T) by golden-section search over log T. Probability
 * rows work as logits too (log p differs from z by a per-row constant, which softmax ignores).
 */
export function fitTemperature(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  search: TemperatureSearch = {},
): TemperatureFit {
  const lo0 = Math.log(search.min ?? 0.05);
  const hi0 = Math.log(search.max ?? 20);
  const tol = search.tolerance ?? 1e-6;
  if (!(hi0 > lo0)) throw new Error('fitTemperature: the search interval is empty');
  let evaluations = 0;
  const f = (logT: number) => {
    evaluations++;
    return meanNll(logits, labels, Math.exp(logT));
  };
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo0;
  let b = hi0;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  // The ends too: the minimum may sit on the boundary (e.g. every prediction right: T → 0).
  const candidates = [
    [(a + b) / 2, f((a + b) / 2)],
    [lo0, f(lo0)],
    [hi0, f(hi0)],
  ];
  const [bestLogT, best] = candidates.reduce((x, y) => (y[1] < x[1] ? y : x));
  return { temperature: Math.exp(bestLogT), nllBefore: meanNll(logits, labels, 1), nllAfter: best, evaluations };
}
