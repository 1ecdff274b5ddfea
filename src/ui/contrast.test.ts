import { describe, expect, it } from 'vitest';
import { PALETTES } from './colors';
import { contrast, mixHex, readableOn } from './contrast';

describe('palette contrast (WCAG 2)', () => {
  for (const pal of Object.values(PALETTES)) {
    it(`${pal.scheme}: model and loss colours reach 4.5:1 on the card (text and lines alike), axis text too`, () => {
      for (const c of [...Object.values(pal.role), ...Object.values(pal.loss), pal.axis])
        expect(contrast(c, pal.card), c).toBeGreaterThanOrEqual(4.5);
      expect(contrast(pal.grid, pal.card)).toBeLessThan(2); // the grid stays in the background
    });
    it(`${pal.scheme}: a confusion cell's count reads at 4.5:1 at every shade`, () => {
      for (const c of Object.values(pal.role)) {
        for (let f = 0; f <= 1; f += 0.05) {
          const bg = mixHex(pal.card, c, f);
          expect(contrast(bg, readableOn(bg, '#000000', '#ffffff')), `${c} at ${f}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    });
  }
  it('computes the textbook ratios', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(mixHex('#000000', '#ffffff', 0.5)).toBe('#808080');
  });
});
