// The shape every language's catalog has (that of en.ts, with any strings), the dotted keys of its
// strings, and the languages the UI speaks.

import type { en } from './en';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** A catalog: exactly the keys of en.ts. */
export type Catalog = Widen<typeof en>;

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** "run.start", "settings.temperature.label", …: every string of a catalog. */
export type TKey = Leaves<Catalog>;

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** The BCP 47 locale of each language, for Intl and <html lang>. */
export const LOCALE: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };

/** Key → string of a nested catalog, e.g. { 'run.start': 'Start', … }. */
export function flatten(catalog: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(catalog)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else Object.assign(out, flatten(v as object, `${prefix}${k}.`));
  }
  return out;
}

/** The {{placeholders}} of a string, sorted. */
export function placeholders(s: string): string[] {
  return [...new Set([...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))].sort();
}

/** Fills {{name}} placeholders (the lesson texts use this; i18next does the same for the catalogs). */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
