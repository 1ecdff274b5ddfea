import { describe, expect, it } from 'vitest';
import { parseNumbers, softmaxSteps, workedKl } from './kl';

describe('the worked KL example', () => {
  it('KL([0.9, 0.1] ‖ [0.8, 0.2]) = 0.0367 nats (not the 0.045 a course example claims), term by term', () => {
    const out = workedKl({ mode: 'probs', p: '0.9, 0.1', q: '0.8, 0.2' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const r = out.result;
    // 0.9·ln(0.9/0.8) = 0.9·0.117783 = 0.106005; 0.1·ln(0.1/0.2) = 0.1·(−0.693147) = −0.069315
    expect(r.terms[0].ratio).toBeCloseTo(1.125, 12);
    expect(r.terms[0].log).toBeCloseTo(0.117783, 6);
    expect(r.terms[0].nats).toBeCloseTo(0.106005, 6);
    expect(r.terms[1].log).toBeCloseTo(-0.693147, 6);
    expect(r.terms[1].nats).toBeCloseTo(-0.0693147, 6);
    expect(r.nats).toBeCloseTo(0.03669, 6);
    expect(Number(r.nats.toFixed(4))).toBe(0.0367);
    expect(Math.abs(r.nats - 0.045)).toBeGreaterThan(0.008);
    expect(r.bits).toBeCloseTo(0.0529325, 6);
    expect(r.terms[0].bits).toBeCloseTo(0.106005 / Math.LN2, 6);
    expect(r.infiniteAt).toEqual([]);
  });

  it('from logits and T: p = softmax(zt/T), q = softmax(zs/T), and the T²-scaled soft term', () => {
    const out = workedKl({ mode: 'logits', p: '3, 1, 0.2', q: '2 2 0', temperature: 4 });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const r = out.result;
    expect(r.p[0]).toBeCloseTo(0.475485, 6);
    expect(r.p[1]).toBeCloseTo(0.288396, 6);
    expect(r.q[0]).toBeCloseTo(0.383652, 6);
    expect(r.q[2]).toBeCloseTo(0.232697, 6);
    expect(r.nats).toBeCloseTo(0.0231782, 6);
    expect(r.scaledByT2).toBeCloseTo(16 * 0.0231782, 5);
    expect(r.softmax!.p[0].scaled).toBe(0.75);

    // Logits chosen so that at T = 2 they give exactly the course example's distributions.
    const exact = workedKl({ mode: 'logits', p: `${2 * Math.log(9)}, 0`, q: `${2 * Math.log(4)}, 0`, temperature: 2 });
    expect(exact.ok && exact.result.nats).toBeCloseTo(0.03669, 5);
    expect(exact.ok && exact.result.scaledByT2).toBeCloseTo(4 * 0.03669, 4);
  });

  it('refuses distributions that do not sum to 1, and normalises them when asked', () => {
    const out = workedKl({ mode: 'probs', p: '9, 1', q: '0.8, 0.2' });
    expect(out).toEqual({ ok: false, problems: [{ code: 'sum', which: 'p', sum: 10 }] });
    const fixed = workedKl({ mode: 'probs', p: '9, 1', q: '0.8, 0.2', normalise: true });
    expect(fixed.ok && fixed.result.p).toEqual([0.9, 0.1]);
    expect(fixed.ok && fixed.result.normalised).toEqual({ p: true, q: false });
    expect(fixed.ok && fixed.result.nats).toBeCloseTo(0.03669, 5);
  });

  it('names negative entries, different lengths, non-numbers and an empty side', () => {
    expect(workedKl({ mode: 'probs', p: '1.2, -0.2', q: '0.5, 0.5' })).toEqual({
      ok: false,
      problems: [{ code: 'negative', which: 'p', index: 1, value: -0.2 }],
    });
    expect(workedKl({ mode: 'probs', p: '0.5, 0.5', q: '0.2, 0.3, 0.5' })).toEqual({
      ok: false,
      problems: [{ code: 'lengths', p: 2, q: 3 }],
    });
    expect(workedKl({ mode: 'probs', p: '0.5, x', q: '' })).toEqual({
      ok: false,
      problems: [
        { code: 'notNumber', which: 'p', index: 1, text: 'x' },
        { code: 'empty', which: 'q' },
      ],
    });
    expect(workedKl({ mode: 'probs', p: '1', q: '1' }).ok).toBe(false);
    expect(workedKl({ mode: 'logits', p: '1, 2', q: '1, 2', temperature: 0 })).toEqual({
      ok: false,
      problems: [{ code: 'temperature', value: 0 }],
    });
  });

  it('a zero in q where p > 0 makes KL infinite (and says where); a zero in p contributes nothing', () => {
    const out = workedKl({ mode: 'probs', p: '0.5, 0.5, 0', q: '1, 0, 0' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.result.infiniteAt).toEqual([1]);
    expect(out.result.nats).toBe(Infinity);
    expect(out.result.terms[2].nats).toBe(0);
  });

  it('reads commas, spaces, brackets and Chinese punctuation', () => {
    expect(parseNumbers('[0.9; 0.1]', 'p')).toEqual({ values: [0.9, 0.1] });
    expect(parseNumbers('0.9，0.1', 'p')).toEqual({ values: [0.9, 0.1] });
    const steps = softmaxSteps([0, 0], 1);
    expect(steps.map((s) => s.prob)).toEqual([0.5, 0.5]);
  });
});
