// Early stopping for the distillation phase: keeps the best validation weights of student and
// baseline, each judged on its own score, and stops once the student has not improved for
// `patience` validations. Its state (scores, steps, snapshots) is part of a checkpoint.

import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/task';
import type { EvalReport, ModelMetrics } from '../report';
import type { DistillStep } from './steps';

export type StudentRole = 'student' | 'baseline';
export const STUDENT_ROLES: readonly StudentRole[] = ['student', 'baseline'];

/** Everything but the snapshots, as plain JSON (−Infinity, "nothing scored yet", is null). */
export interface EarlyStoppingState {
  best: Record<StudentRole, number | null>;
  bestStep: Record<StudentRole, number>;
  sinceBest: number;
  shouldStop: boolean;
}

export class EarlyStopping {
  private best = { student: -Infinity, baseline: -Infinity };
  private bestStep = { student: 0, baseline: 0 };
  private snapshots: Record<StudentRole, tf.Tensor[] | null> = { student: null, baseline: null };
  private sinceBest = 0;
  shouldStop = false;

  constructor(private readonly patience: number) {}

  observe(report: EvalReport, kind: Task['kind'], d: DistillStep): void {
    if (this.patience <= 0) return;
    const score = (m?: ModelMetrics) => (m ? (kind === 'classification' ? m.accuracy : -m.nll) : -Infinity);
    let improved = false;
    for (const role of STUDENT_ROLES) {
      const s = score(report[role]);
      if (s > this.best[role]) {
        this.best[role] = s;
        this.bestStep[role] = report.step;
        tf.dispose(this.snapshots[role] ?? []);
        this.snapshots[role] = d[role].variables().map((v) => tf.keep(v.clone()));
        if (role === 'student') improved = true;
      }
    }
    this.sinceBest = improved ? 0 : this.sinceBest + 1;
    if (this.sinceBest >= this.patience) this.shouldStop = true;
  }

  /** Puts back each model's best weights; returns the step they are from (null when nothing was kept). */
  restoreBest(d: DistillStep): { student: number; baseline: number } | null {
    let restored = false;
    for (const role of STUDENT_ROLES) {
      const snap = this.snapshots[role];
      if (snap) {
        d[role].variables().forEach((v, i) => v.assign(snap[i]));
        restored = true;
      }
    }
    return restored ? { ...this.bestStep } : null;
  }

  /** The kept weights of `role` (in the model's variables() order), null when none are kept. */
  snapshot(role: StudentRole): readonly tf.Tensor[] | null {
    return this.snapshots[role];
  }

  state(): EarlyStoppingState {
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      best: { student: finite(this.best.student), baseline: finite(this.best.baseline) },
      bestStep: { ...this.bestStep },
      sinceBest: this.sinceBest,
      shouldStop: this.shouldStop,
    };
  }

  /** Puts back a saved state; `snapshots[role]` are the weights in the order of `shapes[role]`. */
  restore(
    state: EarlyStoppingState,
    snapshots: Record<StudentRole, Float32Array[] | null>,
    shapes: Record<StudentRole, number[][]>,
  ): void {
    for (const role of STUDENT_ROLES) {
      this.best[role] = state.best[role] ?? -Infinity;
      this.bestStep[role] = state.bestStep[role];
      tf.dispose(this.snapshots[role] ?? []);
      const snap = snapshots[role];
      this.snapshots[role] = snap ? snap.map((w, i) => tf.keep(tf.tensor(w, shapes[role][i]))) : null;
    }
    this.sinceBest = state.sinceBest;
    this.shouldStop = state.shouldStop;
  }

  dispose(): void {
    tf.dispose([...(this.snapshots.student ?? []), ...(this.snapshots.baseline ?? [])]);
    this.snapshots = { student: null, baseline: null };
  }
}
