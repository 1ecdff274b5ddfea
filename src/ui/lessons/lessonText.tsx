// Lesson lines on screen: the text in the UI's language with its values formatted for the locale,
// `code` spans as <code>.

import { Fragment, type ReactNode } from 'react';
import { fill, type Lang } from '../../i18n/catalog';
import type { Line, Text, Val } from '../../lessons/lessons';
import type { Format } from '../i18n';

export function formatVal(v: Val, lang: Lang, fmt: Format): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return fmt.num(v);
  if ('text' in v) return v.text[lang];
  if ('pct' in v) return fmt.pct(v.pct);
  if ('pts' in v) return fmt.pts(v.pts);
  if ('int' in v) return Number.isFinite(v.int) ? fmt.int(v.int) : '—';
  if ('fixed' in v) return Number.isFinite(v.fixed) ? fmt.fixed(v.fixed, v.digits) : '—';
  return fmt.num(v.num, v.digits ?? 3);
}

/** The line's text in `lang` with every placeholder filled. */
export function lineText(line: Line, lang: Lang, fmt: Format): string {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(line.values ?? {})) values[k] = formatVal(v, lang, fmt);
  return fill(line.text[lang], values);
}

/** `npm run …` in a text becomes <code>npm run …</code>. */
export function withCode(text: string): ReactNode {
  const parts = text.split('`');
  return parts.map((p, i) => (i % 2 ? <code key={i}>{p}</code> : <Fragment key={i}>{p}</Fragment>));
}

export const pick = (t: Text, lang: Lang) => t[lang];
