/**
 * Reading zip archives, a small zip implementation on node:zlib (no jszip, no fflate on the data path):
 * end of central directory (and the ZIP64 locator and record), central directory, local headers; only
 * the members the caller asks for are read. STORE arrays are zero-copy views of the input in memory;
 * from a file ({@link openFileSource}) each array is read into its own exactly-sized buffer (any
 * size), checksummed window by window while the window is in the CPU cache. DEFLATE members are
 * inflated with `maxOutputLength` set to the size they declare (streamed into one buffer past 4 GiB),
 * so a zip bomb cannot allocate more than it declares, and declarations beyond DEFLATE's 1032:1 limit
 * are refused before inflating. CRC-32 is verified on every member read (`zlib.crc32`); member names
 * that are absolute or contain `..` segments, backslashes or NUL are refused.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { HistSerialError, LimitError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import type { NDArray } from '../model/ndarray.js';
import {
  BYTE_WINDOW,
  byteWindows,
  decodeNpy,
  npyArray,
  npyDataBytes,
  npyHeaderLength,
  parseNpyHeader,
  type ByteRange,
  type NpyContext,
  type NpyHeader,
} from './npy.js';
import {
  CENTRAL_BYTES,
  END_BYTES,
  FLAG_UTF8,
  LOCAL_BYTES,
  METHOD_DEFLATE,
  METHOD_STORE,
  SIG_CENTRAL,
  SIG_END,
  SIG_LOCAL,
  SIG_ZIP64_END,
  SIG_ZIP64_LOCATOR,
  U16_MAX,
  U32_MAX,
  ZIP64_END_BYTES,
  ZIP64_EXTRA,
  ZIP64_LOCATOR_BYTES,
} from './zip-format.js';
import { isSafeMemberName } from './zip-names.js';

/** Flag bits 0 (encrypted) and 6 (strong encryption). */
const FLAG_ENCRYPTED = 0x0041;
/** DEFLATE cannot expand data by more than this ratio (one 258-byte match per 2 bits). */
const DEFLATE_MAX_RATIO = 1032;
/** The largest Buffer or Uint8Array Node can make (4 GiB on Node 20): larger members are read as ranges. */
const MAX_MEMBER_BYTES = bufferConstants.MAX_LENGTH;
/** Bytes per read call when array data is checksummed as it is read (fits in L2: the CRC reads it from cache). */
const CRC_READ_WINDOW = 1 << 18;
/** cp437, the zip default for names without the UTF-8 flag: bytes 0x80–0xFF. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

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

/** Random access to the bytes of an archive: in memory (views) or in a file (fresh, aligned buffers). */
export interface ByteSource {
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

export function memorySource(bytes: Uint8Array): ByteSource {
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

export async function openFileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
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
export async function readDirectory(src: ByteSource): Promise<ZipDirectory> {
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
export class Budget {
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
export async function readMember(src: ByteSource, dir: ZipDirectory, e: ZipEntry, budget: Budget): Promise<Uint8Array> {
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
export async function readNpyMember(src: ByteSource, dir: ZipDirectory, e: ZipEntry, budget: Budget, ctx: NpyContext): Promise<NDArray> {
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
