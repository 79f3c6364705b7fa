/**
 * JSON writer for raw documents: indented metadata, numeric arrays one row per line, typed arrays
 * ({@link InlineArray}) written straight from their buffers, and a chosen policy for NaN/±Infinity.
 * Output is produced in chunks so documents larger than V8's string limit (~512 MiB) can be written.
 * @module
 */
import { HistSerialError, pointer } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { FLOAT_DTYPES, stridesOf, type NDArray } from '../model/ndarray.js';
import { InlineArray } from '../raw.js';

/**
 * What to do with NaN, Infinity and -Infinity:
 * - `python` (default): write the bare tokens `NaN`, `Infinity`, `-Infinity`, as Python's `json` and uhi do.
 *   Lossless; Python, uhi and hist-serial read it back; strict RFC 8259 parsers do not.
 * - `error`: strict RFC 8259 output; a non-finite value is refused with a NON_FINITE_VALUE error naming its path.
 */
export type NonFinitePolicy = 'python' | 'error';

/** Options of {@link stringifyJson}. */
export interface StringifyOptions {
  nonFinite?: NonFinitePolicy;
  /** Indentation unit (default two spaces). */
  indent?: string;
}

const CHUNK_CHARS = 1 << 24;

/** Collects output strings into UTF-8 chunks of about {@link CHUNK_CHARS}, each handed to `sink` when full. */
class ChunkWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.parts.length) this.sink(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Serialize a raw JSON tree to UTF-8 bytes.
 *
 * @example
 * ```ts
 * const bytes = stringifyJson({ h: { values: [NaN, 1] } }); // Python-compatible tokens
 * ```
 */
export function stringifyJson(value: unknown, options: StringifyOptions = {}): Uint8Array {
  const chunks = stringifyJsonChunks(value, options);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** {@link stringifyJson} as a list of UTF-8 chunks (no final concatenation; the total may pass 4 GiB). */
export function stringifyJsonChunks(value: unknown, options: StringifyOptions = {}): Buffer[] {
  const chunks: Buffer[] = [];
  streamJson(value, (c) => chunks.push(c), options);
  return chunks;
}

/**
 * {@link stringifyJson} streamed: each UTF-8 chunk (about 16 Mi characters) goes to `sink` as soon
 * as it is full, so writing a document to a file never holds more than one chunk of text.
 *
 * @example
 * ```ts
 * streamJson(raw.json, (chunk) => writeSync(fd, chunk));
 * ```
 */
export function streamJson(value: unknown, sink: (chunk: Buffer) => void, options: StringifyOptions = {}): void {
  const w = new ChunkWriter(sink);
  new Writer(w, options.nonFinite ?? 'python', options.indent ?? '  ').value(value, '', '');
  w.push('\n');
  w.flush();
}

/** Elements formatted per block of a row: bounds the size of any one string, whatever the row length. */
const BLOCK = 16384;

class Writer {
  constructor(
    private readonly out: ChunkWriter,
    private readonly nonFinite: NonFinitePolicy,
    private readonly unit: string,
  ) {}

  value(v: unknown, indent: string, path: string): void {
    if (v instanceof InlineArray) return this.ndarray(v.array, indent, path);
    switch (typeof v) {
      case 'string':
        return this.out.push(JSON.stringify(v));
      case 'number':
        return this.out.push(this.number(v, path, false));
      case 'bigint':
        return this.out.push(v.toString());
      case 'boolean':
        return this.out.push(v ? 'true' : 'false');
      case 'object':
        if (v === null) return this.out.push('null');
        if (Array.isArray(v)) return this.array(v, indent, path);
        return this.object(v as Record<string, unknown>, indent, path);
      default:
        throw new TypeError(`cannot write a ${typeof v} as JSON at ${path || '/'}`);
    }
  }

  private number(v: number, path: string, float: boolean): string {
    if (Number.isFinite(v)) {
      if (Object.is(v, -0)) return '-0.0';
      if (!float) return String(v);
      const s = String(v);
      return Number.isInteger(v) && !s.includes('e') ? s + '.0' : s;
    }
    if (this.nonFinite === 'error') throw new HistSerialError('NON_FINITE_VALUE', MESSAGES.nonFiniteForbidden(path, v), { path });
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }

  private object(o: Record<string, unknown>, indent: string, path: string): void {
    const keys = Object.keys(o).filter((k) => o[k] !== undefined);
    if (keys.length === 0) return this.out.push('{}');
    const inner = indent + this.unit;
    this.out.push('{');
    keys.forEach((k, i) => {
      this.out.push(`${i ? ',' : ''}\n${inner}${JSON.stringify(k)}: `);
      this.value(o[k], inner, pointer(path, k));
    });
    this.out.push(`\n${indent}}`);
  }

  private array(a: readonly unknown[], indent: string, path: string): void {
    if (a.length === 0) return this.out.push('[]');
    const flat = a.every((x) => x === null || typeof x !== 'object');
    if (flat) {
      const parts: string[] = [];
      a.forEach((x, i) => {
        if (typeof x === 'number') parts.push(this.number(x, pointer(path, i), false));
        else parts.push(x === null ? 'null' : typeof x === 'bigint' ? x.toString() : JSON.stringify(x));
      });
      return this.out.push(`[${parts.join(', ')}]`);
    }
    const inner = indent + this.unit;
    this.out.push('[');
    a.forEach((x, i) => {
      this.out.push(`${i ? ',' : ''}\n${inner}`);
      this.value(x, inner, pointer(path, i));
    });
    this.out.push(`\n${indent}]`);
  }

  /** Nested lists from a typed array: innermost rows on one line each. */
  private ndarray(a: NDArray, indent: string, path: string): void {
    const float = FLOAT_DTYPES.includes(a.dtype);
    const shape = a.shape;
    if (shape.length === 0) return this.out.push(this.element(a, 0, float, path));
    const strides = stridesOf(shape);
    const rec = (dim: number, offset: number, ind: string, p: string): void => {
      const n = shape[dim]!;
      if (dim === shape.length - 1) return this.row(a, offset, n, float, p);
      if (n === 0) return this.out.push('[]');
      const inner = ind + this.unit;
      this.out.push('[');
      for (let i = 0; i < n; i++) {
        this.out.push(`${i ? ',' : ''}\n${inner}`);
        rec(dim + 1, offset + i * strides[dim]!, inner, pointer(p, i));
      }
      this.out.push(`\n${ind}]`);
    };
    rec(0, 0, indent, path);
  }

  /** One innermost row: `[v,v,...]`, written block by block. */
  private row(a: NDArray, offset: number, n: number, float: boolean, path: string): void {
    if (n === 0) return this.out.push('[]');
    for (let b = 0; b < n; b += BLOCK) {
      this.out.push(b === 0 ? '[' : ',');
      this.out.push(this.block(a, offset + b, Math.min(n, b + BLOCK) - b, float, path, b));
    }
    this.out.push(']');
  }

  /**
   * Format `len` elements from `start`. Floats take a native fast path when the block has no special
   * value: `JSON.stringify` when no value is integral, `join` plus `.0` when all are; otherwise
   * (NaN, ±Infinity, -0, a mix) element by element.
   */
  private block(a: NDArray, start: number, len: number, float: boolean, path: string, first: number): string {
    const sub = a.data.subarray(start, start + len);
    if (!float) return (sub as BigInt64Array | Int32Array).join(',');
    const d = sub as Float64Array | Float32Array;
    let integral = 0;
    let special = false;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) {
        special = true;
        break;
      }
      if (Number.isInteger(v)) integral++;
    }
    if (!special && integral === 0) {
      const text = JSON.stringify(Array.from(d));
      return text.slice(1, -1);
    }
    if (!special && integral === d.length && d.every((v) => Math.abs(v) < 1e21)) return d.join('.0,') + '.0';
    const parts = new Array<string>(d.length);
    for (let i = 0; i < d.length; i++) parts[i] = this.number(d[i]!, pointer(path, first + i), true);
    return parts.join(',');
  }

  private element(a: NDArray, flat: number, float: boolean, path: string, i?: number): string {
    const v = a.data[flat]!;
    if (typeof v === 'bigint') return v.toString();
    if (!float) return String(v);
    if (Number.isFinite(v)) return this.number(v, path, true);
    return this.number(v, i === undefined ? path : pointer(path, i), true);
  }
}
