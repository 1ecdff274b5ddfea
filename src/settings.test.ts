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
import { markerLabel } from './client/state';
import { describeObjective, isDefaultObjective, objectiveOf } from './objective';
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
      // today's objective: forward KL, T² on, plain labels, the full teacher
      divergence: 0,
      jsdBeta: 0.5,
      tSquared: 1,
      labelSmoothing: 0,
      sparseTeacher: 0,
      teacherK: 8,
    });
    expect(objectiveOf(DEFAULT_CONFIG.hyper)).toEqual({
      divergence: 'forward-kl',
      jsdBeta: 0.5,
      scaleByTSquared: true,
      labelSmoothing: 0,
      sparse: 'full',
      k: 8,
    });
    expect(isDefaultObjective(objectiveOf(DEFAULT_CONFIG.hyper))).toBe(true);
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

describe('the objective choices in the settings table (issue 13)', () => {
  it('writes a choice by name in the URL, reads it by name or index, and the CLI reads the same', () => {
    const hyper = { ...DEFAULT_CONFIG.hyper, divergence: 2, tSquared: 0, jsdBeta: 0.25, sparseTeacher: 1 };
    const url = configToSearchParams({ ...DEFAULT_CONFIG, hyper });
    expect(url.get('divergence')).toBe('jsd');
    expect(url.get('t-squared')).toBe('off');
    expect(url.get('sparse-teacher')).toBe('top-k');
    const back = configFromSearchParams(url);
    expect(back.warnings).toEqual([]);
    expect(back.config.hyper).toEqual(hyper);
    expect(configFromSearchParams(new URLSearchParams('divergence=1')).config.hyper.divergence).toBe(1);
    const argv = { divergence: 'reverse-kl', 't-squared': 'off', 'label-smoothing': '0.1' };
    const cli = runFlags(argv).config.hyper;
    expect(cli).toEqual(configFromSearchParams(new URLSearchParams(argv)).config.hyper);
    expect(describeObjective(objectiveOf(cli))).toBe('reverse-kl, no T², ε = 0.1');
  });

  it('refuses an unknown choice and a sparse teacher with reverse KL or logit MSE, in words', () => {
    const bad = configFromSearchParams(new URLSearchParams('divergence=tvd'));
    expect(bad.config.hyper.divergence).toBe(0);
    expect(bad.warnings).toEqual([
      'divergence must be one of forward-kl, reverse-kl, jsd, soft-ce, logit-mse (got "tvd"); using forward-kl',
    ]);
    expect(() => runFlags({ divergence: 'tvd' })).toThrow(
      '--divergence must be one of forward-kl, reverse-kl, jsd, soft-ce, logit-mse (got "tvd")',
    );
    const mixed = configFromSearchParams(new URLSearchParams('divergence=reverse-kl&sparse-teacher=top-k&teacher-k=4'));
    expect(mixed.warnings.join(' ')).toMatch(
      /a top-k teacher needs forward-kl, soft-ce or jsd \(reverse-kl is infinite/,
    );
    expect(mixed.config.hyper).toEqual(DEFAULT_CONFIG.hyper); // the whole objective falls back, not half of it
    const errors = validateConfig({
      ...DEFAULT_CONFIG,
      hyper: { ...DEFAULT_CONFIG.hyper, divergence: 4, sparseTeacher: 2 },
    });
    expect(errors).toEqual([
      'a sampled-k teacher needs forward-kl, soft-ce or jsd (logit-mse needs the logits, which a sparse teacher does not keep)',
    ]);
  });

  it('marks a change of a choice on the curves by its name', () => {
    expect(
      markerLabel({ divergence: { from: 0, to: 1 }, tSquared: { from: 1, to: 0 }, alpha: { from: 0.7, to: 0.5 } }),
    ).toBe('D=reverse-kl T²=off α=0.5');
  });
});
