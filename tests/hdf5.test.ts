/**
 * HDF5 codec (uhi's layout, spec.md 4.5): every HDF5 file uhi wrote (../shared/reference/uhi-generated,
 * all.h5 with gzip included) read exactly against MANIFEST.json and the JSON files; JSON → HDF5 →
 * JSON round trips, contiguous and gzip; file addresses (`file.h5:/group`); adding to existing files;
 * h5py's storage options (filters, layouts, byte orders) read straight from the file or through
 * h5wasm, and the refusal of filters h5wasm lacks; the byte-level helpers (checksums, shuffle,
 * chunk copies, slabs). tests/hdf5-python.test.ts has the independent readers (h5py, h5dump).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  VERSION,
  checkFile,
  convertFile,
  createDefaultRegistry,
  createDocument,
  decodeDocument,
  denseShape,
  encodeDocument,
  readDocument,
  storageSums,
  writeDocument,
  type HistDocument,
  type Histogram,
  type NDArray,
} from '../src/index.js';
import { sniffHdf5 } from '../src/codecs/hdf5-entry.js';
import {
  H5Bytes,
  copyChunk,
  fletcher32,
  lookup3,
  patchObjectHeaders,
  readObjectHeader,
  unshuffle,
} from '../src/codecs/hdf5-format.js';
import { H5File, defaultChunks, setSlabBytes, slabs, withHdf5 } from '../src/codecs/hdf5-lib.js';
import { HDF5_READ_PATHS, escapeHdf5Name, setDirectReads, setDirectWrites, unescapeHdf5Name } from '../src/codecs/hdf5.js';
import { parseAddress } from '../src/io/address.js';
import { runBuiltCli } from './helpers/cli.js';
import { CASES, SPOT_VALUES, axisAsManifest, dump, manifest, modelArrays, nanSum, type ManifestCase } from './helpers/manifest.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('hist-serial-hdf5-');
const PYTHON = requirePython(['h5py']);
const describePython = (PYTHON ? describe : describe.skip) as typeof describe;

/** The manifest's h5 entry (the shared helper types only the json and zip ones). */
const h5Of = (kase: ManifestCase) => (kase.files as unknown as { h5: { path: string; group: string } }).h5;
/** Reference files of the edge cases sit beside their JSON. */
const h5PathOf = (kase: ManifestCase) => h5Of(kase)?.path ?? kase.files.json.path.replace(/\.json$/, '.h5');

/**
 * Everything of a document but hist-serial's writer_info entry (and `uhi_schema` 1, which every file
 * states and documents made in code may leave out), for exact comparisons.
 */
function withoutOwnStamp(doc: HistDocument): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, h] of doc.histograms) {
    const wi = h.writer_info ? Object.fromEntries(Object.entries(h.writer_info).filter(([k]) => k !== 'hist-serial')) : undefined;
    out[name] = dump({ ...h, uhi_schema: h.uhi_schema === 1 ? undefined : h.uhi_schema, writer_info: wi && Object.keys(wi).length ? wi : undefined });
  }
  return out;
}

/** The same histogram with float storage arrays widened to f8 (what JSON can say). */
function asJsonWould(h: Histogram): Histogram {
  const arrays = Object.fromEntries(
    Object.entries(h.storage.arrays).map(([k, a]) => [k, a.dtype === 'f4' ? { dtype: 'f8', shape: a.shape, data: Float64Array.from(a.data as Float32Array) } : a]),
  );
  return { ...h, storage: { ...h.storage, arrays } } as Histogram;
}

function py(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON!, ['-c', code, ...args], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

afterEach(() => {
  setDirectReads(true);
  setDirectWrites(true);
});

// ---------------------------------------------------------------------------------------------

describeReference("uhi's HDF5 files (uhi.io.hdf5.write, h5py 3.7)", () => {
  describe.each(CASES)('$name', ({ name, kase }) => {
    const { summary } = kase;
    let doc: HistDocument;
    let h: Histogram;
    let fromJson: Histogram;

    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', h5PathOf(kase)));
      h = doc.histograms.get(name)!;
      fromJson = (await readDocument(ref('uhi-generated', kase.files.json.path))).histograms.get(name)!;
    });

    it('holds exactly this one histogram, at the group the manifest names', async () => {
      expect([...doc.histograms.keys()]).toEqual([name]);
      expect(h.uhi_schema).toBe(1);
      if (h5Of(kase)) expect(h5Of(kase).group).toBe(`/${name}`);
      // the same histogram addressed by its group
      const one = await readDocument(`${ref('uhi-generated', h5PathOf(kase))}:/${name}`);
      expect(withoutOwnStamp(one)).toStrictEqual(withoutOwnStamp(doc));
    });

    it('has the axes, dense shape, storage and arrays of the manifest, with the dtypes h5py wrote', () => {
      expect(h.axes.map(axisAsManifest)).toStrictEqual(summary.axes);
      expect(denseShape(h)).toEqual(summary.dense_shape);
      expect(h.storage.type).toBe(summary.storage_type);
      expect(h.storage.layout).toBe(summary.layout);
      const arrays = modelArrays(h);
      expect(Object.keys(arrays).sort()).toEqual(Object.keys(summary.arrays).sort());
      for (const [field, expected] of Object.entries(summary.arrays)) {
        const arr = arrays[field]!;
        // HDF5 keeps the dtype (JSON cannot): '<f4' stays f4
        expect(`<${arr.dtype}`, field).toBe(expected.dtype);
        expect(arr.shape, field).toEqual(expected.shape);
        if (arr.data instanceof BigInt64Array) {
          let sum = 0n;
          for (const v of arr.data) sum += v;
          expect(sum, field).toBe(BigInt(expected.nansum));
        } else {
          const { sum, nans } = nanSum(arr.data as Float64Array);
          expect(nans, field).toBe(expected.nan_count);
          expect(sum, field).toBeCloseTo(expected.nansum, 12);
        }
      }
      for (const [field, flat, want] of SPOT_VALUES[name]!) expect(arrays[field]!.data[flat], `${field}[${flat}]`).toBe(want);
      const sums = storageSums(h) as Record<string, { nanCount: number }>;
      for (const [field, expected] of Object.entries(summary.arrays)) if (field !== 'index') expect(sums[field]!.nanCount).toBe(expected.nan_count);
    });

    it('equals the histogram of the JSON file uhi wrote, element for element (NaN, signed zeros), metadata and writer_info included', () => {
      expect(dump(asJsonWould(h))).toStrictEqual(dump(fromJson));
    });
  });

  it('all.h5 (gzip level 4 on every dataset, links by name) holds every case, each equal to its own file', async () => {
    const before = HDF5_READ_PATHS.chunked;
    const all = await readDocument(ref('uhi-generated', 'all.h5'));
    expect(HDF5_READ_PATHS.chunked - before).toBeGreaterThan(10); // decoded here, not by h5wasm
    const names = Object.keys(manifest!.cases);
    expect([...all.histograms.keys()]).toEqual([...names].sort()); // h5py tracks no link order
    for (const name of names) {
      const single = await readDocument(ref('uhi-generated', h5PathOf(manifest!.cases[name]!)));
      expect(dump(all.histograms.get(name)), name).toStrictEqual(dump(single.histograms.get(name)));
    }
  });

  it('all.h5 reads the same through h5wasm alone', async () => {
    const direct = await readDocument(ref('uhi-generated', 'all.h5'));
    setDirectReads(false);
    const before = HDF5_READ_PATHS.library;
    const library = await readDocument(ref('uhi-generated', 'all.h5'));
    expect(HDF5_READ_PATHS.library - before).toBeGreaterThan(10);
    expect(dump(library)).toStrictEqual(dump(direct));
  });

  it('the contiguous files are read straight from the file', async () => {
    const before = HDF5_READ_PATHS.contiguous;
    await readDocument(ref('uhi-generated', 'h5/weighted_circular.h5'));
    expect(HDF5_READ_PATHS.contiguous - before).toBe(2); // values and variances
  });
});

// ---------------------------------------------------------------------------------------------

describeReference('JSON → HDF5 → JSON', () => {
  const sources = hasReference
    ? [...CASES.map(({ name, kase }) => ({ name, path: kase.files.json.path })), { name: 'all', path: 'all.json' }]
    : [];

  describe.each(sources)('$name', ({ name, path }) => {
    let doc: HistDocument;
    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', path));
    });

    it.each([
      ['contiguous', {}],
      ['gzip (every array)', { hdf5Compression: 'gzip' as const, hdf5CompressMin: 0 }],
    ])('round trips exactly, %s, without touching the input', async (label, options) => {
      const before = dump(doc);
      const file = join(dir, `${name}-${label.split(' ')[0]}.h5`);
      const written = await writeDocument(file, doc, { options });
      expect(dump(doc)).toStrictEqual(before);
      expect(written.format).toBe('hdf5');
      expect(written.bytes).toBe(readFileSync(file).length);
      const back = await readDocument(file);
      expect([...back.histograms.keys()]).toEqual([...doc.histograms.keys()]); // link creation order tracked
      expect(withoutOwnStamp(back)).toStrictEqual(withoutOwnStamp(doc));
      for (const [n, h] of back.histograms) expect(h.writer_info?.['hist-serial']).toEqual({ ...doc.histograms.get(n)!.writer_info?.['hist-serial'], version: VERSION });
      // HDF5 → JSON gives the bytes JSON → JSON gives: the HDF5 leg loses nothing
      const viaHdf5 = Buffer.from(await encodeDocument(back, { format: 'uhi-json' }));
      const direct = Buffer.from(await encodeDocument(doc, { format: 'uhi-json' }));
      expect(viaHdf5.toString()).toBe(direct.toString());
    });
  });

  it('gzip datasets are chunked with deflate at the level asked; small ones stay contiguous by default (uhi: min 1000 elements)', async () => {
    const doc = await readDocument(ref('uhi-generated', 'all.json'));
    const big = bigHistogram(5000);
    doc.histograms.set('big', big);
    const file = join(dir, 'levels.h5');
    await writeDocument(file, doc, { options: { hdf5Compression: 'gzip', hdf5Level: 7 } });
    await withHdf5(() => {
      const f = H5File.open(file, 'r');
      try {
        const info = f.datasetInfo('/big/storage/values');
        expect(info.filters).toEqual([{ id: 1, name: 'deflate', values: [7] }]);
        expect(info.chunks).toEqual([5002]);
        expect(f.datasetInfo('/reg1d_int/storage/values').filters).toEqual([]);
        expect(f.datasetInfo('/reg1d_int/storage/values').chunks).toBeNull();
      } finally {
        f.close();
      }
    });
    const back = await readDocument(file);
    expect(dump(back.histograms.get('big')!.storage)).toStrictEqual(dump(big.storage));
  });

  it('refuses bad compression options', async () => {
    const doc = createDocument({ h: bigHistogram(10) });
    for (const options of [{ hdf5Compression: 'lzf' }, { hdf5Level: 10 }, { hdf5CompressMin: -1 }, { hdf5ChunkBytes: 0 }]) {
      await expect(writeDocument(join(dir, 'bad-options.h5'), doc, { options: options as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(existsSync(join(dir, 'bad-options.h5'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

/** A 1-D weighted histogram of `bins` bins with values 0.5·i and variances i. */
function bigHistogram(bins: number, metadata: Histogram['metadata'] = { name: 'big' }): Histogram {
  const n = bins + 2;
  const values = new Float64Array(n).map((_, i) => 0.5 * i);
  const variances = new Float64Array(n).map((_, i) => i);
  return {
    axes: [{ type: 'regular', lower: 0, upper: 1, bins, underflow: true, overflow: true, circular: false }],
    storage: { type: 'weighted', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [n], data: values }, variances: { dtype: 'f8', shape: [n], data: variances } } },
    ...(metadata ? { metadata } : {}),
  };
}

/** Histograms that exercise corners: 0-d, empty sparse, int64 beyond 2^53, u8 at 2^64 − 1, NaN/±Inf/−0, names. */
function cornerDocument(): HistDocument {
  const i8 = (data: bigint[], shape = [data.length]): NDArray => ({ dtype: 'i8', shape, data: BigInt64Array.from(data) });
  const f8 = (data: number[], shape = [data.length]): NDArray => ({ dtype: 'f8', shape, data: Float64Array.from(data) });
  const reg = (bins: number) => ({ type: 'regular' as const, lower: -1.5, upper: 2, bins, underflow: true, overflow: false, circular: false });
  return createDocument({
    'jets/pt': {
      axes: [reg(2)],
      storage: { type: 'int', layout: 'dense', arrays: { values: i8([2n ** 62n + 1n, -(2n ** 63n), 9007199254740993n]) } },
      metadata: { a: 'x', 'with space/slash': true, n: -0, big: 2 ** 60, f: 0.1, t: false, e: '' },
    },
    '50%2F.': { axes: [], storage: { type: 'double', layout: 'dense', arrays: { values: f8([-0], []) } } },
    '.': { axes: [reg(3)], storage: { type: 'double', layout: 'dense', arrays: { values: f8([NaN, Infinity, -Infinity, -0]) } } },
    'é∞ 日本': {
      axes: [reg(2), { type: 'variable', edges: Float64Array.from([0, 1, 10]), underflow: false, overflow: false, circular: false }],
      storage: { type: 'int', layout: 'sparse', index: i8([], [2, 0]), arrays: { values: i8([]) } },
      writer_info: { 'lib/x': { ok: true }, other: { v: 1.5 } },
    },
    u64: {
      axes: [{ type: 'category_int', categories: Float64Array.from([-3, 7]), flow: true }, { type: 'boolean' }],
      storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'u8', shape: [3, 2], data: BigUint64Array.from([0n, 1n, 2n ** 64n - 1n, 3n, 4n, 5n]) } } },
    },
    empty: { axes: [{ type: 'category_str', categories: ['a', 'ü', ''], flow: false }], storage: { type: 'mean', layout: 'empty', arrays: {} } },
  });
}

describe('HDF5 corners', () => {
  it('names escape to link names and back', () => {
    expect(escapeHdf5Name('jets/pt')).toBe('jets%2Fpt');
    expect(escapeHdf5Name('50%2F.')).toBe('50%252F.');
    expect(escapeHdf5Name('.')).toBe('%2E');
    expect(escapeHdf5Name('..')).toBe('..');
    expect(escapeHdf5Name('a\0b')).toBe('a%00b');
    expect(escapeHdf5Name('eff 50%')).toBe('eff 50%');
    for (const n of ['jets/pt', '50%2F.', '.', 'a\0b', 'é∞ 日本', '%%41']) expect(unescapeHdf5Name(escapeHdf5Name(n))).toBe(n);
  });

  it('round trips 0-d and empty arrays, exact 64-bit integers, non-finite and signed zeros, odd names and metadata', async () => {
    const doc = cornerDocument();
    const file = join(dir, 'corners.h5');
    await writeDocument(file, doc);
    const back = await readDocument(file);
    expect([...back.histograms.keys()]).toEqual([...doc.histograms.keys()]);
    expect(withoutOwnStamp(back)).toStrictEqual(withoutOwnStamp(doc));
    const md = back.histograms.get('jets/pt')!.metadata!;
    expect(Object.is(md.n, -0)).toBe(true);
    expect(md.big).toBe(2 ** 60);
  });

  it('the bytes API works through a temporary file, and sniffing finds HDF5 at 0 and after a user block', async () => {
    const doc = cornerDocument();
    const bytes = await encodeDocument(doc, { format: 'hdf5' });
    expect(sniffHdf5(bytes.subarray(0, 4096))).toBe(true);
    expect(createDefaultRegistry().bySniffing(bytes.subarray(0, 4096))?.name).toBe('hdf5');
    const back = await decodeDocument(bytes);
    expect(withoutOwnStamp(back)).toStrictEqual(withoutOwnStamp(doc));
    const userBlock = new Uint8Array(1024 + 8);
    userBlock.set(bytes.subarray(0, 8), 1024);
    expect(sniffHdf5(userBlock)).toBe(true);
    expect(sniffHdf5(new Uint8Array(4096))).toBe(false);
  });

  it('refuses what HDF5 cannot hold: NUL in strings, empty names', async () => {
    const nul = createDocument({ h: bigHistogram(3, { s: 'a\0b' }) });
    await expect(writeDocument(join(dir, 'nul.h5'), nul)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/h/metadata/s' });
    const empty = createDocument({ '': bigHistogram(3) });
    await expect(writeDocument(join(dir, 'empty-name.h5'), empty)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(join(dir, 'nul.h5'))).toBe(false);
  });

  it('large arrays written through h5wasm slabs (gzip, chunked, written in slices) and read back in slabs', async () => {
    const old = setSlabBytes(64 * 1024);
    try {
      const h = bigHistogram(100_000);
      const file = join(dir, 'slabs.h5');
      await writeDocument(file, createDocument({ h }), { options: { hdf5Compression: 'gzip', hdf5Level: 1 } });
      setDirectReads(false);
      const back = await readDocument(file);
      expect(dump(back.histograms.get('h')!.storage)).toStrictEqual(dump(h.storage));
      setDirectReads(true);
      const direct = await readDocument(file);
      expect(dump(direct.histograms.get('h')!.storage)).toStrictEqual(dump(h.storage));
      // 2-D, and written without the direct path: slabs over the leading axis
      const n = 300 * 70;
      const h2: Histogram = {
        axes: [
          { type: 'regular', lower: 0, upper: 1, bins: 298, underflow: true, overflow: true, circular: false },
          { type: 'regular', lower: 0, upper: 1, bins: 68, underflow: true, overflow: true, circular: false },
        ],
        storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [300, 70], data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 3n) } } },
      };
      setDirectWrites(false);
      await writeDocument(join(dir, 'slabs2.h5'), createDocument({ h2 }));
      setDirectReads(false);
      const back2 = await readDocument(join(dir, 'slabs2.h5'));
      expect(dump(back2.histograms.get('h2')!.storage)).toStrictEqual(dump(h2.storage));
    } finally {
      setSlabBytes(old);
    }
  });

  it('large gzip arrays are compressed by node:zlib and indexed by a B-tree of 1, 2 or 3 levels, read back by both paths', async () => {
    const h = bigHistogram(100_000);
    for (const chunkBytes of [1 << 20, 1024, 64]) {
      const file = join(dir, `chunks-${chunkBytes}.h5`);
      await writeDocument(file, createDocument({ h }), { options: { hdf5Compression: 'gzip', hdf5Level: 1, hdf5ChunkBytes: chunkBytes } });
      await withHdf5(() => {
        const f = H5File.open(file, 'r');
        try {
          const info = f.datasetInfo('/h/storage/values');
          expect(info.chunks).toEqual([Math.min(chunkBytes / 8, 100_002)]);
          expect(info.filters).toEqual([{ id: 1, name: 'deflate', values: [1] }]);
        } finally {
          f.close();
        }
      });
      const b = H5Bytes.open(file);
      try {
        // 100002 f8 in chunks of 8 elements: 12501 chunks, 196 leaves of up to 64, 4 nodes above them, 1 root
        const levels = chunkBytes === 64 ? 2 : chunkBytes === 1024 ? 1 : 0;
        const header = readObjectHeader(b, (await withHdf5(() => { const f = H5File.open(file, 'r'); try { return f.objectAddress('/h/storage/values'); } finally { f.close(); } })));
        const layout = header.messages.find((m) => m.type === 0x0008)!;
        const root = Number(layout.chunk.bytes.readBigUInt64LE(layout.dataAt + 3));
        expect(b.read(root, 6)[5], `root level for ${chunkBytes}-byte chunks`).toBe(levels);
      } finally {
        b.close();
      }
      for (const direct of [true, false]) {
        setDirectReads(direct);
        expect(dump((await readDocument(file)).histograms.get('h')!.storage), `${chunkBytes} ${direct}`).toStrictEqual(dump(h.storage));
      }
      setDirectReads(true);
    }
    // the same file content when h5wasm compresses (same chunks, same zlib level): equal values
    setDirectWrites(false);
    await writeDocument(join(dir, 'chunks-library.h5'), createDocument({ h }), { options: { hdf5Compression: 'gzip', hdf5Level: 1, hdf5ChunkBytes: 1024 } });
    expect(dump((await readDocument(join(dir, 'chunks-library.h5'))).histograms.get('h')!.storage)).toStrictEqual(dump(h.storage));
  });

  it('large contiguous arrays go straight to the file (placeholder, then appended) and read back exactly', async () => {
    const h = bigHistogram(200_000);
    const file = join(dir, 'direct.h5');
    await writeDocument(file, createDocument({ h }));
    setDirectWrites(false);
    await writeDocument(join(dir, 'library.h5'), createDocument({ h }));
    setDirectWrites(true);
    for (const f of [file, join(dir, 'library.h5')]) {
      setDirectReads(false);
      expect(dump((await readDocument(f)).histograms.get('h')!.storage)).toStrictEqual(dump(h.storage));
      setDirectReads(true);
      expect(dump((await readDocument(f)).histograms.get('h')!.storage)).toStrictEqual(dump(h.storage));
    }
    // the appended file is no larger than the one h5wasm wrote by itself (no wasted space beyond a few bytes)
    expect(readFileSync(file).length).toBeLessThanOrEqual(readFileSync(join(dir, 'library.h5')).length + 64);
  });
});

// ---------------------------------------------------------------------------------------------

describe('file addresses (file.h5:/group)', () => {
  it('splits only at a container extension or an existing file, never at a drive letter or an ordinary colon', () => {
    const none = () => false;
    expect(parseAddress('out.h5:/analysis/hists', none)).toEqual({ path: 'out.h5', location: '/analysis/hists' });
    expect(parseAddress('out.HDF5:/', none)).toEqual({ path: 'out.HDF5', location: '/' });
    expect(parseAddress('C:/data/x.h5:/g', none)).toEqual({ path: 'C:/data/x.h5', location: '/g' });
    expect(parseAddress('C:/data/h.json', none)).toEqual({ path: 'C:/data/h.json' });
    expect(parseAddress('run:/x.json', none)).toEqual({ path: 'run:/x.json' });
    expect(parseAddress('plain.h5', none)).toEqual({ path: 'plain.h5' });
    expect(parseAddress('a.h5:relative', none)).toEqual({ path: 'a.h5:relative' });
    // an existing file decides: data.bin holds HDF5 under another extension
    expect(parseAddress('data.bin:/g', (p) => p === 'data.bin')).toEqual({ path: 'data.bin', location: '/g' });
    // a file whose whole name is the address wins
    expect(parseAddress('odd.h5:/x', (p) => p === 'odd.h5:/x')).toEqual({ path: 'odd.h5:/x' });
  });

  it('writes into groups, adds to an existing file, reads a group or one histogram, and refuses to replace', async () => {
    const file = join(dir, 'addressed.h5');
    const a = createDocument({ a: bigHistogram(3), b: bigHistogram(4) });
    await writeDocument(`${file}:/analysis/hists`, a);
    await writeDocument(`${file}:/analysis/other`, createDocument({ c: bigHistogram(5) }));
    await writeDocument(`${file}:/`, createDocument({ top: bigHistogram(6) }));
    const all = await readDocument(file);
    expect([...all.histograms.keys()]).toEqual(['analysis/hists/a', 'analysis/hists/b', 'analysis/other/c', 'top']);
    expect([...(await readDocument(`${file}:/analysis/hists`)).histograms.keys()]).toEqual(['a', 'b']);
    expect([...(await readDocument(`${file}:/analysis/hists/b`)).histograms.keys()]).toEqual(['b']);
    expect(dump((await readDocument(`${file}:/analysis/other/c`)).histograms.get('c')!.storage)).toStrictEqual(dump(bigHistogram(5).storage));

    const hash = sha256(file);
    await expect(writeDocument(`${file}:/analysis/hists`, createDocument({ b: bigHistogram(1) }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/b' });
    await expect(writeDocument(`${file}:/analysis/hists/a/storage`, createDocument({ x: bigHistogram(1) }))).resolves.toBeDefined(); // a plain group: allowed
    expect(sha256(file)).not.toBe(hash);
    const hash2 = sha256(file);
    await expect(writeDocument(`${file}:/analysis/hists/a/storage/values`, createDocument({ x: bigHistogram(1) }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(sha256(file)).toBe(hash2); // a failed write leaves the file as it was

    await expect(readDocument(`${file}:/nowhere`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readDocument(`${file}:/analysis/hists/a/storage/values`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const report = await checkFile(`${file}:/analysis/hists/a/ref_axes`);
    expect(report.valid).toBe(false);
    expect(report.issues[0]).toMatchObject({ code: 'PARSE' });
  });

  it('a plain path replaces the file; other formats refuse inner locations', async () => {
    const file = join(dir, 'replace.h5');
    await writeDocument(`${file}:/g`, createDocument({ a: bigHistogram(3) }));
    await writeDocument(file, createDocument({ b: bigHistogram(3) }));
    expect([...(await readDocument(file)).histograms.keys()]).toEqual(['b']);
    const json = join(dir, 'x.json');
    await writeDocument(json, createDocument({ a: bigHistogram(3) }));
    await expect(readDocument(`${json}:/a`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writeDocument(`${json}:/a`, createDocument({ a: bigHistogram(3) }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('the CLI converts into a group and inspects a group', async () => {
    const file = join(dir, 'cli.h5');
    const src = join(dir, 'cli.json');
    await writeDocument(src, createDocument({ h1: bigHistogram(4) }));
    const conv = runBuiltCli(['convert', src, `${file}:/analysis/hists`]);
    expect(conv.stderr).toBe('');
    expect(conv.code).toBe(0);
    expect(conv.stdout).toContain('(hdf5)');
    const again = runBuiltCli(['convert', src, `${file}:/analysis/hists`]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const inspect = runBuiltCli(['inspect', `${file}:/analysis/hists`]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^h1: weighted storage \(dense\), shape \[6\]/);
    const back = await convertFile(`${file}:/analysis`, join(dir, 'back.json'));
    expect(back.histograms).toEqual(['hists/h1']);
    expect(back.from).toBe('hdf5');
  });
});

// ---------------------------------------------------------------------------------------------

describePython("h5py's storage options (tests/python/make_hdf5_cases.py)", () => {
  const file = join(dir, 'options.h5');
  beforeAll(() => {
    const r = spawnSync(PYTHON!, [join(PROJECT_DIR, 'tests/python/make_hdf5_cases.py'), dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  /** values 0.5·i (int storage: i), variances i; see the script. */
  const expected = (name: string, field: string, i: number): number | bigint => {
    if (name === 'unwritten') return 0;
    if (name === 'u8_counts') return i === 3 ? 2n ** 64n - 1n : BigInt(i);
    if (name === 'gzip_2d_int') return BigInt(i);
    if (name === 'scaleoffset_int') return i;
    return field === 'values' ? 0.5 * i : i;
  };

  it.each([true, false])('reads every option exactly (direct reads: %s)', async (directReads) => {
    setDirectReads(directReads);
    const paths = { ...HDF5_READ_PATHS };
    const doc = await readDocument(`${file}:/ok`);
    expect([...doc.histograms.keys()].sort()).toEqual(
      ['big_endian', 'compact', 'float32_chunked', 'gzip_2d_int', 'scaleoffset_int', 'shuffle_gzip_fletcher', 'u8_counts', 'unwritten'].sort(),
    );
    for (const [name, h] of doc.histograms) {
      for (const [field, arr] of Object.entries(h.storage.arrays)) {
        const bad: string[] = [];
        for (let i = 0; i < arr.data.length; i++) if (arr.data[i] !== expected(name, field, i)) bad.push(`${i}: ${String(arr.data[i])}`);
        expect(bad.slice(0, 5), `${name}/${field}`).toEqual([]);
      }
    }
    const dtypes = Object.fromEntries([...doc.histograms].map(([n, h]) => [n, h.storage.arrays.values!.dtype]));
    expect(dtypes).toEqual({
      shuffle_gzip_fletcher: 'f8',
      gzip_2d_int: 'i8',
      scaleoffset_int: 'i4',
      big_endian: 'f8',
      compact: 'f8',
      unwritten: 'f8',
      float32_chunked: 'f4',
      u8_counts: 'u8',
    });
    if (directReads) {
      // shuffle+gzip+fletcher32 (2 arrays), gzip, float32 gzip: decoded here; scaleoffset, big-endian, compact, unwritten: h5wasm
      expect(HDF5_READ_PATHS.chunked - paths.chunked).toBe(4);
      expect(HDF5_READ_PATHS.library - paths.library).toBe(4);
      expect(HDF5_READ_PATHS.contiguous - paths.contiguous).toBe(1);
    } else {
      expect(HDF5_READ_PATHS.library - paths.library).toBe(9);
    }
  });

  it('refuses a dataset compressed with a filter h5wasm lacks (lzf, 32000) instead of returning garbage', async () => {
    const report = await checkFile(`${file}:/bad`);
    expect(report.valid).toBe(false);
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ code: 'UNSUPPORTED_OPERATION', path: '/lzf/storage/values' });
    expect(report.issues[0]!.message).toMatch(/filter 32000 \(lzf\)/);
    // the whole file: the bad group makes it invalid, the good ones read
    expect((await checkFile(file)).issues[0]).toMatchObject({ code: 'UNSUPPORTED_OPERATION', path: '/bad~1lzf/storage/values' }); // histogram "bad/lzf"
  });

  it('a corrupt chunk fails its Fletcher-32 checksum', async () => {
    const copy = join(dir, 'corrupt.h5');
    const bytes = Buffer.from(readFileSync(file));
    // flip a byte inside the first chunk of shuffle_gzip_fletcher/storage/values (found through the B-tree)
    const out = py(`import h5py,sys
f=h5py.File(sys.argv[1]); d=f['ok/shuffle_gzip_fletcher/storage/values']
print(d.id.get_chunk_info(0).byte_offset)`, file);
    const pos = Number(out.trim());
    bytes[pos + 40]! ^= 0xff;
    writeFileSync(copy, bytes);
    const report = await checkFile(`${copy}:/ok/shuffle_gzip_fletcher`);
    expect(report.valid).toBe(false);
    expect(['CHECKSUM_MISMATCH', 'PARSE']).toContain(report.issues[0]!.code);
    expect(report.issues[0]!.path).toBe('/shuffle_gzip_fletcher/storage/values');
  });

  it('adding to a file h5py wrote keeps every other object, attribute and value (checked with h5py): HDF5 1.10 format, a superblock extension, a user block', async () => {
    const snapshot = `import h5py, sys, json, numpy as np
def walk(f):
    out = {}
    def visit(name, obj):
        if name.startswith('analysis/hists'):
            return
        attrs = {k: repr(v) for k, v in obj.attrs.items()}
        out[name] = [type(obj).__name__, attrs, obj[()].tolist() if isinstance(obj, h5py.Dataset) else None]
    f.visititems(visit)
    return out
with h5py.File(sys.argv[1], 'r') as f:
    print(json.dumps({'objects': walk(f), 'root': {k: repr(v) for k, v in f.attrs.items()}}, sort_keys=True))`;
    for (const [label, kwargs] of [
      ['plain', ''],
      ['latest', ", libver='latest'"],
      ['fs_persist', ", fs_strategy='fsm', fs_persist=True"],
      ['userblock', ', userblock_size=512'],
    ]) {
      const target = join(dir, `existing-${label}.h5`);
      py(`import h5py, numpy as np, sys
with h5py.File(sys.argv[1], 'w'${kwargs}) as f:
    f.attrs['title'] = 'run 2'
    f.create_dataset('raw/events', data=np.arange(1000, dtype='i4').reshape(100, 10), compression='gzip')
    f['raw'].attrs['flag'] = True
    f.create_group('analysis').attrs['owner'] = 'me'
    f['soft'] = h5py.SoftLink('/raw/events')`, target);
      const before = py(snapshot, target);
      const doc = createDocument({ h1: bigHistogram(20_000), h2: bigHistogram(5, { ok: true, n: 3 }) });
      await writeDocument(`${target}:/analysis/hists`, doc);
      expect(py(snapshot, target), label).toBe(before);
      const back = await readDocument(`${target}:/analysis/hists`);
      expect(withoutOwnStamp(back), label).toStrictEqual(withoutOwnStamp(doc));
      const check = py(`import h5py, sys
f = h5py.File(sys.argv[1], 'r')
g = f['analysis/hists/h2']
print(f['analysis/hists/h1/storage/values'][-1], bool(g['ref_axes/axis_0'].attrs['underflow']), type(g['metadata'].attrs['ok']).__name__, f[g['axes'][0]].name)`, target);
      expect(check.trim(), label).toBe(`10000.5 True bool_ /analysis/hists/h2/ref_axes/axis_0`);
    }
  });

  it('boolean attributes are patched in version 2 object headers too (checksummed; h5py verifies)', async () => {
    const file2 = join(dir, 'v2-headers.h5');
    await withHdf5(async () => {
      const f = H5File.open(file2, 'w');
      f.createGroup('/tracked', true); // creation order tracked: a version 2 object header
      f.writeBooleanPlaceholder('/tracked', 'yes', true);
      f.writeBooleanPlaceholder('/tracked', 'no', false);
      f.writeString('/tracked', 's', 'text');
      const address = f.objectAddress('/tracked');
      f.close();
      const bytes = H5Bytes.open(file2, true);
      try {
        expect(readObjectHeader(bytes, address).version).toBe(2);
        patchObjectHeaders(bytes, [{ address, booleans: new Map([['yes', true], ['no', false]]), nulTerminateStrings: true }]);
      } finally {
        bytes.close();
      }
    });
    const out = py(`import h5py, sys
g = h5py.File(sys.argv[1], 'r')['tracked']
print(list(g.attrs), [type(v).__name__ for v in g.attrs.values()], list(g.attrs.values()), g.attrs.get_id('s').get_type().get_strpad())`, file2);
    expect(out.trim()).toBe("['yes', 'no', 's'] ['bool_', 'bool_', 'str'] [True, False, 'text'] 0");
  });
});

// ---------------------------------------------------------------------------------------------

describe('byte-level helpers', () => {
  it("lookup3 is HDF5's checksum: it matches the checksum stored in a version 2 object header", async () => {
    const file = join(dir, 'lookup3.h5');
    let address = 0;
    await withHdf5(() => {
      const f = H5File.open(file, 'w');
      f.createGroup('/g', true);
      f.writeNumber('/g', 'x', 1.5, 'f8');
      address = f.objectAddress('/g');
      f.close();
    });
    const b = H5Bytes.open(file);
    try {
      const header = readObjectHeader(b, address);
      expect(header.version).toBe(2);
      const chunk = header.chunks[0]!;
      const end = chunk.bytes.length - 4;
      expect(lookup3(chunk.bytes.subarray(0, end))).toBe(chunk.bytes.readUInt32LE(end));
    } finally {
      b.close();
    }
    // Bob Jenkins' published test vectors for hashlittle
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'))).toBe(0x17770551);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'), 1)).toBe(0xcd628161);
  });

  it('fletcher32, unshuffle, copyChunk', () => {
    // HDF5's Fletcher-32 reads big-endian 16-bit words (an odd last byte is a high half): "ab" = 0x6162
    expect(fletcher32(Uint8Array.from([0x61, 0x62]))).toBe(((0x6162 << 16) | 0x6162) >>> 0);
    expect(fletcher32(Uint8Array.from([0x61, 0x62, 0x63]))).toBe(((((0x6162 + 0x6162 + 0x6300) % 0xffff) << 16) | (0x6162 + 0x6300)) >>> 0);
    // (chunks written by h5py with fletcher32 are verified in the h5py suite above)
    const shuffled = Uint8Array.from([1, 2, 3, 10, 20, 30, 99]);
    expect([...unshuffle(shuffled, 2)]).toEqual([1, 10, 2, 20, 3, 30, 99]);
    // a 2x3 chunk at offset [2, 3] of a 3x5 array of 1-byte items: only its first row and 2 columns land
    const dest = new Uint8Array(15);
    copyChunk(Uint8Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [2, 3], dest, [3, 5], 1);
    expect([...dest]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
  });

  it('slabs cover an array in contiguous pieces within the byte budget; chunks are about 1 MiB', () => {
    const all = [...slabs([5, 4, 3], 8, 100)];
    expect(all.map((s) => [s.start, s.end])).toEqual([[0, 12], [12, 24], [24, 36], [36, 48], [48, 60]]);
    expect(all.map((s) => s.count)).toEqual(Array(5).fill([1, 4, 3]));
    const fine = [...slabs([2, 1000], 8, 4000)];
    expect(fine.map((s) => [s.offset, s.count])).toEqual([
      [[0, 0], [1, 500]], [[0, 500], [1, 500]], [[1, 0], [1, 500]], [[1, 500], [1, 500]],
    ]);
    expect([...slabs([], 8, 1)]).toEqual([{ offset: [], count: [], start: 0, end: 1 }]);
    expect(defaultChunks([10_000_002], 8)).toEqual([131072]);
    expect(defaultChunks([300, 200], 8)).toEqual([300, 200]);
    expect(defaultChunks([4000, 4000], 8)).toEqual([32, 4000]);
    expect(defaultChunks([2, 1_000_000], 8)).toEqual([1, 131072]);
  });
});
