/**
 * The hand-written ROOT reader (src/codecs/root-file-read.ts and friends) against every ROOT file in
 * ../shared/reference/root (written by ROOT 5.22 … 6.28 and by uproot, zlib/lzma/lz4/zstd/none),
 * compared member by member with what uproot reads (FILE.root.expected.json); then addressing,
 * 64-bit headers and seeks, and the defences against truncated and corrupt files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHistSerialError, type ErrorCode } from '../src/errors.js';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits.js';
import { decompressRecord, lz4DecodeBlock, xxh64 } from '../src/codecs/root-decompress.js';
import {
  listRootKeys,
  parseRootFileHeader,
  readRootHistograms,
  type RootKeyInfo,
  type RootReadOptions,
} from '../src/codecs/root-file-read.js';
import type { RootCellArray, RootHist } from '../src/codecs/root-hist.js';
import { RootReadBuffer } from '../src/codecs/root-read-buffer.js';
import { describeReference, hasReference, ref, refJson } from './helpers/reference.js';

// ------------------------------------------------------------------------------------------------
// The expected JSON (../shared/reference/root/README.md, "Expected JSON")

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
type Nested = Num | Nested[];

interface ExpectedAxis {
  name: string;
  title: string;
  nbins: number;
  xmin: Num;
  xmax: Num;
  variable: boolean;
  edges: Num[];
  labels: (string | null)[] | null;
}

interface ExpectedObject {
  path: string;
  cycle: number;
  compression: string;
  class: string;
  class_version: number;
  name: string;
  title: string;
  ndim: number;
  shape_with_flow: number[];
  axes: ExpectedAxis[];
  dtype: string;
  stats: Record<string, Num>;
  option: string;
  values: Nested;
  sumw2: Nested | null;
  profile?: { sumwy: Nested; sumwy2: Nested | null; bin_entries: Nested; bin_sumw2: Nested | null };
}

interface ExpectedFile {
  root_version: number;
  fCompress: number;
  objects: Record<string, ExpectedObject>;
}

/** Every reference file; the test below checks the folders hold exactly these. */
const ROOT_FILES = [
  'coffea-SFttbar_2016_ele_pt.root',
  'combine-all_histograms_fps4_bin4j1b.root',
  'combine-hww-shape-6bins.root',
  'combine-template-analysis-datacard-input.root',
  'jsroot-f.root',
  'jsroot-fillrandom.root',
  'pyhf-ShapeSys2D.root',
  'pyhf-xmlimport-example.root',
  'uproot-hepdata-example.root',
  'uproot-histograms.root',
  'uproot-issue-1221.root',
  'uproot-issue-222.root',
  'uproot-issue-227a.root',
  'uproot-issue-513.root',
  'uproot-issue-707.root',
  'uproot-issue-750.root',
  'uproot-issue33.root',
  'uproot-issue38c.root',
  'uproot-issue64.root',
  'uproot3-histtest.root',
  'uproot-written/uw-labels-lz4.root',
  'uproot-written/uw-th1-flow-zlib.root',
  'uproot-written/uw-th2f-variable-lzma.root',
  'uproot-written/uw-th3d-uncompressed.root',
  'uproot-written/uw-tprofile-zstd.root',
];

const OPTIONS: RootReadOptions = { limits: DEFAULT_LIMITS };

function num(x: Num): number {
  return typeof x === 'number' ? x : x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : -Infinity;
}

/** An expected N-d array ([ix][iy][iz]) in ROOT's cell order (x fastest). */
function rootOrder(nested: Nested, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.reduce((a, b) => a * b, 1));
  const visit = (node: Nested, index: number[]) => {
    if (!Array.isArray(node)) {
      let cell = 0;
      for (let d = shape.length - 1; d >= 0; d--) cell = cell * shape[d]! + index[d]!;
      out[cell] = num(node);
      return;
    }
    node.forEach((child, i) => visit(child, [...index, i]));
  };
  visit(nested, []);
  return out;
}

/** Cells as plain numbers (BigInt cells of TH?L as numbers). */
function plain(cells: RootCellArray | Float64Array): number[] {
  return Array.from(cells as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Float32 data: the expected decimal rounded to float32 must be the stored value exactly. */
function expectedCells(nested: Nested, shape: readonly number[], float32: boolean): number[] {
  const values = rootOrder(nested, shape);
  return float32 ? values.map((v) => Math.fround(v)) : values;
}

const DTYPES: Record<string, string> = {
  Int8Array: 'int8',
  Int16Array: 'int16',
  Int32Array: 'int32',
  BigInt64Array: 'int64',
  Float32Array: 'float32',
  Float64Array: 'float64',
};

/** numpy.linspace(xmin, xmax, nbins + 1), as the dump computes regular edges. */
function linspace(start: number, stop: number, n: number): number[] {
  const step = (stop - start) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => i * step + start);
  out[n - 1] = stop;
  return out;
}

/** Where each expected stats member lives in a RootHist. */
function statOf(h: RootHist, member: string): number | undefined {
  if (member in h.stats) return h.stats[member];
  if (member === 'fNcells') return h.cells.length;
  if (h.profile && (member === 'fYmin' || member === 'fZmin')) return h.profile.min;
  if (h.profile && (member === 'fYmax' || member === 'fZmax')) return h.profile.max;
  if (h.profile && member === 'fErrorMode') return h.profile.errorMode;
  const a = h.attributes[member];
  return typeof a === 'number' ? a : undefined;
}

function checkObject(h: RootHist, e: ExpectedObject): void {
  const where = e.path;
  expect(h.path, where).toBe(e.path);
  expect(h.cycle, where).toBe(e.cycle);
  expect(h.className, where).toBe(e.class);
  expect(h.name, where).toBe(e.name);
  expect(h.title, where).toBe(e.title);
  expect(h.axes.length, where).toBe(e.ndim);
  expect(h.axes.map((a) => a.nbins + 2), where).toEqual(e.shape_with_flow);
  h.axes.forEach((a, i) => {
    const x = e.axes[i]!;
    const at = `${where} axis ${i}`;
    expect(a.name, at).toBe(x.name);
    expect(a.title, at).toBe(x.title);
    expect(a.nbins, at).toBe(x.nbins);
    expect(a.xmin, at).toBe(num(x.xmin));
    expect(a.xmax, at).toBe(num(x.xmax));
    expect(a.xbins !== null, at).toBe(x.variable);
    const edges = a.xbins ? Array.from(a.xbins) : linspace(a.xmin, a.xmax, a.nbins + 1);
    expect(edges, at).toEqual(x.edges.map(num));
    expect(a.labels, at).toEqual(x.labels);
  });
  expect(DTYPES[h.cells.constructor.name], where).toBe(e.dtype);
  for (const [member, value] of Object.entries(e.stats)) {
    expect(statOf(h, member), `${where} ${member}`).toEqual(num(value));
  }
  // Nothing in stats that uproot does not know as a statistics member.
  for (const member of Object.keys(h.stats)) expect(Object.keys(e.stats), `${where} stats`).toContain(member);
  expect(h.option, where).toBe(e.option);
  const shape = e.shape_with_flow;
  const float32 = e.dtype === 'float32';
  if (e.profile) {
    expect(h.profile, where).not.toBeNull();
    const p = h.profile!;
    expect(plain(h.cells), `${where} sumwy`).toEqual(expectedCells(e.profile.sumwy, shape, false));
    expect(h.sumw2 && plain(h.sumw2), `${where} sumwy2`).toEqual(e.profile.sumwy2 && rootOrder(e.profile.sumwy2, shape));
    expect(plain(p.binEntries), `${where} bin_entries`).toEqual(rootOrder(e.profile.bin_entries, shape));
    expect(p.binSumw2 && plain(p.binSumw2), `${where} bin_sumw2`).toEqual(e.profile.bin_sumw2 && rootOrder(e.profile.bin_sumw2, shape));
  } else {
    expect(h.profile, where).toBeNull();
    expect(plain(h.cells), `${where} values`).toEqual(expectedCells(e.values, shape, float32));
    expect(h.sumw2 && plain(h.sumw2), `${where} sumw2`).toEqual(e.sumw2 && rootOrder(e.sumw2, shape));
  }
}

// ------------------------------------------------------------------------------------------------

describeReference('ROOT reference files read like uproot reads them', () => {
  it('the reference folders hold exactly the files listed here', () => {
    const found = [
      ...readdirSync(ref('root')).filter((f) => f.endsWith('.root')),
      ...readdirSync(ref('root', 'uproot-written')).filter((f) => f.endsWith('.root')).map((f) => `uproot-written/${f}`),
    ];
    expect(found.sort()).toEqual([...ROOT_FILES].sort());
  });

  describe.each(ROOT_FILES)('%s', (file) => {
    let bytes: Uint8Array;
    let expected: ExpectedFile;
    let hists: RootHist[];

    beforeAll(async () => {
      bytes = readFileSync(ref('root', ...file.split('/')));
      expected = refJson<ExpectedFile>('root', ...`${file}.expected.json`.split('/'));
      hists = await readRootHistograms(bytes, { ...OPTIONS, file });
    });

    it('has the header uproot reports', () => {
      const header = parseRootFileHeader(bytes);
      expect(header.rootVersion).toBe(expected.root_version);
      expect(header.fCompress).toBe(expected.fCompress);
      expect(header.big).toBe(false);
    });

    it('holds the histograms uproot lists, each once, at the highest cycle', () => {
      expect(hists.map((h) => h.path).sort()).toEqual(Object.keys(expected.objects).sort());
    });

    it('has every member uproot reads', () => {
      for (const h of hists) checkObject(h, expected.objects[h.path]!);
    });

    it('reads each histogram alone by its path and cycle', async () => {
      for (const e of Object.values(expected.objects).slice(0, 8)) {
        const [h] = await readRootHistograms(bytes, { ...OPTIONS, location: `${e.path};${e.cycle}` });
        checkObject(h!, e);
      }
    });
  });

  it('keeps the NaN in fSumw2 of data_obs (combine-template-analysis-datacard-input)', async () => {
    const bytes = readFileSync(ref('root', 'combine-template-analysis-datacard-input.root'));
    const hists = await readRootHistograms(bytes, OPTIONS);
    const withNaN = hists.filter((h) => h.sumw2 !== null && Array.from(h.sumw2).some(Number.isNaN));
    expect(withNaN.length).toBeGreaterThan(0);
    for (const h of withNaN) expect(h.name).toMatch(/data_obs/);
  });

  it('reads labels placed by fUniqueID, and the int32 storage of TH1I', async () => {
    const bytes = readFileSync(ref('root', 'uproot-written', 'uw-labels-lz4.root'));
    const [cutflow] = await readRootHistograms(bytes, { ...OPTIONS, location: 'cutflow' });
    expect(cutflow!.axes[0]!.labels).toEqual(['all', 'trigger', '2 leptons', 'm_{ll} > 12', 'MET > 40', 'b-veto']);
    const ints = await readRootHistograms(readFileSync(ref('root', 'uproot-written', 'uw-th1-flow-zlib.root')), { ...OPTIONS, location: 'h1i_counts' });
    expect(ints[0]!.cells).toBeInstanceOf(Int32Array);
    expect(ints[0]!.sumw2).toBeNull();
  });

  it('fills attributes with the TH1/TAxis members a writer needs', async () => {
    const bytes = readFileSync(ref('root', 'uproot-hepdata-example.root'));
    const [hpx, hpxpy, hprof] = await readRootHistograms(bytes, OPTIONS).then((hs) => ['hpx', 'hpxpy', 'hprof'].map((n) => hs.find((h) => h.name === n)));
    for (const h of [hpx!, hpxpy!, hprof!]) {
      for (const m of ['fLineColor', 'fLineStyle', 'fLineWidth', 'fFillColor', 'fFillStyle', 'fMarkerColor', 'fMarkerStyle', 'fMarkerSize', 'fBarOffset', 'fBarWidth', 'fMaximum', 'fMinimum', 'fNormFactor', 'fBinStatErrOpt', 'fBufferSize']) {
        expect(typeof h.attributes[m], `${h.name} ${m}`).toBe('number');
      }
      for (const a of h.axes) {
        for (const m of ['fNdivisions', 'fAxisColor', 'fLabelColor', 'fLabelFont', 'fLabelOffset', 'fLabelSize', 'fTickLength', 'fTitleOffset', 'fTitleSize', 'fTitleColor', 'fTitleFont', 'fFirst', 'fLast', 'fBits2']) {
          expect(typeof a.attributes[m], `${h.name} ${a.name} ${m}`).toBe('number');
        }
        expect(typeof a.attributes.fTimeDisplay).toBe('boolean');
        expect(typeof a.attributes.fTimeFormat).toBe('string');
      }
    }
    expect(hpxpy!.attributes.fScalefactor).toBe(1);
    expect(hprof!.profile!.errorMode).toBe(0);
    expect(hprof!.profile!.binSumw2).toBeNull();
    // ROOT 5.34 writes TH1 version 7: no fStatOverflows.
    expect(hpx!.attributes.fStatOverflows).toBeUndefined();
  });

  it('skips the fitted TF1 in fFunctions (jsroot-fillrandom) and the objects that are not histograms', async () => {
    const bytes = readFileSync(ref('root', 'jsroot-fillrandom.root'));
    const hists = await readRootHistograms(bytes, OPTIONS);
    expect(hists.map((h) => h.className)).toEqual(['TH1F']);
    const keys = listRootKeys(readFileSync(ref('root', 'uproot-hepdata-example.root')), OPTIONS);
    expect(keys.map((k) => k.className)).toContain('TNtuple');
    expect(keys.filter((k) => k.histogram).map((k) => k.name).sort()).toEqual(['hprof', 'hpx', 'hpxpy']);
  });
});

// ------------------------------------------------------------------------------------------------

/** Expect `promise` to reject with a HistSerialError of `code`; returns it. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a ${code} error`).toBeInstanceOf(Error);
  expect(isHistSerialError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code, String(caught)).toBe(code);
  return caught as Error;
}

function throwsWith(f: () => unknown, code: ErrorCode): Error {
  return rejectsWithSync(f, code);
}

function rejectsWithSync(f: () => unknown, code: ErrorCode): Error {
  try {
    f();
  } catch (err) {
    expect(isHistSerialError(err), String(err)).toBe(true);
    expect((err as { code: string }).code, String(err)).toBe(code);
    return err as Error;
  }
  throw new Error(`expected a ${code} error`);
}

describeReference('addressing objects inside a ROOT file', () => {
  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = readFileSync(ref('root', 'uproot-written', 'uw-th1-flow-zlib.root'));
  });

  it('reads dir/sub/h_in_dir, with or without slashes around it', async () => {
    for (const location of ['dir/sub/h_in_dir', '/dir/sub/h_in_dir', 'dir/sub/h_in_dir;1', 'dir;1/sub/h_in_dir']) {
      const hists = await readRootHistograms(bytes, { ...OPTIONS, location });
      expect(hists.map((h) => h.path), location).toEqual(['dir/sub/h_in_dir']);
    }
  });

  it('reads every histogram under a directory', async () => {
    const hists = await readRootHistograms(bytes, { ...OPTIONS, location: 'dir' });
    expect(hists.map((h) => h.path)).toEqual(['dir/sub/h_in_dir']);
  });

  it('reads name;1 and refuses a cycle that does not exist', async () => {
    const [h] = await readRootHistograms(bytes, { ...OPTIONS, location: 'h1d_weighted;1' });
    expect(h!.cycle).toBe(1);
    await rejectsWith(readRootHistograms(bytes, { ...OPTIONS, location: 'h1d_weighted;7' }), 'NOT_FOUND');
  });

  it('says NOT_FOUND with what the directory holds', async () => {
    const err = await rejectsWith(readRootHistograms(bytes, { ...OPTIONS, location: 'nope', file: 'uw.root' }), 'NOT_FOUND');
    expect(err.message).toContain('h1d_weighted');
    expect((err as { file?: string }).file).toBe('uw.root');
    const inDir = await rejectsWith(readRootHistograms(bytes, { ...OPTIONS, location: 'dir/nope' }), 'NOT_FOUND');
    expect(inDir.message).toContain('sub');
    await rejectsWith(readRootHistograms(bytes, { ...OPTIONS, location: 'h1d_weighted/x' }), 'NOT_FOUND');
    await rejectsWith(readRootHistograms(bytes, { ...OPTIONS, location: 'dir//sub' }), 'INVALID_ARGUMENT');
  });

  it('refuses to read an object that is not a histogram', async () => {
    const hepdata = readFileSync(ref('root', 'uproot-hepdata-example.root'));
    const ntuple = listRootKeys(hepdata, OPTIONS).find((k) => k.className === 'TNtuple')!;
    await rejectsWith(readRootHistograms(hepdata, { ...OPTIONS, location: ntuple.name }), 'UNSUPPORTED_OPERATION');
  });

  it('keeps the highest cycle of a name, and name;1 selects an older one', async () => {
    const combine = readFileSync(ref('root', 'combine-all_histograms_fps4_bin4j1b.root'));
    const keys = listRootKeys(combine, OPTIONS);
    const twice = keys.filter((k) => k.cycle === 2 && keys.some((o) => o.path === k.path && o.cycle === 1));
    expect(twice.length).toBeGreaterThan(0);
    const all = await readRootHistograms(combine, OPTIONS);
    const name = twice[0]!.name;
    expect(all.filter((h) => h.path === name).map((h) => h.cycle)).toEqual([2]);
    const [old] = await readRootHistograms(combine, { ...OPTIONS, location: `${name};1` });
    expect(old!.cycle).toBe(1);
    expect(old!.name).toBe(name);
  });

  it('lists keys with their classes and cycles, subdirectories included', () => {
    const keys = listRootKeys(bytes, OPTIONS);
    const byPath = new Map(keys.map((k) => [k.path, k]));
    expect(byPath.get('dir')!.directoryKey).toBe(true);
    expect(byPath.get('dir/sub')!.directoryKey).toBe(true);
    expect(byPath.get('dir/sub/h_in_dir')).toMatchObject({ className: 'TH1D', cycle: 1, histogram: true, directory: 'dir/sub' });
  });
});

// ------------------------------------------------------------------------------------------------
// Corrupt files

/** A copy of `bytes` with `patch` applied. */
function patched(bytes: Uint8Array, patch: (view: DataView, copy: Uint8Array) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  patch(new DataView(copy.buffer), copy);
  return copy;
}

describeReference('corrupt and hostile ROOT files end in typed errors', () => {
  let small: Uint8Array;
  let keys: RootKeyInfo[];
  let key: RootKeyInfo;
  beforeAll(() => {
    small = readFileSync(ref('root', 'uproot-written', 'uw-th1-flow-zlib.root'));
    keys = listRootKeys(small, OPTIONS);
    key = keys.find((k) => k.name === 'h1d_weighted')!;
  });

  it('refuses what is not a ROOT file', async () => {
    await rejectsWith(readRootHistograms(new TextEncoder().encode('{"a": 1}'), OPTIONS), 'PARSE');
    await rejectsWith(readRootHistograms(new Uint8Array(0), OPTIONS), 'PARSE');
  });

  it('refuses every truncation of a file with PARSE, never a JS error', async () => {
    for (const length of [3, 10, 40, 63, 100, 200, 1000, small.length - 4000, small.length - 1]) {
      const err = await rejectsWith(readRootHistograms(small.subarray(0, length), { ...OPTIONS, file: 'cut.root' }), 'PARSE');
      expect((err as { codec?: string }).codec).toBe('root');
    }
  });

  it('refuses a file larger than maxInputBytes', async () => {
    await rejectsWith(readRootHistograms(small, { limits: resolveLimits({ maxInputBytes: 1000 }) }), 'LIMIT_EXCEEDED');
  });

  /** Offset of the key header of `k` in the key list of its directory. */
  function listedKeyOffset(bytes: Uint8Array, k: RootKeyInfo): number {
    // The key list entry repeats the key header that starts the record at fSeekKey: find its copy.
    const header = bytes.subarray(k.seekKey, k.seekKey + k.keylen);
    for (let at = bytes.length - header.length; at >= 0; at--) {
      if (at === k.seekKey) continue;
      let same = true;
      for (let i = 0; i < header.length && same; i++) same = bytes[at + i] === header[i];
      if (same) return at;
    }
    throw new Error('key list entry not found');
  }

  it('refuses a key whose fNbytes runs past the end of the file', async () => {
    const at = listedKeyOffset(small, key);
    const bad = patched(small, (v) => v.setInt32(at, small.length));
    await rejectsWith(readRootHistograms(bad, { ...OPTIONS, location: 'h1d_weighted' }), 'PARSE');
  });

  it('refuses a key whose fKeylen is larger than fNbytes', async () => {
    const at = listedKeyOffset(small, key);
    const bad = patched(small, (v) => v.setInt16(at + 14, 30000));
    await rejectsWith(readRootHistograms(bad, OPTIONS), 'PARSE');
  });

  it('refuses a key claiming 4 GB uncompressed before allocating it', async () => {
    const at = listedKeyOffset(small, key);
    const bad = patched(small, (v) => v.setUint32(at + 6, 0xfffffff0 | 0));
    // As a signed 32-bit fObjlen this is negative: corrupt.
    await rejectsWith(readRootHistograms(bad, { ...OPTIONS, location: 'h1d_weighted' }), 'PARSE');
    // 2 GB: within the default limits, but the block headers hold far less (checked before allocating).
    const big = patched(small, (v) => v.setInt32(at + 6, 0x7ffffff0));
    await rejectsWith(readRootHistograms(big, { ...OPTIONS, location: 'h1d_weighted' }), 'PARSE');
    // Under a lower limit it is LIMIT_EXCEEDED.
    await rejectsWith(readRootHistograms(big, { limits: resolveLimits({ maxInputBytes: 1 << 20 }), location: 'h1d_weighted' }), 'LIMIT_EXCEEDED');
  });

  it('refuses a compressed block whose sizes lie', async () => {
    const record = small.subarray(key.seekKey + key.keylen, key.seekKey + key.nbytes);
    const ctx = { where: 'test', limits: DEFAULT_LIMITS };
    expect(String.fromCharCode(record[0]!, record[1]!)).toBe('ZL');
    // Uncompressed size one byte short of the truth: the data inflate to more than declared.
    const short = patched(record, (_, c) => {
      c[6] = (c[6]! - 1) & 0xff;
    });
    await rejectsWith(decompressRecord(short, key.objlen, ctx), 'PARSE');
    await rejectsWith(decompressRecord(short, key.objlen - 1, ctx), 'PARSE');
    // Unknown algorithm.
    const unknown = patched(record, (_, c) => {
      c[0] = 0x51;
    });
    await rejectsWith(decompressRecord(unknown, key.objlen, ctx), 'UNSUPPORTED_OPERATION');
    // A bomb: 16 MiB from a few bytes.
    const bomb = patched(record, (_, c) => {
      c[6] = 0xff;
      c[7] = 0xff;
      c[8] = 0xff;
    });
    await rejectsWith(decompressRecord(bomb.subarray(0, 9 + 10), 0xffffff, ctx), 'PARSE');
    // Flipped data bytes: inflate fails (or the adler-32 does).
    const flipped = patched(record, (_, c) => {
      for (let i = 20; i < 40; i++) c[i] = c[i]! ^ 0x5a;
    });
    await rejectsWith(decompressRecord(flipped, key.objlen, ctx), 'PARSE');
  });

  it('refuses corrupt lz4, zstd and xz blocks', async () => {
    for (const [file, name] of [
      ['uw-labels-lz4.root', 'cutflow'],
      ['uw-tprofile-zstd.root', 'prof_unweighted'],
      ['uw-th2f-variable-lzma.root', null],
    ] as const) {
      const bytes = readFileSync(ref('root', 'uproot-written', file));
      const k = listRootKeys(bytes, OPTIONS).find((x) => x.histogram && (name === null || x.name === name))!;
      const record = bytes.subarray(k.seekKey + k.keylen, k.seekKey + k.nbytes);
      const ctx = { where: file, limits: DEFAULT_LIMITS };
      const good = await decompressRecord(record, k.objlen, ctx);
      expect(good.length).toBe(k.objlen);
      // lz4 blocks carry an xxhash64 and xz streams a CRC: flipped bytes are caught. zstd frames from
      // ROOT have no checksum, so damage there shows only when it breaks the frame structure.
      const flipped = patched(record, (_, c) => {
        if (name === 'prof_unweighted') c[9 + 4] = c[9 + 4]! | 0x08; // reserved bit of the frame header
        else for (let i = 40; i < 60; i++) c[i] = c[i]! ^ 0xa5;
      });
      const err = await rejectsWith(decompressRecord(flipped, k.objlen, ctx), name === 'cutflow' ? 'CHECKSUM_MISMATCH' : 'PARSE');
      expect(err.message).toContain(file);
      // Truncated block data.
      const cut = patched(record, (_, c) => {
        const size = c[3]! | (c[4]! << 8) | (c[5]! << 16);
        const smaller = size - 20;
        c[3] = smaller & 0xff;
        c[4] = (smaller >> 8) & 0xff;
        c[5] = smaller >> 16;
      });
      await rejectsWith(decompressRecord(cut.subarray(0, record.length - 20), k.objlen, { ...ctx, verifyChecksums: false }), 'PARSE');
      // The decoders are left usable after a failure (xz-decompress serialises its streams).
      expect(await decompressRecord(record, k.objlen, ctx)).toEqual(good);
    }
  });

  it('refuses an unsupported class version with UNSUPPORTED_VERSION', async () => {
    // uw-th3d-uncompressed stores its TH3D uncompressed: patch the TH1 version inside it.
    const bytes = readFileSync(ref('root', 'uproot-written', 'uw-th3d-uncompressed.root'));
    const k = listRootKeys(bytes, OPTIONS).find((x) => x.histogram)!;
    expect(k.objlen).toBe(k.nbytes - k.keylen);
    const start = k.seekKey + k.keylen;
    // Object: TH3D [bcnt, ver] TH3 [bcnt, ver] TH1 [bcnt, ver]: the TH1 version is at +4+2+4+2+4.
    const th1Version = start + 16;
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint16(th1Version)).toBe(8);
    const bad = patched(bytes, (v) => v.setUint16(th1Version, 99));
    const err = await rejectsWith(readRootHistograms(bad, OPTIONS), 'UNSUPPORTED_VERSION');
    expect(err.message).toContain('TH1 class version 99');
    // A byte count that disagrees with the members: PARSE.
    const count = patched(bytes, (v) => v.setUint32(start + 12, (v.getUint32(start + 12) - 8) >>> 0));
    await rejectsWith(readRootHistograms(count, OPTIONS), 'PARSE');
    // An array length beyond the record: PARSE, before allocating.
    const data = bytes.subarray(start, k.seekKey + k.nbytes);
    const arrayAt = findArrayLength(data, k);
    const huge = patched(bytes, (v) => v.setInt32(start + arrayAt, 0x7fffffff));
    await rejectsWith(readRootHistograms(huge, OPTIONS), 'PARSE');
  });

  /** Offset, in a TH3D record, of the fN of its fArray (the last TArrayD: 4 + 8 × ncells bytes before the end). */
  function findArrayLength(data: Uint8Array, k: RootKeyInfo): number {
    void k;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let at = data.length - 12; at >= 0; at -= 1) {
      const n = view.getInt32(at);
      if (n > 0 && at + 4 + 8 * n === data.length) return at;
    }
    throw new Error('fArray not found');
  }

  it('never throws a plain JS error on randomly damaged files', async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const files = ['uw-labels-lz4.root', 'uw-th3d-uncompressed.root', 'uw-tprofile-zstd.root'].map((f) => readFileSync(ref('root', 'uproot-written', f)));
    files.push(readFileSync(ref('root', 'uproot-issue33.root')));
    for (let trial = 0; trial < 160; trial++) {
      const source = files[trial % files.length]!;
      const bad = patched(source, (_, c) => {
        for (let i = 0; i < 4; i++) c[Math.floor(random() * c.length)] = Math.floor(random() * 256);
      });
      try {
        await readRootHistograms(bad, OPTIONS);
      } catch (err) {
        expect(isHistSerialError(err), `trial ${trial}: ${String(err)}`).toBe(true);
        // The reader's last-resort wrapping of stray JS errors must never be what caught it.
        const cause = (err as Error).cause;
        expect(cause instanceof TypeError || cause instanceof RangeError, `trial ${trial}: ${String(cause)}`).toBe(false);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Building blocks, without reference files

describe('ROOT read building blocks', () => {
  it('reads ROOT strings, short and long, and reports reads past the end with PARSE', () => {
    const long = 'x'.repeat(300);
    const bytes = new Uint8Array([3, 0x61, 0x62, 0x63, 255, 0, 0, 1, 44, ...new TextEncoder().encode(long), 1, 2]);
    const buf = new RootReadBuffer(bytes, { where: 'test bytes' });
    expect(buf.string('a')).toBe('abc');
    expect(buf.string('b')).toBe(long);
    const err = throwsWith(() => buf.i32('an int'), 'PARSE');
    expect(err.message).toContain('an int');
    expect(err.message).toContain('test bytes');
  });

  it('reads byte-count headers and checks object ends', () => {
    // bcnt = 6 (version + 4 bytes), version 3, then an int.
    const bytes = new Uint8Array([0x40, 0, 0, 6, 0, 3, 0, 0, 0, 7, 0xff]);
    const buf = new RootReadBuffer(bytes, { where: 'test' });
    const h = buf.version('TFoo');
    expect(h).toEqual({ version: 3, start: 0, end: 10 });
    expect(buf.i32('x')).toBe(7);
    buf.checkEnd(h, 'TFoo');
    const short = new RootReadBuffer(new Uint8Array([0x40, 0, 0, 60, 0, 3]), { where: 'test' });
    throwsWith(() => short.version('TFoo'), 'PARSE');
  });

  it('resolves class tags: new classes, references to them, null and skipped objects', () => {
    // Object 1: bcnt, kNewClassTag, "TFoo\0", 2 bytes of body. Object 2: bcnt, class ref to TFoo, 2 bytes. Then a null.
    const name = [...new TextEncoder().encode('TFoo'), 0];
    const first = [0x40, 0, 0, 4 + name.length + 2, 0xff, 0xff, 0xff, 0xff, ...name, 9, 9];
    // The class tag of object 1 sits at displacement 4 (+ origin): its reference is (4 + origin + 2) | kClassMask.
    const origin = 100;
    const ref = (4 + origin + 2) | 0x80000000;
    const second = [0x40, 0, 0, 6, (ref >>> 24) & 0xff, (ref >>> 16) & 0xff, (ref >>> 8) & 0xff, ref & 0xff, 8, 8];
    const buf = new RootReadBuffer(new Uint8Array([...first, ...second, 0, 0, 0, 0]), { where: 'test', origin });
    const a = buf.objectTag('a');
    expect(a).toMatchObject({ kind: 'object', className: 'TFoo' });
    if (a.kind === 'object') buf.skipObject(a, 'a');
    const b = buf.objectTag('b');
    expect(b).toMatchObject({ kind: 'object', className: 'TFoo' });
    expect(buf.u16('body')).toBe(0x0808);
    if (b.kind === 'object') buf.endObject(b, 'TFoo');
    expect(buf.objectTag('c')).toEqual({ kind: 'null' });
    // A class reference to nothing, without a byte count, cannot be skipped.
    const dangling = new RootReadBuffer(new Uint8Array([0x80, 0, 0, 0x40]), { where: 'test' });
    throwsWith(() => dangling.objectTag('d'), 'PARSE');
  });

  it('computes xxhash64 like the reference implementation', () => {
    // Test vectors of the xxHash specification (seed 0).
    expect(xxh64(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
    expect(xxh64(new TextEncoder().encode('a'))).toBe(0xd24ec4f1a98c6e5bn);
    expect(xxh64(new TextEncoder().encode('abc'))).toBe(0x44bc2cf5ad770999n);
    expect(xxh64(new TextEncoder().encode('Nobody inspects the spammish repetition'))).toBe(0xfbcea83c8a378bf1n);
  });

  it('decodes lz4 blocks and refuses bad offsets and overflows', () => {
    const fail = (reason: string) => new Error(reason) as never;
    // "abcabcabcabc": 3 literals, then a match at offset 3 of length 9 (token 0x35: 3 literals, match 5+4).
    const block = new Uint8Array([0x35, 0x61, 0x62, 0x63, 3, 0, 0x10, 0x78]);
    const out = new Uint8Array(13);
    expect(lz4DecodeBlock(block, out, fail)).toBe(13);
    expect(new TextDecoder().decode(out)).toBe('abcabcabcabcx');
    expect(() => lz4DecodeBlock(block, new Uint8Array(5), fail)).toThrow(/more than/);
    expect(() => lz4DecodeBlock(new Uint8Array([0x10, 0x61, 9, 0]), new Uint8Array(20), fail)).toThrow(/refers 9 bytes back/);
    expect(() => lz4DecodeBlock(new Uint8Array([0xf0]), new Uint8Array(20), fail)).toThrow(/ends inside/);
  });

  it('stores uncompressed records as views and checks zlib blocks end to end', async () => {
    const object = new Uint8Array(5000).map((_, i) => (i * 7) % 251);
    const ctx = { where: 'test', limits: DEFAULT_LIMITS };
    expect(await decompressRecord(object, object.length, ctx)).toEqual(object);
    const z = deflateSync(object);
    const header = new Uint8Array([0x5a, 0x4c, 8, z.length & 0xff, (z.length >> 8) & 0xff, z.length >> 16, object.length & 0xff, (object.length >> 8) & 0xff, object.length >> 16]);
    const record = new Uint8Array([...header, ...z]);
    expect(await decompressRecord(record, object.length, ctx)).toEqual(object);
    // Two blocks.
    const half = object.subarray(0, 2500);
    const zh = deflateSync(half);
    const h2 = new Uint8Array([0x5a, 0x4c, 8, zh.length & 0xff, zh.length >> 8, 0, 2500 & 0xff, 2500 >> 8, 0]);
    const two = new Uint8Array([...h2, ...zh, ...h2, ...zh]);
    expect(await decompressRecord(two, 5000, ctx)).toEqual(new Uint8Array([...half, ...half]));
    await rejectsWith(decompressRecord(two, 6000, ctx), 'PARSE');
    // CS: ROOT's old algorithm, raw DEFLATE without the zlib header.
    const raw = deflateRawSync(object);
    const cs = new Uint8Array([0x43, 0x53, 8, raw.length & 0xff, (raw.length >> 8) & 0xff, raw.length >> 16, object.length & 0xff, (object.length >> 8) & 0xff, object.length >> 16, ...raw]);
    expect(await decompressRecord(cs, object.length, ctx)).toEqual(object);
    await rejectsWith(decompressRecord(two, 5000, { where: 'test', limits: resolveLimits({ maxInputBytes: 4000 }) }), 'LIMIT_EXCEEDED');
  });
});

// ------------------------------------------------------------------------------------------------
// A big file (fVersion >= 1000000, 64-bit seeks), built by hand around a real histogram record

/** Bytes built with a big-endian writer. */
class Out {
  private parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u8(v: number) {
    this.parts.push(v & 0xff);
    return this;
  }
  i16(v: number) {
    return this.u8(v >> 8).u8(v);
  }
  i32(v: number) {
    return this.u8(v >>> 24).u8(v >>> 16).u8(v >>> 8).u8(v);
  }
  i64(v: number) {
    return this.i32(Math.floor(v / 2 ** 32)).i32(v >>> 0);
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u8(b.length);
    for (const x of b) this.u8(x);
    return this;
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.u8(x);
    return this;
  }
  set32(at: number, v: number) {
    for (let i = 0; i < 4; i++) this.parts[at + i] = (v >>> (24 - 8 * i)) & 0xff;
  }
  set64(at: number, v: number) {
    this.set32(at, Math.floor(v / 2 ** 32));
    this.set32(at + 4, v >>> 0);
  }
  toBytes(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

/** A big-version key header (fVersion 1004: 64-bit seeks). */
function bigKey(o: Out, k: { nbytes: number; objlen: number; seekKey: number; seekPdir: number; className: string; name: string; title: string }): void {
  const start = o.length;
  o.i32(k.nbytes).i16(1004).i32(k.objlen).i32(0).i16(0).i16(1).i64(k.seekKey).i64(k.seekPdir).str(k.className).str(k.name).str(k.title);
  const keylen = o.length - start;
  if (k.nbytes === 0) o.set32(start, keylen);
  // fKeylen at +14.
  const parts = o as unknown as { parts: number[] };
  parts.parts[start + 14] = keylen >> 8;
  parts.parts[start + 15] = keylen & 0xff;
}

function keyLength(className: string, name: string, title: string): number {
  const o = new Out();
  bigKey(o, { nbytes: 0, objlen: 0, seekKey: 0, seekPdir: 0, className, name, title });
  return o.length;
}

describeReference('big ROOT files (64-bit seeks)', () => {
  it('parses a hand-built big file header', () => {
    const o = new Out();
    o.bytes(new TextEncoder().encode('root')).i32(1_062_400).i32(100).i64(5_000_000_000).i64(4_999_000_000).i32(60).i32(1).i32(58).u8(8).i32(505).i64(4_998_000_000).i32(4000);
    const header = parseRootFileHeader(o.toBytes());
    expect(header).toMatchObject({
      big: true,
      fVersion: 1_062_400,
      rootVersion: 62400,
      fBEGIN: 100,
      fEND: 5_000_000_000,
      fSeekFree: 4_999_000_000,
      fNbytesName: 58,
      fUnits: 8,
      fCompress: 505,
      fSeekInfo: 4_998_000_000,
      fNbytesInfo: 4000,
    });
  });

  it('reads a histogram through a big header, a big directory and big keys', async () => {
    // The TH3D record of uw-th3d-uncompressed (stored, no class references inside).
    const source = readFileSync(ref('root', 'uproot-written', 'uw-th3d-uncompressed.root'));
    const sk = listRootKeys(source, OPTIONS).find((x) => x.histogram)!;
    const object = source.subarray(sk.seekKey + sk.keylen, sk.seekKey + sk.nbytes);
    const [expected] = await readRootHistograms(source, OPTIONS);

    const o = new Out();
    const BEGIN = 100;
    // File header, padded to fBEGIN.
    o.bytes(new TextEncoder().encode('root')).i32(1_062_400).i32(BEGIN);
    const fEndAt = o.length;
    o.i64(0).i64(0).i32(0).i32(0);
    const nbytesNameAt = o.length;
    o.i32(0).u8(8).i32(0).i64(0).i32(0);
    while (o.length < BEGIN) o.u8(0);
    // Top directory key + TNamed, then the directory record (version 1005: 64-bit seeks).
    const topKeyLen = keyLength('TFile', 'big.root', '');
    bigKey(o, { nbytes: 0, objlen: 0, seekKey: BEGIN, seekPdir: 0, className: 'TFile', name: 'big.root', title: '' });
    o.str('big.root').str('');
    const nbytesName = o.length - BEGIN;
    o.set32(nbytesNameAt, nbytesName);
    o.i16(1005).i32(0).i32(0);
    const nbytesKeysAt = o.length;
    o.i32(0).i32(nbytesName).i64(BEGIN).i64(0);
    const seekKeysAt = o.length;
    o.i64(0);
    void topKeyLen;
    // The histogram record: big key + object.
    const histKeyLen = keyLength(sk.className, sk.name, sk.title);
    const histAt = o.length;
    // The object's class references count the key length: the TH3D record has none, so it moves freely.
    bigKey(o, { nbytes: histKeyLen + object.length, objlen: object.length, seekKey: histAt, seekPdir: BEGIN, className: sk.className, name: sk.name, title: sk.title });
    o.bytes(object);
    // The key list: its own key, the count, the keys.
    const listAt = o.length;
    bigKey(o, { nbytes: 0, objlen: 0, seekKey: listAt, seekPdir: BEGIN, className: 'TFile', name: 'big.root', title: '' });
    o.i32(1);
    bigKey(o, { nbytes: histKeyLen + object.length, objlen: object.length, seekKey: histAt, seekPdir: BEGIN, className: sk.className, name: sk.name, title: sk.title });
    o.set32(nbytesKeysAt, o.length - listAt);
    o.set64(seekKeysAt, listAt);
    o.set64(fEndAt, o.length);
    const bytes = o.toBytes();

    expect(parseRootFileHeader(bytes).big).toBe(true);
    const keys = listRootKeys(bytes, OPTIONS);
    expect(keys.map((k) => [k.path, k.className, k.seekKey])).toEqual([[sk.name, sk.className, histAt]]);
    const [h] = await readRootHistograms(bytes, OPTIONS);
    expect(h!.className).toBe(expected!.className);
    expect(h!.axes).toEqual(expected!.axes);
    expect(h!.cells).toEqual(expected!.cells);
    expect(h!.sumw2).toEqual(expected!.sumw2);
    expect(h!.stats).toEqual(expected!.stats);
  });
});

if (!hasReference) describe.skip('ROOT reference files', () => it('needs ../shared/reference'));
