/**
 * The `TStreamerInfo` records a ROOT file needs for the histograms hist-serial writes: one per class
 * (its version, checksum and members, as ROOT 6 declares them), described here as data and
 * serialized by {@link writeStreamerInfoList} into the `StreamerInfo` `TList` of the file.
 *
 * The versions, checksums, member types and comments are those ROOT 6.22 to 6.28 write (checked
 * against files of 6.22, 6.26 and 6.28: the StreamerInfo record of a 6.22 file is reproduced byte for
 * byte; 6.28 capitalizes a few comments, which nothing reads). A checksum is the hash
 * `TStreamerInfo::GetCheckSum` computes over the class name, its bases (and their checksums) and
 * its persistent members' names, types, array dimensions and `[count]` comments;
 * {@link streamerChecksum} recomputes it from the table (tests check every entry with it, except
 * `TSeqCollection` and `THashList`, whose ROOT checksum also covers their transient members).
 * @module
 */
import type { RootWriteBuffer } from './root-write-buffer.js';

/** Kind of a member, which decides its `TStreamerElement` subclass. */
export type StreamerElementKind =
  | 'base' // TStreamerBase
  | 'basic' // TStreamerBasicType
  | 'string' // TStreamerString (TString)
  | 'object' // TStreamerObject (a TObject-derived member by value)
  | 'any' // TStreamerObjectAny (a member by value with a custom streamer: TArrayD)
  | 'pointer' // TStreamerObjectPointer
  | 'basicPointer'; // TStreamerBasicPointer (a C array whose length is another member)

/** One element of a class's streamer info. */
export interface StreamerElement {
  kind: StreamerElementKind;
  /** Member name, or the base class's name. */
  name: string;
  /** The member's comment (a base: the base class's title). */
  title: string;
  /** `TVirtualStreamerInfo::EReadWrite` type code. */
  type: number;
  /** `sizeof` the member in memory on 64-bit platforms (0 for bases). */
  size: number;
  /** Normalized type name (`int`, `TArrayD`, `TList*`, `BASE` for bases). */
  typeName: string;
  /** `basicPointer` only: the counter member, its class and that class's version. */
  countName?: string;
  countClass?: string;
}

/** One class: what its `TStreamerInfo` holds. */
export interface StreamerClass {
  name: string;
  version: number;
  /** `fCheckSum` (unsigned 32-bit). */
  checksum: number;
  /** The class's title (the `ClassDef` comment), written in `TStreamerBase` elements naming it. */
  title: string;
  elements: readonly StreamerElement[];
}

/** `EReadWrite` codes used by the table. */
export const STREAMER_TYPE = {
  base: 0,
  char: 1,
  short: 2,
  int: 3,
  float: 5,
  counter: 6,
  double: 8,
  ushort: 12,
  uint: 13,
  bits: 15,
  bool: 18,
  offsetP: 40,
  object: 61,
  any: 62,
  objectp: 63,
  objectP: 64,
  tstring: 65,
  tobject: 66,
  tnamed: 67,
} as const;

/** Basic C++ types: type code and size. Enumerations are stored as `int` (code 3). */
const BASIC: Readonly<Record<string, readonly [number, number]>> = {
  char: [STREAMER_TYPE.char, 1],
  short: [STREAMER_TYPE.short, 2],
  int: [STREAMER_TYPE.int, 4],
  float: [STREAMER_TYPE.float, 4],
  double: [STREAMER_TYPE.double, 8],
  'unsigned short': [STREAMER_TYPE.ushort, 2],
  'unsigned int': [STREAMER_TYPE.uint, 4],
  bool: [STREAMER_TYPE.bool, 1],
};

// Element builders, so the table below reads like the class declarations.
/** A base class; its title is the base class's own, filled in when written. TObject and TNamed have their own codes. */
function base(name: string): StreamerElement {
  const type = name === 'TObject' ? STREAMER_TYPE.tobject : name === 'TNamed' ? STREAMER_TYPE.tnamed : STREAMER_TYPE.base;
  return { kind: 'base', name, title: '', type, size: 0, typeName: 'BASE' };
}
function basic(name: string, typeName: string, title: string): StreamerElement {
  const known = BASIC[typeName];
  // Anything that is not a basic type here is an enumeration, streamed as an int.
  return { kind: 'basic', name, title, type: known ? known[0] : STREAMER_TYPE.int, size: known ? known[1] : 4, typeName };
}
const counter = (name: string, title: string): StreamerElement => ({ kind: 'basic', name, title, type: STREAMER_TYPE.counter, size: 4, typeName: 'int' });
const bits = (name: string, title: string): StreamerElement => ({ kind: 'basic', name, title, type: STREAMER_TYPE.bits, size: 4, typeName: 'unsigned int' });
const tstring = (name: string, title: string): StreamerElement => ({ kind: 'string', name, title, type: STREAMER_TYPE.tstring, size: 24, typeName: 'TString' });
const object = (name: string, typeName: string, size: number, title: string): StreamerElement => ({ kind: 'object', name, title, type: STREAMER_TYPE.object, size, typeName });
const any = (name: string, typeName: string, title: string): StreamerElement => ({ kind: 'any', name, title, type: STREAMER_TYPE.any, size: 24, typeName });
/** A pointer to an object; `->` in the comment (never null) makes it `kObjectp`, else `kObjectP`. */
function pointer(name: string, typeName: string, title: string): StreamerElement {
  return { kind: 'pointer', name, title, type: title.startsWith('->') ? STREAMER_TYPE.objectp : STREAMER_TYPE.objectP, size: 8, typeName: `${typeName}*` };
}
function basicPointer(name: string, typeName: string, title: string, countName: string, countClass: string): StreamerElement {
  const [code] = BASIC[typeName] ?? [STREAMER_TYPE.double];
  return { kind: 'basicPointer', name, title, type: STREAMER_TYPE.offsetP + code, size: 8, typeName: `${typeName}*`, countName, countClass };
}

/** The TArray family: one class per element type. */
const TARRAYS: readonly (readonly [string, string, string, number, string])[] = [
  // name, element type, class title, checksum, fArray comment
  ['TArrayC', 'char', 'Array of chars', 0xae879936, '[fN] Array of fN chars'],
  ['TArrayS', 'short', 'Array of shorts', 0x035c9314, '[fN] Array of fN shorts'],
  ['TArrayI', 'int', 'Array of ints', 0xd9d571c7, '[fN] Array of fN 32 bit integers'],
  ['TArrayF', 'float', 'Array of floats', 0x5a0bf6f1, '[fN] Array of fN floats'],
  ['TArrayD', 'double', 'Array of doubles', 0x7139ef34, '[fN] Array of fN doubles'],
];

/** Histogram classes: name, base, version, checksum, title, the TArray holding the cells. */
const HISTOGRAMS: readonly (readonly [string, string, number, number, string, string])[] = [
  ['TH1C', 'TH1', 3, 0x36f6e4ad, '1-Dim histograms (one char per channel)', 'TArrayC'],
  ['TH1S', 'TH1', 3, 0x8c4d9dcb, '1-Dim histograms (one short per channel)', 'TArrayS'],
  ['TH1I', 'TH1', 3, 0x627564f6, '1-Dim histograms (one 32 bits integer per channel)', 'TArrayI'],
  ['TH1F', 'TH1', 3, 0xe2939644, '1-Dim histograms (one float per channel)', 'TArrayF'],
  ['TH1D', 'TH1', 3, 0xf9b1569f, '1-Dim histograms (one double per channel)', 'TArrayD'],
  ['TH2C', 'TH2', 4, 0xbd0010fe, '2-Dim histograms (one char per channel)', 'TArrayC'],
  ['TH2S', 'TH2', 4, 0x1256ca1c, '2-Dim histograms (one short per channel)', 'TArrayS'],
  ['TH2I', 'TH2', 4, 0xe87e9147, '2-Dim histograms (one 32 bits integer per channel)', 'TArrayI'],
  ['TH2F', 'TH2', 4, 0x689cc295, '2-Dim histograms (one float per channel)', 'TArrayF'],
  ['TH2D', 'TH2', 4, 0x7fba82f0, '2-Dim histograms (one double per channel)', 'TArrayD'],
  ['TH3C', 'TH3', 4, 0xa1ff8d94, '3-Dim histograms (one char per channel)', 'TArrayC'],
  ['TH3S', 'TH3', 4, 0xf75646b2, '3-Dim histograms (one short per channel)', 'TArrayS'],
  ['TH3I', 'TH3', 4, 0xcd7e0ddd, '3-Dim histograms (one 32 bits integer per channel)', 'TArrayI'],
  ['TH3F', 'TH3', 4, 0x4d9c3f2b, '3-Dim histograms (one float per channel)', 'TArrayF'],
  ['TH3D', 'TH3', 4, 0x64b9ff86, '3-Dim histograms (one double per channel)', 'TArrayD'],
];

const CLASSES: readonly StreamerClass[] = [
  {
    name: 'TObject', version: 1, checksum: 0x901bc02d, title: 'Basic ROOT object',
    elements: [basic('fUniqueID', 'unsigned int', 'object unique identifier'), bits('fBits', 'bit field status word')],
  },
  { name: 'TString', version: 2, checksum: 0x00017419, title: 'Basic string class', elements: [] },
  {
    name: 'TNamed', version: 1, checksum: 0xdfb74a3c, title: 'The basis for a named object (name, title)',
    elements: [base('TObject'), tstring('fName', 'object identifier'), tstring('fTitle', 'object title')],
  },
  {
    name: 'TObjString', version: 1, checksum: 0x9c8e4800, title: 'Collectable string class',
    elements: [base('TObject'), tstring('fString', 'wrapped TString')],
  },
  {
    name: 'TCollection', version: 3, checksum: 0x57e3cb9c, title: 'Collection abstract base class',
    elements: [base('TObject'), tstring('fName', 'name of the collection'), basic('fSize', 'int', 'number of elements in collection')],
  },
  { name: 'TSeqCollection', version: 0, checksum: 0xfc6c3bc6, title: 'Sequenceable collection ABC', elements: [base('TCollection')] },
  { name: 'TList', version: 5, checksum: 0x69c5c3bb, title: 'Doubly linked list', elements: [base('TSeqCollection')] },
  { name: 'THashList', version: 0, checksum: 0xcc7e49c1, title: 'Doubly linked list with hashtable for lookup', elements: [base('TList')] },
  { name: 'TArray', version: 1, checksum: 0x007021b2, title: 'Abstract array base class', elements: [counter('fN', 'Number of array elements')] },
  ...TARRAYS.map(([name, type, title, checksum, comment]): StreamerClass => ({
    name, version: 1, checksum, title, elements: [base('TArray'), basicPointer('fArray', type, comment, 'fN', 'TArray')],
  })),
  {
    name: 'TAttLine', version: 2, checksum: 0x94074549, title: 'Line attributes',
    elements: [basic('fLineColor', 'short', 'Line color'), basic('fLineStyle', 'short', 'Line style'), basic('fLineWidth', 'short', 'Line width')],
  },
  {
    name: 'TAttFill', version: 2, checksum: 0xffd92a92, title: 'Fill area attributes',
    elements: [basic('fFillColor', 'short', 'Fill area color'), basic('fFillStyle', 'short', 'Fill area style')],
  },
  {
    name: 'TAttMarker', version: 2, checksum: 0x291d8bec, title: 'Marker attributes',
    elements: [basic('fMarkerColor', 'short', 'Marker color'), basic('fMarkerStyle', 'short', 'Marker style'), basic('fMarkerSize', 'float', 'Marker size')],
  },
  { name: 'TAtt3D', version: 1, checksum: 0x0000757a, title: '3D attributes', elements: [] },
  {
    name: 'TAttAxis', version: 4, checksum: 0x5c6fff3e, title: 'Axis attributes',
    elements: [
      basic('fNdivisions', 'int', 'Number of divisions(10000*n3 + 100*n2 + n1)'),
      basic('fAxisColor', 'short', 'Color of the line axis'),
      basic('fLabelColor', 'short', 'Color of labels'),
      basic('fLabelFont', 'short', 'Font for labels'),
      basic('fLabelOffset', 'float', 'Offset of labels'),
      basic('fLabelSize', 'float', 'Size of labels'),
      basic('fTickLength', 'float', 'Length of tick marks'),
      basic('fTitleOffset', 'float', 'Offset of axis title'),
      basic('fTitleSize', 'float', 'Size of axis title'),
      basic('fTitleColor', 'short', 'Color of axis title'),
      basic('fTitleFont', 'short', 'Font for axis title'),
    ],
  },
  {
    name: 'TAxis', version: 10, checksum: 0x5a496e70, title: 'Axis class',
    elements: [
      base('TNamed'),
      base('TAttAxis'),
      basic('fNbins', 'int', 'Number of bins'),
      basic('fXmin', 'double', 'low edge of first bin'),
      basic('fXmax', 'double', 'upper edge of last bin'),
      any('fXbins', 'TArrayD', 'Bin edges array in X'),
      basic('fFirst', 'int', 'first bin to display'),
      basic('fLast', 'int', 'last bin to display'),
      basic('fBits2', 'unsigned short', 'second bit status word'),
      basic('fTimeDisplay', 'bool', 'on/off displaying time values instead of numerics'),
      tstring('fTimeFormat', 'Date&time format, ex: 09/12/99 12:34:00'),
      pointer('fLabels', 'THashList', 'List of labels'),
      pointer('fModLabs', 'TList', 'List of modified labels'),
    ],
  },
  {
    name: 'TH1', version: 8, checksum: 0x1c3740c4, title: '1-Dim histogram base class',
    elements: [
      base('TNamed'),
      base('TAttLine'),
      base('TAttFill'),
      base('TAttMarker'),
      basic('fNcells', 'int', 'number of bins(1D), cells (2D) +U/Overflows'),
      object('fXaxis', 'TAxis', 216, 'X axis descriptor'),
      object('fYaxis', 'TAxis', 216, 'Y axis descriptor'),
      object('fZaxis', 'TAxis', 216, 'Z axis descriptor'),
      basic('fBarOffset', 'short', '(1000*offset) for bar charts or legos'),
      basic('fBarWidth', 'short', '(1000*width) for bar charts or legos'),
      basic('fEntries', 'double', 'Number of entries'),
      basic('fTsumw', 'double', 'Total Sum of weights'),
      basic('fTsumw2', 'double', 'Total Sum of squares of weights'),
      basic('fTsumwx', 'double', 'Total Sum of weight*X'),
      basic('fTsumwx2', 'double', 'Total Sum of weight*X*X'),
      basic('fMaximum', 'double', 'Maximum value for plotting'),
      basic('fMinimum', 'double', 'Minimum value for plotting'),
      basic('fNormFactor', 'double', 'Normalization factor'),
      any('fContour', 'TArrayD', 'Array to display contour levels'),
      any('fSumw2', 'TArrayD', 'Array of sum of squares of weights'),
      tstring('fOption', 'histogram options'),
      pointer('fFunctions', 'TList', '->Pointer to list of functions (fits and user)'),
      counter('fBufferSize', 'fBuffer size'),
      basicPointer('fBuffer', 'double', '[fBufferSize] entry buffer', 'fBufferSize', 'TH1'),
      basic('fBinStatErrOpt', 'TH1::EBinErrorOpt', 'option for bin statistical errors'),
      basic('fStatOverflows', 'TH1::EStatOverflows', 'per object flag to use under/overflows in statistics'),
    ],
  },
  {
    name: 'TH2', version: 5, checksum: 0x0182347f, title: '2-Dim histogram base class',
    elements: [
      base('TH1'),
      basic('fScalefactor', 'double', 'Scale factor'),
      basic('fTsumwy', 'double', 'Total Sum of weight*Y'),
      basic('fTsumwy2', 'double', 'Total Sum of weight*Y*Y'),
      basic('fTsumwxy', 'double', 'Total Sum of weight*X*Y'),
    ],
  },
  {
    name: 'TH3', version: 6, checksum: 0x42d2445f, title: '3-Dim histogram base class',
    elements: [
      base('TH1'),
      base('TAtt3D'),
      basic('fTsumwy', 'double', 'Total Sum of weight*Y'),
      basic('fTsumwy2', 'double', 'Total Sum of weight*Y*Y'),
      basic('fTsumwxy', 'double', 'Total Sum of weight*X*Y'),
      basic('fTsumwz', 'double', 'Total Sum of weight*Z'),
      basic('fTsumwz2', 'double', 'Total Sum of weight*Z*Z'),
      basic('fTsumwxz', 'double', 'Total Sum of weight*X*Z'),
      basic('fTsumwyz', 'double', 'Total Sum of weight*Y*Z'),
    ],
  },
  ...HISTOGRAMS.map(([name, parent, version, checksum, title, array]): StreamerClass => ({
    name, version, checksum, title, elements: [base(parent), base(array)],
  })),
  {
    name: 'TProfile', version: 7, checksum: 0x4bedee54, title: 'Profile histogram class',
    elements: [
      base('TH1D'),
      any('fBinEntries', 'TArrayD', 'number of entries per bin'),
      basic('fErrorMode', 'EErrorType', 'Option to compute errors'),
      basic('fYmin', 'double', 'Lower limit in Y (if set)'),
      basic('fYmax', 'double', 'Upper limit in Y (if set)'),
      basic('fTsumwy', 'double', 'Total Sum of weight*Y'),
      basic('fTsumwy2', 'double', 'Total Sum of weight*Y*Y'),
      any('fBinSumw2', 'TArrayD', 'Array of sum of squares of weights per bin'),
    ],
  },
  {
    name: 'TProfile2D', version: 8, checksum: 0x36a142ac, title: 'Profile2D histogram class',
    elements: [
      base('TH2D'),
      any('fBinEntries', 'TArrayD', 'number of entries per bin'),
      basic('fErrorMode', 'EErrorType', 'Option to compute errors'),
      basic('fZmin', 'double', 'Lower limit in Z (if set)'),
      basic('fZmax', 'double', 'Upper limit in Z (if set)'),
      basic('fTsumwz', 'double', 'Total Sum of weight*Z'),
      basic('fTsumwz2', 'double', 'Total Sum of weight*Z*Z'),
      any('fBinSumw2', 'TArrayD', 'Array of sum of squares of weights per bin'),
    ],
  },
];

/** Every class hist-serial can describe, by name (ROOT 6 versions and checksums). */
export const STREAMER_CLASSES: ReadonlyMap<string, StreamerClass> = new Map(CLASSES.map((c) => [c.name, c]));

/**
 * The table entry of `name` (a programming error if it is missing).
 *
 * @example
 * ```ts
 * streamerClass('TH1').version; // 8
 * ```
 */
export function streamerClass(name: string): StreamerClass {
  const c = STREAMER_CLASSES.get(name);
  if (!c) throw new Error(`hist-serial bug: no streamer info for class ${name}`);
  return c;
}

/** The classes a member of this type names (`TList*` → TList; basic types and enumerations → none). */
function referencedClass(e: StreamerElement): string | undefined {
  if (e.kind === 'base') return e.name;
  if (e.kind === 'basic' || e.kind === 'basicPointer') return undefined;
  return e.typeName.replace(/\*$/, '');
}

/**
 * The streamer infos needed to read objects of `roots`: those classes, their bases and the classes
 * of their members, recursively, bases before the classes built on them.
 *
 * @example
 * ```ts
 * const infos = streamerClosure(['TH1D']); // TObject, TString, TNamed, TAttLine, …, TArrayD, …, THashList, TAxis, TH1, TH1D
 * ```
 */
export function streamerClosure(roots: Iterable<string>): StreamerClass[] {
  const out: StreamerClass[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const c = streamerClass(name);
    for (const e of c.elements) {
      const ref = referencedClass(e);
      if (ref !== undefined) visit(ref);
    }
    out.push(c);
  };
  for (const r of roots) visit(r);
  return out;
}

/**
 * `TStreamerInfo::GetCheckSum` (ROOT's latest variant) over a table entry: a ×3 hash (unsigned
 * 32-bit, bytes taken as signed chars) of the class name, each base's name and checksum, then each
 * member's enumeration flag, name, type name (`long long` spelled `Long64_t`), array dimensions and
 * the `[count]` of its comment.
 *
 * @example
 * ```ts
 * streamerChecksum(streamerClass('TH1D')) === 0xf9b1569f; // true
 * ```
 */
export function streamerChecksum(c: StreamerClass): number {
  let id = 0;
  const add = (n: number): void => {
    id = (Math.imul(id, 3) + n) >>> 0;
  };
  const addString = (s: string): void => {
    for (const byte of new TextEncoder().encode(s)) add(byte < 128 ? byte : byte - 256);
  };
  addString(c.name);
  for (const e of c.elements) {
    if (e.kind !== 'base') continue;
    addString(e.name);
    add(streamerClass(e.name).checksum);
  }
  for (const e of c.elements) {
    if (e.kind === 'base') continue;
    if (e.type === STREAMER_TYPE.int && e.typeName !== 'int') add(1); // an enumeration
    addString(e.name);
    addString(e.typeName === 'long long' ? 'Long64_t' : e.typeName === 'unsigned long long' ? 'ULong64_t' : e.typeName);
    const range = /^[\s*]*\[([^\]]*)\]/.exec(e.title);
    if (range?.[1] !== undefined) addString(range[1]);
  }
  return id;
}

// ---- serialization -------------------------------------------------------------------------------

/** TObject bits ROOT writes for the objects of a streamer-info list (kNotDeleted, kIsOnHeap, BIT(16)). */
const BITS_INFO = 0x03010000;
const BITS_ELEMENT = 0x03000000;
/** The list itself lives on the stack in TFile::WriteStreamerInfo: kNotDeleted only. */
const BITS_LIST = 0x02000000;

/** Versions of the streamer-info classes themselves. */
const VERSION = { TStreamerInfo: 9, TStreamerElement: 4, TStreamerBase: 3, TStreamerOther: 2, TObjArray: 3, TList: 5, TNamed: 1 } as const;

const ELEMENT_CLASS: Readonly<Record<StreamerElementKind, string>> = {
  base: 'TStreamerBase',
  basic: 'TStreamerBasicType',
  string: 'TStreamerString',
  object: 'TStreamerObject',
  any: 'TStreamerObjectAny',
  pointer: 'TStreamerObjectPointer',
  basicPointer: 'TStreamerBasicPointer',
};

function writeNamed(b: RootWriteBuffer, name: string, title: string, bits: number): void {
  const h = b.startVersion(VERSION.TNamed);
  b.tobject(0, bits);
  b.string(name);
  b.string(title);
  b.endVersion(h);
}

function writeElement(b: RootWriteBuffer, e: StreamerElement): void {
  const baseClass = e.kind === 'base' ? streamerClass(e.name) : undefined;
  const h = b.startVersion(VERSION.TStreamerElement);
  writeNamed(b, e.name, baseClass ? baseClass.title : e.title, BITS_ELEMENT);
  b.i32(e.type);
  b.i32(e.size);
  b.i32(0); // fArrayLength
  b.i32(0); // fArrayDim
  // fMaxIndex[5]; a base keeps its class's checksum in the second slot.
  for (let i = 0; i < 5; i++) b.u32(i === 1 && baseClass ? baseClass.checksum : 0);
  b.string(e.typeName);
  b.endVersion(h);
}

function writeStreamerElement(b: RootWriteBuffer, e: StreamerElement): void {
  b.objectAny(ELEMENT_CLASS[e.kind], () => {
    const h = b.startVersion(e.kind === 'base' ? VERSION.TStreamerBase : VERSION.TStreamerOther);
    writeElement(b, e);
    if (e.kind === 'base') b.i32(streamerClass(e.name).version);
    if (e.kind === 'basicPointer') {
      b.i32(streamerClass(e.countClass!).version);
      b.string(e.countName!);
      b.string(e.countClass!);
    }
    b.endVersion(h);
  });
}

function writeStreamerInfo(b: RootWriteBuffer, c: StreamerClass): void {
  b.objectAny('TStreamerInfo', () => {
    const h = b.startVersion(VERSION.TStreamerInfo);
    writeNamed(b, c.name, '', BITS_INFO);
    b.u32(c.checksum);
    b.i32(c.version);
    b.objectAny('TObjArray', () => {
      const a = b.startVersion(VERSION.TObjArray);
      b.tobject(0, BITS_LIST);
      b.string('');
      b.i32(c.elements.length);
      b.i32(0); // fLowerBound
      for (const e of c.elements) writeStreamerElement(b, e);
      b.endVersion(a);
    });
    b.endVersion(h);
  });
}

/**
 * The object of the file's `StreamerInfo` key: a `TList` of one `TStreamerInfo` per class, each
 * with an empty link option, as `TFile::WriteStreamerInfo` writes it (one class map for the whole
 * list: each class name is written once, then referred to).
 *
 * @example
 * ```ts
 * const b = new RootWriteBuffer({ origin: keyLength });
 * writeStreamerInfoList(b, streamerClosure(['TH1D']));
 * ```
 */
export function writeStreamerInfoList(b: RootWriteBuffer, classes: readonly StreamerClass[]): void {
  const h = b.startVersion(VERSION.TList);
  b.tobject(0, BITS_LIST);
  b.string('');
  b.i32(classes.length);
  for (const c of classes) {
    writeStreamerInfo(b, c);
    b.u8(0); // link option ""
  }
  b.endVersion(h);
}
