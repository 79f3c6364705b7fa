/**
 * Writing ROOT files from {@link RootHist} objects, without ROOT: the file header, the top directory
 * (the TFile record), one TKey record per histogram (zlib-compressed in ROOT's blocks), the
 * subdirectories their paths name, each directory's list of keys, the `StreamerInfo` list, the free
 * segments record, in this order:
 *
 * ```
 * 0        file header ("root", fVersion, fBEGIN = 100, fEND, fSeekFree, …, fSeekInfo, fUUID)
 * 100      TFile record: key, fName, fTitle, TDirectory header (fSeekKeys … patched at the end)
 * …        per histogram in input order: its directories' records the first time they are needed
 *          (key "TDirectory" + TDirectory header), then the histogram's key + object
 * …        per directory (top first): the keys list (a key, then nkeys and every key header)
 * …        the StreamerInfo key (TList of TStreamerInfo, compressed)
 * fSeekFree the free segments record (one TFree: fEND to 2000000000), then fEND
 * ```
 *
 * Layout choices: file format version {@link ROOT_FILE_VERSION} (ROOT 6.26/06, whose class versions
 * the streamer infos describe); zlib level 1 by default (fCompress 101, ROOT's default); each object
 * compressed in blocks of at most 0xFFFFFF bytes, each with ROOT's 9-byte header (`ZL`, method 8,
 * 3-byte little-endian compressed and uncompressed sizes), and stored uncompressed when it has at
 * most 256 bytes or when a block does not shrink, as ROOT does. Keys and directories switch to
 * 64-bit seeks (key version 1004, directory 1005) once they lie past 2,000,000,000 bytes
 * (`kStartBigFile`), and the header too (fVersion + 1000000, fUnits 8) when the file ends there.
 * Dates (TDatime) and UUIDs are fixed or derived from the content, so the same histograms give the
 * same bytes. No object may exceed ROOT's 1 GiB byte-count limit: this is checked for every
 * histogram, from array lengths, before anything is serialized.
 *
 * ```ts
 * const chunks = writeRootFile([h1, h2], { compression: 'zlib' });
 * await writeFile('out.root', chunks);
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { HistSerialError, LimitError, pointer } from '../errors.js';
import { MESSAGES } from '../messages.js';
import type { RootHist } from './root-hist.js';
import { checkRootHist, histPointer, rootHistBytes, rootHistClasses, writeRootHist } from './root-hist-write.js';
import { streamerClosure, writeStreamerInfoList } from './root-streamer-info.js';
import { MAX_BYTE_COUNT, RootWriteBuffer } from './root-write-buffer.js';

/** fVersion written to the file header: ROOT 6.26/06 (the streamer infos are those ROOT 6.22 to 6.26 write). */
export const ROOT_FILE_VERSION = 62606;
/** `kStartBigFile`: records past this offset use 64-bit seeks. */
export const ROOT_BIG_FILE = 2_000_000_000;
/** `kMAXZIPBUF`: the most bytes one compressed block holds uncompressed. */
export const ROOT_MAX_BLOCK = 0xffffff;
/**
 * The largest object (bytes after its key) ROOT can write or read: its outermost byte count, the
 * object's length less 4 bytes, must not pass `kMaxMapCount` (0x3FFFFFFE).
 */
export const ROOT_MAX_OBJECT_BYTES = MAX_BYTE_COUNT + 4;

const BEGIN = 100;
const KEY_VERSION = 4;
const DIRECTORY_VERSION = 5;
const FREE_VERSION = 1;
/** TDirectoryFile::Sizeof(): the directory header, with room for 64-bit seeks. */
const DIRECTORY_BYTES = 60;
/** ROOT does not compress objects of this many bytes or fewer. */
const COMPRESS_ABOVE = 256;
/** TKey::fKeylen is a Short_t. */
const MAX_KEY_BYTES = 32767;
const ZLIB = 1;
/** Small records are gathered into output chunks of about this size. */
const COALESCE_BYTES = 1 << 20;
const utf8 = new TextEncoder();

/** Options of {@link writeRootFile}. */
export interface RootFileWriteOptions {
  /** `zlib` (default) or `none`. */
  compression?: 'zlib' | 'none';
  /** zlib level 1–9 (default 1: fCompress 101, ROOT's default setting). */
  level?: number;
  /** fName of the TFile record (ROOT writes the path it was opened with); default empty. */
  fileName?: string;
  /** fTitle of the file; default empty. */
  title?: string;
  /** Date of every key and directory (default 1995-01-01 00:00:00 UTC, TDatime's first, for reproducible files). */
  date?: Date;
  /** Refuse objects larger than this many bytes (default and maximum {@link ROOT_MAX_OBJECT_BYTES}; lower it in tests). */
  maxObjectBytes?: number;
  /** @internal Write 64-bit seeks everywhere even when the file is small (tests of the large-file layout). */
  forceLargeFile?: boolean;
}

interface Settings {
  compress: boolean;
  level: number;
  datime: number;
  force: boolean;
}

/** One key as it appears in its record and in its directory's keys list. */
interface Key {
  className: Uint8Array;
  name: Uint8Array;
  title: Uint8Array;
  cycle: number;
  seekKey: number;
  seekPdir: number;
  objlen: number;
  /** Bytes of the record on disk: key + (compressed) object. */
  nbytes: number;
  keylen: number;
  big: boolean;
}

interface Directory {
  /** Path from the top ('' for the top directory). */
  path: string;
  name: string;
  parent: Directory | undefined;
  /** The directory's own key (subdirectories), in the parent's keys list. */
  key: Key | undefined;
  /** fSeekDir: the TFile record (top) or the directory's key. */
  seekDir: number;
  /** fNbytesName: the key length, plus fName and fTitle for the top directory. */
  nbytesName: number;
  /** The record holding the directory header, patched when the keys list is known. */
  record: Uint8Array;
  /** Offset of the directory header in `record`. */
  headerAt: number;
  keys: Key[];
  names: Map<string, 'directory' | 'object'>;
  cycles: Map<string, Set<number>>;
  seekKeys: number;
  nbytesKeys: number;
  uuid: Uint8Array;
}

function tstringBytes(b: Uint8Array): number {
  return (b.length < 255 ? 1 : 5) + b.length;
}

function keyLength(className: Uint8Array, name: Uint8Array, title: Uint8Array, big: boolean): number {
  return (big ? 34 : 26) + tstringBytes(className) + tstringBytes(name) + tstringBytes(title);
}

/** TDatime: seconds 0–5, minutes 6–11, hours 12–16, day 17–21, month 22–25, year − 1995 from bit 26 (UTC here). */
function datime(d: Date): number {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1995), 1995 + 63);
  return (((year - 1995) << 26) | ((d.getUTCMonth() + 1) << 22) | (d.getUTCDate() << 17) | (d.getUTCHours() << 12) | (d.getUTCMinutes() << 6) | d.getUTCSeconds()) >>> 0;
}

/** A UUID derived from `seed` (SHA-1, RFC 4122 version 5 bits), as TUUID streams it: version 1, then 16 bytes. */
function uuidFrom(seed: string): Uint8Array {
  const h = createHash('sha1').update(seed).digest();
  const u = new Uint8Array(18);
  u[1] = 1;
  u.set(h.subarray(0, 16), 2);
  u[2 + 6] = (u[2 + 6]! & 0x0f) | 0x50;
  u[2 + 8] = (u[2 + 8]! & 0x3f) | 0x80;
  return u;
}

function checkOptions(options: RootFileWriteOptions): Settings & { maxObjectBytes: number } {
  const compression = options.compression ?? 'zlib';
  if (compression !== 'zlib' && compression !== 'none') {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('compression', compression, '"zlib" or "none"'));
  }
  const level = options.level ?? 1;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('level', level, 'an integer from 1 to 9'));
  const maxObjectBytes = options.maxObjectBytes ?? ROOT_MAX_OBJECT_BYTES;
  if (!Number.isInteger(maxObjectBytes) || maxObjectBytes < 1 || maxObjectBytes > ROOT_MAX_OBJECT_BYTES) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('maxObjectBytes', maxObjectBytes, `an integer from 1 to ${ROOT_MAX_OBJECT_BYTES}`));
  }
  const date = options.date ?? new Date(Date.UTC(1995, 0, 1));
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('date', String(date), 'a valid Date'));
  return { compress: compression === 'zlib', level, datime: datime(date), force: options.forceLargeFile === true, maxObjectBytes };
}

/** Write a key header (TKey::Streamer) into `b`. */
function writeKey(b: RootWriteBuffer, k: Key, datimeValue: number): void {
  b.i32(k.nbytes);
  b.i16(KEY_VERSION + (k.big ? 1000 : 0));
  b.i32(k.objlen);
  b.u32(datimeValue);
  b.i16(k.keylen);
  b.i16(k.cycle);
  if (k.big) {
    b.i64(k.seekKey);
    b.i64(k.seekPdir);
  } else {
    b.i32(k.seekKey);
    b.i32(k.seekPdir);
  }
  b.string(k.className);
  b.string(k.name);
  b.string(k.title);
}

function keyBytes(k: Key, datimeValue: number): Uint8Array {
  const b = new RootWriteBuffer();
  writeKey(b, k, datimeValue);
  return concat(b.finish(), k.keylen);
}

function concat(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1 && (total === undefined || chunks[0]!.length === total)) return chunks[0]!;
  const out = new Uint8Array(total ?? chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** The bytes of a chunk list in blocks of `size` (the last one shorter), copied only when a block spans chunks. */
function* blocks(chunks: readonly Uint8Array[], size: number): Generator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(size - pendingBytes, chunk.length - at);
      pending.push(chunk.subarray(at, at + take));
      pendingBytes += take;
      at += take;
      if (pendingBytes === size) {
        yield concat(pending, size);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield concat(pending, pendingBytes);
}

/**
 * ROOT's compressed form of an object (`ZL` blocks), or undefined when it is to be stored as is:
 * objects of at most 256 bytes, and objects with a block that zlib does not shrink.
 *
 * @example
 * ```ts
 * const blocks = compressRootObject(objectChunks, objlen, 1) ?? objectChunks;
 * ```
 */
export function compressRootObject(chunks: readonly Uint8Array[], objlen: number, level: number): Uint8Array[] | undefined {
  if (objlen <= COMPRESS_ABOVE) return undefined;
  const out: Uint8Array[] = [];
  for (const block of blocks(chunks, ROOT_MAX_BLOCK)) {
    const z = deflateSync(block, { level });
    if (z.length + 9 >= block.length) return undefined;
    const header = new Uint8Array(9);
    header[0] = 0x5a; // 'Z'
    header[1] = 0x4c; // 'L'
    header[2] = 8; // Z_DEFLATED
    for (let i = 0; i < 3; i++) {
      header[3 + i] = (z.length >>> (8 * i)) & 0xff;
      header[6 + i] = (block.length >>> (8 * i)) & 0xff;
    }
    out.push(header, new Uint8Array(z.buffer, z.byteOffset, z.length));
  }
  return out;
}

/** Split `path` into directory names and the key name; throws on empty parts. */
function splitPath(h: RootHist): { dirs: string[]; name: string } {
  const where = histPointer(h);
  if (typeof h.path !== 'string') throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteKeyPath(where, h.path, MESSAGES.rootWriteEmptyPathPart()), { path: pointer(where, 'path'), codec: 'root' });
  const parts = h.path.replace(/^\/+/, '').split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteKeyPath(where, h.path, MESSAGES.rootWriteEmptyPathPart()), { path: pointer(where, 'path'), codec: 'root' });
  }
  return { dirs: parts.slice(0, -1), name: parts[parts.length - 1]! };
}

/** Gathers the file's chunks, merging small ones, and knows the position of the next byte. */
class Output {
  readonly chunks: Uint8Array[] = [];
  position = 0;
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.position += chunk.length;
  }
  /** The chunks, runs of small ones copied together (call after every placeholder is filled). */
  coalesced(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let run: Uint8Array[] = [];
    let runBytes = 0;
    const flush = () => {
      if (run.length) out.push(concat(run, runBytes));
      run = [];
      runBytes = 0;
    };
    for (const c of this.chunks) {
      if (c.length >= COALESCE_BYTES) {
        flush();
        out.push(c);
        continue;
      }
      run.push(c);
      runBytes += c.length;
      if (runBytes >= COALESCE_BYTES) flush();
    }
    flush();
    return out;
  }
}

/**
 * Write `hists` as a complete ROOT file. Returns the file as chunks (write them in order; their
 * total may pass 2 GiB). Every histogram is checked (class, axes, array types and lengths, the
 * 1 GiB object limit) before anything is serialized.
 *
 * @throws HistSerialError INVALID_ARGUMENT (bad histogram, path, cycle or option),
 *   UNSUPPORTED_OPERATION (a class hist-serial does not write), LimitError LIMIT_EXCEEDED (an object
 *   larger than ROOT can store).
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('hists.root', writeRootFile(hists, { compression: 'zlib', level: 1 }));
 * ```
 */
export function writeRootFile(hists: readonly RootHist[], options: RootFileWriteOptions = {}): Uint8Array[] {
  const settings = checkOptions(options);
  const fileName = utf8.encode(options.fileName ?? '');
  const fileTitle = utf8.encode(options.title ?? '');

  // Check everything first, sizes included, so nothing large is built for a file that fails.
  const placed = hists.map((h) => {
    checkRootHist(h);
    const { dirs, name } = splitPath(h);
    const cycle = h.cycle ?? 0;
    if (!Number.isInteger(cycle) || cycle < 0 || cycle > 32767) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteCycle(histPointer(h), cycle), { path: pointer(histPointer(h), 'cycle'), codec: 'root' });
    }
    const bytes = rootHistBytes(h);
    if (bytes > settings.maxObjectBytes) {
      throw new LimitError(MESSAGES.rootWriteTooLarge(histPointer(h), bytes, settings.maxObjectBytes), { path: histPointer(h), codec: 'root' });
    }
    return { hist: h, dirs, name, cycle };
  });
  const classes = streamerClosure(['TList', ...new Set(hists.flatMap(rootHistClasses))]);
  const seedBase = `${options.fileName ?? ''}\0${hists.map((h) => `${h.path};${h.cycle}:${h.className}`).join('\0')}`;

  const out = new Output();
  const header = new Uint8Array(BEGIN);
  out.push(header);

  // The TFile record: key, fName, fTitle, then the top directory's header (filled at the end).
  const topBig = settings.force;
  const topKey: Key = {
    className: utf8.encode('TFile'), name: fileName, title: fileTitle, cycle: 1, seekKey: BEGIN, seekPdir: 0,
    objlen: 0, nbytes: 0, keylen: 0, big: topBig,
  };
  topKey.keylen = keyLength(topKey.className, topKey.name, topKey.title, topBig);
  const namedBytes = tstringBytes(fileName) + tstringBytes(fileTitle);
  topKey.objlen = namedBytes + DIRECTORY_BYTES;
  topKey.nbytes = topKey.keylen + topKey.objlen;
  checkKeyLength(topKey.keylen, 'TFile');
  const topRecord = new Uint8Array(topKey.nbytes);
  out.push(topRecord);
  const top: Directory = {
    path: '', name: '', parent: undefined, key: topKey, seekDir: BEGIN, nbytesName: topKey.keylen + namedBytes,
    record: topRecord, headerAt: topKey.keylen + namedBytes, keys: [], names: new Map(), cycles: new Map(),
    seekKeys: 0, nbytesKeys: 0, uuid: uuidFrom(seedBase),
  };
  const directories: Directory[] = [top];
  const byPath = new Map<string, Directory>([['', top]]);

  const isBig = (seekKey: number, seekPdir: number) => settings.force || seekKey >= ROOT_BIG_FILE || seekPdir >= ROOT_BIG_FILE;
  const nextCycle = (dir: Directory, name: string, wanted: number, where: string): number => {
    const used = dir.cycles.get(name) ?? new Set<number>();
    dir.cycles.set(name, used);
    const cycle = wanted === 0 ? Math.max(0, ...used) + 1 : wanted;
    const keyPath = dir.path ? `${dir.path}/${name}` : name;
    if (used.has(cycle) || cycle > 32767) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteDuplicateKey(keyPath, cycle), { path: where, codec: 'root' });
    used.add(cycle);
    return cycle;
  };
  const claim = (dir: Directory, name: string, kind: 'directory' | 'object', where: string): void => {
    const had = dir.names.get(name);
    if (had !== undefined && had !== kind) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteKeyClash(dir.path ? `${dir.path}/${name}` : name), { path: where, codec: 'root' });
    }
    dir.names.set(name, kind);
  };

  /** The directory at `dirs`, writing the records of those that do not exist yet. */
  const directory = (dirs: readonly string[], where: string): Directory => {
    let dir = top;
    for (const name of dirs) {
      const path = dir.path ? `${dir.path}/${name}` : name;
      let sub = byPath.get(path);
      if (!sub) {
        claim(dir, name, 'directory', where);
        const nameBytes = utf8.encode(name);
        const seekKey = out.position;
        const big = isBig(seekKey, dir.seekDir);
        const key: Key = {
          className: utf8.encode('TDirectory'), name: nameBytes, title: nameBytes, cycle: nextCycle(dir, name, 0, where),
          seekKey, seekPdir: dir.seekDir, objlen: DIRECTORY_BYTES, nbytes: 0, keylen: keyLength(utf8.encode('TDirectory'), nameBytes, nameBytes, big), big,
        };
        checkKeyLength(key.keylen, where);
        key.nbytes = key.keylen + DIRECTORY_BYTES;
        const record = new Uint8Array(key.nbytes);
        out.push(record);
        sub = {
          path, name, parent: dir, key, seekDir: seekKey, nbytesName: key.keylen, record, headerAt: key.keylen, keys: [],
          names: new Map(), cycles: new Map(), seekKeys: 0, nbytesKeys: 0, uuid: uuidFrom(`${seedBase}\0${path}`),
        };
        dir.keys.push(key);
        directories.push(sub);
        byPath.set(path, sub);
      }
      dir = sub;
    }
    return dir;
  };

  /** Serialize an object after a key at the current position, compress it, and append the record. */
  const writeRecord = (className: string, name: Uint8Array, title: Uint8Array, cycle: number, dir: Directory, where: string, body: (b: RootWriteBuffer) => void): Key => {
    const classBytes = utf8.encode(className);
    const seekKey = out.position;
    const big = isBig(seekKey, dir.seekDir);
    let keyTitle = title;
    let keylen = keyLength(classBytes, name, keyTitle, big);
    if (keylen > MAX_KEY_BYTES) {
      // ROOT shortens long key titles too (TKey keeps at most kTitleMax); the object keeps its own.
      keyTitle = truncateUtf8(title, Math.max(0, title.length - (keylen - MAX_KEY_BYTES)));
      keylen = keyLength(classBytes, name, keyTitle, big);
    }
    checkKeyLength(keylen, where);
    const b = new RootWriteBuffer({ origin: keylen });
    body(b);
    const objlen = b.length;
    const raw = b.finish();
    const packed = settings.compress ? compressRootObject(raw, objlen, settings.level) : undefined;
    const payload = packed ?? raw;
    const stored = payload.reduce((n, c) => n + c.length, 0);
    const key: Key = { className: classBytes, name, title: keyTitle, cycle, seekKey, seekPdir: dir.seekDir, objlen, nbytes: keylen + stored, keylen, big };
    out.push(keyBytes(key, settings.datime));
    for (const c of payload) out.push(c);
    return key;
  };

  for (const { hist, dirs, name, cycle } of placed) {
    const where = histPointer(hist);
    const dir = directory(dirs, where);
    claim(dir, name, 'object', where);
    const c = nextCycle(dir, name, cycle, pointer(where, 'cycle'));
    const key = writeRecord(hist.className, utf8.encode(name), utf8.encode(hist.title), c, dir, where, (b) => writeRootHist(b, hist));
    dir.keys.push(key);
  }

  // Keys lists, top directory first.
  for (const dir of directories) {
    const classBytes = utf8.encode(dir === top ? 'TFile' : 'TDirectory');
    const name = dir === top ? fileName : utf8.encode(dir.name);
    const title = dir === top ? fileTitle : name;
    const seekKey = out.position;
    const big = isBig(seekKey, dir.seekDir);
    const keylen = keyLength(classBytes, name, title, big);
    const objlen = 4 + dir.keys.reduce((n, k) => n + k.keylen, 0);
    const key: Key = { className: classBytes, name, title, cycle: 1, seekKey, seekPdir: dir.seekDir, objlen, nbytes: keylen + objlen, keylen, big };
    const b = new RootWriteBuffer();
    writeKey(b, key, settings.datime);
    b.i32(dir.keys.length);
    for (const k of dir.keys) writeKey(b, k, settings.datime);
    for (const c of b.finish()) out.push(c);
    dir.seekKeys = seekKey;
    dir.nbytesKeys = key.nbytes;
  }

  // The streamer infos (not listed in any directory).
  const infoKey = writeRecord('TList', utf8.encode('StreamerInfo'), utf8.encode('Doubly linked list'), 1, top, 'StreamerInfo', (b) => writeStreamerInfoList(b, classes));

  // The free segments record: one segment from fEND to kStartBigFile (or beyond, for large files).
  const seekFree = out.position;
  const freeKeyBig = isBig(seekFree, BEGIN);
  const freeKeylen = keyLength(utf8.encode('TFile'), fileName, fileTitle, freeKeyBig);
  const smallEnd = seekFree + freeKeylen + 10;
  const freeBig = settings.force || smallEnd >= ROOT_BIG_FILE;
  const end = freeBig ? seekFree + freeKeylen + 18 : smallEnd;
  let last = ROOT_BIG_FILE;
  while (freeBig && last <= end) last += 1_000_000_000; // TFree::GetBestFree grows the last segment by 1e9
  const freeKey: Key = {
    className: utf8.encode('TFile'), name: fileName, title: fileTitle, cycle: 1, seekKey: seekFree, seekPdir: BEGIN,
    objlen: freeBig ? 18 : 10, nbytes: 0, keylen: freeKeylen, big: freeKeyBig,
  };
  freeKey.nbytes = freeKey.keylen + freeKey.objlen;
  const fb = new RootWriteBuffer();
  writeKey(fb, freeKey, settings.datime);
  fb.i16(FREE_VERSION + (freeBig ? 1000 : 0));
  if (freeBig) {
    fb.i64(end);
    fb.i64(last);
  } else {
    fb.i32(end);
    fb.i32(last);
  }
  for (const c of fb.finish()) out.push(c);
  if (out.position !== end) throw new Error(`hist-serial bug: the ROOT file ends at ${out.position}, expected ${end}`);

  // Fill in what is known only now: directory headers, the TFile record, the file header.
  for (const dir of directories) fillDirectory(dir, settings);
  const tb = new RootWriteBuffer();
  writeKey(tb, topKey, settings.datime);
  tb.string(fileName);
  tb.string(fileTitle);
  topRecord.set(concat(tb.finish()), 0);
  fillHeader(header, { end, seekFree, nbytesFree: freeKey.nbytes, nbytesName: top.nbytesName, compress: settings.compress ? ZLIB * 100 + settings.level : 0, seekInfo: infoKey.seekKey, nbytesInfo: infoKey.nbytes, uuid: top.uuid, big: settings.force || end > ROOT_BIG_FILE });
  return out.coalesced();
}

function checkKeyLength(keylen: number, where: string): void {
  if (keylen > MAX_KEY_BYTES) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.rootWriteKeyPath(where, where, MESSAGES.rootWriteNameTooLong(keylen, MAX_KEY_BYTES)), { path: where, codec: 'root' });
  }
}

/** The longest prefix of `bytes` of at most `max` bytes that ends on a UTF-8 character boundary. */
function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  let n = Math.min(max, bytes.length);
  while (n > 0 && n < bytes.length && (bytes[n]! & 0xc0) === 0x80) n--;
  return bytes.subarray(0, n);
}

/** The TDirectory header (TDirectoryFile::FillBuffer) and, for subdirectories, their key. */
function fillDirectory(dir: Directory, settings: Settings): void {
  const big = settings.force || dir.seekDir > ROOT_BIG_FILE || (dir.parent?.seekDir ?? 0) > ROOT_BIG_FILE || dir.seekKeys > ROOT_BIG_FILE;
  const b = new RootWriteBuffer();
  if (dir.parent) writeKey(b, dir.key!, settings.datime);
  b.i16(DIRECTORY_VERSION + (big ? 1000 : 0));
  b.u32(settings.datime); // fDatimeC
  b.u32(settings.datime); // fDatimeM
  b.i32(dir.nbytesKeys);
  b.i32(dir.nbytesName);
  const seek = (v: number) => (big ? b.i64(v) : b.i32(v));
  seek(dir.seekDir);
  seek(dir.parent?.seekDir ?? 0);
  seek(dir.seekKeys);
  b.bytes(dir.uuid);
  const bytes = concat(b.finish());
  // The rest of the 60 bytes stays zero (room for 64-bit seeks, as ROOT reserves).
  dir.record.set(bytes, dir.parent ? 0 : dir.headerAt);
}

interface HeaderFields {
  end: number;
  seekFree: number;
  nbytesFree: number;
  nbytesName: number;
  compress: number;
  seekInfo: number;
  nbytesInfo: number;
  uuid: Uint8Array;
  big: boolean;
}

function fillHeader(header: Uint8Array, f: HeaderFields): void {
  const b = new RootWriteBuffer();
  b.bytes(utf8.encode('root'));
  b.i32(ROOT_FILE_VERSION + (f.big ? 1000000 : 0));
  b.i32(BEGIN);
  const seek = (v: number) => (f.big ? b.i64(v) : b.i32(v));
  seek(f.end);
  seek(f.seekFree);
  b.i32(f.nbytesFree);
  b.i32(1); // nfree
  b.i32(f.nbytesName);
  b.u8(f.big ? 8 : 4); // fUnits
  b.i32(f.compress);
  seek(f.seekInfo);
  b.i32(f.nbytesInfo);
  b.bytes(f.uuid);
  header.set(concat(b.finish()), 0);
}
