// What the active-run slot stores (issue 11): the run of this page that is under way, enough to put
// it back after a reload: its config (as a URL search string, read back by the URL parser), the
// uploaded file it trains on (custom tasks), the curves, evaluations and markers received so far,
// and the worker's LATEST checkpoint (opaque bytes, replaced at each save so storage stays bounded).
// Values come back from IndexedDB, which an older page or a half-written transaction may have
// filled: parseActiveRun checks every field instead of trusting the stored shape (as runRecord.ts).

import { configFromSearchParams, configToSearchParams, type RunConfig } from '../config';
import { MODEL_ROLES, type EvalReport, type LossPoint, type Metrics, type TrainPhase } from '../worker/protocol';
import { unpackHistory, type PackedHistory } from './packedHistory';
import type { Parsed } from './runRecord';
import type { Marker } from './state';

/** Bumped when the shape changes: an older shape is reported as unreadable, not guessed at. */
export const ACTIVE_RUN_VERSION = 1;

export interface StoredUpload {
  name: string;
  bytes: ArrayBuffer;
}

export interface StoredCheckpoint {
  phase: TrainPhase;
  step: number;
  bytes: ArrayBuffer;
}

/** A stored active run, read back and checked (its history unpacked from columns). */
export interface ActiveRunRecord {
  version: typeof ACTIVE_RUN_VERSION;
  /** Milliseconds since the epoch of this save. */
  savedAt: number;
  /** The run's config as a search string ("?task=…"), see src/client/url.ts. */
  url: string;
  /** The file a custom task trains on (null for the built-in tasks). */
  upload: StoredUpload | null;
  checkpoint: StoredCheckpoint;
  /**
   * The checkpoint was taken because the run was paused: a resume leaves it paused, as it was left.
   * Absent in records of older pages (read as false: they resumed running).
   */
  paused: boolean;
  teacherTotal: number;
  distillTotal: number;
  history: LossPoint[];
  evals: EvalReport[];
  markers: Marker[];
}

/** What the slot holds: the record with its history packed in columns (packedHistory.ts: a cheap clone). */
export type StoredActiveRun = Omit<ActiveRunRecord, 'history'> & { history: PackedHistory };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStep = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isPhase = (v: unknown): v is TrainPhase => v === 'teacher' || v === 'distill';
// Structured clone keeps an ArrayBuffer's class; a value from elsewhere may be a typed array or a plain object.
const isBytes = (v: unknown): v is ArrayBuffer =>
  v instanceof ArrayBuffer || Object.prototype.toString.call(v) === '[object ArrayBuffer]';

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** The run's config read back from its search string; any value the parser rejects makes the record unreadable. */
export function configOfRecord(url: string): Parsed<RunConfig> {
  const params = new URLSearchParams(url);
  if (!params.has('task')) return fail('its settings name no task');
  const { config, warnings } = configFromSearchParams(params);
  if (warnings.length) return fail(`its settings are not valid (${warnings.join('; ')})`);
  return { ok: true, value: config };
}

export function configToRecordUrl(config: RunConfig): string {
  return `?${configToSearchParams(config).toString()}`;
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** Checks what the panels read of a model's metrics; the rest of the object is kept as it came. */
function isMetrics(v: unknown): v is Metrics {
  if (!isObject(v)) return false;
  if (!(['accuracy', 'nll', 'perplexity', 'ece'] as const).every((k) => typeof v[k] === 'number')) return false;
  if (!Array.isArray(v.reliability)) return false;
  if (v.confusion !== undefined && !(Array.isArray(v.confusion) && v.confusion.every(isNumberArray))) return false;
  return true;
}

function parseEval(v: unknown): EvalReport | null {
  if (!isObject(v) || !isPhase(v.phase) || !isStep(v.step) || (v.split !== 'val' && v.split !== 'test')) return null;
  for (const role of MODEL_ROLES) if (v[role] !== undefined && !isMetrics(v[role])) return null;
  if (v.gain !== undefined && !(isObject(v.gain) && isFiniteNumber(v.gain.gain) && isFiniteNumber(v.gain.se)))
    return null;
  return v as unknown as EvalReport;
}

function parseMarker(v: unknown): Marker | null {
  if (!isObject(v) || !isPhase(v.phase) || !isStep(v.step) || typeof v.label !== 'string') return null;
  return { phase: v.phase, step: v.step, label: v.label };
}

function parseList<T>(name: string, v: unknown, item: (x: unknown) => T | null): Parsed<T[]> {
  if (!Array.isArray(v)) return fail(`its ${name} are not a list`);
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    const x = item(v[i]);
    if (x === null) return fail(`its ${name} have an entry (${i + 1}) of the wrong shape`);
    out.push(x);
  }
  return { ok: true, value: out };
}

/** A stored file (in a run, or the uploads slot), or why it is not one. */
export function parseUpload(v: unknown): Parsed<StoredUpload | null> {
  if (v === null) return { ok: true, value: null };
  if (!isObject(v) || typeof v.name !== 'string' || v.name === '' || !isBytes(v.bytes))
    return fail('its uploaded file is missing or has no bytes');
  return { ok: true, value: { name: v.name, bytes: v.bytes } };
}

function parseCheckpoint(v: unknown): Parsed<StoredCheckpoint> {
  if (!isObject(v)) return fail('it has no checkpoint');
  if (!isPhase(v.phase) || !isStep(v.step)) return fail('its checkpoint has no phase and step');
  if (!isBytes(v.bytes) || v.bytes.byteLength === 0) return fail('its checkpoint has no bytes');
  return { ok: true, value: { phase: v.phase, step: v.step, bytes: v.bytes } };
}

/** A stored value as an active run, or why it is not one (words the page shows). Never throws. */
export function parseActiveRun(v: unknown): Parsed<ActiveRunRecord> {
  if (!isObject(v)) return fail('it is not a saved run');
  if (v.version !== ACTIVE_RUN_VERSION) return fail(`it was saved in another format (version ${String(v.version)})`);
  if (!isFiniteNumber(v.savedAt)) return fail('it has no save time');
  if (typeof v.url !== 'string') return fail('it has no settings');
  const config = configOfRecord(v.url);
  if (!config.ok) return config;
  const upload = parseUpload(v.upload);
  if (!upload.ok) return upload;
  const custom = config.value.task === 'custom-text' || config.value.task === 'custom-csv';
  if (custom && !upload.value) return fail('it trains on an uploaded file that was not saved with it');
  const checkpoint = parseCheckpoint(v.checkpoint);
  if (!checkpoint.ok) return checkpoint;
  if (v.paused !== undefined && typeof v.paused !== 'boolean') return fail('its paused flag is not true or false');
  if (!isStep(v.teacherTotal) || !isStep(v.distillTotal)) return fail('it has no step totals');
  const history = unpackHistory(v.history);
  if (!history.ok) return history;
  const evals = parseList('evaluations', v.evals, parseEval);
  if (!evals.ok) return evals;
  const markers = parseList('markers', v.markers, parseMarker);
  if (!markers.ok) return markers;
  return {
    ok: true,
    value: {
      version: ACTIVE_RUN_VERSION,
      savedAt: v.savedAt,
      url: v.url,
      upload: upload.value,
      checkpoint: checkpoint.value,
      paused: v.paused === true,
      teacherTotal: v.teacherTotal,
      distillTotal: v.distillTotal,
      history: history.value,
      evals: evals.value,
      markers: markers.value,
    },
  };
}
