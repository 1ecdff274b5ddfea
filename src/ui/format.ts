// Number formatting shared by the panels.

export const pct = (v: number | undefined, digits = 1) =>
  v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;

export const num = (v: number | undefined, digits = 3) =>
  v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(digits)).toString();

/** Signed percentage points: "+3.2 pts". */
export const pts = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pts`;

/** 1234567 → "1.23M", 12345 → "12.3k". */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Size of n float32 parameters in MB (10^6 bytes). */
export const megabytes = (params: number) => (params * 4) / 1e6;

export function mb(params: number): string {
  const v = megabytes(params);
  return v >= 10 ? `${v.toFixed(1)} MB` : v >= 0.1 ? `${v.toFixed(2)} MB` : `${(v * 1000).toFixed(1)} kB`;
}
