// WCAG relative luminance and contrast, and colour mixing, for text drawn on computed colours
// (confusion cells, heat maps): the text colour is whichever of two reads better.

function rgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full =
    h.length === 3
      ? h
          .split('')
          .map((c) => c + c)
          .join('')
      : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

const hex2 = (v: number) =>
  Math.round(Math.max(0, Math.min(255, v)))
    .toString(16)
    .padStart(2, '0');

/** `a` mixed with `b`: fraction f of b (0 → a, 1 → b), as #rrggbb. */
export function mixHex(a: string, b: string, f: number): string {
  const x = rgb(a);
  const y = rgb(b);
  return `#${x.map((v, i) => hex2(v + (y[i] - v) * f)).join('')}`;
}

/** WCAG 2 relative luminance of #rrggbb. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours (1 … 21). */
export function contrast(a: string, b: string): number {
  const x = luminance(a);
  const y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** Of two text colours, the one with the higher contrast on `bg`. */
export function readableOn(bg: string, dark: string, light: string): string {
  return contrast(bg, dark) >= contrast(bg, light) ? dark : light;
}
