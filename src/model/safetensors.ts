// The safetensors file format (https://github.com/huggingface/safetensors), written and read by hand.
// There is no well-kept safetensors library on npm (the package "safetensors" is a 0.0.1 stub), and
// the format is small:
//
//   8 bytes    N, the header length, an unsigned 64-bit little-endian integer
//   N bytes    a UTF-8 JSON object, padded with spaces to a multiple of 8:
//              { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, …,
//                "__metadata__": { "<key>": "<string value>" } }
//   the rest   the byte buffer: every tensor's elements, row-major, little-endian; data_offsets are
//              relative to the start of this buffer
//
// Decoding checks what the reference (Rust) implementation checks: the header fits in the file and
// is at most 100 MB, every tensor's byte range matches its dtype and shape, and the ranges tile the
// buffer exactly (no overlap, no gap, nothing left over).
//
// Pure TypeScript: no tfjs, no Node APIs, so it runs in the worker, in Node and in tests.

export type DType = 'F32' | 'I32';

export type TensorEntry =
  { dtype: 'F32'; shape: number[]; data: Float32Array } | { dtype: 'I32'; shape: number[]; data: Int32Array };

export interface Safetensors {
  tensors: Map<string, TensorEntry>;
  /** The "__metadata__" map (string to string); empty when the file has none. */
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Largest header the reference implementation accepts. */
export const MAX_HEADER_BYTES = 100_000_000;

const BYTES_PER_ELEMENT: Record<DType, number> = { F32: 4, I32: 4 };
const METADATA_KEY = '__metadata__';
/** dtypes the format defines but this reader does not convert. */
const KNOWN_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'U32',
  'I64',
  'U64',
  'F64',
];

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isDim(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Encodes tensors (in the map's order) and optional string metadata as a safetensors file.
 * Throws SafetensorsError when an entry's data length does not match its shape.
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, TensorEntry>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  const metaEntries = Object.entries(metadata);
  for (const [k, v] of metaEntries) {
    if (typeof v !== 'string') throw new SafetensorsError(`metadata value for "${k}" must be a string`);
  }
  if (metaEntries.length) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY) throw new SafetensorsError(`"${METADATA_KEY}" cannot be a tensor name`);
    if (!(t.dtype in BYTES_PER_ELEMENT)) throw new SafetensorsError(`tensor "${name}": unsupported dtype ${t.dtype}`);
    if (!t.shape.every(isDim)) throw new SafetensorsError(`tensor "${name}": bad shape [${t.shape}]`);
    const expected = t.dtype === 'F32' ? Float32Array : Int32Array;
    if (!(t.data instanceof expected)) {
      throw new SafetensorsError(`tensor "${name}": dtype ${t.dtype} needs its data as ${expected.name}`);
    }
    const n = elementCount(t.shape);
    if (t.data.length !== n) {
      throw new SafetensorsError(
        `tensor "${name}": shape [${t.shape}] has ${n} elements but the data has ${t.data.length}`,
      );
    }
    const size = n * BYTES_PER_ELEMENT[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces
  let at = 8 + headerLength;
  for (const t of tensors.values()) {
    const bytes = t.data.length * 4;
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, bytes), at);
    } else {
      for (let i = 0; i < t.data.length; i++) {
        if (t.dtype === 'F32') view.setFloat32(at + 4 * i, t.data[i], true);
        else view.setInt32(at + 4 * i, t.data[i], true);
      }
    }
    at += bytes;
  }
  return out;
}

interface RawEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown): RawEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(`tensor "${name}": header entry is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') throw new SafetensorsError(`tensor "${name}": missing dtype`);
  if (!(dtype in BYTES_PER_ELEMENT)) {
    const what = KNOWN_DTYPES.includes(dtype) ? 'unsupported' : 'unknown';
    throw new SafetensorsError(
      `tensor "${name}": ${what} dtype ${dtype} (supported: ${Object.keys(BYTES_PER_ELEMENT).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isDim)) {
    throw new SafetensorsError(`tensor "${name}": shape must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim)) {
    throw new SafetensorsError(`tensor "${name}": data_offsets must be [begin, end] (non-negative integers)`);
  }
  const [begin, end] = offsets as number[];
  if (end < begin)
    throw new SafetensorsError(`tensor "${name}": data_offsets [${begin}, ${end}] end before they begin`);
  const d = dtype as DType;
  const expected = elementCount(shape) * BYTES_PER_ELEMENT[d];
  if (end - begin !== expected) {
    throw new SafetensorsError(
      `tensor "${name}": shape [${shape}] of ${d} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype: d, shape: [...shape], begin, end };
}

/** Decodes a safetensors file; throws SafetensorsError saying what is wrong with a malformed one. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) {
    throw new SafetensorsError(`truncated file: ${bytes.length} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`header too large: ${n} bytes (at most ${MAX_HEADER_BYTES})`);
  }
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `truncated file: the header says ${headerLength} bytes of JSON but only ${bytes.length - 8} bytes follow`,
    );
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('header is not a JSON object');
  }

  const metadata: Record<string, string> = {};
  const entries: RawEntry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SafetensorsError(`"${METADATA_KEY}" must be an object of strings`);
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`"${METADATA_KEY}" value for "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value));
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.end > dataLength) {
      throw new SafetensorsError(
        `tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] out of range: the data buffer has ${dataLength} bytes (truncated file?)`,
      );
    }
    if (e.begin < covered) {
      const other = sorted.find((o) => o !== e && o.begin < e.end && e.begin < o.end);
      throw new SafetensorsError(
        `tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap ${other ? `tensor "${other.name}"` : 'another tensor'}`,
      );
    }
    if (e.begin > covered) {
      throw new SafetensorsError(
        `tensor "${e.name}": gap in the data buffer: bytes ${covered}–${e.begin} belong to no tensor`,
      );
    }
    covered = e.end;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(`${dataLength - covered} bytes after the last tensor belong to no tensor`);
  }

  const tensors = new Map<string, TensorEntry>();
  for (const e of entries) {
    const count = (e.end - e.begin) / 4;
    const at = dataStart + e.begin;
    // A copy: aligned, and independent of the caller's buffer.
    const buffer = bytes.slice(at, at + count * 4).buffer;
    if (e.dtype === 'F32') {
      const data = new Float32Array(buffer);
      if (!LITTLE_ENDIAN_HOST) for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
      tensors.set(e.name, { dtype: 'F32', shape: e.shape, data });
    } else {
      const data = new Int32Array(buffer);
      if (!LITTLE_ENDIAN_HOST) for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, true);
      tensors.set(e.name, { dtype: 'I32', shape: e.shape, data });
    }
  }
  return { tensors, metadata };
}
