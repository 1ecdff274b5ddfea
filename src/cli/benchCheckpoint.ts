// npx tsx src/cli/benchCheckpoint.ts [--backend wasm|cpu|webgpu] [--steps N] [--captures N]
// What a worker checkpoint costs (src/worker/checkpointer.ts): capture (read every weight, moment and
// kept snapshot back in one transfer) + encode (CRC32 and copy), against one distillation step of the
// default config (sentiment, teacher-s → student-s, batch 32), timed in the same run. Prints the
// ratio and the share of training time a checkpoint every CHECKPOINT_EVERY steps costs.

import { DEFAULT_CONFIG, taskOptions } from '../config';
import { buildTask } from '../data';
import { captureCheckpoint, decodeRunCheckpoint, encodeRunCheckpoint } from '../train/checkpoint';
import { DistillationRun, type RunControl } from '../train/run';
import { CHECKPOINT_EVERY } from '../worker/checkpointer';
import { numberFlag, parseFlags } from './args';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { runMain, UsageError } from './main';

const USAGE = `usage: npx tsx src/cli/benchCheckpoint.ts [--backend ${NODE_BACKENDS.join('|')}] [--steps N] [--captures N]`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), {
    backend: { type: 'string' },
    steps: { type: 'string' },
    captures: { type: 'string' },
  });
  const backend = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend)) throw new UsageError(`unknown backend ${backend}`);
  const timedSteps = numberFlag(values.steps, 'steps', 30, 3);
  const captures = numberFlag(values.captures, 'captures', 5, 1);
  const device = await useNodeBackend(backend);

  const warmup = 5;
  const config = { ...DEFAULT_CONFIG, teacherSteps: 0, evalEvery: 1_000_000, steps: 1_000_000 };
  const task = buildTask(config.task, taskOptions(config));
  const stepMs: number[] = [];
  const captureMs: number[] = [];
  const encodeMs: number[] = [];
  const decodeMs: number[] = [];
  let bytes = 0;
  let run: DistillationRun | null = null;
  let last = 0;
  let done = false;
  const control: RunControl = {
    hyper: () => config.hyper,
    stopped: () => done,
    beforeStep: async () => {
      const r = run!;
      await r.flush(); // every step's work is finished before the clock reads
      const now = performance.now();
      const n = r.distillStep;
      if (n > warmup && n <= warmup + timedSteps) stepMs.push(now - last);
      if (n === warmup + timedSteps) {
        for (let i = 0; i < captures; i++) {
          const t0 = performance.now();
          const c = await captureCheckpoint(r, config.hyper);
          const t1 = performance.now();
          const encoded = encodeRunCheckpoint(c);
          const t2 = performance.now();
          decodeRunCheckpoint(encoded);
          const t3 = performance.now();
          captureMs.push(t1 - t0);
          encodeMs.push(t2 - t1);
          decodeMs.push(t3 - t2);
          bytes = encoded.byteLength;
        }
        done = true;
      }
      last = performance.now();
    },
  };
  run = new DistillationRun(task, config, control, {}, undefined, 1e9);
  await run.distill();
  run.dispose();

  const step = median(stepMs);
  const cost = median(captureMs) + median(encodeMs);
  console.log(
    `backend: ${device}; config: ${config.task}, ${config.teacher} → ${config.student}, batch ${config.hyper.batchSize}`,
  );
  console.log(`checkpoint: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`step (median of ${stepMs.length}, read back each step): ${step.toFixed(1)} ms`);
  console.log(
    `capture ${median(captureMs).toFixed(1)} ms + encode ${median(encodeMs).toFixed(1)} ms = ${cost.toFixed(1)} ms ` +
      `(median of ${captures}); decode ${median(decodeMs).toFixed(1)} ms`,
  );
  console.log(`one checkpoint = ${(cost / step).toFixed(2)} steps`);
  console.log(
    `every ${CHECKPOINT_EVERY} steps: ${((100 * cost) / (CHECKPOINT_EVERY * step)).toFixed(2)} % of training time`,
  );
}

runMain(main, USAGE);
