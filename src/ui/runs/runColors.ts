// One colour and dash per compared run. The colours are the palette's Okabe–Ito hues (already
// checked for contrast against the card in both colour schemes, see contrast.test.ts); after them the
// dash pattern changes, so even a ninth run stays told apart without relying on colour alone.

import type { Palette } from '../colors';

export function runColors(pal: Palette): string[] {
  return [
    pal.role.teacher,
    pal.role.baseline,
    pal.role.student,
    pal.loss.soft,
    pal.loss.feature,
    pal.loss.relation,
    pal.loss.attention,
    pal.loss.total,
  ];
}

const DASHES = [undefined, '6 3', '2 3'];

export function runStroke(pal: Palette, i: number): { stroke: string; strokeDasharray: string | undefined } {
  const colors = runColors(pal);
  return { stroke: colors[i % colors.length], strokeDasharray: DASHES[Math.floor(i / colors.length) % DASHES.length] };
}

/** "1. sentiment · …": the number ties a line of a chart to a column of the metric table. */
export const runName = (title: string, i: number) => `${i + 1}. ${title}`;
