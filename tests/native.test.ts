/**
 * The native container: .hsb (single file) and .hsj (split). Header and alignment rules byte by
 * byte on a committed fixture, exact round trips, extras, and every refusal with its code and path.
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HSB_CODEC } from '../src/codecs/hsb.js';
import { readViewsFromFile, readWithChecksums } from '../src/codecs/native-buffers.js';
import { parseEnvelope } from '../src/codecs/native-envelope.js';
import {
  checkBytes,
  checkFile,
  createDocument,
  decodeDocument,
  encodeDocument,
  readDocument,
  resolveLimits,
  writeDocument,
  type HistDocument,
  type Histogram,
} from '../src/index.js';
import { PROJECT_DIR, describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const FIXTURE = join(PROJECT_DIR, 'fixtures/native/2d.regular-variable.weighted.hsb');

function hist(n = 4): Histogram {
  const values = Float64Array.from({ length: n + 2 }, (_, i) => i * 1.5);
  const variances = Float64Array.from({ length: n + 2 }, (_, i) => (i % 3 === 0 ? NaN : i * 2.25));
  return {
    axes: [{ type: 'regular', lower: 0, upper: 1, bins: n, underflow: true, overflow: true, circular: false }],
    storage: {
      type: 'weighted',
      layout: 'dense',
      arrays: { values: { dtype: 'f8', shape: [n + 2], data: values }, variances: { dtype: 'f8', shape: [n + 2], data: variances } },
    },
    metadata: { name: 'h' },
  };
}

/** Element-wise equality of every array of two documents (Object.is: NaN and -0 exact). */
function expectSameArrays(a: HistDocument, b: HistDocument) {
  expect([...b.histograms.keys()]).toEqual([...a.histograms.keys()]);
  for (const [name, h] of a.histograms) {
    const g = b.histograms.get(name)!;
    expect(g.storage.type).toBe(h.storage.type);
    expect(g.storage.layout).toBe(h.storage.layout);
    for (const [field, arr] of Object.entries(h.storage.arrays)) {
      const other = g.storage.arrays[field as keyof typeof g.storage.arrays]!;
      expect(other.dtype, `${name}.${field}`).toBe(arr.dtype);
      expect(other.shape).toEqual(arr.shape);
      expect(Array.from(other.data as Float64Array).every((x, i) => Object.is(x, arr.data[i]))).toBe(true);
    }
    if (h.storage.index) expect(g.storage.index!.data).toEqual(h.storage.index.data);
    expect(g.axes).toEqual(h.axes);
    expect(g.metadata).toEqual(h.metadata);
  }
}

describe('.hsb layout, byte by byte (fixtures/native)', () => {
  const bytes = readFileSync(FIXTURE);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = Number(dv.getBigUint64(16, true));
  const binLength = Number(dv.getBigUint64(24, true));
  const env = JSON.parse(bytes.subarray(32, 32 + jsonLength).toString('utf8'));

  it('header: magic, version, flags, 64-bit lengths that add up to the file size', () => {
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x48, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(dv.getUint32(8, true)).toBe(1);
    expect(dv.getUint32(12, true)).toBe(0);
    expect(32 + jsonLength + binLength).toBe(bytes.length);
  });

  it('the JSON chunk is padded with spaces so the binary chunk starts at a multiple of 64', () => {
    expect((32 + jsonLength) % 64).toBe(0);
    expect(binLength % 64).toBe(0);
    const text = bytes.subarray(32, 32 + jsonLength).toString('utf8');
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *\n? *$/);
    expect(env.asset).toEqual({ format: 'hist-serial', version: '1.0', generator: expect.stringMatching(/^hist-serial \d/) });
    expect(env.buffers).toEqual([{ byteLength: binLength }]);
  });

  it('every view is 64-byte aligned in the file, little-endian, with a correct CRC-32', () => {
    expect(env.bufferViews.map((v: { name: string }) => v.name)).toEqual(['jets_axis_1_edges', 'jets_storage_values', 'jets_storage_variances']);
    for (const v of env.bufferViews as { byteOffset: number; byteLength: number; crc32: number; dtype: string; shape: number[] }[]) {
      expect((32 + jsonLength + v.byteOffset) % 64).toBe(0);
      expect(v.dtype).toBe('<f8');
      const data = bytes.subarray(32 + jsonLength + v.byteOffset, 32 + jsonLength + v.byteOffset + v.byteLength);
      expect(crc32(data)).toBe(v.crc32);
    }
    const edges = env.bufferViews[0];
    expect(edges.shape).toEqual([5]);
    const first = 32 + jsonLength + edges.byteOffset;
    expect(dv.getFloat64(first, true)).toBe(20);
    expect(dv.getFloat64(first + 32, true)).toBe(200);
  });

  it('reads with zero-copy typed arrays over the input buffer', async () => {
    const doc = await decodeDocument(bytes);
    const values = doc.histograms.get('jets')!.storage.arrays.values!;
    expect(values.data.buffer).toBe(bytes.buffer);
    expect(values.shape).toEqual([7, 6]);
  });

  it('equals the JSON fixture it was made from, and decode(bytes) equals decodeFile(path)', async () => {
    const fromJson = await readDocument(join(PROJECT_DIR, 'fixtures/2d.regular-variable.weighted.json'));
    expectSameArrays(fromJson, await readDocument(FIXTURE));
    expectSameArrays(await decodeDocument(bytes), await readDocument(FIXTURE));
  });
});

describeReference('json → hsb/hsj → json is exact for every uhi-generated case', () => {
  const cases = readdirSync(ref('uhi-generated/json')).filter((f) => f.endsWith('.json'));
  for (const format of ['hsb', 'hsj'] as const) {
    it.each(cases)(`${format}: %s`, async (file) => {
      const original = await readDocument(ref('uhi-generated/json', file));
      const path = join(dir, `${file}.${format}`);
      await writeDocument(path, original);
      const back = await readDocument(path);
      expectSameArrays(original, back);
      const again = await decodeDocument(await encodeDocument(back, { format: 'uhi-json' }));
      expectSameArrays(original, again);
    });
  }
});

describe('.hsj split files', () => {
  it('large arrays go to <stem>.bin, small ones into a data: URI; both read back', async () => {
    const doc = createDocument({ big: hist(1000), small: hist(4) });
    const path = join(dir, 'split.hsj');
    await writeDocument(path, doc);
    const env = JSON.parse(readFileSync(path, 'utf8'));
    expect(env.buffers[0]).toEqual({ uri: 'split.bin', byteLength: expect.any(Number) });
    expect(env.buffers[1].uri).toMatch(/^data:application\/octet-stream;base64,/);
    expect(readFileSync(join(dir, 'split.bin')).length).toBe(env.buffers[0].byteLength);
    expectSameArrays(doc, await readDocument(path));
  });

  it('a document of small arrays is one self-contained file; bytes-only encoding embeds everything', async () => {
    const doc = createDocument({ small: hist(4) });
    const bytes = await encodeDocument(doc, { format: 'hsj' });
    const env = JSON.parse(Buffer.from(bytes).toString('utf8'));
    expect(env.buffers).toHaveLength(1);
    expect(env.buffers[0].uri).toMatch(/^data:/);
    expectSameArrays(doc, await decodeDocument(bytes));
  });

  it.each([
    ['../outside.bin'],
    ['/etc/passwd'],
    ['file:///etc/passwd'],
    ['sub/../../x.bin'],
    ['%2e%2e/x.bin'],
    ['a\\b.bin'],
  ])('refuses the sidecar uri %s', async (uri) => {
    const path = join(dir, 'escape.hsj');
    await writeDocument(path, createDocument({ big: hist(1000) }));
    const env = JSON.parse(readFileSync(path, 'utf8'));
    env.buffers[0].uri = uri;
    writeFileSync(path, JSON.stringify(env));
    const report = await checkFile(path);
    expect(report.valid).toBe(false);
    expect(report.issues[0]).toMatchObject({ code: 'PARSE', path: '/buffers/0' });
    expect(report.issues[0]!.message).toContain('is not a relative path inside the folder');
  });

  it('refuses a sidecar that is a symlink leading out of the folder', async () => {
    const sub = join(dir, 'linked');
    mkdirSync(sub);
    const path = join(sub, 'l.hsj');
    await writeDocument(path, createDocument({ big: hist(1000) }));
    writeFileSync(join(dir, 'outside.bin'), readFileSync(join(sub, 'l.bin')));
    const env = JSON.parse(readFileSync(path, 'utf8'));
    env.buffers[0].uri = 'evil.bin';
    writeFileSync(path, JSON.stringify(env));
    symlinkSync(join(dir, 'outside.bin'), join(sub, 'evil.bin'));
    const report = await checkFile(path);
    expect(report.issues[0]).toMatchObject({ code: 'PARSE' });
  });
});

describe('extras: hs3, fit_results and extensions', () => {
  const extras = { hs3: { metadata: { hs3_version: '0.2' } }, extensions: { EXT_demo: { answer: 42 } }, extensionsUsed: ['EXT_demo'] };

  it('survive .hsb and .hsj round trips', async () => {
    for (const f of ['x.hsb', 'x.hsj']) {
      const path = join(dir, f);
      await writeDocument(path, { ...createDocument({ h: hist() }), extras });
      expect((await readDocument(path)).extras).toEqual(extras);
    }
  });

  it('are dropped with an EXTRAS_DROPPED warning by formats that cannot hold them', async () => {
    const r = await writeDocument(join(dir, 'x.json'), { ...createDocument({ h: hist() }), extras });
    expect(r.warnings.map((w) => [w.code, w.severity])).toEqual([['EXTRAS_DROPPED', 'warning']]);
    expect(r.warnings[0]!.message).toContain('"hs3", "extensions", "extensionsUsed"');
  });

  it('an unknown required extension is refused', async () => {
    const bytes = await encodeDocument({ ...createDocument({ h: hist() }), extras: { ...extras, extensionsRequired: ['EXT_demo'] } }, { format: 'hsj' });
    const r = await checkBytes(bytes);
    expect(r.issues[0]).toMatchObject({ code: 'UNSUPPORTED_EXTENSION', path: '/extensionsRequired' });
  });
});

describe('corrupt and hostile .hsb input', () => {
  const good = async () => Buffer.from(await encodeDocument(createDocument({ h: hist(100) }), { format: 'hsb' }));
  const issuesOf = async (bytes: Uint8Array) => (await checkBytes(bytes)).issues.map((i) => [i.code, i.path]);

  it('a flipped bit in the data is a CHECKSUM_MISMATCH naming the view', async () => {
    const b = await good();
    b[b.length - 200]! ^= 0x10;
    expect(await issuesOf(b)).toEqual([['CHECKSUM_MISMATCH', '/bufferViews/1']]); // views: values, variances
  });

  it('a truncated file is a PARSE error, also when the header declares a huge JSON chunk', async () => {
    const b = await good();
    expect((await checkBytes(b.subarray(0, b.length - 1))).issues[0]!.code).toBe('PARSE');
    expect((await checkBytes(b.subarray(0, 20))).issues[0]!.code).toBe('PARSE');
    const huge = Buffer.from(b);
    new DataView(huge.buffer, huge.byteOffset).setBigUint64(16, 2n ** 62n, true);
    expect((await checkBytes(huge)).issues[0]!.message).toContain('Truncated .hsb file');
  });

  it('a newer container version is UNSUPPORTED_VERSION', async () => {
    const b = await good();
    b.writeUInt32LE(2, 8);
    expect((await checkBytes(b)).issues[0]!.code).toBe('UNSUPPORTED_VERSION');
  });

  async function withEnvelope(edit: (env: Record<string, any>) => void): Promise<Uint8Array> {
    const b = await good();
    const jsonLength = Number(b.readBigUInt64LE(16));
    const env = JSON.parse(b.subarray(32, 32 + jsonLength).toString('utf8'));
    edit(env);
    const text = Buffer.from(JSON.stringify(env));
    expect(text.length).toBeLessThanOrEqual(jsonLength);
    const out = Buffer.from(b);
    out.fill(0x20, 32, 32 + jsonLength);
    text.copy(out, 32);
    return out;
  }

  it('a view past the end of its buffer, a wrong size, a bad buffer index, a bad dtype: PARSE with the view path', async () => {
    expect(await issuesOf(await withEnvelope((e) => (e.bufferViews[1].byteOffset = 1e9)))).toEqual([['PARSE', '/bufferViews/1']]);
    expect(await issuesOf(await withEnvelope((e) => (e.bufferViews[1].shape = [1000])))).toEqual([['PARSE', '/bufferViews/1']]);
    expect(await issuesOf(await withEnvelope((e) => (e.bufferViews[0].buffer = 7)))).toEqual([['PARSE', '/bufferViews/0']]);
    expect(await issuesOf(await withEnvelope((e) => (e.bufferViews[0].dtype = '>f8')))).toEqual([['SCHEMA', '/bufferViews/0/dtype']]);
    expect(await issuesOf(await withEnvelope((e) => (e.bufferViews[1].name = e.bufferViews[0].name)))).toEqual([['PARSE', '/bufferViews/1']]);
  });

  it('a histogram referencing a missing view is MISSING_ARRAY at the array position', async () => {
    const b = await withEnvelope((e) => (e.histograms.h.storage.values = 'nope'));
    expect(await issuesOf(b)).toEqual([['MISSING_ARRAY', '/h/storage/values']]);
  });
});

describe('checksum options', () => {
  it('checksums: false writes no crc32; verifyChecksums: false reads corrupt data without complaint', async () => {
    const doc = createDocument({ h: hist(100) });
    const plain = Buffer.from(await encodeDocument(doc, { format: 'hsb', options: { checksums: false } }));
    const jsonLength = Number(plain.readBigUInt64LE(16));
    const env = JSON.parse(plain.subarray(32, 32 + jsonLength).toString('utf8'));
    expect(env.bufferViews.every((v: { crc32?: number }) => v.crc32 === undefined)).toBe(true);

    const withCrc = Buffer.from(await encodeDocument(doc, { format: 'hsb' }));
    withCrc[withCrc.length - 200]! ^= 0x10;
    expect((await checkBytes(withCrc)).issues[0]!.code).toBe('CHECKSUM_MISMATCH');
    const unchecked = await checkBytes(withCrc, { verifyChecksums: false });
    expect(unchecked.issues).toEqual([]);
    const path = join(dir, 'corrupt.hsb');
    writeFileSync(path, withCrc);
    expect((await checkFile(path)).issues[0]!.code).toBe('CHECKSUM_MISMATCH');
    expect((await checkFile(path, { verifyChecksums: false })).valid).toBe(true);
  });
});

describe('.hsb files written and read in windows (checksums computed during the IO)', () => {
  // 2 × 9.6 MB of data: several write windows (8 MiB) and read windows (4 MiB), views across their borders
  const doc = createDocument({ big: hist(1_200_000), small: hist(4), other: hist(3000) });
  const path = join(dir, 'windows.hsb');
  const envOf = (bytes: Buffer) => JSON.parse(bytes.subarray(32, 32 + Number(bytes.readBigUInt64LE(16))).toString('utf8'));

  it('writeDocument writes exactly the bytes of encodeDocument, with every CRC-32 and the layout rules', async () => {
    await writeDocument(path, doc);
    const file = readFileSync(path);
    expect(file.equals(Buffer.from(await encodeDocument(doc, { format: 'hsb' })))).toBe(true);
    const jsonLength = Number(file.readBigUInt64LE(16));
    const text = file.subarray(32, 32 + jsonLength).toString('utf8');
    expect((32 + jsonLength) % 64).toBe(0);
    expect(text.slice(text.trimEnd().length)).toMatch(/^\n? *$/); // room reserved for the CRC-32s: spaces
    const env = envOf(file);
    expect(env.bufferViews).toHaveLength(6);
    for (const v of env.bufferViews as { byteOffset: number; byteLength: number; crc32: number }[]) {
      const start = 32 + jsonLength + v.byteOffset;
      expect(start % 64).toBe(0);
      expect(crc32(file.subarray(start, start + v.byteLength))).toBe(v.crc32);
    }
    expectSameArrays(doc, await readDocument(path));
  });

  it('checksums: false writes no crc32, and the same bytes as encodeDocument', async () => {
    const plain = join(dir, 'windows-plain.hsb');
    await writeDocument(plain, doc, { options: { checksums: false } });
    const file = readFileSync(plain);
    expect(file.equals(Buffer.from(await encodeDocument(doc, { format: 'hsb', options: { checksums: false } })))).toBe(true);
    expect(envOf(file).bufferViews.every((v: { crc32?: number }) => v.crc32 === undefined)).toBe(true);
    expectSameArrays(doc, await readDocument(plain));
  });

  it('a flipped bit in any read window is a CHECKSUM_MISMATCH naming its view', async () => {
    await writeDocument(path, doc);
    const good = readFileSync(path);
    const binStart = 32 + Number(good.readBigUInt64LE(16));
    const views = envOf(good).bufferViews as { name: string; byteOffset: number; byteLength: number }[];
    for (const [i, v] of views.entries()) {
      for (const at of [0, v.byteLength >> 1, v.byteLength - 1]) {
        const bad = Buffer.from(good);
        bad[binStart + v.byteOffset + at]! ^= 0x01;
        writeFileSync(path, bad);
        expect((await checkFile(path)).issues.map((x) => [x.code, x.path])).toEqual([['CHECKSUM_MISMATCH', `/bufferViews/${i}`]]);
      }
    }
    expect((await checkFile(path, { verifyChecksums: false })).valid).toBe(true);
  });

  it('the array-by-array reader of large files verifies the same checksums', async () => {
    await writeDocument(path, doc);
    const read = async () => {
      const handle = await open(path, 'r');
      try {
        const head = Buffer.alloc(32);
        await handle.read(head, 0, 32, 0);
        const jsonLength = Number(head.readBigUInt64LE(16));
        const json = Buffer.alloc(jsonLength);
        await handle.read(json, 0, jsonLength, 32);
        const env = parseEnvelope(json.toString('utf8'), 64);
        return await readViewsFromFile(env, handle, 32 + jsonLength, Number(head.readBigUInt64LE(24)), 0, { limits: resolveLimits() });
      } finally {
        await handle.close();
      }
    };
    const raw = await read();
    const inMemory = await HSB_CODEC.decode(readFileSync(path), { limits: resolveLimits() });
    expect([...raw.resources.keys()]).toEqual([...inMemory.resources.keys()]);
    const bytesOf = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    for (const [name, arr] of raw.resources) expect(bytesOf(arr.data).equals(bytesOf(inMemory.resources.get(name)!.data))).toBe(true);
    const bad = readFileSync(path);
    bad[bad.length - 100]! ^= 0x01;
    writeFileSync(path, bad);
    await expect(read()).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', path: '/bufferViews/5' });
  });

  it('readWithChecksums: CRC-32 of ranges across windows, overlapping, unsorted, empty or out of bounds', async () => {
    const bytes = new Uint8Array(9 * 1024 * 1024 + 123).map((_, i) => (i * 2654435761) >>> 24);
    const file = join(dir, 'ranges.bin');
    writeFileSync(file, Buffer.concat([Buffer.alloc(100), bytes]));
    const ranges = [
      { byteOffset: 262000, byteLength: 5000 }, // across the first window border
      { byteOffset: 4194000, byteLength: 5000 },
      { byteOffset: 0, byteLength: bytes.length }, // everything
      undefined,
      { byteOffset: 10, byteLength: 8_000_000 }, // overlaps the others
      { byteOffset: bytes.length, byteLength: 0 }, // empty, at the end
      { byteOffset: bytes.length - 5, byteLength: 6 }, // one byte past the end
      { byteOffset: 64, byteLength: 0 },
    ];
    const handle = await open(file, 'r');
    const into = new Uint8Array(bytes.length);
    const crcs = readWithChecksums(handle.fd, into, 100, ranges);
    await handle.close();
    expect(Buffer.from(into).equals(Buffer.from(bytes))).toBe(true);
    expect(crcs).toEqual(ranges.map((r) => (r && r.byteOffset + r.byteLength <= bytes.length ? crc32(bytes.subarray(r.byteOffset, r.byteOffset + r.byteLength)) : undefined)));
  });
});
