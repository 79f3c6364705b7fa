/**
 * Reading ROOT files (`TFile`) for their histograms: the file header (small files with 32-bit seeks,
 * and big ones, `fVersion >= 1000000`, with 64-bit seeks), the top directory record, key lists,
 * `TKey` headers (64-bit seeks when the key version is above 1000), subdirectories (`TDirectory`,
 * `TDirectoryFile`, 64-bit when their version is above 1000), and cycles. Objects that are not
 * histograms (TTree, TNtuple, TEfficiency, TF1, TNamed, TParameter, ...) are listed but never read.
 *
 * Every seek is checked against the file size, directories may not contain themselves and are at
 * most {@link ROOT_MAX_DIRECTORY_DEPTH} deep, and an object's declared size is checked against the
 * limits before anything is allocated for it.
 * @module
 */
import { HistSerialError, ParseError } from '../errors.js';
import type { Limits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import { decompressRecord } from './root-decompress.js';
import type { RootHist, RootHistClass } from './root-hist.js';
import { isRootHistClass, readRootHist } from './root-hist-read.js';
import { RootReadBuffer } from './root-read-buffer.js';

/** Deepest directory nesting read. */
export const ROOT_MAX_DIRECTORY_DEPTH = 64;
/** Most keys read from one file (all directories). */
export const ROOT_MAX_KEYS = 1_000_000;
/** `fVersion` at and above which the file header has 64-bit seeks. */
export const ROOT_BIG_FILE_VERSION = 1_000_000;
/** Key and directory versions above this have 64-bit seeks. */
export const ROOT_BIG_RECORD_VERSION = 1000;
/** Bytes of the smallest key header: 7 numbers of 32-bit seeks and three empty strings. */
const MIN_KEY_BYTES = 4 + 2 + 4 + 4 + 2 + 2 + 4 + 4 + 3;
/** Bytes of the smallest file header, up to fNbytesInfo (small files). */
const MIN_HEADER_BYTES = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 4 + 4 + 4;

const DIRECTORY_CLASSES: ReadonlySet<string> = new Set(['TDirectory', 'TDirectoryFile']);

/** The `TFile` header. */
export interface RootFileHeader {
  /** fVersion as stored (ROOT version, + 1000000 for big files). */
  fVersion: number;
  /** The ROOT version that wrote the file (`fVersion % 1000000`, e.g. 62400 for 6.24/00). */
  rootVersion: number;
  /** Seeks are 64-bit. */
  big: boolean;
  fBEGIN: number;
  fEND: number;
  fSeekFree: number;
  fNbytesFree: number;
  nfree: number;
  fNbytesName: number;
  fUnits: number;
  /** 100 × algorithm + level (1 zlib, 2 lzma, 4 lz4, 5 zstd), or 0..9 for zlib in old files. */
  fCompress: number;
  fSeekInfo: number;
  fNbytesInfo: number;
}

/** One key of a directory (one cycle of one object). */
export interface RootKeyInfo {
  /** `dir/sub/name` (directories joined by `/`, no cycle). */
  path: string;
  /** The directory holding the key, `''` for the top one. */
  directory: string;
  name: string;
  title: string;
  className: string;
  cycle: number;
  /** Uncompressed object bytes. */
  objlen: number;
  /** Bytes of the key header plus the (compressed) object. */
  nbytes: number;
  keylen: number;
  seekKey: number;
  /** Is this a histogram class the reader reads? */
  histogram: boolean;
  /** Is this a subdirectory? */
  directoryKey: boolean;
}

/** Options of {@link readRootHistograms} and {@link listRootKeys}. */
export interface RootReadOptions {
  limits: Limits;
  /** File name, for messages and errors. */
  file?: string;
  /**
   * A path inside the file: `dir/sub/name`, `name;2` (a cycle), or a directory (every histogram
   * under it). Absent or empty: the whole file.
   */
  location?: string;
  /** Verify lz4 checksums (default true). */
  verifyChecksums?: boolean;
}

/**
 * Parse the file header at the start of `bytes` (49 bytes for small files, 57 for big ones).
 *
 * @example
 * ```ts
 * const { rootVersion, big, fCompress } = parseRootFileHeader(bytes); // 62400, false, 101
 * ```
 */
export function parseRootFileHeader(bytes: Uint8Array): RootFileHeader {
  if (bytes.length < 4 || bytes[0] !== 0x72 || bytes[1] !== 0x6f || bytes[2] !== 0x6f || bytes[3] !== 0x74) {
    throw new ParseError(MESSAGES.rootReadMagic());
  }
  if (bytes.length < MIN_HEADER_BYTES) {
    throw new ParseError(MESSAGES.truncated('ROOT file header', MIN_HEADER_BYTES, bytes.length));
  }
  const buf = new RootReadBuffer(bytes, { where: 'the file header' });
  buf.skip(4, 'the magic bytes');
  const fVersion = buf.i32('fVersion');
  const big = fVersion >= ROOT_BIG_FILE_VERSION;
  const seek = (what: string) => (big ? buf.i64(what) : buf.u32(what));
  const fBEGIN = buf.i32('fBEGIN');
  const fEND = seek('fEND');
  const fSeekFree = seek('fSeekFree');
  const fNbytesFree = buf.i32('fNbytesFree');
  const nfree = buf.i32('nfree');
  const fNbytesName = buf.i32('fNbytesName');
  const fUnits = buf.u8('fUnits');
  const fCompress = buf.i32('fCompress');
  const fSeekInfo = seek('fSeekInfo');
  const fNbytesInfo = buf.i32('fNbytesInfo');
  if (fVersion <= 0) throw new ParseError(MESSAGES.rootReadHeader(`fVersion is ${fVersion}`));
  if (fBEGIN < buf.pos || fNbytesName <= 0) throw new ParseError(MESSAGES.rootReadHeader(`fBEGIN ${fBEGIN} / fNbytesName ${fNbytesName} cannot hold the top directory`));
  if (fUnits !== 4 && fUnits !== 8) throw new ParseError(MESSAGES.rootReadHeader(`fUnits is ${fUnits}, expected 4 or 8`));
  return {
    fVersion,
    rootVersion: fVersion % ROOT_BIG_FILE_VERSION,
    big,
    fBEGIN,
    fEND,
    fSeekFree,
    fNbytesFree,
    nfree,
    fNbytesName,
    fUnits,
    fCompress,
    fSeekInfo,
    fNbytesInfo,
  };
}

/** A directory record (`TDirectory::Streamer` on disk). */
interface DirectoryRecord {
  fVersion: number;
  fNbytesKeys: number;
  fNbytesName: number;
  fSeekDir: number;
  fSeekParent: number;
  fSeekKeys: number;
}

/** Everything read from one file. */
interface FileContext {
  bytes: Uint8Array;
  header: RootFileHeader;
  options: RootReadOptions;
  /** Keys read so far (all directories), against {@link ROOT_MAX_KEYS}. */
  keyCount: number;
  /** Key-list seeks of the directories being read (loops). */
  open: Set<number>;
}

function checkRange(ctx: FileContext, what: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > ctx.bytes.length) {
    throw new ParseError(MESSAGES.rootReadSeek(what, offset, length, ctx.bytes.length));
  }
}

function readDirectoryRecord(ctx: FileContext, at: number, where: string): DirectoryRecord {
  checkRange(ctx, `the directory record of ${where}`, at, 2);
  const buf = new RootReadBuffer(ctx.bytes, { where: `the directory record of ${where}` });
  buf.seek(at, `the directory record of ${where}`);
  const fVersion = buf.i16('TDirectory::fVersion');
  buf.u32('TDirectory::fDatimeC');
  buf.u32('TDirectory::fDatimeM');
  const fNbytesKeys = buf.i32('TDirectory::fNbytesKeys');
  const fNbytesName = buf.i32('TDirectory::fNbytesName');
  const big = fVersion > ROOT_BIG_RECORD_VERSION;
  const seek = (what: string) => (big ? buf.i64(what) : buf.u32(what));
  const fSeekDir = seek('TDirectory::fSeekDir');
  const fSeekParent = seek('TDirectory::fSeekParent');
  const fSeekKeys = seek('TDirectory::fSeekKeys');
  return { fVersion, fNbytesKeys, fNbytesName, fSeekDir, fSeekParent, fSeekKeys };
}

/** A TKey header at the cursor. */
function readKeyHeader(buf: RootReadBuffer): Omit<RootKeyInfo, 'path' | 'directory' | 'histogram' | 'directoryKey'> {
  const start = buf.pos;
  const nbytes = buf.i32('TKey::fNbytes');
  const version = buf.i16('TKey::fVersion');
  const objlen = buf.i32('TKey::fObjlen');
  buf.u32('TKey::fDatime');
  const keylen = buf.i16('TKey::fKeylen');
  const cycle = buf.i16('TKey::fCycle');
  const big = version > ROOT_BIG_RECORD_VERSION;
  const seekKey = big ? buf.i64('TKey::fSeekKey') : buf.u32('TKey::fSeekKey');
  if (big) buf.i64('TKey::fSeekPdir');
  else buf.u32('TKey::fSeekPdir');
  const className = buf.string('TKey::fClassName');
  const name = buf.string('TKey::fName');
  const title = buf.string('TKey::fTitle');
  // fKeylen is that of the key header in front of the object, which may differ from this copy's
  // length (ROOT 5 lists subdirectories as TDirectoryFile but writes TDirectory in front of them).
  if (keylen < MIN_KEY_BYTES || nbytes < keylen || objlen < 0) {
    throw buf.corrupt(`key ${JSON.stringify(name)} at byte ${start} has fNbytes ${nbytes}, fKeylen ${keylen}, fObjlen ${objlen}`);
  }
  return { name, title, className, cycle, objlen, nbytes, keylen, seekKey };
}

/** The keys of the directory whose record is `dir`, in file order. */
function readKeyList(ctx: FileContext, dir: DirectoryRecord, path: string): RootKeyInfo[] {
  if (dir.fSeekKeys === 0) return [];
  const where = path === '' ? 'the key list of the top directory' : `the key list of directory ${JSON.stringify(path)}`;
  checkRange(ctx, where, dir.fSeekKeys, MIN_KEY_BYTES + 4);
  const buf = new RootReadBuffer(ctx.bytes, { where });
  buf.seek(dir.fSeekKeys, where);
  readKeyHeader(buf);
  const n = buf.i32('the number of keys');
  if (n < 0 || n * MIN_KEY_BYTES > buf.remaining) throw buf.corrupt(`it claims ${n} keys in ${buf.remaining} bytes`);
  ctx.keyCount += n;
  if (ctx.keyCount > ROOT_MAX_KEYS) throw new ParseError(MESSAGES.rootReadTooManyKeys(ROOT_MAX_KEYS));
  const keys: RootKeyInfo[] = [];
  for (let i = 0; i < n; i++) {
    const k = readKeyHeader(buf);
    keys.push({
      ...k,
      path: path === '' ? k.name : `${path}/${k.name}`,
      directory: path,
      histogram: isRootHistClass(k.className),
      directoryKey: DIRECTORY_CLASSES.has(k.className),
    });
  }
  return keys;
}

/** The directory record of a subdirectory key (its object, never compressed). */
function subdirectoryRecord(ctx: FileContext, key: RootKeyInfo): DirectoryRecord {
  const where = `directory ${JSON.stringify(key.path)}`;
  checkRange(ctx, where, key.seekKey, key.nbytes);
  return readDirectoryRecord(ctx, key.seekKey + key.keylen, where);
}

function openFile(bytes: Uint8Array, options: RootReadOptions): FileContext {
  if (bytes.length > options.limits.maxInputBytes) {
    throw new HistSerialError('LIMIT_EXCEEDED', MESSAGES.inputTooLarge(bytes.length, options.limits.maxInputBytes));
  }
  const header = parseRootFileHeader(bytes);
  if (header.fEND > bytes.length) throw new ParseError(MESSAGES.rootReadTruncated(header.fEND, bytes.length));
  return { bytes, header, options, keyCount: 0, open: new Set() };
}

function topDirectory(ctx: FileContext): DirectoryRecord {
  return readDirectoryRecord(ctx, ctx.header.fBEGIN + ctx.header.fNbytesName, 'the top directory');
}

/** Walk a directory tree depth-first, calling `visit` for every key (all cycles). */
function walk(ctx: FileContext, dir: DirectoryRecord, path: string, depth: number, visit: (key: RootKeyInfo) => void): void {
  if (depth > ROOT_MAX_DIRECTORY_DEPTH) throw new ParseError(MESSAGES.rootReadTooDeep(ROOT_MAX_DIRECTORY_DEPTH, path));
  if (ctx.open.has(dir.fSeekKeys)) throw new ParseError(MESSAGES.rootReadDirectoryLoop(path));
  ctx.open.add(dir.fSeekKeys);
  for (const key of readKeyList(ctx, dir, path)) {
    visit(key);
    if (key.directoryKey) walk(ctx, subdirectoryRecord(ctx, key), key.path, depth + 1, visit);
  }
  ctx.open.delete(dir.fSeekKeys);
}

/**
 * Every key of the file, all directories and cycles, in file order (a directory's keys follow its
 * own key). Cheap: reads key headers only.
 *
 * @example
 * ```ts
 * for (const k of listRootKeys(bytes, { limits: DEFAULT_LIMITS })) console.log(k.path, k.cycle, k.className);
 * ```
 */
export function listRootKeys(bytes: Uint8Array, options: RootReadOptions): RootKeyInfo[] {
  return withContext(options, () => {
    const ctx = openFile(bytes, options);
    const keys: RootKeyInfo[] = [];
    walk(ctx, topDirectory(ctx), '', 0, (k) => keys.push(k));
    return keys;
  });
}

/** Keep the highest cycle of each name (in the order the names first appear). */
function highestCycles(keys: readonly RootKeyInfo[]): RootKeyInfo[] {
  const best = new Map<string, RootKeyInfo>();
  for (const k of keys) {
    const seen = best.get(k.name);
    if (seen === undefined || k.cycle > seen.cycle) best.set(k.name, k);
  }
  return keys.filter((k) => best.get(k.name) === k);
}

/** The histogram keys under a directory (highest cycles, recursively). */
function histogramKeys(ctx: FileContext, dir: DirectoryRecord, path: string, depth: number, out: RootKeyInfo[]): void {
  if (depth > ROOT_MAX_DIRECTORY_DEPTH) throw new ParseError(MESSAGES.rootReadTooDeep(ROOT_MAX_DIRECTORY_DEPTH, path));
  if (ctx.open.has(dir.fSeekKeys)) throw new ParseError(MESSAGES.rootReadDirectoryLoop(path));
  ctx.open.add(dir.fSeekKeys);
  for (const key of highestCycles(readKeyList(ctx, dir, path))) {
    if (key.histogram) out.push(key);
    else if (key.directoryKey) histogramKeys(ctx, subdirectoryRecord(ctx, key), key.path, depth + 1, out);
  }
  ctx.open.delete(dir.fSeekKeys);
}

/** `name;2` → name and cycle. */
function splitCycle(part: string): { name: string; cycle: number | null } {
  const m = /^(.*);(\d+)$/.exec(part);
  return m ? { name: m[1]!, cycle: Number(m[2]) } : { name: part, cycle: null };
}

/** Resolve a location to the histogram keys it addresses. */
function resolveLocation(ctx: FileContext, location: string): RootKeyInfo[] {
  const trimmed = location.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') {
    const out: RootKeyInfo[] = [];
    histogramKeys(ctx, topDirectory(ctx), '', 0, out);
    return out;
  }
  const parts = trimmed.split('/');
  if (parts.length > ROOT_MAX_DIRECTORY_DEPTH + 1 || parts.some((p) => p === '')) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootReadBadLocation(location));
  }
  let dir = topDirectory(ctx);
  let path = '';
  for (let i = 0; i < parts.length; i++) {
    const { name, cycle } = splitCycle(parts[i]!);
    const keys = readKeyList(ctx, dir, path);
    const named = keys.filter((k) => k.name === name && (cycle === null || k.cycle === cycle));
    const last = i === parts.length - 1;
    const candidates = last ? named : named.filter((k) => k.directoryKey);
    if (candidates.length === 0) {
      const available = highestCycles(keys).map((k) => `${k.name};${k.cycle} (${k.className})`);
      throw new HistSerialError('NOT_FOUND', MESSAGES.rootReadNotFound(location, path, available));
    }
    const key = candidates.reduce((a, b) => (b.cycle > a.cycle ? b : a));
    if (key.directoryKey) {
      dir = subdirectoryRecord(ctx, key);
      path = key.path;
      if (last) {
        const out: RootKeyInfo[] = [];
        histogramKeys(ctx, dir, path, i + 1, out);
        return out;
      }
    } else if (key.histogram) {
      return [key];
    } else {
      throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootReadNotHistogram(`${key.path};${key.cycle}`, key.className));
    }
  }
  /* c8 ignore next */
  return [];
}

/** Read the object of a histogram key. */
async function readHistogramKey(ctx: FileContext, key: RootKeyInfo): Promise<RootHist> {
  const where = `key ${JSON.stringify(`${key.path};${key.cycle}`)}${ctx.options.file === undefined ? '' : ` of ${ctx.options.file}`}`;
  checkRange(ctx, where, key.seekKey, key.nbytes);
  const record = ctx.bytes.subarray(key.seekKey + key.keylen, key.seekKey + key.nbytes);
  const object = await decompressRecord(record, key.objlen, {
    where,
    limits: ctx.options.limits,
    verifyChecksums: ctx.options.verifyChecksums !== false,
  });
  const buf = new RootReadBuffer(object, { origin: key.keylen, where });
  const hist = readRootHist(buf, key.className as RootHistClass, { path: key.path, cycle: key.cycle });
  if (buf.pos !== buf.length) throw buf.corrupt(`${buf.length - buf.pos} bytes follow the ${key.className} object`);
  return hist;
}

/**
 * Every TH1*, TH2*, TH3*, TProfile and TProfile2D of a ROOT file (all directories, the highest cycle
 * of each name), or those `options.location` addresses: `dir/sub/name`, `name;2`, or a directory
 * (everything under it). Other objects are skipped unread. An unknown location throws NOT_FOUND
 * listing what the directory holds; a location naming another class throws UNSUPPORTED_OPERATION.
 *
 * @example
 * ```ts
 * const hists = await readRootHistograms(readFileSync('f.root'), { limits: DEFAULT_LIMITS, location: 'dir/h' });
 * hists[0].cells; // fArray, flow bins included
 * ```
 */
export async function readRootHistograms(bytes: Uint8Array, options: RootReadOptions): Promise<RootHist[]> {
  return withContextAsync(options, async () => {
    const ctx = openFile(bytes, options);
    const keys = resolveLocation(ctx, options.location ?? '');
    const out: RootHist[] = [];
    for (const key of keys) out.push(await readHistogramKey(ctx, key));
    return out;
  });
}

/** Give every error the file and codec, with a path naming the key; turn stray JS errors into PARSE. */
function decorate(err: unknown, options: RootReadOptions): unknown {
  if (err instanceof HistSerialError) {
    err.file ??= options.file;
    err.codec ??= 'root';
    return err;
  }
  if (err instanceof RangeError || err instanceof TypeError) {
    return new ParseError(MESSAGES.rootReadKey(options.file ?? 'file', `unreadable data (${err.message})`), { file: options.file, codec: 'root', cause: err });
  }
  return err;
}

function withContext<T>(options: RootReadOptions, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw decorate(err, options);
  }
}

async function withContextAsync<T>(options: RootReadOptions, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw decorate(err, options);
  }
}
