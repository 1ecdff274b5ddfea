// Every setting of a run lives here: one typed config, validated in one place, and round-tripped
// through the URL so that any experiment is a shareable link. No tfjs, no DOM: the UI, the worker,
// the CLI and the tests all import this file.

import { OBJECTIVE_KEYS, objectiveProblems } from './objective';
import { boundsOf, defaultsOf, HYPER_SETTINGS, parseSetting, RUN_SETTINGS, settingText } from './settings';

export type TaskId = 'sentiment' | 'grammar' | 'modadd' | 'custom-text' | 'custom-csv';
export const BUILTIN_TASKS: readonly TaskId[] = ['sentiment', 'grammar', 'modadd'];
export const ALL_TASKS: readonly TaskId[] = [...BUILTIN_TASKS, 'custom-text', 'custom-csv'];

/** The size of a GPT: what a preset names and what a user may customise. */
export interface ModelSize {
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** Everything the model code needs (nanoGPT's GPTConfig). */
export interface ModelConfig extends ModelSize {
  vocabSize: number;
  blockSize: number;
  /** nanoGPT's `bias`: biases in Linear layers and LayerNorm. Off by default: fewer ops per step. */
  bias: boolean;
  dropout: number;
}

export type PresetName = 'tiny' | 'student-s' | 'student-m' | 'teacher-s' | 'teacher-m' | 'teacher-l';

export const PRESETS: Readonly<Record<PresetName, ModelSize>> = {
  tiny: { nLayer: 1, nHead: 2, nEmbd: 16 },
  'student-s': { nLayer: 2, nHead: 2, nEmbd: 32 },
  'student-m': { nLayer: 2, nHead: 4, nEmbd: 64 },
  /** The shipped teachers' size: trainable on a 2-core CPU by `npm run pretrain`. */
  'teacher-s': { nLayer: 3, nHead: 4, nEmbd: 64 },
  'teacher-m': { nLayer: 4, nHead: 4, nEmbd: 128 },
  'teacher-l': { nLayer: 6, nHead: 8, nEmbd: 192 },
};
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export const SIZE_BOUNDS = {
  nLayer: { min: 1, max: 12 },
  nHead: { min: 1, max: 16 },
  nEmbd: { min: 8, max: 512 },
} as const;

/** A model size as written in a URL or on the command line: a preset name or "LxHxD" (e.g. 4x4x128). */
export type SizeSpec = PresetName | `${number}x${number}x${number}`;

export interface Hyper {
  /** Softmax temperature T of the soft term. */
  temperature: number;
  /** Weight on the teacher (soft) term; 1 − alpha weights the hard-label term. */
  alpha: number;
  /** Weight of the feature (hidden-state) term. */
  beta: number;
  /** Weight of the attention-map term. */
  gamma: number;
  /** Weight of the relation (Gram-matrix) term. */
  delta: number;
  /** Peak learning rate of the warmup + cosine schedule. */
  lr: number;
  batchSize: number;
  /** The soft term's divergence: an index into SOFT_DIVERGENCES (0 = forward KL). See src/objective.ts. */
  divergence: number;
  /** JSD's weight β on the teacher in the mixture (used when the divergence is jsd). */
  jsdBeta: number;
  /** 1: the soft term is multiplied by T² (Hinton et al.); 0: it is not. */
  tSquared: number;
  /** Label smoothing ε of the distilled student's hard term (the baseline keeps plain labels). */
  labelSmoothing: number;
  /** The cached teacher targets: an index into SPARSE_MODES (0 = the full distribution). */
  sparseTeacher: number;
  /** k of a sparse teacher (at most the vocabulary: larger k keeps every token). */
  teacherK: number;
}

export interface RunConfig {
  task: TaskId;
  seed: number;
  teacher: SizeSpec;
  student: SizeSpec;
  hyper: Hyper;
  /** Teacher training steps; 0 loads the shipped pretrained teacher. */
  teacherSteps: number;
  /** Distillation steps (student and baseline step together). */
  steps: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  /** Validation every this many steps. */
  evalEvery: number;
  /** Early stopping: evaluations without improvement before stopping (0 = never stop early). */
  patience: number;
  /** Labelled examples the student (and baseline) may learn from. */
  labelled: number;
  /** Extra unlabelled examples that only the teacher-driven terms see (the transfer set). */
  transfer: number;
}

/** Defaults, bounds, labels and control steps of every numeric setting: one table, src/settings.ts. */
export const DEFAULT_HYPER: Hyper = defaultsOf(HYPER_SETTINGS);

export const DEFAULT_CONFIG: RunConfig = {
  task: 'sentiment',
  teacher: 'teacher-s',
  student: 'student-s',
  hyper: DEFAULT_HYPER,
  ...defaultsOf(RUN_SETTINGS),
};

/**
 * Built-in tasks are fixed datasets (like a benchmark): generated from this seed, whatever the run's
 * seed. The run seed sets initialisation and batch order. The shipped teachers were trained on the
 * teacher split of these datasets, which is disjoint from the student's validation and test splits.
 */
export const DATASET_SEED = 1;

/** What a task needs from a run config (see src/data). */
export function taskOptions(c: Pick<RunConfig, 'labelled' | 'transfer'>): {
  seed: number;
  labelled: number;
  transfer: number;
} {
  return { seed: DATASET_SEED, labelled: c.labelled, transfer: c.transfer };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Bound {
  min: number;
  max: number;
  integer?: boolean;
}

export const HYPER_BOUNDS: Readonly<Record<keyof Hyper, Bound>> = boundsOf(HYPER_SETTINGS);

const RUN_BOUNDS: Readonly<Record<Exclude<keyof RunConfig, 'task' | 'teacher' | 'student' | 'hyper'>, Bound>> =
  boundsOf(RUN_SETTINGS);

function checkBound(name: string, value: number, b: Bound): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number (got ${String(value)})`;
  if (b.integer && !Number.isInteger(value)) return `${name} must be a whole number (got ${value})`;
  if (value < b.min || value > b.max) return `${name} must be between ${b.min} and ${b.max} (got ${value})`;
  return null;
}

/** Parses "teacher-m" or "4x4x128" into a size; throws ConfigError with the reason. */
export function resolveSize(spec: string): ModelSize {
  if (spec in PRESETS) return { ...PRESETS[spec as PresetName] };
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(spec);
  if (!m) {
    throw new ConfigError(
      `unknown model size "${spec}": use a preset (${PRESET_NAMES.join(', ')}) or layers x heads x width, e.g. 4x4x128`,
    );
  }
  const size = { nLayer: Number(m[1]), nHead: Number(m[2]), nEmbd: Number(m[3]) };
  const errors = validateSize(size);
  if (errors.length) throw new ConfigError(`model size "${spec}": ${errors.join('; ')}`);
  return size;
}

export function sizeSpec(size: ModelSize): SizeSpec {
  for (const name of PRESET_NAMES) {
    const p = PRESETS[name];
    if (p.nLayer === size.nLayer && p.nHead === size.nHead && p.nEmbd === size.nEmbd) return name;
  }
  return `${size.nLayer}x${size.nHead}x${size.nEmbd}`;
}

export function validateSize(size: ModelSize): string[] {
  const errors: string[] = [];
  for (const key of ['nLayer', 'nHead', 'nEmbd'] as const) {
    const e = checkBound(key, size[key], { ...SIZE_BOUNDS[key], integer: true });
    if (e) errors.push(e);
  }
  if (!errors.length && size.nEmbd % size.nHead !== 0) {
    errors.push(`nEmbd (${size.nEmbd}) must be divisible by nHead (${size.nHead})`);
  }
  return errors;
}

export function validateHyper(h: Hyper): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(HYPER_BOUNDS) as (keyof Hyper)[]) {
    const e = checkBound(key, h[key], HYPER_BOUNDS[key]);
    if (e) errors.push(e);
  }
  if (!errors.length) errors.push(...objectiveProblems(h));
  return errors;
}

/** All problems with a config, as sentences; empty when valid. */
export function validateConfig(c: RunConfig): string[] {
  const errors: string[] = [];
  if (!ALL_TASKS.includes(c.task)) errors.push(`unknown task "${c.task}": use one of ${ALL_TASKS.join(', ')}`);
  for (const role of ['teacher', 'student'] as const) {
    try {
      resolveSize(c[role]);
    } catch (e) {
      errors.push(`${role}: ${(e as Error).message}`);
    }
  }
  errors.push(...validateHyper(c.hyper));
  for (const key of Object.keys(RUN_BOUNDS) as (keyof typeof RUN_BOUNDS)[]) {
    const e = checkBound(key, c[key], RUN_BOUNDS[key]);
    if (e) errors.push(e);
  }
  return errors;
}

/** Closed-form parameter count of the GPT in src/model (tied head, learned positions). */
export function parameterCount(c: ModelConfig): number {
  const d = c.nEmbd;
  const b = c.bias ? 1 : 0;
  const ln = d + b * d;
  const attn = d * 3 * d + b * 3 * d + d * d + b * d;
  const mlp = d * 4 * d + b * 4 * d + 4 * d * d + b * d;
  const block = ln + attn + ln + mlp;
  return c.vocabSize * d + c.blockSize * d + c.nLayer * block + ln;
}

// ---------------------------------------------------------------------------------------------
// URL (de)serialisation: flat keys, documented in the README. Keys are kebab-case; the camelCase
// spelling is accepted too. Unknown keys are ignored and reported; bad values are reported and
// replaced by defaults, so that a mangled link still opens and says what it did not use.

const HYPER_KEYS = Object.keys(DEFAULT_HYPER) as (keyof Hyper)[];
const NUMERIC_RUN_KEYS = Object.keys(RUN_BOUNDS) as (keyof typeof RUN_BOUNDS)[];

/** Kebab-case URL key for each config field. */
function urlKey(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function configToSearchParams(c: RunConfig): URLSearchParams {
  const p = new URLSearchParams();
  p.set('task', c.task);
  p.set('seed', String(c.seed));
  p.set('teacher', c.teacher);
  p.set('student', c.student);
  for (const k of HYPER_KEYS) p.set(urlKey(k), settingText(HYPER_SETTINGS[k], c.hyper[k]));
  for (const k of NUMERIC_RUN_KEYS) if (k !== 'seed') p.set(urlKey(k), String(c[k]));
  return p;
}

export interface ParsedConfig {
  config: RunConfig;
  /** One sentence per value that was rejected and replaced by its default. */
  warnings: string[];
}

/** Every URL key of a run config, kebab-case as written (task, seed, teacher, student, temperature, …). */
export const CONFIG_URL_KEYS: readonly string[] = [
  'task',
  'seed',
  'teacher',
  'student',
  ...HYPER_KEYS.map(urlKey),
  ...NUMERIC_RUN_KEYS.filter((k) => k !== 'seed').map(urlKey),
];

export interface UrlReadOptions {
  /** Keys the page reads itself (e.g. `backend`): neither config nor unknown, so no warning. */
  otherKeys?: readonly string[];
}

/**
 * The link's keys in their kebab-case spelling (teacherSteps → teacher-steps), first value of each;
 * warns on keys that are no setting, and on a key given twice (the kebab-case spelling wins).
 */
function canonicalParams(p: URLSearchParams, known: ReadonlySet<string>, warnings: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const spelled = new Map<string, string>();
  for (const [key, value] of p) {
    const kebab = urlKey(key);
    if (!known.has(kebab)) {
      warnings.push(`"${key}" is not a setting of this page and was ignored`);
      continue;
    }
    const prev = spelled.get(kebab);
    if (prev === undefined) {
      out.set(kebab, value);
      spelled.set(kebab, key);
    } else if (prev !== kebab && key === kebab) {
      warnings.push(`${prev}=${out.get(kebab)} was ignored: the link also gives ${kebab}=${value}`);
      out.set(kebab, value);
      spelled.set(kebab, key);
    } else {
      warnings.push(`${key}=${value} was ignored: the link already gives ${prev}=${out.get(kebab)}`);
    }
  }
  return out;
}

export function configFromSearchParams(
  params: URLSearchParams,
  base: RunConfig = DEFAULT_CONFIG,
  opts: UrlReadOptions = {},
): ParsedConfig {
  const warnings: string[] = [];
  const config: RunConfig = { ...base, hyper: { ...base.hyper } };
  const canonical = canonicalParams(params, new Set([...CONFIG_URL_KEYS, ...(opts.otherKeys ?? [])]), warnings);
  const p = { get: (key: string) => canonical.get(key) ?? null };
  const task = p.get('task');
  if (task !== null) {
    if (ALL_TASKS.includes(task as TaskId)) config.task = task as TaskId;
    else warnings.push(`task "${task}" is not known; using ${config.task}`);
  }
  for (const role of ['teacher', 'student'] as const) {
    const v = p.get(role);
    if (v === null) continue;
    try {
      config[role] = sizeSpec(resolveSize(v));
    } catch (e) {
      warnings.push(`${role}: ${(e as Error).message}; using ${config[role]}`);
    }
  }
  const readNumber = (key: string, bound: Bound, fallback: number, parse: (raw: string) => number = Number): number => {
    const raw = p.get(urlKey(key));
    if (raw === null) return fallback;
    const value = parse(raw);
    const e = raw.trim() === '' ? `${key} is empty` : checkBound(key, value, bound);
    if (e) {
      warnings.push(`${e}; using ${fallback}`);
      return fallback;
    }
    return value;
  };
  for (const k of HYPER_KEYS) {
    const m = HYPER_SETTINGS[k];
    const choices = m.choices;
    if (choices) {
      const raw = p.get(urlKey(k));
      const i = raw === null ? -1 : parseSetting(m, raw);
      if (raw !== null && !(Number.isInteger(i) && i >= 0 && i < choices.length)) {
        warnings.push(
          `${urlKey(k)} must be one of ${choices.join(', ')} (got "${raw}"); using ${choices[config.hyper[k]]}`,
        );
      } else if (raw !== null) config.hyper[k] = i;
      continue;
    }
    config.hyper[k] = readNumber(k, HYPER_BOUNDS[k], config.hyper[k]);
  }
  for (const k of NUMERIC_RUN_KEYS) config[k] = readNumber(k, RUN_BOUNDS[k], config[k]);
  // Choices that are each valid but not together (e.g. reverse KL against a top-k teacher): the link's
  // objective falls back to the base's, with the reason.
  const objective = objectiveProblems(config.hyper);
  if (objective.length) {
    warnings.push(`${objective.join('; ')}; using the default objective`);
    for (const k of OBJECTIVE_KEYS) config.hyper[k] = base.hyper[k];
  }
  return { config, warnings };
}
