import { describe, expect, it } from 'vitest';
import { configFromSearchParams, DEFAULT_CONFIG } from '../config';
import { openRunSearch } from './runsUrl';

describe('opening a kept run', () => {
  it('loads the run’s config and keeps the backend this page was forced onto', () => {
    const run = '?task=modadd&seed=3&steps=40';
    expect(openRunSearch(run, '?task=sentiment&backend=wasm')).toBe('?task=modadd&seed=3&steps=40&backend=wasm');
    expect(openRunSearch(run, '')).toBe('?task=modadd&seed=3&steps=40');
    const { config } = configFromSearchParams(new URLSearchParams(openRunSearch(run, '?backend=cpu')), DEFAULT_CONFIG, {
      otherKeys: ['backend'],
    });
    expect([config.task, config.seed, config.steps]).toEqual(['modadd', 3, 40]);
  });
});
