/**
 * UHI zip (`uhi-zip`, `.zip`): the layout of uhi's `uhi.io.zip.write`. Per histogram NAME, a member
 * `NAME.json` holds the histogram's JSON, in which each array position holds the name of a `.npy`
 * member: `NAME_storage_FIELD.npy`, `NAME_axis_I_FIELD.npy`.
 *
 * A small zip implementation on node:zlib (no jszip, no fflate on the data path):
 * - reading: end of central directory (and the ZIP64 locator and record), central directory, local
 *   headers; only the members the JSON references are read. STORE arrays are zero-copy views of
 *   the input in memory; from a file (`decodeFile`) each array is read into its own exactly-sized
 *   buffer (any size), checksummed window by window while the window is in the CPU cache. DEFLATE
 *   members are inflated with `maxOutputLength` set to the size they declare (streamed into one
 *   buffer past 4 GiB), so a zip bomb cannot allocate more than it declares, and declarations beyond
 *   DEFLATE's 1032:1 limit are refused before inflating. CRC-32 is verified on every member read
 *   (`zlib.crc32`); member names that are absolute or contain `..` segments, backslashes or NUL are
 *   refused.
 * - writing: local headers, data, central directory, end record; ZIP64 extra fields and end records
 *   whenever a size or an offset reaches 0xFFFFFFFF or there are 65535+ members; STORE by default
 *   with each `.npy` member's data 64-byte aligned (a padding extra field), DEFLATE on request
 *   (each chunk its own full-flushed segment of one stream). `encode` returns chunks in which the
 *   arrays' own buffers appear without being copied, so an archive can pass 4 GiB; `encodeFile`
 *   writes them to the file while their CRC-32 is computed, then patches it into the local header.
 *
 * Histogram names that would make unsafe or ambiguous member names are percent-escaped (spec.md 4.2).
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { constants as zlibConstants, crc32, createInflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { HistSerialError, LimitError, ParseError, pointer } from '../errors.js';
import type { ExactIntegers } from '../json/parse.js';
import { parseJson } from '../json/parse.js';
import { stringifyJson, type NonFinitePolicy } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import type { NDArray } from '../model/ndarray.js';
import type { RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeOptions } from './codec.js';
import {
  BYTE_WINDOW,
  NPY_ALIGN,
  byteWindows,
  decodeNpy,
  encodeNpy,
  npyArray,
  npyDataBytes,
  npyHeaderLength,
  parseNpyHeader,
  type ByteRange,
  type NpyContext,
  type NpyHeader,
} from './npy.js';
import { decodeUtf8 } from './uhi-json.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const LOCAL_BYTES = 30;
const CENTRAL_BYTES = 46;
const END_BYTES = 22;
const ZIP64_END_BYTES = 56;
const ZIP64_LOCATOR_BYTES = 20;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** Extra field id of the ZIP64 extended information. */
const ZIP64_EXTRA = 0x0001;
/** Extra field id of Android's zipalign padding (`u16 alignment` + zeros), used to align member data. */
const ALIGN_EXTRA = 0xd935;
/** General purpose flag bit 11: the name is UTF-8. */
const FLAG_UTF8 = 0x0800;
/** Flag bits 0 (encrypted) and 6 (strong encryption). */
const FLAG_ENCRYPTED = 0x0041;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** DEFLATE cannot expand data by more than this ratio (one 258-byte match per 2 bits). */
const DEFLATE_MAX_RATIO = 1032;
/** Made by: Unix (3) << 8 | spec version; version needed: 2.0, or 4.5 for ZIP64. */
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = 3 << 8;
/** Every member is dated 1980-01-01 00:00 (the DOS epoch), so the same document gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Regular file, rw-r--r--. */
const EXTERNAL_ATTRIBUTES = 0o100644 * 0x10000;
/** The largest Buffer or Uint8Array Node can make (4 GiB on Node 20): larger members are read as ranges. */
const MAX_MEMBER_BYTES = bufferConstants.MAX_LENGTH;
/** Bytes per write call while the CRC-32 of the same bytes is computed on the main thread. */
const PIPE_WINDOW = 1 << 20;
/** Bytes per read call when array data is checksummed as it is read (fits in L2: the CRC reads it from cache). */
const CRC_READ_WINDOW = 1 << 18;
/** uhi's array keys that may hold a member name in an axis. */
const AXIS_ARRAY_KEYS = ['edges', 'categories'] as const;
/** cp437, the zip default for names without the UTF-8 flag: bytes 0x80–0xFF. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

// ---------------------------------------------------------------------------------------------
// Member names

/** Characters escaped in member names: path separators, control characters, and `%` where it could read as an escape. */
const NEEDS_ESCAPE = /[\x00-\x1f\x7f/\\]|%(?=[0-9A-Fa-f]{2})/g;
/** The escapes {@link escapeMemberName} produces (and only those are decoded). */
const ESCAPED = /%(?:[01][0-9A-Fa-f]|7[Ff]|2[Ff5]|5[Cc])/g;

/**
 * The member-name form of a histogram name or array key: uhi's name itself, except that `/`, `\`,
 * control characters and a `%` followed by two hex digits are percent-escaped (`a/b` → `a%2Fb`), so
 * that no name can leave the archive or be mistaken for an escape. {@link unescapeMemberName}
 * inverts it exactly.
 *
 * @example
 * ```ts
 * escapeMemberName('jets/pt'); // 'jets%2Fpt'
 * ```
 */
export function escapeMemberName(name: string): string {
  return name.replace(NEEDS_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * The histogram name of a member stem (`NAME` of `NAME.json`): undoes {@link escapeMemberName}.
 *
 * @example
 * ```ts
 * unescapeMemberName('jets%2Fpt'); // 'jets/pt'
 * ```
 */
export function unescapeMemberName(stem: string): string {
  return stem.replace(ESCAPED, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
}

/**
 * Is `name` a plain relative path (not absolute, no `..` segment, no backslash, no NUL)?
 *
 * @example
 * ```ts
 * isSafeMemberName('h_storage_values.npy'); // true
 * isSafeMemberName('../x.npy'); // false
 * ```
 */
export function isSafeMemberName(name: string): boolean {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').includes('..');
}

/** A histogram name or array key → member stem, refusing what a zip name cannot hold. */
function memberStem(name: string): string {
  if (/\p{Cs}/u.test(name)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(name, MESSAGES.zipNameSurrogate()));
  return escapeMemberName(name);
}

function decodeName(raw: Uint8Array, flags: number): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const ascii = raw.every((b) => b < 0x80);
  if (ascii) return buf.toString('latin1');
  try {
    // Flagged names are UTF-8; unflagged non-ASCII names are tried as UTF-8 (what most tools write) before cp437.
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    if (flags & FLAG_UTF8) throw new ParseError(MESSAGES.zipNameNotUtf8());
    return Array.from(raw, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join('');
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Random access to the bytes of an archive: in memory (views) or in a file (fresh, aligned buffers). */
interface ByteSource {
  readonly size: number;
  /** Bytes [offset, offset + length), at most 4 GiB. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The same for any length (arrays over 4 GiB come from files as one ArrayBuffer). */
  readRange(offset: number, length: number): Promise<ByteRange>;
  /** {@link readRange} and the CRC-32 of the bytes (continuing `crc`), computed while they are read. */
  readRangeCrc(offset: number, length: number, crc: number): Promise<{ range: ByteRange; crc: number }>;
}

function outOfRange(offset: number, length: number, size: number): ParseError {
  return new ParseError(MESSAGES.zipOutOfRange(offset + length, size));
}

function memorySource(bytes: Uint8Array): ByteSource {
  const read = async (offset: number, length: number) => {
    if (offset < 0 || offset + length > bytes.length) throw outOfRange(offset, length, bytes.length);
    return bytes.subarray(offset, offset + length);
  };
  return {
    size: bytes.length,
    read,
    readRange: read,
    readRangeCrc: async (offset, length, crc) => {
      const range = await read(offset, length);
      return { range, crc: crcOf(range, crc) };
    },
  };
}

async function openFileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (err) {
    throw new HistSerialError('IO', MESSAGES.io('read', path, (err as Error).message), { file: path, cause: err });
  }
  /** Fill `w` from `position`. */
  const fill = async (w: Uint8Array, position: number) => {
    for (let got = 0; got < w.length; ) {
      const { bytesRead } = await handle.read(w, got, w.length - got, position + got);
      if (bytesRead === 0) throw new ParseError(MESSAGES.zipFileShrank(position + got));
      got += bytesRead;
    }
  };
  /**
   * A fresh allocation per range (aligned for every dtype, so arrays are views of it). With `crc`,
   * the range is read synchronously in small windows, each checksummed right after it is read while
   * it is still in the CPU cache: the CRC then costs a fraction of a second pass over memory.
   */
  const readInto = async (offset: number, length: number, crc?: number): Promise<{ range: ByteRange; crc: number }> => {
    if (offset < 0 || offset + length > size) throw outOfRange(offset, length, size);
    const buffer = length <= MAX_MEMBER_BYTES ? Buffer.allocUnsafeSlow(length).buffer : new ArrayBuffer(length);
    const range = { buffer, byteOffset: 0, byteLength: length };
    if (crc === undefined) {
      let done = 0;
      for (const w of byteWindows(range)) {
        await fill(w, offset + done);
        done += w.length;
      }
      return { range, crc: 0 };
    }
    for (let off = 0; off < length; off += CRC_READ_WINDOW) {
      const w = new Uint8Array(buffer, off, Math.min(CRC_READ_WINDOW, length - off));
      for (let got = 0; got < w.length; ) {
        const n = readSync(handle.fd, w, got, w.length - got, offset + off + got);
        if (n === 0) throw new ParseError(MESSAGES.zipFileShrank(offset + off + got));
        got += n;
      }
      crc = crc32(w, crc);
    }
    return { range, crc };
  };
  const readRange = async (offset: number, length: number) => (await readInto(offset, length)).range;
  return {
    size,
    read: async (offset, length) => {
      const r = await readRange(offset, length);
      return new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
    },
    readRange,
    readRangeCrc: readInto,
    close: () => handle.close(),
  };
}

/** CRC-32 of a range of any length. */
function crcOf(range: ByteRange, crc = 0): number {
  for (const w of byteWindows(range)) crc = crc32(w, crc);
  return crc;
}

/** One member, as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** The name's bytes, compared with the local header's. */
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header (corrected for data prepended to the archive). */
  offset: number;
}

/** The central directory: members in order, and where the directory starts (member data ends before it). */
export interface ZipDirectory {
  entries: ZipEntry[];
  byName: Map<string, ZipEntry>;
  directoryOffset: number;
  /** Was a ZIP64 end record present? */
  zip64: boolean;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(v: DataView, at: number): number {
  const hi = v.getUint32(at + 4, true);
  if (hi > 0x1fffff) throw new ParseError(MESSAGES.zipBeyond53());
  return hi * 0x100000000 + v.getUint32(at, true);
}

/** Parse the end records and the central directory, checking names, duplicates and overlaps. */
async function readDirectory(src: ByteSource): Promise<ZipDirectory> {
  if (src.size < END_BYTES) throw new ParseError(MESSAGES.zipTooShort(src.size));
  const tailLength = Math.min(src.size, END_BYTES + U16_MAX);
  const tailStart = src.size - tailLength;
  const tail = view(await src.read(tailStart, tailLength));
  let at = -1;
  for (let i = tailLength - END_BYTES; i >= 0; i--) {
    if (tail.getUint32(i, true) === SIG_END && i + END_BYTES + tail.getUint16(i + 20, true) <= tailLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ParseError(MESSAGES.zipNoEnd());
  const endOffset = tailStart + at;
  let disk = tail.getUint16(at + 4, true);
  let directoryDisk = tail.getUint16(at + 6, true);
  let entriesOnDisk = tail.getUint16(at + 8, true);
  let count = tail.getUint16(at + 10, true);
  let size = tail.getUint32(at + 12, true);
  let offset = tail.getUint32(at + 16, true);
  let directoryEnd = endOffset;
  let zip64 = false;
  if (endOffset >= ZIP64_LOCATOR_BYTES) {
    const locator = view(await src.read(endOffset - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES));
    if (locator.getUint32(0, true) === SIG_ZIP64_LOCATOR) {
      // The locator's offset, else right before the locator (where Python looks; archives with a prefix).
      const candidates = [u64(locator, 8), endOffset - ZIP64_LOCATOR_BYTES - ZIP64_END_BYTES];
      let record: DataView | undefined;
      for (const pos of candidates) {
        if (pos < 0 || pos + ZIP64_END_BYTES > endOffset - ZIP64_LOCATOR_BYTES) continue;
        const r = view(await src.read(pos, ZIP64_END_BYTES));
        if (r.getUint32(0, true) === SIG_ZIP64_END) {
          record = r;
          directoryEnd = pos;
          break;
        }
      }
      if (!record) throw new ParseError(MESSAGES.zipLocatorDangling());
      zip64 = true;
      disk = record.getUint32(16, true);
      directoryDisk = record.getUint32(20, true);
      entriesOnDisk = u64(record, 24);
      count = u64(record, 32);
      size = u64(record, 40);
      offset = u64(record, 48);
    }
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== count) {
    throw new ParseError(MESSAGES.zipSplit());
  }
  // Data prepended to the archive (self-extractors) shifts every offset by the same amount.
  const delta = directoryEnd - (offset + size);
  if (delta < 0) throw new ParseError(MESSAGES.zipDirectoryPastEnd(size, offset, directoryEnd));
  if (count * CENTRAL_BYTES > size) throw new ParseError(MESSAGES.zipTooManyMembers(count, size));
  if (size > MAX_MEMBER_BYTES) throw new LimitError(MESSAGES.zipMemberTooLarge('(central directory)', size, MAX_MEMBER_BYTES));
  const directoryOffset = offset + delta;
  const cd = await src.read(directoryOffset, size);
  const v = view(cd);
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + CENTRAL_BYTES > cd.length || v.getUint32(p, true) !== SIG_CENTRAL) {
      throw new ParseError(MESSAGES.zipDirectoryEntry(k));
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let uncompressedSize = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let startDisk = v.getUint16(p + 34, true);
    let localOffset = v.getUint32(p + 42, true);
    const end = p + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (end > cd.length) throw new ParseError(MESSAGES.zipDirectoryEntry(k));
    const rawName = cd.subarray(p + CENTRAL_BYTES, p + CENTRAL_BYTES + nameLength);
    const name = decodeName(rawName, flags);
    if (uncompressedSize === U32_MAX || compressedSize === U32_MAX || localOffset === U32_MAX || startDisk === U16_MAX) {
      // ZIP64 extended information: the saturated fields, in this order.
      const extra = cd.subarray(p + CENTRAL_BYTES + nameLength, p + CENTRAL_BYTES + nameLength + extraLength);
      const ev = view(extra);
      let found = false;
      for (let e = 0; e + 4 <= extra.length; ) {
        const id = ev.getUint16(e, true);
        const len = ev.getUint16(e + 2, true);
        if (e + 4 + len > extra.length) break;
        if (id === ZIP64_EXTRA) {
          let q = e + 4;
          const next = (): number => {
            if (q + 8 > e + 4 + len) throw new ParseError(MESSAGES.zipZip64Extra(name));
            const x = u64(ev, q);
            q += 8;
            return x;
          };
          if (uncompressedSize === U32_MAX) uncompressedSize = next();
          if (compressedSize === U32_MAX) compressedSize = next();
          if (localOffset === U32_MAX) localOffset = next();
          if (startDisk === U16_MAX) startDisk = q + 4 <= e + 4 + len ? ev.getUint32(q, true) : U16_MAX;
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) throw new ParseError(MESSAGES.zipZip64Extra(name));
    }
    if (startDisk !== 0) throw new ParseError(MESSAGES.zipSplit());
    if (!isSafeMemberName(name)) throw new ParseError(MESSAGES.zipUnsafeName(name));
    if (byName.has(name)) throw new ParseError(MESSAGES.zipDuplicate(name));
    const entry: ZipEntry = { name, rawName, flags, method, crc, compressedSize, size: uncompressedSize, offset: localOffset + delta };
    entries.push(entry);
    byName.set(name, entry);
    p = end;
  }
  // Members must not overlap each other or the directory (overlapping "zip bombs" reuse one stream many times).
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  sorted.forEach((e, i) => {
    const next = sorted[i + 1];
    const limit = next ? next.offset : directoryOffset;
    if (e.offset + LOCAL_BYTES + e.rawName.length + e.compressedSize > limit) throw new ParseError(MESSAGES.zipOverlap(e.name, next?.name));
  });
  return { entries, byName, directoryOffset, zip64 };
}

/** How members are read: what may still be allocated (every member within the limits, and all of them together), and whether CRC-32s are verified. */
class Budget {
  private used = 0;
  constructor(
    private readonly limit: number,
    readonly verify: boolean,
  ) {}

  /** Check a member before reading it (size limits, method, encryption, DEFLATE ratio). */
  check(e: ZipEntry, max = this.limit): void {
    if (e.flags & FLAG_ENCRYPTED) throw new ParseError(MESSAGES.zipUnsupported(e.name, MESSAGES.zipEncrypted()));
    if (e.method !== METHOD_STORE && e.method !== METHOD_DEFLATE) throw new ParseError(MESSAGES.zipUnsupported(e.name, MESSAGES.zipMethod(e.method)));
    if (e.method === METHOD_STORE && e.compressedSize !== e.size) {
      throw new ParseError(MESSAGES.zipStoredSizes(e.name, e.compressedSize, e.size));
    }
    if (e.size > Math.min(max, this.limit)) throw new LimitError(MESSAGES.zipMemberTooLarge(e.name, e.size, Math.min(max, this.limit)));
    if (e.method === METHOD_DEFLATE && e.size > e.compressedSize * DEFLATE_MAX_RATIO + 64) {
      throw new LimitError(MESSAGES.zipRatio(e.name, e.size, e.compressedSize));
    }
    if (this.used + e.size > this.limit) throw new LimitError(MESSAGES.inputTooLarge(this.used + e.size, this.limit));
    this.used += e.size;
  }
}

/** Offset of a member's data, after checking its local header against the directory. */
async function dataOffset(src: ByteSource, dir: ZipDirectory, e: ZipEntry): Promise<number> {
  const head = await src.read(e.offset, LOCAL_BYTES + e.rawName.length);
  const v = view(head);
  if (v.getUint32(0, true) !== SIG_LOCAL) throw new ParseError(MESSAGES.zipNoLocalHeader(e.name, e.offset));
  const nameLength = v.getUint16(26, true);
  const extraLength = v.getUint16(28, true);
  if (nameLength !== e.rawName.length || !Buffer.from(head.buffer, head.byteOffset + LOCAL_BYTES, nameLength).equals(e.rawName)) {
    throw new ParseError(MESSAGES.zipLocalName(e.name));
  }
  const start = e.offset + LOCAL_BYTES + nameLength + extraLength;
  if (start + e.compressedSize > dir.directoryOffset) {
    throw new ParseError(MESSAGES.zipOverlap(e.name, undefined));
  }
  return start;
}

function checkCrc(e: ZipEntry, actual: number): void {
  if (actual !== e.crc) throw new ParseError(MESSAGES.zipCrc(e.name, e.crc, actual));
}

/** A DEFLATE member's data, inflated into one buffer of exactly the declared size (no more is ever allocated). */
function inflate(e: ZipEntry, compressed: Uint8Array): Uint8Array {
  let out: Buffer;
  try {
    // chunkSize one more than declared: one output allocation, and the first byte too many trips maxOutputLength.
    out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, e.size), chunkSize: Math.max(64, e.size + 1) });
  } catch (err) {
    throw inflateError(e, err);
  }
  if (out.length !== e.size) throw inflatedShort(e, out.length);
  return out;
}

function inflateError(e: ZipEntry, err: unknown): HistSerialError {
  if (err instanceof HistSerialError) return err;
  if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return new LimitError(MESSAGES.zipInflateOverflow(e.name, e.size), { cause: err });
  return new ParseError(MESSAGES.zipInflateInvalid(e.name, (err as Error).message), { cause: err });
}

function inflatedShort(e: ZipEntry, got: number): ParseError {
  return new ParseError(MESSAGES.zipInflateShort(e.name, got, e.size));
}

/** DEFLATE members of this many bytes or more are inflated by streaming (see {@link inflateLarge}). */
let streamInflateFrom = MAX_MEMBER_BYTES;

/** @internal Tests: stream-inflate smaller members too (the path members over 4 GiB take). Returns the previous value. */
export function setStreamInflateThreshold(bytes: number): number {
  const previous = streamInflateFrom;
  streamInflateFrom = bytes;
  return previous;
}

/**
 * A DEFLATE member too large for one Buffer (4 GiB): streamed through zlib into one ArrayBuffer of
 * the declared size, refusing the first byte beyond it.
 */
async function inflateLarge(src: ByteSource, e: ZipEntry, start: number): Promise<ByteRange> {
  const out = new ArrayBuffer(e.size);
  let filled = 0;
  const inflater = createInflateRaw({ chunkSize: 1 << 22 });
  const finished = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      if (filled + chunk.length > e.size) {
        inflater.destroy(new LimitError(MESSAGES.zipInflateOverflow(e.name, e.size)));
        return;
      }
      new Uint8Array(out, filled, chunk.length).set(chunk);
      filled += chunk.length;
    });
    inflater.on('end', resolve);
    inflater.on('error', reject);
  });
  finished.catch(() => undefined); // observed below; avoids an unhandled rejection while feeding
  try {
    const window = 1 << 26;
    for (let off = 0; off < e.compressedSize && !inflater.destroyed; off += window) {
      const piece = await src.read(start + off, Math.min(window, e.compressedSize - off));
      if (!inflater.write(piece)) await once(inflater, 'drain');
    }
    inflater.end();
    await finished;
  } catch (err) {
    throw inflateError(e, err);
  }
  if (filled !== e.size) throw inflatedShort(e, filled);
  return { buffer: out, byteOffset: 0, byteLength: e.size };
}

/** A whole member (JSON: at most 4 GiB), verified (CRC-32) and inflated. */
async function readMember(src: ByteSource, dir: ZipDirectory, e: ZipEntry, budget: Budget): Promise<Uint8Array> {
  budget.check(e, MAX_MEMBER_BYTES - 1);
  const start = await dataOffset(src, dir, e);
  const stored = await src.read(start, e.compressedSize);
  const data = e.method === METHOD_DEFLATE ? inflate(e, stored) : stored;
  if (budget.verify) checkCrc(e, crc32(data));
  return data;
}

/**
 * A `.npy` member as an array. STORE: the header is read and checked first, then exactly the data
 * it declares (a view in memory, one aligned buffer from a file, of any size), CRC-32 over both.
 * DEFLATE: inflated into one buffer of the declared size (streamed when over 4 GiB).
 */
async function readNpyMember(src: ByteSource, dir: ZipDirectory, e: ZipEntry, budget: Budget, ctx: NpyContext): Promise<NDArray> {
  if (e.method === METHOD_DEFLATE && e.size < streamInflateFrom && e.compressedSize < MAX_MEMBER_BYTES) return decodeNpy(await readMember(src, dir, e, budget), ctx);
  budget.check(e);
  const start = await dataOffset(src, dir, e);
  if (e.method === METHOD_DEFLATE) {
    const whole = await inflateLarge(src, e, start);
    if (budget.verify) checkCrc(e, crcOf(whole));
    const header = parseNpyHeader(new Uint8Array(whole.buffer, 0, Math.min(whole.byteLength, BYTE_WINDOW)), ctx);
    return npyArray(header, { buffer: whole.buffer, byteOffset: header.dataOffset, byteLength: whole.byteLength - header.dataOffset }, ctx);
  }
  let headerBytes: Uint8Array;
  let header: NpyHeader;
  try {
    const prefix = await src.read(start, Math.min(e.size, 12));
    const headerLength = npyHeaderLength(prefix, ctx);
    if (headerLength > e.size) throw new ParseError(MESSAGES.zipNpyTooLong(ctx.what ?? '', headerLength, e.size), { path: ctx.path ?? '' });
    headerBytes = await src.read(start, headerLength);
    header = parseNpyHeader(headerBytes, ctx);
    npyDataBytes(header, e.size - headerLength, ctx); // before reading (allocating) the data
  } catch (err) {
    // A damaged member is reported as such (CRC-32), not as the malformed header it now looks like.
    if (err instanceof HistSerialError && budget.verify) checkCrc(e, crcOf(await src.readRange(start, e.size)));
    throw err;
  }
  const dataStart = start + headerBytes.length;
  const dataLength = e.size - headerBytes.length;
  if (!budget.verify) return npyArray(header, await src.readRange(dataStart, dataLength), ctx);
  const { range, crc } = await src.readRangeCrc(dataStart, dataLength, crc32(headerBytes));
  checkCrc(e, crc);
  return npyArray(header, range, ctx);
}

/** Exact big integers of several parsed JSON members, looked up as one table. */
class MergedExact extends WeakMap<object, Map<string | number, bigint>> {
  constructor(private readonly parts: readonly ExactIntegers[]) {
    super();
  }

  override get(key: object): Map<string | number, bigint> | undefined {
    for (const part of this.parts) {
      const found = part.get(key);
      if (found) return found;
    }
    return undefined;
  }

  override has(key: object): boolean {
    return this.parts.some((part) => part.has(key));
  }
}

/** The out-of-band array positions of a histogram's JSON: storage fields, axis edges and categories. */
function arrayRefs(hist: unknown, path: string): { ref: string; path: string }[] {
  const refs: { ref: string; path: string }[] = [];
  if (!isObject(hist)) return refs;
  if (isObject(hist.storage)) {
    for (const [field, value] of Object.entries(hist.storage)) {
      if (field !== 'type' && typeof value === 'string') refs.push({ ref: value, path: pointer(path, 'storage', field) });
    }
  }
  if (Array.isArray(hist.axes)) {
    hist.axes.forEach((axis: unknown, i) => {
      if (!isObject(axis)) return;
      for (const key of AXIS_ARRAY_KEYS) if (typeof axis[key] === 'string') refs.push({ ref: axis[key], path: pointer(path, 'axes', i, key) });
    });
  }
  return refs;
}

/** Errors of a member's content name the member. */
function inMember(member: string, name: string, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HistSerialError) throw new HistSerialError(err.code, MESSAGES.inZipMember(member, err.message), { path: pointer('', name), cause: err });
    throw err;
  }
}

/** The raw document of a UHI zip: `{name: histogram}` from each `NAME.json`, and the `.npy` members it references keyed by those names. */
async function decodeUhiZip(src: ByteSource, ctx: DecodeContext): Promise<RawDocument> {
  const dir = await readDirectory(src);
  const budget = new Budget(ctx.limits.maxInputBytes, ctx.verifyChecksums ?? true);
  const json: Json = {};
  const memberOf = new Map<string, string>();
  const exact: ExactIntegers[] = [];
  for (const e of dir.entries) {
    if (!e.name.endsWith('.json')) continue;
    const name = unescapeMemberName(e.name.slice(0, -'.json'.length));
    const first = memberOf.get(name);
    if (first !== undefined) throw new ParseError(MESSAGES.zipHistogramTwice(name, first, e.name));
    const bytes = await readMember(src, dir, e, budget);
    const parsed = inMember(e.name, name, () => parseJson(decodeUtf8(bytes), { maxDepth: ctx.limits.maxJsonDepth })) as ReturnType<typeof parseJson>;
    Object.defineProperty(json, name, { value: parsed.value, enumerable: true, writable: true, configurable: true });
    memberOf.set(name, e.name);
    if (parsed.exact) exact.push(parsed.exact);
  }
  if (memberOf.size === 0) throw new ParseError(MESSAGES.zipNoHistogram());
  const resources = new Map<string, NDArray>();
  for (const name of Object.keys(json)) {
    for (const { ref, path } of arrayRefs(json[name], pointer('', name))) {
      const e = dir.byName.get(ref);
      if (resources.has(ref) || !e) continue; // a name without a member: fromUHI reports MISSING_ARRAY there
      resources.set(ref, await readNpyMember(src, dir, e, budget, { what: MESSAGES.zipMember(ref), path }));
    }
  }
  const raw: RawDocument = { json, resources };
  if (exact.length) raw.exact = exact.length === 1 ? exact[0]! : new MergedExact(exact);
  return raw;
}

/**
 * The central directory of an archive in memory (for inspection and tests).
 *
 * @example
 * ```ts
 * const names = (await listZip(bytes)).entries.map((e) => e.name);
 * ```
 */
export function listZip(bytes: Uint8Array): Promise<ZipDirectory> {
  return readDirectory(memorySource(bytes));
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A member to write: its name and its data as chunks (passed through, not copied, when stored). */
export interface ZipMember {
  name: string;
  data: readonly Uint8Array[];
  /** STORE only: start the data at a multiple of this many bytes from the start of the archive. */
  align?: number;
}

/** Options of {@link writeZip}. */
export interface ZipWriteOptions {
  /** `store` (default) or `deflate`. */
  compression?: 'store' | 'deflate';
  /** zlib level for `deflate`, 0–9 (default 6). */
  level?: number;
  /** @internal Write ZIP64 records even when nothing needs them (tests of the ZIP64 path on small files). */
  forceZip64?: boolean;
}

/** A member laid out: its local header (CRC-32 filled in once known), data chunks and directory facts. */
interface Planned {
  name: Buffer;
  flags: number;
  method: number;
  /** Known for DEFLATE (computed while compressing); computed while writing for STORE. */
  crc: number | undefined;
  size: number;
  compressedSize: number;
  offset: number;
  local: Buffer;
  payload: readonly Uint8Array[];
}

/** Offset of the CRC-32 field in a local header. */
const LOCAL_CRC_AT = 14;

function writeU64(b: Buffer, value: number, at: number): void {
  b.writeBigUInt64LE(BigInt(value), at);
}

function checkWriteOptions(options: ZipWriteOptions): { compression: 'store' | 'deflate'; level: number } {
  const compression = options.compression ?? 'store';
  if (compression !== 'store' && compression !== 'deflate') {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('zipCompression', compression, '"store" or "deflate"'));
  }
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('zipLevel', level, 'an integer from 0 to 9'));
  return { compression, level };
}

function crcOfChunks(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  return crc;
}

/** Lay out every member: offsets, local headers, DEFLATE payloads. STORE data is not touched. */
function planZip(members: readonly ZipMember[], options: ZipWriteOptions): { planned: Planned[]; end: number } {
  const { compression, level } = checkWriteOptions(options);
  const force = options.forceZip64 === true;
  const planned: Planned[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const m of members) {
    if (seen.has(m.name)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(m.name, MESSAGES.zipNameTaken()));
    seen.add(m.name);
    const name = Buffer.from(m.name, 'utf8');
    if (name.length > U16_MAX) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(m.name, MESSAGES.zipNameTooLong(name.length)));
    const flags = /[^\x00-\x7f]/.test(m.name) ? FLAG_UTF8 : 0;
    const size = m.data.reduce((n, c) => n + c.length, 0);
    let payload = m.data;
    let method = METHOD_STORE;
    let crc: number | undefined;
    if (compression === 'deflate') {
      crc = crcOfChunks(m.data);
      // Each chunk is its own DEFLATE segment ending in a full flush (the last one finishes the
      // stream): together one valid stream, built without concatenating the chunks first.
      payload = m.data.map((chunk, i) => deflateRawSync(chunk, { level, finishFlush: i === m.data.length - 1 ? zlibConstants.Z_FINISH : zlibConstants.Z_FULL_FLUSH }));
      if (payload.length === 0) payload = [deflateRawSync(new Uint8Array(0), { level })];
      method = METHOD_DEFLATE;
    }
    const compressedSize = payload.reduce((n, c) => n + c.length, 0);
    const zip64 = force || size >= U32_MAX || compressedSize >= U32_MAX;
    const zip64Length = zip64 ? 20 : 0;
    let pad = 0;
    if (method === METHOD_STORE && m.align && m.align > 1) {
      pad = (m.align - ((offset + LOCAL_BYTES + name.length + zip64Length) % m.align)) % m.align;
      if (pad > 0 && pad < 6) pad += m.align; // an extra field needs 4 bytes of header + 2 of alignment
    }
    const local = Buffer.alloc(LOCAL_BYTES + name.length + zip64Length + pad);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc ?? 0, LOCAL_CRC_AT);
    local.writeUInt32LE(zip64 ? U32_MAX : compressedSize, 18);
    local.writeUInt32LE(zip64 ? U32_MAX : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(zip64Length + pad, 28);
    name.copy(local, LOCAL_BYTES);
    let p = LOCAL_BYTES + name.length;
    if (zip64) {
      // The local ZIP64 field holds both sizes.
      local.writeUInt16LE(ZIP64_EXTRA, p);
      local.writeUInt16LE(16, p + 2);
      writeU64(local, size, p + 4);
      writeU64(local, compressedSize, p + 12);
      p += 20;
    }
    if (pad) {
      local.writeUInt16LE(ALIGN_EXTRA, p);
      local.writeUInt16LE(pad - 4, p + 2);
      local.writeUInt16LE(Math.min(m.align!, U16_MAX), p + 4);
    }
    planned.push({ name, flags, method, crc, size, compressedSize, offset, local, payload });
    offset += local.length + compressedSize;
  }
  return { planned, end: offset };
}

/** The central directory and end records of planned members whose CRCs are known. */
function directoryAndEnd(planned: readonly Planned[], directoryOffset: number, force: boolean): Buffer {
  const directory = planned.map((w) => centralRecord(w, force));
  const directorySize = directory.reduce((n, b) => n + b.length, 0);
  const count = planned.length;
  const zip64End = force || count >= U16_MAX || directoryOffset >= U32_MAX || directorySize >= U32_MAX;
  const end = Buffer.alloc((zip64End ? ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES : 0) + END_BYTES);
  let q = 0;
  if (zip64End) {
    end.writeUInt32LE(SIG_ZIP64_END, 0);
    writeU64(end, ZIP64_END_BYTES - 12, 4);
    end.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
    end.writeUInt16LE(VERSION_ZIP64, 14);
    end.writeUInt32LE(0, 16);
    end.writeUInt32LE(0, 20);
    writeU64(end, count, 24);
    writeU64(end, count, 32);
    writeU64(end, directorySize, 40);
    writeU64(end, directoryOffset, 48);
    end.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    end.writeUInt32LE(0, 60);
    writeU64(end, directoryOffset + directorySize, 64);
    end.writeUInt32LE(1, 72);
    q = ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES;
  }
  const countField = zip64End && (force || count >= U16_MAX) ? U16_MAX : count;
  end.writeUInt32LE(SIG_END, q);
  end.writeUInt16LE(0, q + 4);
  end.writeUInt16LE(0, q + 6);
  end.writeUInt16LE(countField, q + 8);
  end.writeUInt16LE(countField, q + 10);
  end.writeUInt32LE(force || directorySize >= U32_MAX ? U32_MAX : directorySize, q + 12);
  end.writeUInt32LE(force || directoryOffset >= U32_MAX ? U32_MAX : directoryOffset, q + 16);
  end.writeUInt16LE(0, q + 20);
  return Buffer.concat([...directory, end]);
}

/**
 * A zip archive as chunks: each member's local header and data, then the central directory and the
 * end records (ZIP64 ones when needed, or always with `forceZip64`). Stored data chunks are the
 * caller's own buffers.
 *
 * @example
 * ```ts
 * const chunks = writeZip([{ name: 'a.txt', data: [new TextEncoder().encode('hi')] }]);
 * ```
 */
export function writeZip(members: readonly ZipMember[], options: ZipWriteOptions = {}): Uint8Array[] {
  const { planned, end } = planZip(members, options);
  const out: Uint8Array[] = [];
  for (const p of planned) {
    if (p.crc === undefined) {
      p.crc = crcOfChunks(p.payload);
      p.local.writeUInt32LE(p.crc, LOCAL_CRC_AT);
    }
    out.push(p.local, ...p.payload);
  }
  out.push(directoryAndEnd(planned, end, options.forceZip64 === true));
  return out;
}

/** Split chunks into windows of at most {@link PIPE_WINDOW} bytes (views). */
function windowsOf(chunks: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) for (let off = 0; off < c.length; off += PIPE_WINDOW) out.push(c.subarray(off, Math.min(c.length, off + PIPE_WINDOW)));
  return out;
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, off, Math.min(bytes.length - off, 1 << 30), position + off);
    off += bytesWritten;
  }
}

/**
 * Write a zip archive to a file: as {@link writeZip}, but the CRC-32 of stored data is computed while
 * the same data is being written (the write runs on libuv's thread pool), then patched into the
 * local header; the file is fsynced before it is closed.
 *
 * @example
 * ```ts
 * await writeZipFile('out.zip', [{ name: 'a.txt', data: [bytes] }]);
 * ```
 */
export async function writeZipFile(path: string, members: readonly ZipMember[], options: ZipWriteOptions = {}): Promise<void> {
  const { planned, end } = planZip(members, options);
  const handle = await open(path, 'w', 0o644);
  try {
    for (const p of planned) {
      let position = p.offset + p.local.length;
      if (p.crc !== undefined) {
        await writeAt(handle, p.local, p.offset);
        for (const c of p.payload) {
          await writeAt(handle, c, position);
          position += c.length;
        }
        continue;
      }
      let crc = 0;
      for (const w of windowsOf(p.payload)) {
        const written = writeAt(handle, w, position);
        crc = crc32(w, crc);
        await written;
        position += w.length;
      }
      p.crc = crc;
      p.local.writeUInt32LE(crc, LOCAL_CRC_AT);
      await writeAt(handle, p.local, p.offset);
    }
    await writeAt(handle, directoryAndEnd(planned, end, options.forceZip64 === true), end);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A central directory record; ZIP64 extra with exactly the saturated fields (size, compressed size, offset). */
function centralRecord(w: Planned, force: boolean): Buffer {
  const bigSize = force || w.size >= U32_MAX;
  const bigCompressed = force || w.compressedSize >= U32_MAX;
  const bigOffset = force || w.offset >= U32_MAX;
  const fields = [bigSize && w.size, bigCompressed && w.compressedSize, bigOffset && w.offset].filter((x): x is number => x !== false);
  const extraLength = fields.length ? 4 + 8 * fields.length : 0;
  const version = fields.length ? VERSION_ZIP64 : VERSION_DEFAULT;
  const b = Buffer.alloc(CENTRAL_BYTES + w.name.length + extraLength);
  b.writeUInt32LE(SIG_CENTRAL, 0);
  b.writeUInt16LE(MADE_BY_UNIX | version, 4);
  b.writeUInt16LE(version, 6);
  b.writeUInt16LE(w.flags, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(w.crc!, 16);
  b.writeUInt32LE(bigCompressed ? U32_MAX : w.compressedSize, 20);
  b.writeUInt32LE(bigSize ? U32_MAX : w.size, 24);
  b.writeUInt16LE(w.name.length, 28);
  b.writeUInt16LE(extraLength, 30);
  // comment length, start disk, internal attributes: 0
  b.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  b.writeUInt32LE(bigOffset ? U32_MAX : w.offset, 42);
  w.name.copy(b, CENTRAL_BYTES);
  if (fields.length) {
    const p = CENTRAL_BYTES + w.name.length;
    b.writeUInt16LE(ZIP64_EXTRA, p);
    b.writeUInt16LE(8 * fields.length, p + 2);
    fields.forEach((x, i) => writeU64(b, x, p + 4 + 8 * i));
  }
  return b;
}

/** Options of {@link encodeUhiZip}. */
export interface UhiZipOptions extends ZipWriteOptions {
  nonFinite?: NonFinitePolicy;
}

/**
 * A raw document (arrays out of band, keyed as {@link toUHI} keys them) as a UHI zip, in chunks:
 * per histogram its `.npy` members (storage arrays, then axis arrays), then `NAME.json` whose array
 * positions hold those member names.
 *
 * @example
 * ```ts
 * const chunks = encodeUhiZip(toUHI(doc, { arrays: 'external' }));
 * ```
 */
export function encodeUhiZip(raw: RawDocument, options: UhiZipOptions = {}): Uint8Array[] {
  return writeZip(uhiZipMembers(raw, options), options);
}

/** The members of a raw document's UHI zip, in the order they are written. */
function uhiZipMembers(raw: RawDocument, options: UhiZipOptions): ZipMember[] {
  const top = raw.json;
  if (!isObject(top)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.jsonNotObject(Array.isArray(top) ? 'an array' : String(top)));
  const histograms: Json = Object.hasOwn(top, 'uhi_schema') ? { histogram: top } : top; // one histogram at the top level (uhi's rule)
  const members: ZipMember[] = [];
  const memberOfKey = new Map<string, string>();
  for (const name of Object.keys(histograms)) {
    const hist = histograms[name];
    const path = pointer('', name);
    const place = (value: unknown, at: string): unknown => {
      if (typeof value !== 'string') return value;
      const arr = raw.resources.get(value);
      if (!arr) throw new HistSerialError('MISSING_ARRAY', MESSAGES.missingArray(at, value), { path: at });
      let member = memberOfKey.get(value);
      if (member === undefined) {
        member = memberStem(value) + '.npy';
        memberOfKey.set(value, member);
        members.push({ name: member, data: encodeNpy(arr), align: NPY_ALIGN });
      }
      return member;
    };
    let out: unknown = hist;
    if (isObject(hist)) {
      const copy: Json = { ...hist };
      if (isObject(hist.storage)) {
        const storage: Json = { ...hist.storage };
        for (const field of Object.keys(storage)) if (field !== 'type') storage[field] = place(storage[field], pointer(path, 'storage', field));
        copy.storage = storage;
      }
      if (Array.isArray(hist.axes)) {
        copy.axes = hist.axes.map((axis: unknown, i) => {
          if (!isObject(axis)) return axis;
          const a: Json = { ...axis };
          for (const key of AXIS_ARRAY_KEYS) if (typeof a[key] === 'string') a[key] = place(a[key], pointer(path, 'axes', i, key));
          return a;
        });
      }
      out = copy;
    }
    members.push({ name: memberStem(name) + '.json', data: [stringifyJson(out, { nonFinite: options.nonFinite ?? 'python' })] });
  }
  return members;
}

function zipOptions(options: EncodeOptions): UhiZipOptions {
  const { zipCompression, zipLevel, nonFinite } = options;
  return {
    ...(zipCompression === undefined ? {} : { compression: zipCompression }),
    ...(zipLevel === undefined ? {} : { level: zipLevel }),
    ...(nonFinite === undefined ? {} : { nonFinite }),
  };
}

/**
 * The `uhi-zip` codec (zip-entry.ts registers it in the default registry, loaded on first use).
 *
 * @example
 * ```ts
 * const bytes = await encodeDocument(doc, { format: 'uhi-zip', options: { zipCompression: 'deflate' } });
 * ```
 */
export const UHI_ZIP_CODEC: Codec = {
  name: 'uhi-zip',
  extensions: ['.zip'],
  arrays: 'external',
  async decode(bytes, ctx) {
    return decodeUhiZip(memorySource(bytes), ctx);
  },
  async decodeFile(path, ctx) {
    const src = await openFileSource(path);
    try {
      if (src.size > ctx.limits.maxInputBytes) throw new LimitError(MESSAGES.inputTooLarge(src.size, ctx.limits.maxInputBytes), { file: path });
      return await decodeUhiZip(src, ctx);
    } finally {
      await src.close();
    }
  },
  async encode(raw, ctx) {
    return { main: encodeUhiZip(raw, zipOptions(ctx.options)) };
  },
  async encodeFile(path, raw, ctx) {
    const options = zipOptions(ctx.options);
    await writeZipFile(path, uhiZipMembers(raw, options), options);
  },
};
