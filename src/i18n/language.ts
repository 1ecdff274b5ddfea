// Which language the UI starts in: the visitor's last choice (localStorage), else the browser's
// language (zh, zh-CN, zh-TW… → 中文), else English. No i18next here, so it is easy to test.

import type { Lang } from './catalog';

export const STORAGE_KEY = 'distillation-playground.lang';

export function languageFor(stored: string | null | undefined, browser: readonly string[]): Lang {
  if (stored === 'en' || stored === 'zh') return stored;
  const first = browser.find((l) => typeof l === 'string' && l.length > 0);
  return first && /^zh\b/i.test(first) ? 'zh' : 'en';
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frames)
  }
}

/** The language to start in, from this browser. */
export function initialLanguage(): Lang {
  const nav = typeof navigator === 'undefined' ? [] : [...(navigator.languages ?? []), navigator.language];
  let stored: string | null;
  try {
    stored = storage()?.getItem(STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  return languageFor(stored, nav);
}

export function rememberLanguage(lang: Lang): void {
  try {
    storage()?.setItem(STORAGE_KEY, lang);
  } catch {
    /* not remembered: nothing else breaks */
  }
}
