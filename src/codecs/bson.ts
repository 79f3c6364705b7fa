/**
 * BSON: one document `{format: "hist-serial-bson", version: 1, histograms, buffers}` (spec.md 4.3).
 * `histograms` is the UHI JSON with every array replaced by a string key into `buffers`, and each
 * buffer is `{dtype, shape, pad, data}` with `data` a Binary (subtype 0) of little-endian, C-order
 * bytes whose first byte lies at a multiple of 8 from the start of the document.
 *
 * The `bson` library serializes and parses everything except the bulk bytes. It serializes through
 * a module-global scratch buffer (17 MiB by default) that it grows to the size of the largest
 * document it has ever written and never shrinks, and it copies that scratch buffer once more into
 * its result. So the codec has the library serialize only the small parts (each histogram's JSON,
 * each buffer's `{dtype, shape, pad}` header) and writes the framing around them itself — the
 * int32 lengths of the containers and the Binary element headers, whose sizes it computed first —
 * and returns the array data as chunks of the output without copying them. The whole document is
 * sized before anything is serialized, and documents over 2^31 − 1 bytes (the format's int32
 * length, which the library does not check) are refused.
 *
 * Reading checks every length the document declares against the bytes there are before the
 * library sees them (see {@link scanBson}; a file's declared length is compared with its size before
 * the file is read), then lets the library parse with Binary data promoted to `Buffer` views of the
 * input: aligned arrays become typed-array views of the input bytes, without a copy.
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DBRef, calculateObjectSize, deserialize, serialize, setInternalBufferSize, type Document } from 'bson';
import { HistSerialError, LimitError, ParseError, pointer } from '../errors.js';
import { MESSAGES, quote } from '../messages.js';
import { DTYPES, itemSize, sizeOf, type Dtype, type NDArray } from '../model/ndarray.js';
import type { RawDocument } from '../raw.js';
import { BSON_FORMAT_TAG, BSON_MAX_BYTES } from './bson-entry.js';
import type { Codec } from './codec.js';
import { arrayFromBytes, bytesOf } from './descr.js';

/** The layout version this codec writes and the newest it reads. */
export const BSON_LAYOUT_VERSION = 1;

// BSON element types (bsonspec.org) that hist-serial BSON documents may contain.
const T_DOUBLE = 0x01;
const T_STRING = 0x02;
const T_DOCUMENT = 0x03;
const T_ARRAY = 0x04;
const T_BINARY = 0x05;
const T_BOOLEAN = 0x08;
const T_NULL = 0x0a;
const T_INT32 = 0x10;
const T_INT64 = 0x12;
/** Fixed value sizes of the scalar types. */
const SCALAR_BYTES: Partial<Record<number, number>> = { [T_DOUBLE]: 8, [T_BOOLEAN]: 1, [T_NULL]: 0, [T_INT32]: 4, [T_INT64]: 8 };
const TYPE_NAMES: Record<number, string> = {
  0x06: 'undefined (deprecated)',
  0x07: 'ObjectId',
  0x09: 'UTC datetime',
  0x0b: 'regular expression',
  0x0c: 'DBPointer',
  0x0d: 'JavaScript code',
  0x0e: 'symbol',
  0x0f: 'JavaScript code with scope',
  0x11: 'timestamp',
  0x13: 'Decimal128',
  0x7f: 'MaxKey',
  0xff: 'MinKey',
};

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Payloads at least this large are passed to the writer as chunks of their own (no copy); smaller ones are copied into the framing. */
const CHUNK_MIN_BYTES = 64 * 1024;
/** Payloads start at a multiple of this many bytes from the start of the document. */
const ALIGN = 8;

const ENVELOPE_KEYS = ['format', 'version', 'histograms', 'buffers'] as const;
const BUFFER_KEYS = ['dtype', 'shape', 'pad', 'data'] as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkPlatform(): void {
  if (!LITTLE_ENDIAN) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.bsonBigEndianPlatform());
}

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/* ------------------------------------------------------------------------------------------------
 * Encoding
 * ---------------------------------------------------------------------------------------------- */

/** One histogram of the plan: its JSON converted for BSON, and its serialized size. */
interface PlannedHistogram {
  name: string;
  value: Document;
  size: number;
}

/** One buffer of the plan: where it goes and how it is padded. */
interface PlannedBuffer {
  key: string;
  array: NDArray;
  /** `{dtype, shape, pad}` as the library serializes it. */
  header: Document;
  /** Bytes of the header's elements (its serialized size minus the 4-byte length and the NUL). */
  headerBytes: number;
  /** Size of the buffer's sub-document. */
  docBytes: number;
  /** Offset of the first byte of `data` from the start of the document (a multiple of 8). */
  payloadOffset: number;
}

/** The exact layout of a document, computed before anything is serialized. */
export interface BsonPlan {
  /** Total bytes of the document. */
  size: number;
  histograms: PlannedHistogram[];
  /** Bytes of the `histograms` sub-document. */
  histogramsBytes: number;
  buffers: PlannedBuffer[];
  /** Bytes of the `buffers` sub-document. */
  buffersBytes: number;
}

/** `{format, version}`: the first two elements of every document, serialized by the library. */
const HEAD = { format: BSON_FORMAT_TAG, version: BSON_LAYOUT_VERSION };
/** Bytes of an element holding a sub-document, without the sub-document: type, key, NUL. */
const docElementBytes = (key: string) => 1 + utf8Length(key) + 1;
/** Bytes of the `pad` element holding `p` characters: type, `pad\0`, int32, characters, NUL. */
const padElementBytes = (p: number) => 1 + 4 + 4 + p + 1;
/** Bytes of the `data` element before its payload: type, `data\0`, int32 length, subtype. */
const DATA_HEADER_BYTES = 1 + 5 + 4 + 1;

/**
 * Compute the exact size and layout of the BSON document of `raw`, checking that every key can be
 * a BSON key and every array's bytes match its dtype and shape. Serializes nothing and reads no
 * array data (only `data.byteLength`). Throws {@link LimitError} when the document would be larger
 * than {@link BSON_MAX_BYTES}.
 *
 * @example
 * ```ts
 * const { size } = planBson(toUHI(doc));
 * ```
 */
export function planBson(raw: RawDocument): BsonPlan {
  const json = raw.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode('', 'the JSON part must be an object'));
  }
  let offset = 4 + calculateObjectSize(HEAD) - 5;

  // histograms: one sub-document per histogram, each serialized by the library
  const histograms: PlannedHistogram[] = [];
  let histogramsBytes = 4 + 1;
  for (const [name, h] of Object.entries(json as Record<string, unknown>)) {
    if (h === undefined) continue;
    const path = pointer('/histograms', name);
    checkKey(name, path);
    const value = toBsonValue(h, path);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode(path, 'a histogram must be an object'), { path });
    }
    const size = calculateObjectSize(value);
    histograms.push({ name, value: value as Document, size });
    histogramsBytes += docElementBytes(name) + size;
  }
  offset += docElementBytes('histograms') + histogramsBytes;
  if (offset > BSON_MAX_BYTES) throw new LimitError(MESSAGES.bsonTooLarge(offset, BSON_MAX_BYTES));

  // buffers: one sub-document per array, laid out so that each payload starts 8-aligned
  offset += docElementBytes('buffers');
  const buffersStart = offset;
  offset += 4;
  const buffers: PlannedBuffer[] = [];
  for (const [key, array] of raw.resources) {
    const path = pointer('/buffers', key);
    checkKey(key, path);
    if (!(DTYPES as readonly string[]).includes(array.dtype)) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode(path, `unknown dtype ${JSON.stringify(array.dtype)}`), { path });
    }
    const expected = sizeOf(array.shape) * itemSize(array.dtype);
    if (array.data.byteLength !== expected) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonArrayBytes(path, array.dtype, array.shape, array.data.byteLength, expected), { path });
    }
    offset += docElementBytes(key);
    const docStart = offset;
    const base = { dtype: array.dtype, shape: [...array.shape] };
    const baseBytes = calculateObjectSize(base) - 5;
    // payload offset = docStart + 4 (length) + header elements + pad element + data header
    const unpadded = docStart + 4 + baseBytes + padElementBytes(0) + DATA_HEADER_BYTES;
    const p = (ALIGN - (unpadded % ALIGN)) % ALIGN;
    const headerBytes = baseBytes + padElementBytes(p);
    const payloadOffset = unpadded + p;
    const docBytes = 4 + headerBytes + DATA_HEADER_BYTES + array.data.byteLength + 1;
    buffers.push({ key, array, header: { ...base, pad: ' '.repeat(p) }, headerBytes, docBytes, payloadOffset });
    offset = docStart + docBytes;
    // checked per array, so a huge document is refused before the rest is looked at
    if (offset + 2 > BSON_MAX_BYTES) throw new LimitError(MESSAGES.bsonTooLarge(offset + 2, BSON_MAX_BYTES));
  }
  offset += 1; // end of `buffers`
  const buffersBytes = offset - buffersStart;
  const size = offset + 1; // end of the document
  if (size > BSON_MAX_BYTES) throw new LimitError(MESSAGES.bsonTooLarge(size, BSON_MAX_BYTES));
  return { size, histograms, histogramsBytes, buffers, buffersBytes };
}

/** BSON keys are NUL-terminated: a key must not contain NUL. */
function checkKey(key: string, path: string): void {
  if (key.includes('\0')) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonKeyNul(path), { path });
}

/**
 * A JSON value as the library should serialize it: integers outside int32 but within ±2^53 become
 * int64 (bigint) instead of the library's double, so that they stay integers for other readers;
 * `undefined` members are dropped (as JSON does). Anything that is not JSON is refused.
 */
function toBsonValue(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) && (value < INT32_MIN || value > INT32_MAX) ? BigInt(value) : value;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode(path, `the integer ${value} does not fit in int64`), { path });
      }
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v: unknown, i) => (v === undefined ? null : toBsonValue(v, pointer(path, i))));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) break;
      const entries: [string, unknown][] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const p = pointer(path, k);
        checkKey(k, p);
        // The library reads an object with a string `_bsontype` as one of its own classes.
        if (k === '_bsontype') throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonReservedKey(p, k), { path: p });
        entries.push([k, toBsonValue(v, p)]);
      }
      return Object.fromEntries(entries); // data properties: a "__proto__" key stays a key
    }
    default:
  }
  const what = typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode(path, `a ${what} is not a JSON value`), { path });
}

/**
 * Output assembled as chunks: framing and small payloads are copied into glue buffers, large
 * payloads and serialized histograms are passed through as chunks of their own.
 */
class ChunkWriter {
  readonly chunks: Uint8Array[] = [];
  /** Bytes written so far (the offset of the next byte in the document). */
  offset = 0;
  private glue: Buffer;
  private pos = 0;

  constructor(private readonly glueBytes: number) {
    this.glue = Buffer.allocUnsafe(glueBytes);
  }

  private room(n: number): void {
    if (this.pos + n <= this.glue.length) return;
    this.flush();
    if (n > this.glue.length) this.glue = Buffer.allocUnsafe(Math.max(n, this.glueBytes));
  }

  private flush(): void {
    if (this.pos > 0) this.chunks.push(this.glue.subarray(0, this.pos));
    this.glue = this.glue.subarray(this.pos);
    this.pos = 0;
  }

  u8(v: number): void {
    this.room(1);
    this.glue[this.pos++] = v;
    this.offset += 1;
  }

  int32(v: number): void {
    this.room(4);
    this.glue.writeInt32LE(v, this.pos);
    this.pos += 4;
    this.offset += 4;
  }

  cstring(s: string): void {
    const n = utf8Length(s);
    this.room(n + 1);
    this.glue.write(s, this.pos, 'utf8');
    this.glue[this.pos + n] = 0;
    this.pos += n + 1;
    this.offset += n + 1;
  }

  /** Bytes that nobody else will modify (fresh output of the library, array data). */
  bytes(b: Uint8Array): void {
    if (b.length >= CHUNK_MIN_BYTES) {
      this.flush();
      this.chunks.push(b);
    } else {
      this.room(b.length);
      this.glue.set(b, this.pos);
      this.pos += b.length;
    }
    this.offset += b.length;
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }
}

/** Serialize a small document with the library, without letting it grow its scratch buffer beyond `size`. */
function serializeSized(value: Document, size: number, path: string): Uint8Array {
  let out: Uint8Array;
  try {
    // Grows the library's scratch buffer only when `size` passes its current size (17 MiB unless
    // something grew it), which a histogram's JSON or a buffer header practically never does.
    setInternalBufferSize(size);
    out = serialize(value, { checkKeys: false, ignoreUndefined: true });
  } catch (err) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.bsonCannotEncode(path, (err as Error).message), { path, cause: err });
  }
  if (out.length !== size) throw new Error(`bson: ${path} serialized to ${out.length} bytes, ${size} were planned`);
  return out;
}

/** The bytes of a typed array (a view, no copy). */
/**
 * Write the document of a plan as chunks (array data is not copied). The chunks add up to
 * `plan.size` bytes.
 */
export function writeBson(plan: BsonPlan): Uint8Array[] {
  const w = new ChunkWriter(Math.min(plan.size, CHUNK_MIN_BYTES));
  w.int32(plan.size);
  const head = serialize(HEAD);
  w.bytes(head.subarray(4, head.length - 1));

  w.u8(T_DOCUMENT);
  w.cstring('histograms');
  w.int32(plan.histogramsBytes);
  for (const h of plan.histograms) {
    w.u8(T_DOCUMENT);
    w.cstring(h.name);
    w.bytes(serializeSized(h.value, h.size, pointer('/histograms', h.name)));
  }
  w.u8(0);

  w.u8(T_DOCUMENT);
  w.cstring('buffers');
  w.int32(plan.buffersBytes);
  for (const b of plan.buffers) {
    const path = pointer('/buffers', b.key);
    w.u8(T_DOCUMENT);
    w.cstring(b.key);
    w.int32(b.docBytes);
    const header = serializeSized(b.header, b.headerBytes + 5, path);
    w.bytes(header.subarray(4, header.length - 1));
    w.u8(T_BINARY);
    w.cstring('data');
    w.int32(b.array.data.byteLength);
    w.u8(0); // subtype 0: generic binary
    if (w.offset !== b.payloadOffset) throw new Error(`bson: ${path} payload at ${w.offset}, planned at ${b.payloadOffset}`);
    w.bytes(bytesOf(b.array));
    w.u8(0);
  }
  w.u8(0);
  w.u8(0);
  if (w.offset !== plan.size) throw new Error(`bson: wrote ${w.offset} bytes, planned ${plan.size}`);
  return w.finish();
}

/* ------------------------------------------------------------------------------------------------
 * Decoding
 * ---------------------------------------------------------------------------------------------- */

const int32At = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

/** Where in the envelope a document is: decides which keys and types are expected. */
type Role = 'root' | 'buffers' | 'buffer' | 'json';

/**
 * Check the structure of a whole BSON document before the library parses it: the declared length
 * equals the bytes there are and ends with NUL; every nested document, array, string and Binary
 * fits inside its enclosing document; only the element types hist-serial writes occur (double,
 * string, document, array, boolean, null, int32, int64), Binary only as the `data` of a buffer and
 * only with subtype 0; nesting is at most `maxDepth` levels below the envelope. Throws
 * {@link ParseError} (or {@link LimitError} for the depth) with a JSON pointer to the element.
 * Reads no payload bytes, so it costs a few microseconds per element.
 */
export function scanBson(bytes: Uint8Array, maxDepth: number): void {
  if (bytes.length < 5) throw new ParseError(MESSAGES.bsonTooShort(bytes.length));
  const declared = int32At(bytes, 0);
  if (declared < 5) throw new ParseError(MESSAGES.bsonBadLength(declared));
  if (declared > bytes.length) throw new ParseError(MESSAGES.bsonTruncated(declared, bytes.length));
  if (declared < bytes.length) throw new ParseError(MESSAGES.bsonTrailing(declared, bytes.length));
  scanDocument(bytes, 0, declared, '', 'root', false, 0, maxDepth);
}

function scanDocument(
  bytes: Uint8Array,
  start: number,
  end: number,
  path: string,
  role: Role,
  isArray: boolean,
  depth: number,
  maxDepth: number,
): void {
  if (bytes[end - 1] !== 0) throw new ParseError(MESSAGES.bsonBadEnd(path), { path });
  const last = end - 1; // the closing NUL
  let i = start + 4;
  let index = 0;
  while (i < last) {
    const type = bytes[i]!;
    if (type === 0) throw new ParseError(MESSAGES.bsonEarlyEnd(path, i, last), { path });
    let k = i + 1;
    while (k < last && bytes[k] !== 0) k++;
    if (k >= last) throw new ParseError(MESSAGES.bsonBadKey(path), { path });
    // Array keys are "0", "1", …: the position names the element, and large arrays skip decoding keys.
    // (The library does not validate the UTF-8 of keys, only of string values: names are checked here.)
    const key = isArray ? String(index) : decodeKey(bytes, i + 1, k, path);
    const at = pointer(path, key);
    index++;
    let v = k + 1; // start of the value
    const fixed = SCALAR_BYTES[type];
    if (fixed !== undefined) {
      v += fixed;
      if (v > last) throw new ParseError(MESSAGES.bsonPastEnd(at, v - (k + 1), last - (k + 1)), { path: at });
    } else if (type === T_STRING || type === T_DOCUMENT || type === T_ARRAY || type === T_BINARY) {
      if (v + 4 > last) throw new ParseError(MESSAGES.bsonPastEnd(at, 4, last - v), { path: at });
      const n = int32At(bytes, v);
      const extra = type === T_BINARY ? 5 : type === T_STRING ? 4 : 0; // int32 (+ subtype) before the bytes
      const total = n + extra;
      if (n < (type === T_STRING ? 1 : type === T_BINARY ? 0 : 5) || v + total > last) {
        throw new ParseError(MESSAGES.bsonPastEnd(at, Math.max(n, 0) + extra, last - v), { path: at });
      }
      if (type === T_STRING && bytes[v + total - 1] !== 0) throw new ParseError(MESSAGES.bsonBadString(at), { path: at });
      if (type === T_BINARY) {
        if (role !== 'buffer' || key !== 'data') throw new ParseError(MESSAGES.bsonUnexpectedBinary(at), { path: at });
        const subtype = bytes[v + 4]!;
        if (subtype !== 0) throw new ParseError(MESSAGES.bsonBinarySubtype(at, subtype), { path: at });
      }
      if (type === T_DOCUMENT || type === T_ARRAY) {
        // `histograms` (depth 1) is the JSON root: depth d here is JSON nesting level d
        if (depth + 1 > maxDepth) throw new LimitError(MESSAGES.bsonTooDeep(maxDepth, at), { path: at });
        const child: Role = role === 'root' && key === 'buffers' ? 'buffers' : role === 'buffers' && type === T_DOCUMENT ? 'buffer' : 'json';
        scanDocument(bytes, v, v + n, at, child, type === T_ARRAY, depth + 1, maxDepth);
      }
      v += total;
    } else {
      throw new ParseError(MESSAGES.bsonUnsupportedType(at, type, TYPE_NAMES[type]), { path: at });
    }
    i = v;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeKey(bytes: Uint8Array, from: number, to: number, path: string): string {
  try {
    return UTF8.decode(bytes.subarray(from, to));
  } catch {
    throw new ParseError(MESSAGES.bsonBadKeyUtf8(path), { path });
  }
}

/**
 * Options for the library: Binary (subtype 0, the scan made sure) as Buffer views of the input,
 * int64 as bigint (never a lossy Long or number), UTF-8 of strings validated.
 */
const DESERIALIZE_OPTIONS = {
  promoteBuffers: true,
  promoteValues: true,
  promoteLongs: true,
  useBigInt64: true,
  validation: { utf8: true },
} as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof DBRef);

/**
 * The JSON part as the model expects it, in place: int64 (bigint) → number (exact within ±2^53),
 * DBRef (the library's reading of an object with `$ref` and `$id` keys) → a plain object again.
 */
function fromBsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof DBRef) {
    const plain: Record<string, unknown> = { $ref: value.collection, $id: value.oid };
    if (value.db !== undefined) plain.$db = value.db;
    return fromBsonValue({ ...plain, ...(value.fields as Record<string, unknown>) }); // spread: a "__proto__" key stays a key
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromBsonValue(value[i]);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === 'object' || typeof v === 'bigint') obj[k] = fromBsonValue(v);
  }
  return obj;
}

function envelopeError(path: string, what: string): ParseError {
  return new ParseError(MESSAGES.bsonEnvelope(path, what), { path });
}

/** A shape from the document: non-negative integers (int32, or int64 within ±2^53). */
function readShape(v: unknown, path: string): number[] {
  if (!Array.isArray(v)) throw envelopeError(path, 'must be an array of non-negative integers');
  return v.map((d: unknown, i) => {
    const n = typeof d === 'bigint' && d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw envelopeError(pointer(path, i), `must be a non-negative integer, found ${quote(d)}`);
    return n;
  });
}

/** An NDArray over little-endian bytes: a view when they are aligned for the dtype, else a copy. */
function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], required: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw envelopeError(pointer(path, k), `is not part of the layout; expected only ${allowed.join(', ')}`);
  }
  for (const k of required) if (!(k in obj)) throw envelopeError(pointer(path, k), 'is missing');
}

/** The raw document of a parsed envelope, checking every buffer's dtype and shape against its bytes. */
function envelopeToRaw(doc: Document): RawDocument {
  if (doc.format !== BSON_FORMAT_TAG) throw new ParseError(MESSAGES.bsonNotOurs(quote(doc.format)), { path: '/format' });
  const version: unknown = doc.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > BSON_LAYOUT_VERSION) {
    throw new HistSerialError('UNSUPPORTED_VERSION', MESSAGES.bsonUnsupportedVersion(version, BSON_LAYOUT_VERSION), { path: '/version' });
  }
  if (version !== BSON_LAYOUT_VERSION) throw envelopeError('/version', `must be ${BSON_LAYOUT_VERSION}, found ${quote(version)}`);
  checkKeys(doc, ENVELOPE_KEYS, ENVELOPE_KEYS, '');
  if (!isPlainObject(doc.histograms)) throw envelopeError('/histograms', 'must be a document');
  if (!isPlainObject(doc.buffers)) throw envelopeError('/buffers', 'must be a document');

  const resources = new Map<string, NDArray>();
  for (const [key, b] of Object.entries(doc.buffers)) {
    const path = pointer('/buffers', key);
    if (!isPlainObject(b)) throw envelopeError(path, 'must be a document {dtype, shape, pad, data}');
    checkKeys(b, BUFFER_KEYS, ['dtype', 'shape', 'data'], path);
    const dtype = b.dtype;
    if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
      throw new HistSerialError('DTYPE_NOT_ALLOWED', MESSAGES.bsonUnknownDtype(pointer(path, 'dtype'), quote(dtype), DTYPES), {
        path: pointer(path, 'dtype'),
      });
    }
    if (b.pad !== undefined && typeof b.pad !== 'string') throw envelopeError(pointer(path, 'pad'), 'must be a string');
    const shape = readShape(b.shape, pointer(path, 'shape'));
    const data = b.data;
    if (!(data instanceof Uint8Array)) throw envelopeError(pointer(path, 'data'), 'must be Binary data'); // the scan makes this unreachable
    const expected = sizeOf(shape) * itemSize(dtype as Dtype);
    if (data.byteLength !== expected) {
      throw new HistSerialError('SHAPE_MISMATCH', MESSAGES.bsonArrayBytes(pointer(path, 'data'), dtype, shape, data.byteLength, expected), {
        path: pointer(path, 'data'),
      });
    }
    resources.set(key, arrayFromBytes(dtype as Dtype, shape, data));
  }
  return { json: fromBsonValue(doc.histograms), resources };
}

/**
 * Decode a hist-serial BSON document. Arrays whose bytes are aligned for their dtype (all of them,
 * in files hist-serial writes, when `bytes` starts at a multiple of 8 in its ArrayBuffer, as the
 * buffers Node reads files into do) are views of `bytes`, not copies.
 */
export function decodeBson(bytes: Uint8Array, maxDepth: number): RawDocument {
  checkPlatform();
  scanBson(bytes, maxDepth);
  let doc: Document;
  try {
    doc = deserialize(bytes, DESERIALIZE_OPTIONS);
  } catch (err) {
    throw new ParseError(MESSAGES.bsonInvalid((err as Error).message), { cause: err });
  }
  return envelopeToRaw(doc);
}

/**
 * Read a BSON file into memory with its size checked first: against `maxInputBytes`, and the
 * document's declared length against the file's size before the rest of the file is read (a file
 * over 2^31 − 1 bytes cannot be one BSON document and is never read). The body is read with
 * synchronous reads into one fresh buffer: as fast as `fs.readFileSync`, where Node's threadpool
 * reads measured 10–15% slower (and `fs.promises.readFile` 30–40%), at the price of blocking the
 * event loop for the read, as the synchronous decoding that follows does anyway (at most 2 GiB:
 * about a second). The buffer starts at a multiple of 8, so every array of a file hist-serial wrote
 * is a view of it.
 */
export function readBsonFile(path: string, maxInputBytes: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { size } = fstatSync(fd);
    if (size > maxInputBytes) throw new LimitError(MESSAGES.inputTooLarge(size, maxInputBytes), { file: path });
    if (size < 5) throw new ParseError(MESSAGES.bsonTooShort(size), { file: path });
    const head = Buffer.alloc(4);
    readFully(fd, head, 0);
    const declared = head.readInt32LE(0);
    if (declared < 5) throw new ParseError(MESSAGES.bsonBadLength(declared), { file: path });
    if (declared > size) throw new ParseError(MESSAGES.bsonTruncated(declared, size), { file: path });
    if (declared < size) throw new ParseError(MESSAGES.bsonTrailing(declared, size), { file: path });
    const bytes = Buffer.allocUnsafeSlow(size);
    head.copy(bytes);
    if (readFully(fd, bytes, 4) !== size) throw new ParseError(MESSAGES.bsonTruncated(declared, size), { file: path });
    return bytes;
  } catch (err) {
    if (err instanceof HistSerialError) throw err;
    throw new HistSerialError('IO', MESSAGES.io('read', path, (err as Error).message), { file: path, cause: err });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Fill `buf` from file position `from` (reads until the end of `buf` or of the file); returns the bytes in `buf`. */
function readFully(fd: number, buf: Buffer, from: number): number {
  let off = from;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, Math.min(buf.length - off, 0x7fff_f000), off);
    if (n === 0) break;
    off += n;
  }
  return off;
}

/**
 * The BSON codec (`.bson`).
 *
 * @example
 * ```ts
 * const bytes = await encodeDocument(doc, { format: 'bson' });
 * const back = await decodeDocument(bytes); // detected from the content
 * ```
 */
export const BSON_CODEC: Codec = {
  name: 'bson',
  extensions: ['.bson'],
  arrays: 'external',
  async decode(bytes, ctx) {
    return decodeBson(bytes, ctx.limits.maxJsonDepth);
  },
  async decodeFile(path, ctx) {
    return decodeBson(readBsonFile(path, ctx.limits.maxInputBytes), ctx.limits.maxJsonDepth);
  },
  async encode(raw) {
    checkPlatform();
    const chunks = writeBson(planBson(raw));
    return { main: chunks.length === 1 ? chunks[0]! : chunks };
  },
};
