// Bounded series for charts and exports. New points are appended; once a series is longer than its
// cap, its older half is thinned (every other point dropped), so recent steps keep full resolution
// and the whole history stays visible at a coarser grain. Pure functions on immutable arrays.

/** Thins `rows` to at most `max` items, keeping the newest half intact and the first row always. */
export function thin<T>(rows: readonly T[], max: number): T[] {
  if (max < 2) throw new Error('max must be at least 2');
  let out = [...rows];
  while (out.length > max) {
    const recent = Math.floor(max / 2);
    const old = out.slice(0, out.length - recent);
    const kept = old.filter((_, i) => i % 2 === 0);
    out = [...kept, ...out.slice(out.length - recent)];
  }
  return out;
}

/** Appends and thins; returns a new array (the input is never changed). */
export function appendBounded<T>(rows: readonly T[], more: readonly T[], max: number): T[] {
  if (!more.length) return rows as T[];
  return thin([...rows, ...more], max);
}
