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
      hyper: { temperature: 2.5, alpha: 0.35, beta: 0.5, gamma: 1, delta: 0.2, lr: 0.002, batchSize: 16 },
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
