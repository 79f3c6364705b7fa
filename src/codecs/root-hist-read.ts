/**
 * Streamers of the ROOT histogram classes, hand-written per class version (no TStreamerInfo
 * interpretation): TH1 (versions 2–8, ROOT 3 … 6.32), TH2, TH3, TProfile, TProfile2D and the
 * TH[123][CSILFD] leaves, with their parts TNamed/TObject, TAttLine/TAttFill/TAttMarker/TAtt3D,
 * TAxis/TAttAxis (fLabels as a THashList of TObjString placed by fUniqueID), TArrayC/S/I/L64/F/D and
 * the TList of fFunctions (its items are skipped by their byte counts). Every part with a byte count
 * must end exactly where the count says; a class version outside the known ones is refused with
 * UNSUPPORTED_VERSION rather than guessed.
 * @module
 */
import { HistSerialError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import type { RootAxis, RootCellArray, RootHist, RootHistClass, RootProfileData, RootStats } from './root-hist.js';
import type { RootReadBuffer, VersionHeader } from './root-read-buffer.js';

/** Every class {@link readRootHist} reads. */
export const ROOT_HIST_CLASSES: readonly RootHistClass[] = [
  'TH1C', 'TH1S', 'TH1I', 'TH1L', 'TH1F', 'TH1D',
  'TH2C', 'TH2S', 'TH2I', 'TH2L', 'TH2F', 'TH2D',
  'TH3C', 'TH3S', 'TH3I', 'TH3L', 'TH3F', 'TH3D',
  'TProfile', 'TProfile2D',
];

const HIST_CLASS_SET: ReadonlySet<string> = new Set(ROOT_HIST_CLASSES);

/**
 * Is `className` one of the histogram classes this reader reads?
 *
 * @example
 * ```ts
 * isRootHistClass('TH1F'); // true
 * isRootHistClass('TTree'); // false
 * ```
 */
export function isRootHistClass(className: string): className is RootHistClass {
  return HIST_CLASS_SET.has(className);
}

/**
 * Class versions read, [lowest, highest]. Where versions differ in members the readers below branch
 * on the version (TH1: fBuffer from 4, fBinStatErrOpt from 7, fStatOverflows from 8; TAxis: fBits2
 * and fLabels from 9, fModLabs from 10; TList: item options from 5; profiles: fBinSumw2 when their
 * byte count leaves room for it).
 */
export const ROOT_CLASS_VERSIONS = {
  TNamed: [1, 1],
  TAttLine: [1, 2],
  TAttFill: [1, 2],
  TAttMarker: [1, 2],
  TAttAxis: [4, 4],
  TAtt3D: [1, 1],
  TAxis: [6, 10],
  TH1: [2, 8],
  TH2: [3, 5],
  TH3: [3, 6],
  /** TH1C … TH3D: a base and an array, no members of their own. */
  leaf: [1, 4],
  TProfile: [5, 7],
  TProfile2D: [6, 8],
  TList: [4, 5],
  TObjString: [1, 1],
} as const satisfies Record<string, readonly [number, number]>;

type VersionedClass = keyof typeof ROOT_CLASS_VERSIONS;

function header(buf: RootReadBuffer, className: string, table: VersionedClass = className as VersionedClass): VersionHeader {
  const h = buf.version(className);
  const [lo, hi] = ROOT_CLASS_VERSIONS[table];
  if (h.version < lo || h.version > hi) {
    throw new HistSerialError('UNSUPPORTED_VERSION', MESSAGES.rootReadUnsupportedVersion(className, h.version, lo === hi ? `${lo}` : `${lo} to ${hi}`, buf.where));
  }
  return h;
}

type Attributes = Record<string, number | string | boolean | number[]>;

interface Named {
  name: string;
  title: string;
  fUniqueID: number;
  fBits: number;
}

function readTNamed(buf: RootReadBuffer): Named {
  const h = header(buf, 'TNamed');
  const { fUniqueID, fBits } = buf.tobject();
  const name = buf.string('TNamed::fName');
  const title = buf.string('TNamed::fTitle');
  buf.checkEnd(h, 'TNamed');
  return { name, title, fUniqueID, fBits };
}

function readTAttLine(buf: RootReadBuffer, out: Attributes): void {
  const h = header(buf, 'TAttLine');
  out.fLineColor = buf.i16('fLineColor');
  out.fLineStyle = buf.i16('fLineStyle');
  out.fLineWidth = buf.i16('fLineWidth');
  buf.checkEnd(h, 'TAttLine');
}

function readTAttFill(buf: RootReadBuffer, out: Attributes): void {
  const h = header(buf, 'TAttFill');
  out.fFillColor = buf.i16('fFillColor');
  out.fFillStyle = buf.i16('fFillStyle');
  buf.checkEnd(h, 'TAttFill');
}

function readTAttMarker(buf: RootReadBuffer, out: Attributes): void {
  const h = header(buf, 'TAttMarker');
  out.fMarkerColor = buf.i16('fMarkerColor');
  out.fMarkerStyle = buf.i16('fMarkerStyle');
  out.fMarkerSize = buf.f32('fMarkerSize');
  buf.checkEnd(h, 'TAttMarker');
}

function readTAttAxis(buf: RootReadBuffer, out: Record<string, number | string | boolean>): void {
  const h = header(buf, 'TAttAxis');
  out.fNdivisions = buf.i32('fNdivisions');
  out.fAxisColor = buf.i16('fAxisColor');
  out.fLabelColor = buf.i16('fLabelColor');
  out.fLabelFont = buf.i16('fLabelFont');
  out.fLabelOffset = buf.f32('fLabelOffset');
  out.fLabelSize = buf.f32('fLabelSize');
  out.fTickLength = buf.f32('fTickLength');
  out.fTitleOffset = buf.f32('fTitleOffset');
  out.fTitleSize = buf.f32('fTitleSize');
  out.fTitleColor = buf.i16('fTitleColor');
  out.fTitleFont = buf.i16('fTitleFont');
  buf.checkEnd(h, 'TAttAxis');
}

/** TArrayD and friends stream only `fN` and the elements (no version header). */
function arrayLength(buf: RootReadBuffer, what: string): number {
  const n = buf.i32(`the length of ${what}`);
  if (n < 0) throw buf.corrupt(`${what} has a negative length ${n}`);
  return n;
}

function readTArrayD(buf: RootReadBuffer, what: string): Float64Array {
  return buf.f64Array(arrayLength(buf, what), what);
}

/** One label of fLabels: its text and fUniqueID (the bin number TAxis::SetBinLabel stores there). */
interface Label {
  text: string;
  uid: number;
}

/**
 * A TList/THashList body (after the object tag, or streamed in place): version, TObject, fName,
 * the items with their option strings. `item` reads or skips one item after its tag.
 */
function readTListBody(buf: RootReadBuffer, className: string, item: (index: number) => void): number {
  const h = header(buf, className, 'TList');
  buf.tobject();
  buf.string(`${className}::fName`);
  const n = buf.i32(`the item count of ${className}`);
  // Every item takes at least its 4-byte tag: a count beyond that is corrupt (checked before looping).
  if (n < 0 || n * 4 > buf.remaining) throw buf.corrupt(`${className} claims ${n} items in ${buf.remaining} bytes`);
  for (let i = 0; i < n; i++) {
    item(i);
    if (h.version >= 5) buf.string(`the option of ${className} item ${i}`);
  }
  buf.checkEnd(h, className);
  return n;
}

/** Skip one collection item by its byte count (TF1s in fFunctions, TAxisModLab in fModLabs, ...). */
function skipItem(buf: RootReadBuffer, what: string): void {
  const tag = buf.objectTag(what);
  if (tag.kind === 'object') buf.skipObject(tag, `${tag.className ?? 'an object'} in ${what}`);
}

function readLabels(buf: RootReadBuffer, axisName: string): Label[] | null {
  const what = `${axisName}.fLabels`;
  const tag = buf.objectTag(what);
  if (tag.kind !== 'object') return null;
  if (tag.className !== 'THashList' && tag.className !== 'TList') {
    throw new ParseError(MESSAGES.rootReadUnexpectedClass(buf.where, what, tag.className ?? '(unknown class)', 'a THashList of TObjString'));
  }
  const labels: Label[] = [];
  readTListBody(buf, tag.className, (i) => {
    const itemWhat = `${what} item ${i}`;
    const t = buf.objectTag(itemWhat);
    if (t.kind !== 'object') return;
    if (t.className !== 'TObjString') {
      buf.skipObject(t, itemWhat);
      return;
    }
    const h = header(buf, 'TObjString');
    const { fUniqueID } = buf.tobject();
    const text = buf.string('TObjString::fString');
    buf.checkEnd(h, 'TObjString');
    buf.endObject(t, 'TObjString');
    labels.push({ text, uid: fUniqueID });
  });
  buf.endObject(tag, tag.className);
  return labels;
}

/** Bin labels by bin: fUniqueID when it is a bin number (1..nbins), else the position in the list (as uproot does). */
function placeLabels(labels: Label[] | null, nbins: number): (string | null)[] | null {
  if (labels === null || labels.length === 0) return null;
  const out: (string | null)[] = new Array<string | null>(nbins).fill(null);
  labels.forEach((label, pos) => {
    const index = label.uid >= 1 && label.uid <= nbins ? label.uid - 1 : pos;
    if (index >= 0 && index < nbins) out[index] = label.text;
  });
  return out;
}

function readTAxis(buf: RootReadBuffer, which: string): RootAxis {
  const h = header(buf, 'TAxis');
  const named = readTNamed(buf);
  const attributes: Record<string, number | string | boolean> = { fUniqueID: named.fUniqueID, fBits: named.fBits };
  readTAttAxis(buf, attributes);
  const nbins = buf.i32(`${which}.fNbins`);
  if (nbins < 0) throw buf.corrupt(`${which} has ${nbins} bins`);
  const xmin = buf.f64(`${which}.fXmin`);
  const xmax = buf.f64(`${which}.fXmax`);
  const fXbins = readTArrayD(buf, `${which}.fXbins`);
  attributes.fFirst = buf.i32(`${which}.fFirst`);
  attributes.fLast = buf.i32(`${which}.fLast`);
  if (h.version >= 9) attributes.fBits2 = buf.u16(`${which}.fBits2`);
  attributes.fTimeDisplay = buf.bool(`${which}.fTimeDisplay`);
  attributes.fTimeFormat = buf.string(`${which}.fTimeFormat`);
  let labels: Label[] | null = null;
  if (h.version >= 9) labels = readLabels(buf, which);
  if (h.version >= 10) {
    // fModLabs (TList of TAxisModLab, label attributes changed with ChangeLabel): not kept.
    const tag = buf.objectTag(`${which}.fModLabs`);
    if (tag.kind === 'object') buf.skipObject(tag, `${which}.fModLabs`);
  }
  buf.checkEnd(h, 'TAxis');
  return {
    name: named.name,
    title: named.title,
    nbins,
    xmin,
    xmax,
    // fXbins is used when it holds nbins + 1 edges (ROOT ignores it otherwise, and so does uproot).
    xbins: fXbins.length === nbins + 1 && nbins > 0 ? fXbins : null,
    labels: placeLabels(labels, nbins),
    attributes,
  };
}

/** What the TH1 part of every histogram holds. */
interface TH1Part {
  name: string;
  title: string;
  ncells: number;
  axes: [RootAxis, RootAxis, RootAxis];
  stats: RootStats;
  sumw2: Float64Array;
  option: string;
  attributes: Attributes;
}

function readTH1(buf: RootReadBuffer): TH1Part {
  const h = header(buf, 'TH1');
  const v = h.version;
  const named = readTNamed(buf);
  const attributes: Attributes = { fUniqueID: named.fUniqueID, fBits: named.fBits };
  readTAttLine(buf, attributes);
  readTAttFill(buf, attributes);
  readTAttMarker(buf, attributes);
  const ncells = buf.i32('TH1::fNcells');
  const axes: [RootAxis, RootAxis, RootAxis] = [readTAxis(buf, 'fXaxis'), readTAxis(buf, 'fYaxis'), readTAxis(buf, 'fZaxis')];
  attributes.fBarOffset = buf.i16('TH1::fBarOffset');
  attributes.fBarWidth = buf.i16('TH1::fBarWidth');
  const stats: RootStats = {
    fEntries: buf.f64('TH1::fEntries'),
    fTsumw: buf.f64('TH1::fTsumw'),
    fTsumw2: buf.f64('TH1::fTsumw2'),
    fTsumwx: buf.f64('TH1::fTsumwx'),
    fTsumwx2: buf.f64('TH1::fTsumwx2'),
  };
  attributes.fMaximum = buf.f64('TH1::fMaximum');
  attributes.fMinimum = buf.f64('TH1::fMinimum');
  attributes.fNormFactor = buf.f64('TH1::fNormFactor');
  const contour = readTArrayD(buf, 'TH1::fContour');
  if (contour.length > 0) attributes.fContour = Array.from(contour);
  const sumw2 = readTArrayD(buf, 'TH1::fSumw2');
  const option = buf.string('TH1::fOption');
  // fFunctions is a TList streamed in place (a `->` pointer); its items (fitted TF1s, stats boxes) are skipped.
  readTListBody(buf, 'TList', (i) => skipItem(buf, `TH1::fFunctions item ${i}`));
  if (v >= 4) {
    const size = buf.i32('TH1::fBufferSize');
    if (size < 0) throw buf.corrupt(`TH1::fBufferSize is ${size}`);
    attributes.fBufferSize = size;
    const present = buf.u8('the TH1::fBuffer presence byte');
    if (present !== 0) {
      const buffer = buf.f64Array(size, 'TH1::fBuffer');
      if (size > 0) attributes.fBuffer = Array.from(buffer);
    }
  }
  if (v >= 7) attributes.fBinStatErrOpt = buf.i32('TH1::fBinStatErrOpt');
  if (v >= 8) attributes.fStatOverflows = buf.i32('TH1::fStatOverflows');
  buf.checkEnd(h, 'TH1');
  return { name: named.name, title: named.title, ncells, axes, stats, sumw2, option, attributes };
}

function readTH2(buf: RootReadBuffer): TH1Part {
  const h = header(buf, 'TH2');
  const part = readTH1(buf);
  part.attributes.fScalefactor = buf.f64('TH2::fScalefactor');
  part.stats.fTsumwy = buf.f64('TH2::fTsumwy');
  part.stats.fTsumwy2 = buf.f64('TH2::fTsumwy2');
  part.stats.fTsumwxy = buf.f64('TH2::fTsumwxy');
  buf.checkEnd(h, 'TH2');
  return part;
}

function readTH3(buf: RootReadBuffer): TH1Part {
  const h = header(buf, 'TH3');
  const part = readTH1(buf);
  const att3d = header(buf, 'TAtt3D');
  buf.checkEnd(att3d, 'TAtt3D');
  for (const m of ['fTsumwy', 'fTsumwy2', 'fTsumwxy', 'fTsumwz', 'fTsumwz2', 'fTsumwxz', 'fTsumwyz']) {
    part.stats[m] = buf.f64(`TH3::${m}`);
  }
  buf.checkEnd(h, 'TH3');
  return part;
}

/** A leaf class (TH1F, TH2D, ...): its base and its cell array. */
function readLeaf(buf: RootReadBuffer, className: string): { part: TH1Part; cells: RootCellArray } {
  const h = header(buf, className, 'leaf');
  const dim = className[2];
  const part = dim === '1' ? readTH1(buf) : dim === '2' ? readTH2(buf) : readTH3(buf);
  const what = `${className}::fArray`;
  const n = arrayLength(buf, what);
  let cells: RootCellArray;
  switch (className[3]) {
    case 'C':
      cells = buf.i8Array(n, what);
      break;
    case 'S':
      cells = buf.i16Array(n, what);
      break;
    case 'I':
      cells = buf.i32Array(n, what);
      break;
    case 'L':
      cells = buf.i64Array(n, what);
      break;
    case 'F':
      cells = buf.f32Array(n, what);
      break;
    default:
      cells = buf.f64Array(n, what);
  }
  buf.checkEnd(h, className);
  return { part, cells };
}

function readProfile(buf: RootReadBuffer, className: 'TProfile' | 'TProfile2D'): { part: TH1Part; cells: RootCellArray; profile: RootProfileData; binSumw2: Float64Array } {
  const h = header(buf, className);
  const { part, cells } = readLeaf(buf, className === 'TProfile' ? 'TH1D' : 'TH2D');
  const binEntries = readTArrayD(buf, `${className}::fBinEntries`);
  const errorMode = buf.i32(`${className}::fErrorMode`);
  const min = buf.f64(className === 'TProfile' ? 'TProfile::fYmin' : 'TProfile2D::fZmin');
  const max = buf.f64(className === 'TProfile' ? 'TProfile::fYmax' : 'TProfile2D::fZmax');
  if (className === 'TProfile') {
    part.stats.fTsumwy = buf.f64('TProfile::fTsumwy');
    part.stats.fTsumwy2 = buf.f64('TProfile::fTsumwy2');
  } else {
    part.stats.fTsumwz = buf.f64('TProfile2D::fTsumwz');
    part.stats.fTsumwz2 = buf.f64('TProfile2D::fTsumwz2');
  }
  // fBinSumw2 came with a later class version: read it when the byte count leaves room for it.
  const hasBinSumw2 = h.end === null ? h.version >= (className === 'TProfile' ? 6 : 7) : buf.displacement < h.end;
  const binSumw2 = hasBinSumw2 ? readTArrayD(buf, `${className}::fBinSumw2`) : new Float64Array(0);
  buf.checkEnd(h, className);
  return { part, cells, profile: { binEntries, binSumw2: null, errorMode, min, max }, binSumw2 };
}

const DIMENSION: Record<RootHistClass, 1 | 2 | 3> = Object.fromEntries(
  ROOT_HIST_CLASSES.map((c) => [c, c === 'TProfile' ? 1 : c === 'TProfile2D' ? 2 : (Number(c[2]) as 1 | 2 | 3)]),
) as Record<RootHistClass, 1 | 2 | 3>;

/** Key facts the histogram does not hold itself. */
export interface RootHistKey {
  /** Path of the key in the file (`dir/sub/name`). */
  path: string;
  cycle: number;
}

/**
 * Read one histogram object (the uncompressed record of its key, cursor at its first byte) of the
 * class the key names. Cell, Sumw2 and profile arrays are checked against the axes:
 * Π (nbins + 2) cells, fNcells, and Sumw2/fBinSumw2 either empty or one value per cell.
 *
 * @example
 * ```ts
 * const buf = new RootReadBuffer(objectBytes, { origin: key.keylen, where: 'key "h;1"' });
 * const h = readRootHist(buf, 'TH1D', { path: 'h', cycle: 1 });
 * ```
 */
export function readRootHist(buf: RootReadBuffer, className: RootHistClass, key: RootHistKey): RootHist {
  let part: TH1Part;
  let cells: RootCellArray;
  let profile: RootProfileData | null = null;
  if (className === 'TProfile' || className === 'TProfile2D') {
    const p = readProfile(buf, className);
    ({ part, cells, profile } = p);
    profile.binSumw2 = checkCellArray(buf, p.binSumw2, part.ncells, `${className}::fBinSumw2`);
    if (profile.binEntries.length !== part.ncells) {
      throw new ParseError(MESSAGES.rootReadArrayLength(buf.where, `${className}::fBinEntries`, profile.binEntries.length, part.ncells, 'one per cell'));
    }
  } else {
    ({ part, cells } = readLeaf(buf, className));
  }
  const dim = DIMENSION[className];
  const axes = part.axes.slice(0, dim);
  let expected = 1;
  for (const axis of axes) expected *= axis.nbins + 2;
  if (part.ncells !== expected) {
    throw new ParseError(MESSAGES.rootReadArrayLength(buf.where, 'TH1::fNcells', part.ncells, expected, `the product of the axes' bins + 2`));
  }
  if (cells.length !== expected) {
    throw new ParseError(MESSAGES.rootReadArrayLength(buf.where, `${className}::fArray`, cells.length, expected, 'one per cell, flow bins included'));
  }
  const sumw2 = checkCellArray(buf, part.sumw2, expected, 'TH1::fSumw2');
  return {
    className,
    path: key.path,
    cycle: key.cycle,
    name: part.name,
    title: part.title,
    axes,
    cells,
    sumw2,
    profile,
    stats: part.stats,
    option: part.option,
    attributes: part.attributes,
  };
}

/** An optional per-cell array: empty means absent (null), else it must have one value per cell. */
function checkCellArray(buf: RootReadBuffer, a: Float64Array, ncells: number, member: string): Float64Array | null {
  if (a.length === 0) return null;
  if (a.length !== ncells) throw new ParseError(MESSAGES.rootReadArrayLength(buf.where, member, a.length, ncells, 'empty, or one per cell'));
  return a;
}
