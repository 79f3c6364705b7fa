/**
 * Hostile files, end to end: each is a file an attacker (or a broken tool) could hand to
 * `hist-serial validate`, and each must end quickly with exit 1 and the one error code it must
 * give — no crash, no hang, no huge allocation, no file read outside the input's folder.
 * (The codec test files cover these defences case by case; this is the user-facing matrix.)
 */
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../src/codecs/zip-archive-write.js';
import { concatBytes, createDocument, encodeNpy, ndarray, writeDocument, type HistDocument } from '../src/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const utf8 = (s: string) => new TextEncoder().encode(s);

/** One weighted 1-d histogram of `bins` bins (big enough that .hsj puts it in a sidecar). */
function doc(bins = 1000): HistDocument {
  const n = bins + 2;
  return createDocument({
    h: {
      axes: [{ type: 'regular', lower: 0, upper: 1, bins, underflow: true, overflow: true, circular: false }],
      storage: {
        type: 'weighted',
        layout: 'dense',
        arrays: { values: ndarray('f8', [n], new Float64Array(n).fill(1)), variances: ndarray('f8', [n], new Float64Array(n).fill(2)) },
      },
    },
  });
}

async function validFile(name: string): Promise<Uint8Array> {
  const file = join(dir, 'valid', name);
  mkdirSync(join(dir, 'valid'), { recursive: true });
  await writeDocument(file, doc());
  return readFileSync(file);
}

interface Outcome {
  exit: number | null;
  code: string | undefined;
  path: string | undefined;
  message: string | undefined;
  ms: number;
}

/** `hist-serial validate --format json FILE` (plus args): exit code and first error. */
function validate(file: string, ...args: string[]): Outcome {
  const t0 = performance.now();
  const r = runBuiltCli(['validate', '--format', 'json', ...args, file]);
  const ms = performance.now() - t0;
  const report = JSON.parse(r.stdout || '[]') as { errors: { code: string; path: string; message: string }[] }[];
  const first = report[0]?.errors[0];
  return { exit: r.code, code: first?.code, path: first?.path, message: first?.message, ms };
}

function put(name: string, bytes: Uint8Array | string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Set a member's uncompressed size (local header and central directory) in a one-member archive, and its method. */
function lieAboutSize(zip: Uint8Array, size: number, method: number): Uint8Array {
  const out = Buffer.from(zip);
  const local = out.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const central = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  out.writeUInt16LE(method, local + 8);
  out.writeUInt32LE(size, local + 22);
  out.writeUInt16LE(method, central + 10);
  out.writeUInt32LE(size, central + 24);
  return out;
}

describe('hostile input: exit 1 with the right error code, fast', () => {
  it('zip bomb: 64 MiB of zeros in a member declaring 1 KiB → LIMIT_EXCEEDED before inflating the rest', () => {
    const stream = deflateRawSync(Buffer.alloc(64 << 20), { level: 9 });
    const zip = lieAboutSize(concatBytes(writeZip([{ name: 'h.json', data: [stream] }])), 1024, 8);
    const o = validate(put('bomb.zip', zip));
    expect(o).toMatchObject({ exit: 1, code: 'LIMIT_EXCEEDED' });
    expect(o.message).toMatch(/inflates to more than its declared 1024 bytes/);
  });

  it('zip bomb declared honestly: 4 GiB from 8 KiB passes DEFLATE\'s 1032:1 → LIMIT_EXCEEDED without inflating', () => {
    const zip = lieAboutSize(concatBytes(writeZip([{ name: 'h.json', data: [new Uint8Array(8192)] }])), 0xfffffffe, 8);
    const o = validate(put('honest-bomb.zip', zip));
    expect(o).toMatchObject({ exit: 1, code: 'LIMIT_EXCEEDED' });
    expect(o.message).toMatch(/1032:1/);
    expect(o.ms).toBeLessThan(10_000);
  });

  it('zip member name leaving the archive (../evil.npy) → PARSE', () => {
    const json = utf8(JSON.stringify({ h: { uhi_schema: 1, axes: [], storage: { type: 'double', values: '../evil.npy' } } }));
    const zip = concatBytes(writeZip([{ name: 'h.json', data: [json] }, { name: '../evil.npy', data: encodeNpy({ dtype: 'f8', shape: [], data: new Float64Array([1]) }) }]));
    const o = validate(put('traversal.zip', zip));
    expect(o).toMatchObject({ exit: 1, code: 'PARSE' });
    expect(o.message).toMatch(/"\.\.\/evil\.npy" is not a plain relative path inside the archive/);
  });

  it('split file whose buffer URI leaves the folder (../, %2e%2e/, absolute) → PARSE at /buffers/0, nothing read outside', async () => {
    await validFile('split.hsj');
    const main = readFileSync(join(dir, 'valid', 'split.hsj'), 'utf8');
    expect(main).toContain('"uri": "split.bin"');
    writeFileSync(join(dir, 'outside.bin'), readFileSync(join(dir, 'valid', 'split.bin'))); // a real target to escape to
    mkdirSync(join(dir, 'inner'), { recursive: true });
    for (const uri of ['../outside.bin', '%2e%2e/outside.bin', join(dir, 'outside.bin'), 'file:///etc/passwd']) {
      const file = join(dir, 'inner', 'escape.hsj');
      writeFileSync(file, main.replace('"uri": "split.bin"', `"uri": ${JSON.stringify(uri)}`));
      const o = validate(file);
      expect(o, uri).toMatchObject({ exit: 1, code: 'PARSE', path: '/buffers/0' });
    }
  });

  it('.hsb whose JSON length field points 1 TiB past the end → PARSE, nothing allocated', async () => {
    const hsb = Buffer.from(await validFile('h.hsb'));
    hsb.writeBigUInt64LE(2n ** 40n, 16);
    const o = validate(put('long.hsb', hsb));
    expect(o).toMatchObject({ exit: 1, code: 'PARSE' });
    expect(o.ms).toBeLessThan(10_000);
  });

  it('BSON whose document length points past the end → PARSE', async () => {
    const bson = Buffer.from(await validFile('h.bson'));
    bson.writeInt32LE(bson.length + 1_000_000, 0);
    expect(validate(put('long.bson', bson))).toMatchObject({ exit: 1, code: 'PARSE' });
  });

  it('BSON nested 10^5 documents deep → LIMIT_EXCEEDED, no stack overflow', () => {
    // each level: int32 length, type 0x03, key "d\0", …, terminator 0x00 (8 bytes); innermost: the empty document
    const depth = 100_000;
    const bytes = Buffer.alloc(8 * depth + 5);
    for (let i = 0; i < depth; i++) {
      bytes.writeInt32LE(8 * (depth - i) + 5, 7 * i);
      bytes.writeUInt8(0x03, 7 * i + 4);
      bytes.write('d\0', 7 * i + 5, 'latin1');
    }
    bytes.writeInt32LE(5, 7 * depth);
    // the terminators (zeros) are already there
    const o = validate(put('deep.bson', bytes), '--input-format', 'bson');
    expect(o.exit).toBe(1);
    expect(o.code).toBe('LIMIT_EXCEEDED');
  });

  it('JSON nested 10^5 arrays deep → LIMIT_EXCEEDED, no stack overflow', () => {
    const o = validate(put('deep.json', `{"h": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`));
    expect(o).toMatchObject({ exit: 1, code: 'LIMIT_EXCEEDED' });
    expect(o.message).toMatch(/JSON nesting deeper than 256 levels/);
  });

  it('UHI JSON text past V8\'s string limit (a sparse 600 MB file) → LIMIT_EXCEEDED before reading, suggesting a binary format', () => {
    const file = put('huge.json', '{"h": {"uhi_schema": 1, "axes": [], "storage": {"type": "double", "values": [');
    truncateSync(file, 600e6);
    const o = validate(file, '--input-format', 'uhi-json');
    expect(o).toMatchObject({ exit: 1, code: 'LIMIT_EXCEEDED' });
    expect(o.message).toMatch(/larger than any uhi-json file that can be read \(at most 536870888 bytes\); store histograms this big in a binary format/);
    expect(o.ms).toBeLessThan(10_000);
  });

  it('ROOT key whose length (fNbytes) or object size (fObjlen) points far past the end → PARSE, nothing allocated', async () => {
    const root = Buffer.from(await validFile('h.root'));
    // TKey: fNbytes i32, fVersion i16, fObjlen i32, fDatime u32, fKeylen i16, fCycle i16, fSeekKey i32, fSeekPdir i32, then the
    // class name. The histogram's key is in the file twice (before its record, and in the directory's key list): patch both.
    const keys: number[] = [];
    for (let i = root.indexOf('\x04TH1D', 0, 'latin1'); i >= 0; i = root.indexOf('\x04TH1D', i + 1, 'latin1')) {
      if (i >= 26 && root.readInt16BE(i - 22) === 4 && root.readInt16BE(i - 10) === 1) keys.push(i - 26); // key version 4, cycle 1
    }
    expect(keys).toHaveLength(2);
    for (const [field, offset] of [['fNbytes', 0], ['fObjlen', 6]] as const) {
      const bad = Buffer.from(root);
      for (const key of keys) bad.writeInt32BE(0x7ffffff0, key + offset);
      const o = validate(put(`long-${field}.root`, bad));
      expect(o, field).toMatchObject({ exit: 1, code: 'PARSE' });
      expect(o.ms, field).toBeLessThan(10_000);
    }
  });

  it('HDF5 cut in half (object addresses past the end of the file) → PARSE', async () => {
    const h5 = await validFile('h.h5');
    const o = validate(put('cut.h5', h5.subarray(0, h5.length >> 1)));
    expect(o).toMatchObject({ exit: 1, code: 'PARSE' });
  });

  it('HDF5 whose end-of-file address claims 1 TiB → PARSE', async () => {
    const h5 = Buffer.from(await validFile('h.h5'));
    // superblock v0 (what HDF5 writes by default): signature 8, versions and sizes 8, K values and flags 8,
    // base address at 24, free-space address at 32, end-of-file address at 40
    expect(h5[8]).toBe(0);
    h5.writeBigUInt64LE(2n ** 40n, 40);
    expect(validate(put('eof.h5', h5))).toMatchObject({ exit: 1, code: 'PARSE' });
  });
});
