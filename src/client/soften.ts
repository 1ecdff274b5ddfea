// Probabilities from logits at any temperature, on the UI thread: the worker sends raw logits once,
// and moving the T slider re-softens them here at once, without a round trip.

/** softmax(logits / T), computed stably (max subtracted) in float64. */
export function soften(logits: readonly number[], temperature: number): number[] {
  if (!logits.length) return [];
  const t = temperature > 0 ? temperature : 1;
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z / t);
  const exps = logits.map((z) => Math.exp(z / t - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Shannon entropy in nats (how soft a distribution is). */
export function entropy(p: readonly number[]): number {
  let h = 0;
  for (const x of p) if (x > 0) h -= x * Math.log(x);
  return h;
}

/**
 * Which outcomes to draw: all of them when there are few (classes), else the `k` with the highest
 * probability under any of the given distributions (generation over a vocabulary), in label order.
 */
export function outcomesToShow(dists: readonly (readonly number[] | undefined)[], n: number, k = 10): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const best = new Float64Array(n);
  for (const d of dists) if (d) for (let i = 0; i < n; i++) best[i] = Math.max(best[i], d[i] ?? 0);
  return Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => best[b] - best[a])
    .slice(0, k)
    .sort((a, b) => a - b);
}
