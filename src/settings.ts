// One table of every numeric setting: its symbol, label and hint (keys into the i18n catalogs),
// bounds, default, control step and scale. The sliders and the settings panel draw from it, the
// curves' markers and the formula take their symbols from it, src/config.ts derives its bounds and
// defaults (and so the URL's validation) from it, and the CLI its flags. Adding a hyperparameter is
// one entry here, one field in config.ts's Hyper, and its label in each catalog (src/i18n).
// No tfjs, no DOM, no i18next: the worker and the CLI import it too.

import type { Hyper, RunConfig } from './config';
import { SOFT_DIVERGENCES, SPARSE_MODES } from './lossMath';

/** How a control maps to the value: a slider over log10(value) for the learning rate, log2 for batch sizes. */
export type Scale = 'linear' | 'log10' | 'log2';

/** How a value is printed next to its control ('choice': the name of choices[value]). */
export type Display = 'fixed1' | 'fixed2' | 'exp1' | 'int' | 'choice';

export interface SettingMeta {
  /** On the curves' markers and in the formula: T, α, β… */
  symbol: string;
  /** i18n key of the control's label. */
  label: string;
  /** i18n key of the hint under it. */
  hint?: string;
  /** Valid values (the URL, the CLI and validateConfig refuse others). */
  min: number;
  max: number;
  integer?: boolean;
  default: number;
  /** Step of the control, in the units of its scale (log10 units for 'log10', powers of 2 for 'log2'). */
  step: number;
  scale: Scale;
  display: Display;
  /** For the optional loss weights: the term they multiply in the formula ("feat"). */
  formulaTerm?: string;
  /**
   * A categorical setting: the value is an index into these names. The URL and the CLI write and read
   * the name (an index is accepted too); the page draws a select. Keeping the choices of the objective
   * in this table makes them live, validated, recorded per step (hyperHistory) and marked on the curves
   * exactly like the numeric hyperparameters, with no second path.
   */
  choices?: readonly string[];
  /** i18n keys of the choices' names, in the order of `choices`. */
  choiceLabels?: readonly string[];
}

/** The T² setting's names: index 0 leaves the soft term unscaled. */
export const T_SQUARED_CHOICES = ['off', 'on'] as const;

export type RunNumericKey = Exclude<keyof RunConfig, 'task' | 'teacher' | 'student' | 'hyper'>;

/** Hyperparameters: read by the training loop at every step, so they may change while a run trains. */
export const HYPER_SETTINGS: { readonly [K in keyof Hyper]: SettingMeta } = {
  temperature: {
    symbol: 'T',
    label: 'settings.temperature.label',
    hint: 'settings.temperature.hint',
    min: 0.5,
    max: 20,
    default: 4,
    step: 0.1,
    scale: 'linear',
    display: 'fixed1',
  },
  alpha: {
    symbol: 'α',
    label: 'settings.alpha.label',
    hint: 'settings.alpha.hint',
    min: 0,
    max: 1,
    default: 0.7,
    step: 0.01,
    scale: 'linear',
    display: 'fixed2',
  },
  beta: {
    symbol: 'β',
    label: 'settings.beta.label',
    hint: 'settings.beta.hint',
    min: 0,
    max: 10,
    default: 0,
    step: 0.1,
    scale: 'linear',
    display: 'fixed1',
    formulaTerm: 'feat',
  },
  gamma: {
    symbol: 'γ',
    label: 'settings.gamma.label',
    hint: 'settings.gamma.hint',
    min: 0,
    max: 10,
    default: 0,
    step: 0.1,
    scale: 'linear',
    display: 'fixed1',
    formulaTerm: 'att',
  },
  delta: {
    symbol: 'δ',
    label: 'settings.delta.label',
    hint: 'settings.delta.hint',
    min: 0,
    max: 10,
    default: 0,
    step: 0.1,
    scale: 'linear',
    display: 'fixed1',
    formulaTerm: 'rel',
  },
  lr: {
    symbol: 'lr',
    label: 'settings.lr.label',
    hint: 'settings.lr.hint',
    min: 1e-5,
    max: 0.1,
    default: 3e-3,
    step: 0.05,
    scale: 'log10',
    display: 'exp1',
  },
  batchSize: {
    symbol: 'batch',
    label: 'settings.batchSize.label',
    min: 1,
    max: 512,
    integer: true,
    default: 32,
    step: 1,
    scale: 'log2',
    display: 'int',
  },
  // The objective's choices (issue 13, src/distill/divergences.ts). The defaults are today's objective,
  // T²·KL(p ‖ q) with plain labels and the full teacher, so a default run is unchanged bit for bit.
  divergence: {
    symbol: 'D',
    label: 'settings.divergence.label',
    hint: 'settings.divergence.hint',
    min: 0,
    max: SOFT_DIVERGENCES.length - 1,
    integer: true,
    default: 0,
    step: 1,
    scale: 'linear',
    display: 'choice',
    choices: SOFT_DIVERGENCES,
    choiceLabels: [
      'settings.divergence.choices.forward-kl',
      'settings.divergence.choices.reverse-kl',
      'settings.divergence.choices.jsd',
      'settings.divergence.choices.soft-ce',
      'settings.divergence.choices.logit-mse',
    ],
  },
  jsdBeta: {
    symbol: 'β_JSD',
    label: 'settings.jsdBeta.label',
    hint: 'settings.jsdBeta.hint',
    min: 0,
    max: 1,
    default: 0.5,
    step: 0.05,
    scale: 'linear',
    display: 'fixed2',
  },
  tSquared: {
    symbol: 'T²',
    label: 'settings.tSquared.label',
    hint: 'settings.tSquared.hint',
    min: 0,
    max: 1,
    integer: true,
    default: 1,
    step: 1,
    scale: 'linear',
    display: 'choice',
    choices: T_SQUARED_CHOICES,
    choiceLabels: ['settings.tSquared.choices.off', 'settings.tSquared.choices.on'],
  },
  labelSmoothing: {
    symbol: 'ε',
    label: 'settings.labelSmoothing.label',
    hint: 'settings.labelSmoothing.hint',
    min: 0,
    max: 0.5,
    default: 0,
    step: 0.01,
    scale: 'linear',
    display: 'fixed2',
  },
  sparseTeacher: {
    symbol: 'sparse',
    label: 'settings.sparseTeacher.label',
    hint: 'settings.sparseTeacher.hint',
    min: 0,
    max: SPARSE_MODES.length - 1,
    integer: true,
    default: 0,
    step: 1,
    scale: 'linear',
    display: 'choice',
    choices: SPARSE_MODES,
    choiceLabels: [
      'settings.sparseTeacher.choices.full',
      'settings.sparseTeacher.choices.top-k',
      'settings.sparseTeacher.choices.sampled-k',
    ],
  },
  teacherK: {
    symbol: 'k',
    label: 'settings.teacherK.label',
    hint: 'settings.teacherK.hint',
    min: 1,
    max: 1024,
    integer: true,
    default: 8,
    step: 1,
    scale: 'log2',
    display: 'int',
  },
};

/** The other numeric settings of a run: they apply at the next Start. */
export const RUN_SETTINGS: { readonly [K in RunNumericKey]: SettingMeta } = {
  steps: {
    symbol: 'steps',
    label: 'settings.steps.label',
    min: 0,
    max: 1_000_000,
    integer: true,
    default: 600,
    step: 50,
    scale: 'linear',
    display: 'int',
  },
  seed: {
    symbol: 'seed',
    label: 'settings.seed.label',
    hint: 'settings.seed.hint',
    min: 0,
    max: 2 ** 31 - 1,
    integer: true,
    default: 1,
    step: 1,
    scale: 'linear',
    display: 'int',
  },
  labelled: {
    symbol: 'labelled',
    label: 'settings.labelled.label',
    min: 1,
    max: 1_000_000,
    integer: true,
    default: 200,
    step: 50,
    scale: 'linear',
    display: 'int',
  },
  transfer: {
    symbol: 'transfer',
    label: 'settings.transfer.label',
    min: 0,
    max: 1_000_000,
    integer: true,
    default: 2000,
    step: 100,
    scale: 'linear',
    display: 'int',
  },
  evalEvery: {
    symbol: 'eval',
    label: 'settings.evalEvery.label',
    min: 1,
    max: 1_000_000,
    integer: true,
    default: 50,
    step: 10,
    scale: 'linear',
    display: 'int',
  },
  warmupSteps: {
    symbol: 'warmup',
    label: 'settings.warmupSteps.label',
    min: 0,
    max: 1_000_000,
    integer: true,
    default: 30,
    step: 10,
    scale: 'linear',
    display: 'int',
  },
  patience: {
    symbol: 'patience',
    label: 'settings.patience.label',
    min: 0,
    max: 1000,
    integer: true,
    default: 0,
    step: 1,
    scale: 'linear',
    display: 'int',
  },
  weightDecay: {
    symbol: 'wd',
    label: 'settings.weightDecay.label',
    min: 0,
    max: 1,
    default: 0.01,
    step: 0.01,
    scale: 'linear',
    display: 'fixed2',
  },
  clipNorm: {
    symbol: 'clip',
    label: 'settings.clipNorm.label',
    min: 0,
    max: 1000,
    default: 1,
    step: 0.1,
    scale: 'linear',
    display: 'fixed1',
  },
  teacherSteps: {
    symbol: 'teacher steps',
    label: 'settings.teacherSteps.label',
    min: 0,
    max: 1_000_000,
    integer: true,
    default: 0,
    step: 50,
    scale: 'linear',
    display: 'int',
  },
};

export const HYPER_KEYS = Object.keys(HYPER_SETTINGS) as (keyof Hyper)[];
export const RUN_NUMERIC_KEYS = Object.keys(RUN_SETTINGS) as RunNumericKey[];

/** Every numeric setting, hyperparameters first. */
export function allSettings(): { key: keyof Hyper | RunNumericKey; group: 'hyper' | 'run'; meta: SettingMeta }[] {
  return [
    ...HYPER_KEYS.map((key) => ({ key, group: 'hyper' as const, meta: HYPER_SETTINGS[key] })),
    ...RUN_NUMERIC_KEYS.map((key) => ({ key, group: 'run' as const, meta: RUN_SETTINGS[key] })),
  ];
}

/** teacherSteps → teacher-steps, at the type level. */
export type Kebab<S extends string> = S extends `${infer H}${infer R}`
  ? `${H extends Lowercase<H> ? H : `-${Lowercase<H>}`}${Kebab<R>}`
  : S;

/** The kebab-case name of a setting in the URL and on the command line: teacherSteps → teacher-steps. */
export function kebab<S extends string>(field: S): Kebab<S> {
  return field.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()) as Kebab<S>;
}

export type SettingFlag = Kebab<keyof Hyper | RunNumericKey>;

/** One string flag per numeric setting (--temperature, --batch-size, …), for node:util parseArgs. */
export function settingFlags(): { readonly [F in SettingFlag]: { readonly type: 'string' } } {
  return Object.fromEntries(allSettings().map((s) => [kebab(s.key), { type: 'string' }])) as {
    [F in SettingFlag]: { type: 'string' };
  };
}

export interface Bound {
  min: number;
  max: number;
  integer?: boolean;
}

export function boundsOf<K extends string>(table: { readonly [k in K]: SettingMeta }): Readonly<Record<K, Bound>> {
  const out = {} as Record<K, Bound>;
  for (const k of Object.keys(table) as K[]) {
    const m = table[k];
    out[k] = m.integer ? { min: m.min, max: m.max, integer: true } : { min: m.min, max: m.max };
  }
  return out;
}

export function defaultsOf<K extends string>(table: { readonly [k in K]: SettingMeta }): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(table) as K[]) out[k] = table[k].default;
  return out;
}

/** The control's own range: the bounds in the units of its scale. */
export function controlRange(m: SettingMeta): { min: number; max: number; step: number } {
  switch (m.scale) {
    case 'log10':
      return { min: Math.log10(m.min), max: Math.log10(m.max), step: m.step };
    case 'log2':
      return { min: Math.ceil(Math.log2(Math.max(1, m.min))), max: Math.floor(Math.log2(m.max)), step: m.step };
    default:
      return { min: m.min, max: m.max, step: m.step };
  }
}

/** A value as its control shows it. */
export function toControl(m: SettingMeta, value: number): number {
  if (m.scale === 'log10') return Math.log10(value);
  if (m.scale === 'log2') return Math.round(Math.log2(value));
  return value;
}

/** The value a control position stands for (on the scale's grid: 3 significant digits for log10, powers of 2 for log2). */
export function fromControl(m: SettingMeta, position: number): number {
  if (m.scale === 'log10') return Number((10 ** position).toPrecision(3));
  if (m.scale === 'log2') return 2 ** Math.round(position);
  return position;
}

/** The value as printed next to its control. */
export function displayValue(m: SettingMeta, value: number, locale = 'en-US'): string {
  switch (m.display) {
    case 'fixed1':
      return new Intl.NumberFormat(locale, {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        useGrouping: false,
      }).format(value);
    case 'fixed2':
      return new Intl.NumberFormat(locale, {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
        useGrouping: false,
      }).format(value);
    case 'exp1':
      return value.toExponential(1);
    case 'choice':
      return m.choices?.[value] ?? String(value);
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
  }
}

/** A setting's value as the URL and the CLI write it: the choice's name, else the number. */
export function settingText(m: SettingMeta, value: number): string {
  return m.choices?.[value] ?? String(value);
}

/** A setting's value from the URL or the CLI: a choice's name (or index), else a number; NaN when unreadable. */
export function parseSetting(m: SettingMeta, raw: string): number {
  if (m.choices) {
    const i = m.choices.indexOf(raw.trim());
    if (i >= 0) return i;
  }
  return raw.trim() === '' ? NaN : Number(raw);
}

/** The optional loss weights in formula order, with the term each multiplies. */
export function weightTerms(): { key: keyof Hyper; symbol: string; term: string }[] {
  return HYPER_KEYS.filter((k) => HYPER_SETTINGS[k].formulaTerm).map((k) => ({
    key: k,
    symbol: HYPER_SETTINGS[k].symbol,
    term: HYPER_SETTINGS[k].formulaTerm!,
  }));
}
