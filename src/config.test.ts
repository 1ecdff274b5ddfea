import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CONFIG,
  PRESET_NAMES,
  PRESETS,
  resolveSize,
  sizeSpec,
  validateConfig,
  type RunConfig,
} from './config';

describe('resolveSize', () => {
  it('resolves every preset to a copy of its size', () => {
    for (const name of PRESET_NAMES) {
      const size = resolveSize(name);
      expect(size).toEqual(PRESETS[name]);
      expect(size).not.toBe(PRESETS[name]);
      expect(sizeSpec(size)).toBe(name);
    }
  });

  it('reads layers x heads x width', () => {
    expect(resolveSize('4x4x128')).toEqual({ nLayer: 4, nHead: 4, nEmbd: 128 });
    expect(sizeSpec({ nLayer: 5, nHead: 2, nEmbd: 40 })).toBe('5x2x40');
  });

  it('throws a ConfigError that says why', () => {
    expect(() => resolveSize('huge')).toThrow(ConfigError);
    expect(() => resolveSize('huge')).toThrow(/unknown model size "huge".*tiny/);
    expect(() => resolveSize('4x3x128')).toThrow(/divisible by nHead/);
    expect(() => resolveSize('13x4x128')).toThrow(/nLayer must be between 1 and 12/);
    expect(() => resolveSize('2x2x4')).toThrow(/nEmbd must be between 8 and 512/);
    expect(() => resolveSize('2x0x32')).toThrow(/nHead must be between 1 and 16/);
  });
});

describe('validateConfig', () => {
  const bad = (patch: Partial<RunConfig>) => validateConfig({ ...DEFAULT_CONFIG, ...patch });

  it('accepts the defaults and custom sizes', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual([]);
    expect(bad({ teacher: '4x4x128', student: 'tiny' })).toEqual([]);
  });

  it('names the task, the sizes and each bound that fails', () => {
    expect(bad({ task: 'mnist' as RunConfig['task'] })).toEqual([expect.stringMatching(/^unknown task "mnist"/)]);
    expect(bad({ student: '2x3x32' })).toEqual([expect.stringMatching(/^student: model size "2x3x32".*divisible/)]);
    expect(bad({ teacher: 'nope' as RunConfig['teacher'] })).toEqual([
      expect.stringMatching(/^teacher: unknown model size/),
    ]);
    expect(bad({ steps: -1 })).toEqual(['steps must be between 0 and 1000000 (got -1)']);
    expect(bad({ evalEvery: 2.5 })).toEqual(['evalEvery must be a whole number (got 2.5)']);
    expect(bad({ weightDecay: Number.NaN })).toEqual(['weightDecay must be a number (got NaN)']);
  });

  it('checks the live hyperparameters too, and reports every problem at once', () => {
    const errors = validateConfig({
      ...DEFAULT_CONFIG,
      hyper: { ...DEFAULT_CONFIG.hyper, alpha: 1.5, batchSize: 0 },
      patience: -1,
    });
    expect(errors).toEqual([
      'alpha must be between 0 and 1 (got 1.5)',
      'batchSize must be between 1 and 512 (got 0)',
      'patience must be between 0 and 1000 (got -1)',
    ]);
  });
});
