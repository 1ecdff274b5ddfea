// npx tsx src/cli/memory.ts -- [run flags]: runs the configuration for real (a few steps are
// enough: memory does not grow with steps) and prints, per phase, src/memory.ts's estimate beside
// the measured peaks: tf.memory().numBytes (tfjs's counter; it counts reshaped views again), the
// distinct buffers behind the tensors, and on wasm the heap's high-water mark.

import { sizeSpec, taskOptions, type RunConfig } from '../config';
import { buildTask } from '../data';
import { estimateMemory, fmtGiB, taskShape, type MemoryEstimate } from '../memory';
import { DistillationRun, fixedControl } from '../train/run';
import { parseFlags, RUN_FLAGS, RUN_FLAGS_USAGE, runFlags } from './args';
import { useNodeBackend } from './backend';
import { runMain } from './main';
import { MemoryProbe, wasmHeapBytes, type MemoryPeaks } from './memoryProbe';
import { loadCustomData } from './nodeRun';
import { loadShippedTeacher } from './teachers';

const USAGE = `usage: npx tsx src/cli/memory.ts [run flags]   (e.g. --teacher 4x4x128 --teacher-steps 2 --steps 2)
${RUN_FLAGS_USAGE}`;

type PhaseName = keyof MemoryEstimate['phases'];

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), RUN_FLAGS);
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const flags = runFlags(values);
  const custom = await loadCustomData(flags.config.task, flags.data);
  const backend = await useNodeBackend(flags.backend);
  const config: RunConfig = { ...flags.config, hyper: { ...flags.config.hyper } };
  const task = buildTask(config.task, taskOptions(config), custom);
  const probe = new MemoryProbe(); // before the first tensor
  const teacher = config.teacherSteps === 0 ? await loadShippedTeacher(task) : undefined;
  if (teacher) config.teacher = sizeSpec(teacher.config);
  const estimate = estimateMemory(config, taskShape(task));

  const measured: Partial<Record<PhaseName | 'setup', MemoryPeaks>> = {};
  let current: PhaseName | 'setup' = 'setup';
  const enter = (next: PhaseName | 'setup') => {
    const p = probe.reset();
    const was = measured[current];
    measured[current] = was
      ? { numBytes: Math.max(was.numBytes, p.numBytes), buffers: Math.max(was.buffers, p.buffers) }
      : p;
    current = next;
  };
  const run = new DistillationRun(
    task,
    config,
    fixedControl(config.hyper),
    {
      onPhase: (phase) => {
        if (phase === 'teacher' || phase === 'caching' || phase === 'distill') enter(phase);
      },
    },
    teacher,
    0,
  );
  const started = Date.now();
  if (config.teacherSteps > 0) await run.trainTeacher();
  await run.distill();
  enter('test');
  await run.evaluateStudents('test');
  enter('setup');
  run.dispose();
  probe.dispose();

  const heap = wasmHeapBytes();
  const rows = (['teacher', 'caching', 'distill', 'test'] as const).map((phase) => {
    const est = estimate.phases[phase];
    const m = measured[phase];
    return {
      phase,
      estimate: est,
      numBytes: m?.numBytes ?? null,
      buffers: m?.buffers ?? null,
      ratio: est && m ? est / m.buffers : null,
      ratioNumBytes: est && m ? est / m.numBytes : null,
    };
  });
  const peakNumBytes = Math.max(...rows.map((r) => r.numBytes ?? 0));
  const peakBuffers = Math.max(...rows.map((r) => r.buffers ?? 0));
  const result = {
    config: {
      task: config.task,
      teacher: config.teacher,
      student: config.student,
      batchSize: config.hyper.batchSize,
      teacherSteps: config.teacherSteps,
      steps: config.steps,
    },
    backend,
    seconds: (Date.now() - started) / 1000,
    phases: rows,
    peak: {
      estimate: estimate.peak,
      numBytes: peakNumBytes,
      buffers: peakBuffers,
      wasmHeap: heap,
      ratio: estimate.peak / peakBuffers,
      ratioNumBytes: estimate.peak / peakNumBytes,
    },
  };
  const f = (b: number | null) => (b === null ? '—' : fmtGiB(b)).padStart(9);
  const r = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const lines = [
    `${task.id} teacher ${config.teacher} student ${config.student} batch ${config.hyper.batchSize} on ${backend}`,
    'phase      estimate  numBytes   buffers  estimate/buffers  estimate/numBytes',
    ...rows.map(
      (x) =>
        `${x.phase.padEnd(8)} ${f(x.estimate)} ${f(x.numBytes)} ${f(x.buffers)}  ${r(x.ratio).padStart(16)}  ${r(x.ratioNumBytes).padStart(17)}`,
    ),
    `peak     ${f(estimate.peak)} ${f(peakNumBytes)} ${f(peakBuffers)}  ${r(result.peak.ratio).padStart(16)}  ${r(result.peak.ratioNumBytes).padStart(17)}${heap ? `   wasm heap ${fmtGiB(heap)}` : ''}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

runMain(main, USAGE);
