/**
 * {@link RootHist} → the bytes of a TH1/TH2/TH3 (C, S, I, F, D) or TProfile/TProfile2D object, as
 * ROOT's streamers write it (class versions from `root-streamer-info.ts`): the TNamed and TAtt*
 * bases, three TAxis (fXbins when the bins are variable, fLabels as a THashList of TObjString whose
 * fUniqueID is the bin number), the statistics, fSumw2, fFunctions (an empty TList), the cell array,
 * and for profiles fBinEntries, fErrorMode, the y/z range, their sums and fBinSumw2.
 *
 * Members that `attributes` does not give get the values a histogram created by ROOT 6 has (its
 * default "Modern" style): fLineColor 602, fFillStyle 1001, fBarWidth 1000, fMaximum/fMinimum
 * -1111, fStatOverflows 2 (kNeutral), axes with 510 divisions, font 42, label and title size 0.035…
 * @module
 */
import { HistSerialError, pointer } from '../errors.js';
import { MESSAGES } from '../messages.js';
import type { RootAxis, RootCellArray, RootHist, RootHistClass } from './root-hist.js';
import { streamerClass } from './root-streamer-info.js';
import { RootWriteBuffer, type BulkArray } from './root-write-buffer.js';

type CellType = 'C' | 'S' | 'I' | 'F' | 'D';

/** What the class name says about an object: its dimension, cell type and whether it is a profile. */
export interface RootHistLayout {
  dim: 1 | 2 | 3;
  cells: CellType;
  profile: boolean;
}

/** The typed array holding each cell type (the TArrayC/S/I/F/D base of the class). */
const CELL_ARRAYS: Readonly<Record<CellType, { name: string; is: (a: unknown) => boolean }>> = {
  C: { name: 'Int8Array', is: (a) => a instanceof Int8Array },
  S: { name: 'Int16Array', is: (a) => a instanceof Int16Array },
  I: { name: 'Int32Array', is: (a) => a instanceof Int32Array },
  F: { name: 'Float32Array', is: (a) => a instanceof Float32Array },
  D: { name: 'Float64Array', is: (a) => a instanceof Float64Array },
};

/** The classes {@link writeRootHist} writes (TH*L needs ROOT 6.32's TArrayL64 and is not written). */
export const ROOT_WRITABLE_CLASSES: readonly RootHistClass[] = [
  'TH1C', 'TH1S', 'TH1I', 'TH1F', 'TH1D',
  'TH2C', 'TH2S', 'TH2I', 'TH2F', 'TH2D',
  'TH3C', 'TH3S', 'TH3I', 'TH3F', 'TH3D',
  'TProfile', 'TProfile2D',
];

/** The layout of a writable class, or undefined. */
export function rootHistLayout(className: string): RootHistLayout | undefined {
  if (className === 'TProfile') return { dim: 1, cells: 'D', profile: true };
  if (className === 'TProfile2D') return { dim: 2, cells: 'D', profile: true };
  const m = /^TH([123])([CSIFD])$/.exec(className);
  if (!m) return undefined;
  return { dim: Number(m[1]) as 1 | 2 | 3, cells: m[2] as CellType, profile: false };
}

/** TObject bits ROOT writes: kNotDeleted | kIsOnHeap, plus kMustCleanup for histograms, BIT(16) for fFunctions. */
const BITS_HISTOGRAM = 0x03000008;
const BITS_OBJECT = 0x03000000;
const BITS_FUNCTIONS = 0x03010000;

/** TAxis::fBits2 flags that TAxis::SetBinLabel sets once every bin has a label. */
const AXIS_ALPHANUMERIC = 0x1;
const AXIS_CAN_EXTEND = 0x2;

type Kind = 'i16' | 'u16' | 'i32' | 'f32' | 'f64' | 'bool' | 'string';
type Value<K extends Kind> = K extends 'bool' ? boolean : K extends 'string' ? string : number;

const RANGES: Readonly<Partial<Record<Kind, readonly [number, number]>>> = {
  i16: [-32768, 32767],
  u16: [0, 65535],
  i32: [-2147483648, 2147483647],
};


/** Read a member from `attributes` with ROOT's default, checking it fits the member's type. */
function member<K extends Kind>(attributes: Record<string, unknown>, name: string, kind: K, fallback: Value<K>, where: string): Value<K> {
  const v = attributes[name];
  if (v === undefined) return fallback;
  const bad = (): never => {
    const path = pointer(where, 'attributes', name);
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteAttribute(path, name, v, MESSAGES.rootWriteExpected(kind)), { path, codec: 'root' });
  };
  type R = Value<K>;
  if (kind === 'string') return (typeof v === 'string' ? v : bad()) as R;
  if (kind === 'bool') return (typeof v === 'boolean' ? v : typeof v === 'number' && (v === 0 || v === 1) ? v === 1 : bad()) as R;
  const n = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : bad();
  const range = RANGES[kind];
  if (range && !(Number.isInteger(n) && n >= range[0] && n <= range[1])) bad();
  return n as R;
}

function statistic(h: RootHist, name: string, where: string): number {
  const v = h.stats[name];
  if (v === undefined) return 0;
  if (typeof v !== 'number') {
    const path = pointer(where, 'stats', name);
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteAttribute(path, name, v, MESSAGES.rootWriteExpected('f64')), { path, codec: 'root' });
  }
  return v;
}

/** The axis ROOT gives a dimension the class does not have: one bin on [0, 1]. */
function unusedAxis(name: string): RootAxis {
  return { name, title: '', nbins: 1, xmin: 0, xmax: 1, xbins: null, labels: null, attributes: {} };
}

/** Where a histogram is, for messages and error paths: a JSON pointer made of its key path. */
export function histPointer(h: RootHist): string {
  return pointer('', h.path);
}

/** Number of cells with flow of the class's axes. */
export function rootCellCount(h: RootHist, dim: number): number {
  let n = 1;
  for (let i = 0; i < dim; i++) n *= (h.axes[i]?.nbins ?? 0) + 2;
  return n;
}

function invalid(path: string, what: string): never {
  throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteInvalid(path, what), { path, codec: 'root' });
}

/**
 * Check what the writer relies on: a writable class, as many axes as its dimension with sane bins,
 * edges and labels, cell arrays of the class's type and of the axes' size, profile data for profiles.
 * Throws a HistSerialError (INVALID_ARGUMENT, or UNSUPPORTED_OPERATION for a class not written)
 * naming the first problem, with its path (`/dir~1h/cells`).
 *
 * @example
 * ```ts
 * const { dim, profile } = checkRootHist(h); // throws on a bad histogram
 * ```
 */
export function checkRootHist(h: RootHist): RootHistLayout {
  const where = histPointer(h);
  const layout = rootHistLayout(h.className);
  if (!layout) {
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootWriteUnsupportedClass(where, h.className, ROOT_WRITABLE_CLASSES), { path: pointer(where, 'className'), codec: 'root' });
  }
  if (typeof h.name !== 'string') invalid(pointer(where, 'name'), MESSAGES.rootWriteNotString());
  if (typeof h.title !== 'string') invalid(pointer(where, 'title'), MESSAGES.rootWriteNotString());
  if (typeof h.option !== 'string') invalid(pointer(where, 'option'), MESSAGES.rootWriteNotString());
  if (!Array.isArray(h.axes) || h.axes.length !== layout.dim) invalid(pointer(where, 'axes'), MESSAGES.rootWriteAxisCount(h.className, layout.dim, Array.isArray(h.axes) ? h.axes.length : 0));
  h.axes.forEach((a, i) => {
    const at = pointer(where, 'axes', i);
    if (!Number.isInteger(a.nbins) || a.nbins < 1 || a.nbins > 0x7ffffffd) invalid(pointer(at, 'nbins'), MESSAGES.rootWriteAxisBins(a.nbins));
    if (typeof a.name !== 'string' || typeof a.title !== 'string') invalid(at, MESSAGES.rootWriteNotString());
    if (a.xbins !== null && !(a.xbins instanceof Float64Array && a.xbins.length === a.nbins + 1)) {
      invalid(pointer(at, 'xbins'), MESSAGES.rootWriteArray('Float64Array', a.nbins + 1, a.xbins, true));
    }
    if (a.labels !== null && !(Array.isArray(a.labels) && a.labels.length <= a.nbins && a.labels.every((l) => l === null || typeof l === 'string'))) {
      invalid(pointer(at, 'labels'), MESSAGES.rootWriteLabels(a.nbins));
    }
  });
  const n = rootCellCount(h, layout.dim);
  const cellType = CELL_ARRAYS[layout.cells];
  if (!cellType.is(h.cells) || h.cells.length !== n) {
    invalid(pointer(where, 'cells'), MESSAGES.rootWriteArray(cellType.name, n, h.cells));
  }
  // A profile's fSumw2 (Σ w·y²) is never empty in ROOT: its errors need it.
  checkDoubles(h.sumw2, n, pointer(where, 'sumw2'), !layout.profile);
  if (layout.profile) {
    const p = h.profile;
    if (!p) invalid(pointer(where, 'profile'), MESSAGES.rootWriteProfileMissing(h.className));
    checkDoubles(p.binEntries, n, pointer(where, 'profile', 'binEntries'), false);
    checkDoubles(p.binSumw2, n, pointer(where, 'profile', 'binSumw2'), true);
    if (!Number.isInteger(p.errorMode) || p.errorMode < 0 || p.errorMode > 3) invalid(pointer(where, 'profile', 'errorMode'), MESSAGES.rootWriteErrorMode(p.errorMode));
  }
  for (const s of ['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2']) {
    if (typeof h.stats?.[s] !== 'number') invalid(pointer(where, 'stats', s), MESSAGES.rootWriteMissingStat(s));
  }
  return layout;
}

function checkDoubles(a: Float64Array | null | undefined, n: number, path: string, nullable: boolean): void {
  if (a === null && nullable) return;
  if (!(a instanceof Float64Array) || a.length !== n) invalid(path, MESSAGES.rootWriteArray('Float64Array', n, a, nullable));
}

// ---- serialization -------------------------------------------------------------------------------

const EMPTY = new Float64Array(0);

function version(className: string): number {
  return streamerClass(className).version;
}

function writeNamed(b: RootWriteBuffer, name: string, title: string, bits: number): void {
  const h = b.startVersion(version('TNamed'));
  b.tobject(0, bits);
  b.string(name);
  b.string(title);
  b.endVersion(h);
}

/** An empty TList written in place (fFunctions is `->`: streamed without a class tag). */
function writeEmptyList(b: RootWriteBuffer, bits: number): void {
  const h = b.startVersion(version('TList'));
  b.tobject(0, bits);
  b.string('');
  b.i32(0);
  b.endVersion(h);
}

/** fLabels: a THashList of TObjString, each with fUniqueID = its bin number, in bin order. */
function writeLabels(b: RootWriteBuffer, labels: readonly (string | null)[]): void {
  b.objectAny('THashList', () => {
    const h = b.startVersion(version('TList'));
    b.tobject(0, BITS_OBJECT);
    b.string('');
    b.i32(labels.reduce((n, l) => (l === null ? n : n + 1), 0));
    labels.forEach((label, i) => {
      if (label === null) return;
      b.objectAny('TObjString', () => {
        const s = b.startVersion(version('TObjString'));
        b.tobject(i + 1, BITS_OBJECT);
        b.string(label);
        b.endVersion(s);
      });
      b.u8(0); // link option ""
    });
    b.endVersion(h);
  });
}

function writeAxis(b: RootWriteBuffer, a: RootAxis, where: string): void {
  const attrs = a.attributes ?? {};
  const m = <K extends Kind>(name: string, kind: K, fallback: Value<K>) => member(attrs, name, kind, fallback, where);
  const h = b.startVersion(version('TAxis'));
  writeNamed(b, a.name, a.title, BITS_OBJECT);
  const att = b.startVersion(version('TAttAxis'));
  b.i32(m('fNdivisions', 'i32', 510));
  b.i16(m('fAxisColor', 'i16', 1));
  b.i16(m('fLabelColor', 'i16', 1));
  b.i16(m('fLabelFont', 'i16', 42));
  b.f32(m('fLabelOffset', 'f32', 0.005));
  b.f32(m('fLabelSize', 'f32', 0.035));
  b.f32(m('fTickLength', 'f32', 0.03));
  b.f32(m('fTitleOffset', 'f32', 1));
  b.f32(m('fTitleSize', 'f32', 0.035));
  b.i16(m('fTitleColor', 'i16', 1));
  b.i16(m('fTitleFont', 'i16', 42));
  b.endVersion(att);
  b.i32(a.nbins);
  b.f64(a.xmin);
  b.f64(a.xmax);
  b.tarray(a.xbins ?? EMPTY);
  b.i32(m('fFirst', 'i32', 0));
  b.i32(m('fLast', 'i32', 0));
  const labels = a.labels !== null && a.labels.some((l) => l !== null) ? a.labels : null;
  const complete = labels !== null && labels.length === a.nbins && labels.every((l) => l !== null);
  b.u16(m('fBits2', 'u16', complete ? AXIS_ALPHANUMERIC | AXIS_CAN_EXTEND : 0));
  b.bool(m('fTimeDisplay', 'bool', false));
  b.string(m('fTimeFormat', 'string', ''));
  if (labels) writeLabels(b, labels);
  else b.nullPointer();
  b.nullPointer(); // fModLabs
  b.endVersion(h);
}

function writeTH1(b: RootWriteBuffer, hist: RootHist, dim: number, where: string): void {
  const attrs = hist.attributes ?? {};
  const m = <K extends Kind>(name: string, kind: K, fallback: Value<K>) => member(attrs, name, kind, fallback, where);
  const h = b.startVersion(version('TH1'));
  writeNamed(b, hist.name, hist.title, BITS_HISTOGRAM);
  const line = b.startVersion(version('TAttLine'));
  b.i16(m('fLineColor', 'i16', 602));
  b.i16(m('fLineStyle', 'i16', 1));
  b.i16(m('fLineWidth', 'i16', 1));
  b.endVersion(line);
  const fill = b.startVersion(version('TAttFill'));
  b.i16(m('fFillColor', 'i16', 0));
  b.i16(m('fFillStyle', 'i16', 1001));
  b.endVersion(fill);
  const marker = b.startVersion(version('TAttMarker'));
  b.i16(m('fMarkerColor', 'i16', 1));
  b.i16(m('fMarkerStyle', 'i16', 1));
  b.f32(m('fMarkerSize', 'f32', 1));
  b.endVersion(marker);
  b.i32(rootCellCount(hist, dim));
  ['xaxis', 'yaxis', 'zaxis'].forEach((name, i) => writeAxis(b, i < dim ? hist.axes[i]! : unusedAxis(name), pointer(where, 'axes', i)));
  b.i16(m('fBarOffset', 'i16', 0));
  b.i16(m('fBarWidth', 'i16', 1000));
  for (const s of ['fEntries', 'fTsumw', 'fTsumw2', 'fTsumwx', 'fTsumwx2']) b.f64(statistic(hist, s, where));
  b.f64(m('fMaximum', 'f64', -1111));
  b.f64(m('fMinimum', 'f64', -1111));
  b.f64(m('fNormFactor', 'f64', 0));
  b.tarray(contour(attrs['fContour'], where));
  b.tarray(hist.sumw2 ?? EMPTY);
  b.string(hist.option);
  writeEmptyList(b, BITS_FUNCTIONS);
  b.i32(0); // fBufferSize
  b.u8(0); // fBuffer: no array follows
  b.i32(m('fBinStatErrOpt', 'i32', 0));
  b.i32(m('fStatOverflows', 'i32', 2));
  b.endVersion(h);
}

function contour(v: unknown, where: string): Float64Array {
  if (v === undefined) return EMPTY;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return Float64Array.from(v as number[]);
  const path = pointer(where, 'attributes', 'fContour');
  throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteAttribute(path, 'fContour', v, MESSAGES.rootWriteExpected('numbers')), { path, codec: 'root' });
}

/** TH1, TH2 or TH3 with their own members (not the cell array). */
function writeTHn(b: RootWriteBuffer, hist: RootHist, dim: 1 | 2 | 3, where: string): void {
  if (dim === 1) {
    writeTH1(b, hist, 1, where);
    return;
  }
  const h = b.startVersion(version(dim === 2 ? 'TH2' : 'TH3'));
  writeTH1(b, hist, dim, where);
  const s = (name: string) => b.f64(statistic(hist, name, where));
  if (dim === 2) {
    b.f64(member(hist.attributes ?? {}, 'fScalefactor', 'f64', 1, where));
    for (const name of ['fTsumwy', 'fTsumwy2', 'fTsumwxy']) s(name);
  } else {
    b.endVersion(b.startVersion(version('TAtt3D')));
    for (const name of ['fTsumwy', 'fTsumwy2', 'fTsumwxy', 'fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz']) s(name);
  }
  b.endVersion(h);
}

/** A concrete THnX: its base THn, then the cell array (the TArrayX base). */
function writeConcrete(b: RootWriteBuffer, className: string, hist: RootHist, dim: 1 | 2 | 3, cells: RootCellArray, where: string): void {
  const h = b.startVersion(version(className));
  writeTHn(b, hist, dim, where);
  b.tarray(cells as BulkArray);
  b.endVersion(h);
}

/**
 * Serialize one histogram object (no key) into `b`. `b.origin` must be the length of the key the
 * object will follow, because labelled axes contain class references counted from the key's start.
 * Call {@link checkRootHist} first.
 *
 * @example
 * ```ts
 * checkRootHist(h);
 * const b = new RootWriteBuffer({ origin: keyLength });
 * writeRootHist(b, h);
 * const objectChunks = b.finish();
 * ```
 */
export function writeRootHist(b: RootWriteBuffer, hist: RootHist): void {
  const where = histPointer(hist);
  const layout = rootHistLayout(hist.className)!;
  if (!layout.profile) {
    writeConcrete(b, hist.className, hist, layout.dim, hist.cells, where);
    return;
  }
  const p = hist.profile!;
  const h = b.startVersion(version(hist.className));
  writeConcrete(b, layout.dim === 1 ? 'TH1D' : 'TH2D', hist, layout.dim, hist.cells, where);
  b.tarray(p.binEntries);
  b.i32(p.errorMode);
  b.f64(p.min);
  b.f64(p.max);
  const [sum, sum2] = layout.dim === 1 ? ['fTsumwy', 'fTsumwy2'] : ['fTsumwz', 'fTsumwz2'];
  b.f64(statistic(hist, sum!, where));
  b.f64(statistic(hist, sum2!, where));
  b.tarray(p.binSumw2 ?? EMPTY);
  b.endVersion(h);
}

/**
 * The exact number of bytes {@link writeRootHist} writes for `hist`, found without copying its
 * arrays (how the writer refuses objects over ROOT's limit before building them).
 *
 * @example
 * ```ts
 * if (rootHistBytes(h) > ROOT_MAX_OBJECT_BYTES) console.log('too large for ROOT');
 * ```
 */
export function rootHistBytes(hist: RootHist): number {
  const b = new RootWriteBuffer({ measure: true });
  writeRootHist(b, hist);
  return b.length;
}

/** The classes whose streamer infos a file holding `hist` needs. */
export function rootHistClasses(hist: RootHist): string[] {
  const out: string[] = [hist.className];
  if (hist.axes.some((a) => a.labels?.some((l) => l !== null))) out.push('TObjString');
  return out;
}
