/**
 * The ROOT writer (root-file-write.ts and the modules under it), checked by an independent reader:
 * uproot (vendored in ../shared/tools/uproot, Debian's python3). Every histogram kind is written
 * zlib-compressed, uncompressed and with the 64-bit (large file) layout; uproot_dump.py must read
 * back every field (class, titles, axes, labels, every cell with flow, fSumw2, profile arrays,
 * statistics), once through uproot's built-in models and once through classes uproot builds from
 * the streamer infos in our file; uproot.update (which parses the free segments, directory headers
 * and key lists strictly) must accept and extend every file. Histogram objects and the StreamerInfo
 * record hist-serial writes are byte-identical to those ROOT itself wrote in the reference files,
 * and every streamer info ROOT wrote there equals the table's. Checks that need no Python: the
 * table's checksums against ROOT's algorithm, the write buffer, the compression blocks, and every
 * refusal (code and path), the 1 GiB object limit included.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_MAX_OBJECT_BYTES, ROOT_MAX_BLOCK, compressRootObject, writeRootFile, type RootFileWriteOptions } from '../src/codecs/root-file-write.js';
import type { RootAxis, RootCellArray, RootHist, RootHistClass } from '../src/codecs/root-hist.js';
import { rootHistBytes, writeRootHist } from '../src/codecs/root-hist-write.js';
import { STREAMER_CLASSES, streamerChecksum, streamerClass, streamerClosure, writeStreamerInfoList, type StreamerClass } from '../src/codecs/root-streamer-info.js';
import { MAX_BYTE_COUNT, RootWriteBuffer } from '../src/codecs/root-write-buffer.js';
import { LimitError, isHistSerialError } from '../src/errors.js';
import { MESSAGES } from '../src/messages.js';
import { requirePython } from './helpers/python.js';
import { SHARED_TOOLS_DIR, describeReference, ref, refJson } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

/** Write a file's chunks in order, without joining them. */
function save(file: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const c of chunks) writeSync(fd, c);
  } finally {
    closeSync(fd);
  }
}

// ---- building histograms -----------------------------------------------------------------------

/** A seeded generator (LCG), so the histograms are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function axis(name: string, nbins: number, xmin: number, xmax: number, extra: Partial<RootAxis> = {}): RootAxis {
  return { name, title: '', nbins, xmin, xmax, xbins: null, labels: null, attributes: {}, ...extra };
}

function variable(name: string, edges: number[], title = ''): RootAxis {
  return axis(name, edges.length - 1, edges[0]!, edges[edges.length - 1]!, { xbins: Float64Array.from(edges), title });
}

function ncells(axes: readonly RootAxis[]): number {
  return axes.reduce((n, a) => n * (a.nbins + 2), 1);
}

function doubles(n: number, seed: number, scale = 100): Float64Array {
  const r = random(seed);
  return Float64Array.from({ length: n }, () => Math.round(r() * scale * 1e6) / 1e6);
}

interface Spec {
  className: RootHistClass;
  path: string;
  axes: RootAxis[];
  cycle?: number;
  title?: string;
  name?: string;
  cells?: RootCellArray;
  sumw2?: boolean;
  seed?: number;
  attributes?: RootHist['attributes'];
  option?: string;
}

function stats(dim: number, seed: number, profile: 0 | 1 | 2): RootHist['stats'] {
  const r = random(seed + 7);
  const names = ['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2'];
  if (dim >= 2) names.push('fTsumwy', 'fTsumwy2', 'fTsumwxy');
  if (dim === 3) names.push('fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz');
  if (profile === 1) names.push('fTsumwy', 'fTsumwy2');
  if (profile === 2) names.push('fTsumwz', 'fTsumwz2');
  const out: RootHist['stats'] = { fEntries: 0, fTsumw: 0, fTsumw2: 0, fTsumwx: 0, fTsumwx2: 0 };
  for (const n of names) out[n] = Math.round(r() * 1e9) / 1e3;
  return out;
}

function hist(spec: Spec): RootHist {
  const n = ncells(spec.axes);
  const seed = spec.seed ?? 1;
  const profileKind = spec.className === 'TProfile' ? 1 : spec.className === 'TProfile2D' ? 2 : 0;
  const name = spec.name ?? spec.path.split('/').pop()!;
  return {
    className: spec.className,
    path: spec.path,
    cycle: spec.cycle ?? 1,
    name,
    title: spec.title ?? `title of ${name}`,
    axes: spec.axes,
    cells: spec.cells ?? doubles(n, seed),
    sumw2: spec.sumw2 === false ? null : doubles(n, seed + 1),
    profile: null,
    stats: stats(spec.axes.length, seed, profileKind),
    option: spec.option ?? '',
    attributes: spec.attributes ?? {},
  };
}

function profile(spec: Spec, weighted: boolean, errorMode: number): RootHist {
  const h = hist(spec);
  const n = h.cells.length;
  const entries = doubles(n, (spec.seed ?? 1) + 2, 20).map((x, i) => (i % 5 === 3 ? 0 : Math.floor(x)));
  h.profile = {
    binEntries: entries,
    binSumw2: weighted ? doubles(n, (spec.seed ?? 1) + 3, 30) : null,
    errorMode,
    min: errorMode === 1 ? -5 : 0,
    max: errorMode === 1 ? 5 : 0,
  };
  return h;
}

/** Every kind of histogram the writer knows, each feature at least once. */
function allHistograms(): RootHist[] {
  const x10 = () => axis('xaxis', 10, 0, 5, { title: 'p_{T} [GeV]' });
  const withNonFinite = hist({ className: 'TH1D', path: 'nonfinite', axes: [axis('xaxis', 4, -1, 1)] });
  (withNonFinite.cells as Float64Array).set([NaN, Infinity, -Infinity, 0, -0, 1e308]);
  withNonFinite.sumw2!.set([Infinity, NaN, 5e-324, -1]);
  withNonFinite.stats.fTsumwx = NaN;
  withNonFinite.stats.fTsumwx2 = Infinity;
  const ints = Int32Array.from({ length: 12 }, (_, i) => (i - 6) * 357913941);
  const cutflow = ['all', 'trigger', '2 leptons', 'm_{ll} > 12', 'MET > 40', 'b-veto'];
  return [
    hist({ className: 'TH1D', path: 'th1d', axes: [x10()], seed: 11 }),
    hist({ className: 'TH1D', path: 'th1d_variable', axes: [variable('xaxis', [0, 1, 2.5, 5, 10, 100], 'm [GeV]')], sumw2: false, seed: 12 }),
    hist({ className: 'TH1F', path: 'th1f', axes: [axis('xaxis', 7, -3.5, 3.5)], title: '', cells: Float32Array.from({ length: 9 }, (_, i) => i * 0.1 - 0.3), seed: 13 }),
    hist({ className: 'TH1I', path: 'th1i', axes: [axis('xaxis', 10, -0.5, 9.5)], cells: ints, sumw2: false }),
    hist({ className: 'TH1S', path: 'th1s', axes: [axis('xaxis', 3, 0, 3)], cells: Int16Array.from([-32768, 1, 2, 32767, 0]), sumw2: false }),
    hist({ className: 'TH1C', path: 'th1c', axes: [axis('xaxis', 2, 0, 2)], cells: Int8Array.from([-128, 5, 127, 0]), sumw2: false }),
    hist({ className: 'TH2D', path: 'th2d', axes: [axis('xaxis', 4, 0, 4, { title: 'x' }), variable('yaxis', [-2, -1, 0, 0.5, 2], 'y')], seed: 14 }),
    hist({ className: 'TH2F', path: 'th2f', axes: [axis('xaxis', 3, 0, 3), axis('yaxis', 2, 0, 1)], cells: Float32Array.from({ length: 20 }, (_, i) => i / 3), sumw2: false }),
    hist({ className: 'TH3D', path: 'th3d', axes: [variable('xaxis', [0, 1, 3]), variable('yaxis', [0, 0.5, 2, 4], 'y'), variable('zaxis', [-1, 0, 1], 'z')], seed: 15 }),
    hist({ className: 'TH3I', path: 'th3i', axes: [axis('xaxis', 2, 0, 1), axis('yaxis', 1, 0, 1), axis('zaxis', 2, 0, 2)], cells: Int32Array.from({ length: 48 }, (_, i) => i * 1000 - 7), sumw2: false }),
    profile({ className: 'TProfile', path: 'prof', axes: [axis('xaxis', 8, -4, 4)], sumw2: true, seed: 16 }, false, 0),
    profile({ className: 'TProfile', path: 'prof_weighted', axes: [variable('xaxis', [0, 1, 2, 4, 8])], seed: 17, option: 's' }, true, 1),
    profile({ className: 'TProfile2D', path: 'prof2d', axes: [axis('xaxis', 3, 0, 3), variable('yaxis', [0, 1, 3, 6])], seed: 18 }, false, 0),
    profile({ className: 'TProfile2D', path: 'prof2d_weighted', axes: [axis('xaxis', 2, 0, 3), axis('yaxis', 2, 0, 1)], seed: 19 }, true, 3),
    hist({ className: 'TH1D', path: 'cutflow', axes: [axis('xaxis', cutflow.length, 0, cutflow.length, { labels: cutflow, title: 'selection step' })], seed: 20 }),
    hist({
      className: 'TH2D', path: 'labels/partial', seed: 21,
      axes: [axis('xaxis', 4, 0, 200), axis('yaxis', 4, 0, 4, { labels: ['SR', null, 'CR_{Z}'] })],
    }),
    withNonFinite,
    hist({ className: 'TH1D', path: 'dir/sub/deep', axes: [axis('xaxis', 5, -2.5, 2.5)], seed: 22 }),
    hist({ className: 'TH1F', path: 'dir/in_dir', axes: [axis('xaxis', 5, 0, 1)], cells: new Float32Array(7).fill(0.5), sumw2: false }),
    hist({ className: 'TH1D', path: 'cycles', cycle: 1, axes: [axis('xaxis', 2, 0, 1)], seed: 23 }),
    hist({ className: 'TH1D', path: 'cycles', cycle: 3, axes: [axis('xaxis', 3, 0, 1)], seed: 24 }),
    hist({ className: 'TH1D', path: 'größe/µ', title: 'μ⁺μ⁻ → ℓℓ (日本) ✓', axes: [axis('xaxis', 3, 0, 1, { title: 'm_{μμ} — GeV' })], seed: 25 }),
    hist({ className: 'TH1D', path: 'long_title', title: 'long '.repeat(80), axes: [axis('xaxis', 3, 0, 1)], seed: 26 }),
    // 40,000 UTF-8 bytes: more than a key holds (fKeylen is a Short_t), so only the key's copy of the title is shortened.
    hist({ className: 'TH1D', path: 'huge_title', title: 'τ'.repeat(20000), axes: [axis('xaxis', 3, 0, 1)], seed: 27 }),
    hist({
      className: 'TH1D', path: 'styled', axes: [axis('xaxis', 3, 0, 3, { attributes: { fNdivisions: 505, fLabelSize: 0.05, fTitleOffset: 1.25, fTimeDisplay: true, fTimeFormat: '%H:%M', fAxisColor: 4 } })],
      attributes: { fLineColor: 2, fLineWidth: 3, fFillColor: 38, fFillStyle: 3004, fMarkerStyle: 20, fMarkerSize: 1.5, fMaximum: 100, fMinimum: 0, fBarWidth: 500, fBarOffset: 250, fContour: [1, 2, 3], fStatOverflows: 1, fBinStatErrOpt: 1, fNormFactor: 2 },
      option: 'hist e',
    }),
  ];
}

// ---- comparing with uproot's dump -----------------------------------------------------------------

type Json = number | string | null | boolean | Json[] | { [k: string]: Json };

/** How uproot_dump.py writes a number: non-finite values as strings, -0 as 0. */
function js(x: number): Json {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x === 0 ? 0 : x;
}

/** A dump's nested [ix][iy][iz] array back in ROOT's cell order (x fastest). */
function rootOrder(nested: Json, shape: readonly number[]): Json[] {
  const out: Json[] = new Array(shape.reduce((a, b) => a * b, 1));
  const walk = (v: Json, idx: number[]): void => {
    if (idx.length === shape.length) {
      let cell = 0;
      for (let d = shape.length - 1; d >= 0; d--) cell = cell * shape[d]! + idx[d]!;
      out[cell] = v;
      return;
    }
    (v as Json[]).forEach((x, i) => walk(x, [...idx, i]));
  };
  walk(nested, []);
  return out;
}

function expectArray(dumped: Json, shape: readonly number[], expected: RootCellArray | null, float32 = false): void {
  if (expected === null) {
    expect(dumped).toBeNull();
    return;
  }
  const got = rootOrder(dumped, shape).map((v) => (float32 && typeof v === 'number' ? Math.fround(v) : v));
  expect(got).toEqual(Array.from(expected as ArrayLike<number>, js));
}

const DTYPES: Record<string, string> = { Float64Array: 'float64', Float32Array: 'float32', Int32Array: 'int32', Int16Array: 'int16', Int8Array: 'int8' };

function expectedStats(h: RootHist): Record<string, Json> {
  const dim = h.axes.length;
  const s = (n: string) => js(h.stats[n] ?? 0);
  const a = (n: string, d: number) => js((h.attributes[n] as number | undefined) ?? d);
  const out: Record<string, Json> = {};
  for (const n of ['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2']) out[n] = s(n);
  if (dim >= 2) for (const n of ['fTsumwy', 'fTsumwy2', 'fTsumwxy']) out[n] = s(n);
  if (dim === 3) for (const n of ['fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz']) out[n] = s(n);
  if (h.className === 'TProfile') Object.assign(out, { fTsumwy: s('fTsumwy'), fTsumwy2: s('fTsumwy2'), fYmin: h.profile!.min, fYmax: h.profile!.max, fErrorMode: h.profile!.errorMode });
  if (h.className === 'TProfile2D') Object.assign(out, { fTsumwz: s('fTsumwz'), fTsumwz2: s('fTsumwz2'), fZmin: h.profile!.min, fZmax: h.profile!.max, fErrorMode: h.profile!.errorMode });
  Object.assign(out, {
    fMaximum: a('fMaximum', -1111), fMinimum: a('fMinimum', -1111), fNormFactor: a('fNormFactor', 0), fBarOffset: a('fBarOffset', 0), fBarWidth: a('fBarWidth', 1000),
    fBinStatErrOpt: a('fBinStatErrOpt', 0), fStatOverflows: a('fStatOverflows', 2), fNcells: h.cells.length,
  });
  return out;
}

/** Compare one object of uproot_dump.py's output with the histogram written. */
function expectDumped(d: Record<string, Json>, h: RootHist, compression: 'zlib' | 'none'): void {
  const shape = h.axes.map((a) => a.nbins + 2);
  expect({ class: d.class, class_version: d.class_version, name: d.name, title: d.title, option: d.option, ndim: d.ndim, shape: d.shape_with_flow, dtype: d.dtype, compression: d.compression }).toEqual({
    class: h.className, class_version: streamerClass(h.className).version, name: h.name, title: h.title, option: h.option, ndim: h.axes.length, shape, dtype: DTYPES[h.cells.constructor.name],
    compression,
  });
  (d.axes as Record<string, Json>[]).forEach((a, i) => {
    const e = h.axes[i]!;
    const labels = e.labels?.some((l) => l !== null) ? Array.from({ length: e.nbins }, (_, k) => e.labels![k] ?? null) : null;
    expect({ name: a.name, title: a.title, nbins: a.nbins, xmin: a.xmin, xmax: a.xmax, variable: a.variable, labels: a.labels }).toEqual({
      name: e.name, title: e.title, nbins: e.nbins, xmin: e.xmin, xmax: e.xmax, variable: e.xbins !== null, labels,
    });
    if (e.xbins) expect(a.edges).toEqual(Array.from(e.xbins));
    else expect([(a.edges as number[])[0], (a.edges as number[])[e.nbins]]).toEqual([e.xmin, e.xmax]);
  });
  expect(d.stats).toEqual(expectedStats(h));
  if (h.profile) {
    const p = d.profile as Record<string, Json>;
    expectArray(p.sumwy!, shape, h.cells);
    expectArray(p.sumwy2!, shape, h.sumw2);
    expectArray(p.bin_entries!, shape, h.profile.binEntries);
    expectArray(p.bin_sumw2!, shape, h.profile.binSumw2);
    expect(p.weighted).toBe(h.profile.binSumw2 !== null);
  } else {
    expectArray(d.values!, shape, h.cells, h.cells instanceof Float32Array);
    expectArray(d.sumw2!, shape, h.sumw2);
  }
}

// ---- uproot -------------------------------------------------------------------------------------

const UPROOT_DIR = join(SHARED_TOOLS_DIR, 'uproot');
const UPROOT_DUMP = join(UPROOT_DIR, 'uproot_dump.py');
const PYTHON = requirePython(['numpy', 'packaging', 'fsspec', 'xxhash', 'lz4', 'zstandard']);
const hasUproot = existsSync(UPROOT_DUMP);
if (!hasUproot) {
  if (process.env.CI) throw new Error(`${UPROOT_DUMP} is missing: the vendored uproot must be in ../shared/tools (see its README)`);
  console.warn(`SKIPPING uproot checks of the ROOT writer: ${UPROOT_DUMP} not found`);
}
const describeUproot = (PYTHON && hasUproot ? describeReference : describe.skip) as typeof describe;

function runPython(args: string[]): string {
  const r = spawnSync(PYTHON!, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

function dump(file: string): { fCompress: number; root_version: number; objects: Record<string, Record<string, Json>> } {
  return JSON.parse(runPython([UPROOT_DUMP, file, '--compact'])) as ReturnType<typeof dump>;
}

/**
 * Reads a file twice, with uproot's built-in models and with classes uproot builds from the
 * file's own streamer infos (every TH*, TProfile*, TAxis and TAtt* model removed), and prints the
 * keys, class names, streamer infos and every member of every object read both ways.
 */
const MEMBERS_SCRIPT = String.raw`
import sys, json, math
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot, numpy
def clean(v):
    if isinstance(v, (bool, numpy.bool_)): return bool(v)
    if isinstance(v, (int, numpy.integer)): return int(v)
    if isinstance(v, (float, numpy.floating)):
        v = float(v)
        return v if math.isfinite(v) else repr(v)
    if isinstance(v, str): return str(v)
    if isinstance(v, numpy.ndarray): return [clean(x) for x in v.tolist()]
    if isinstance(v, uproot.models.TArray.Model_TArray): return [clean(x) for x in v]
    if hasattr(v, "all_members"): return {k: clean(x) for k, x in v.all_members.items()}
    if v is None: return None
    if hasattr(v, "__iter__"): return [clean(x) for x in v]
    return repr(v)
generated = ("TH1", "TH2", "TH3", "TProfile", "TAxis", "TAtt")
custom = {k: c for k, c in uproot.classes.items() if not k.startswith(generated)}
out = {}
for mode, kw in (("builtin", {}), ("streamers", {"custom_classes": custom})):
    f = uproot.open(sys.argv[2], **kw)
    res = {"keys": f.keys(recursive=True, cycle=True), "classnames": f.classnames(recursive=True, cycle=True), "objects": {}, "types": {}}
    res["streamers"] = {n: {str(v): [s.member("fCheckSum"), [e.member("fName") for e in s.elements]] for v, s in vs.items()} for n, vs in f.file.streamers.items()}
    for k, c in res["classnames"].items():
        if c == "TDirectory": continue
        obj = f[k]
        res["types"][k] = type(obj).__module__
        res["objects"][k] = clean(obj)
    out[mode] = res
print(json.dumps(out))
`;

interface MembersReport {
  keys: string[];
  classnames: Record<string, string>;
  streamers: Record<string, Record<string, [number, string[]]>>;
  types: Record<string, string>;
  objects: Record<string, Record<string, Json>>;
}

/**
 * What ROOT wrote for an object: its bytes after the key (decompressed) as hex, and the members
 * uproot_dump.py does not show (TH1 styles, each axis's TAttAxis and display members).
 */
const RAW_SCRIPT = String.raw`
import sys, json
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot
f = uproot.open(sys.argv[2])
k = f.key(sys.argv[3])
chunk, cursor = k.get_uncompressed_chunk_cursor()
h = f[sys.argv[3]]
hist = ["fLineColor", "fLineStyle", "fLineWidth", "fFillColor", "fFillStyle", "fMarkerColor", "fMarkerStyle", "fMarkerSize",
        "fBarOffset", "fBarWidth", "fMaximum", "fMinimum", "fNormFactor", "fBinStatErrOpt", "fStatOverflows"]
axis = ["fNdivisions", "fAxisColor", "fLabelColor", "fLabelFont", "fLabelOffset", "fLabelSize", "fTickLength", "fTitleOffset",
        "fTitleSize", "fTitleColor", "fTitleFont", "fFirst", "fLast", "fBits2", "fTimeDisplay", "fTimeFormat"]
def value(v):
    return str(v) if isinstance(v, str) else bool(v) if isinstance(v, bool) else float(v) if isinstance(v, float) else int(v)
print(json.dumps({
    "hex": bytes(chunk.raw_data).hex(),
    "attributes": {m: value(h.member(m)) for m in hist if h.member(m, none_if_missing=True) is not None},
    "axes": [{m: value(h.member(a).member(m)) for m in axis} for a in ("fXaxis", "fYaxis", "fZaxis")],
}))
`;

/** Every streamer info of a file as JSON, and the decompressed bytes of its StreamerInfo record. */
const STREAMERS_SCRIPT = String.raw`
import sys, json
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot
f = uproot.open(sys.argv[2]).file
out = {}
for name, versions in f.streamers.items():
    for version, info in versions.items():
        elements = []
        for e in info.elements:
            d = {"class": type(e).__name__.replace("Model_", ""), **{m: e.member(m) for m in ("fName", "fTitle", "fType", "fSize", "fArrayLength", "fArrayDim", "fTypeName")}}
            d["fMaxIndex"] = [int(x) & 0xFFFFFFFF for x in e.member("fMaxIndex")]
            for m in ("fBaseVersion", "fCountVersion", "fCountName", "fCountClass"):
                if e.member(m, none_if_missing=True) is not None: d[m] = e.member(m)
            elements.append({k: (str(v) if isinstance(v, str) else v) for k, v in d.items()})
        out[name + ";" + str(version)] = {"checksum": int(info.member("fCheckSum")) & 0xFFFFFFFF, "elements": elements}
chunk = f.chunk(f.fSeekInfo, f.fSeekInfo + f.fNbytesInfo)
key = uproot.reading.ReadOnlyKey(chunk, uproot.source.cursor.Cursor(f.fSeekInfo), {}, f, f)
raw, _ = key.get_uncompressed_chunk_cursor()
print(json.dumps({"infos": out, "order": list(f.streamers), "keylen": key.fKeylen, "hex": bytes(raw.raw_data).hex()}))
`;

interface RawObject {
  hex: string;
  attributes: Record<string, number | string | boolean>;
  axes: Record<string, number | string | boolean>[];
}

const LAYOUTS: { name: string; options: RootFileWriteOptions; compression: 'zlib' | 'none' }[] = [
  { name: 'zlib', options: { compression: 'zlib', fileName: 'zlib.root' }, compression: 'zlib' },
  { name: 'zlib9', options: { compression: 'zlib', level: 9 }, compression: 'zlib' },
  { name: 'none', options: { compression: 'none', title: 'uncompressed file' }, compression: 'none' },
  { name: 'large', options: { forceLargeFile: true, fileName: 'large.root' }, compression: 'zlib' },
];

describeUproot('uproot reads every field of the ROOT files hist-serial writes', () => {
  const dir = tempDir('hist-serial-root-write-');
  const hists = allHistograms();
  const latest = new Map<string, RootHist>();
  for (const h of hists) if ((latest.get(h.path)?.cycle ?? 0) < h.cycle) latest.set(h.path, h);
  const memberScript = join(dir, 'members.py');

  beforeAll(() => {
    writeFileSync(memberScript, MEMBERS_SCRIPT);
  });

  describe.each(LAYOUTS)('$name', ({ name, options, compression }) => {
    const file = join(dir, `${name}.root`);
    beforeAll(() => {
      save(file, writeRootFile(hists, options));
    });

    it('uproot_dump.py reads back class, titles, axes, labels, cells with flow, fSumw2, profiles and statistics', () => {
      const d = dump(file);
      expect(d.root_version).toBe(62606);
      expect(d.fCompress).toBe(compression === 'zlib' ? 100 + (options.level ?? 1) : 0);
      expect(Object.keys(d.objects).sort()).toEqual([...latest.keys()].sort());
      for (const [path, h] of latest) expectDumped(d.objects[path]!, h, compression);
    });

    it('keys, class names, cycles and members are the same through uproot models and our streamer infos', () => {
      const r = JSON.parse(runPython([memberScript, UPROOT_DIR, file])) as { builtin: MembersReport; streamers: MembersReport };
      const keys = hists.map((h) => `${h.path};${h.cycle}`);
      const dirs = ['dir;1', 'dir/sub;1', 'labels;1', 'größe;1'];
      expect(r.builtin.keys.sort()).toEqual([...keys, ...dirs].sort());
      expect(r.builtin.classnames).toEqual(Object.fromEntries([...hists.map((h) => [`${h.path};${h.cycle}`, h.className]), ...dirs.map((k) => [k, 'TDirectory'])]));
      // Every class of the table that the file needs, with our versions and checksums.
      const expected = streamerClosure(['TList', ...new Set(hists.map((h) => h.className)), 'TObjString']);
      expect(Object.keys(r.builtin.streamers).sort()).toEqual(expected.map((c) => c.name).sort());
      for (const c of expected) expect(r.builtin.streamers[c.name]![String(c.version)]![0] >>> 0).toBe(c.checksum);
      // The objects read through classes generated from our streamer infos equal those read by uproot's own models.
      for (const k of keys) {
        expect(r.builtin.types[k]).toBe('uproot.models.TH');
        expect(r.streamers.types[k]).toBe('uproot.dynamic');
        expect(r.streamers.objects[k]).toEqual(r.builtin.objects[k]);
      }
      // Members the dump does not show: styles, axis attributes, fContour, fOption.
      const styled = r.builtin.objects['styled;1']!;
      expect(styled).toMatchObject({
        fLineColor: 2, fLineStyle: 1, fLineWidth: 3, fFillColor: 38, fFillStyle: 3004, fMarkerColor: 1, fMarkerStyle: 20, fMarkerSize: 1.5,
        fMaximum: 100, fMinimum: 0, fBarWidth: 500, fBarOffset: 250, fContour: [1, 2, 3], fStatOverflows: 1, fBinStatErrOpt: 1, fNormFactor: 2, fOption: 'hist e',
        '@fBits': 0x03000008,
      });
      expect(styled.fXaxis).toMatchObject({ fNdivisions: 505, fAxisColor: 4, fLabelSize: Math.fround(0.05), fTitleOffset: 1.25, fTimeDisplay: true, fTimeFormat: '%H:%M', fLabelFont: 42, fTitleFont: 42 });
      // ROOT's defaults, and fBits2 = kAlphanumeric | kCanExtend on a fully labelled axis (as TAxis::SetBinLabel sets them).
      expect(r.builtin.objects['th1d;1']).toMatchObject({ fLineColor: 602, fFillColor: 0, fFillStyle: 1001, fMarkerColor: 1, fMarkerStyle: 1, fMarkerSize: 1, fBarWidth: 1000 });
      expect(r.builtin.objects['th1d;1']!.fXaxis).toMatchObject({ fNdivisions: 510, fAxisColor: 1, fLabelColor: 1, fLabelFont: 42, fLabelOffset: Math.fround(0.005), fLabelSize: Math.fround(0.035), fTickLength: Math.fround(0.03), fTitleOffset: 1, fTitleSize: Math.fround(0.035), fTitleColor: 1, fTitleFont: 42, fBits2: 0 });
      expect((r.builtin.objects['cutflow;1']!.fXaxis as Record<string, Json>).fBits2).toBe(3);
      expect((r.builtin.objects['labels/partial;1']!.fYaxis as Record<string, Json>).fBits2).toBe(0);
      expect(r.builtin.objects['th2d;1']).toMatchObject({ fScalefactor: 1 });
    });
  });

  it('uproot.update accepts the files (it parses free segments, directory headers and keys strictly) and adds to them', () => {
    const script = String.raw`
import sys, shutil, numpy
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot
with uproot.update(sys.argv[2]) as f:
    f["added"] = (numpy.array([1.0, 2.0, 3.0]), numpy.array([0.0, 1.0, 2.0, 3.0]))
    f["dir/sub/added"] = (numpy.array([4.0]), numpy.array([0.0, 1.0]))
f = uproot.open(sys.argv[2])
print(" ".join(sorted(f.keys(recursive=True, cycle=True))), f["added"].values().tolist(), f["dir/sub/added"].values().tolist(), f["cutflow"].axis().labels())
`;
    writeFileSync(join(dir, 'update.py'), script);
    for (const { name, options } of LAYOUTS) {
      const file = join(dir, `update-${name}.root`);
      save(file, writeRootFile(hists, options));
      const keys = [...hists.map((h) => `${h.path};${h.cycle}`), 'dir;1', 'dir/sub;1', 'labels;1', 'größe;1', 'added;1', 'dir/sub/added;1'].sort();
      expect(runPython([join(dir, 'update.py'), UPROOT_DIR, file]).trim(), name).toBe(
        `${keys.join(' ')} [1.0, 2.0, 3.0] [4.0] ['all', 'trigger', '2 leptons', 'm_{ll} > 12', 'MET > 40', 'b-veto']`,
      );
    }
  });

  it('writes an empty file that uproot opens', () => {
    const file = join(dir, 'empty.root');
    save(file, writeRootFile([]));
    expect(dump(file).objects).toEqual({});
  });

  it('writes the same bytes for the same histograms', () => {
    const a = Buffer.concat(writeRootFile(hists));
    const b = Buffer.concat(writeRootFile(hists));
    expect(a.equals(b)).toBe(true);
  });

  it('assigns the next free cycle when a histogram asks for cycle 0', () => {
    const file = join(dir, 'auto-cycles.root');
    const base = hist({ className: 'TH1D', path: 'd/h', cycle: 0, axes: [axis('xaxis', 2, 0, 1)] });
    save(file, writeRootFile([{ ...base, cycle: 2 }, base, base]));
    const r = JSON.parse(runPython([memberScript, UPROOT_DIR, file])) as { builtin: MembersReport };
    expect(r.builtin.keys.sort()).toEqual(['d/h;2', 'd/h;3', 'd/h;4', 'd;1']);
  });

  it('stores an object uncompressed when one of its blocks does not shrink, as ROOT does', () => {
    // A second block of pure noise does not shrink: the whole object is stored as it is.
    const n = Math.ceil(ROOT_MAX_BLOCK / 8) + 1000;
    const noise = new Float64Array(n);
    const bytes = new Uint8Array(noise.buffer);
    const r = random(99);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
    const h = hist({ className: 'TH1D', path: 'noise', axes: [axis('xaxis', n - 2, 0, 1)], cells: noise, sumw2: false });
    const zeros = hist({ className: 'TH1D', path: 'zeros', axes: [axis('xaxis', n - 2, 0, 1)], cells: new Float64Array(n), sumw2: false });
    const file = join(dir, 'noise.root');
    save(file, writeRootFile([h, zeros]));
    const script = String.raw`
import sys, hashlib
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot
f = uproot.open(sys.argv[2])
for name in ("noise", "zeros"):
    k = f.key(name)
    print(name, "compressed" if k.data_compressed_bytes < k.fObjlen else "stored", hashlib.sha256(f[name].values(flow=True).astype("<f8").tobytes()).hexdigest())
`;
    writeFileSync(join(dir, 'noise.py'), script);
    const sha = (a: Float64Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
    expect(runPython([join(dir, 'noise.py'), UPROOT_DIR, file]).trim().split('\n')).toEqual([
      `noise stored ${sha(noise)}`,
      `zeros compressed ${sha(zeros.cells as Float64Array)}`,
    ]);
  });

  it('splits objects into blocks of at most 0xFFFFFF bytes, each with a ZL header', () => {
    // 2.5 blocks of data; uproot reassembles them.
    const n = Math.floor((ROOT_MAX_BLOCK * 2.5) / 8);
    const cells = new Float64Array(n).map((_, i) => i % 1000);
    const h = hist({ className: 'TH1D', path: 'blocks', axes: [axis('xaxis', n - 2, 0, 1)], cells, sumw2: false });
    const file = join(dir, 'blocks.root');
    const chunks = writeRootFile([h]);
    save(file, chunks);
    const script = String.raw`
import sys
sys.path.insert(0, sys.argv[1] + "/src"); sys.path.append(sys.argv[1] + "/shims")
import uproot, numpy
h = uproot.open(sys.argv[2])["blocks"]
v = h.values(flow=True)
print(len(v), int((v == numpy.arange(len(v)) % 1000).all()))
`;
    writeFileSync(join(dir, 'blocks.py'), script);
    expect(runPython([join(dir, 'blocks.py'), UPROOT_DIR, file]).trim()).toBe(`${n} 1`);
  });
});

describeUproot('objects are byte-identical to those ROOT wrote', () => {
  const dir = tempDir('hist-serial-root-bytes-');
  const rawScript = join(dir, 'raw.py');
  beforeAll(() => writeFileSync(rawScript, RAW_SCRIPT));

  /** A RootHist holding what uproot read from a ROOT-written reference file (its .expected.json). */
  function fromDump(o: Record<string, Json>): RootHist {
    const axes = (o.axes as Record<string, Json>[]).map((a) =>
      axis(a.name as string, a.nbins as number, a.xmin as number, a.xmax as number, { title: a.title as string, xbins: a.variable ? Float64Array.from(a.edges as number[]) : null }),
    );
    const shape = axes.map((a) => a.nbins + 2);
    const num = (v: Json) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));
    const arr = (v: Json) => (v === null ? null : Float64Array.from(rootOrder(v, shape), num));
    const stats = Object.fromEntries(Object.entries(o.stats as Record<string, Json>).map(([k, v]) => [k, num(v)]));
    const p = o.profile as Record<string, Json> | undefined;
    return {
      className: o.class as RootHistClass, path: o.path as string, cycle: o.cycle as number, name: o.name as string, title: o.title as string, axes,
      cells: p ? arr(p.sumwy!)! : arr(o.values!)!, sumw2: p ? arr(p.sumwy2!) : arr(o.sumw2!),
      profile: p ? { binEntries: arr(p.bin_entries!)!, binSumw2: arr(p.bin_sumw2!), errorMode: stats.fErrorMode!, min: stats.fYmin ?? stats.fZmin!, max: stats.fYmax ?? stats.fZmax! } : null,
      stats: stats as RootHist['stats'], option: o.option as string, attributes: {},
    };
  }

  /** TAttAxis and display members of an axis ROOT creates (what the writer gives the axes a class does not use). */
  const DEFAULT_AXIS = {
    fNdivisions: 510, fAxisColor: 1, fLabelColor: 1, fLabelFont: 42, fLabelOffset: Math.fround(0.005), fLabelSize: Math.fround(0.035),
    fTickLength: Math.fround(0.03), fTitleOffset: 1, fTitleSize: Math.fround(0.035), fTitleColor: 1, fTitleFont: 42, fFirst: 0, fLast: 0, fBits2: 0,
    fTimeDisplay: false, fTimeFormat: '',
  };

  // Objects written by ROOT 6 (TH1 v8) whose unused axes (fYaxis/fZaxis of a 1D histogram) have
  // ROOT's defaults: RootHist has no place for the attributes of axes a class does not use.
  it.each([
    ['combine-all_histograms_fps4_bin4j1b.root', 'ttbar_pt_scaleUp'], // ROOT 6.24/00, TH1D, Sumw2
    ['uproot-issue-750.root', 'h_Muon_pt'], // ROOT 6.26/06, TH1D with Sumw2 and flow content
    ['uproot-issue-227a.root', 'hprof2d'], // ROOT 6.22/06, TProfile2D
  ])('%s %s', (file, name) => {
    const objects = refJson<{ objects: Record<string, Record<string, Json>> }>('root', `${file}.expected.json`).objects;
    expect(objects[name], `${name} in ${file}`).toBeDefined();
    const raw = JSON.parse(runPython([rawScript, UPROOT_DIR, ref('root', file), name])) as RawObject;
    const h = fromDump(objects[name]!);
    h.attributes = raw.attributes;
    h.axes.forEach((a, i) => (a.attributes = raw.axes[i]!));
    for (const unused of raw.axes.slice(h.axes.length)) expect(unused).toEqual(DEFAULT_AXIS);
    const b = new RootWriteBuffer();
    writeRootHist(b, h);
    expect(Buffer.concat(b.finish()).toString('hex')).toBe(raw.hex);
  });
});

describeUproot('streamer infos are the ones ROOT writes', () => {
  const dir = tempDir('hist-serial-root-streamers-');
  const script = join(dir, 'streamers.py');
  beforeAll(() => writeFileSync(script, STREAMERS_SCRIPT));
  const read = (file: string) => JSON.parse(runPython([script, UPROOT_DIR, ref('root', file)])) as { infos: Record<string, { checksum: number; elements: Record<string, Json>[] }>; order: string[]; keylen: number; hex: string };

  /** A table entry as uproot shows a streamer info. */
  function asRead(c: StreamerClass): { checksum: number; elements: Record<string, Json>[] } {
    const elementClass = { base: 'TStreamerBase', basic: 'TStreamerBasicType', string: 'TStreamerString', object: 'TStreamerObject', any: 'TStreamerObjectAny', pointer: 'TStreamerObjectPointer', basicPointer: 'TStreamerBasicPointer' };
    return {
      checksum: c.checksum,
      elements: c.elements.map((e) => {
        const base = e.kind === 'base' ? streamerClass(e.name) : undefined;
        return {
          class: elementClass[e.kind], fName: e.name, fTitle: base ? base.title : e.title, fType: e.type, fSize: e.size, fArrayLength: 0, fArrayDim: 0, fTypeName: e.typeName,
          fMaxIndex: [0, base ? base.checksum : 0, 0, 0, 0],
          ...(base ? { fBaseVersion: base.version } : {}),
          ...(e.kind === 'basicPointer' ? { fCountVersion: streamerClass(e.countClass!).version, fCountName: e.countName!, fCountClass: e.countClass! } : {}),
        };
      }),
    };
  }

  it('every class of the table that ROOT 6 files hold is described as ROOT describes it', () => {
    const seen = new Set<string>();
    // Member comments (fTitle) vary between ROOT builds (6.28 capitalizes some, the build that wrote 707 does not
    // capitalize TAttLine's); the table has those of 6.22/08 and 6.26/06 and the rest everywhere.
    for (const [file, titles] of [['uproot-issue-750.root', true], ['uproot-issue-227a.root', true], ['uproot-issue-513.root', true], ['uproot-issue-707.root', false], ['uproot-issue-1221.root', false]] as const) {
      for (const [key, info] of Object.entries(read(file).infos)) {
        const [name, version] = key.split(';');
        const c = STREAMER_CLASSES.get(name!);
        if (!c || String(c.version) !== version) continue;
        const ours = asRead(c);
        if (!titles) for (const [i, e] of info.elements.entries()) e.fTitle = ours.elements[i]?.fTitle ?? e.fTitle!;
        expect(info, `${key} in ${file}`).toEqual(ours);
        seen.add(name!);
      }
    }
    // The others (TH1F/I/S/C, TH2F/I/S/C, TH3*, TAtt3D, TArrayF/S/C, TObjString v1) are checked by the checksum test
    // and by uproot, which carries copies of ROOT's records for them.
    expect([...seen].sort()).toEqual(['TArray', 'TArrayD', 'TArrayI', 'TAttAxis', 'TAttFill', 'TAttLine', 'TAttMarker', 'TAxis', 'TCollection', 'TH1', 'TH1D', 'TH2', 'TH2D', 'THashList', 'TList', 'TNamed', 'TObject', 'TProfile', 'TProfile2D', 'TSeqCollection', 'TString']);
  });

  it('the StreamerInfo records are byte-identical to those ROOT 6.22 wrote for a TProfile2D', () => {
    const r = read('uproot-issue-227a.root');
    const b = new RootWriteBuffer({ origin: r.keylen });
    writeStreamerInfoList(b, r.order.map(streamerClass));
    const ours = Buffer.concat(b.finish());
    const theirs = Buffer.from(r.hex, 'hex');
    // After the list's header (its byte count and length differ: ROOT's list also holds the schema evolution rules).
    const header = 4 + 2 + 10 + 1 + 4;
    expect(theirs.readInt32BE(header - 4)).toBe(r.order.length + 1);
    expect(ours.subarray(header).toString('hex')).toBe(theirs.subarray(header, ours.length).toString('hex'));
  });
});

// ---- without Python -----------------------------------------------------------------------------

describe('streamer-info table', () => {
  it("each checksum is the one ROOT's algorithm gives for the members listed", () => {
    // ROOT's checksums of these two also cover transient members (fSorted, fTable) missing from their streamer infos.
    const transient = new Set(['TSeqCollection', 'THashList']);
    for (const c of STREAMER_CLASSES.values()) {
      if (!transient.has(c.name)) expect(streamerChecksum(c), c.name).toBe(c.checksum);
    }
  });

  it('lists what a class needs, bases first', () => {
    const names = streamerClosure(['TProfile2D', 'TObjString']).map((c) => c.name);
    for (const n of ['TObject', 'TNamed', 'TAttLine', 'TAttFill', 'TAttMarker', 'TAttAxis', 'TAxis', 'TH1', 'TH2', 'TH2D', 'TArray', 'TArrayD', 'TList', 'THashList', 'TCollection', 'TSeqCollection', 'TString', 'TObjString']) {
      expect(names).toContain(n);
    }
    expect(names.indexOf('TH1')).toBeLessThan(names.indexOf('TH2'));
    expect(names.indexOf('TH2D')).toBeLessThan(names.indexOf('TProfile2D'));
    expect(names).not.toContain('TH3');
  });
});

describe('RootWriteBuffer', () => {
  it('writes numbers and typed arrays big-endian, bulk arrays as chunks of their own', () => {
    const small = Float64Array.from([1.5, -2, NaN, Infinity]);
    const large = Float64Array.from({ length: 20000 }, (_, i) => i * 0.25 - 7);
    const ints = Int32Array.from({ length: 30000 }, (_, i) => i * 71993 - 1e9);
    const b = new RootWriteBuffer();
    b.i16(-2);
    b.array(small);
    b.tarray(large);
    b.array(ints);
    b.array(Int16Array.from([-1, 2]));
    b.f32(0.1);
    const chunks = b.finish();
    expect(chunks.length).toBeGreaterThan(2);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(2 + 32 + 4 + 160000 + 120000 + 4 + 4);
    let p = 0;
    expect(all.readInt16BE(p)).toBe(-2);
    p += 2;
    for (const x of small) expect(all.readDoubleBE((p += 8) - 8)).toBe(x);
    expect(all.readInt32BE(p)).toBe(large.length);
    p += 4;
    for (const x of large) expect(all.readDoubleBE((p += 8) - 8)).toBe(x);
    for (const x of ints) expect(all.readInt32BE((p += 4) - 4)).toBe(x);
    expect([all.readInt16BE(p), all.readInt16BE(p + 2)]).toEqual([-1, 2]);
    expect(all.readFloatBE(p + 4)).toBe(Math.fround(0.1));
    // The caller's arrays are not byte-swapped in place.
    expect(large[1]).toBe(-6.75);
    expect(ints[1]).toBe(71993 - 1e9);
  });

  it('writes TStrings in the short and the long form', () => {
    const b = new RootWriteBuffer();
    b.string('ab');
    b.string('x'.repeat(300));
    const all = Buffer.concat(b.finish());
    expect([...all.subarray(0, 3)]).toEqual([2, 0x61, 0x62]);
    expect(all[3]).toBe(255);
    expect(all.readInt32BE(4)).toBe(300);
    expect(all.length).toBe(3 + 5 + 300);
  });

  it('back-patches byte counts and refers to class tags by their offset from the key start + 2', () => {
    const b = new RootWriteBuffer({ origin: 40 });
    b.objectAny('TObjString', () => b.string('a'));
    b.objectAny('TObjString', () => b.string('b'));
    const all = Buffer.concat(b.finish());
    expect(all.readUInt32BE(0)).toBe(0x40000000 | (4 + 11 + 2));
    expect(all.readUInt32BE(4)).toBe(0xffffffff);
    expect(all.subarray(8, 19).toString('latin1')).toBe('TObjString\0');
    const second = 4 + 4 + 11 + 2;
    expect(all.readUInt32BE(second)).toBe(0x40000000 | 6);
    expect(all.readUInt32BE(second + 4)).toBe((0x80000000 | (40 + 4 + 2)) >>> 0);
  });

  it('refuses a byte count beyond kMaxMapCount', () => {
    const b = new RootWriteBuffer();
    const mark = b.startVersion(1);
    const part = new Uint8Array(1 << 26);
    for (let written = 0; written <= MAX_BYTE_COUNT; written += part.length) b.array(part); // just over 1 GiB
    expect(() => b.endVersion(mark)).toThrow(LimitError);
  });
});

describe('compression blocks', () => {
  it('writes ZL blocks with 3-byte little-endian sizes that inflate back', () => {
    const data = new Uint8Array(ROOT_MAX_BLOCK + 1000).map((_, i) => i % 7);
    const blocks = compressRootObject([data.subarray(0, 5), data.subarray(5)], data.length, 1)!;
    expect(blocks.length).toBe(4);
    const parts: Buffer[] = [];
    for (let i = 0; i < blocks.length; i += 2) {
      const h = blocks[i]!;
      expect([h[0], h[1], h[2]]).toEqual([0x5a, 0x4c, 8]);
      expect(h[3]! | (h[4]! << 8) | (h[5]! << 16)).toBe(blocks[i + 1]!.length);
      const raw = inflateSync(blocks[i + 1]!);
      expect(h[6]! | (h[7]! << 8) | (h[8]! << 16)).toBe(raw.length);
      parts.push(raw);
    }
    expect(parts[0]!.length).toBe(ROOT_MAX_BLOCK);
    expect(Buffer.concat(parts).equals(Buffer.from(data))).toBe(true);
  });

  it('leaves objects of 256 bytes or fewer alone', () => {
    expect(compressRootObject([new Uint8Array(256)], 256, 1)).toBeUndefined();
    expect(compressRootObject([new Uint8Array(257)], 257, 1)).toBeDefined();
  });
});

describe('refusals', () => {
  const good = () => hist({ className: 'TH1D', path: 'a/h', axes: [axis('xaxis', 3, 0, 1)] });

  function refusal(run: () => unknown): { code: string; path: string; message: string } {
    try {
      run();
    } catch (err) {
      expect(isHistSerialError(err)).toBe(true);
      return err as { code: string; path: string; message: string };
    }
    throw new Error('expected a refusal');
  }

  it('refuses an object larger than ROOT can store, before serializing anything', () => {
    const h = good();
    const bytes = rootHistBytes(h);
    const b = new RootWriteBuffer();
    writeRootHist(b, h);
    expect(bytes).toBe(b.length);
    expect(() => writeRootFile([h], { maxObjectBytes: bytes })).not.toThrow();
    const big: RootHist = { ...h, path: 'big', title: `${h.title}!` };
    const e = refusal(() => writeRootFile([good(), big], { maxObjectBytes: bytes }));
    expect(e).toBeInstanceOf(LimitError);
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.path).toBe('/big');
    expect(e.message).toBe(MESSAGES.rootWriteTooLarge('/big', bytes + 1, bytes));
    expect(e.message).toMatch(/ROOT cannot store an object that large.*\.hsb or \.h5/);
    expect(ROOT_MAX_OBJECT_BYTES).toBe(0x3ffffffe + 4);
    expect(refusal(() => writeRootFile([h], { maxObjectBytes: ROOT_MAX_OBJECT_BYTES + 1 })).code).toBe('INVALID_ARGUMENT');
  });

  it('sizes a 1 GiB histogram from its lengths alone and refuses it', () => {
    // 67,108,864 doubles of contents and as many of fSumw2: 1 GiB of arrays, over ROOT's limit. The
    // arrays are views of one shared 512 MiB buffer, only measured, never copied.
    const n = 1 << 26;
    const cells = new Float64Array(n);
    const h: RootHist = { ...good(), path: 'huge', axes: [axis('xaxis', n - 2, 0, 1)], cells, sumw2: cells };
    expect(rootHistBytes(h)).toBeGreaterThan(ROOT_MAX_OBJECT_BYTES);
    const e = refusal(() => writeRootFile([h]));
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.path).toBe('/huge');
  });

  it.each<[string, (h: RootHist) => RootHist, string, string]>([
    ['an unsupported class', (h) => ({ ...h, className: 'TH1L' }), 'UNSUPPORTED_OPERATION', '/a~1h/className'],
    ['cells of the wrong type', (h) => ({ ...h, cells: new Float32Array(5) }), 'INVALID_ARGUMENT', '/a~1h/cells'],
    ['cells of the wrong length', (h) => ({ ...h, cells: new Float64Array(4) }), 'INVALID_ARGUMENT', '/a~1h/cells'],
    ['fSumw2 of the wrong length', (h) => ({ ...h, sumw2: new Float64Array(6) }), 'INVALID_ARGUMENT', '/a~1h/sumw2'],
    ['too few axes', (h) => ({ ...h, className: 'TH2D' }), 'INVALID_ARGUMENT', '/a~1h/axes'],
    ['a bad bin count', (h) => ({ ...h, axes: [axis('xaxis', 0, 0, 1)], cells: new Float64Array(2), sumw2: null }), 'INVALID_ARGUMENT', '/a~1h/axes/0/nbins'],
    ['edges of the wrong length', (h) => ({ ...h, axes: [axis('xaxis', 3, 0, 1, { xbins: Float64Array.from([0, 1]) })] }), 'INVALID_ARGUMENT', '/a~1h/axes/0/xbins'],
    ['more labels than bins', (h) => ({ ...h, axes: [axis('xaxis', 3, 0, 1, { labels: ['a', 'b', 'c', 'd'] })] }), 'INVALID_ARGUMENT', '/a~1h/axes/0/labels'],
    ['a profile without profile data', (h) => ({ ...h, className: 'TProfile' }), 'INVALID_ARGUMENT', '/a~1h/profile'],
    ['a profile without fSumw2', () => ({ ...profile({ className: 'TProfile', path: 'a/h', axes: [axis('xaxis', 3, 0, 1)] }, false, 0), sumw2: null }), 'INVALID_ARGUMENT', '/a~1h/sumw2'],
    ['a bad fErrorMode', (h) => ({ ...profile({ className: 'TProfile', path: h.path, axes: h.axes }, false, 4) }), 'INVALID_ARGUMENT', '/a~1h/profile/errorMode'],
    ['a missing statistic', (h) => ({ ...h, stats: { ...h.stats, fTsumw: undefined as unknown as number } }), 'INVALID_ARGUMENT', '/a~1h/stats/fTsumw'],
    ['a colour that is not a short', (h) => ({ ...h, attributes: { fLineColor: 70000 } }), 'INVALID_ARGUMENT', '/a~1h/attributes/fLineColor'],
    ['an axis attribute of the wrong type', (h) => ({ ...h, axes: [axis('xaxis', 3, 0, 1, { attributes: { fTimeFormat: 3 } })] }), 'INVALID_ARGUMENT', '/a~1h/axes/0/attributes/fTimeFormat'],
    ['an empty path part', (h) => ({ ...h, path: 'a//h' }), 'INVALID_ARGUMENT', '/a~1~1h/path'],
    ['a bad cycle', (h) => ({ ...h, cycle: 1.5 }), 'INVALID_ARGUMENT', '/a~1h/cycle'],
  ])('refuses %s', (_what, change, code, path) => {
    const e = refusal(() => writeRootFile([change(good())]));
    expect({ code: e.code, path: e.path }).toEqual({ code, path });
  });

  it('refuses two histograms with the same key and cycle, and a name used for a directory and a histogram', () => {
    expect(refusal(() => writeRootFile([good(), good()])).message).toBe(MESSAGES.rootWriteDuplicateKey('a/h', 1));
    const clash = refusal(() => writeRootFile([good(), { ...good(), path: 'a' }]));
    expect(clash.message).toBe(MESSAGES.rootWriteKeyClash('a'));
    expect(refusal(() => writeRootFile([{ ...good(), path: 'a' }, good()])).message).toBe(MESSAGES.rootWriteKeyClash('a'));
  });

  it('refuses bad options', () => {
    expect(refusal(() => writeRootFile([good()], { level: 0 })).code).toBe('INVALID_ARGUMENT');
    expect(refusal(() => writeRootFile([good()], { compression: 'lz4' as 'zlib' })).code).toBe('INVALID_ARGUMENT');
  });

  it('does not change the histograms it writes', () => {
    const h = good();
    const copy = { ...h, cells: h.cells.slice(), sumw2: h.sumw2!.slice() };
    writeRootFile([h]);
    expect(h.cells).toEqual(copy.cells);
    expect(h.sumw2).toEqual(copy.sumw2);
  });
});
