import { describe, expect, it } from 'vitest';
import { configFromSearchParams, DEFAULT_CONFIG, type RunConfig } from '../config';
import { readUrl, urlSearch } from './url';

describe('settings in the URL', () => {
  it('round-trips every setting, and a forced backend', () => {
    const config: RunConfig = {
      ...DEFAULT_CONFIG,
      task: 'grammar',
      seed: 7,
      teacher: '5x2x40',
      student: 'tiny',
      teacherSteps: 120,
      steps: 250,
      labelled: 64,
      transfer: 512,
      evalEvery: 25,
      hyper: {
        ...DEFAULT_CONFIG.hyper,
        temperature: 2.5,
        alpha: 0.35,
        beta: 0.5,
        gamma: 1,
        delta: 0.2,
        lr: 0.002,
        batchSize: 16,
      },
    };
    const search = urlSearch(config, 'cpu');
    const back = readUrl(search);
    expect(back.config).toEqual(config);
    expect(back.forcedBackend).toBe('cpu');
    expect(back.warnings).toEqual([]);
    expect(back.teacherExplicit).toBe(true);
    expect(configFromSearchParams(new URLSearchParams(search)).config).toEqual(config);
  });

  it('accepts camelCase keys as well as the kebab-case ones it writes', () => {
    const s = readUrl('?teacher=tiny&student=tiny&teacherSteps=20&steps=100&batchSize=8');
    expect(s.config).toMatchObject({ teacher: 'tiny', student: 'tiny', teacherSteps: 20, steps: 100 });
    expect(s.config.hyper.batchSize).toBe(8);
    expect(readUrl('?teacher-steps=5&teacherSteps=9').config.teacherSteps).toBe(5);
  });

  it('configFromSearchParams itself reads camelCase keys, and says which spelling it ignored', () => {
    const { config, warnings } = configFromSearchParams(
      new URLSearchParams('teacherSteps=20&batchSize=8&warmupSteps=3&evalEvery=7&clipNorm=0.5'),
    );
    expect(config).toMatchObject({ teacherSteps: 20, warmupSteps: 3, evalEvery: 7, clipNorm: 0.5 });
    expect(config.hyper.batchSize).toBe(8);
    expect(warnings).toEqual([]);
    const both = configFromSearchParams(new URLSearchParams('teacherSteps=9&teacher-steps=5&alpha=0.2&alpha=0.9'));
    expect(both.config.teacherSteps).toBe(5);
    expect(both.config.hyper.alpha).toBe(0.2);
    expect(both.warnings).toEqual([
      'teacherSteps=9 was ignored: the link also gives teacher-steps=5',
      'alpha=0.9 was ignored: the link already gives alpha=0.2',
    ]);
  });

  it('warns on keys that are no setting, but not on the keys the page itself reads (backend)', () => {
    const s = readUrl('?tempreature=2&alpha=0.5&backend=cpu&utm_source=mail');
    expect(s.config.hyper.alpha).toBe(0.5);
    expect(s.config.hyper.temperature).toBe(DEFAULT_CONFIG.hyper.temperature);
    expect(s.forcedBackend).toBe('cpu');
    expect(s.warnings).toEqual([
      '"tempreature" is not a setting of this page and was ignored',
      '"utm_source" is not a setting of this page and was ignored',
    ]);
    // Every key the page writes is read back without a warning.
    expect(readUrl(urlSearch(DEFAULT_CONFIG, 'webgl')).warnings).toEqual([]);
  });

  it('accepts every backend of the fallback chain, wasm included', () => {
    for (const b of ['webgpu', 'wasm', 'webgl', 'cpu'] as const) {
      const s = readUrl(`?backend=${b}`);
      expect(s.forcedBackend).toBe(b);
      expect(s.warnings).toEqual([]);
    }
    expect(readUrl('?backend=tpu').warnings).toEqual([
      'backend "tpu" is not known: use webgpu, wasm, webgl, cpu; choosing automatically',
    ]);
  });

  it('reports bad values and keeps defaults, so a mangled link still opens', () => {
    const s = readUrl('?task=chess&temperature=-3&backend=tpu&alpha=0.5');
    expect(s.config.task).toBe(DEFAULT_CONFIG.task);
    expect(s.config.hyper.temperature).toBe(DEFAULT_CONFIG.hyper.temperature);
    expect(s.config.hyper.alpha).toBe(0.5);
    expect(s.forcedBackend).toBeNull();
    expect(s.warnings).toHaveLength(3);
    expect(s.teacherExplicit).toBe(false);
  });
});
