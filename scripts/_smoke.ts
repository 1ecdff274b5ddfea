import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../src/config';
import { buildTask } from '../src/data';
import { DistillationRun, fixedControl } from '../src/train/run';
await tf.setBackend(process.argv[2] ?? 'wasm');
const task = process.argv[3] ?? 'sentiment';
const cfg = { ...DEFAULT_CONFIG, task: task as any, teacher: process.argv[4] ?? 'student-m', teacherSteps: Number(process.argv[5] ?? 300), steps: Number(process.argv[6] ?? 300), evalEvery: 100 } as any;
const t = buildTask(cfg.task, { seed: 1, labelled: cfg.labelled, transfer: cfg.transfer });
let t0 = performance.now(); let last = 0;
const run = new DistillationRun(t, cfg, fixedControl(cfg.hyper), {
  onPoints: (p) => { const q = p[p.length-1]; if (q.step - last >= 50) { last = q.step; console.log(q.phase, q.step, JSON.stringify(q.values), ((performance.now()-t0)/q.step).toFixed(0)+'ms/step'); } },
  onEval: (r) => console.log('EVAL', r.phase, r.step, ['teacher','student','baseline'].map(k => (r as any)[k] ? `${k}=${(r as any)[k].accuracy.toFixed(3)}` : '').join(' ')),
  onPhase: (p, d) => { console.log('PHASE', p, d); t0 = performance.now(); last = 0; },
});
await run.trainTeacher();
await run.distill();
const test = await run.evaluateStudents('test');
console.log('TEST', ['teacher','student','baseline'].map(k => `${k}=${(test as any)[k].accuracy.toFixed(3)} f1=${(test as any)[k].macroF1?.toFixed(3)} agree=${(test as any)[k].agreement?.toFixed(3)}`).join(' | '));
run.dispose();
console.log('tensors', tf.memory().numTensors);
