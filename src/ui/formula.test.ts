import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPER } from '../config';
import { FORMULA, formulaTerms, formulaText } from './formula';
import { compressionLabel, compressionRatio, modelStats } from './modelStats';
import { mb, pts } from './format';

describe('the formula with live values', () => {
  it('prints (1 − α), α·T², β, γ, δ with the current values', () => {
    const text = formulaText({ ...DEFAULT_HYPER, temperature: 2, alpha: 0.25, beta: 0.5 });
    expect(text).toBe(
      'L = 0.75·CE(y, softmax(zs)) + 0.25·4·KL(softmax(zt/2) ‖ softmax(zs/2)) + 0.5·feat + 0·att + 0·rel',
    );
    expect(FORMULA).toMatch(/\(1 − α\)·CE \+ α·T²·KL/);
  });

  it('writes the objective’s choices into the terms: divergence, T² or not, a smoothed label, a sparse teacher', () => {
    const soft = (extra: Partial<typeof DEFAULT_HYPER>) => {
      const [hard, soft] = formulaTerms({ ...DEFAULT_HYPER, temperature: 2, alpha: 0.5, ...extra });
      return `${hard.weight}·${hard.term} + ${soft.weight}·${soft.term}`;
    };
    expect(soft({ divergence: 1 })).toBe('0.5·CE(y, softmax(zs)) + 0.5·4·KL(softmax(zs/2) ‖ softmax(zt/2))');
    expect(soft({ divergence: 2, jsdBeta: 0.25, tSquared: 0 })).toBe(
      '0.5·CE(y, softmax(zs)) + 0.5·JSD0.25(softmax(zt/2) ‖ softmax(zs/2))',
    );
    expect(soft({ divergence: 3, labelSmoothing: 0.1 })).toBe(
      '0.5·CE(y(ε=0.1), softmax(zs)) + 0.5·4·CE(softmax(zt/2), softmax(zs/2))',
    );
    // logit MSE: T enters neither the term nor its scale
    expect(soft({ divergence: 4 })).toBe('0.5·CE(y, softmax(zs)) + 0.5·MSE(zs, zt)');
    expect(soft({ sparseTeacher: 1, teacherK: 4 })).toBe(
      '0.5·CE(y, softmax(zs)) + 0.5·4·KL(top4(softmax(zt/2)) ‖ softmax(zs/2))',
    );
  });

  it('dims the terms whose weight is zero', () => {
    const active = formulaTerms({ ...DEFAULT_HYPER, alpha: 0, beta: 0, gamma: 1, delta: 0 }).map((t) => t.active);
    expect(active).toEqual([true, false, false, true, false]);
    expect(formulaTerms({ ...DEFAULT_HYPER, alpha: 1 })[0]).toMatchObject({ weight: '0', active: false });
  });
});

describe('model stats', () => {
  it('says "same size" for equal sizes and "more" for a student bigger than its teacher, never "1.0× fewer" or "0.5× fewer"', () => {
    const stats = (params: number) => ({ size: { nLayer: 1, nHead: 1, nEmbd: 8 }, params });
    const same = modelStats('teacher-s', 99, 22)!;
    expect(compressionLabel(same, modelStats('3x4x64', 99, 22))).toEqual({
      value: 'same size',
      text: 'the student has as many parameters as the teacher',
    });
    expect(compressionLabel(stats(1000), stats(2000))).toEqual({
      value: '2.0×',
      text: 'more parameters in the student than in the teacher',
    });
    expect(compressionLabel(stats(2500), stats(1000))).toEqual({
      value: '2.5×',
      text: 'fewer parameters in the student',
    });
    expect(compressionLabel(stats(12_400), stats(1000))).toEqual({
      value: '12×',
      text: 'fewer parameters in the student',
    });
    // Near 1, where one decimal would read "1.0×": the percentage.
    expect(compressionLabel(stats(1000), stats(970))).toEqual({ value: '3%', text: 'fewer parameters in the student' });
    expect(compressionLabel(stats(1000), stats(1040))).toEqual({
      value: '4%',
      text: 'more parameters in the student than in the teacher',
    });
    expect(compressionLabel(stats(100_000), stats(99_999))).toEqual({
      value: '1%',
      text: 'fewer parameters in the student',
    });
    expect(compressionLabel(null, stats(1))).toBeNull();
  });

  it('counts parameters, size at fp32 and compression', () => {
    const t = modelStats('teacher-m', 99, 22)!;
    const s = modelStats('tiny', 99, 22)!;
    expect(t.size).toEqual({ nLayer: 4, nHead: 4, nEmbd: 128 });
    // tiny: wte 99·16 + wpe 22·16 + one block (2·16 LN + 16·48 + 16·16 + 16·64 + 64·16) + ln_f 16
    expect(s.params).toBe(99 * 16 + 22 * 16 + (32 + 768 + 256 + 1024 + 1024) + 16);
    expect(compressionRatio(t, s)).toBeCloseTo(t.params / s.params, 12);
    expect(modelStats('3x5x64', 99, 22)).toBeNull(); // 64 is not divisible by 5
    expect(compressionLabel(t, s)).toEqual({
      value: `${Math.round(t.params / s.params)}×`,
      text: 'fewer parameters in the student',
    });
    expect(mb(250_000)).toBe('1.00 MB');
    expect(pts(0.034)).toBe('+3.4 pts');
    expect(pts(-0.01)).toBe('−1.0 pts');
  });
});
