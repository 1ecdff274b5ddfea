// A checkpoint's bytes: a versioned header, JSON metadata, then float32 payloads, all covered by a
// CRC32 so that a truncated or corrupted checkpoint (a half-written IndexedDB record, a flipped
// byte) is refused with a sentence that says so instead of being loaded as wrong weights.
//
// Layout (little-endian; every float32 in every browser is little-endian in practice):
//   0  "DPCK"                    magic
//   4  u32 version               CHECKPOINT_FORMAT
//   8  u32 meta bytes            JSON, space-padded to a multiple of 4 (so the floats are aligned)
//  12  u32 payload floats
//  16  u32 CRC32 of bytes 20..end
//  20  meta JSON, then the payload floats

const MAGIC = 0x4b435044; // "DPCK" read as a little-endian u32
export const CHECKPOINT_FORMAT = 1;
const HEADER = 20;

/** A checkpoint before encoding / after decoding: metadata and named float32 payloads in order. */
export interface CheckpointParts<Meta> {
  meta: Meta;
  tensors: { name: string; data: Float32Array }[];
}

let table: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, as zip and PNG). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The payload names and lengths are in the metadata (`tensors`), so decoding can cut them back out. */
export function encodeCheckpoint<Meta>(parts: CheckpointParts<Meta>): ArrayBuffer {
  const index = parts.tensors.map((t) => ({ name: t.name, length: t.data.length }));
  let json = JSON.stringify({ meta: parts.meta, index });
  let metaBytes = new TextEncoder().encode(json);
  if (metaBytes.length % 4) {
    json += ' '.repeat(4 - (metaBytes.length % 4));
    metaBytes = new TextEncoder().encode(json);
  }
  const floats = index.reduce((a, t) => a + t.length, 0);
  const buffer = new ArrayBuffer(HEADER + metaBytes.length + floats * 4);
  const bytes = new Uint8Array(buffer);
  bytes.set(metaBytes, HEADER);
  const payload = new Float32Array(buffer, HEADER + metaBytes.length, floats);
  let offset = 0;
  for (const t of parts.tensors) {
    payload.set(t.data, offset);
    offset += t.data.length;
  }
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CHECKPOINT_FORMAT, true);
  view.setUint32(8, metaBytes.length, true);
  view.setUint32(12, floats, true);
  view.setUint32(16, crc32(bytes.subarray(HEADER)), true);
  return buffer;
}

/** Decodes and checks a checkpoint; throws an Error whose message says what is wrong with the bytes. */
export function decodeCheckpoint<Meta>(buffer: ArrayBuffer): CheckpointParts<Meta> {
  const n = buffer.byteLength;
  if (n < HEADER) throw new Error(`this is not a checkpoint: ${n} bytes, fewer than its ${HEADER}-byte header`);
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('this is not a checkpoint: it does not start with "DPCK"');
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_FORMAT)
    throw new Error(
      `the checkpoint is of format ${version}; this version of the app reads format ${CHECKPOINT_FORMAT}`,
    );
  const metaLength = view.getUint32(8, true);
  const floats = view.getUint32(12, true);
  const expected = HEADER + metaLength + floats * 4;
  if (n !== expected || metaLength % 4)
    throw new Error(
      `the checkpoint is truncated or damaged: its header announces ${expected} bytes but it has ${n}; it cannot be resumed`,
    );
  const bytes = new Uint8Array(buffer);
  if (crc32(bytes.subarray(HEADER)) !== view.getUint32(16, true))
    throw new Error(
      'the checkpoint is corrupted (its CRC32 checksum does not match its contents); it cannot be resumed',
    );
  const { meta, index } = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, HEADER + metaLength))) as {
    meta: Meta;
    index: { name: string; length: number }[];
  };
  const payload = new Float32Array(buffer, HEADER + metaLength, floats);
  let offset = 0;
  const tensors = index.map(({ name, length }) => {
    const data = payload.subarray(offset, offset + length);
    offset += length;
    return { name, data };
  });
  if (offset !== floats) throw new Error(`the checkpoint's index lists ${offset} floats but it holds ${floats}`);
  return { meta, tensors };
}
