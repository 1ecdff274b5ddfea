// The PyTorch export's contents, without PyTorch (tests/kdScript.test.ts runs the script): the
// batches are the ones the run drew, the schedule is the one it applied (a slider moved mid-run
// included) followed by the current values, and the initial weights are the run's step-0 weights.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, taskOptions, type Hyper, type RunConfig } from '../config';
import { buildTask } from '../data';
import { importModel } from '../model/export';
import { decodeSafetensors } from '../model/safetensors';
import { DistillationRun, type RunControl } from '../train/run';
import { buildKdScript, distillPlan, KD_SCRIPT_FORMAT } from './kdScript';

const CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  task: 'modadd',
  teacher: 'tiny',
  student: 'tiny',
  teacherSteps: 2,
  steps: 6,
  warmupSteps: 1,
  evalEvery: 100,
  labelled: 20,
  transfer: 20,
  hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 4, beta: 0.5 },
};
const SOURCES = { kdTrain: '# kd_train.py\n', nanogpt: '# nanogpt.py\n' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildKdScript', () => {
  it('exports the batches drawn, the schedule applied then the current values, and the step-0 weights', async () => {
    const task = buildTask(CONFIG.task, taskOptions(CONFIG));
    const moved: Hyper = { ...CONFIG.hyper, alpha: 0.3, batchSize: 2 };
    let run: DistillationRun | null = null;
    const rowsSeen: Int32Array[] = [];
    // Steps 1–2 with the config's values, step 3 with `moved`, then the run stops (3 of 6 steps taken).
    const control: RunControl = {
      hyper: () => ((run?.distillStep ?? 0) >= 2 && run?.distiller ? moved : CONFIG.hyper),
      beforeStep: async () => {
        if (run?.distiller && run.distillStep > 0) rowsSeen.push(run.distiller.lastRows.slice());
      },
      stopped: () => (run?.distillStep ?? 0) >= 3,
    };
    run = new DistillationRun(task, CONFIG, control);
    try {
      await run.trainTeacher();
      await run.distill();
      expect(run.distillStep).toBe(3);
      rowsSeen.push(run.distiller!.lastRows.slice());
      const current: Hyper = { ...moved, temperature: 2 };
      const plan = distillPlan(run, current);
      expect(plan.map((r) => [r.step, r.hyper.alpha, r.hyper.batchSize, r.hyper.temperature])).toEqual([
        [1, CONFIG.hyper.alpha, 4, CONFIG.hyper.temperature],
        [3, 0.3, 2, CONFIG.hyper.temperature],
        [4, 0.3, 2, 2],
      ]);
      const files = new Map((await buildKdScript(run, SOURCES, { plan })).map((f) => [f.path, f.data]));
      expect([...files.keys()].sort()).toEqual(
        [
          'README.md',
          'data.safetensors',
          'init/projections.safetensors',
          'init/student/config.json',
          'init/student/model.safetensors',
          'kd_train.py',
          'nanogpt.py',
          'run.json',
          'teacher/config.json',
          'teacher/model.safetensors',
        ].sort(),
      );
      const dec = new TextDecoder();
      expect(dec.decode(files.get('kd_train.py'))).toBe(SOURCES.kdTrain);
      const runJson = JSON.parse(dec.decode(files.get('run.json')));
      expect(runJson).toMatchObject({
        format: KD_SCRIPT_FORMAT,
        steps: 6,
        seed: CONFIG.seed,
        layer_map: [0],
        lr_schedule: { warmup_steps: 1, total_steps: 6 },
      });
      expect(runJson.schedule.map((e: { step: number; batch_size: number }) => [e.step, e.batch_size])).toEqual([
        [1, 4],
        [3, 2],
        [4, 2],
      ]);
      expect(runJson.model_extra.student.training.schedule.map((e: { step: number }) => e.step)).toEqual([1, 3, 4]);

      const data = decodeSafetensors(files.get('data.safetensors')!).tensors;
      expect(Array.from(data.get('batch_sizes')!.data)).toEqual([4, 4, 2, 2, 2, 2]);
      const rows = data.get('batch_rows')!.data;
      expect(rows.length).toBe(16);
      // The first three batches are the rows the run drew.
      expect(Array.from(rows.subarray(0, 4))).toEqual(Array.from(rowsSeen[0]));
      expect(Array.from(rows.subarray(4, 8))).toEqual(Array.from(rowsSeen[1]));
      expect(Array.from(rows.subarray(8, 10))).toEqual(Array.from(rowsSeen[2]));
      expect(data.get('train.inputs')!.shape).toEqual([task.train.count, task.seqLen]);
      expect(Array.from(data.get('train.soft_mask')!.data)).toEqual(Array.from(task.train.softMask));

      // The initial student imports, and has the weights the run started from (not the trained ones).
      const init = importModel(
        files.get('init/student/model.safetensors')!,
        dec.decode(files.get('init/student/config.json')),
      );
      try {
        const a = (await init.model.params.get('transformer.wte.weight')!.data()) as Float32Array;
        const b = (await run.distiller!.student.params.get('transformer.wte.weight')!.data()) as Float32Array;
        expect(a.length).toBe(b.length);
        expect(Array.from(a)).not.toEqual(Array.from(b)); // trained for 3 steps since
      } finally {
        init.model.dispose();
      }
      const proj = decodeSafetensors(files.get('init/projections.safetensors')!).tensors.get('projections.0')!;
      expect(proj.shape).toEqual([16, 16]);
      expect(JSON.parse(dec.decode(files.get('teacher/config.json')))).toMatchObject({ role: 'teacher', n_embd: 16 });
    } finally {
      run.dispose();
    }
  });
});
