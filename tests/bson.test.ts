/**
 * The BSON codec (spec.md 4.3): exact round trips of every uhi-generated case (json → bson → json),
 * dtypes kept, the layout byte by byte, 8-byte alignment and zero-copy reading, the 2^31 − 1 size
 * limit (without allocating 2 GiB), and every refusal of hostile input with its code and path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, deserialize, serialize, type Document } from 'bson';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BSON_FORMAT_TAG,
  BSON_MAX_BYTES,
  VERSION,
  checkBytes,
  checkFile,
  createDefaultRegistry,
  createDocument,
  decodeDocument,
  encodeDocument,
  encodeDocumentFiles,
  readDocument,
  toUHI,
  writeDocument,
  type HistDocument,
  type Histogram,
  type NDArray,
} from '../src/index.js';
import { BSON_CODEC, decodeBson, planBson } from '../src/codecs/bson.js';
import { BSON_PREFIX, sniffBson } from '../src/codecs/bson-entry.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { MESSAGES } from '../src/messages.js';
import type { RawDocument } from '../src/raw.js';
import { CASES as MANIFEST_CASES } from './helpers/manifest.js';
import { describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('hist-serial-bson-');

// ---------------------------------------------------------------------------------------------
// Helpers

/** A 1-d histogram with hand-picked values (NaN, -0, Infinity included). */
function weighted(n = 4, dtype: 'f8' | 'f4' = 'f8'): Histogram {
  const make = (f: (i: number) => number) => {
    const plain = Array.from({ length: n + 2 }, (_, i) => f(i));
    return dtype === 'f8' ? Float64Array.from(plain) : Float32Array.from(plain);
  };
  const values = make((i) => (i === 1 ? -0 : i === 2 ? Infinity : i * 1.5 + 0.1));
  const variances = make((i) => (i % 3 === 0 ? NaN : i * 2.25));
  return {
    axes: [{ type: 'regular', lower: 0, upper: 1, bins: n, underflow: true, overflow: true, circular: false }],
    storage: {
      type: 'weighted',
      layout: 'dense',
      arrays: { values: { dtype, shape: [n + 2], data: values }, variances: { dtype, shape: [n + 2], data: variances } },
    },
    metadata: { name: 'h' },
  };
}

/** The tiny histogram of the byte-level tests: int storage, two bins, no flow. */
function tiny(): HistDocument {
  return createDocument({
    h: {
      axes: [{ type: 'regular', lower: 0, upper: 2, bins: 2, underflow: false, overflow: false, circular: false }],
      storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [2], data: BigInt64Array.from([3n, 2n ** 62n]) } } },
    },
  });
}

/** Every element of two arrays, as Object.is sees them (NaN equal, -0 ≠ 0), plus dtype, shape and class. */
function expectSameArray(got: NDArray, want: NDArray, what: string) {
  expect(got.dtype, what).toBe(want.dtype);
  expect(got.shape, what).toEqual(want.shape);
  expect(got.data.constructor, what).toBe(want.data.constructor);
  expect(got.data.length, what).toBe(want.data.length);
  const bad: string[] = [];
  for (let i = 0; i < want.data.length; i++) if (!Object.is(got.data[i], want.data[i])) bad.push(`${what}[${i}]: ${String(got.data[i])} != ${String(want.data[i])}`);
  expect(bad).toEqual([]);
}

/** Two documents hold the same histograms: axes, every array element, metadata; writer_info as given. */
function expectSameDocument(got: HistDocument, want: HistDocument, { writerInfo = true } = {}) {
  expect([...got.histograms.keys()]).toEqual([...want.histograms.keys()]);
  for (const [name, h] of want.histograms) {
    const g = got.histograms.get(name)!;
    expect(g.axes, name).toStrictEqual(h.axes);
    expect(g.storage.type, name).toBe(h.storage.type);
    expect(g.storage.layout, name).toBe(h.storage.layout);
    expect(Object.keys(g.storage.arrays), name).toEqual(Object.keys(h.storage.arrays));
    for (const [field, arr] of Object.entries(h.storage.arrays)) expectSameArray(g.storage.arrays[field as 'values']!, arr, `${name}.${field}`);
    if (h.storage.index) expectSameArray(g.storage.index!, h.storage.index, `${name}.index`);
    else expect(g.storage.index).toBeUndefined();
    expect(g.metadata, name).toStrictEqual(h.metadata);
    if (writerInfo) expect(g.writer_info, name).toStrictEqual(h.writer_info);
  }
}

const bson = (doc: HistDocument) => encodeDocument(doc, { format: 'bson' });

/** The first issue of checking bytes (with the format named, so that sniffing is not in the way). */
async function firstIssue(bytes: Uint8Array) {
  const { issues, document } = await checkBytes(bytes, { format: 'bson' });
  expect(document).toBeUndefined();
  return issues[0]!;
}

/** The envelope of BSON bytes, parsed by the library alone (Binary data as Buffers). */
const envelope = (bytes: Uint8Array): Document => deserialize(bytes, { promoteBuffers: true, useBigInt64: true });

const int32 = (b: Uint8Array, at: number) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).readInt32LE(at);

/** Offset of the first occurrence of `needle` in `hay`. */
function offsetOf(hay: Uint8Array, needle: string | number[]): number {
  const i = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : needle));
  expect(i, `${String(needle)} not found`).toBeGreaterThanOrEqual(0);
  return i;
}

/** Payload offsets of every `data` Binary, found by walking the document independently of the codec. */
function payloadOffsets(bytes: Uint8Array): Map<string, number> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cstring = (at: number) => {
    const end = b.indexOf(0, at);
    return { s: b.toString('utf8', at, end), next: end + 1 };
  };
  // top level: skip to the `buffers` element
  let i = 4;
  for (;;) {
    const type = b[i]!;
    const { s, next } = cstring(i + 1);
    if (s === 'buffers') {
      i = next;
      break;
    }
    const sizes: Record<number, number> = { 0x02: 4 + b.readInt32LE(next), 0x10: 4, 0x03: b.readInt32LE(next) };
    i = next + sizes[type]!;
  }
  const out = new Map<string, number>();
  const end = i + b.readInt32LE(i) - 1;
  i += 4;
  while (i < end) {
    const { s: key, next } = cstring(i + 1); // a buffer sub-document
    const docEnd = next + b.readInt32LE(next) - 1;
    let j = next + 4;
    while (j < docEnd) {
      const type = b[j]!;
      const { s, next: v } = cstring(j + 1);
      if (type === 0x05 && s === 'data') out.set(key, v + 5);
      const size = type === 0x02 ? 4 + b.readInt32LE(v) : type === 0x04 || type === 0x03 ? b.readInt32LE(v) : type === 0x05 ? 5 + b.readInt32LE(v) : NaN;
      j = v + size;
    }
    i = docEnd + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference files

const CASES = hasReference ? [...MANIFEST_CASES.map(({ name, kase }) => ({ name, path: kase.files.json.path })), { name: 'all', path: 'all.json' }] : [];

describeReference('uhi-generated files: json → bson → json, exactly', () => {
  it('covers the 11 cases, the 2 edge cases and all.json', () => {
    expect(CASES).toHaveLength(14);
  });

  describe.each(CASES)('$name', ({ path }) => {
    let doc: HistDocument;
    let bytes: Uint8Array;
    let back: HistDocument;

    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', path));
      bytes = await bson(doc);
      back = await decodeDocument(bytes);
    });

    it('is detected as BSON and holds every histogram, array element, dtype, axis and metadata', async () => {
      expect((await checkBytes(bytes)).format).toBe('bson');
      expectSameDocument(back, doc, { writerInfo: false });
      for (const [name, h] of back.histograms) {
        // JSON carries no dtype: int storage and sparse indices are i8, everything else f8; BSON keeps them.
        for (const [field, arr] of Object.entries(h.storage.arrays)) expect(arr.dtype, `${name}.${field}`).toBe(h.storage.type === 'int' ? 'i8' : 'f8');
        if (h.storage.index) expect(h.storage.index.dtype).toBe('i8');
      }
    });

    it("keeps writer_info (adding hist-serial's version) and metadata", () => {
      for (const [name, h] of doc.histograms) {
        const original = h.writer_info ?? {};
        expect(back.histograms.get(name)!.writer_info).toStrictEqual({ ...original, 'hist-serial': { ...original['hist-serial'], version: VERSION } });
        expect(back.histograms.get(name)!.metadata).toStrictEqual(h.metadata);
      }
    });

    it('converts back to the same UHI JSON bytes as a direct json → json conversion', async () => {
      const direct = Buffer.from(await encodeDocument(doc, { format: 'uhi-json' }));
      const viaBson = Buffer.from(await encodeDocument(back, { format: 'uhi-json' }));
      expect(viaBson.toString('utf8')).toBe(direct.toString('utf8'));
    });

    it('is what the bson library itself writes for the same envelope, byte for byte, with every payload 8-aligned', () => {
      expect(Buffer.from(serialize(envelope(bytes))).equals(Buffer.from(bytes))).toBe(true);
      const offsets = payloadOffsets(bytes);
      expect([...offsets.keys()]).toEqual(Object.keys(envelope(bytes).buffers));
      for (const [key, at] of offsets) expect(at % 8, key).toBe(0);
    });

    it('is a fixed point: writing what was read gives the same bytes', async () => {
      expect(Buffer.from(await bson(back)).equals(Buffer.from(bytes))).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('dtypes are kept', () => {
  it('f4 arrays stay f4 (Float32Array), values exact', async () => {
    const doc = createDocument({ h32: weighted(5, 'f4') });
    const back = await decodeDocument(await bson(doc));
    expectSameDocument(back, doc, { writerInfo: false });
    expect(back.histograms.get('h32')!.storage.arrays.values!.data).toBeInstanceOf(Float32Array);
    expect(envelope(await bson(doc)).buffers.h32_storage_values.dtype).toBe('f4');
  });

  it('int storage in u8 (2^64 − 1 exact), i4 and u1; sparse index in i4; variable edges and 0-d arrays', async () => {
    const doc = createDocument({
      big: {
        axes: [{ type: 'variable', edges: Float64Array.from([-1, 0.5, 2, 1e300]), underflow: false, overflow: true, circular: false }],
        storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'u8', shape: [4], data: BigUint64Array.from([0n, 1n, 2n ** 63n, 2n ** 64n - 1n]) } } },
      },
      small: {
        axes: [{ type: 'boolean' }],
        storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'u1', shape: [2], data: Uint8Array.from([0, 255]) } } },
      },
      sparse: {
        axes: [{ type: 'category_str', categories: ['a', 'b'], flow: false }, { type: 'category_int', categories: Float64Array.from([-7, 2 ** 40]), flow: true }],
        storage: {
          type: 'int',
          layout: 'sparse',
          index: { dtype: 'i4', shape: [2, 2], data: Int32Array.from([0, 1, 2, 0]) },
          arrays: { values: { dtype: 'i4', shape: [2], data: Int32Array.from([-5, 2 ** 31 - 1]) } },
        },
      },
      scalar: { axes: [], storage: { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [], data: Float64Array.from([2.5]) } } } },
    });
    const bytes = await bson(doc);
    const back = await decodeDocument(bytes);
    expectSameDocument(back, doc, { writerInfo: false });
    const env = envelope(bytes);
    expect(Object.fromEntries(Object.entries(env.buffers as Record<string, { dtype: string; shape: number[] }>).map(([k, b]) => [k, [b.dtype, b.shape]]))).toEqual({
      big_axis_0_edges: ['f8', [4]],
      big_storage_values: ['u8', [4]],
      small_storage_values: ['u1', [2]],
      sparse_storage_index: ['i4', [2, 2]],
      sparse_storage_values: ['i4', [2]],
      scalar_storage_values: ['f8', []],
    });
    // an integer category beyond int32 is an int64, not a double, for other readers
    expect(env.histograms.sparse.axes[1].categories).toEqual([-7, 2n ** 40n]);
  });
});

describe('layout, byte by byte (spec.md 4.3)', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await bson(tiny());
  });

  it('starts with the int32 length of the whole file, then format and version', () => {
    expect(int32(bytes, 0)).toBe(bytes.length);
    expect(bytes.length).toBe(411); // the length quoted in spec.md 4.3
    expect([...bytes.subarray(0, 4)]).toEqual([0x9b, 0x01, 0x00, 0x00]);
    expect(Buffer.from(bytes.subarray(4, 0x21)).toString('latin1')).toBe('\x02format\x00\x11\x00\x00\x00hist-serial-bson\x00');
    expect([...bytes.subarray(4, 4 + BSON_PREFIX.length)]).toEqual(BSON_PREFIX);
    expect(Buffer.from(bytes.subarray(0x21, 0x2e)).toString('latin1')).toBe('\x10version\x00\x01\x00\x00\x00');
    expect(Buffer.from(bytes.subarray(0x2e, 0x3a)).toString('latin1')).toBe('\x03histograms\x00');
    expect(bytes[bytes.length - 1]).toBe(0);
  });

  it('holds {format, version, histograms, buffers}; histograms is UHI JSON with buffer keys at array positions', () => {
    const env = envelope(bytes);
    expect(Object.keys(env)).toEqual(['format', 'version', 'histograms', 'buffers']);
    expect(env.format).toBe(BSON_FORMAT_TAG);
    expect(env.version).toBe(1);
    expect(env.histograms).toEqual({
      h: {
        uhi_schema: 1,
        writer_info: { 'hist-serial': { version: VERSION } },
        axes: [{ type: 'regular', lower: 0, upper: 2, bins: 2, underflow: false, overflow: false, circular: false }],
        storage: { type: 'int', values: 'h_storage_values' },
      },
    });
    expect(Object.keys(env.buffers)).toEqual(['h_storage_values']);
    const b = env.buffers.h_storage_values;
    expect(Object.keys(b)).toEqual(['dtype', 'shape', 'pad', 'data']);
    expect(b.dtype).toBe('i8');
    expect(b.shape).toEqual([2]);
    expect(b.pad).toMatch(/^ {0,7}$/);
    expect(b.data).toEqual(Buffer.from(BigInt64Array.from([3n, 2n ** 62n]).buffer)); // little-endian int64
  });

  it('the data Binary is subtype 0 and its payload starts at a multiple of 8', () => {
    const at = payloadOffsets(bytes).get('h_storage_values')!;
    expect(at % 8).toBe(0);
    expect(bytes[at - 1]).toBe(0); // subtype
    expect(int32(bytes, at - 5)).toBe(16);
    expect(Buffer.from(bytes.subarray(at - 11, at - 5)).toString('latin1')).toBe('\x05data\x00');
    expect(planBson(toUHI(tiny())).buffers[0]!.payloadOffset).toBe(at);
  });

  it('pads every payload to 8 bytes whatever the key lengths', async () => {
    for (let len = 1; len <= 9; len++) {
      const name = 'x'.repeat(len);
      const doc = createDocument({ [name]: weighted(len) });
      for (const [key, at] of payloadOffsets(await bson(doc))) expect(at % 8, key).toBe(0);
    }
  });

  it('the .bson extension chooses the format, and the file written reads back', async () => {
    const file = join(dir, 'tiny.bson');
    const written = await writeDocument(file, tiny());
    expect(written.format).toBe('bson');
    expect(readFileSync(file).equals(Buffer.from(bytes))).toBe(true);
    expectSameDocument(await readDocument(file), tiny(), { writerInfo: false });
  });
});

describe('sniffing', () => {
  it('recognises the fixed prefix after a plausible length, and nothing else', async () => {
    const bytes = await bson(tiny());
    expect(sniffBson(bytes)).toBe(true);
    expect(sniffBson(bytes.subarray(0, 4 + BSON_PREFIX.length))).toBe(true); // a truncated file is still ours (and reported as truncated)
    expect(sniffBson(bytes.subarray(0, 4 + BSON_PREFIX.length - 1))).toBe(false);
    expect(sniffBson(serialize({ a: 1 }))).toBe(false); // BSON, but not hist-serial's
    expect(sniffBson(serialize({ version: 1, format: BSON_FORMAT_TAG }))).toBe(false); // format not first
    expect(sniffBson(Buffer.from('{"format": "hist-serial-bson"}'))).toBe(false);
    const negative = Buffer.from(bytes);
    negative.writeInt32LE(-5, 0);
    expect(sniffBson(negative)).toBe(false);
    expect(createDefaultRegistry().bySniffing(bytes)?.name).toBe('bson');
  });

  it('a length that spells another format\'s magic ("PK\\x03\\x04", 67 325 776 bytes) is still BSON', () => {
    const head = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(BSON_PREFIX), Buffer.alloc(64)]);
    expect(head.readInt32LE(0)).toBe(0x04034b50);
    expect(createDefaultRegistry().bySniffing(head)?.name).toBe('bson');
  });

  it('a length whose first byte is "{" is still BSON, not JSON', async () => {
    // grow the metadata until the document's length is 0x…7b
    let doc: HistDocument | undefined;
    for (let k = 0; k < 256; k++) {
      const h = { ...weighted(), metadata: { name: 'p'.repeat(k) } };
      const d = createDocument({ h });
      if ((await bson(d))[0] === 0x7b) {
        doc = d;
        break;
      }
    }
    const bytes = await bson(doc!);
    expect(bytes[0]).toBe(0x7b);
    expect(createDefaultRegistry().bySniffing(bytes)?.name).toBe('bson');
    expectSameDocument(await decodeDocument(bytes), doc!, { writerInfo: false });
  });
});

describe('zero copy', () => {
  it('arrays are views of aligned input bytes, and copies of misaligned ones', async () => {
    const doc = createDocument({ h: weighted(100) });
    const bytes = await bson(doc);
    const aligned = new Uint8Array(new ArrayBuffer(bytes.length));
    aligned.set(bytes);
    const a = (await decodeDocument(aligned)).histograms.get('h')!.storage.arrays.values!;
    expect(a.data.buffer).toBe(aligned.buffer);
    expect(a.data.byteOffset % 8).toBe(0);

    const shifted = new Uint8Array(new ArrayBuffer(bytes.length + 4), 4, bytes.length);
    shifted.set(bytes);
    const back = await decodeDocument(shifted);
    const b = back.histograms.get('h')!.storage.arrays.values!;
    expect(b.data.buffer).not.toBe(shifted.buffer);
    expectSameDocument(back, doc, { writerInfo: false });
  });

  it('large arrays go to the writer as they are: the encoded chunks include the array memory itself', async () => {
    const doc = createDocument({ h: weighted(100_000) });
    const { main } = await encodeDocumentFiles(doc, { format: 'bson' });
    const chunks = main instanceof Uint8Array ? [main] : main;
    const values = doc.histograms.get('h')!.storage.arrays.values!.data;
    expect(chunks.some((c) => c.buffer === values.buffer && c.byteOffset === values.byteOffset && c.byteLength === values.byteLength)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(planBson(toUHI(doc)).size);
  });

  it('documents over the library’s 17 MiB scratch buffer are written without growing it', async () => {
    const doc = createDocument({ h: weighted(1_500_000) }); // 24 MB of payload
    const bytes = await bson(doc);
    expect(bytes.length).toBeGreaterThan(24_000_000);
    expectSameDocument(await decodeDocument(bytes), doc, { writerInfo: false });
    // the library's own serializer still fails on a 20 MB document: its scratch buffer was not grown
    expect(() => serialize({ data: Buffer.alloc(20_000_000) })).toThrow(RangeError);
  });
});

describe('reading files (decodeFile)', () => {
  it('reads with the declared length checked against the file size first; arrays are views of the file buffer', async () => {
    const doc = createDocument({ h: weighted(1000) });
    const file = join(dir, 'read.bson');
    writeFileSync(file, await bson(doc));
    const back = await readDocument(file);
    expectSameDocument(back, doc, { writerInfo: false });
    const { values, variances } = back.histograms.get('h')!.storage.arrays;
    expect(values!.data.buffer).toBe(variances!.data.buffer); // both views of the one file buffer
    expect(values!.data.buffer.byteLength).toBe(readFileSync(file).length);

    const bytes = readFileSync(file);
    writeFileSync(join(dir, 'truncated.bson'), bytes.subarray(0, bytes.length - 8));
    expect((await checkFile(join(dir, 'truncated.bson'))).issues).toEqual([
      expect.objectContaining({ code: 'PARSE', message: MESSAGES.bsonTruncated(bytes.length, bytes.length - 8) }),
    ]);
    writeFileSync(join(dir, 'trailing.bson'), Buffer.concat([bytes, Buffer.alloc(3)]));
    expect((await checkFile(join(dir, 'trailing.bson'))).issues).toEqual([
      expect.objectContaining({ code: 'PARSE', message: MESSAGES.bsonTrailing(bytes.length, bytes.length + 3) }),
    ]);
    expect((await checkFile(file, { limits: { maxInputBytes: 1000 } })).issues).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: MESSAGES.inputTooLarge(bytes.length, 1000) }),
    ]);
    writeFileSync(join(dir, 'tiny.bson'), bytes.subarray(0, 3));
    expect((await checkFile(join(dir, 'tiny.bson'), { format: 'bson' })).issues).toEqual([expect.objectContaining({ code: 'PARSE', message: MESSAGES.bsonTooShort(3) })]);
  });
});

describe('size limit: 2^31 − 1 bytes (without allocating 2 GiB)', () => {
  /** A stand-in for a typed array: only its byteLength is ever looked at before the size check. */
  const fake = (dtype: 'u1' | 'f8', n: number): NDArray =>
    ({ dtype, shape: [n], data: { byteLength: n * (dtype === 'u1' ? 1 : 8), length: n } }) as unknown as NDArray;
  const raw = (a: NDArray): RawDocument => ({ json: { h: { uhi_schema: 1, axes: [], storage: { type: 'double', values: 'k' } } }, resources: new Map([['k', a]]) });

  it('a document of exactly 2^31 − 1 bytes is allowed, one byte more is refused', () => {
    const base = planBson(raw(fake('u1', 0))).size;
    const max = BSON_MAX_BYTES - base;
    expect(planBson(raw(fake('u1', max))).size).toBe(BSON_MAX_BYTES);
    expect(() => planBson(raw(fake('u1', max + 1)))).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });

  it('encoding refuses it with LIMIT_EXCEEDED and points to .zip/.hsb/.h5, before touching the data', async () => {
    const err = await BSON_CODEC.encode!(raw(fake('f8', 2 ** 28)), { options: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LIMIT_EXCEEDED', name: 'LimitError' });
    expect((err as Error).message).toBe(MESSAGES.bsonTooLarge(planBson(raw(fake('f8', 0))).size + 2 ** 31, BSON_MAX_BYTES));
    expect((err as Error).message).toMatch(/\.zip, \.hsb or \.h5/);
  });
});

describe('values BSON cannot carry are refused when writing', () => {
  it('a NUL in a histogram name or a metadata key; the reserved key _bsontype', async () => {
    await expect(bson(createDocument({ 'a\0b': weighted() }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/histograms/a\0b' });
    await expect(bson(createDocument({ h: { ...weighted(), metadata: { 'x\0': 1 } } }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: '/histograms/h/metadata/x\0',
    });
    await expect(bson(createDocument({ h: { ...weighted(), metadata: { _bsontype: 'ObjectId' } } }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: '/histograms/h/metadata/_bsontype',
    });
  });

  it('an array whose bytes do not match its dtype and shape', async () => {
    const bad: RawDocument = { json: { h: {} }, resources: new Map([['k', { dtype: 'f8', shape: [3], data: new Float64Array(2) }]]) };
    await expect(BSON_CODEC.encode!(bad, { options: {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/buffers/k' });
  });
});

describe('JSON values through BSON (codec level)', () => {
  it('-0, NaN, ±Infinity, int64-range integers, unicode, NUL inside strings, __proto__ and DBRef-shaped objects', async () => {
    const json = JSON.parse('{"h": {"__proto__": {"x": 1}, "ref": {"a": 0, "$ref": "c", "$id": 7, "$db": "d"}}}') as Record<string, Record<string, unknown>>;
    Object.assign(json.h!, {
      neg0: -0,
      nan: NaN,
      inf: -Infinity,
      big: 2 ** 40,
      neg: -(2 ** 53 - 1),
      notSafe: 2 ** 60,
      int32: 2 ** 31 - 1,
      s: 'µ→ℓℓ\0end',
      list: [1, 'b', null, true, [2.5]],
    });
    const { main } = await BSON_CODEC.encode!({ json, resources: new Map() }, { options: {} });
    const raw = await BSON_CODEC.decode(main as Uint8Array, { limits: DEFAULT_LIMITS });
    const h = (raw.json as typeof json).h!;
    expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
    expect(Object.keys(h)).toEqual(['__proto__', 'ref', 'neg0', 'nan', 'inf', 'big', 'neg', 'notSafe', 'int32', 's', 'list']);
    expect(Object.getOwnPropertyDescriptor(h, '__proto__')!.value).toEqual({ x: 1 });
    expect(h.ref).toEqual({ $ref: 'c', $id: 7, $db: 'd', a: 0 });
    expect(Object.is(h.neg0, -0)).toBe(true);
    expect(h.nan).toBeNaN();
    expect(h.inf).toBe(-Infinity);
    expect([h.big, h.neg, h.notSafe, h.int32]).toEqual([2 ** 40, -(2 ** 53 - 1), 2 ** 60, 2 ** 31 - 1]);
    expect(h.s).toBe('µ→ℓℓ\0end');
    expect(h.list).toEqual([1, 'b', null, true, [2.5]]);
    // integers beyond int32 are int64 for other readers; 2^60 is not a safe integer and stays a double
    const env = deserialize(main as Uint8Array, { useBigInt64: true });
    expect([typeof env.histograms.h.big, typeof env.histograms.h.neg, typeof env.histograms.h.notSafe, typeof env.histograms.h.int32]).toEqual([
      'bigint',
      'bigint',
      'number',
      'number',
    ]);
  });

  it('does not modify the document it writes', async () => {
    const doc = createDocument({ h: { ...weighted(), metadata: { n: 2 ** 40, z: -0 } } });
    const before = JSON.stringify(toUHI(doc, { arrays: 'external' }).json);
    await bson(doc);
    expect(JSON.stringify(toUHI(doc, { arrays: 'external' }).json)).toBe(before);
    expect(Object.is(doc.histograms.get('h')!.metadata!.z, -0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('hostile input: each refusal with its code and path', () => {
  let good: Buffer;
  let key: string;
  beforeAll(async () => {
    good = Buffer.from(await bson(createDocument({ h: { ...weighted(3), metadata: { name: 'MARKER', KEYMARK: 1 } } })));
    key = 'h_storage_values';
  });
  const copy = () => Buffer.from(good);
  /** Re-serialize the envelope with the library after `edit` (for documents that are valid BSON but not valid hist-serial BSON). */
  const edited = (edit: (env: Document) => void) => {
    const env = envelope(good);
    edit(env);
    return serialize(env);
  };

  it('the unmodified document is fine', async () => {
    expect((await checkBytes(good)).issues).toEqual([]);
  });

  it('declared length larger than the file (a truncated file): PARSE', async () => {
    expect(await firstIssue(good.subarray(0, good.length - 1))).toMatchObject({ code: 'PARSE', path: '' });
    expect((await firstIssue(good.subarray(0, good.length - 1))).message).toBe(MESSAGES.bsonTruncated(good.length, good.length - 1));
    expect(await firstIssue(good.subarray(0, 40))).toMatchObject({ code: 'PARSE', path: '' });
    // still recognised by its prefix, so the message says truncated rather than "unknown format"
    expect((await checkBytes(good.subarray(0, 40))).issues[0]).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonTruncated(good.length, 40) });
    const longer = copy();
    longer.writeInt32LE(good.length + 1000, 0);
    expect(await firstIssue(longer)).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonTruncated(good.length + 1000, good.length) });
    expect(await firstIssue(good.subarray(0, 3))).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonTooShort(3) });
  });

  it('bytes after the document, a negative length, a missing final NUL: PARSE', async () => {
    expect(await firstIssue(Buffer.concat([good, Buffer.from([0, 0])]))).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonTrailing(good.length, good.length + 2) });
    const negative = copy();
    negative.writeInt32LE(-2_094_967_283, 0); // what the library writes for a 2.2 GB document
    expect(await firstIssue(negative)).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonBadLength(-2_094_967_283) });
    const noNul = copy();
    noNul[noNul.length - 1] = 1;
    expect(await firstIssue(noNul)).toMatchObject({ code: 'PARSE', path: '' });
  });

  it('nested lengths past the end of their document: PARSE at the element', async () => {
    const histograms = copy();
    histograms.writeInt32LE(good.length, offsetOf(good, '\x03histograms\x00') + 12);
    expect(await firstIssue(histograms)).toMatchObject({ code: 'PARSE', path: '/histograms' });

    const binary = copy();
    const at = payloadOffsets(good).get(key)!;
    binary.writeInt32LE(0x7ffffff0, at - 5);
    expect(await firstIssue(binary)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/data` });
    binary.writeInt32LE(-1, at - 5);
    expect(await firstIssue(binary)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/data` });

    const string = copy();
    string.writeInt32LE(1000, 0x0c); // the "format" string
    expect(await firstIssue(string)).toMatchObject({ code: 'PARSE', path: '/format' });

    // a sub-document one byte longer than it is: its last element now runs into the parent's end
    const buffer = copy();
    const keyAt = offsetOf(good, `\x03${key}\x00`) + key.length + 3;
    buffer.writeInt32LE(buffer.readInt32LE(keyAt) + 1, keyAt);
    expect((await firstIssue(buffer)).code).toBe('PARSE');

    const early = copy();
    early[0x21] = 0; // the type byte of "version": the document seems to end there
    expect(await firstIssue(early)).toMatchObject({ code: 'PARSE', message: MESSAGES.bsonEarlyEnd('', 0x21, good.length - 1) });
  });

  it('dtype or shape that do not match the byte length: SHAPE_MISMATCH at the data', async () => {
    const dtype = copy();
    const dtypeAt = offsetOf(good, '\x02dtype\x00\x03\x00\x00\x00f8\x00') + 12;
    dtype[dtypeAt] = '4'.charCodeAt(0); // f8 → f4: the data has twice the bytes
    expect(await firstIssue(dtype)).toMatchObject({ code: 'SHAPE_MISMATCH', path: `/buffers/${key}/data` });
    const shape = edited((env) => {
      env.buffers[key].shape = [6];
    });
    expect(await firstIssue(shape)).toMatchObject({ code: 'SHAPE_MISMATCH', path: `/buffers/${key}/data`, message: MESSAGES.bsonArrayBytes(`/buffers/${key}/data`, 'f8', [6], 40, 48) });
    const twoD = edited((env) => {
      env.buffers[key].shape = [5, 2];
    });
    expect(await firstIssue(twoD)).toMatchObject({ code: 'SHAPE_MISMATCH', path: `/buffers/${key}/data` });
  });

  it('unknown dtypes (big-endian or not) are refused clearly: DTYPE_NOT_ALLOWED', async () => {
    const f2 = copy();
    f2[offsetOf(good, '\x02dtype\x00\x03\x00\x00\x00f8\x00') + 12] = '2'.charCodeAt(0);
    expect(await firstIssue(f2)).toMatchObject({ code: 'DTYPE_NOT_ALLOWED', path: `/buffers/${key}/dtype` });
    for (const d of ['>f8', '<f8', 'float64', '']) {
      const bytes = edited((env) => {
        env.buffers[key].dtype = d;
      });
      const found = await firstIssue(bytes);
      expect(found, d).toMatchObject({ code: 'DTYPE_NOT_ALLOWED', path: `/buffers/${key}/dtype` });
      expect(found.message).toContain('little-endian b1, i1, u1');
    }
  });

  it('bad shapes, missing or unknown buffer members, missing arrays', async () => {
    const negative = edited((env) => {
      env.buffers[key].shape = [-5];
    });
    expect(await firstIssue(negative)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/shape/0` });
    const fraction = edited((env) => {
      env.buffers[key].shape = [2.5];
    });
    expect(await firstIssue(fraction)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/shape/0` });
    const noData = edited((env) => {
      delete env.buffers[key].data;
    });
    expect(await firstIssue(noData)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/data` });
    const extra = edited((env) => {
      env.buffers[key].byteorder = 'big';
    });
    expect(await firstIssue(extra)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/byteorder` });
    const missing = edited((env) => {
      delete env.buffers[key];
    });
    expect(await firstIssue(missing)).toMatchObject({ code: 'MISSING_ARRAY', path: '/h/storage/values' });
  });

  it('the envelope: wrong format, newer version, unknown or missing elements', async () => {
    expect(await firstIssue(serialize({ a: 1 }))).toMatchObject({ code: 'PARSE', path: '/format' });
    expect((await checkBytes(serialize({ a: 1 }))).issues[0]).toMatchObject({ code: 'UNKNOWN_FORMAT' }); // not sniffed as ours
    const v2 = edited((env) => {
      env.version = 2;
    });
    expect(await firstIssue(v2)).toMatchObject({ code: 'UNSUPPORTED_VERSION', path: '/version' });
    const v0 = edited((env) => {
      env.version = 0;
    });
    expect(await firstIssue(v0)).toMatchObject({ code: 'PARSE', path: '/version' });
    const extra = edited((env) => {
      env.comment = 'hi';
    });
    expect(await firstIssue(extra)).toMatchObject({ code: 'PARSE', path: '/comment' });
    const noBuffers = edited((env) => {
      delete env.buffers;
    });
    expect(await firstIssue(noBuffers)).toMatchObject({ code: 'PARSE', path: '/buffers' });
  });

  it('BSON types hist-serial never writes, Binary outside /buffers, Binary subtypes other than 0: PARSE', async () => {
    const date = edited((env) => {
      env.histograms.h.metadata.when = new Date(0);
    });
    expect(await firstIssue(date)).toMatchObject({ code: 'PARSE', path: '/histograms/h/metadata/when' });
    const binaryInJson = edited((env) => {
      env.histograms.h.storage.values = new Binary(Buffer.alloc(40));
    });
    expect(await firstIssue(binaryInJson)).toMatchObject({ code: 'PARSE', path: '/histograms/h/storage/values' });
    const subtype = edited((env) => {
      env.buffers[key].data = new Binary(env.buffers[key].data as Buffer, 0x80);
    });
    expect(await firstIssue(subtype)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/data` });
    const oldBinary = edited((env) => {
      env.buffers[key].data = new Binary(env.buffers[key].data as Buffer, 2);
    });
    expect(await firstIssue(oldBinary)).toMatchObject({ code: 'PARSE', path: `/buffers/${key}/data` });
  });

  it('invalid UTF-8 in a string (the library’s check) or in an element name (ours): PARSE', async () => {
    const bad = copy();
    bad[offsetOf(good, 'MARKER')] = 0xff;
    const found = await firstIssue(bad);
    expect(found.code).toBe('PARSE');
    expect(found.message).toMatch(/^Invalid BSON: /);
    const badKey = copy();
    badKey[offsetOf(good, 'KEYMARK')] = 0xff;
    expect(await firstIssue(badKey)).toMatchObject({ code: 'PARSE', path: '/histograms/h/metadata', message: MESSAGES.bsonBadKeyUtf8('/histograms/h/metadata') });
  });

  it('random corruption (3000 seeded mutations) never escapes as anything but a typed issue', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const codes = new Map<string, number>();
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = copy();
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) bytes[rand(bytes.length)] = rand(3) === 0 ? 0 : rand(256);
      const cut = rand(10) === 0 ? bytes.subarray(0, rand(bytes.length)) : bytes;
      const { issues, document } = await checkBytes(cut, { format: 'bson' }); // throws on anything untyped
      const code = document ? 'ok' : issues[0]!.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes.get('PARSE')).toBeGreaterThan(1000);
  });

  it('nesting deeper than the JSON depth limit: LIMIT_EXCEEDED, before the library parses', async () => {
    let deep: Document = { end: 1 };
    for (let i = 0; i < 300; i++) deep = { d: deep };
    const bytes = edited((env) => {
      env.histograms.h.metadata.deep = deep;
    });
    expect((await firstIssue(bytes)).code).toBe('LIMIT_EXCEEDED');
    // histograms (1) → h (2) → metadata (3) → 300 wrappers (4…303) → {end: 1} (304): the depth JSON would have
    expect(() => decodeBson(bytes, 304)).not.toThrow();
    expect(() => decodeBson(bytes, 303)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});
