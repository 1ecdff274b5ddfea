// The grammar lab worker's logic, driven by an injected `post` so tests run it in Node as the Web
// Worker runs it in the browser. It owns at most one lab run: it loads the shipped grammar teacher,
// runs src/train/grammarLab.ts with the panel's λ and length, and turns its progress into events
// tagged with the run's id.

import { DATASET_SEED } from '../config';
import { buildGrammarTask } from '../data/grammar';
import { importModel } from '../model/export';
import type { GPT } from '../model/gpt';
import {
  DEFAULT_GRAMMAR_LAB,
  grammarLabProblems,
  LabStopped,
  runGrammarLab,
  type GrammarLabConfig,
} from '../train/grammarLab';
import { yieldToEvents } from './activeRun';
import { OneJobSession } from './oneJobSession';
import { releaseGpuBufferPool } from './gpuPool';
import type { LabCommand, LabEvent, LabRequest } from './labProtocol';
import type { BackendInfo, BackendName } from './protocol';
import { teacherPath, type AssetLoader } from './teachers';

export interface LabSessionDeps {
  post(event: LabEvent): void;
  chooseBackend(forced: BackendName | null): Promise<BackendInfo>;
  loadAsset: AssetLoader;
  /** Least time between two training-progress events (ms). */
  progressMs?: number;
}

class ActiveLab {
  stopped = false;
  loop: Promise<void> = Promise.resolve();
  teacher: GPT | null = null;
  constructor(readonly runId: number) {}
}

/** The lab config of a panel request: the lab's defaults with the panel's λ, steps and samples. */
export function labConfigOf(r: LabRequest): GrammarLabConfig {
  return {
    ...DEFAULT_GRAMMAR_LAB,
    lambdas: [r.lambda],
    steps: r.steps,
    samples: r.samples,
    corpus: r.corpus ?? DEFAULT_GRAMMAR_LAB.corpus,
  };
}

export class LabSession extends OneJobSession<LabCommand, ActiveLab> {
  private assetsBase = '';

  constructor(private readonly deps: LabSessionDeps) {
    super();
  }

  protected async apply(cmd: LabCommand): Promise<void> {
    switch (cmd.type) {
      case 'labInit':
        this.assetsBase = cmd.assetsBase;
        this.deps.post({ type: 'labBackend', info: await this.deps.chooseBackend(cmd.forcedBackend) });
        return;
      case 'labStart':
        await this.stop();
        this.start(cmd.runId, cmd.request);
        return;
      case 'labStop':
        await this.stop();
        this.deps.post({ type: 'labStopped', runId: cmd.runId });
        return;
      default: {
        const never: never = cmd;
        throw new Error(`unknown lab command ${JSON.stringify(never)}`);
      }
    }
  }

  private start(runId: number, request: LabRequest): void {
    const a = new ActiveLab(runId);
    this.active = a;
    a.loop = this.drive(a, request)
      .catch((e: unknown) => {
        if (a.stopped || e instanceof LabStopped) return;
        this.deps.post({ type: 'labError', runId, message: (e as Error).message || String(e) });
      })
      .finally(() => {
        a.teacher?.dispose();
        a.teacher = null;
        releaseGpuBufferPool();
      });
  }

  private async drive(a: ActiveLab, request: LabRequest): Promise<void> {
    const config = labConfigOf(request);
    const problems = grammarLabProblems(config);
    if (problems.length) throw new Error(`the grammar lab's settings are not valid: ${problems.join('; ')}`);
    this.deps.post({ type: 'labProgress', runId: a.runId, phase: 'loading', kind: null, step: 0, steps: 0 });
    const task = buildGrammarTask({ seed: DATASET_SEED, labelled: config.labelled, transfer: config.transfer });
    const load = (file: 'config.json' | 'model.safetensors') =>
      this.deps.loadAsset(this.assetsBase + teacherPath(task.id, file));
    const [configBytes, weights] = [await load('config.json'), await load('model.safetensors')];
    if (!configBytes || !weights) throw new Error('the shipped grammar teacher could not be loaded');
    a.teacher = importModel(weights, new TextDecoder().decode(configBytes), false).model;
    if (a.stopped) return;
    let last = -Infinity;
    const every = this.deps.progressMs ?? 200;
    const report = await runGrammarLab(a.teacher, config, {
      beforeStep: yieldToEvents,
      stopped: () => a.stopped,
      onProgress: (p) => {
        if (a.stopped) return;
        const now = performance.now();
        if (p.type === 'train' && p.step < p.steps && now - last < every) return;
        last = now;
        this.deps.post({
          type: 'labProgress',
          runId: a.runId,
          phase: p.type,
          kind: p.type === 'corpus' ? null : p.kind,
          step: p.type === 'train' ? p.step : 0,
          steps: p.type === 'train' ? p.steps : 0,
        });
      },
    });
    if (!a.stopped) this.deps.post({ type: 'labReport', runId: a.runId, rows: report.rows, backend: report.backend });
  }
}
