// What the runs table stores: one record per finished (or stopped) run, and later per sweep. The
// table and the comparison read only the fields common to every kind (title, url, metrics, curves),
// so a new kind shows up without new UI code. Records come back from IndexedDB, which any older
// version of the page (or a browser extension, or a half-written transaction) may have filled, so
// parseRecord validates every field on the way in instead of trusting the stored shape.

import type { TrainPhase } from '../worker/protocol';

/** How a curve's values read: a fraction shown as %, a difference of fractions in points, a loss in nats. */
export type CurveScale = 'percent' | 'points' | 'nats';
export const CURVE_SCALES: readonly CurveScale[] = ['percent', 'points', 'nats'];

export interface CurvePoint {
  step: number;
  value: number;
}

export interface Curve {
  scale: CurveScale;
  points: CurvePoint[];
}

/** Fields every kind of record has; the table and the comparison use only these. */
export interface RecordBase {
  /** Unique key in the store. */
  id: string;
  /** Milliseconds since the epoch (Date.now()) when the record was made. */
  createdAt: number;
  title: string;
  /** The config as a search string ("?task=…&seed=…"), see src/client/url.ts: Open loads it. */
  url: string;
  /** Flat, named numbers (e.g. "test.student.accuracy"); see runMetrics.ts for the run's names. */
  metrics: Record<string, number>;
  /** Named series over steps (e.g. "distill.val_accuracy.student"). */
  curves: Record<string, Curve>;
}

/** How a run ended: it ran to the end, or the visitor stopped (reset or restarted) it part way. */
export type RunEnd = { kind: 'done' } | { kind: 'stopped'; phase: TrainPhase; step: number };

/** A hyperparameter moved during the run (the URL holds the values at the start only). */
export interface HyperMark {
  phase: TrainPhase;
  step: number;
  label: string;
}

export interface RunRecord extends RecordBase {
  kind: 'run';
  end: RunEnd;
  marks: HyperMark[];
}

export interface SweepRecord extends RecordBase {
  kind: 'sweep';
  /** Sweep-specific content (the grid, per-cell results): JSON, owned by the sweeps view. */
  detail: unknown;
}

export type StoredRecord = RunRecord | SweepRecord;
export type RecordKind = StoredRecord['kind'];
export const RECORD_KINDS: readonly RecordKind[] = ['run', 'sweep'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPhase = (v: unknown): v is TrainPhase => v === 'teacher' || v === 'distill';

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

function parseMetrics(v: unknown): Parsed<Record<string, number>> {
  if (!isObject(v)) return fail('metrics is not an object');
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!isFiniteNumber(x)) return fail(`metric "${k}" is not a finite number`);
    out[k] = x;
  }
  return { ok: true, value: out };
}

function parseCurve(name: string, v: unknown): Parsed<Curve> {
  if (!isObject(v)) return fail(`curve "${name}" is not an object`);
  if (!CURVE_SCALES.includes(v.scale as CurveScale)) return fail(`curve "${name}" has no known scale`);
  if (!Array.isArray(v.points)) return fail(`curve "${name}" has no points array`);
  const points: CurvePoint[] = [];
  for (const p of v.points as unknown[]) {
    if (!isObject(p) || !isFiniteNumber(p.step) || !isFiniteNumber(p.value))
      return fail(`curve "${name}" has a point that is not {step, value}`);
    points.push({ step: p.step, value: p.value });
  }
  return { ok: true, value: { scale: v.scale as CurveScale, points } };
}

function parseCurves(v: unknown): Parsed<Record<string, Curve>> {
  if (!isObject(v)) return fail('curves is not an object');
  const out: Record<string, Curve> = {};
  for (const [name, c] of Object.entries(v)) {
    const parsed = parseCurve(name, c);
    if (!parsed.ok) return parsed;
    out[name] = parsed.value;
  }
  return { ok: true, value: out };
}

function parseBase(v: Record<string, unknown>): Parsed<RecordBase> {
  if (typeof v.id !== 'string' || v.id === '') return fail('id is missing');
  if (!isFiniteNumber(v.createdAt)) return fail('createdAt is not a time');
  if (typeof v.title !== 'string') return fail('title is missing');
  if (typeof v.url !== 'string' || !(v.url === '' || v.url.startsWith('?'))) return fail('url is not a search string');
  const metrics = parseMetrics(v.metrics);
  if (!metrics.ok) return metrics;
  const curves = parseCurves(v.curves);
  if (!curves.ok) return curves;
  return {
    ok: true,
    value: {
      id: v.id,
      createdAt: v.createdAt,
      title: v.title,
      url: v.url,
      metrics: metrics.value,
      curves: curves.value,
    },
  };
}

function parseEnd(v: unknown): Parsed<RunEnd> {
  if (!isObject(v)) return fail('end is missing');
  if (v.kind === 'done') return { ok: true, value: { kind: 'done' } };
  if (v.kind === 'stopped' && isPhase(v.phase) && isFiniteNumber(v.step))
    return { ok: true, value: { kind: 'stopped', phase: v.phase, step: v.step } };
  return fail('end is neither done nor stopped at a step');
}

function parseMarks(v: unknown): Parsed<HyperMark[]> {
  if (!Array.isArray(v)) return fail('marks is not an array');
  const out: HyperMark[] = [];
  for (const m of v as unknown[]) {
    if (!isObject(m) || !isPhase(m.phase) || !isFiniteNumber(m.step) || typeof m.label !== 'string')
      return fail('a mark is not {phase, step, label}');
    out.push({ phase: m.phase, step: m.step, label: m.label });
  }
  return { ok: true, value: out };
}

/** A stored value as a record, or why it is not one. Never throws. */
export function parseRecord(v: unknown): Parsed<StoredRecord> {
  if (!isObject(v)) return fail('not an object');
  const base = parseBase(v);
  if (!base.ok) return base;
  const kind = v.kind as RecordKind;
  switch (kind) {
    case 'run': {
      const end = parseEnd(v.end);
      if (!end.ok) return end;
      const marks = parseMarks(v.marks);
      if (!marks.ok) return marks;
      return { ok: true, value: { ...base.value, kind: 'run', end: end.value, marks: marks.value } };
    }
    case 'sweep':
      if (!('detail' in v)) return fail('a sweep has no detail');
      return { ok: true, value: { ...base.value, kind: 'sweep', detail: v.detail } };
    default: {
      const never: never = kind;
      return fail(`unknown kind ${JSON.stringify(never)}`);
    }
  }
}
