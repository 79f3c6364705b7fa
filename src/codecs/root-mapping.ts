/**
 * ROOT histogram objects ⇄ UHI histograms (spec.md 4.6 has the table of what maps to what and what
 * is lost each way). Pure functions over {@link RootHist} and the model; no IO.
 *
 * ROOT → UHI: every axis keeps both flow bins, except a fully and uniquely labelled axis with an
 * empty underflow, which becomes `category_str` (flow bin = ROOT's overflow); TH* with Sumw2 →
 * `weighted`, without → `int` (TH*C/S/I/L) or `double` (TH*F/D); TProfile* → `mean`, or
 * `weighted_mean` when fBinSumw2 is filled. Titles → `metadata.label`, names → `metadata.name`;
 * what UHI has no place for (class, fEntries, fTsumw…, fOption, fErrorMode, attributes) →
 * `writer_info.root`, so that ROOT → UHI → ROOT gives the object back.
 * @module
 */
import { crc32 } from 'node:zlib';
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { binCount, overflowBins, underflowBins, type Axis } from '../model/axis.js';
import { denseShape, type Histogram } from '../model/histogram.js';
import type { Metadata } from '../model/metadata.js';
import { ndarray, sizeOf, toFloat64, type NDArray, type TypedArray } from '../model/ndarray.js';
import { toDense } from '../model/storage.js';
import type { RootAxis, RootCellArray, RootHist, RootHistClass, RootStats } from './root-hist.js';

/** The `writer_info` key of what UHI cannot hold of a ROOT object. */
export const ROOT_WRITER_KEY = 'root';

const AXIS_NAMES = ['xaxis', 'yaxis', 'zaxis'] as const;
/** TH1 members that are arrays: kept in writer_info as JSON text (UHI metadata holds scalars only). */
const ARRAY_ATTRIBUTES = new Set(['fContour', 'fBuffer']);
const STAT_MEMBERS = new Set(['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2', 'fTsumwy', 'fTsumwy2', 'fTsumwxy', 'fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz']);

// ------------------------------------------------------------------------------------------------
// Cell order: ROOT keeps x fastest over all (n+2) cells per axis; UHI arrays are C order (last axis
// fastest) over the bins each axis keeps.

/** For each axis: the first ROOT cell index kept and how many. */
interface Window {
  from: number;
  count: number;
}

/**
 * Copy ROOT cells (x fastest, extents `n + 2`) into a C-order array over `windows`, or the reverse
 * (`toRoot`): cells outside the windows are left as they are (zero in a new array).
 */
function transpose(root: ArrayLike<number | bigint>, uhi: ArrayLike<number | bigint>, extents: readonly number[], windows: readonly Window[], toRoot: boolean): void {
  const src = (toRoot ? uhi : root) as unknown as { [i: number]: number };
  const dst = (toRoot ? root : uhi) as unknown as { [i: number]: number };
  if (windows.length === 1) {
    // one axis: the same order, one block copy (TypedArray#set converts between number types)
    const { from, count } = windows[0]!;
    const s = src as unknown as Float64Array;
    if (toRoot) (dst as unknown as Float64Array).set(s.subarray(0, count), from);
    else (dst as unknown as Float64Array).set(s.subarray(from, from + count));
    return;
  }
  const [ex = 1, ey = 1] = extents;
  const [wx, wy = { from: 0, count: 1 }, wz = { from: 0, count: 1 }] = windows as [Window, Window?, Window?];
  let c = 0;
  for (let ix = 0; ix < wx.count; ix++) {
    for (let iy = 0; iy < wy.count; iy++) {
      const base = wx.from + ix + ex * (wy.from + iy);
      for (let iz = 0; iz < wz.count; iz++, c++) {
        const r = base + ex * ey * (wz.from + iz);
        if (toRoot) dst[r] = src[c]!;
        else dst[c] = src[r]!;
      }
    }
  }
}

/** ROOT cells → a UHI array of `dtype` over the kept windows. */
function cellsToUHI(cells: ArrayLike<number | bigint>, extents: readonly number[], windows: readonly Window[], make: (n: number) => TypedArray): TypedArray {
  const n = windows.reduce((p, w) => p * w.count, 1);
  const full = windows.every((w, k) => w.from === 0 && w.count === extents[k]);
  if (full && windows.length === 1 && cells instanceof Float64Array && make === f8) return cells; // the reader's fresh array: no copy
  const out = make(n);
  if (full && windows.length === 1) {
    if (cells instanceof BigInt64Array === out instanceof BigInt64Array) (out as Float64Array).set(cells as Float64Array);
    else for (let i = 0; i < n; i++) (out as unknown as number[])[i] = Number(cells[i]!);
    return out;
  }
  if (cells instanceof BigInt64Array !== out instanceof BigInt64Array) {
    const tmp = new Float64Array(cells.length);
    for (let i = 0; i < cells.length; i++) tmp[i] = Number(cells[i]!);
    transpose(tmp, out, extents, windows, false);
  } else transpose(cells, out, extents, windows, false);
  return out;
}

/**
 * CRC-32 of a storage's arrays as float64 values, whatever their dtype (a TH1I read back from JSON
 * holds int64): recorded in writer_info when reading, so writing can tell whether the contents
 * changed since (then the recorded statistics are stale and recomputed).
 */
export function contentsFingerprint(arrays: Histogram['storage']['arrays']): number {
  const BLOCK = 1 << 16;
  const scratch = new Float64Array(BLOCK);
  const bytes = new Uint8Array(scratch.buffer);
  let crc = 0;
  for (const key of Object.keys(arrays).sort()) {
    const d = arrays[key as keyof typeof arrays]!.data;
    if (d instanceof Float64Array) {
      crc = crc32(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), crc);
      continue;
    }
    for (let off = 0; off < d.length; off += BLOCK) {
      const n = Math.min(BLOCK, d.length - off);
      for (let i = 0; i < n; i++) scratch[i] = Number(d[off + i]!);
      crc = crc32(bytes.subarray(0, n * 8), crc);
    }
  }
  return crc;
}

// ------------------------------------------------------------------------------------------------
// ROOT → UHI

const f8 = (n: number): TypedArray => new Float64Array(n);

/** Is everything stored at ROOT index 0 of axis `k` (its underflow) zero, in every array? */
function underflowEmpty(r: RootHist, k: number): boolean {
  const extents = r.axes.map((a) => a.nbins + 2);
  const arrays: ArrayLike<number | bigint>[] = [r.cells, ...(r.sumw2 ? [r.sumw2] : []), ...(r.profile ? [r.profile.binEntries] : [])];
  const stride = extents.slice(0, k).reduce((p, e) => p * e, 1);
  const total = extents.reduce((p, e) => p * e, 1);
  for (let i = 0; i < total; i++) {
    if (Math.floor(i / stride) % extents[k]! !== 0) continue;
    for (const a of arrays) if (Number(a[i]!) !== 0) return false;
  }
  return true;
}

function labelsAreCategories(a: RootAxis): a is RootAxis & { labels: string[] } {
  return a.labels !== null && a.labels.length === a.nbins && a.labels.every((l) => l !== null) && new Set(a.labels).size === a.nbins;
}

function scalarAttributes(attrs: Record<string, number | string | boolean | number[]>): Metadata {
  const out: Metadata = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = Array.isArray(v) ? JSON.stringify(v) : v;
  return out;
}

function axisToUHI(r: RootHist, k: number): { axis: Axis; window: Window } {
  const a = r.axes[k]!;
  const metadata: Metadata = a.title ? { name: a.name, label: a.title } : { name: a.name };
  const info: Metadata = scalarAttributes(a.attributes);
  if (labelsAreCategories(a) && underflowEmpty(r, k)) {
    return { axis: { type: 'category_str', categories: a.labels, flow: true, metadata, writer_info: { [ROOT_WRITER_KEY]: { ...info, xmin: a.xmin, xmax: a.xmax } } }, window: { from: 1, count: a.nbins + 1 } };
  }
  if (a.labels !== null) {
    // partial or repeated labels: the axis stays numeric, the labels go to writer_info (bin number → label)
    const labels: Record<string, string> = {};
    a.labels.forEach((l, i) => l !== null && (labels[String(i + 1)] = l));
    info.labels = JSON.stringify(labels);
  }
  const writer_info = Object.keys(info).length ? { [ROOT_WRITER_KEY]: info } : undefined;
  const axis: Axis = a.xbins
    ? { type: 'variable', edges: Float64Array.from(a.xbins), underflow: true, overflow: true, circular: false, metadata }
    : { type: 'regular', lower: a.xmin, upper: a.xmax, bins: a.nbins, underflow: true, overflow: true, circular: false, metadata };
  if (writer_info) axis.writer_info = writer_info;
  return { axis, window: { from: 0, count: a.nbins + 2 } };
}

const INT_DTYPE: Partial<Record<string, ['i1' | 'i2' | 'i4' | 'i8', (n: number) => TypedArray]>> = {
  C: ['i1', (n) => new Int8Array(n)],
  S: ['i2', (n) => new Int16Array(n)],
  I: ['i4', (n) => new Int32Array(n)],
  L: ['i8', (n) => new BigInt64Array(n)],
};

/**
 * A ROOT histogram object as a UHI histogram.
 *
 * @example
 * ```ts
 * const h = rootToHistogram(rootHist); // TH1D with Sumw2 → weighted storage, both flow bins
 * ```
 */
export function rootToHistogram(r: RootHist): Histogram {
  const mapped = r.axes.map((_, k) => axisToUHI(r, k));
  const axes = mapped.map((m) => m.axis);
  const windows = mapped.map((m) => m.window);
  const extents = r.axes.map((a) => a.nbins + 2);
  const shape = windows.map((w) => w.count);
  const take = (cells: ArrayLike<number | bigint>, make = f8) => cellsToUHI(cells, extents, windows, make);
  const arr = (dtype: NDArray['dtype'], data: TypedArray) => ndarray(dtype, shape, data);
  let storage: Histogram['storage'];
  if (r.profile) {
    const { binEntries, binSumw2 } = r.profile;
    const sw = take(binEntries) as Float64Array;
    const swy = take(r.cells) as Float64Array;
    const swy2 = r.sumw2 ? (take(r.sumw2) as Float64Array) : new Float64Array(sw.length);
    const sw2 = binSumw2 ? (take(binSumw2) as Float64Array) : undefined;
    const { mean, variance } = profileMoments(sw, swy, swy2, sw2);
    storage = sw2
      ? { type: 'weighted_mean', layout: 'dense', arrays: { sum_of_weights: arr('f8', sw), sum_of_weights_squared: arr('f8', sw2), values: arr('f8', mean), variances: arr('f8', variance) } }
      : { type: 'mean', layout: 'dense', arrays: { counts: arr('f8', sw), values: arr('f8', mean), variances: arr('f8', variance) } };
  } else if (r.sumw2) {
    storage = { type: 'weighted', layout: 'dense', arrays: { values: arr('f8', take(r.cells)), variances: arr('f8', take(r.sumw2)) } };
  } else {
    const int = INT_DTYPE[r.className.slice(3)];
    storage = int
      ? { type: 'int', layout: 'dense', arrays: { values: arr(int[0], take(r.cells, int[1])) } }
      : { type: 'double', layout: 'dense', arrays: { values: arr('f8', take(r.cells)) } };
  }
  const info: Metadata = { class: r.className, ...r.stats, fOption: r.option, ...scalarAttributes(r.attributes), contents_crc32: contentsFingerprint(storage.arrays) };
  if (r.profile) Object.assign(info, { fErrorMode: r.profile.errorMode, [r.axes.length === 1 ? 'fYmin' : 'fZmin']: r.profile.min, [r.axes.length === 1 ? 'fYmax' : 'fZmax']: r.profile.max });
  return { axes, storage, metadata: r.title ? { name: r.name, label: r.title } : { name: r.name }, writer_info: { [ROOT_WRITER_KEY]: info } };
}

/**
 * Per-bin mean and variance of a profile from its sums, as boost-histogram defines them: `mean`
 * storage variance = (Σwy² − Σw·mean²)/(Σw − 1), `weighted_mean` = (Σwy² − Σw·mean²)/(Σw − Σw²/Σw);
 * 0 where the denominator is not positive (no or one entry), mean 0 where Σw = 0.
 */
export function profileMoments(sw: Float64Array, swy: Float64Array, swy2: Float64Array, sw2?: Float64Array): { mean: Float64Array; variance: Float64Array } {
  const n = sw.length;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = sw[i]!;
    if (w === 0) continue;
    const m = swy[i]! / w;
    mean[i] = m;
    const denom = sw2 ? w - sw2[i]! / w : w - 1;
    variance[i] = denom > 0 ? (swy2[i]! - w * m * m) / denom : 0;
  }
  return { mean, variance };
}

// ------------------------------------------------------------------------------------------------
// UHI → ROOT

const F8_CELLS = (n: number): RootCellArray => new Float64Array(n);

const CLASS_SUFFIX_ARRAY: Record<string, (n: number) => RootCellArray> = {
  C: (n) => new Int8Array(n),
  S: (n) => new Int16Array(n),
  I: (n) => new Int32Array(n),
  L: (n) => new BigInt64Array(n),
  F: (n) => new Float32Array(n),
  D: F8_CELLS,
};

const INT_RANGE: Record<string, [number, number]> = { C: [-128, 127], S: [-32768, 32767], I: [-(2 ** 31), 2 ** 31 - 1], L: [-(2 ** 63), 2 ** 63 - 1] };

/** Can a TH*`suffix` hold these values exactly? (integers in range for C/S/I/L, float32 values for F) */
function holds(suffix: string, a: NDArray | undefined): boolean {
  if (!a || suffix === 'D') return true;
  const range = INT_RANGE[suffix];
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]!);
    if (range ? !Number.isInteger(x) || x < range[0] || x > range[1] : Math.fround(x) !== x && !Number.isNaN(x)) return false;
  }
  return true;
}

/**
 * The class to write: the one recorded in writer_info when it has the right dimension and holds the
 * values exactly (a TH1F read from ROOT goes back as TH1F), else TProfile/TProfile2D for mean
 * storages, TH*I for int storage within 32 bits, TH*D for the rest.
 */
function chooseClass(h: Histogram, recorded: unknown): RootHistClass {
  const dims = h.axes.length;
  const type = h.storage.type;
  if (type === 'mean' || type === 'weighted_mean') return dims === 1 ? 'TProfile' : 'TProfile2D';
  const values = h.storage.arrays.values;
  // TH*L (ROOT 6.32's int64 cells) is read but not written (spec.md 4.6): such contents go to TH*D
  if (typeof recorded === 'string' && recorded in CLASS_OF && recorded[2] === String(dims) && recorded[3] !== 'L' && holds(recorded[3]!, values)) return recorded as RootHistClass;
  return `TH${dims}${type === 'int' && holds('I', values) ? 'I' : 'D'}` as RootHistClass;
}

const CLASS_OF: Record<string, true> = Object.fromEntries(
  ['1', '2', '3'].flatMap((d) => ['C', 'S', 'I', 'L', 'F', 'D'].map((s) => [`TH${d}${s}`, true])),
);

function metadataOf(x: { writer_info?: Record<string, Metadata> }): Metadata {
  return x.writer_info?.[ROOT_WRITER_KEY] ?? {};
}

function axisToRoot(axis: Axis, k: number, histName: string): { root: RootAxis; window: Window } {
  const info = metadataOf(axis);
  const attributes: RootAxis['attributes'] = {};
  for (const [key, v] of Object.entries(info)) if (key.startsWith('f')) attributes[key] = v;
  const title = String(axis.metadata?.label ?? axis.metadata?.title ?? '');
  const named = axis.metadata?.name;
  const base = { name: typeof named === 'string' && named !== '' ? named : AXIS_NAMES[k]!, title, attributes };
  const nbins = binCount(axis);
  const window = { from: 1 - underflowBins(axis), count: underflowBins(axis) + nbins + overflowBins(axis) };
  switch (axis.type) {
    case 'regular':
    case 'variable': {
      const edges: ArrayLike<number> = axis.type === 'regular' ? { 0: axis.lower, [axis.bins]: axis.upper, length: axis.bins + 1 } : axis.edges;
      let labels: (string | null)[] | null = null;
      if (typeof info.labels === 'string') {
        labels = new Array<string | null>(nbins).fill(null);
        for (const [bin, l] of Object.entries(JSON.parse(info.labels) as Record<string, string>)) if (Number(bin) >= 1 && Number(bin) <= nbins) labels[Number(bin) - 1] = l;
      }
      const xbins = axis.type === 'variable' ? Float64Array.from(axis.edges) : null;
      return { root: { ...base, nbins, xmin: edges[0]!, xmax: edges[nbins]!, xbins, labels }, window };
    }
    case 'category_str':
    case 'category_int':
    case 'boolean': {
      const labels = axis.type === 'boolean' ? ['false', 'true'] : Array.from(axis.categories as ArrayLike<string | number>, (c) => String(c));
      const xmin = typeof info.xmin === 'number' ? info.xmin : 0;
      const xmax = typeof info.xmax === 'number' ? info.xmax : nbins;
      return { root: { ...base, nbins, xmin, xmax, xbins: null, labels }, window: { from: 1, count: window.count } };
    }
  }
  throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootAxisType(histName, k, (axis as { type: string }).type));
}

/**
 * A UHI histogram as the ROOT object to write (class chosen by spec.md 4.6; statistics from
 * writer_info when the contents are unchanged, else recomputed from bin centres as ROOT's
 * `TH1::ResetStats` does). Throws UNSUPPORTED_OPERATION for what ROOT cannot hold.
 *
 * @example
 * ```ts
 * const root = histogramToRoot('dir/h1', h); // written as dir/h1 in the file
 * ```
 */
export function histogramToRoot(path: string, h: Histogram): RootHist {
  const dims = h.axes.length;
  if (dims < 1 || dims > 3) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootDimensions(path, dims));
  const profile = h.storage.type === 'mean' || h.storage.type === 'weighted_mean';
  if (profile && dims === 3) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootProfile3D(path));
  if (h.storage.layout === 'empty') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootEmptyStorage(path));
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s.includes(';'))) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootKeyName(path));

  const info = metadataOf(h);
  const mapped = h.axes.map((a, k) => axisToRoot(a, k, path));
  const axes = mapped.map((m) => m.root);
  const windows = mapped.map((m) => m.window);
  const extents = axes.map((a) => a.nbins + 2);
  const ncells = extents.reduce((p, e) => p * e, 1);
  const storage = toDense(h.storage, denseShape(h));
  const toCells = (a: NDArray, make: (n: number) => RootCellArray = F8_CELLS): RootCellArray => {
    // one axis with both flow bins, float64 in and out: the model's array is the cell array (no copy; the writer only reads it)
    if (windows.length === 1 && windows[0]!.from === 0 && a.data.length === ncells && a.data instanceof Float64Array && make === F8_CELLS) return a.data;
    const out = make(ncells);
    const src = out instanceof BigInt64Array ? a.data : a.data instanceof BigInt64Array || a.data instanceof BigUint64Array ? toFloat64(a) : a.data;
    transpose(out, src as ArrayLike<number>, extents, windows, true);
    return out;
  };
  const className = chooseClass(h, info.class);
  let cells: RootCellArray;
  let sumw2: Float64Array | null = null;
  let profileData: RootHist['profile'] = null;
  const A = storage.arrays;
  if (profile) {
    const sw = toCells(A.counts ?? A.sum_of_weights!) as Float64Array;
    const mean = toCells(A.values!) as Float64Array;
    const variance = toCells(A.variances!) as Float64Array;
    const sw2 = A.sum_of_weights_squared ? (toCells(A.sum_of_weights_squared) as Float64Array) : null;
    cells = new Float64Array(ncells);
    sumw2 = new Float64Array(ncells);
    for (let i = 0; i < ncells; i++) {
      const w = sw[i]!;
      const m = mean[i]!;
      const denom = sw2 ? w - (w === 0 ? 0 : sw2[i]! / w) : w - 1;
      cells[i] = m * w;
      sumw2[i] = w * m * m + (denom > 0 ? variance[i]! * denom : 0);
    }
    profileData = {
      binEntries: sw,
      binSumw2: sw2,
      errorMode: typeof info.fErrorMode === 'number' ? info.fErrorMode : 0,
      min: num(info[dims === 1 ? 'fYmin' : 'fZmin'], 0),
      max: num(info[dims === 1 ? 'fYmax' : 'fZmax'], 0),
    };
  } else {
    const make = CLASS_SUFFIX_ARRAY[className.slice(3)]!;
    cells = toCells(A.values!, make);
    if (h.storage.type === 'weighted') sumw2 = toCells(A.variances!) as Float64Array;
  }

  const hist: RootHist = {
    className,
    path,
    cycle: 1,
    name: typeof h.metadata?.name === 'string' && h.metadata.name !== '' ? h.metadata.name : segments[segments.length - 1]!,
    title: String(h.metadata?.label ?? h.metadata?.title ?? ''),
    axes,
    cells,
    sumw2,
    profile: profileData,
    stats: { fEntries: 0, fTsumw: 0, fTsumw2: 0, fTsumwx: 0, fTsumwx2: 0 },
    option: typeof info.fOption === 'string' ? info.fOption : '',
    attributes: {},
  };
  for (const [k, v] of Object.entries(info)) {
    if (ARRAY_ATTRIBUTES.has(k) && typeof v === 'string') hist.attributes[k] = JSON.parse(v) as number[];
    else if (k.startsWith('f') && !STAT_MEMBERS.has(k) && !['fOption', 'fErrorMode', 'fYmin', 'fYmax', 'fZmin', 'fZmax'].includes(k)) hist.attributes[k] = v;
  }
  // recorded statistics are used only while the contents are those they were recorded for
  hist.stats = statsFor(hist, typeof info.contents_crc32 === 'number' && info.contents_crc32 === contentsFingerprint(storage.arrays) ? info : {});
  return hist;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/**
 * The TH1 statistics of an object: those recorded in writer_info (`recorded`, passed only when the
 * contents are unchanged since they were read from ROOT), else computed from the bins as ROOT's
 * `TH1::ResetStats` does (in-range bins, bin centres; fEntries = Σ contents incl. flow, or the
 * effective entries (Σw)²/Σw² with Sumw2).
 */
export function statsFor(r: RootHist, recorded: Metadata = {}): RootStats {
  const keys = statKeys(r);
  if (keys.every((k) => typeof recorded[k] === 'number')) return Object.fromEntries(keys.map((k) => [k, recorded[k] as number])) as RootStats;
  return computeStats(r);
}

/** The statistics members of an object's class, in ROOT's order. */
function statKeys(r: RootHist): string[] {
  const dims = r.axes.length;
  const keys = ['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2'];
  if (dims >= 2) keys.push('fTsumwy', 'fTsumwy2', 'fTsumwxy');
  if (dims === 3) keys.push('fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz');
  if (r.profile) keys.push(...(dims === 1 ? ['fTsumwy', 'fTsumwy2'] : ['fTsumwz', 'fTsumwz2']));
  return keys;
}

function computeStats(r: RootHist): RootStats {
  const dims = r.axes.length;
  const [nx, ny = 0, nz = 0] = r.axes.map((a) => a.nbins);
  const [ex, ey, ez] = [nx! + 2, dims >= 2 ? ny + 2 : 1, dims === 3 ? nz + 2 : 1];
  const centres = r.axes.map((a) => {
    const c = new Float64Array(a.nbins + 2);
    for (let i = 1; i <= a.nbins; i++) c[i] = a.xbins ? (a.xbins[i - 1]! + a.xbins[i]!) / 2 : a.xmin + ((i - 0.5) * (a.xmax - a.xmin)) / a.nbins;
    return c;
  });
  const [cx, cy = new Float64Array(1), cz = new Float64Array(1)] = centres as [Float64Array, Float64Array?, Float64Array?];
  const w = r.profile ? r.profile.binEntries : r.cells;
  const w2 = r.profile ? r.profile.binSumw2 : r.sumw2;
  // float64 weights for the hot loop (a TH*L's int64 cells converted once)
  const wf = w instanceof BigInt64Array ? Float64Array.from(w, Number) : (w as Exclude<RootCellArray, BigInt64Array>);
  const pf = r.profile ? (r.cells as Float64Array) : undefined;
  const inRange = (i: number, n: number, e: number) => e === 1 || (i >= 1 && i <= n);
  let all = 0, all2 = 0, sw = 0, sw2 = 0, swx = 0, swx2 = 0, swy = 0, swy2 = 0, swxy = 0, swz = 0, swz2 = 0, swxz = 0, swyz = 0, pv = 0, pv2 = 0;
  let i = 0;
  for (let iz = 0; iz < ez; iz++) {
    const zin = inRange(iz, nz, ez);
    const z = cz[iz] ?? 0;
    for (let iy = 0; iy < ey; iy++) {
      const yin = zin && inRange(iy, ny, ey);
      const y = cy[iy] ?? 0;
      for (let ix = 0; ix < ex; ix++, i++) {
        const wi = wf[i]!;
        const w2i = w2 === null ? wi : w2[i]!;
        all += wi;
        all2 += w2i;
        if (!yin || ix < 1 || ix > nx!) continue;
        const x = cx[ix]!;
        sw += wi;
        sw2 += w2i;
        swx += wi * x;
        swx2 += wi * x * x;
        if (dims >= 2) {
          swy += wi * y;
          swy2 += wi * y * y;
          swxy += wi * x * y;
        }
        if (dims === 3) {
          swz += wi * z;
          swz2 += wi * z * z;
          swxz += wi * x * z;
          swyz += wi * y * z;
        }
        if (pf) {
          pv += pf[i]!;
          pv2 += r.sumw2 ? r.sumw2[i]! : 0;
        }
      }
    }
  }
  const s: RootStats = { fEntries: w2 && all2 > 0 ? (all * all) / all2 : all, fTsumw: sw, fTsumw2: sw2, fTsumwx: swx, fTsumwx2: swx2 };
  if (dims >= 2) Object.assign(s, { fTsumwy: swy, fTsumwy2: swy2, fTsumwxy: swxy });
  if (dims === 3) Object.assign(s, { fTsumwz: swz, fTsumwz2: swz2, fTsumwxz: swxz, fTsumwyz: swyz });
  if (r.profile) Object.assign(s, dims === 1 ? { fTsumwy: pv, fTsumwy2: pv2 } : { fTsumwz: pv, fTsumwz2: pv2 });
  return s;
}

/** Cells a histogram with these axes has in ROOT (Π (n + 2)), for size checks before allocating. */
export function rootCellCount(h: Pick<Histogram, 'axes'>): number {
  return sizeOf(h.axes.map((a) => binCount(a) + 2));
}
