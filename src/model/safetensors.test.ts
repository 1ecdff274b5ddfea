import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_BYTES,
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  type TensorEntry,
} from './safetensors';

/** A file from a header object written verbatim and `dataBytes` zero bytes of data. */
function rawFile(header: unknown, dataBytes: number, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  return out;
}

const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: 'F32', shape, data_offsets: offsets });

describe('safetensors encode/decode', () => {
  it('round-trips tensors, shapes, dtypes and metadata exactly', () => {
    const tensors = new Map<string, TensorEntry>([
      ['w', { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2.5, 3e-8, Math.PI, -0, Infinity]) }],
      ['scalar', { dtype: 'F32', shape: [], data: new Float32Array([42]) }],
      ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
      ['ids', { dtype: 'I32', shape: [3], data: new Int32Array([-1, 0, 2 ** 31 - 1]) }],
      ['nan', { dtype: 'F32', shape: [1], data: new Float32Array([NaN]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'pt', note: 'ünïcode' });
    const { tensors: back, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode' });
    expect([...back.keys()]).toEqual([...tensors.keys()]);
    for (const [name, t] of tensors) {
      const b = back.get(name)!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.shape).toEqual(t.shape);
      expect(b.data.constructor).toBe(t.data.constructor);
      // Bit-identical (including -0 and NaN).
      expect(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength)).toEqual(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    }
  });

  it('writes the header exactly as the spec says', () => {
    const bytes = encodeSafetensors(new Map([['a', { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) }]]));
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes
    // N = 56: the JSON padded with spaces to a multiple of 8, as an 8-byte little-endian integer.
    expect([...bytes.subarray(0, 8)]).toEqual([56, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 64))).toBe(json + '  ');
    // Then the data: 1.0f = 0x3f800000 and -2.0f = 0xc0000000, little-endian.
    expect([...bytes.subarray(64)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    expect(bytes.length).toBe(72);
  });

  it('puts __metadata__ in the header and pads the header to a multiple of 8', () => {
    const bytes = encodeSafetensors(new Map(), { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))).toEqual({ __metadata__: { format: 'pt' } });
    expect(decodeSafetensors(bytes)).toEqual({ tensors: new Map(), metadata: { format: 'pt' } });
  });

  it('reads a file as the reference implementation writes it (its test vector: unpadded header, I32)', () => {
    // From huggingface/safetensors' Rust tests (test_deserialization): 60-byte header, 16 zero bytes.
    const json = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    const bytes = new Uint8Array(8 + 60 + 16);
    bytes[0] = 0x3c;
    bytes.set(new TextEncoder().encode(json), 8);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    expect(tensors.get('test')).toEqual({ dtype: 'I32', shape: [2, 2], data: new Int32Array(4) });
  });

  it('decodes from a Uint8Array view at an unaligned offset', () => {
    const bytes = encodeSafetensors(new Map([['x', { dtype: 'F32', shape: [3], data: new Float32Array([1, 2, 3]) }]]));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const t = decodeSafetensors(shifted.subarray(3)).tensors.get('x')!;
    expect([...t.data]).toEqual([1, 2, 3]);
  });
});

describe('safetensors rejects malformed files', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', () => new Uint8Array(5), /truncated file: 5 bytes/],
    [
      'a header length over 100 MB',
      () => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
        return b;
      },
      /header too large/,
    ],
    ['a header longer than the file', () => rawFile({}, 0, 1000), /truncated file: the header says 1000 bytes/],
    [
      'a header that is not JSON',
      () => {
        const b = rawFile({}, 0);
        b[8] = 0x78; // 'x'
        return b;
      },
      /not valid UTF-8 JSON/,
    ],
    ['a header that is not an object', () => rawFile([1, 2], 0), /not a JSON object/],
    [
      'an unsupported dtype',
      () => rawFile({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4),
      /tensor "h": unsupported dtype F16/,
    ],
    [
      'an unknown dtype',
      () => rawFile({ h: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, 4),
      /unknown dtype Q7/,
    ],
    [
      'a bad shape',
      () => rawFile({ s: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 8] } }, 8),
      /shape must be a list of non-negative integers/,
    ],
    [
      'bad data_offsets',
      () => rawFile({ s: { dtype: 'F32', shape: [2], data_offsets: [0] } }, 8),
      /data_offsets must be \[begin, end\]/,
    ],
    [
      'offsets that end before they begin',
      () => rawFile({ s: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 8),
      /end before they begin/,
    ],
    [
      'a shape that does not match the byte size',
      () => rawFile({ m: f32([2, 3], [0, 20]) }, 20),
      /shape \[2,3\] of F32 needs 24 bytes but data_offsets \[0, 20\] span 20/,
    ],
    [
      'offsets past the end of the data (truncated)',
      () => rawFile({ a: f32([2], [0, 8]), b: f32([4], [8, 24]) }, 16),
      /tensor "b": data_offsets \[8, 24\] out of range: the data buffer has 16 bytes/,
    ],
    [
      'overlapping tensors',
      () => rawFile({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, 12),
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a"/,
    ],
    [
      'a gap between tensors',
      () => rawFile({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, 12),
      /gap in the data buffer: bytes 4–8/,
    ],
    ['bytes after the last tensor', () => rawFile({ a: f32([1], [0, 4]) }, 10), /6 bytes after the last tensor/],
    [
      'non-string metadata',
      () => rawFile({ __metadata__: { step: 3 } }, 0),
      /"__metadata__" value for "step" is not a string/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      const bytes = make();
      expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
      expect(() => decodeSafetensors(bytes)).toThrow(message);
    });
  }

  it('refuses to encode data that does not match its shape', () => {
    const bad = new Map<string, TensorEntry>([['w', { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]]);
    expect(() => encodeSafetensors(bad)).toThrow(/tensor "w": shape \[2,2\] has 4 elements but the data has 3/);
    const wrongType = new Map([
      ['w', { dtype: 'I32', shape: [1], data: new Float32Array(1) } as unknown as TensorEntry],
    ]);
    expect(() => encodeSafetensors(wrongType)).toThrow(/dtype I32 needs its data as Int32Array/);
  });
});
