// Command-line flags → RunConfig, validated by the same rules as the URL and the UI.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ALL_TASKS, DEFAULT_CONFIG, validateConfig, type Hyper, type RunConfig, type TaskId } from '../config';
import {
  HYPER_KEYS,
  HYPER_SETTINGS,
  kebab,
  parseSetting,
  RUN_NUMERIC_KEYS,
  settingFlags,
  type RunNumericKey,
  type SettingMeta,
} from '../settings';
import { NODE_BACKENDS, type NodeBackend } from './backend';
import { UsageError } from './main';

/** Flags shared by every command that runs a distillation. */
export const RUN_FLAGS = {
  task: { type: 'string' },
  teacher: { type: 'string' },
  student: { type: 'string' },
  // --seed, --temperature, --batch-size, …: one per numeric setting of the table in src/settings.ts.
  ...settingFlags(),
  data: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const RUN_FLAGS_USAGE = `  --task ${ALL_TASKS.join('|')}   (default ${DEFAULT_CONFIG.task})
  --data FILE            text (custom-text) or text,label CSV (custom-csv); only with those tasks
  --seed N               initialisation and batch order (default ${DEFAULT_CONFIG.seed})
  --teacher SIZE         preset or LxHxD, e.g. teacher-m or 4x4x128 (default: the shipped teacher)
  --student SIZE         (default ${DEFAULT_CONFIG.student})
  --temperature T        (default ${DEFAULT_CONFIG.hyper.temperature})
  --alpha A              weight on the teacher (soft) term; 1-A weights the labels (default ${DEFAULT_CONFIG.hyper.alpha})
  --beta B --gamma G --delta D   feature / attention / relation weights (default 0)
  --divergence forward-kl|reverse-kl|jsd|soft-ce|logit-mse   the soft term (default forward-kl)
  --jsd-beta B --t-squared on|off --label-smoothing E   JSD's β; T² on the soft term; ε of the student's labels
  --sparse-teacher full|top-k|sampled-k --teacher-k K   cache only k of the teacher's probabilities
  --lr LR --batch-size N --steps N --warmup-steps N --weight-decay W --clip-norm C
  --teacher-steps N      0 or absent: load the shipped teacher; N > 0: train one for N steps
  --eval-every N --patience N    validation interval; early-stopping patience (0 = off)
  --labelled N --transfer N      labelled rows the students learn from; unlabelled transfer rows
  --backend ${NODE_BACKENDS.join('|')}   (default wasm)
  --json                 print one JSON object as the last line of stdout`;

type Values = { [K in keyof typeof RUN_FLAGS]?: (typeof RUN_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

export function parseFlags<O extends ParseArgsConfig['options']>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A numeric flag's value, `fallback` when absent; with `min`, values below it are refused too. */
export function numberFlag(raw: string | boolean | undefined, flag: string, fallback: number, min?: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const bound = min === undefined ? '' : ` ≥ ${min}`;
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || (min !== undefined && n < min)) {
    throw new UsageError(`--${flag} must be a number${bound} (got "${String(raw)}")`);
  }
  return n;
}

/** A choice setting's flag: its name (or index) as parseSetting reads it. */
function choiceFlag(
  raw: string | boolean | undefined,
  flag: string,
  fallback: number,
  choices: readonly string[],
): number {
  if (raw === undefined) return fallback;
  const i = typeof raw === 'string' ? parseSetting({ choices } as SettingMeta, raw) : NaN;
  if (!Number.isInteger(i) || i < 0 || i >= choices.length)
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')} (got "${String(raw)}")`);
  return i;
}

/** Each numeric setting from its flag (kebab-case of its key), else its default. */
function readSettings<K extends keyof Hyper | RunNumericKey>(
  values: Values,
  keys: readonly K[],
  fallback: Record<K, number>,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) {
    const choices = (HYPER_SETTINGS as Partial<Record<string, SettingMeta>>)[k]?.choices;
    const raw = values[kebab(k)];
    out[k] = choices ? choiceFlag(raw, kebab(k), fallback[k], choices) : numberFlag(raw, kebab(k), fallback[k]);
  }
  return out;
}

export interface RunFlags {
  config: RunConfig;
  backend: NodeBackend;
  json: boolean;
  data?: string;
  teacherExplicit: boolean;
}

export function runFlags(values: Values): RunFlags {
  const d = DEFAULT_CONFIG;
  const task = (values.task ?? d.task) as TaskId;
  if (!ALL_TASKS.includes(task)) throw new UsageError(`unknown task "${task}": use one of ${ALL_TASKS.join(', ')}`);
  const custom = task === 'custom-text' || task === 'custom-csv';
  if (values.data !== undefined && !custom) {
    throw new UsageError(
      `--data is for the custom-text and custom-csv tasks; ${task} is built in, with a fixed dataset: drop --data, or add --task custom-csv (text,label CSV) or --task custom-text`,
    );
  }
  if (custom && !values.data) throw new UsageError(`task ${task} needs --data FILE`);
  const backend = (values.backend ?? 'wasm') as NodeBackend;
  if (!NODE_BACKENDS.includes(backend))
    throw new UsageError(`unknown backend "${backend}": use one of ${NODE_BACKENDS.join(', ')}`);
  const config: RunConfig = {
    task,
    teacher: (values.teacher ?? d.teacher) as RunConfig['teacher'],
    student: (values.student ?? d.student) as RunConfig['student'],
    hyper: readSettings(values, HYPER_KEYS, d.hyper),
    ...readSettings(values, RUN_NUMERIC_KEYS, d),
  };
  const errors = validateConfig(config);
  if (errors.length) throw new UsageError(errors.join('; '));
  return {
    config,
    backend,
    json: Boolean(values.json),
    data: values.data,
    teacherExplicit: values.teacher !== undefined,
  };
}
