// The predictions panel's data: teacher, student and baseline on one input (logits at the scored
// position, attention maps, continuations for generation tasks), refreshed while the run trains,
// and their inference latency. The client re-softens the logits at any T itself.

import { EOS_TOKEN } from '../data';
import { mapLayer } from '../distill/losses';
import type { GPT } from '../model/gpt';
import { continuePrompt, forwardLatencies, inspectModel } from '../train/inspect';
import {
  MODEL_ROLES,
  type Latency,
  type ModelPrediction,
  type ModelRole,
  type PredictionResult,
  type WorkerEvent,
} from './protocol';
import type { ActiveRun } from './activeRun';

/** Latency is re-measured at most this often while training (it holds the training loop meanwhile). */
const LATENCY_EVERY_MS = 10_000;
/**
 * Automatic refreshes take at most about this share of the worker's time: they are the largest part
 * of what the UI costs the training loop (npm run bench:browser measures it; see BENCHMARKS.md).
 */
const PREDICT_SHARE = 0.03;
/** Generation tasks with long windows (your own text) continue for at most this many tokens. */
const MAX_NEW_TOKENS = 24;

function modelsOf(a: ActiveRun): Partial<Record<ModelRole, GPT>> {
  const out: Partial<Record<ModelRole, GPT>> = {};
  for (const role of MODEL_ROLES) {
    const model = a.run?.model(role);
    if (model) out[role] = model;
  }
  return out;
}

export class Predictor {
  private input: string | null = null;
  private busy = false;
  private again: boolean | null = null;
  private lastAt = -Infinity;
  /** How long the last prediction took (ms): refreshes are spaced so they stay a small share. */
  private lastCost = 0;
  private lastLatencyAt = -Infinity;
  /** Predictions and latency measurements run one at a time, so neither times the other's GPU work. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly post: (e: WorkerEvent) => void,
    private readonly everyMs: number,
  ) {}

  /** The visitor asked for predictions on `input`: answer now and keep it for later refreshes. */
  async request(a: ActiveRun | null, input: string, continuations: boolean): Promise<void> {
    this.input = input;
    if (!a?.run) return;
    await this.predict(a, continuations);
    if (continuations) this.maybeMeasureLatency(a);
  }

  /** Measures latency if it has not been measured for a while. */
  maybeMeasureLatency(a: ActiveRun): void {
    if (performance.now() - this.lastLatencyAt > LATENCY_EVERY_MS) void this.measureLatency(a);
  }

  /** Re-runs the last input on the current weights (`full` adds continuations; else rate-limited). */
  refresh(a: ActiveRun, full: boolean): void {
    if (this.input === null || !a.run) return;
    const gap = Math.max(this.everyMs, this.lastCost / PREDICT_SHARE);
    if (!full && performance.now() - this.lastAt < gap) return;
    if (this.busy) {
      this.again = (this.again ?? false) || full;
      return;
    }
    void this.predict(a, full);
  }

  private serial(f: () => Promise<void>): Promise<void> {
    const next = this.chain.then(f, f);
    this.chain = next.catch(() => {});
    return next;
  }

  private async predict(a: ActiveRun, continuations: boolean): Promise<void> {
    this.busy = true;
    return this.serial(() => this.predictNow(a, continuations));
  }

  private async predictNow(a: ActiveRun, continuations: boolean): Promise<void> {
    const input = this.input;
    const t0 = performance.now();
    this.lastAt = t0;
    try {
      if (input === null || !a.run || a.stopped) return;
      const result = await this.inspect(a, input, continuations);
      if (result && !a.stopped) this.post({ type: 'prediction', runId: a.runId, result });
    } catch (e) {
      if (!a.stopped && input !== null)
        this.post({ type: 'predictionError', runId: a.runId, input, message: (e as Error).message });
    } finally {
      this.busy = false;
      this.lastCost = performance.now() - t0;
    }
    const again = this.again;
    this.again = null;
    if (again !== null && !a.stopped) void this.predict(a, again); // queued behind this one, not awaited
  }

  private async inspect(a: ActiveRun, input: string, continuations: boolean): Promise<PredictionResult | null> {
    const task = a.task;
    const ids = task.encodePrompt(input); // DataError says what is wrong with the input
    const columns = task.classes ? task.classes.map((c) => c.tokenId) : null;
    const models = modelsOf(a);
    const result: PredictionResult = {
      input,
      tokens: ids.map((id) => task.vocab[id] ?? '?'),
      kind: task.kind,
      labels: task.classes ? task.classes.map((c) => c.name) : [...task.vocab],
      layerMap: [],
    };
    const eos = task.vocab.indexOf(EOS_TOKEN);
    for (const role of ['teacher', 'student', 'baseline'] as const) {
      const model = models[role];
      if (!model) continue;
      const ins = await inspectModel(model, ids, columns);
      if (a.stopped) return null;
      const p: ModelPrediction = {
        logits: Array.from(ins.logits),
        nLayer: model.config.nLayer,
        nHead: model.config.nHead,
        attention: ins.attention.map((layer) => layer.map((head) => Array.from(head))),
      };
      if (continuations && task.kind === 'generation') {
        const maxNew =
          eos >= 0 ? Math.max(1, Math.min(MAX_NEW_TOKENS, model.config.blockSize - ids.length)) : MAX_NEW_TOKENS;
        const opts = { maxNew, stopId: eos >= 0 ? eos : undefined, banned: [0, 1] };
        const greedy = await continuePrompt(model, ids, opts);
        const sampled = await continuePrompt(model, ids, { ...opts, seed: a.config.seed });
        if (a.stopped) return null;
        p.continuation = { greedy: task.decode(greedy), sampled: task.decode(sampled) };
      }
      result[role] = p;
    }
    if (task.kind === 'generation' && task.trueNextAfter) {
      const truth = task.trueNextAfter(ids);
      if (truth) result.truth = Array.from(truth);
    }
    const t = models.teacher;
    const s = models.student;
    if (t && s)
      result.layerMap = Array.from({ length: s.config.nLayer }, (_, i) =>
        mapLayer(i, s.config.nLayer, t.config.nLayer),
      );
    return result;
  }

  /** Median batch-1 forward latency of each model on the current input (or the task's first example). */
  measureLatency(a: ActiveRun): Promise<void> {
    this.lastLatencyAt = performance.now();
    return this.serial(() => this.measureNow(a));
  }

  private async measureNow(a: ActiveRun): Promise<void> {
    if (a.stopped || !a.run) return;
    this.lastLatencyAt = performance.now();
    // Training waits meanwhile, so its GPU work does not count as the models' latency.
    const release = a.hold();
    const models = modelsOf(a);
    let ids: number[];
    try {
      ids = a.task.encodePrompt(this.input ?? a.task.examples[0] ?? '');
    } catch {
      ids = [1];
    }
    try {
      const latency: Latency = await forwardLatencies(models as Record<ModelRole, GPT>, ids);
      if (a.stopped) return;
      this.post({ type: 'latency', runId: a.runId, latency });
    } catch {
      // the run was reset while measuring: nothing to report
    } finally {
      release();
    }
  }
}
