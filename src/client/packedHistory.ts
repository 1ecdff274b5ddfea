// The loss history as columns of typed arrays, for the active-run slot: IndexedDB's structured
// clone of up to HISTORY_POINTS (20 000) point objects runs on the page's thread at every write and
// costs several times more than one Float64Array per field (`npx tsx src/bench/activeRunWrite.ts`
// prints both). Typed arrays keep NaN and ±Infinity, which a diverging step's losses are; JSON would not.

import { LOSS_KEYS, type LossKey, type LossPoint, type TrainPhase } from '../worker/protocol';
import type { Parsed } from './runRecord';

export interface PackedHistory {
  /** 0 = teacher, 1 = distill, per point. */
  phase: Uint8Array;
  step: Float64Array;
  lr: Float64Array;
  temperature: Float64Array;
  alpha: Float64Array;
  /** Each loss that some point has: its values, and whether each point has it (1) or not (0). */
  values: Partial<Record<LossKey, { value: Float64Array; present: Uint8Array }>>;
}

const PHASES: readonly TrainPhase[] = ['teacher', 'distill'];

export function packHistory(points: readonly LossPoint[]): PackedHistory {
  const n = points.length;
  const packed: PackedHistory = {
    phase: new Uint8Array(n),
    step: new Float64Array(n),
    lr: new Float64Array(n),
    temperature: new Float64Array(n),
    alpha: new Float64Array(n),
    values: {},
  };
  points.forEach((p, i) => {
    packed.phase[i] = p.phase === 'teacher' ? 0 : 1;
    packed.step[i] = p.step;
    packed.lr[i] = p.lr;
    packed.temperature[i] = p.temperature;
    packed.alpha[i] = p.alpha;
    for (const [k, v] of Object.entries(p.values) as [LossKey, number | undefined][]) {
      if (v === undefined) continue;
      const column = (packed.values[k] ??= { value: new Float64Array(n), present: new Uint8Array(n) });
      column.value[i] = v;
      column.present[i] = 1;
    }
  });
  return packed;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// By tag, not instanceof: a value cloned in another realm (a test's, an extension's) is still one.
const tagged = (v: unknown, tag: string) => Object.prototype.toString.call(v) === `[object ${tag}]`;

/** A stored value as the history it packs, or why it is not one. Never throws. */
export function unpackHistory(v: unknown): Parsed<LossPoint[]> {
  const fail = (reason: string): Parsed<LossPoint[]> => ({ ok: false, reason: `its curves ${reason}` });
  if (!isObject(v) || !tagged(v.phase, 'Uint8Array')) return fail('are not stored as columns');
  const phase = v.phase as Uint8Array;
  const n = phase.length;
  const numbers = ['step', 'lr', 'temperature', 'alpha'] as const;
  for (const k of numbers)
    if (!tagged(v[k], 'Float64Array') || (v[k] as Float64Array).length !== n) return fail(`have no ${k} column`);
  if (!isObject(v.values)) return fail('have no values');
  const columns: [LossKey, Float64Array, Uint8Array][] = [];
  for (const [k, c] of Object.entries(v.values)) {
    if (!(LOSS_KEYS as readonly string[]).includes(k)) return fail(`have an unknown loss "${k}"`);
    if (!isObject(c) || !tagged(c.value, 'Float64Array') || !tagged(c.present, 'Uint8Array'))
      return fail(`have a "${k}" column of the wrong shape`);
    const value = c.value as Float64Array;
    const present = c.present as Uint8Array;
    if (value.length !== n || present.length !== n) return fail(`have a "${k}" column of the wrong length`);
    columns.push([k as LossKey, value, present]);
  }
  const [step, lr, temperature, alpha] = numbers.map((k) => v[k] as Float64Array);
  const points: LossPoint[] = [];
  for (let i = 0; i < n; i++) {
    if (phase[i] > 1 || !Number.isInteger(step[i]) || step[i] < 0)
      return fail(`have a point (${i + 1}) with no phase or step`);
    const values: LossPoint['values'] = {};
    for (const [k, value, present] of columns) if (present[i]) values[k] = value[i];
    points.push({
      phase: PHASES[phase[i]],
      step: step[i],
      lr: lr[i],
      temperature: temperature[i],
      alpha: alpha[i],
      values,
    });
  }
  return { ok: true, value: points };
}
