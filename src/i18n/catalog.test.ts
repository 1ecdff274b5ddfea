// Every string in both languages: no key missing on either side, the same {{placeholders}} and the
// same markup in each pair, no key that the code never uses, and the settings table's labels exist.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSettings } from '../settings';
import { fill, flatten, placeholders } from './catalog';
import { en } from './en';
import { languageFor } from './language';
import { zh } from './zh';

const EN = flatten(en);
const ZH = flatten(zh);
const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const tags = (s: string) => [...s.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

/** Strings that are the same in both languages on purpose: symbols, names of languages, column heads of formulas. */
const SAME_IN_BOTH = new Set([
  'language.en',
  'language.zh',
  'metrics.col.nll',
  'metrics.col.ece',
  'metrics.col.perplexityHint',
  'kl.temperature',
  'kl.col.i',
  'kl.col.p',
  'kl.col.q',
  'kl.col.ratio',
  'kl.col.log',
  'run.phaseBusy',
]);

describe('the English and Chinese catalogs', () => {
  it('have exactly the same keys (none missing in either language)', () => {
    const missingInZh = Object.keys(EN).filter((k) => !(k in ZH));
    const missingInEn = Object.keys(ZH).filter((k) => !(k in EN));
    expect(missingInZh).toEqual([]);
    expect(missingInEn).toEqual([]);
    expect(Object.keys(EN).length).toBeGreaterThan(250);
  });

  it('give each pair the same placeholders and the same markup, and no empty string', () => {
    for (const key of Object.keys(EN)) {
      expect(placeholders(ZH[key]), key).toEqual(placeholders(EN[key]));
      expect(tags(ZH[key]), key).toEqual(tags(EN[key]));
      expect(EN[key].trim(), key).not.toBe('');
      expect(ZH[key].trim(), key).not.toBe('');
    }
  });

  it('translate every string (identical only for symbols and language names)', () => {
    const same = Object.keys(EN).filter((k) => EN[k] === ZH[k]);
    expect(same.sort()).toEqual([...SAME_IN_BOTH].sort());
    // The course's terms are the ones used.
    const all = Object.values(ZH).join('\n');
    for (const term of ['教师', '学生', '软标签', '温度', '暗知识', '知识蒸馏', '特征', '关系'])
      expect(all, term).toContain(term);
  });

  it('have no key that the code never uses', () => {
    const code = sources(SRC)
      .filter((p) => !relative(SRC, p).startsWith('i18n/'))
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    const unused = Object.keys(EN).filter((k) => !code.includes(`'${k}'`) && !code.includes(`"${k}"`));
    expect(unused).toEqual([]);
  });

  it('label every setting of the settings table in both languages', () => {
    for (const { key, meta } of allSettings()) {
      expect(EN[meta.label], key).toBeTruthy();
      expect(ZH[meta.label], key).toBeTruthy();
      if (meta.hint) expect(ZH[meta.hint], key).toBeTruthy();
      for (const label of meta.choiceLabels ?? []) expect(EN[label] && ZH[label], label).toBeTruthy();
      expect(meta.choiceLabels?.length, key).toBe(meta.choices?.length);
    }
  });
});

describe('the starting language', () => {
  it('is the remembered choice, else Chinese for a zh* browser, else English', () => {
    expect(languageFor(null, ['zh-CN', 'en'])).toBe('zh');
    expect(languageFor(null, ['zh-TW'])).toBe('zh');
    expect(languageFor(null, ['zh'])).toBe('zh');
    expect(languageFor(null, ['en-US', 'zh-CN'])).toBe('en');
    expect(languageFor(null, ['fr-FR'])).toBe('en');
    expect(languageFor(null, [])).toBe('en');
    expect(languageFor('en', ['zh-CN'])).toBe('en');
    expect(languageFor('zh', ['en-US'])).toBe('zh');
    expect(languageFor('klingon', ['zh-CN'])).toBe('zh');
  });

  it('fills placeholders', () => {
    expect(fill('a {{x}} b {{ y }} {{z}}', { x: 1, y: 'two' })).toBe('a 1 b two {{z}}');
  });
});
