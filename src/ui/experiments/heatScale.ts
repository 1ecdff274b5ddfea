// The heat-map's colour scale: diverging around a gain of 0, from the card's background to the
// palette's student colour (distillation helps) or baseline colour (it hurts), by |gain| relative
// to the largest |gain| of the grid. Text on a cell is black or white, whichever reads better.

import type { Palette } from '../colors';
import { mixHex, readableOn } from '../contrast';

export function heatColor(gain: number, maxAbs: number, pal: Palette): { background: string; color: string } {
  const f = maxAbs > 0 ? Math.min(1, Math.abs(gain) / maxAbs) : 0;
  const background = mixHex(pal.card, gain >= 0 ? pal.role.student : pal.role.baseline, 0.85 * f);
  return { background, color: readableOn(background, '#000000', '#ffffff') };
}
