// Components speak through useT(): t() over the typed catalog keys, the current language and
// locale, and number/time formatting for that locale (Intl). <Tr> renders a catalog string with
// <b>/<i> markup in it.

import type { ReactElement } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { LOCALE, type Lang, type TKey } from '../i18n/catalog';
import { i18n } from '../i18n';
import { compact as compactEn, mb as mbEn, num } from './format';

export type TValues = Record<string, string | number>;
export type TFn = (key: TKey, values?: TValues) => string;

export interface Format {
  /** 1234 → "1,234". */
  int(n: number): string;
  /** 0.219 → "21.9%"; "—" when missing. */
  pct(v: number | undefined, digits?: number): string;
  /** Signed percentage points: "+3.4 pts", "+3.4 个百分点". */
  pts(v: number | undefined): string;
  /** A number with `digits` significant digits (no grouping): 0.0367, 1.23e-7. */
  num(v: number | undefined, digits?: number): string;
  /** Fixed decimals: fixed(2.5, 2) → "2.50". */
  fixed(v: number, digits: number): string;
  /** 12345 → "12.3k" / "1.2万". */
  compact(n: number): string;
  /** Size of n fp32 parameters: "1.00 MB". */
  mb(params: number): string;
  /** A time of day: "14:03:12". */
  time(d: Date): string;
}

export function makeFormat(lang: Lang, t: TFn): Format {
  const locale = LOCALE[lang];
  const fixed = (v: number, digits: number) =>
    new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: false,
    }).format(v);
  return {
    int: (n) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n),
    pct: (v, digits = 1) =>
      v === undefined || !Number.isFinite(v)
        ? '—'
        : new Intl.NumberFormat(locale, {
            style: 'percent',
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          }).format(v),
    pts: (v) =>
      v === undefined || !Number.isFinite(v)
        ? '—'
        : t('format.pts', { value: `${v >= 0 ? '+' : '−'}${fixed(Math.abs(v * 100), 1)}` }),
    num: (v, digits = 3) => num(v, digits),
    fixed,
    compact: (n) =>
      lang === 'en'
        ? compactEn(n)
        : new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n),
    mb: (params) => mbEn(params),
    time: (d) =>
      new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(
        d,
      ),
  };
}

export function useT(): { t: TFn; lang: Lang; locale: string; fmt: Format } {
  const { t: raw, i18n: inst } = useTranslation(undefined, { i18n });
  const lang: Lang = inst.language === 'zh' ? 'zh' : 'en';
  const t: TFn = (key, values) => raw(key, values) as string;
  return { t, lang, locale: LOCALE[lang], fmt: makeFormat(lang, t) };
}

const MARKUP = { b: <b />, i: <i />, code: <code /> };

/** A catalog string with <b>, <i> or <code> inside. */
export function Tr({ k, values }: { k: TKey; values?: TValues }): ReactElement {
  // (The key as a plain string: the union of every key is too large for Trans's own typing.)
  return <Trans i18n={i18n} i18nKey={k as string} values={values} components={MARKUP} />;
}
