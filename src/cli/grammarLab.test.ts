import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAMMAR_LAB } from '../train/grammarLab';
import { grammarLabConfigFromFlags } from './grammarLab';
import { UsageError } from './main';

describe('grammar-lab flags', () => {
  it('gives the defaults without flags and reads each flag', () => {
    expect(grammarLabConfigFromFlags({})).toEqual(DEFAULT_GRAMMAR_LAB);
    const c = grammarLabConfigFromFlags({
      steps: '50',
      lambdas: '0.25, 1',
      student: '1x2x16',
      corpus: '100',
      seed: '3',
    });
    expect(c.steps).toBe(50);
    expect(c.lambdas).toEqual([0.25, 1]);
    expect(c.student).toEqual({ nLayer: 1, nHead: 2, nEmbd: 16 });
    expect(c.corpus).toBe(100);
    expect(c.seed).toBe(3);
  });

  it('refuses bad values with a usage error that says what is wrong', () => {
    const bad = (v: Parameters<typeof grammarLabConfigFromFlags>[0], message: RegExp) => {
      expect(() => grammarLabConfigFromFlags(v)).toThrow(UsageError);
      expect(() => grammarLabConfigFromFlags(v)).toThrow(message);
    };
    bad({ steps: 'many' }, /--steps must be a number \(got "many"\)/);
    bad({ steps: '2.5' }, /steps must be a whole number ≥ 0 \(got 2.5\)/);
    bad({ lambdas: '0,1' }, /λ = 0 is the off-policy student/);
    bad({ lambdas: '0.5,x' }, /--lambdas must be a number/);
    bad({ lambdas: '1.5' }, /must be a number in \[0, 1\] \(got 1.5\)/);
    bad({ student: 'huge' }, /unknown model size "huge"/);
    bad({ lr: '-1' }, /the learning rate must be a number > 0/);
  });
});
