// Round axis ticks: steps at 1, 2 or 5 × 10ⁿ, percentages at whole 5s, 10s, 20s or 25s. Pure, tested.

/** A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) for about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

/** Round ticks from lo to hi (inclusive where they fall on the grid), about `count` intervals. */
export function roundTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** Step-axis ticks: whole steps, round, from `from` to `to`. */
export function stepTicks(from: number, to: number, count = 5): number[] {
  if (to <= from) return [from];
  const step = Math.max(1, niceStep(to - from, count));
  const whole = step < 1 ? 1 : step;
  const out: number[] = [];
  for (let v = Math.ceil(from / whole) * whole; v <= to; v += whole) out.push(Math.round(v));
  return out;
}

/** Ticks for a fraction axis shown in percent (0.05 = 5 %): round in points, covering lo..hi. */
export function percentTicks(lo: number, hi: number, count = 5): number[] {
  const step = niceStep((hi - lo) * 100, count) / 100;
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  return roundTicks(a, b, Math.round((b - a) / step));
}
