/**
 * A big-endian read cursor over ROOT bytes (a whole file, or one object's uncompressed record), with
 * the pieces of ROOT's `TBufferFile` that histograms need: numbers, strings, `TObject` headers,
 * byte-count + version headers (`kByteCountMask`), and object references / class tags as written by
 * `WriteObjectAny` (`kNewClassTag`, `kClassMask`). Every read is bounds-checked: reading past the end
 * throws a {@link ParseError} naming what was being read and where; nothing is allocated from a size
 * field before the bytes it describes are known to be present.
 * @module
 */
import { HistSerialError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { BYTE_COUNT_MASK, BYTE_COUNT_VMASK, CLASS_MASK, IS_REFERENCED, LITTLE_ENDIAN_PLATFORM, MAP_OFFSET, NEW_CLASS_TAG, STREAMED_MEMBER_WISE } from './root-constants.js';

/** A class byte-count + version header. */
export interface VersionHeader {
  version: number;
  /** Displacement where the header starts. */
  start: number;
  /** Displacement where the object ends according to its byte count, or null without a byte count. */
  end: number | null;
}

/** A `TObject` header's members. */
export interface TObjectHeader {
  fUniqueID: number;
  fBits: number;
}

/** What `ReadObjectAny` found at the cursor. */
export type ObjectTag =
  | { kind: 'null' }
  /** A reference to an object read earlier in this buffer. */
  | { kind: 'ref'; offset: number }
  /**
   * A new object; `className` is null when its class tag refers to a class that was skipped unread.
   * `end` is where the object ends (from its byte count), null without one.
   */
  | { kind: 'object'; className: string | null; start: number; end: number | null };

/** Options of {@link RootReadBuffer}. */
export interface RootReadBufferOptions {
  /** Displacement of byte 0 (an object record's `fKeylen`: object offsets count the key header). */
  origin?: number;
  /** What the bytes are, for messages (`key "dir/h;1"`). */
  where: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Big-endian cursor over ROOT bytes. Positions (`pos`) index `bytes`; displacements add `origin`.
 *
 * @example
 * ```ts
 * const buf = new RootReadBuffer(object, { origin: keylen, where: 'key "h;1"' });
 * const h = buf.version('TNamed');
 * buf.tobject();
 * const name = buf.string('fName');
 * ```
 */
export class RootReadBuffer {
  readonly bytes: Uint8Array;
  readonly where: string;
  readonly origin: number;
  pos = 0;
  private readonly view: DataView;
  /** Classes met in the stream by map offset (`ReadObjectAny`'s class tags). */
  private readonly classes = new Map<number, string>();
  /** Map offsets of objects met in the stream, with their class. */
  private readonly objects = new Map<number, string | null>();

  constructor(bytes: Uint8Array, options: RootReadBufferOptions) {
    this.bytes = bytes;
    this.where = options.where;
    this.origin = options.origin ?? 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the cursor. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** The cursor as a displacement (what byte counts and references are relative to). */
  get displacement(): number {
    return this.pos + this.origin;
  }

  /** Throw unless `n` bytes remain. */
  need(n: number, what: string): void {
    if (!(n >= 0) || n > this.remaining) throw this.pastEnd(what, n);
  }

  /** The error for a read of `n` bytes past the end. */
  pastEnd(what: string, n: number): ParseError {
    return new ParseError(MESSAGES.rootReadPastEnd(what, this.displacement, n, this.remaining, this.where));
  }

  /** A parse error about this buffer. */
  corrupt(what: string): ParseError {
    return new ParseError(MESSAGES.rootReadKey(this.where, what));
  }

  /** Move to position `pos` (an index of `bytes`), checked. */
  seek(pos: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.bytes.length) {
      throw new ParseError(MESSAGES.rootReadSeek(what, pos, 0, this.bytes.length));
    }
    this.pos = pos;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  i8(what: string): number {
    this.need(1, what);
    return this.view.getInt8(this.pos++);
  }

  bool(what: string): boolean {
    return this.u8(what) !== 0;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A signed 64-bit integer as a number; values beyond ±2^53 are refused as corrupt. */
  i64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    if (v > BigInt(MAX_SAFE) || v < -BigInt(MAX_SAFE)) throw this.corrupt(`${what} is ${v}, beyond 2^53`);
    this.pos += 8;
    return Number(v);
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes (a view, not a copy). */
  raw(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A ROOT string (TString, key names): 1-byte length, or 255 then a 4-byte length; Latin-1/UTF-8 bytes. */
  string(what: string): string {
    let n = this.u8(`the length of ${what}`);
    if (n === 255) n = this.i32(`the long length of ${what}`);
    if (n < 0) throw this.corrupt(`${what} has a negative length ${n}`);
    return decodeText(this.raw(n, what));
  }

  /** A NUL-terminated string (class names after kNewClassTag), at most `max` bytes. */
  cstring(what: string, max = 1024): string {
    const stop = Math.min(this.bytes.length, this.pos + max + 1);
    for (let i = this.pos; i < stop; i++) {
      if (this.bytes[i] === 0) {
        const s = decodeText(this.bytes.subarray(this.pos, i));
        this.pos = i + 1;
        return s;
      }
    }
    if (stop === this.bytes.length) throw this.pastEnd(`${what} (no NUL terminator)`, stop - this.pos + 1);
    throw this.corrupt(`${what} is longer than ${max} bytes`);
  }

  /** Array of `n` big-endian elements, `n` checked against the bytes left before allocating. */
  f64Array(n: number, what: string): Float64Array {
    return new Float64Array(this.swapped(n, 8, what));
  }

  f32Array(n: number, what: string): Float32Array {
    return new Float32Array(this.swapped(n, 4, what));
  }

  i8Array(n: number, what: string): Int8Array {
    this.arrayNeed(n, 1, what);
    const out = new Int8Array(n);
    out.set(new Int8Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, n));
    this.pos += n;
    return out;
  }

  i16Array(n: number, what: string): Int16Array {
    return new Int16Array(this.swapped(n, 2, what));
  }

  i32Array(n: number, what: string): Int32Array {
    return new Int32Array(this.swapped(n, 4, what));
  }

  i64Array(n: number, what: string): BigInt64Array {
    return new BigInt64Array(this.swapped(n, 8, what));
  }

  /**
   * `n` big-endian items of `size` bytes as a new buffer in the platform's (little-endian) order:
   * one bulk copy and one in-place byte swap (Buffer#swap16/32/64), not a DataView call per item.
   */
  private swapped(n: number, size: 2 | 4 | 8, what: string): ArrayBuffer {
    this.arrayNeed(n, size, what);
    const bytes = new Uint8Array(n * size);
    bytes.set(this.bytes.subarray(this.pos, this.pos + n * size));
    const b = Buffer.from(bytes.buffer, 0, bytes.length);
    if (!LITTLE_ENDIAN_PLATFORM) return bytes.buffer; // already in the platform's order
    if (size === 8) b.swap64();
    else if (size === 4) b.swap32();
    else b.swap16();
    this.pos += n * size;
    return bytes.buffer;
  }

  private arrayNeed(n: number, size: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0) throw this.corrupt(`${what} has an invalid length ${n}`);
    this.need(n * size, `${what} (${n} elements)`);
  }

  /**
   * A class header: a 4-byte byte count (bit 30 set) and a 2-byte version, or only a 2-byte version
   * (old streams). The end it returns is checked to lie inside the buffer.
   */
  version(className: string): VersionHeader {
    const start = this.displacement;
    const what = `the ${className} version header`;
    this.need(4, what);
    const first = this.view.getUint32(this.pos);
    let end: number | null = null;
    if (first & BYTE_COUNT_MASK && first !== NEW_CLASS_TAG && !(first & CLASS_MASK)) {
      const count = first & ~BYTE_COUNT_MASK;
      this.pos += 4;
      end = this.displacement + count;
      if (count < 2 || end - this.origin > this.bytes.length) {
        throw new ParseError(
          MESSAGES.rootReadPastEnd(`${className} (byte count ${count})`, start, count + 4, this.bytes.length - (start - this.origin), this.where),
        );
      }
    }
    const raw = this.u16(what);
    if (raw & STREAMED_MEMBER_WISE) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootReadMemberwise(className, this.where));
    return { version: raw, start, end };
  }

  /** Check the cursor is where the header's byte count says the object ends. */
  checkEnd(header: VersionHeader, className: string): void {
    if (header.end !== null && header.end !== this.displacement) {
      throw new ParseError(MESSAGES.rootReadByteCount(className, this.where, header.end, this.displacement));
    }
  }

  /** Move to the end of an object by its byte count (for parts that are skipped unread). */
  skipTo(end: number, what: string): void {
    const pos = end - this.origin;
    if (pos < this.pos || pos > this.bytes.length) throw this.corrupt(`${what} ends at byte ${end}, outside the object`);
    this.pos = pos;
  }

  /** `TObject::Streamer`: version (with a byte count in some streams), fUniqueID, fBits, and the pid when referenced. */
  tobject(): TObjectHeader {
    const v = this.u16('the TObject version');
    if (v & BYTE_COUNT_VMASK) this.skip(4, 'the TObject version after its byte count');
    const fUniqueID = this.u32('TObject::fUniqueID');
    const fBits = this.u32('TObject::fBits');
    if (fBits & IS_REFERENCED) this.skip(2, 'the TObject process id');
    return { fUniqueID, fBits };
  }

  /**
   * The header of an object written by `WriteObjectAny` (pointer members, collection items): null,
   * a reference to an earlier object, or a new object of a new or known class. After it, read the
   * object's members (when its class is known) or {@link skipObject} it, then call
   * {@link endObject}.
   */
  objectTag(what: string): ObjectTag {
    const beg = this.displacement;
    const first = this.u32(`the object tag of ${what}`);
    let tag = first;
    let end: number | null = null;
    let start = beg;
    if (first & BYTE_COUNT_MASK && first !== NEW_CLASS_TAG) {
      const count = first & ~BYTE_COUNT_MASK;
      end = this.displacement + count;
      if (count < 4 || end - this.origin > this.bytes.length) {
        throw new ParseError(MESSAGES.rootReadPastEnd(`${what} (byte count ${count})`, beg, count + 4, this.bytes.length - (beg - this.origin), this.where));
      }
      start = this.displacement;
      tag = this.u32(`the class tag of ${what}`);
    }
    if (!(tag & CLASS_MASK)) {
      if (tag === 0) return { kind: 'null' };
      // A reference to an object already read (or one skipped unread): nothing follows it.
      if (end !== null) this.skipTo(end, what);
      return { kind: 'ref', offset: tag };
    }
    let className: string | null;
    if (tag === NEW_CLASS_TAG) {
      className = this.cstring(`the class name of ${what}`);
      this.classes.set(start + MAP_OFFSET, className);
    } else {
      const ref = (tag & ~CLASS_MASK) >>> 0;
      className = this.classes.get(ref) ?? null;
      if (className === null && end === null) throw new ParseError(MESSAGES.rootReadBadTag(this.where, tag >>> 0, beg));
    }
    this.objects.set(beg + MAP_OFFSET, className);
    return { kind: 'object', className, start: beg, end };
  }

  /** Skip the rest of an object whose tag {@link objectTag} returned, using its byte count. */
  skipObject(tag: ObjectTag & { kind: 'object' }, what: string): void {
    if (tag.end === null) throw new ParseError(MESSAGES.rootReadNoByteCount(this.where, what, tag.start));
    this.skipTo(tag.end, what);
  }

  /** Check an object read after {@link objectTag} ended where its byte count says. */
  endObject(tag: ObjectTag & { kind: 'object' }, className: string): void {
    if (tag.end !== null && tag.end !== this.displacement) {
      throw new ParseError(MESSAGES.rootReadByteCount(className, this.where, tag.end, this.displacement));
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** ROOT strings are bytes: UTF-8 when they decode as UTF-8, else Latin-1 (older files). */
export function decodeText(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1.decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}
