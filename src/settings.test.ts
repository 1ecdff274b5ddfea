import { describe, expect, it } from 'vitest';
import { configFromSearchParams, configToSearchParams, DEFAULT_CONFIG, HYPER_BOUNDS, validateConfig } from './config';
import {
  allSettings,
  controlRange,
  displayValue,
  fromControl,
  HYPER_SETTINGS,
  kebab,
  RUN_SETTINGS,
  settingFlags,
  toControl,
  weightTerms,
} from './settings';
import { runFlags } from './cli/args';
import { FORMULA } from './ui/formula';

describe('the settings table', () => {
  it('is where config.ts takes its bounds and defaults from', () => {
    expect(HYPER_BOUNDS.temperature).toEqual({ min: 0.5, max: 20 });
    expect(HYPER_BOUNDS.batchSize).toEqual({ min: 1, max: 512, integer: true });
    expect(DEFAULT_CONFIG.hyper).toEqual({
      temperature: 4,
      alpha: 0.7,
      beta: 0,
      gamma: 0,
      delta: 0,
      lr: 3e-3,
      batchSize: 32,
    });
    expect(DEFAULT_CONFIG).toMatchObject({
      seed: 1,
      steps: 600,
      teacherSteps: 0,
      labelled: 200,
      transfer: 2000,
      evalEvery: 50,
    });
    expect(validateConfig(DEFAULT_CONFIG)).toEqual([]);
    for (const { key, meta } of allSettings()) {
      expect(meta.default, key).toBeGreaterThanOrEqual(meta.min);
      expect(meta.default, key).toBeLessThanOrEqual(meta.max);
      expect(meta.label, key).toBe(`settings.${key}.label`);
    }
  });

  it('gives every setting its URL key and CLI flag, and the URL and the CLI read the same values', () => {
    const flags = Object.keys(settingFlags());
    expect(flags).toContain('batch-size');
    expect(flags).toContain('teacher-steps');
    const url = configToSearchParams(DEFAULT_CONFIG);
    for (const { key } of allSettings()) expect(url.has(kebab(key)), key).toBe(true);
    const argv = { temperature: '2.5', 'batch-size': '8', 'teacher-steps': '40', 'weight-decay': '0.1' };
    const fromCli = runFlags(argv).config;
    const fromUrl = configFromSearchParams(new URLSearchParams(argv)).config;
    expect(fromCli).toEqual(fromUrl);
    expect(fromCli.hyper).toMatchObject({ temperature: 2.5, batchSize: 8 });
    expect(fromCli).toMatchObject({ teacherSteps: 40, weightDecay: 0.1 });
  });

  it('maps controls through their scale: log10 for the learning rate, log2 for the batch size', () => {
    const lr = HYPER_SETTINGS.lr;
    expect(controlRange(lr)).toEqual({ min: -5, max: -1, step: 0.05 });
    expect(fromControl(lr, toControl(lr, 3e-3))).toBe(0.003);
    expect(displayValue(lr, 3e-3)).toBe('3.0e-3');
    const b = HYPER_SETTINGS.batchSize;
    expect(controlRange(b)).toEqual({ min: 0, max: 9, step: 1 });
    expect(toControl(b, 32)).toBe(5);
    expect(fromControl(b, 5)).toBe(32);
    expect(displayValue(HYPER_SETTINGS.alpha, 0.7)).toBe('0.70');
    expect(displayValue(RUN_SETTINGS.transfer, 2000, 'zh-CN')).toBe('2,000');
  });

  it('names the weights of the optional terms, and the formula prints them from there', () => {
    expect(weightTerms().map((w) => `${w.symbol}·${w.term}`)).toEqual(['β·feat', 'γ·att', 'δ·rel']);
    expect(FORMULA).toBe('L = (1 − α)·CE + α·T²·KL(softmax(zt/T) ‖ softmax(zs/T)) + β·feat + γ·att + δ·rel');
  });
});
