// Each shipped teacher, run on the CLI's default backend (wasm), scores the test accuracy its
// config.json records (the `pretrain` entry written by `npm run pretrain`) within half a point.
// The wasm one-hot bug took the sentiment teacher from 74.8 % to 21.2 % here while cpu tests passed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TASKS, DEFAULT_CONFIG, taskOptions } from '../src/config';
import { useNodeBackend } from '../src/cli/backend';
import { loadShippedTeacher, shippedTeacherDir } from '../src/cli/teachers';
import { buildTask } from '../src/data';
import { evaluateModel, indexSplit } from '../src/train/evaluate';

/** The CLI's default backend: what `distill`, `predict` and `experiment` run on without --backend. */
const DEFAULT_BACKEND = 'wasm';
const TOLERANCE_POINTS = 0.5;

afterAll(() => tf.setBackend('cpu'));

describe(`shipped teachers on ${DEFAULT_BACKEND} score their recorded test accuracy (±${TOLERANCE_POINTS} points)`, () => {
  for (const id of BUILTIN_TASKS) {
    it(id, async () => {
      await useNodeBackend(DEFAULT_BACKEND);
      expect(tf.getBackend()).toBe(DEFAULT_BACKEND);
      const recorded = JSON.parse(readFileSync(join(shippedTeacherDir(id), 'config.json'), 'utf8')).pretrain;
      expect(recorded.testAccuracy, 'config.json has no pretrain.testAccuracy').toBeGreaterThan(0);
      const task = buildTask(id, taskOptions(DEFAULT_CONFIG));
      const teacher = await loadShippedTeacher(task);
      const { metrics } = await evaluateModel(teacher, task, task.test, indexSplit(task, task.test));
      teacher.dispose();
      console.log(
        `[teachers] ${id}: ${(metrics.accuracy * 100).toFixed(2)} % on ${DEFAULT_BACKEND} (recorded ${(recorded.testAccuracy * 100).toFixed(2)} % on ${recorded.backend})`,
      );
      expect(Math.abs(metrics.accuracy - recorded.testAccuracy) * 100).toBeLessThanOrEqual(TOLERANCE_POINTS);
    });
  }
});
