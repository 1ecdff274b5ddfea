// npm run --silent bench:cycles -- [--backend wasm|cpu|webgpu] [--cycles N] [--steps N]
//
// Memory across runs (issue 11): the worker's own Session, driven as the page drives it, starts a
// run, trains a few distillation steps, and is reset, N times, cycling through teacher and student
// sizes (a size change is a new run with other shapes). After every reset it records tf.memory():
// live tensors, their bytes and, on WebGPU, the bytes of GPU buffers tfjs holds (numBytesInGPU,
// which counts its buffer pool too). A program that prints figures, not a test: growth per cycle is
// the figure to watch (0 expected).

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, type RunConfig, type SizeSpec } from '../config';
import type { WorkerEvent } from '../worker/protocol';
import { Session } from '../worker/session';
import { numberFlag, parseFlags } from './args';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { runMain, UsageError } from './main';

const USAGE = `usage: npm run --silent bench:cycles -- [flags]
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --cycles N     start → train → reset cycles (default 20)
  --steps N      distillation steps per cycle before the reset (default 3)
  --json         print one JSON object as the last line of stdout`;

const FLAGS = {
  backend: { type: 'string' },
  cycles: { type: 'string' },
  steps: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Sizes cycled through: each cycle trains a teacher for 2 steps and a student of the next size. */
const SIZES: { teacher: SizeSpec; student: SizeSpec }[] = [
  { teacher: 'tiny', student: 'tiny' },
  { teacher: '2x2x32', student: '1x2x16' },
  { teacher: 'tiny', student: '2x2x24' },
  { teacher: '1x4x32', student: 'tiny' },
];

interface Sample {
  cycle: number;
  sizes: string;
  tensors: number;
  bytes: number;
  gpuBytes: number | null;
  /** WebGPU: bytes of every GPU buffer tfjs holds, its pool of free buffers included. */
  gpuAllocated: number | null;
}

function configFor(cycle: number): RunConfig {
  const { teacher, student } = SIZES[cycle % SIZES.length];
  return {
    ...DEFAULT_CONFIG,
    task: 'modadd',
    teacher,
    student,
    teacherSteps: 2,
    steps: 1_000_000,
    warmupSteps: 1,
    evalEvery: 1_000_000,
    labelled: 32,
    transfer: 32,
    hyper: { ...DEFAULT_CONFIG.hyper, batchSize: 8 },
  };
}

function sample(cycle: number): Sample {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  const { teacher, student } = SIZES[cycle % SIZES.length];
  return {
    cycle,
    sizes: `${teacher} → ${student}`,
    tensors: m.numTensors,
    bytes: m.numBytes,
    gpuBytes: m.numBytesInGPU ?? null,
    gpuAllocated: m.numBytesAllocatedInGPU ?? null,
  };
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const backend = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${NODE_BACKENDS.join(', ')}`);
  const cycles = Math.round(numberFlag(values.cycles, 'cycles', 20, 1));
  const steps = Math.round(numberFlag(values.steps, 'steps', 3, 1));
  const described = await useNodeBackend(backend);

  const events: WorkerEvent[] = [];
  const session = new Session({
    post: (e) => events.push(e),
    chooseBackend: async () => ({
      name: backend,
      fallbackReason: 'chosen on the command line',
      forced: backend,
      attempts: [{ name: backend, ok: true }],
    }),
    loadAsset: async () => null, // every cycle trains its own teacher: no shipped files
    flushMs: 0,
    predictEveryMs: 1_000_000,
  });
  const distillSteps = (runId: number) =>
    events
      .filter((e): e is Extract<WorkerEvent, { type: 'points' }> => e.type === 'points' && e.runId === runId)
      .flatMap((e) => e.points)
      .filter((p) => p.phase === 'distill').length;

  const before = sample(0);
  const samples: Sample[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) {
    const runId = 2 * cycle + 1;
    await session.handle({ type: 'start', runId, config: configFor(cycle), paused: false });
    const t0 = Date.now();
    while (distillSteps(runId) < steps) {
      const error = events.find((e) => e.type === 'error' && e.runId === runId);
      if (error) throw new Error(`cycle ${cycle}: ${JSON.stringify(error)}`);
      if (Date.now() - t0 > 600_000) throw new Error(`cycle ${cycle}: no ${steps} distillation steps in 10 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await session.handle({ type: 'reset', runId: runId + 1 });
    await new Promise((r) => setTimeout(r, 50));
    samples.push(sample(cycle));
    events.length = 0;
    // Each cycle's figures as soon as they exist: on a slow backend the run may be stopped part way.
    const s = samples[samples.length - 1];
    process.stderr.write(
      `[cycles] ${cycle + 1}/${cycles} ${s.sizes}: ${s.tensors} tensors, ${s.bytes} bytes${s.gpuBytes === null ? '' : `, GPU ${s.gpuBytes} bytes in use, ${s.gpuAllocated} allocated`}\n`,
    );
  }
  await session.dispose();

  const first = samples[0];
  const last = samples[samples.length - 1];
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  console.log(
    `backend ${described}; ${cycles} cycles of start → ${steps} distillation steps → reset, sizes cycling ${SIZES.map((s) => `${s.teacher} → ${s.student}`).join(', ')}`,
  );
  console.log(
    `before the first run: ${before.tensors} tensors, ${mib(before.bytes)} MiB${before.gpuBytes === null ? '' : `, GPU ${mib(before.gpuBytes)} MiB`}`,
  );
  console.log('cycle  sizes                  tensors   MiB      GPU MiB in use / allocated (pool included)');
  for (const s of samples) {
    const gpu = s.gpuBytes === null ? '-' : `${mib(s.gpuBytes).padStart(8)} / ${mib(s.gpuAllocated ?? NaN)}`;
    console.log(
      `${String(s.cycle + 1).padStart(5)}  ${s.sizes.padEnd(21)}  ${String(s.tensors).padStart(7)}  ${mib(s.bytes).padStart(7)}  ${gpu}`,
    );
  }
  const growth = (a: number, b: number) => (samples.length > 1 ? (b - a) / (samples.length - 1) : 0);
  console.log(
    `growth per cycle after the first: ${growth(first.tensors, last.tensors).toFixed(2)} tensors, ${growth(first.bytes, last.bytes).toFixed(0)} bytes${first.gpuBytes === null ? '' : `, ${growth(first.gpuBytes, last.gpuBytes!).toFixed(0)} GPU bytes in use, ${growth(first.gpuAllocated ?? 0, last.gpuAllocated ?? 0).toFixed(0)} allocated`}`,
  );
  if (values.json) console.log(JSON.stringify({ backend: described, cycles, steps, before, samples }));
}

runMain(main, USAGE);
