/**
 * UHI zip codec and .npy arrays: every zip uhi wrote (../shared/reference/uhi-generated) read exactly
 * against MANIFEST.json and the JSON files, JSON → zip → JSON round trips, numpy's .npy headers byte
 * for byte, and the archive's defences (CRC-32, truncation, zip bombs, unsafe member names, ZIP64).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VERSION,
  checkBytes,
  checkFile,
  concatBytes,
  convertFile,
  createDefaultRegistry,
  createDocument,
  decodeDocument,
  decodeNpy,
  denseShape,
  encodeDocument,
  encodeDocumentFiles,
  encodeNpy,
  npyHeader,
  parseNpyHeader,
  readDocument,
  storageSums,
  writeDocument,
  type EncodeOptions,
  type HistDocument,
  type Histogram,
  type Issue,
  type NDArray,
} from '../src/index.js';
import {
  encodeUhiZip,
  escapeMemberName,
  isSafeMemberName,
  listZip,
  setStreamInflateThreshold,
  unescapeMemberName,
  writeZip,
  writeZipFile,
  type ZipMember,
} from '../src/codecs/zip.js';
import { CASES, SPOT_VALUES, axisAsManifest, dump, leaves, manifest, modelArrays, nanSum, readRawFile, type Json } from './helpers/manifest.js';
import { describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('hist-serial-zip-');
const utf8 = (s: string) => new TextEncoder().encode(s);

// ---------------------------------------------------------------------------------------------
// Helpers

/** Encode a document as a UHI zip, in one buffer. */
async function toZip(doc: HistDocument, options: EncodeOptions = {}): Promise<Uint8Array> {
  return encodeDocument(doc, { format: 'uhi-zip', options });
}

/** Issues of decoding bytes (from memory) or of reading them from a file (decodeFile). */
async function issuesOf(bytes: Uint8Array, via: 'bytes' | 'file' = 'bytes'): Promise<Issue[]> {
  if (via === 'bytes') return (await checkBytes(bytes)).issues;
  const file = join(dir, `issue-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, bytes);
  return (await checkFile(file)).issues;
}

/** The error code a function throws (undefined when it does not throw). */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? `(no code) ${String(err)}`;
  }
  return undefined;
}

interface RawMember {
  name: string;
  method: number;
  flags: number;
  /** Offset of the central directory record. */
  central: number;
  /** Offset of the local header. */
  local: number;
  /** Offset of the (stored or compressed) data. */
  data: number;
  compressedSize: number;
}

/** Members read straight from the headers (no ZIP64, no comment: what the writer makes by default). */
function rawMembers(bytes: Uint8Array): RawMember[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = b.length - 22;
  expect(b.readUInt32LE(end)).toBe(0x06054b50);
  const count = b.readUInt16LE(end + 10);
  let p = b.readUInt32LE(end + 16);
  const out: RawMember[] = [];
  for (let k = 0; k < count; k++) {
    expect(b.readUInt32LE(p)).toBe(0x02014b50);
    const n = b.readUInt16LE(p + 28);
    const local = b.readUInt32LE(p + 42);
    const data = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    out.push({
      name: b.toString('utf8', p + 46, p + 46 + n),
      flags: b.readUInt16LE(p + 8),
      method: b.readUInt16LE(p + 10),
      central: p,
      local,
      data,
      compressedSize: b.readUInt32LE(p + 20),
    });
    p += 46 + n + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return out;
}

/** The bytes of a stored member. */
function storedMember(bytes: Uint8Array, name: string): Uint8Array {
  const m = rawMembers(bytes).find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name}`);
  expect(m.method).toBe(0);
  return bytes.subarray(m.data, m.data + m.compressedSize);
}

/** A copy of `bytes` with header fields of member `name` changed in both its local and central records. */
function patchMember(bytes: Uint8Array, name: string, fields: { method?: number; flags?: number; crc?: number; size?: number; compressedSize?: number }): Uint8Array {
  const out = Buffer.from(bytes);
  const m = rawMembers(out).find((x) => x.name === name)!;
  const set = (localAt: number, centralAt: number, value: number, width: 2 | 4) => {
    for (const at of [m.local + localAt, m.central + centralAt]) {
      if (width === 2) out.writeUInt16LE(value, at);
      else out.writeUInt32LE(value, at);
    }
  };
  if (fields.flags !== undefined) set(6, 8, fields.flags, 2);
  if (fields.method !== undefined) set(8, 10, fields.method, 2);
  if (fields.crc !== undefined) set(14, 16, fields.crc, 4);
  if (fields.compressedSize !== undefined) set(18, 20, fields.compressedSize, 4);
  if (fields.size !== undefined) set(22, 24, fields.size, 4);
  return out;
}

/** A .npy file with a hand-written header dict, padded as numpy pads (version 1.0 unless given). */
function makeNpy(dict: string | Uint8Array, data: ArrayLike<number> = [], major = 1): Uint8Array {
  const text = typeof dict === 'string' ? Buffer.from(dict, major === 3 ? 'utf8' : 'latin1') : Buffer.from(dict);
  const pre = major === 1 ? 10 : 12;
  const total = Math.ceil((pre + text.length + 1) / 64) * 64;
  const out = Buffer.alloc(total + data.length, 0x20);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) out.writeUInt16LE(total - pre, 8);
  else out.writeUInt32LE(total - pre, 8);
  text.copy(out, pre);
  out[total - 1] = 0x0a;
  out.set(data, total);
  return out;
}

const f8 = (...v: number[]): NDArray => ({ dtype: 'f8', shape: [v.length], data: new Float64Array(v) });

/** A small 1-D weighted histogram with a variable axis (so an axis array is stored too). */
const weighted = (): Histogram => ({
  axes: [{ type: 'variable', edges: new Float64Array([0, 1, 2.5, 10]), underflow: true, overflow: true, circular: false, metadata: { name: 'pt' } }],
  storage: { type: 'weighted', layout: 'dense', arrays: { values: f8(1, 2.5, -0, NaN, 4), variances: f8(1, 6.25, 0, Infinity, 16) } },
  metadata: { name: 'h', note: 'weighted with a variable axis' },
});

/** A small int histogram (int64 data beyond 2^53). */
const counts = (): Histogram => ({
  axes: [{ type: 'regular', lower: 0, upper: 3, bins: 3, underflow: false, overflow: true, circular: false }],
  storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [4], data: new BigInt64Array([1n, 2n ** 62n, -3n, 0n]) } } },
});

/** A UHI zip made by hand: `h.json` whose `values` names `member`, plus extra members. */
function handZip(json: Json, extra: ZipMember[] = [], name = 'h'): Uint8Array {
  return concatBytes(writeZip([...extra, { name: `${name}.json`, data: [utf8(JSON.stringify(json))] }]));
}

const doubleHist = (values: string): Json => ({
  uhi_schema: 1,
  axes: [{ type: 'regular', lower: 0, upper: 1, bins: 2, underflow: false, overflow: false, circular: false }],
  storage: { type: 'double', values },
});

// ---------------------------------------------------------------------------------------------
// uhi's own zips

describeReference('uhi-generated zips (uhi.io.zip.write)', () => {
  describe.each(CASES)('$name', ({ name, kase }) => {
    const { summary } = kase;
    let doc: HistDocument;
    let h: Histogram;
    let fromJson: Histogram;
    let rawHist: Json;
    let uhiBytes: Uint8Array;

    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', kase.files.zip.path));
      h = doc.histograms.get(name)!;
      fromJson = (await readDocument(ref('uhi-generated', kase.files.json.path))).histograms.get(name)!;
      rawHist = readRawFile(kase.files.json.path)[name] as Json;
      uhiBytes = readFileSync(ref('uhi-generated', kase.files.zip.path));
    });

    it('lists the members of the manifest', async () => {
      expect((await listZip(uhiBytes)).entries.map((e) => e.name)).toEqual(kase.files.zip.members);
    });

    it('holds exactly this one histogram, with the axes and dense shape of the manifest', () => {
      expect([...doc.histograms.keys()]).toEqual([name]);
      expect(h.uhi_schema).toBe(1);
      expect(h.axes.map(axisAsManifest)).toStrictEqual(summary.axes);
      expect(denseShape(h)).toEqual(summary.dense_shape);
    });

    it('has the storage arrays of the manifest, dtype included', () => {
      expect(h.storage.type).toBe(summary.storage_type);
      expect(h.storage.layout).toBe(summary.layout);
      const arrays = modelArrays(h);
      expect(Object.keys(arrays).sort()).toEqual(Object.keys(summary.arrays).sort());
      const sums = storageSums(h) as Record<string, { total: number | string; nanCount: number }>;
      for (const [field, expected] of Object.entries(summary.arrays)) {
        const arr = arrays[field]!;
        // The .npy members keep numpy's dtype: '<f4' stays f4, '<i8' is i8.
        expect(arr.dtype, field).toBe(expected.dtype.replace(/^[<>|=]/, ''));
        expect(arr.shape, field).toEqual(expected.shape);
        if (arr.dtype === 'i8') {
          expect(arr.data, field).toBeInstanceOf(BigInt64Array);
          let sum = 0n;
          for (const v of arr.data as BigInt64Array) sum += v;
          expect(sum, field).toBe(BigInt(expected.nansum));
          expect(expected.nan_count, field).toBe(0);
        } else {
          expect(arr.data, field).toBeInstanceOf(arr.dtype === 'f4' ? Float32Array : Float64Array);
          const { sum, nans } = nanSum(arr.data as Float64Array);
          expect(nans, field).toBe(expected.nan_count);
          if (Number.isInteger(expected.nansum)) expect(sum, field).toBe(expected.nansum);
          else expect(sum, field).toBeCloseTo(expected.nansum, 12);
        }
        if (field !== 'index') {
          expect(sums[field]!.nanCount, field).toBe(expected.nan_count);
          if (arr.dtype === 'i8') expect(sums[field]!.total, field).toBe(String(expected.nansum));
          else expect(sums[field]!.total as number, field).toBeCloseTo(expected.nansum, 12);
        }
      }
    });

    it('has every element of the JSON file, exactly (NaN and signed zeros included)', () => {
      const rawStorage = rawHist.storage as Json;
      const mismatches: string[] = [];
      for (const [field, arr] of Object.entries(modelArrays(h))) {
        const expected = leaves(rawStorage[field]);
        expect(arr.data.length, field).toBe(expected.length);
        expected.forEach((want, i) => {
          const got = arr.data[i];
          const same = typeof got === 'bigint' ? Number.isSafeInteger(want) && got === BigInt(want) : Object.is(got, want);
          if (!same) mismatches.push(`${field}[${i}]: JSON ${want}, zip ${String(got)}`);
        });
      }
      expect(mismatches).toEqual([]);
      for (const [field, flat, want] of SPOT_VALUES[name]!) expect(modelArrays(h)[field]!.data[flat], `${field}[${flat}]`).toBe(want);
    });

    it('equals the histogram of the JSON file in everything but dtypes JSON cannot carry', () => {
      expect(dump({ ...h, storage: undefined })).toStrictEqual(dump({ ...fromJson, storage: undefined }));
      const zipArrays = modelArrays(h);
      for (const [field, arr] of Object.entries(modelArrays(fromJson))) {
        const z = zipArrays[field]!;
        if (z.dtype === arr.dtype) expect(dump(z), field).toStrictEqual(dump(arr));
        else expect(dump(Array.from(z.data as Float32Array)), field).toStrictEqual(dump(Array.from(arr.data as Float64Array)));
      }
    });

    it('decodes the same from memory (decode) as from the file (decodeFile)', async () => {
      const fromBytes = await decodeDocument(uhiBytes);
      expect(dump(fromBytes)).toStrictEqual(dump(doc));
    });

    it('writes the .npy members byte for byte as numpy did, under the same names', async () => {
      const ours = await toZip(doc);
      const names = rawMembers(ours).map((m) => m.name);
      expect([...names].sort()).toEqual([...kase.files.zip.members].sort());
      for (const member of names.filter((n) => n.endsWith('.npy'))) {
        expect(Buffer.from(storedMember(ours, member)).equals(Buffer.from(storedMember(uhiBytes, member))), member).toBe(true);
      }
      // The JSON member references the arrays by the same names uhi uses.
      const ourJson = JSON.parse(Buffer.from(storedMember(ours, `${name}.json`)).toString('utf8')) as Json;
      const theirJson = JSON.parse(Buffer.from(storedMember(uhiBytes, `${name}.json`)).toString('utf8').replace(/\bNaN\b/g, 'null')) as Json;
      expect(ourJson.storage).toStrictEqual(theirJson.storage);
      expect((ourJson.axes as Json[]).map((a) => a.edges)).toStrictEqual((theirJson.axes as Json[]).map((a) => a.edges));
    });

    it('JSON → zip → JSON is exact, and zip → zip is a fixed point (STORE and DEFLATE)', async () => {
      const jsonDoc = await readDocument(ref('uhi-generated', kase.files.json.path));
      const before = dump(jsonDoc);
      const jsonBytes = await encodeDocument(jsonDoc, { format: 'uhi-json' });
      for (const zipCompression of ['store', 'deflate'] as const) {
        const zip = await toZip(jsonDoc, { zipCompression });
        expect(dump(jsonDoc), 'input untouched').toStrictEqual(before);
        expect(new Set(rawMembers(zip).map((m) => m.method))).toEqual(new Set([zipCompression === 'store' ? 0 : 8]));
        const back = await decodeDocument(zip);
        const h2 = back.histograms.get(name)!;
        expect([...back.histograms.keys()]).toEqual([name]);
        expect(dump({ ...h2, writer_info: undefined })).toStrictEqual(dump({ ...fromJson, writer_info: undefined }));
        const original = fromJson.writer_info ?? {};
        expect(h2.writer_info).toStrictEqual({ ...original, 'hist-serial': { ...original['hist-serial'], version: VERSION } });
        expect(Buffer.from(await encodeDocument(back, { format: 'uhi-json' })).equals(Buffer.from(jsonBytes)), 'JSON bytes').toBe(true);
        expect(Buffer.from(await toZip(back, { zipCompression })).equals(Buffer.from(zip)), 'zip bytes').toBe(true);
      }
    });
  });

  it('all.zip (DEFLATE) holds every case, in order, each equal to its own zip', async () => {
    const bytes = readFileSync(ref('uhi-generated', 'all.zip'));
    expect(new Set((await listZip(bytes)).entries.map((e) => rawMembers(bytes).find((m) => m.name === e.name)!.method))).toEqual(new Set([8]));
    const all = await readDocument(ref('uhi-generated', 'all.zip'));
    const names = manifest!.combined['all.json'].histograms;
    expect([...all.histograms.keys()]).toEqual(names);
    for (const name of names) {
      const single = await readDocument(ref('uhi-generated', manifest!.cases[name]!.files.zip.path));
      expect(dump(all.histograms.get(name)), name).toStrictEqual(dump(single.histograms.get(name)));
    }
    expect(dump(await decodeDocument(bytes))).toStrictEqual(dump(all));
  });

  it("numpy's header bytes from LAYOUT.txt are what npyHeader writes", () => {
    const line = readFileSync(ref('uhi-generated', 'LAYOUT.txt'), 'utf8').split('\n').find((l) => l.startsWith('== .npy header bytes'))!;
    const repr = line.slice(line.indexOf('b"') + 2, line.lastIndexOf('"'));
    const expected = Buffer.from(repr.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\n/g, '\n'), 'latin1');
    expect(expected.length).toBe(128);
    expect(Buffer.from(npyHeader('f8', [7, 5])).equals(expected)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// .npy

describe('.npy arrays', () => {
  it('writes numpy 1.24 headers: 64-byte aligned, spare room after the dict, () for 0-d', () => {
    const h0 = Buffer.from(npyHeader('f8', [])).toString('latin1');
    // np.save(f, np.float64(2.5)) in numpy 1.24 (no spare room for a 0-d shape)
    expect(h0).toBe(`\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }${' '.repeat(62)}\n`);
    for (const [dtype, shape] of [['f8', [12]], ['i8', [2, 12]], ['u1', [1, 2, 3, 4]], ['b1', [0]], ['f4', [123456789]]] as const) {
      const hdr = npyHeader(dtype, shape);
      expect(hdr.length % 64, `${dtype} ${shape}`).toBe(0);
      expect(hdr[6]).toBe(1);
      const parsed = parseNpyHeader(hdr);
      expect(parsed).toMatchObject({ dtype, shape: [...shape], fortranOrder: false, dataOffset: hdr.length });
    }
    expect(parseNpyHeader(npyHeader('u1', [3])).descr).toBe('|u1');
    expect(parseNpyHeader(npyHeader('b1', [3])).descr).toBe('|b1');
    expect(parseNpyHeader(npyHeader('i4', [3])).descr).toBe('<i4');
  });

  it('switches to version 2.0 when the header passes 65535 bytes, and reads it back', () => {
    const shape = new Array<number>(25_000).fill(1);
    const hdr = npyHeader('u1', shape);
    expect(hdr[6]).toBe(2);
    expect(hdr.length % 64).toBe(0);
    expect(hdr.length).toBeGreaterThan(65_535);
    const arr = decodeNpy(Buffer.concat([hdr, Buffer.from([7])]));
    expect(arr.shape).toHaveLength(25_000);
    expect(Array.from(arr.data as Uint8Array)).toEqual([7]);
  });

  it('reads version 3.0 (UTF-8 header) and refuses a 3.0 header that is not UTF-8', () => {
    const data = Buffer.alloc(16);
    data.writeDoubleLE(1.5, 0);
    data.writeDoubleLE(-2, 8);
    const arr = decodeNpy(makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 3));
    expect(Array.from(arr.data as Float64Array)).toEqual([1.5, -2]);
    const bad = Buffer.from("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\xff", 'latin1');
    expect(codeOf(() => decodeNpy(makeNpy(bad, data, 3)))).toBe('PARSE');
  });

  it('round-trips every dtype as a zero-copy view when aligned', () => {
    const arrays: NDArray[] = [
      { dtype: 'b1', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { dtype: 'i1', shape: [2], data: new Int8Array([-128, 127]) },
      { dtype: 'u1', shape: [2], data: new Uint8Array([0, 255]) },
      { dtype: 'i2', shape: [2], data: new Int16Array([-32768, 32767]) },
      { dtype: 'u2', shape: [2], data: new Uint16Array([0, 65535]) },
      { dtype: 'i4', shape: [2, 1], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
      { dtype: 'u4', shape: [2], data: new Uint32Array([0, 2 ** 32 - 1]) },
      { dtype: 'i8', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
      { dtype: 'u8', shape: [2], data: new BigUint64Array([0n, 2n ** 64n - 1n]) },
      { dtype: 'f4', shape: [3], data: new Float32Array([0.5, -0, NaN]) },
      { dtype: 'f8', shape: [1, 3], data: new Float64Array([-0, Infinity, 1e-310]) },
      { dtype: 'f8', shape: [], data: new Float64Array([2.5]) },
      { dtype: 'f8', shape: [0, 3], data: new Float64Array(0) },
    ];
    for (const a of arrays) {
      const bytes = Buffer.concat(encodeNpy(a));
      const back = decodeNpy(bytes);
      expect(dump(back), `${a.dtype} [${a.shape}]`).toStrictEqual(dump(a));
      if (a.data.length) expect(back.data.buffer, `${a.dtype} zero-copy`).toBe(bytes.buffer);
    }
  });

  it('copies data that is not aligned to its item size, with the same values', () => {
    const bytes = Buffer.concat(encodeNpy(f8(1, 2, 3)));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const back = decodeNpy(shifted);
    expect(back.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(back.data as Float64Array)).toEqual([1, 2, 3]);
  });

  it('converts big-endian data to native', () => {
    const be8 = Buffer.alloc(16);
    be8.writeDoubleBE(1.25, 0);
    be8.writeDoubleBE(-1e300, 8);
    expect(Array.from(decodeNpy(makeNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be8)).data as Float64Array)).toEqual([1.25, -1e300]);
    const bei8 = Buffer.alloc(16);
    bei8.writeBigInt64BE(-(2n ** 62n) - 1n, 0);
    bei8.writeBigInt64BE(42n, 8);
    const i8 = decodeNpy(makeNpy("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", bei8));
    expect(i8.dtype).toBe('i8');
    expect(Array.from(i8.data as BigInt64Array)).toEqual([-(2n ** 62n) - 1n, 42n]);
    const be4 = Buffer.alloc(8);
    be4.writeInt32BE(-7, 0);
    be4.writeInt32BE(70000, 4);
    expect(Array.from(decodeNpy(makeNpy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be4)).data as Int32Array)).toEqual([-7, 70000]);
    const bef4 = Buffer.alloc(4);
    bef4.writeFloatBE(0.375, 0);
    expect(Array.from(decodeNpy(makeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", bef4)).data as Float32Array)).toEqual([0.375]);
    const beu2 = Buffer.from([0x12, 0x34]);
    expect(Array.from(decodeNpy(makeNpy("{'descr': '>u2', 'fortran_order': False, 'shape': (), }", beu2)).data as Uint16Array)).toEqual([0x1234]);
    // '|' and '=' orders, and one-byte types written with '<'
    expect(decodeNpy(makeNpy("{'descr': '=f8', 'fortran_order': False, 'shape': (), }", Buffer.from(new Float64Array([3]).buffer))).data[0]).toBe(3);
    expect(decodeNpy(makeNpy("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), }", [9])).data[0]).toBe(9);
  });

  it('transposes fortran_order data to C order (2-d and 3-d), leaving 1-d as is', () => {
    // C array [[0,1,2],[3,4,5]] stored column-major: 0,3,1,4,2,5
    const f2 = decodeNpy(makeNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", Buffer.from(new Float64Array([0, 3, 1, 4, 2, 5]).buffer)));
    expect(f2.shape).toEqual([2, 3]);
    expect(Array.from(f2.data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5]);
    // 3-d: C value at (i, j, k) is 100i + 10j + k; Fortran position is i + 2j + 6k
    const shape = [2, 3, 4];
    const fdata = new BigInt64Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fdata[i + 2 * j + 6 * k] = BigInt(100 * i + 10 * j + k);
    const f3 = decodeNpy(makeNpy("{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3, 4), }", Buffer.from(fdata.buffer)));
    const expected: bigint[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(BigInt(100 * i + 10 * j + k));
    expect(f3.shape).toEqual(shape);
    expect(Array.from(f3.data as BigInt64Array)).toEqual(expected);
    // big-endian and Fortran at once
    const be = Buffer.alloc(16);
    [1, 3, 2, 4].forEach((v, i) => be.writeInt32BE(v, 4 * i));
    const both = decodeNpy(makeNpy("{'descr': '>i4', 'fortran_order': True, 'shape': (2, 2), }", be));
    expect(Array.from(both.data as Int32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from(decodeNpy(makeNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", Buffer.from(new Float64Array([5, 6]).buffer))).data as Float64Array)).toEqual([5, 6]);
  });

  it("accepts numpy's header variants: key order, double quotes, Python 2 longs, no trailing comma", () => {
    const data = Buffer.from(new Float64Array([1, 2, 3]).buffer);
    for (const dict of [
      "{'shape': (3,), 'fortran_order': False, 'descr': '<f8'}",
      '{"descr": "<f8", "fortran_order": False, "shape": (3,)}',
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }",
      "  {'descr':'<f8','fortran_order':False,'shape':(3,)}  ",
    ]) {
      expect(Array.from(decodeNpy(makeNpy(dict, data)).data as Float64Array), dict).toEqual([1, 2, 3]);
    }
  });

  it('refuses every malformed header with a typed error, before allocating', () => {
    const d = (shape: string, descr = "'<f8'", fortran = 'False') => `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
    const eight = new Uint8Array(8);
    const cases: [string, Uint8Array, string][] = [
      ['bad magic', Buffer.from('\x93NUMPX\x01\x00\x10\x00', 'latin1'), 'PARSE'],
      ['empty', new Uint8Array(0), 'PARSE'],
      ['version 4.0', (() => { const b = Buffer.from(makeNpy(d('(1,)'), eight)); b[6] = 4; return b; })(), 'PARSE'],
      ['version 1.1', (() => { const b = Buffer.from(makeNpy(d('(1,)'), eight)); b[7] = 1; return b; })(), 'PARSE'],
      ['cut in the length field', makeNpy(d('(1,)'), eight).subarray(0, 9), 'PARSE'],
      ['cut in the header', makeNpy(d('(1,)'), eight).subarray(0, 40), 'PARSE'],
      ['not a dict', makeNpy("['<f8', False, (1,)]", eight), 'PARSE'],
      ['missing key', makeNpy("{'descr': '<f8', 'shape': (1,)}", eight), 'PARSE'],
      ['extra key', makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", eight), 'PARSE'],
      ['duplicate key', makeNpy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", eight), 'PARSE'],
      ['shape not a tuple', makeNpy(d('(1)'), eight), 'PARSE'],
      ['shape a list', makeNpy(d('[1]'), eight), 'PARSE'],
      ['negative dimension', makeNpy(d('(-1,)'), eight), 'PARSE'],
      ['fortran_order not a bool', makeNpy(d('(1,)', "'<f8'", '0'), eight), 'PARSE'],
      ['descr not a string', makeNpy(d('(1,)', '8'), eight), 'PARSE'],
      ['unterminated string', makeNpy("{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}", eight), 'PARSE'],
      ['text after the dict', makeNpy(d('(1,)') + ' junk', eight), 'PARSE'],
      ['a float', makeNpy(d('(1.0,)'), eight), 'PARSE'],
      ['code', makeNpy("{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,)}", eight), 'PARSE'],
      ['nested too deep', makeNpy(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': ${'('.repeat(40)}${')'.repeat(40)}}`, eight), 'PARSE'],
      ['fewer bytes than the shape', makeNpy(d('(2,)'), eight), 'PARSE'],
      ['more bytes than the shape', makeNpy(d('(1,)'), new Uint8Array(16)), 'PARSE'],
      ['a shape of 10^15 elements on 8 bytes', makeNpy(d('(1000000000000000,)'), eight), 'PARSE'],
      ['a shape whose product overflows 2^64', makeNpy(d('(4294967296, 4294967296, 16)'), eight), 'PARSE'],
      ['half floats', makeNpy(d('(4,)', "'<f2'"), eight), 'DTYPE_NOT_ALLOWED'],
      ['complex', makeNpy(d('(1,)', "'<c16'"), new Uint8Array(16)), 'DTYPE_NOT_ALLOWED'],
      ['strings', makeNpy(d('(1,)', "'<U2'"), eight), 'DTYPE_NOT_ALLOWED'],
      ['objects', makeNpy(d('(1,)', "'|O'"), eight), 'DTYPE_NOT_ALLOWED'],
      ['structured', makeNpy(d('(1,)', "[('a', '<f8')]"), eight), 'DTYPE_NOT_ALLOWED'],
    ];
    const failures = cases.filter(([, bytes, code]) => codeOf(() => decodeNpy(bytes)) !== code).map(([what, bytes]) => `${what}: ${codeOf(() => decodeNpy(bytes))}`);
    expect(failures).toEqual([]);
  });

  it('names the member and the array position in its messages', () => {
    try {
      decodeNpy(makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(8)), { what: 'zip member "h_storage_values.npy"', path: '/h/storage/values' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'PARSE', path: '/h/storage/values' });
      expect((err as Error).message).toContain('h_storage_values.npy');
      expect((err as Error).message).toContain('(3)');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Writing and reading hist-serial's own zips

describe('uhi-zip codec', () => {
  it('is registered: sniffed from PK\\x03\\x04, chosen by the .zip extension', async () => {
    const registry = createDefaultRegistry();
    const bytes = await toZip(createDocument({ h: weighted() }));
    expect(registry.bySniffing(bytes)?.name).toBe('uhi-zip');
    expect(registry.byExtension('out.ZIP')?.name).toBe('uhi-zip');
    expect(registry.entry('uhi-zip').writable).toBe(true);
    expect((await registry.load('uhi-zip')).arrays).toBe('external');
  });

  it('round-trips histograms exactly, int64 beyond 2^53, NaN, ±Infinity and -0 included', async () => {
    const doc = createDocument({ h: weighted(), c: counts() });
    for (const zipCompression of ['store', 'deflate'] as const) {
      const back = await decodeDocument(await toZip(doc, { zipCompression }));
      expect([...back.histograms.keys()]).toEqual(['h', 'c']);
      for (const name of ['h', 'c']) {
        expect(dump({ ...back.histograms.get(name), writer_info: undefined }), `${name} ${zipCompression}`).toStrictEqual(dump({ ...doc.histograms.get(name), writer_info: undefined, uhi_schema: 1 }));
      }
    }
  });

  it('names members as uhi does and stores arrays before the JSON that references them', async () => {
    const zip = await toZip(createDocument({ h: weighted(), c: counts() }));
    expect(rawMembers(zip).map((m) => m.name)).toEqual([
      'h_storage_values.npy',
      'h_storage_variances.npy',
      'h_axis_0_edges.npy',
      'h.json',
      'c_storage_values.npy',
      'c.json',
    ]);
    const json = JSON.parse(Buffer.from(storedMember(zip, 'h.json')).toString('utf8').replace(/\bNaN\b|-?Infinity/g, '0')) as Json;
    expect(json.storage).toEqual({ type: 'weighted', values: 'h_storage_values.npy', variances: 'h_storage_variances.npy' });
    expect((json.axes as Json[])[0]!.edges).toBe('h_axis_0_edges.npy');
    expect((json.writer_info as Json)['hist-serial']).toEqual({ version: VERSION });
  });

  it('passes array buffers through without copying, and aligns stored .npy data to 64 bytes', async () => {
    const h = weighted();
    const { main } = await encodeDocumentFiles(createDocument({ h }), { format: 'uhi-zip' });
    expect(Array.isArray(main)).toBe(true);
    const chunks = main as readonly Uint8Array[];
    expect(chunks.some((c) => c.buffer === h.storage.arrays.values!.data.buffer)).toBe(true);
    expect(chunks.some((c) => c.buffer === h.storage.arrays.variances!.data.buffer)).toBe(true);
    const bytes = concatBytes(main);
    for (const m of rawMembers(bytes).filter((x) => x.name.endsWith('.npy'))) {
      const dataStart = m.data + parseNpyHeader(bytes.subarray(m.data)).dataOffset;
      expect(dataStart % 64, m.name).toBe(0);
    }
    // ... so reading from memory makes views of the input, not copies
    const back = await decodeDocument(bytes);
    expect(back.histograms.get('h')!.storage.arrays.values!.data.buffer).toBe(bytes.buffer);
  });

  it('writes files with writeDocument and reads them with readDocument (decodeFile)', async () => {
    const file = join(dir, 'doc.zip');
    const doc = createDocument({ h: weighted(), c: counts() });
    const written = await writeDocument(file, doc);
    expect(written).toMatchObject({ format: 'uhi-zip' });
    expect(written.bytes).toBe(readFileSync(file).length);
    const back = await readDocument(file);
    expect(dump(back)).toStrictEqual(dump(await decodeDocument(readFileSync(file))));
    expect(dump({ ...back.histograms.get('c'), writer_info: undefined })).toStrictEqual(dump({ ...counts(), uhi_schema: 1 }));
    // JSON -> zip -> JSON through convertFile
    const json = join(dir, 'doc.json');
    await writeDocument(json, doc);
    const zip2 = join(dir, 'doc2.zip');
    expect(await convertFile(json, zip2)).toMatchObject({ from: 'uhi-json', to: 'uhi-zip', histograms: ['h', 'c'] });
    const json2 = join(dir, 'doc2.json');
    expect(await convertFile(zip2, json2)).toMatchObject({ from: 'uhi-zip', to: 'uhi-json' });
    expect(readFileSync(json2, 'utf8')).toBe(readFileSync(json, 'utf8'));
  });

  it('writes the same bytes to a file (CRC-32 computed while writing) as in memory', async () => {
    const members: ZipMember[] = [
      { name: 'a.npy', data: encodeNpy(f8(1, 2, 3)), align: 64 },
      { name: 'b/é.txt', data: [utf8('x'.repeat(3 << 20))] },
      { name: 'empty', data: [] },
    ];
    for (const options of [{}, { compression: 'deflate' as const, level: 1 }, { forceZip64: true }]) {
      const file = join(dir, 'same.zip');
      await writeZipFile(file, members, options);
      expect(Buffer.from(readFileSync(file)).equals(Buffer.from(concatBytes(writeZip(members, options)))), JSON.stringify(options)).toBe(true);
    }
  });

  it('DEFLATE: honours the level, and compresses counts', async () => {
    const n = 20_000;
    const values = new BigInt64Array(n).map((_, i) => BigInt(i % 7));
    const doc = createDocument({
      big: {
        axes: [{ type: 'regular', lower: 0, upper: 1, bins: n, underflow: false, overflow: false, circular: false }],
        storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [n], data: values } } },
      },
    });
    const store = await toZip(doc);
    const sizes = await Promise.all([0, 1, 9].map(async (zipLevel) => (await toZip(doc, { zipCompression: 'deflate', zipLevel })).length));
    expect(sizes[0]).toBeGreaterThan(store.length); // level 0: stored blocks inside DEFLATE
    expect(sizes[1]).toBeLessThan(store.length / 10);
    expect(sizes[2]).toBeLessThanOrEqual(sizes[1]!);
    const back = await decodeDocument(await toZip(doc, { zipCompression: 'deflate', zipLevel: 9 }));
    expect(Array.from(back.histograms.get('big')!.storage.arrays.values!.data as BigInt64Array)).toEqual(Array.from(values));
  });

  it('refuses bad options with INVALID_ARGUMENT', async () => {
    const doc = createDocument({ h: weighted() });
    await expect(toZip(doc, { zipCompression: 'lzma' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(toZip(doc, { zipCompression: 'deflate', zipLevel: 10 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(toZip(doc, { zipCompression: 'deflate', zipLevel: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reads arrays stored big-endian, in Fortran order, as float32 and as integers in float storage', async () => {
    const be = Buffer.alloc(16);
    be.writeDoubleBE(1.5, 0);
    be.writeDoubleBE(2.5, 8);
    const raw = handZip(doubleHist('h_storage_values.npy'), [{ name: 'h_storage_values.npy', data: [makeNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", be)] }]);
    const h = (await decodeDocument(raw)).histograms.get('h')!;
    expect(h.storage.arrays.values).toMatchObject({ dtype: 'f8', shape: [2] });
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([1.5, 2.5]);

    const json2d = { ...doubleHist('v.npy'), axes: [{ type: 'boolean' }, { type: 'category_str', categories: ['a', 'b', 'c'], flow: false }] };
    const f = makeNpy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", Buffer.from(new Int32Array([0, 3, 1, 4, 2, 5]).buffer));
    const h2 = (await decodeDocument(handZip(json2d, [{ name: 'v.npy', data: [f] }]))).histograms.get('h')!;
    // integer data in double storage becomes f8 (lossless), in C order
    expect(h2.storage.arrays.values).toMatchObject({ dtype: 'f8', shape: [2, 3] });
    expect(Array.from(h2.storage.arrays.values!.data as Float64Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports a missing member as MISSING_ARRAY and a bad .npy at its array position', async () => {
    expect((await issuesOf(handZip(doubleHist('nope.npy'))))[0]).toMatchObject({ code: 'MISSING_ARRAY', path: '/h/storage/values' });
    const bad = handZip(doubleHist('v.npy'), [{ name: 'v.npy', data: [utf8('not an array at all')] }]);
    const issue = (await issuesOf(bad))[0]!;
    expect(issue).toMatchObject({ code: 'PARSE', path: '/h/storage/values' });
    expect(issue.message).toContain('v.npy');
    const half = handZip(doubleHist('v.npy'), [{ name: 'v.npy', data: [makeNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(4))] }]);
    expect((await issuesOf(half))[0]).toMatchObject({ code: 'DTYPE_NOT_ALLOWED', path: '/h/storage/values' });
    const short = handZip(doubleHist('v.npy'), [{ name: 'v.npy', data: [makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8))] }]);
    for (const via of ['bytes', 'file'] as const) expect((await issuesOf(short, via))[0], via).toMatchObject({ code: 'PARSE', path: '/h/storage/values' });
  });

  it('names the member in JSON errors, and refuses archives without a histogram', async () => {
    const broken = concatBytes(writeZip([{ name: 'h.json', data: [utf8('{"uhi_schema": 1, "axes": [')] }]));
    const issue = (await issuesOf(broken))[0]!;
    expect(issue).toMatchObject({ code: 'PARSE', path: '/h' });
    expect(issue.message).toContain('"h.json"');
    const npz = concatBytes(writeZip([{ name: 'arr_0.npy', data: encodeNpy(f8(1, 2)) }]));
    expect((await issuesOf(npz))[0]).toMatchObject({ code: 'PARSE' });
  });

  it('reads archives with data before them (self-extractors) and with a comment after them', async () => {
    const zip = await toZip(createDocument({ h: weighted() }));
    const prefixed = Buffer.concat([Buffer.alloc(1000, 0x41), zip]);
    const commented = Buffer.from(Buffer.concat([zip, Buffer.from('a comment')]));
    commented.writeUInt16LE(9, zip.length - 2);
    for (const bytes of [prefixed, commented]) {
      const r = await checkBytes(bytes, { format: 'uhi-zip' });
      expect(r.issues).toEqual([]);
      expect(Array.from(r.document!.histograms.get('h')!.storage.arrays.values!.data as Float64Array)).toEqual([1, 2.5, -0, NaN, 4]);
    }
  });

  it('reads a histogram stored under the name "__proto__" as an ordinary name', async () => {
    const r = await checkBytes(handZip(doubleHist('v.npy'), [{ name: 'v.npy', data: encodeNpy(f8(1, 2)) }], '__proto__'));
    expect(r.issues).toEqual([]);
    expect([...r.document!.histograms.keys()]).toEqual(['__proto__']);
  });
});

// ---------------------------------------------------------------------------------------------
// Defences

describe('zip defences', () => {
  let zip: Uint8Array;
  let deflated: Uint8Array;
  beforeAll(async () => {
    zip = await toZip(createDocument({ h: weighted() }));
    deflated = await toZip(createDocument({ h: weighted() }), { zipCompression: 'deflate' });
  });

  describe.each(['bytes', 'file'] as const)('read from %s', (via) => {
    it('verifies CRC-32: a flipped data byte or a wrong checksum is a PARSE error', async () => {
      const m = rawMembers(zip).find((x) => x.name === 'h_storage_values.npy')!;
      const flipped = Buffer.from(zip);
      flipped[m.data + parseNpyHeader(zip.subarray(m.data)).dataOffset + 3]! ^= 0x01; // inside the array data
      let issue = (await issuesOf(flipped, via))[0]!;
      expect(issue.code).toBe('PARSE');
      expect(issue.message).toMatch(/CRC-32 mismatch in zip member "h_storage_values\.npy"/);
      // A damaged .npy header is reported as the corruption it is, not as a malformed header.
      const header = Buffer.from(zip);
      header[m.data + 20]! ^= 0x01;
      expect((await issuesOf(header, via))[0]!.message).toMatch(/CRC-32 mismatch in zip member "h_storage_values\.npy"/);
      const jsonFlipped = Buffer.from(zip);
      const j = rawMembers(zip).find((x) => x.name === 'h.json')!;
      jsonFlipped[j.data + 5]! ^= 0x20;
      expect((await issuesOf(jsonFlipped, via))[0]!.message).toMatch(/CRC-32 mismatch in zip member "h\.json"/);
      issue = (await issuesOf(patchMember(deflated, 'h_axis_0_edges.npy', { crc: 0x12345678 }), via))[0]!;
      expect(issue.code).toBe('PARSE');
      expect(issue.message).toMatch(/CRC-32 mismatch.*0x12345678/);
    });

    it('skips CRC-32 checks only when asked (verifyChecksums: false)', async () => {
      const m = rawMembers(zip).find((x) => x.name === 'h_storage_values.npy')!;
      const flipped = Buffer.from(zip);
      const at = m.data + parseNpyHeader(zip.subarray(m.data)).dataOffset;
      flipped[at + 7]! ^= 0x80; // the sign bit of values[0]
      const file = join(dir, `unchecked-${via}.zip`);
      writeFileSync(file, flipped);
      const unchecked = via === 'bytes' ? await checkBytes(flipped, { verifyChecksums: false }) : await checkFile(file, { verifyChecksums: false });
      expect(unchecked.issues).toEqual([]);
      expect(unchecked.document!.histograms.get('h')!.storage.arrays.values!.data[0]).toBe(-1);
      const checked = via === 'bytes' ? await checkBytes(flipped) : await checkFile(file);
      expect(checked.issues[0]!.message).toMatch(/CRC-32 mismatch/);
    });

    it('refuses truncated archives with PARSE', async () => {
      for (const cut of [1, 22, zip.length >> 1, zip.length - 10]) {
        const issues = await issuesOf(zip.subarray(0, zip.length - cut), via);
        expect(issues.map((i) => i.code), `cut ${cut}`).toEqual(['PARSE']);
      }
      const holed = Buffer.concat([zip.subarray(0, 200), zip.subarray(208)]);
      expect((await issuesOf(holed, via)).map((i) => i.code)).toEqual(['PARSE']);
      expect((await issuesOf(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), via)).map((i) => i.code)).toEqual(['PARSE']);
    });

    it('refuses a zip bomb (1 KiB declared, 1 GiB inflated) fast, without allocating it', async () => {
      // 1024 × 1 MiB of zeros, each a self-contained DEFLATE segment (full flush), then a final empty block.
      const segment = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
      const stream = Buffer.concat([...new Array<Buffer>(1024).fill(segment), Buffer.from([0x03, 0x00])]);
      const stored = concatBytes(writeZip([{ name: 'h.json', data: [stream] }]));
      const bomb = patchMember(stored, 'h.json', { method: 8, size: 1024 });
      const rssBefore = process.resourceUsage().maxRSS;
      const t0 = performance.now();
      const issues = await issuesOf(bomb, via);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'LIMIT_EXCEEDED' });
      expect(issues[0]!.message).toMatch(/inflates to more than its declared 1024 bytes/);
      expect((process.resourceUsage().maxRSS - rssBefore) / 1024).toBeLessThan(256); // MiB: far from 1 GiB
      // Declaring the 1 GiB honestly from 1 KiB of data passes DEFLATE's 1032:1 limit: refused before inflating.
      const tiny = concatBytes(writeZip([{ name: 'h.json', data: [segment.subarray(0, 1024)] }]));
      const liar = patchMember(tiny, 'h.json', { method: 8, size: 2 ** 30 });
      const issue = (await issuesOf(liar, via))[0]!;
      expect(issue.code).toBe('LIMIT_EXCEEDED');
      expect(issue.message).toMatch(/1032:1/);
    });

    it('refuses member names that leave the archive', async () => {
      const npy = encodeNpy(f8(1, 2));
      for (const name of ['../x.npy', '/abs.npy', 'a/../../x.npy', 'dir\\x.npy', 'nul\0.npy', '..']) {
        const bytes = handZip(doubleHist('h_storage_values.npy'), [{ name: 'h_storage_values.npy', data: npy }, { name, data: npy }]);
        const issue = (await issuesOf(bytes, via))[0]!;
        expect(issue.code, JSON.stringify(name)).toBe('PARSE');
        expect(issue.message, JSON.stringify(name)).toMatch(/is not a plain relative path inside the archive/);
      }
    });

    it('refuses duplicate names, overlapping members, encryption and unknown methods', async () => {
      const npy = encodeNpy(f8(1, 2));
      const two = handZip(doubleHist('a.npy'), [{ name: 'a.npy', data: npy }, { name: 'b.npy', data: npy }]);
      const dup = Buffer.from(two);
      for (const m of rawMembers(two).filter((x) => x.name === 'b.npy')) {
        dup.write('a', m.local + 30, 'latin1');
        dup.write('a', m.central + 46, 'latin1');
      }
      expect((await issuesOf(dup, via))[0]!.message).toMatch(/lists member "a\.npy" more than once/);
      const overlap = Buffer.from(two);
      const b = rawMembers(two).find((x) => x.name === 'b.npy')!;
      overlap.writeUInt32LE(rawMembers(two).find((x) => x.name === 'a.npy')!.local, b.central + 42);
      expect((await issuesOf(overlap, via))[0]!.message).toMatch(/overlaps/);
      expect((await issuesOf(patchMember(two, 'a.npy', { flags: 1 }), via))[0]!.message).toMatch(/encryption/);
      expect((await issuesOf(patchMember(two, 'a.npy', { method: 12 }), via))[0]!.message).toMatch(/compression method 12/);
      const twice = concatBytes(writeZip([{ name: 'a/b.json', data: [utf8('{}')] }, { name: 'a%2Fb.json', data: [utf8('{}')] }]));
      expect((await issuesOf(twice, via))[0]!.message).toMatch(/both hold histogram "a\/b"/);
    });

    it('applies maxInputBytes to the members it inflates', async () => {
      const file = join(dir, `limit-${via}.zip`);
      writeFileSync(file, deflated);
      const limits = { maxInputBytes: 400 };
      const r = via === 'file' ? await checkFile(file, { limits: { maxInputBytes: deflated.length } }) : await checkBytes(deflated, { limits: { maxInputBytes: deflated.length } });
      expect(r.issues.map((i) => i.code)).toEqual(['LIMIT_EXCEEDED']);
      const small = via === 'file' ? await checkFile(file, { limits }) : await checkBytes(deflated, { limits });
      expect(small.issues.map((i) => i.code)).toEqual(['LIMIT_EXCEEDED']);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Names and ZIP64

describe('member names', () => {
  const ODD: [string, string][] = [
    ['a/b', 'a%2Fb'],
    ['../evil', '..%2Fevil'],
    ['/abs', '%2Fabs'],
    ['back\\slash', 'back%5Cslash'],
    ['nul\0x', 'nul%00x'],
    ['tab\tnew\nline\x7f', 'tab%09new%0Aline%7F'],
    ['50%', '50%'],
    ['50% of 2F', '50% of 2F'],
    ['a%2Fb', 'a%252Fb'],
    ['%%41', '%%2541'],
    ['é∞ 日本 🎉', 'é∞ 日本 🎉'],
    ['..', '..'],
    ['C:x', 'C:x'],
    ['x.json', 'x.json'],
    ['name_storage_values', 'name_storage_values'],
  ];

  it('escapes only what would leave the archive or read as an escape, and unescapes exactly', () => {
    for (const [name, stem] of ODD) {
      expect(escapeMemberName(name), JSON.stringify(name)).toBe(stem);
      expect(unescapeMemberName(stem), JSON.stringify(stem)).toBe(name);
      expect(isSafeMemberName(`${stem}.json`), stem).toBe(true);
    }
    // names uhi writes literally are read literally, except its own escapes of the characters above
    for (const stem of ['50%', '%41', '%ZZ', '100%25x', 'a%c3%a9']) expect(unescapeMemberName(stem), stem).toBe(stem === '100%25x' ? '100%x' : stem);
  });

  it('writes odd histogram names to safe members and reads them back under the same names', async () => {
    const entries = ODD.map(([name], i) => [name, i % 2 ? counts() : weighted()] as [string, Histogram]);
    const doc = createDocument(entries);
    for (const zipCompression of ['store', 'deflate'] as const) {
      const bytes = await toZip(doc, { zipCompression });
      const dirEntries = (await listZip(bytes)).entries;
      expect(dirEntries.every((e) => isSafeMemberName(e.name))).toBe(true);
      expect(dirEntries.filter((e) => e.name.endsWith('.json')).map((e) => e.name)).toEqual(ODD.map(([, stem]) => `${stem}.json`));
      expect(dirEntries.filter((e) => e.name.includes('日本')).every((e) => e.flags & 0x800)).toBe(true);
      expect(dirEntries.filter((e) => !/[^\x00-\x7f]/.test(e.name)).every((e) => !(e.flags & 0x800))).toBe(true);
      const back = await decodeDocument(bytes);
      expect([...back.histograms.keys()]).toEqual(ODD.map(([name]) => name));
      for (const [name, h] of entries) expect(dump({ ...back.histograms.get(name), writer_info: undefined }), name).toStrictEqual(dump({ ...h, uhi_schema: 1 }));
    }
  });

  it('refuses names a zip cannot hold with INVALID_ARGUMENT', async () => {
    await expect(toZip(createDocument({ 'lone \ud800 surrogate': weighted() }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(toZip(createDocument({ ['x'.repeat(70_000)]: weighted() }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('ZIP64', () => {
  it('forced on a small archive: ZIP64 records written, and read back identically', async () => {
    const doc = createDocument({ h: weighted(), c: counts() });
    const { json, resources } = await import('../src/model/to-uhi.js').then((m) => m.toUHI(doc, { arrays: 'external' }));
    for (const compression of ['store', 'deflate'] as const) {
      const bytes = concatBytes(encodeUhiZip({ json, resources }, { compression, forceZip64: true }));
      const b = Buffer.from(bytes);
      // ZIP64 end record + locator before a saturated end record
      const end = b.length - 22;
      expect(b.readUInt32LE(end)).toBe(0x06054b50);
      expect(b.readUInt16LE(end + 10)).toBe(0xffff);
      expect(b.readUInt32LE(end + 12)).toBe(0xffffffff);
      expect(b.readUInt32LE(end + 16)).toBe(0xffffffff);
      expect(b.readUInt32LE(end - 20)).toBe(0x07064b50);
      expect(b.readUInt32LE(end - 20 - 56)).toBe(0x06064b50);
      const listed = await listZip(bytes);
      expect(listed.zip64).toBe(true);
      expect(listed.entries.map((e) => e.name)).toEqual(['h_storage_values.npy', 'h_storage_variances.npy', 'h_axis_0_edges.npy', 'h.json', 'c_storage_values.npy', 'c.json']);
      const back = await decodeDocument(bytes);
      expect(dump(back)).toStrictEqual(dump(await decodeDocument(await toZip(doc, { zipCompression: compression }))));
    }
  });

  it('written without forcing when there are 65535 members or more, and read back', async () => {
    const members: ZipMember[] = Array.from({ length: 70_000 }, (_, i) => ({ name: `pad/${i}.txt`, data: [] }));
    members.push({ name: 'h_storage_values.npy', data: encodeNpy(f8(3, 4)) }, { name: 'h.json', data: [utf8(JSON.stringify(doubleHist('h_storage_values.npy')))] });
    const bytes = concatBytes(writeZip(members));
    const b = Buffer.from(bytes);
    expect(b.readUInt16LE(b.length - 22 + 10)).toBe(0xffff);
    const listed = await listZip(bytes);
    expect(listed.zip64).toBe(true);
    expect(listed.entries).toHaveLength(70_002);
    const h = (await decodeDocument(bytes)).histograms.get('h')!;
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([3, 4]);
  });
});

describe('streamed inflate (the path DEFLATE members over 4 GiB take)', () => {
  let previous: number;
  beforeAll(() => {
    previous = setStreamInflateThreshold(0);
  });
  afterAll(() => {
    setStreamInflateThreshold(previous);
  });

  it.each(['bytes', 'file'] as const)('reads DEFLATE arrays exactly (%s)', async (via) => {
    const doc = createDocument({ h: weighted(), c: counts() });
    const bytes = await toZip(doc, { zipCompression: 'deflate' });
    const file = join(dir, `stream-${via}.zip`);
    writeFileSync(file, bytes);
    const back = via === 'bytes' ? await decodeDocument(bytes) : await readDocument(file);
    for (const name of ['h', 'c']) expect(dump({ ...back.histograms.get(name), writer_info: undefined }), name).toStrictEqual(dump({ ...doc.histograms.get(name), uhi_schema: 1 }));
  });

  it('refuses a bomb, a short stream, corrupt data and a wrong CRC', async () => {
    const segment = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
    const stream = Buffer.concat([...new Array<Buffer>(1024).fill(segment), Buffer.from([0x03, 0x00])]);
    const withArray = (data: Uint8Array) => handZip(doubleHist('v.npy'), [{ name: 'v.npy', data: [data] }]);
    const bomb = patchMember(withArray(stream), 'v.npy', { method: 8, size: 1024 });
    const t0 = performance.now();
    const issue = (await issuesOf(bomb))[0]!;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(issue).toMatchObject({ code: 'LIMIT_EXCEEDED', path: '' });
    expect(issue.message).toMatch(/inflates to more than its declared 1024 bytes/);

    const npy = Buffer.concat(encodeNpy(f8(1, 2)));
    const packed = deflateRawSync(npy);
    const good = patchMember(withArray(packed), 'v.npy', { method: 8, size: npy.length });
    // the stored CRC is of the packed bytes: wrong for the inflated ones
    expect((await issuesOf(good))[0]!.message).toMatch(/CRC-32 mismatch in zip member "v\.npy"/);
    const long = patchMember(withArray(packed), 'v.npy', { method: 8, size: npy.length + 8 });
    expect((await issuesOf(long))[0]!.message).toMatch(/inflates to 144 bytes but declares 152/);
    const corrupt = Buffer.from(packed);
    corrupt[0] = 0xff;
    expect((await issuesOf(patchMember(withArray(corrupt), 'v.npy', { method: 8, size: npy.length })))[0]!.message).toMatch(/DEFLATE data of member "v\.npy" are invalid/);
  });
});
