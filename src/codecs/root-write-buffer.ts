/**
 * A big-endian write buffer for ROOT's object serialization (what `TBufferFile` does when writing):
 * numbers, `TString`s, byte-count + version headers that are back-patched once the object is
 * written, `TObject` headers, and class tags for objects written through a pointer
 * (`WriteObjectAny`: a new class tag `0xFFFFFFFF` + the class name the first time, a reference to
 * that tag afterwards).
 *
 * The bytes are kept as chunks and never concatenated: small writes fill a block, and every bulk
 * typed array larger than {@link BULK_CHUNK_BYTES} becomes a chunk of its own, byte-swapped in one
 * native call (`Buffer#swap64` …) rather than element by element through a `DataView`. A buffer
 * built with `measure: true` stores no bulk data at all and only counts it, so the size of an
 * object can be known before any large copy is made.
 *
 * ```ts
 * const b = new RootWriteBuffer({ origin: keyLength });
 * const h = b.startVersion(1);   // byte count (patched later) + version
 * b.tobject(0, 0x03000000);
 * b.string('name');
 * b.endVersion(h);
 * const chunks = b.finish();
 * ```
 * @module
 */
import { LimitError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { BYTE_COUNT_MASK, CLASS_MASK, LITTLE_ENDIAN_PLATFORM, MAP_OFFSET, MAX_BYTE_COUNT, NEW_CLASS_TAG } from './root-constants.js';

export { MAX_BYTE_COUNT };

/** Typed arrays of more bytes than this become chunks of their own instead of being copied into a block. */
export const BULK_CHUNK_BYTES = 1 << 16;

/** Blocks start small and double up to this size, so that many small objects do not each hold a large block. */
const FIRST_BLOCK_BYTES = 1 << 10;
const MAX_BLOCK_BYTES = 1 << 16;
const utf8 = new TextEncoder();

/** A typed array written element-wise big-endian by {@link RootWriteBuffer.array}. */
export type BulkArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/** Where a reserved 4-byte byte count lives, and the position it counts from. */
export interface ByteCountMark {
  readonly block: Uint8Array;
  readonly at: number;
  /** Position (in this buffer) just after the 4 reserved bytes. */
  readonly start: number;
}

/** Options of {@link RootWriteBuffer}. */
export interface RootWriteBufferOptions {
  /**
   * What ROOT adds to a position in this buffer to make a class-tag offset: the length of the key
   * in front of the object (ROOT serializes the key header and the object into one buffer).
   */
  origin?: number;
  /** Count bulk arrays without storing them (for sizing an object before writing it). */
  measure?: boolean;
}

/** Byte-swap `bytes` in place, elements of `size` bytes (a no-op on big-endian platforms). */
function swapInPlace(bytes: Uint8Array, size: number): void {
  if (!LITTLE_ENDIAN_PLATFORM || size === 1 || bytes.length === 0) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 8) b.swap64();
  else if (size === 4) b.swap32();
  else b.swap16();
}

/** The growable big-endian buffer; see the module documentation. */
export class RootWriteBuffer {
  readonly origin: number;
  readonly measure: boolean;
  private readonly chunks: Uint8Array[] = [];
  private sealedBytes = 0;
  private block: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly classTags = new Map<string, number>();

  constructor(options: RootWriteBufferOptions = {}) {
    this.origin = options.origin ?? 0;
    this.measure = options.measure === true;
    this.block = new Uint8Array(FIRST_BLOCK_BYTES);
    this.view = new DataView(this.block.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.sealedBytes + this.pos;
  }

  /**
   * Close the current block and start a new one of at least `n` bytes. A block mostly unused is
   * copied to its used length; a byte count reserved in it is patched through the `ByteCountMark`,
   * which keeps the block it was reserved in, so the copy is made only when the buffer is finished.
   */
  private seal(n = 0): void {
    if (this.pos > 0) {
      this.chunks.push(this.block.subarray(0, this.pos));
      this.sealedBytes += this.pos;
    }
    this.block = new Uint8Array(Math.max(Math.min(this.block.length * 2, MAX_BLOCK_BYTES), n));
    this.view = new DataView(this.block.buffer);
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.block.length) this.seal(n);
  }

  u8(v: number): void {
    this.ensure(1);
    this.block[this.pos++] = v;
  }
  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }
  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  i64(v: number | bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt(v));
    this.pos += 8;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  /** Raw bytes, copied. */
  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.block.set(data, this.pos);
    this.pos += data.length;
  }

  /**
   * The elements of a typed array, big-endian, without a count. Large arrays become a chunk of their
   * own (one copy, swapped in place by a native call); in a measuring buffer they are only counted.
   */
  array(a: BulkArray): void {
    const size = a.BYTES_PER_ELEMENT;
    const src = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (src.length > BULK_CHUNK_BYTES) {
      this.seal();
      if (this.measure) {
        this.chunks.push(new Uint8Array(0));
      } else {
        const copy = new Uint8Array(src.length);
        copy.set(src);
        swapInPlace(copy, size);
        this.chunks.push(copy);
      }
      this.sealedBytes += src.length;
      return;
    }
    this.ensure(src.length);
    this.block.set(src, this.pos);
    swapInPlace(this.block.subarray(this.pos, this.pos + src.length), size);
    this.pos += src.length;
  }

  /** A `TArray` member or base (`TArrayD::Streamer`): the count, then the elements; no version. */
  tarray(a: BulkArray): void {
    this.i32(a.length);
    this.array(a);
  }

  /** A `TString`: one length byte, or 255 and a 4-byte length from 255 bytes on; UTF-8. */
  string(s: string | Uint8Array): void {
    const b = typeof s === 'string' ? utf8.encode(s) : s;
    if (b.length < 255) this.u8(b.length);
    else {
      this.u8(255);
      this.i32(b.length);
    }
    this.bytes(b);
  }

  /** A NUL-terminated string (class names after a new class tag). */
  cstring(s: string): void {
    this.bytes(utf8.encode(s));
    this.u8(0);
  }

  /** Reserve a 4-byte byte count, to be filled by {@link endByteCount}. */
  startByteCount(): ByteCountMark {
    this.ensure(4);
    const mark = { block: this.block, at: this.pos, start: this.length + 4 };
    this.pos += 4;
    return mark;
  }

  /** Fill a byte count reserved by {@link startByteCount}: the bytes written since, with the mask bit. */
  endByteCount(mark: ByteCountMark): void {
    const count = this.length - mark.start;
    if (count > MAX_BYTE_COUNT && !this.measure) throw new LimitError(MESSAGES.rootWriteByteCount(count, MAX_BYTE_COUNT));
    new DataView(mark.block.buffer, mark.block.byteOffset).setUint32(mark.at, (count | BYTE_COUNT_MASK) >>> 0);
  }

  /** A byte count + version header (`WriteVersion(cl, kTRUE)`), closed by {@link endVersion}. */
  startVersion(version: number): ByteCountMark {
    const mark = this.startByteCount();
    this.i16(version);
    return mark;
  }

  endVersion(mark: ByteCountMark): void {
    this.endByteCount(mark);
  }

  /** `TObject::Streamer`: version 1 (no byte count), fUniqueID, fBits (never with kIsReferenced). */
  tobject(uniqueID: number, bits: number): void {
    this.i16(1);
    this.u32(uniqueID);
    this.u32(bits & ~0x10);
  }

  /** A null object pointer. */
  nullPointer(): void {
    this.u32(0);
  }

  /**
   * An object written through a pointer (`WriteObjectAny`): byte count, the class (new tag + name the
   * first time in this buffer, a reference afterwards), then what `body` writes.
   */
  objectAny(className: string, body: () => void): void {
    const mark = this.startByteCount();
    const known = this.classTags.get(className);
    if (known !== undefined) this.u32((known | CLASS_MASK) >>> 0);
    else {
      this.classTags.set(className, this.origin + this.length + MAP_OFFSET);
      this.u32(NEW_CLASS_TAG);
      this.cstring(className);
    }
    body();
    this.endByteCount(mark);
  }

  /**
   * The bytes written, as chunks (the buffer must not be written to afterwards). Blocks less than
   * half used are copied to their length, so small objects do not keep large blocks alive.
   */
  finish(): Uint8Array[] {
    this.seal();
    return this.chunks.filter((c) => c.length > 0).map((c) => (c.length * 2 < c.buffer.byteLength && c.length < MAX_BLOCK_BYTES ? c.slice() : c));
  }
}
