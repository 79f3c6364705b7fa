/**
 * HDF5 codec: uhi's HDF5 layout (`uhi.io.hdf5`, spec.md 4.5) ⇄ raw documents, on files on disk.
 *
 * One group per histogram, with attribute `uhi_schema`; a dataset `axes` of object references to
 * the groups `ref_axes/axis_I`, whose attributes are the axis's scalar fields (booleans as h5py's
 * `enum {FALSE, TRUE}` of int8) and whose datasets are `edges` / `categories`; groups `metadata`
 * and `writer_info/LIBRARY` of scalar attributes; a group `storage` with attribute `type` and one
 * dataset per array. Reading finds every histogram group below a location (`file.h5:/group`);
 * writing adds the histograms to a group of a new or existing file.
 *
 * The HDF5 library is h5wasm (through `hdf5-lib.ts`, the only module that touches it); `hdf5-format.ts`
 * does at the byte level what h5wasm cannot or does slowly: h5py's enum booleans, reading contiguous
 * and deflate-chunked data straight from the file, writing large arrays past the wasm heap (appended
 * contiguous data; deflate chunks with node:zlib and their B-tree).
 *
 * @example
 * ```ts
 * import { readDocument, writeDocument } from 'hist-serial';
 * const doc = await readDocument('histos.h5:/analysis');        // every histogram below /analysis
 * await writeDocument('out.h5:/run2', doc, { options: { hdf5Compression: 'gzip' } });
 * ```
 * @module
 */
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflate, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { HistSerialError, pointer, type ErrorCode } from '../errors.js';
import type { Limits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import { allocate, type Dtype, type NDArray, type TypedArray } from '../model/ndarray.js';
import { InlineArray, type RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeContext, EncodedFile, EncodeOptions } from './codec.js';
import {
  BUILTIN_FILTERS,
  FormatError,
  H5Bytes,
  chunkBTree,
  copyChunk,
  datasetStorage,
  endOfFile,
  extractChunk,
  fletcher32,
  patchObjectHeaders,
  setEndOfFile,
  unshuffle,
  type ChunkRecord,
  type DatasetStorage,
  type HeaderPatch,
  type WrittenChunk,
} from './hdf5-format.js';
import { H5File, defaultChunks, hdf5Reason, withHdf5, type AttributeValue, type ElementType, type NumericArray } from './hdf5-lib.js';

const inflateAsync = promisify(inflate);
const deflateAsync = promisify(deflate) as (buf: Uint8Array, options: { level: number }) => Promise<Buffer>;

type Json = Record<string, unknown>;

/** uhi's names inside a histogram group. */
const AXES = 'axes';
const REF_AXES = 'ref_axes';
const STORAGE = 'storage';
const METADATA = 'metadata';
const WRITER_INFO = 'writer_info';
/** Axis attributes uhi writes as float64 and int64 (everything else follows its JSON type). */
const FLOAT_FIELDS = new Set(['lower', 'upper']);
const INT_FIELDS = new Set(['bins']);
/** HDF5's default maximum number of attributes kept in an object header (`max_compact`). */
const COMPACT_ATTRIBUTES = 8;
/** Deepest group nesting searched for histograms below a location. */
const MAX_DEPTH = 32;
/** How many direct reads and chunk decodes run at once (node:fs and node:zlib use the libuv thread pool). */
const IO_CONCURRENCY = 8;

/* ------------------------------------------------------------------------------------------------
 * Names and locations
 * ---------------------------------------------------------------------------------------------- */

/**
 * The HDF5 link name of a histogram (or writer_info library) name: `/` would make a path, so it is
 * escaped as `%2F`, as are NUL (`%00`) and `%` before two hex digits (`%25`); `.` alone becomes `%2E`.
 * The same escapes as zip member names (spec.md 4.2), minus those HDF5 does not need.
 *
 * @example
 * ```ts
 * escapeHdf5Name('jets/pt'); // 'jets%2Fpt'
 * ```
 */
export function escapeHdf5Name(name: string): string {
  if (name === '.') return '%2E';
  return name.replace(/[/\0]|%(?=[0-9A-Fa-f]{2})/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * Undo {@link escapeHdf5Name} (`%2F`, `%00`, `%25`, `%2E`, either case).
 *
 * @example
 * ```ts
 * unescapeHdf5Name('jets%2Fpt'); // 'jets/pt'
 * ```
 */
export function unescapeHdf5Name(link: string): string {
  return link.replace(/%(2F|00|25|2E)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Normalize an absolute HDF5 path (`/a//b/` → `/a/b`); throws INVALID_ARGUMENT for relative ones.
 *
 * @example
 * ```ts
 * normalizeLocation('/analysis//hists/'); // '/analysis/hists'
 * ```
 */
export function normalizeLocation(location: string | undefined): string {
  if (location === undefined || location === '') return '/';
  if (!location.startsWith('/')) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.badLocation(location));
  const parts = location.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.badLocation(location));
  return '/' + parts.join('/');
}

const child = (parent: string, name: string) => (parent === '/' ? '/' + name : `${parent}/${name}`);
const where = (file: string | undefined, path: string) => `${file ?? '<bytes>'}:${path}`;

/* ------------------------------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------------------------------- */

/** One array to read: the dataset, where it goes in the JSON, and its resource key. */
interface ArrayRead {
  dataset: string;
  jsonPath: string;
}

class Reader {
  readonly reads: ArrayRead[] = [];

  constructor(
    private readonly f: H5File,
    private readonly file: string | undefined,
  ) {}

  fail(code: ErrorCode, message: string, jsonPath = ''): never {
    throw new HistSerialError(code, message, { path: jsonPath, codec: 'hdf5', ...(this.file ? { file: this.file } : {}) });
  }

  layout(object: string, what: string, jsonPath = ''): never {
    return this.fail('PARSE', MESSAGES.hdf5Layout(where(this.file, object), what), jsonPath);
  }

  isHistogram(path: string): boolean {
    return this.f.hasAttribute(path, 'uhi_schema');
  }

  /** Histogram groups at or below `location`, named by their path relative to it (escapes undone). */
  discover(location: string): { name: string; path: string }[] {
    const kind = this.f.kind(location);
    if (kind === 'missing') this.fail('NOT_FOUND', MESSAGES.hdf5NoGroup(where(this.file, location)));
    if (kind !== 'group') this.fail('INVALID_ARGUMENT', MESSAGES.hdf5NotAGroup(where(this.file, location), kind));
    if (this.isHistogram(location)) {
      const base = location.slice(location.lastIndexOf('/') + 1);
      return [{ name: base ? unescapeHdf5Name(base) : 'histogram', path: location }];
    }
    const found: { name: string; path: string }[] = [];
    const walk = (path: string, prefix: string, depth: number) => {
      if (depth > MAX_DEPTH) return;
      for (const link of this.f.children(path)) {
        const p = child(path, link);
        if (this.f.kind(p) !== 'group') continue;
        const name = prefix + unescapeHdf5Name(link);
        if (this.isHistogram(p)) found.push({ name, path: p });
        else walk(p, name + '/', depth + 1);
      }
    };
    walk(location, '', 0);
    if (!found.length) this.fail('PARSE', MESSAGES.hdf5NoHistogram(where(this.file, location), []));
    return found;
  }

  attribute(object: string, name: string): string | number | boolean | unknown[] {
    const a: AttributeValue = this.f.readAttribute(object, name);
    switch (a.kind) {
      case 'string':
      case 'bool':
      case 'float':
        return a.value;
      case 'int':
        return Number(a.value);
      case 'array':
        return a.value.map((v) => (typeof v === 'bigint' ? Number(v) : v));
      default:
        return this.layout(object, MESSAGES.hdf5Attribute(object, name, a.type));
    }
  }

  attributes(object: string): Json {
    const out: Json = {};
    for (const name of this.f.attributeNames(object)) out[name] = this.attribute(object, name);
    return out;
  }

  /** `metadata` and `writer_info` of a histogram or axis group, as uhi reads them. */
  extras(group: string, out: Json): void {
    const meta = child(group, METADATA);
    if (this.f.kind(meta) === 'group') out.metadata = this.attributes(meta);
    const wi = child(group, WRITER_INFO);
    if (this.f.kind(wi) === 'group') {
      const info: Json = {};
      for (const lib of this.f.children(wi)) {
        const p = child(wi, lib);
        if (this.f.kind(p) === 'group') info[unescapeHdf5Name(lib)] = this.attributes(p);
      }
      out.writer_info = info;
    }
  }

  /** A dataset becomes a resource keyed by its HDF5 path. */
  array(dataset: string, jsonPath: string): string {
    this.reads.push({ dataset, jsonPath });
    return dataset;
  }

  histogram(path: string, jsonPath: string): Json {
    const out: Json = { uhi_schema: this.attribute(path, 'uhi_schema') };
    const axesPath = child(path, AXES);
    const axesKind = this.f.kind(axesPath);
    if (axesKind !== 'dataset') this.layout(path, `no "${AXES}" dataset of object references`, pointer(jsonPath, 'axes'));
    const info = this.f.datasetInfo(axesPath);
    let axisPaths: string[];
    if ((info.shape ?? [0]).reduce((a, b) => a * b, 1) === 0) axisPaths = [];
    else if (info.type.kind === 'reference') axisPaths = this.f.readReferences(axesPath);
    else if (info.type.kind === 'string') axisPaths = this.f.readStrings(axesPath).map((p) => (p.startsWith('/') ? p : child(child(path, REF_AXES), p)));
    else return this.layout(axesPath, `"${AXES}" holds ${info.type.name}; expected object references to the axis groups`, pointer(jsonPath, 'axes'));
    out.axes = axisPaths.map((p, i) => this.axis(p, pointer(jsonPath, 'axes', i)));
    const storagePath = child(path, STORAGE);
    if (this.f.kind(storagePath) !== 'group') this.layout(path, `no "${STORAGE}" group`, pointer(jsonPath, 'storage'));
    const storage: Json = { type: this.attribute(storagePath, 'type') };
    for (const field of this.f.children(storagePath)) {
      const ds = child(storagePath, field);
      if (this.f.kind(ds) === 'dataset') storage[field] = this.array(ds, pointer(jsonPath, 'storage', field));
    }
    out.storage = storage;
    this.extras(path, out);
    return reorder(out, ['uhi_schema', 'writer_info', 'axes', 'storage', 'metadata']);
  }

  axis(path: string, jsonPath: string): Json {
    if (!path || this.f.kind(path) !== 'group') this.layout(path || '(dangling reference)', 'an axis reference does not lead to a group', jsonPath);
    const out = this.attributes(path);
    const edges = child(path, 'edges');
    if (this.f.kind(edges) === 'dataset') out.edges = this.array(edges, pointer(jsonPath, 'edges'));
    const cats = child(path, 'categories');
    if (this.f.kind(cats) === 'dataset') {
      const info = this.f.datasetInfo(cats);
      out.categories = info.type.kind === 'string' ? this.f.readStrings(cats) : this.array(cats, pointer(jsonPath, 'categories'));
    }
    this.extras(path, out);
    return reorder(out, ['type']);
  }
}

function reorder(obj: Json, first: readonly string[]): Json {
  const out: Json = {};
  for (const k of first) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/** The hist-serial dtype of an HDF5 element type, if it has one. */
function dtypeOf(t: ElementType): Dtype | undefined {
  if (t.kind === 'bool' && t.size === 1) return 'b1';
  if (t.kind === 'int' && [1, 2, 4, 8].includes(t.size)) return `${t.signed ? 'i' : 'u'}${t.size}` as Dtype;
  if (t.kind === 'float' && (t.size === 4 || t.size === 8)) return `f${t.size}` as Dtype;
  return undefined;
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;


/**
 * How arrays were read since the process started (for tests and benches): straight from the file
 * (contiguous, chunked), or by h5wasm (library).
 *
 * @example
 * ```ts
 * const before = HDF5_READ_PATHS.library;
 * await readDocument('file.h5');
 * console.log(HDF5_READ_PATHS.library - before, 'arrays needed h5wasm');
 * ```
 */
export const HDF5_READ_PATHS = { contiguous: 0, chunked: 0, library: 0 };

let directReads = true;

/**
 * For tests and benches: read every array through h5wasm (false) instead of straight from the file
 * where possible (true, the default). Returns the previous setting.
 *
 * @example
 * ```ts
 * const old = setDirectReads(false);
 * try { await readDocument('file.h5'); } finally { setDirectReads(old); }
 * ```
 */
export function setDirectReads(enabled: boolean): boolean {
  const old = directReads;
  directReads = enabled;
  return old;
}

/** Contiguous datasets are read in pieces of this size, several at a time (the page faults of fresh memory then run in parallel). */
const READ_PIECE = 16 * 1024 * 1024;

type Handle = Awaited<ReturnType<typeof open>>;

/**
 * Read the arrays: straight from the file when the dataset is contiguous, or chunked with a v1
 * B-tree and filters decoded here; through h5wasm otherwise. The HDF5 library is asked about every
 * dataset first (types, filters and sizes are checked before anything is allocated); then every
 * direct read and chunk decode runs on the thread pool, {@link IO_CONCURRENCY} at a time.
 */
async function readArrays(f: H5File, path: string, file: string | undefined, reads: readonly ArrayRead[], limits: Limits): Promise<Map<string, NDArray>> {
  let bytes: H5Bytes | undefined;
  try {
    bytes = H5Bytes.open(path);
  } catch {
    bytes = undefined; // no superblock we understand: h5wasm reads everything
  }
  let handle: Handle | undefined;
  const pool = new TaskPool<Handle>(IO_CONCURRENCY);
  try {
    // 1. ask the HDF5 library (and the object headers) about every dataset, checking before allocating
    const plans: { dataset: string; name: string; dtype: Dtype; shape: number[]; n: number; nbytes: number; storage: DatasetStorage; fail: (code: ErrorCode, message: string) => never }[] = [];
    let total = 0;
    for (const { dataset, jsonPath } of reads) {
      const fail = (code: ErrorCode, message: string): never => {
        throw new HistSerialError(code, message, { path: jsonPath, codec: 'hdf5', ...(file ? { file } : {}) });
      };
      const name = where(file, dataset);
      const info = f.datasetInfo(dataset);
      for (const filter of info.filters) {
        if (!BUILTIN_FILTERS.has(filter.id)) fail('UNSUPPORTED_OPERATION', MESSAGES.hdf5Filter(name, filter.id, filter.name));
      }
      const dtype = dtypeOf(info.type);
      if (!dtype) fail('DTYPE_NOT_ALLOWED', MESSAGES.hdf5Dtype(name, info.type.kind === 'other' ? info.type.name : `${info.type.kind} data (${info.type.name})`));
      if (info.shape === null) fail('PARSE', MESSAGES.hdf5Layout(name, 'the dataset has a null dataspace (no elements, not even a shape)'));
      const shape = info.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      const nbytes = n * info.type.size;
      total += nbytes;
      if (nbytes > limits.maxInputBytes || total > limits.maxInputBytes) fail('LIMIT_EXCEEDED', MESSAGES.hdf5TooLarge(name, nbytes, limits.maxInputBytes));
      let storage: DatasetStorage = { kind: 'other', reason: 'no byte-level access' };
      if (directReads && bytes && n > 0 && info.type.littleEndian && isLittleEndian) {
        try {
          storage = datasetStorage(bytes, f.objectAddress(dataset), shape.length);
          if (storage.kind === 'contiguous' && storage.bytes !== nbytes) storage = { kind: 'other', reason: 'storage size differs from the dataspace' };
          if (storage.kind === 'chunked' && !(storage.itemSize === info.type.size && chunkedReadable(storage, shape))) storage = { kind: 'other', reason: 'chunks this module does not decode' };
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
        }
      }
      plans.push({ dataset, name, dtype: dtype!, shape, n, nbytes, storage, fail });
    }
    // 2. one allocation for all the arrays (each at a multiple of 8 bytes): V8 collects garbage once
    // for the memory it adds, not once per array
    const offsets: number[] = [];
    let size = 0;
    for (const p of plans) {
      offsets.push(size);
      size += Math.ceil(p.nbytes / 8) * 8;
    }
    const memory = new ArrayBuffer(size);
    const resources = new Map<string, NDArray>();
    for (const [k, p] of plans.entries()) {
      const ctor = allocate(p.dtype, 0).constructor as new (buffer: ArrayBuffer, offset: number, length: number) => NumericArray;
      const data = new ctor(memory, offsets[k]!, p.n);
      resources.set(p.dataset, { dtype: p.dtype, shape: [...p.shape], data: data as TypedArray });
      if (p.n === 0) continue;
      const dest = new Uint8Array(memory, offsets[k]!, p.nbytes);
      const storage = p.storage;
      if (storage.kind === 'contiguous') {
        HDF5_READ_PATHS.contiguous++;
        handle ??= await open(path, 'r');
        for (let off = 0; off < p.nbytes; off += READ_PIECE) {
          const piece = dest.subarray(off, Math.min(off + READ_PIECE, p.nbytes));
          const pos = storage.pos + off;
          pool.push(handle, (h) => readInto(h, pos, piece));
        }
      } else if (storage.kind === 'chunked') {
        HDF5_READ_PATHS.chunked++;
        handle ??= await open(path, 'r');
        for (const c of storage.chunks) pool.push(handle, (h) => decodeChunk(h, storage, c, p.shape, dest, p.name, p.fail));
      } else {
        HDF5_READ_PATHS.library++;
        f.readNumeric(p.dataset, p.shape, data);
      }
    }
    await pool.done();
    return resources;
  } finally {
    bytes?.close();
    pool.cancel();
    await pool.settled();
    await handle?.close();
  }
}

/**
 * Asynchronous tasks run `concurrency` at a time, starting as soon as they are pushed. The first
 * failure stops the rest and is thrown by {@link done}.
 */
class TaskPool<T> {
  private readonly queue: [T, (arg: T) => Promise<void>][] = [];
  private running = 0;
  private readonly active = new Set<Promise<void>>();
  private error: unknown;
  private failed = false;

  constructor(private readonly concurrency: number) {}

  push(arg: T, task: (arg: T) => Promise<void>): void {
    this.queue.push([arg, task]);
    while (this.running < this.concurrency && this.queue.length) {
      this.running++;
      const p: Promise<void> = this.worker().finally(() => {
        this.running--;
        this.active.delete(p);
      });
      this.active.add(p);
    }
  }

  private async worker(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.failed; next = this.queue.shift()) {
      try {
        await next[1](next[0]);
      } catch (err) {
        if (!this.failed) this.error = err;
        this.failed = true;
      }
    }
  }

  /** Wait for every task; throw the first failure. */
  async done(): Promise<void> {
    await this.settled();
    if (this.failed) throw this.error;
  }

  /** Drop the tasks not started yet. */
  cancel(): void {
    this.queue.length = 0;
  }

  /** Wait for the running tasks to end (no throw: for cleanup). */
  async settled(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active]);
  }
}

async function readInto(handle: Handle, pos: number, dest: Uint8Array): Promise<void> {
  let off = 0;
  while (off < dest.length) {
    const { bytesRead } = await handle.read(dest, off, Math.min(dest.length - off, 0x40000000), pos + off);
    if (bytesRead === 0) throw new FormatError('file ends inside a dataset');
    off += bytesRead;
  }
}

/** Every chunk present and only filters decoded here (deflate, shuffle, fletcher32)? */
function chunkedReadable(s: Extract<DatasetStorage, { kind: 'chunked' }>, shape: readonly number[]): boolean {
  if (!s.filters.every((x) => x.id === 1 || x.id === 2 || x.id === 3)) return false;
  const expected = shape.reduce((acc, d, i) => acc * Math.ceil(d / s.chunkShape[i]!), 1);
  return s.chunks.length === expected;
}

/** Read one chunk, undo its filters (last first, skipping those its mask says were not applied) and copy it into place. */
async function decodeChunk(
  handle: Handle,
  s: Extract<DatasetStorage, { kind: 'chunked' }>,
  c: ChunkRecord,
  shape: readonly number[],
  dest: Uint8Array,
  name: string,
  fail: (code: ErrorCode, message: string) => never,
): Promise<void> {
  const chunkBytes = s.chunkShape.reduce((a, b) => a * b, s.itemSize);
  let buf: Uint8Array = new Uint8Array(c.size);
  await readInto(handle, c.pos, buf);
  for (let i = s.filters.length - 1; i >= 0; i--) {
    if (c.filterMask & (1 << i)) continue;
    const filter = s.filters[i]!;
    if (filter.id === 3) {
      if (buf.length < 4) fail('PARSE', MESSAGES.hdf5Layout(name, 'a chunk too short for its Fletcher-32 checksum'));
      const body = buf.subarray(0, buf.length - 4);
      const stored = Buffer.from(buf.buffer, buf.byteOffset + buf.length - 4, 4).readUInt32LE(0);
      if (fletcher32(body) !== stored) fail('CHECKSUM_MISMATCH', MESSAGES.hdf5Layout(name, 'a chunk fails its Fletcher-32 checksum: the data are corrupt'));
      buf = body;
    } else if (filter.id === 1) {
      try {
        buf = await inflateAsync(buf);
      } catch (err) {
        fail('PARSE', MESSAGES.hdf5Layout(name, `a deflate chunk does not inflate (${(err as Error).message})`));
      }
    } else if (filter.id === 2) {
      buf = unshuffle(buf, filter.values[0] ?? s.itemSize);
    }
  }
  if (buf.length !== chunkBytes) fail('PARSE', MESSAGES.hdf5Layout(name, `a chunk decodes to ${buf.length} bytes, expected ${chunkBytes}`));
  copyChunk(buf, s.chunkShape, c.offset, dest, shape, s.itemSize);
}

/**
 * Read the histograms at `ctx.location` (default: every histogram in the file) into a raw document
 * (the codec's `decodeFile`; `readDocument` adds validation and the model).
 *
 * @example
 * ```ts
 * const raw = await readHdf5File('run.h5', { limits: resolveLimits(), location: '/analysis' });
 * ```
 */
export function readHdf5File(path: string, ctx: DecodeContext): Promise<RawDocument> {
  const file = ctx.file ?? path;
  return withHdf5(async () => {
    if (!isLittleEndian) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hdf5BigEndianPlatform());
    const location = normalizeLocation(ctx.location);
    let f: H5File;
    try {
      f = H5File.open(path, 'r');
    } catch (err) {
      throw new HistSerialError('PARSE', MESSAGES.hdf5Library('open', file, hdf5Reason(err)), { file, codec: 'hdf5', cause: err });
    }
    try {
      const reader = new Reader(f, file);
      const json: Json = {};
      for (const { name, path: group } of reader.discover(location)) json[name] = reader.histogram(group, pointer('', name));
      const resources = await readArrays(f, path, file, reader.reads, ctx.limits);
      return { json, resources };
    } catch (err) {
      if (err instanceof HistSerialError) throw err;
      throw new HistSerialError('PARSE', MESSAGES.hdf5Library('read', file, hdf5Reason(err)), { file, codec: 'hdf5', cause: err });
    } finally {
      f.close();
    }
  }).catch((err: unknown) => {
    // The library can also fail outside the guarded calls: closing the file after a corrupt read can
    // trap (WebAssembly "memory access out of bounds", tests/fuzz-corpus/hdf5.*). Still a problem of
    // this file's content, never a raw exception.
    if (err instanceof HistSerialError) throw err;
    throw new HistSerialError('PARSE', MESSAGES.hdf5Library('read', file, hdf5Reason(err)), { file, codec: 'hdf5', cause: err });
  });
}

/* ------------------------------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------------------------------- */

interface WriteSettings {
  gzip: number | undefined;
  compressMin: number;
  chunkBytes: number;
}

function settings(options: EncodeOptions): WriteSettings {
  const { hdf5Compression = 'none', hdf5Level = 4, hdf5CompressMin = 1000, hdf5ChunkBytes = 1 << 20 } = options;
  if (hdf5Compression !== 'none' && hdf5Compression !== 'gzip') {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('hdf5Compression', hdf5Compression, '"none" or "gzip"'));
  }
  if (!Number.isInteger(hdf5Level) || hdf5Level < 0 || hdf5Level > 9) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('hdf5Level', hdf5Level, 'an integer from 0 to 9'));
  }
  if (!Number.isSafeInteger(hdf5CompressMin) || hdf5CompressMin < 0) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('hdf5CompressMin', hdf5CompressMin, 'a non-negative integer'));
  }
  if (!Number.isSafeInteger(hdf5ChunkBytes) || hdf5ChunkBytes < 1 || hdf5ChunkBytes > 2 ** 31) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('hdf5ChunkBytes', hdf5ChunkBytes, 'an integer from 1 to 2^31'));
  }
  return { gzip: hdf5Compression === 'gzip' ? hdf5Level : undefined, compressMin: hdf5CompressMin, chunkBytes: hdf5ChunkBytes };
}

/**
 * A large array written without h5wasm's help: h5wasm creates the dataset as a placeholder (a
 * one-element contiguous dataset, or an empty chunked one), then its data are appended to the file
 * directly (see {@link appendArrays}).
 */
interface DirectArray {
  path: string;
  shape: readonly number[];
  data: NumericArray;
  /** Chunked with deflate: chunk shape and level. */
  chunks?: readonly number[];
  gzip?: number;
}

/** Arrays of at least this many bytes bypass the wasm heap (see {@link appendArrays}). */
const DIRECT_MIN_BYTES = 64 * 1024;

let directWrites = true;

/**
 * For tests and benches: write every array through h5wasm (false) instead of appending large ones
 * to the file without it (true, the default). Returns the previous setting.
 *
 * @example
 * ```ts
 * const old = setDirectWrites(false);
 * try { await writeDocument('out.h5', doc); } finally { setDirectWrites(old); }
 * ```
 */
export function setDirectWrites(enabled: boolean): boolean {
  const old = directWrites;
  directWrites = enabled;
  return old;
}

class Writer {
  /** Large contiguous arrays written straight to the file after HDF5 closed it. */
  readonly directs: DirectArray[] = [];
  /** Object paths to patch after closing, with their boolean attributes. */
  private readonly patches = new Map<string, Map<string, boolean>>();
  /** Objects holding variable-length strings (attributes or data) to mark NUL-terminated. */
  private readonly strings = new Set<string>();

  constructor(
    private readonly f: H5File,
    private readonly raw: RawDocument,
    private readonly s: WriteSettings,
    /** May large contiguous arrays be appended directly (false when the file's free space is managed)? */
    private readonly direct: boolean,
  ) {}

  fail(code: ErrorCode, message: string, jsonPath = ''): never {
    throw new HistSerialError(code, message, { path: jsonPath, codec: 'hdf5' });
  }

  /** Object addresses of everything to patch, by object path (while the file is open). */
  headerPatches(): Map<string, HeaderPatch> {
    const paths = new Set([...this.patches.keys(), ...this.strings, ...this.directs.map((d) => d.path)]);
    return new Map(
      [...paths].map((p) => [
        p,
        {
          address: this.f.objectAddress(p),
          ...(this.patches.has(p) ? { booleans: this.patches.get(p)! } : {}),
          nulTerminateStrings: this.strings.has(p),
        },
      ]),
    );
  }

  /** Booleans written, for the check after patching: object path → name → value. */
  booleans(): ReadonlyMap<string, ReadonlyMap<string, boolean>> {
    return this.patches;
  }

  /** Make sure the groups along `location` exist (new ones track link order). */
  ensureLocation(location: string, file: string): void {
    let path = '/';
    for (const part of location.split('/').filter(Boolean)) {
      path = child(path, part);
      const kind = this.f.kind(path);
      if (kind === 'missing') this.f.createGroup(path, true);
      else if (kind !== 'group') this.fail('INVALID_ARGUMENT', MESSAGES.hdf5NotAGroup(where(file, path), kind));
    }
  }

  attribute(object: string, name: string, value: unknown, jsonPath: string, as?: 'f8' | 'i8'): void {
    if (name === '' || name.includes('\0')) this.fail('INVALID_ARGUMENT', MESSAGES.hdf5Name('attribute', name, 'HDF5 names cannot be empty or hold NUL'), jsonPath);
    if (typeof value === 'string') {
      if (value.includes('\0')) this.fail('INVALID_ARGUMENT', MESSAGES.hdf5Name('the string at', jsonPath, 'HDF5 strings end at the first NUL character'), jsonPath);
      this.f.writeString(object, name, value);
      this.strings.add(object);
    } else if (typeof value === 'boolean') {
      this.f.writeBooleanPlaceholder(object, name, value);
      let m = this.patches.get(object);
      if (!m) this.patches.set(object, (m = new Map()));
      m.set(name, value);
    } else if (typeof value === 'number') {
      const int = as === 'i8' || (as === undefined && Number.isSafeInteger(value) && !Object.is(value, -0));
      this.f.writeNumber(object, name, value, int && Number.isSafeInteger(value) ? 'i8' : 'f8');
    } else if (typeof value === 'bigint') {
      this.f.writeNumber(object, name, value, 'i8');
    } else {
      this.fail('INVALID_ARGUMENT', MESSAGES.hdf5Name('attribute', name, 'only strings, numbers and booleans can be stored as HDF5 attributes'), jsonPath);
    }
  }

  /**
   * `metadata` / `writer_info` groups (written when present, even empty). They keep the order of
   * their keys (creation order tracked) while they have at most {@link COMPACT_ATTRIBUTES}
   * attributes; beyond that HDF5 would move the attributes out of the object header, where the
   * boolean patch cannot reach them, so larger groups list their keys by name, as h5py's do.
   */
  extras(group: string, h: Json, jsonPath: string): void {
    if (h.metadata !== undefined) {
      const meta = child(group, METADATA);
      const entries = Object.entries(h.metadata as Json);
      this.f.createGroup(meta, entries.length <= COMPACT_ATTRIBUTES);
      for (const [k, v] of entries) this.attribute(meta, k, v, pointer(jsonPath, 'metadata', k));
    }
    if (h.writer_info !== undefined) {
      const wi = child(group, WRITER_INFO);
      this.f.createGroup(wi, true);
      for (const [lib, entries] of Object.entries(h.writer_info as Record<string, Json>)) {
        const g = child(wi, this.linkName(lib, pointer(jsonPath, 'writer_info', lib)));
        this.f.createGroup(g, Object.keys(entries).length <= COMPACT_ATTRIBUTES);
        for (const [k, v] of Object.entries(entries)) this.attribute(g, k, v, pointer(jsonPath, 'writer_info', lib, k));
      }
    }
  }

  linkName(name: string, jsonPath: string): string {
    if (name === '') this.fail('INVALID_ARGUMENT', MESSAGES.hdf5Name('group', name, 'HDF5 link names cannot be empty'), jsonPath);
    return escapeHdf5Name(name);
  }

  /** The NDArray at an array position: a resource key, or inline numbers (0-d or nested lists). */
  resolve(value: unknown, jsonPath: string, integral: boolean): NDArray {
    if (typeof value === 'string') {
      const arr = this.raw.resources.get(value);
      if (!arr) this.fail('MISSING_ARRAY', MESSAGES.missingArray(jsonPath, value), jsonPath);
      return arr;
    }
    if (value instanceof InlineArray) return value.array;
    const shape: number[] = [];
    let probe: unknown = value;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0];
    }
    const flat = (Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value]) as unknown[];
    if (flat.some((v) => typeof v !== 'number') || flat.length !== shape.reduce((a, b) => a * b, 1)) {
      this.fail('SHAPE_MISMATCH', MESSAGES.raggedArray(jsonPath), jsonPath);
    }
    if (integral) return { dtype: 'i8', shape, data: BigInt64Array.from(flat as number[], (v) => BigInt(v)) };
    return { dtype: 'f8', shape, data: Float64Array.from(flat as number[]) };
  }

  dataset(path: string, arr: NDArray): void {
    const n = arr.data.length;
    const gzip = this.s.gzip !== undefined && arr.shape.length > 0 && n > 0 && n >= this.s.compressMin;
    const data = (arr.dtype === 'b1' ? new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength) : arr.data) as NumericArray;
    const chunks = gzip ? defaultChunks(arr.shape, data.BYTES_PER_ELEMENT, this.s.chunkBytes) : undefined;
    if (this.direct && arr.shape.length > 0 && n > 0 && data.byteLength >= DIRECT_MIN_BYTES) {
      if (chunks) {
        this.f.createChunkedPlaceholder(path, arr.shape, data, chunks, this.s.gzip!);
        this.directs.push({ path, shape: arr.shape, data, chunks, gzip: this.s.gzip! });
      } else {
        this.f.writeNumeric(path, arr.shape.map(() => 1), data.subarray(0, 1) as NumericArray);
        this.directs.push({ path, shape: arr.shape, data });
      }
      return;
    }
    this.f.writeNumeric(path, arr.shape, data, chunks ? { chunks, gzip: this.s.gzip! } : {});
  }

  histogram(group: string, h: Json, jsonPath: string): void {
    this.f.createGroup(group);
    this.attribute(group, 'uhi_schema', h.uhi_schema ?? 1, pointer(jsonPath, 'uhi_schema'), 'i8');
    const refAxes = child(group, REF_AXES);
    this.f.createGroup(refAxes);
    this.extras(group, h, jsonPath);
    const axes = (h.axes ?? []) as Json[];
    const targets: string[] = [];
    axes.forEach((axis, i) => {
      const ap = pointer(jsonPath, 'axes', i);
      const g = child(refAxes, `axis_${i}`);
      this.f.createGroup(g);
      for (const [k, v] of Object.entries(axis)) {
        if (k === 'edges' || k === 'categories' || k === 'metadata' || k === 'writer_info') continue;
        this.attribute(g, k, v, pointer(ap, k), FLOAT_FIELDS.has(k) ? 'f8' : INT_FIELDS.has(k) ? 'i8' : undefined);
      }
      if (axis.edges !== undefined) this.dataset(child(g, 'edges'), this.resolve(axis.edges, pointer(ap, 'edges'), false));
      if (axis.categories !== undefined) {
        const cats = axis.categories;
        const cp = child(g, 'categories');
        if (Array.isArray(cats) && cats.every((c) => typeof c === 'string')) {
          cats.forEach((c: string, k) => {
            if (c.includes('\0')) this.fail('INVALID_ARGUMENT', MESSAGES.hdf5Name('the category at', pointer(ap, 'categories', k), 'HDF5 strings end at the first NUL character'), pointer(ap, 'categories', k));
          });
          this.f.writeStrings(cp, cats as string[]);
          this.strings.add(cp);
        } else {
          this.dataset(cp, this.resolve(cats, pointer(ap, 'categories'), true));
        }
      }
      this.extras(g, axis, ap);
      targets.push(g);
    });
    this.f.writeReferences(child(group, AXES), targets);
    const storage = (h.storage ?? {}) as Json;
    const sp = child(group, STORAGE);
    this.f.createGroup(sp);
    this.attribute(sp, 'type', storage.type, pointer(jsonPath, 'storage', 'type'));
    for (const [field, value] of Object.entries(storage)) {
      if (field === 'type') continue;
      const fp = pointer(jsonPath, 'storage', field);
      this.dataset(child(sp, this.linkName(field, fp)), this.resolve(value, fp, storage.type === 'int' || field === 'index'));
    }
  }
}

/** Contiguous arrays are written in pieces of this size, several at a time. */
const WRITE_PIECE = 16 * 1024 * 1024;

/**
 * Append the arrays that bypass h5wasm after the file's HDF5 data (8-byte aligned), then point each
 * placeholder at them and move the file's End of File Address past them.
 * - Contiguous: straight from the arrays' own buffers, several pieces at a time (h5py writes
 *   contiguous data the same way: one pass, no copy).
 * - Chunked with deflate: the chunks are compressed by node:zlib on the thread pool, several at a
 *   time, written in C order of their offsets, and indexed by a version 1 B-tree written after them
 *   ({@link chunkBTree}) — what HDF5's deflate filter and chunk index would have written, without
 *   passing the data through the wasm heap and its single thread.
 */
async function appendArrays(handle: Handle, bytes: H5Bytes, directs: readonly DirectArray[], patches: Map<string, HeaderPatch>): Promise<void> {
  if (bytes.superblock.hasExtension) throw new FormatError('the file has a superblock extension (managed free space)');
  let eoa = endOfFile(bytes);
  const pool = new TaskPool<Handle>(IO_CONCURRENCY);
  const writeAt = async (h: Handle, piece: Uint8Array, pos: number) => {
    for (let done = 0; done < piece.length; ) done += (await h.write(piece, done, piece.length - done, pos + done)).bytesWritten;
  };
  try {
    for (const d of directs) {
      eoa = Math.ceil(eoa / 8) * 8;
      const src = new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      if (d.chunks) {
        const written = await writeChunks(handle, bytes, src, d, eoa, writeAt);
        eoa = written.end;
        const start = Math.ceil(eoa / 8) * 8;
        const tree = chunkBTree(bytes.superblock, d.shape.length, d.chunks, written.chunks, start);
        await writeAt(handle, tree.bytes, bytes.abs(start));
        eoa = start + tree.bytes.length;
        patches.get(d.path)!.chunked = { shape: d.shape, btree: tree.root };
        continue;
      }
      const size = src.length;
      patches.get(d.path)!.contiguous = { shape: d.shape, address: eoa, size };
      const base = bytes.abs(eoa);
      for (let off = 0; off < size; off += WRITE_PIECE) {
        const piece = src.subarray(off, Math.min(off + WRITE_PIECE, size));
        const pos = base + off;
        pool.push(handle, (h) => writeAt(h, piece, pos));
      }
      eoa += size;
    }
    await pool.done();
  } finally {
    pool.cancel();
    await pool.settled();
  }
  setEndOfFile(bytes, eoa);
}

/**
 * Compress the chunks of one array (a window of {@link IO_CONCURRENCY} at a time on the thread
 * pool) and write them one after the other from `start`, in C order of their offsets.
 */
async function writeChunks(
  handle: Handle,
  bytes: H5Bytes,
  src: Uint8Array,
  d: DirectArray,
  start: number,
  writeAt: (h: Handle, piece: Uint8Array, pos: number) => Promise<void>,
): Promise<{ chunks: WrittenChunk[]; end: number }> {
  const chunks = d.chunks!;
  const itemSize = d.data.BYTES_PER_ELEMENT;
  const grid = d.shape.map((s, k) => Math.ceil(s / chunks[k]!));
  const total = grid.reduce((a, b) => a * b, 1);
  const offsetOf = (i: number) => {
    const off = new Array<number>(grid.length);
    for (let k = grid.length - 1; k >= 0; k--) {
      off[k] = (i % grid[k]!) * chunks[k]!;
      i = Math.floor(i / grid[k]!);
    }
    return off;
  };
  const compress = (i: number) => deflateAsync(extractChunk(src, d.shape, chunks, offsetOf(i), itemSize), { level: d.gzip! });
  const window: Promise<Buffer>[] = [];
  for (let i = 0; i < Math.min(IO_CONCURRENCY, total); i++) window.push(compress(i));
  const written: WrittenChunk[] = [];
  let pos = start;
  try {
    for (let i = 0; i < total; i++) {
      const z = await window[i]!;
      if (i + IO_CONCURRENCY < total) window.push(compress(i + IO_CONCURRENCY));
      await writeAt(handle, z, bytes.abs(pos));
      written.push({ offset: offsetOf(i), address: pos, size: z.length });
      pos += z.length;
      window[i] = undefined as unknown as Promise<Buffer>; // let the chunk go
    }
  } catch (err) {
    await Promise.allSettled(window.filter(Boolean));
    throw err;
  }
  return { chunks: written, end: pos };
}

/**
 * Write the histograms of a raw document into `path`, or into a group of it (see
 * {@link EncodeContext.location}); the codec's `encodeFile` (`writeDocument` adds atomicity).
 *
 * @example
 * ```ts
 * await writeHdf5File('out.h5', toUHI(doc), { options: { hdf5Compression: 'gzip' } });
 * ```
 */
export function writeHdf5File(path: string, raw: RawDocument, ctx: EncodeContext): Promise<void> {
  const file = ctx.file ?? path;
  const s = settings(ctx.options);
  return withHdf5(async () => {
    if (!isLittleEndian) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hdf5BigEndianPlatform());
    const location = normalizeLocation(ctx.location);
    const append = ctx.location !== undefined && existsSync(path);
    // appending data needs a file whose free space HDF5 does not track in a superblock extension
    let direct = directWrites;
    if (append && direct) {
      try {
        const probe = H5Bytes.open(path);
        direct = !probe.superblock.hasExtension;
        probe.close();
      } catch {
        direct = false;
      }
    }
    let f: H5File;
    try {
      f = H5File.open(path, append ? 'a' : 'w');
    } catch (err) {
      const code = append ? 'PARSE' : 'IO';
      throw new HistSerialError(code, MESSAGES.hdf5Library(append ? 'open' : 'create', file, hdf5Reason(err)), { file, codec: 'hdf5', cause: err });
    }
    let patches: Map<string, HeaderPatch>;
    let writer: Writer;
    try {
      writer = new Writer(f, raw, s, direct);
      writer.ensureLocation(location, file);
      const json = raw.json as Json;
      for (const name of Object.keys(json)) {
        const group = child(location, writer.linkName(name, pointer('', name)));
        if (f.kind(group) !== 'missing') throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hdf5Exists(where(file, group)), { path: pointer('', name), file, codec: 'hdf5' });
        writer.histogram(group, json[name] as Json, pointer('', name));
      }
      patches = writer.headerPatches();
    } catch (err) {
      try {
        f.close();
      } catch {
        // the file is a temporary one and will be removed
      }
      if (err instanceof HistSerialError) throw err;
      throw new HistSerialError('IO', MESSAGES.hdf5Library('write', file, hdf5Reason(err)), { file, codec: 'hdf5', cause: err });
    }
    f.close();
    // the byte-level part (spec.md 4.5): data past h5wasm, booleans, strings; checked; then fsync.
    // The bulk of the data is flushed to the disk while the headers are patched and checked.
    const handle = await open(path, 'r+');
    let early: Promise<void> | undefined;
    try {
      try {
        const bytes = H5Bytes.open(path, true);
        try {
          if (writer.directs.length) {
            await appendArrays(handle, bytes, writer.directs, patches);
            early = handle.datasync();
          }
          patchObjectHeaders(bytes, [...patches.values()]);
        } finally {
          bytes.close();
        }
        checkWritten(path, writer.booleans(), writer.directs);
      } catch (err) {
        throw new HistSerialError('IO', MESSAGES.hdf5Patch(file, err instanceof Error ? err.message : String(err)), { file, codec: 'hdf5', cause: err });
      }
      await early;
      await handle.sync();
    } finally {
      await early?.catch(() => undefined);
      await handle.close();
    }
  });
}

/**
 * Read back, through the HDF5 library, what was written behind its back: every patched boolean must
 * be h5py's bool with the value written, every directly written array must have its shape and its
 * first and last elements (through the chunk index, for chunked ones).
 */
function checkWritten(path: string, booleans: ReadonlyMap<string, ReadonlyMap<string, boolean>>, directs: readonly DirectArray[]): void {
  if (!booleans.size && !directs.length) return;
  const f = H5File.open(path, 'r');
  try {
    for (const [object, attrs] of booleans) {
      for (const [name, value] of attrs) {
        const got = f.readAttribute(object, name);
        if (got.kind !== 'bool' || got.value !== value) throw new Error(`attribute ${name} of ${object} reads back as ${JSON.stringify(got)}`);
      }
    }
    for (const d of directs) {
      const info = f.datasetInfo(d.path);
      if (info.shape?.join() !== d.shape.join()) throw new Error(`dataset ${d.path} reads back with shape [${info.shape}], not [${d.shape}]`);
      for (const at of [0, d.data.length - 1]) {
        const want = d.data.subarray(at, at + 1) as NumericArray;
        const got = new (want.constructor as new (n: number) => NumericArray)(1);
        const offset = at === 0 ? d.shape.map(() => 0) : d.shape.map((n) => n - 1);
        f.readSlab(d.path, { offset, count: d.shape.map(() => 1) }, got);
        if (!Object.is(got[0], want[0])) throw new Error(`dataset ${d.path} reads back ${String(got[0])} at [${offset}], not ${String(want[0])}`);
      }
    }
  } finally {
    f.close();
  }
}

/* ------------------------------------------------------------------------------------------------
 * The codec
 * ---------------------------------------------------------------------------------------------- */

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hist-serial-h5-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Read a whole file as chunks of at most 1 GiB (a Buffer holds at most 4 GiB). */
async function readChunks(path: string): Promise<Uint8Array[]> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  try {
    const out: Uint8Array[] = [];
    for (let pos = 0; pos < size; ) {
      const buf = new Uint8Array(Math.min(size - pos, 1 << 30));
      await readInto(handle, pos, buf);
      out.push(buf);
      pos += buf.length;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * The HDF5 codec (uhi's layout), for the registry: `hdf5`, `.h5`. The default registry loads it
 * lazily; import it from `hist-serial/hdf5` to use it directly.
 *
 * @example
 * ```ts
 * import { HDF5_CODEC } from 'hist-serial/hdf5';
 * const raw = await HDF5_CODEC.decodeFile!('file.h5', { limits: resolveLimits() });
 * ```
 */
export const HDF5_CODEC: Codec = {
  name: 'hdf5',
  extensions: ['.h5', '.hdf5', '.hdf'],
  arrays: 'external',
  locations: true,
  /** h5wasm works on files: the bytes go to a temporary file first. */
  async decode(bytes, ctx) {
    return withTempDir(async (dir) => {
      const tmp = join(dir, 'input.h5');
      await writeFile(tmp, bytes);
      return readHdf5File(tmp, { ...ctx, file: ctx.file ?? '<bytes>' });
    });
  },
  async encode(raw, ctx): Promise<EncodedFile> {
    return withTempDir(async (dir) => {
      const tmp = join(dir, 'output.h5');
      await writeHdf5File(tmp, raw, ctx);
      const chunks = await readChunks(tmp);
      return { main: chunks.length === 1 ? chunks[0]! : chunks };
    });
  },
  decodeFile: (path, ctx) => readHdf5File(path, ctx),
  encodeFile: (path, raw, ctx) => writeHdf5File(path, raw, ctx),
};
