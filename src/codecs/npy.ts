/**
 * numpy's `.npy` array format (numpy.lib.format, NEP 1), the array container of UHI zips.
 *
 * Reading: versions 1.0 and 2.0 (latin-1 header) and 3.0 (UTF-8 header); the header, a Python
 * dict literal, is parsed by a small literal parser (never evaluated) and checked key by key;
 * dtypes b1, i1…i8, u1…u8, f4, f8 in any byte order (big-endian data is byte-swapped to native);
 * `fortran_order: True` data is transposed to C order; 0-d arrays (`shape: ()`). The declared
 * shape × item size must equal the bytes present, and that is checked before anything is allocated.
 * Data stays a zero-copy view of the input when it is native-endian, C-ordered and aligned to its
 * item size; otherwise it is copied.
 *
 * Writing: version 1.0 (2.0 when the header passes 65535 bytes), byte for byte what numpy 1.24's
 * `np.save` writes: same dict text, the same spare space after it and padding to 64 bytes, so the
 * data starts 64-byte aligned within the file.
 * @module
 */
import { HistSerialError, LimitError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { dtypeOf, allocate, itemSize, viewOf, type Dtype, type NDArray, type TypedArray } from '../model/ndarray.js';
import { fromDescr } from './descr.js';

/** `\x93NUMPY`. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;
/** Magic + the two version bytes. */
const MAGIC_LEN = 8;
/** numpy pads the header so the data starts at a multiple of this. */
export const NPY_ALIGN = 64;
/** numpy leaves room after the dict for the first dimension to grow to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Deepest nesting accepted in a header literal (numpy's own headers nest two levels). */
const MAX_LITERAL_DEPTH = 16;

/** Longest typed array Node 20 can make (elements). */
const MAX_ELEMENTS = 2 ** 32 - 1;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Bytes somewhere in an ArrayBuffer: a Uint8Array, or a range longer than one Uint8Array can be
 * (4 GiB on Node 20), as zip reads arrays over 4 GiB from files.
 */
export interface ByteRange {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** Largest window used to walk a {@link ByteRange} (a multiple of every item size and of 64). */
export const BYTE_WINDOW = 1 << 30;

/**
 * A range as Uint8Array windows of at most {@link BYTE_WINDOW} bytes (views, no copies).
 *
 * @example
 * ```ts
 * for (const w of byteWindows(arr.data)) crc = crc32(w, crc);
 * ```
 */
export function byteWindows(range: ByteRange): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < range.byteLength; off += BYTE_WINDOW) {
    out.push(new Uint8Array(range.buffer, range.byteOffset + off, Math.min(BYTE_WINDOW, range.byteLength - off)));
  }
  return out.length ? out : [new Uint8Array(range.buffer, range.byteOffset, 0)];
}

/** What a `.npy` header says. */
export interface NpyHeader {
  /** Format version `[major, minor]`. */
  version: readonly [number, number];
  /** The dtype string as written (`'<f8'`, `'>i4'`, `'|b1'`). */
  descr: string;
  dtype: Dtype;
  /** Byte order of the data (irrelevant for 1-byte dtypes, which report the host's). */
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes before the data: magic, version, header length field, header text and padding. */
  dataOffset: number;
}

/** Where a `.npy` came from, for messages (`what`) and errors (`path`, a JSON pointer). */
export interface NpyContext {
  /** Names the array in messages, e.g. `zip member "h_storage_values.npy"` (default `.npy data`). */
  what?: string;
  /** JSON pointer of the array position that referenced it. */
  path?: string;
}

function parseError(ctx: NpyContext, message: (what: string) => string): ParseError {
  return new ParseError(message(ctx.what ?? '.npy data'), { path: ctx.path ?? '' });
}

/**
 * Total length of the header (magic to the end of the padding, i.e. where the data starts), from
 * the first 12 bytes (10 suffice for version 1.0).
 *
 * @example
 * ```ts
 * const offset = npyHeaderLength(bytes.subarray(0, 12));
 * ```
 */
export function npyHeaderLength(prefix: Uint8Array, ctx: NpyContext = {}): number {
  const what = ctx.what ?? '.npy data';
  const path = ctx.path ?? '';
  if (prefix.length < MAGIC_LEN || MAGIC.some((b, i) => prefix[i] !== b)) throw new ParseError(MESSAGES.npyMagic(what), { path });
  const major = prefix[6]!;
  const minor = prefix[7]!;
  if (minor !== 0 || major < 1 || major > 3) throw new ParseError(MESSAGES.npyVersion(what, major, minor), { path });
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) {
    if (prefix.length < 10) throw parseError(ctx, MESSAGES.npyHeaderCut);
    return 10 + view.getUint16(8, true);
  }
  if (prefix.length < 12) throw parseError(ctx, MESSAGES.npyHeaderCut);
  return 12 + view.getUint32(8, true);
}

/**
 * Parse a `.npy` header. `bytes` must hold at least the whole header (see {@link npyHeaderLength}).
 * Every malformed header is a PARSE error; an unsupported dtype is DTYPE_NOT_ALLOWED.
 *
 * @example
 * ```ts
 * const { dtype, shape, dataOffset } = parseNpyHeader(bytes);
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, ctx: NpyContext = {}): NpyHeader {
  const dataOffset = npyHeaderLength(bytes, ctx);
  if (bytes.length < dataOffset) throw parseError(ctx, (what) => MESSAGES.npyHeaderShort(what, dataOffset, bytes.length));
  const major = bytes[6]!;
  const start = major === 1 ? 10 : 12;
  const raw = bytes.subarray(start, dataOffset);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw parseError(ctx, MESSAGES.npyHeaderNotUtf8);
    }
  } else {
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  }
  const dict = parseLiteral(text, ctx);
  if (!(dict instanceof Map)) throw parseError(ctx, MESSAGES.npyHeaderNotDict);
  const keys = [...dict.keys()].sort();
  if (keys.length !== 3 || keys[0] !== 'descr' || keys[1] !== 'fortran_order' || keys[2] !== 'shape') {
    throw parseError(ctx, (what) => MESSAGES.npyHeaderKeys(what, keys));
  }
  const fortranOrder = dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') throw parseError(ctx, MESSAGES.npyFortranOrder);
  const shapeValue = dict.get('shape');
  if (!(shapeValue instanceof PyTuple)) throw parseError(ctx, MESSAGES.npyShape);
  const shape = shapeValue.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) throw parseError(ctx, MESSAGES.npyShape);
    return Number(d);
  });
  const descr = dict.get('descr');
  if (typeof descr !== 'string') {
    if (descr instanceof PyList) throw new HistSerialError('DTYPE_NOT_ALLOWED', MESSAGES.npyDtype(ctx.what ?? '.npy data', 'a structured dtype'), { path: ctx.path ?? '' });
    throw parseError(ctx, MESSAGES.npyDescr);
  }
  const { dtype, littleEndian } = parseDescr(descr, ctx);
  return { version: [major, 0], descr, dtype, littleEndian, fortranOrder, shape, dataOffset };
}

/** `'<f8'` → f8, little-endian (descriptors parsed by {@link fromDescr}, shared with the native containers). */
function parseDescr(descr: string, ctx: NpyContext): { dtype: Dtype; littleEndian: boolean } {
  const parsed = fromDescr(descr);
  if (!parsed) throw new HistSerialError('DTYPE_NOT_ALLOWED', MESSAGES.npyDtype(ctx.what ?? '.npy data', descr), { path: ctx.path ?? '' });
  const order = descr[0];
  return { dtype: parsed.dtype, littleEndian: order === '<' ? true : order === '>' ? false : LITTLE_ENDIAN_HOST };
}

/**
 * The array of a header and its data bytes (exactly shape × item size of them, else PARSE).
 * A zero-copy view of `data` when it is native-endian, C-ordered and aligned; a copy otherwise.
 * `data` may be longer than 4 GiB (a {@link ByteRange} read from a file).
 *
 * @example
 * ```ts
 * const header = parseNpyHeader(bytes);
 * const arr = npyArray(header, bytes.subarray(header.dataOffset));
 * ```
 */
export function npyArray(header: NpyHeader, data: ByteRange, ctx: NpyContext = {}): NDArray {
  const { dtype, shape } = header;
  const size = itemSize(dtype);
  const count = npyDataBytes(header, data.byteLength, ctx) / size;
  if (count > MAX_ELEMENTS) {
    throw new LimitError(MESSAGES.arrayTooLarge(ctx.path ?? '', count, MAX_ELEMENTS), { path: ctx.path ?? '' });
  }
  const swap = size > 1 && header.littleEndian !== LITTLE_ENDIAN_HOST;
  let typed: TypedArray;
  if (!swap && data.byteOffset % size === 0) {
    typed = viewOf(dtype, data.buffer, data.byteOffset, count);
  } else {
    const copy = new ArrayBuffer(data.byteLength);
    const from = byteWindows(data);
    let off = 0;
    for (const w of from) {
      const to = new Uint8Array(copy, off, w.length);
      to.set(w);
      if (swap) {
        const b = Buffer.from(copy, off, w.length);
        if (size === 2) b.swap16();
        else if (size === 4) b.swap32();
        else b.swap64();
      }
      off += w.length;
    }
    typed = viewOf(dtype, copy, 0, count);
  }
  if (header.fortranOrder && shape.length > 1) typed = fortranToC(typed, shape);
  return { dtype, shape: [...shape], data: typed };
}

/**
 * Bytes of data the header declares, checked against `available` (PARSE when they differ). Exact
 * integer arithmetic, so a forged shape cannot overflow into a plausible size.
 *
 * @example
 * ```ts
 * npyDataBytes(header, member.length - header.dataOffset); // throws before anything is allocated
 * ```
 */
export function npyDataBytes(header: NpyHeader, available: number, ctx: NpyContext = {}): number {
  const size = itemSize(header.dtype);
  let bytes = BigInt(size);
  for (const d of header.shape) bytes *= BigInt(d);
  if (bytes !== BigInt(available)) {
    throw new ParseError(MESSAGES.npySize(ctx.what ?? '.npy data', header.shape, size, available), { path: ctx.path ?? '' });
  }
  return available;
}

/**
 * Decode a whole `.npy` file held in memory.
 *
 * @example
 * ```ts
 * const arr = decodeNpy(bytes); // {dtype: 'f8', shape: [7, 5], data: Float64Array}
 * ```
 */
export function decodeNpy(bytes: Uint8Array, ctx: NpyContext = {}): NDArray {
  const header = parseNpyHeader(bytes, ctx);
  return npyArray(header, bytes.subarray(header.dataOffset), ctx);
}

/**
 * numpy's dtype string of a model dtype, in this host's byte order.
 *
 * @example
 * ```ts
 * npyDescr('f8'); // '<f8'
 * ```
 */
export function npyDescr(dtype: Dtype): string {
  if (dtype === 'b1' || dtype === 'i1' || dtype === 'u1') return `|${dtype}`;
  return `${LITTLE_ENDIAN_HOST ? '<' : '>'}${dtype}`;
}

/**
 * The `.npy` header numpy 1.24 writes for a C-ordered array of this dtype and shape (version 1.0,
 * or 2.0 when it would pass 65535 bytes); its length is a multiple of 64.
 *
 * @example
 * ```ts
 * npyHeader('f8', [7, 5]); // "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (7, 5), }   …\n"
 * ```
 */
export function npyHeader(dtype: Dtype, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${npyDescr(dtype)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = dict.length + 1; // + the final newline
  let major = 1;
  let prefix = MAGIC_LEN + 2;
  let padlen = NPY_ALIGN - ((prefix + hlen) % NPY_ALIGN);
  if (hlen + padlen > 0xffff) {
    major = 2;
    prefix = MAGIC_LEN + 4;
    padlen = NPY_ALIGN - ((prefix + hlen) % NPY_ALIGN);
  }
  const out = Buffer.alloc(prefix + hlen + padlen, 0x20);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) out.writeUInt16LE(hlen + padlen, 8);
  else out.writeUInt32LE(hlen + padlen, 8);
  out.write(dict, prefix, 'latin1');
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * A `.npy` file as chunks: the header, then the array's own bytes (views, not copies; one chunk
 * per GiB, so arrays over 4 GiB can be written).
 *
 * @example
 * ```ts
 * const [header, ...data] = encodeNpy(arr);
 * ```
 */
export function encodeNpy(arr: NDArray): Uint8Array[] {
  return [npyHeader(arr.dtype, arr.shape), ...byteWindows(arr.data)];
}

/** Fortran-ordered data → a C-ordered copy. */
function fortranToC(src: TypedArray, shape: readonly number[]): TypedArray {
  const n = src.length;
  const out = allocate(dtypeOf(src), n) as unknown as { [i: number]: number | bigint };
  const input = src as unknown as { [i: number]: number | bigint };
  const nd = shape.length;
  const fstride = new Array<number>(nd);
  for (let k = 0, s = 1; k < nd; k++) {
    fstride[k] = s;
    s *= shape[k]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    out[c] = input[f]!;
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]!++;
      f += fstride[k]!;
      if (idx[k]! < shape[k]!) break;
      f -= fstride[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out as unknown as TypedArray;
}

// ---------------------------------------------------------------------------------------------
// Python literals: just enough of ast.literal_eval for .npy headers (never evaluated as code).

class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
class PyList {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | bigint | boolean | null | PyTuple | PyList | Map<string, PyValue>;

/** A keyword or an integer (Python 2's `3L` included), anchored at `lastIndex`. */
const WORD = /(?:True|False|None)(?![\w.])|[-+]?\d+[lL]?(?![\w.])/y;

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };

/** Parse one Python literal (str, int, True/False/None, tuple, list, dict with str keys), whitespace around it allowed. */
function parseLiteral(text: string, ctx: NpyContext): PyValue {
  let i = 0;
  const fail = (problem: string): never => {
    throw parseError(ctx, (what) => MESSAGES.npySyntax(what, problem, i + 1));
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_LITERAL_DEPTH) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpected end');
    if (c === "'" || c === '"') return str();
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      let comma = false;
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          break;
        }
        if (items.length && !comma) fail(`expected "," or "${close}"`);
        items.push(value(depth + 1));
        ws();
        comma = text[i] === ',';
        if (comma) i++;
      }
      // (x) without a comma is a parenthesized value, not a tuple
      if (c === '(' && items.length === 1 && !comma) return items[0]!;
      return c === '(' ? new PyTuple(items) : new PyList(items);
    }
    if (c === '{') {
      i++;
      const map = new Map<string, PyValue>();
      let comma = true;
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return map;
        }
        if (!comma) fail('expected "," or "}"');
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('dict keys must be strings');
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        if (map.has(key as string)) fail(`duplicate key '${key as string}'`);
        map.set(key as string, value(depth + 1));
        ws();
        comma = text[i] === ',';
        if (comma) i++;
      }
    }
    WORD.lastIndex = i;
    const word = WORD.exec(text);
    if (!word) return fail(`unexpected ${JSON.stringify(c)}`);
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return BigInt(word[0].replace(/[lL]$/, '').replace(/^\+/, ''));
  };
  const str = (): string => {
    const quote = text[i++];
    let out = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined || c === '\n') return fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (e !== undefined && e in ESCAPES) out += ESCAPES[e];
      else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i, i + 2))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
        i += 2;
      } else return fail('unsupported escape in a string');
    }
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('unexpected text after the dict');
  return result;
}
