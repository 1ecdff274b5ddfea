// The app's export (exportRole) writes what the CLI writes (modelExtra): the task keys `predict`
// needs to read a custom-CSV model, and the hyperparameters each step ran with, slider moves included.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Hyper, type RunConfig } from '../config';
import { buildTask } from '../data';
import { decodePrediction, encoderFor } from '../cli/modelInput';
import { importModel } from '../model/export';
import { DistillationRun, type RunControl } from '../train/run';
import { modelExtra } from '../train/taskExtra';
import { exportRole } from './exportModel';

const BASE: Hyper = { ...DEFAULT_CONFIG.hyper, batchSize: 4 };
const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'custom-csv',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 2,
  steps: 4,
  warmupSteps: 1,
  evalEvery: 100,
  labelled: 10,
  transfer: 10,
  hyper: BASE,
};

/** The hyperparameters of each call to control.hyper(), i.e. of each step in order (2 teacher, 4 distillation). */
const PER_STEP: Hyper[] = [
  BASE, // teacher 1
  { ...BASE, temperature: 9 }, // teacher 2: T moved, which the teacher does not read
  { ...BASE, temperature: 9 }, // distill 1
  { ...BASE, temperature: 2, alpha: 0.3 }, // distill 2
  { ...BASE, temperature: 2, alpha: 0.3 }, // distill 3
  { ...BASE, temperature: 2, alpha: 0.3, lr: 0.001 }, // distill 4
];

function scriptedControl(): RunControl {
  let calls = 0;
  return {
    hyper: () => PER_STEP[Math.min(calls++, PER_STEP.length - 1)],
    beforeStep: async () => {},
    stopped: () => false,
  };
}

const rows = Array.from(
  { length: 40 },
  (_, i) => `${i % 2 ? 'good great fun' : 'bad awful dull'} film ${i},${i % 2 ? 'pos' : 'neg'}`,
);
const CSV = 'text,label\n' + rows.join('\n');

let run: DistillationRun;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const task = buildTask('custom-csv', { seed: 1, labelled: CONFIG.labelled, transfer: CONFIG.transfer }, { csv: CSV });
  run = new DistillationRun(task, CONFIG, scriptedControl(), {}, undefined, 0);
  await run.trainTeacher();
  await run.distill();
}, 60_000);

describe('app export (exportRole)', () => {
  it('records the schedule actually applied, per role, not the values the run started with', async () => {
    const student = JSON.parse((await exportRole(run, 'student')).configJson);
    expect(student.training).toMatchObject({
      phase: 'distill',
      steps: 4,
      hyper: { temperature: 2, alpha: 0.3, beta: 0, gamma: 0, delta: 0, lr: 0.001, batchSize: 4 },
      schedule: [
        { step: 1, temperature: 9, alpha: 0.7, lr: 0.003, batchSize: 4 },
        { step: 2, temperature: 2, alpha: 0.3, lr: 0.003 },
        { step: 4, temperature: 2, alpha: 0.3, lr: 0.001 },
      ],
    });
    expect(student.training.schedule).toHaveLength(3);
    // The baseline reads only lr and batch size: T and α moving is no change for it.
    const baseline = JSON.parse((await exportRole(run, 'baseline')).configJson);
    expect(baseline.training.schedule).toEqual([
      { step: 1, lr: 0.003, batchSize: 4 },
      { step: 4, lr: 0.001, batchSize: 4 },
    ]);
    expect(baseline.training.hyper).toEqual({ lr: 0.001, batchSize: 4 });
    const teacher = JSON.parse((await exportRole(run, 'teacher')).configJson);
    expect(teacher.training).toMatchObject({
      phase: 'teacher',
      steps: 2,
      schedule: [{ step: 1, lr: 0.003, batchSize: 4 }],
    });
    expect(teacher.seed).toBe(CONFIG.seed);
  });

  it('has the same keys as the CLI export: the one modelExtra', async () => {
    for (const role of ['teacher', 'student', 'baseline'] as const) {
      const json = JSON.parse((await exportRole(run, role)).configJson);
      const extra = modelExtra(run, role);
      for (const [k, v] of Object.entries(extra)) expect(json[k], `${role}.${k}`).toEqual(v);
      expect(json).toMatchObject({ task: 'custom-csv', kind: 'classification', role, classes: ['neg', 'pos'] });
      expect(json.class_token_ids).toEqual(run.task.classes!.map((c) => c.tokenId));
    }
  });

  it("a custom-CSV student round-trips through predict's decoding: same tokens, same class", async () => {
    const files = await exportRole(run, 'student');
    const { model, vocab, extra } = importModel(files.safetensors, files.configJson, false);
    try {
      for (const text of ['good great fun film', 'bad awful dull film 3', 'an unseen word film']) {
        const tokens = encoderFor(extra, vocab, model.config.blockSize)(text);
        expect(tokens, text).toEqual(run.task.encodePrompt(text)); // as the app encodes it
        const logits = tf.tidy(() => model.forward(tf.tensor2d([tokens], [1, tokens.length], 'int32')).logits);
        const last = Array.from((await logits.data()).slice(-vocab.length));
        logits.dispose();
        const decoded = decodePrediction(last, extra, vocab);
        // The class the app's student gives: the best of the class tokens at the last position.
        const ref = tf.tidy(
          () => run.distiller!.student.forward(tf.tensor2d([tokens], [1, tokens.length], 'int32')).logits,
        );
        const refLast = Array.from((await ref.data()).slice(-vocab.length));
        ref.dispose();
        const classes = run.task.classes!;
        const best = classes.reduce((a, b) => (refLast[b.tokenId] > refLast[a.tokenId] ? b : a));
        expect(decoded).toEqual({ prediction: best.name, predictionId: best.tokenId });
      }
    } finally {
      model.dispose();
    }
  });
});
