import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parameterCount, type RunConfig } from './config';
import { estimateMemory, fmtGiB, GiB, memoryLimits, memoryProblem, UPDATE_FACTOR, type TaskShape } from './memory';

/** The sentiment task's shape (src/data/sentiment.ts with the default labelled/transfer). */
const SENTIMENT: TaskShape = {
  vocabSize: 99,
  seqLen: 22,
  kind: 'classification',
  teacherRows: 6000,
  trainRows: 2200,
  valRows: 500,
  testRows: 500,
};
const GRAMMAR: TaskShape = {
  vocabSize: 27,
  seqLen: 10,
  kind: 'generation',
  teacherRows: 6000,
  trainRows: 2200,
  valRows: 500,
  testRows: 500,
};
const BIG: RunConfig = { ...DEFAULT_CONFIG, teacher: '12x16x512', teacherSteps: 300 };

describe('memory estimate', () => {
  it('counts a teacher step by hand: weights, moments, decay mask (4 P) + the AdamW update (20 P) + the split', () => {
    // 12x16x512 on sentiment: 12·12·512² + (99 + 22)·512 + 12·2·512 + 512 parameters.
    const P = 12 * 12 * 512 ** 2 + 121 * 512 + 12 * 2 * 512 + 512;
    expect(P).toBe(37_823_488);
    expect(
      parameterCount({ nLayer: 12, nHead: 16, nEmbd: 512, vocabSize: 99, blockSize: 22, bias: false, dropout: 0 }),
    ).toBe(P);
    const split = 6000 * (5 * 22 + 22 + 3) * 4; // inputs, targets, 3 masks; scored select, target, masks
    const e = estimateMemory({ ...BIG, hyper: { ...BIG.hyper, batchSize: 1 } }, SENTIMENT);
    expect(UPDATE_FACTOR).toBe(20);
    expect(e.phases.teacher).toBe((4 + 20) * 4 * P + split); // 3,634,294,848 bytes
    // Measured on wasm (one teacher step of this size at batch 1): 3,634,297,000 bytes of buffers.
    expect(e.phases.teacher! / 3_634_297_000).toBeCloseTo(1, 5);
    expect(e.peakPhase).toBe('teacher');
  });

  it('refuses the largest teacher the bounds allow on wasm, with the estimate and the limit', () => {
    const e = estimateMemory(BIG, SENTIMENT);
    expect(e.peak / GiB).toBeGreaterThan(3.3);
    const message = memoryProblem(e, memoryLimits('wasm'));
    expect(message).toBe(
      'this config needs about 3.4 GiB (at its peak, training the teacher); the wasm backend can address 4 GiB, about 3 GiB of it for tensors ' +
        '(its heap grows to 1.2–1.5× what the tensors hold): choose a smaller teacher or student, a smaller batch size, or fewer examples',
    );
    expect(memoryProblem(e, memoryLimits('cpu'))).toMatch(/needs about 3\.4 GiB.*cpu backend's budget is 3 GiB/);
    // On WebGPU the total fits the 4 GiB budget, but AdamW's flat vector of 151 MB does not fit a
    // GPU that binds only WebGPU's default 128 MiB per buffer.
    expect(
      memoryProblem(
        e,
        memoryLimits('webgpu', { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 }),
      ),
    ).toBe(
      "this config needs one tensor of about 144 MiB (the teacher's parameters as one flat vector (AdamW)); this GPU binds at most 128 MiB per buffer " +
        '(maxStorageBufferBindingSize / maxBufferSize): choose a smaller model or fewer examples',
    );
    expect(
      memoryProblem(e, memoryLimits('webgpu', { maxStorageBufferBindingSize: 2 * GiB, maxBufferSize: 2 * GiB })),
    ).toBeNull();
  });

  it('lets the defaults and every preset pair run on every backend', () => {
    for (const shape of [SENTIMENT, GRAMMAR]) {
      for (const [teacher, teacherSteps] of [
        ['teacher-s', 0],
        ['teacher-l', 300],
      ] as const) {
        const e = estimateMemory({ ...DEFAULT_CONFIG, teacher, teacherSteps }, shape);
        for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'])
          expect(
            memoryProblem(e, memoryLimits(backend, { maxStorageBufferBindingSize: 128 * 2 ** 20 })),
            `${teacher} ${backend}`,
          ).toBeNull();
      }
    }
    const d = estimateMemory(DEFAULT_CONFIG, SENTIMENT);
    expect(d.phases.teacher).toBeNull(); // the shipped teacher is loaded, not trained
    expect(d.peak).toBeLessThan(200 * 2 ** 20);
  });

  it('grows with the batch size (activations) and with the cached teacher outputs (generation: every position)', () => {
    const small = estimateMemory(
      { ...DEFAULT_CONFIG, student: 'student-m', hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 32 } },
      GRAMMAR,
    );
    const large = estimateMemory(
      { ...DEFAULT_CONFIG, student: 'student-m', hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 512 } },
      GRAMMAR,
    );
    expect(large.phases.distill).toBeGreaterThan(small.phases.distill * 4);
    // A custom text: 10,000 rows × 32 positions × 258 symbols, cached twice, 4 bytes each.
    const text: TaskShape = {
      vocabSize: 258,
      seqLen: 32,
      kind: 'generation',
      teacherRows: 10_000,
      trainRows: 10_000,
      valRows: 500,
      testRows: 500,
    };
    const e = estimateMemory(DEFAULT_CONFIG, text);
    expect(e.largestTensor).toEqual({ bytes: 10_000 * 32 * 258 * 4, what: 'the cached teacher logits' });
    expect(e.phases.distill).toBeGreaterThan(2 * 10_000 * 32 * 258 * 4);
  });

  it('prints sizes as GiB or MiB', () => {
    expect(fmtGiB(3.38 * GiB)).toBe('3.4 GiB');
    expect(fmtGiB(3 * GiB)).toBe('3 GiB');
    expect(fmtGiB(12.4 * GiB)).toBe('12 GiB');
    expect(fmtGiB(151_293_952)).toBe('144 MiB');
  });
});
