/**
 * The one module that talks to h5wasm (HDF5 2.0 compiled to WebAssembly, with direct access to the
 * host filesystem in Node). It hides h5wasm's snake_case API behind a small camelCase one and guards
 * its traps (shared/notes/dependencies.md §3):
 *
 * - HDF5 errors normally only print `HDF5-DIAG` to stderr and the call returns as if it had worked
 *   (e.g. creating a name that exists). While hist-serial runs an HDF5 operation, h5wasm's throwing
 *   error handler is active, so they become exceptions; and creators check for the name first anyway.
 * - Types are never guessed: every attribute and dataset is written with an explicit dtype.
 * - One call may pass at most 2 GiB through the wasm heap: datasets are read and written in slabs of
 *   at most {@link H5_SLAB_BYTES} bytes.
 * - Files are created with library version bounds `earliest`…`v110`, so that HDF5 1.10 (Debian's
 *   h5py and h5dump) reads everything written, and with link and attribute order tracked.
 * @module
 */
import * as h5 from 'h5wasm/node';
import type { Dtype as WasmDtype, Metadata } from 'h5wasm/node';
import type { TypedArray } from '../model/ndarray.js';

/** h5wasm's wasm heap is at most 2 GiB: no call may pass more than half of it. */
export const HDF5_MAX_CALL_BYTES = 1024 * 1024 * 1024;

/** Largest number of bytes passed through the wasm heap in one read or write call. */
export let H5_SLAB_BYTES = 256 * 1024 * 1024;

/** For tests and benches: make slabs small to exercise the sliced paths on small data. Returns the old value. */
export function setSlabBytes(bytes: number): number {
  const old = H5_SLAB_BYTES;
  H5_SLAB_BYTES = Math.max(1, Math.min(bytes, HDF5_MAX_CALL_BYTES));
  return old;
}

let module: Promise<void> | undefined;

/** Load the WebAssembly module (once). */
export function loadHdf5(): Promise<void> {
  module ??= h5.ready.then(() => undefined);
  return module;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Run `fn` with exclusive use of the HDF5 library and with HDF5 errors thrown as exceptions (the
 * library's default error printing is restored afterwards). Operations are serialized: h5wasm is one
 * HDF5 library instance whose files and error state are global. `fn` must not call `withHdf5`.
 */
export function withHdf5<T>(fn: () => Promise<T> | T): Promise<T> {
  const run = async (): Promise<T> => {
    await loadHdf5();
    h5.Module.activate_throwing_error_handler();
    try {
      return await fn();
    } finally {
      h5.Module.deactivate_throwing_error_handler();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** The first line of an HDF5 error stack that says what went wrong (h5wasm puts the whole stack in the message). */
export function hdf5Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const minors = lines.filter((l) => l.startsWith('minor:')).map((l) => l.slice(6).trim());
  const deepest = [...lines].reverse().find((l) => /^#\d+:/.test(l));
  const what = deepest ? deepest.replace(/^#\d+:\s*\S+ line \d+ in /, '') : lines[0] ?? text;
  return minors.length ? `${what} (${minors[minors.length - 1]})` : what;
}

/** What kind of object a path names. */
export type ObjectKind = 'group' | 'dataset' | 'missing' | 'other';

/** An HDF5 element type, as far as the codec cares. */
export interface ElementType {
  kind: 'int' | 'float' | 'bool' | 'string' | 'reference' | 'other';
  /** Bytes per element. */
  size: number;
  signed: boolean;
  littleEndian: boolean;
  /** h5wasm's dtype string (`<d`, `<q`, `S`…), for messages. */
  name: string;
}

/** Shape, type, filters and chunking of a dataset. `shape` is null for a null dataspace. */
export interface DatasetInfo {
  shape: number[] | null;
  type: ElementType;
  filters: { id: number; name: string; values: number[] }[];
  chunks: number[] | null;
}

/** A scalar attribute value as read (arrays as JS arrays). */
export type AttributeValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'array'; value: unknown[] }
  | { kind: 'other'; type: string };

/** Typed arrays h5wasm reads and writes: the model's. */
export type NumericArray = TypedArray;

/** Options for writing a numeric dataset. */
export interface WriteOptions {
  /** Chunk shape (required for compression). */
  chunks?: number[];
  /** Deflate (gzip) level 0–9. */
  gzip?: number;
}

/** numpy-style kind + size → h5wasm dtype string. */
function wasmDtype(data: NumericArray): string {
  if (data instanceof Float64Array) return '<d';
  if (data instanceof Float32Array) return '<f';
  if (data instanceof BigInt64Array) return '<q';
  if (data instanceof BigUint64Array) return '<Q';
  if (data instanceof Int32Array) return '<i';
  if (data instanceof Uint32Array) return '<I';
  if (data instanceof Int16Array) return '<h';
  if (data instanceof Uint16Array) return '<H';
  if (data instanceof Int8Array) return '<b';
  return '<B';
}

function elementType(m: Metadata, name: string): ElementType {
  const base = { size: m.size, signed: m.signed, littleEndian: m.littleEndian, name };
  const classes = h5.Module.H5T_class_t;
  if (m.type === classes.H5T_INTEGER.value) return { kind: 'int', ...base };
  if (m.type === classes.H5T_FLOAT.value) return { kind: 'float', ...base };
  if (m.type === classes.H5T_STRING.value) return { kind: 'string', ...base };
  if (m.type === classes.H5T_REFERENCE.value) return { kind: 'reference', ...base };
  if (m.type === classes.H5T_ENUM.value && m.enum_type) {
    const members = m.enum_type.members;
    const keys = Object.keys(members);
    if (keys.length === 2 && members.FALSE === 0 && members.TRUE === 1) return { kind: 'bool', ...base, name: 'bool' };
  }
  return { kind: 'other', ...base, name: describeType(m) };
}

function describeType(m: Metadata): string {
  const classes = h5.Module.H5T_class_t as unknown as Record<string, { value: number }>;
  const cls = Object.entries(classes).find(([, v]) => v.value === m.type)?.[0] ?? `class ${m.type}`;
  return `${cls} of ${m.size} byte(s)`;
}

/** Product of a shape. */
const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Slabs of a C-order array: ranges over the leading axes such that each slab is contiguous in the
 * array and holds at most `maxBytes` bytes (one row of the last axes at least). Yields the hyperslab
 * (`offset`, `count` per axis) and the element range `[start, end)` in the flat array.
 */
export function* slabs(shape: readonly number[], itemSize: number, maxBytes: number): Generator<{ offset: number[]; count: number[]; start: number; end: number }> {
  const rank = shape.length;
  const total = count(shape);
  if (rank === 0 || total === 0) {
    yield { offset: shape.map(() => 0), count: [...shape], start: 0, end: total };
    return;
  }
  // smallest axis j such that a block of one index along axes < j and all of axes > j fits
  let j = 0;
  let inner = total;
  while (j < rank - 1 && inner * itemSize > maxBytes) {
    inner /= shape[j]!;
    j++;
  }
  const rowElems = inner / shape[j]!; // elements per index along axis j
  const step = Math.max(1, Math.floor(maxBytes / (rowElems * itemSize)));
  const outer = shape.slice(0, j);
  const idx = outer.map(() => 0);
  for (;;) {
    for (let a = 0; a < shape[j]!; a += step) {
      const n = Math.min(step, shape[j]! - a);
      const offset = [...idx, a, ...shape.slice(j + 1).map(() => 0)];
      const cnt = [...outer.map(() => 1), n, ...shape.slice(j + 1)];
      let start = 0;
      let stride = total;
      for (let d = 0; d <= j; d++) {
        stride /= shape[d]!;
        start += offset[d]! * stride;
      }
      yield { offset, count: cnt, start, end: start + n * rowElems };
    }
    let d = outer.length - 1;
    while (d >= 0) {
      if (++idx[d]! < outer[d]!) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** An open HDF5 file. Paths are absolute HDF5 paths (`/h1/storage/values`). */
export class H5File {
  private constructor(private readonly file: h5.File) {}

  /**
   * Open a file: `r` read-only, `a` read-write (existing file), `w` create or truncate. New files get
   * library version bounds earliest…v110 and track the creation order of links and attributes.
   */
  static open(path: string, mode: 'r' | 'a' | 'w'): H5File {
    const options = mode === 'r' ? {} : { libver: ['earliest', 'v110'] as ['earliest', 'v110'], track_order: true };
    return new H5File(new h5.File(path, mode, options));
  }

  close(): void {
    this.file.close();
  }

  flush(): void {
    this.file.flush();
  }

  kind(path: string): ObjectKind {
    const t = this.file.get_type(path);
    if (t < 0) return 'missing';
    if (t === h5.Module.H5G_GROUP) return 'group';
    if (t === h5.Module.H5G_DATASET) return 'dataset';
    return 'other';
  }

  /** Names of a group's links, in the group's index order (creation order when tracked, else by name). */
  children(path: string): string[] {
    return h5.Module.get_names(this.file.file_id, path, false);
  }

  attributeNames(path: string): string[] {
    return h5.Module.get_attribute_names(this.file.file_id, path);
  }

  hasAttribute(path: string, name: string): boolean {
    return this.attributeNames(path).includes(name);
  }

  readAttribute(path: string, name: string): AttributeValue {
    const attr = new h5.Attribute(this.file.file_id, path, name);
    const m = attr.metadata;
    const type = elementType(m, typeof attr.dtype === 'string' ? attr.dtype : describeType(m));
    if (m.shape === null) return { kind: 'other', type: 'an empty (null dataspace) attribute' };
    if (type.kind === 'other' || type.kind === 'reference') return { kind: 'other', type: type.name };
    const value = attr.value;
    if (m.shape.length > 0) {
      const items = Array.isArray(value) ? value : ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<unknown>) : [value];
      return { kind: 'array', value: type.kind === 'bool' ? items.map((v) => Boolean(v)) : items };
    }
    switch (type.kind) {
      case 'string':
        return { kind: 'string', value: String(value) };
      case 'bool':
        return { kind: 'bool', value: Boolean(value) };
      case 'int':
        return { kind: 'int', value: typeof value === 'bigint' ? value : BigInt(value as number) };
      default:
        return { kind: 'float', value: Number(value) };
    }
  }

  createGroup(path: string, trackOrder = false): void {
    this.ensureFree(path);
    const slash = path.lastIndexOf('/');
    const parent = new h5.Group(this.file.file_id, slash <= 0 ? '/' : path.slice(0, slash));
    parent.create_group(path.slice(slash + 1), trackOrder);
    if (this.kind(path) !== 'group') throw new Error(`HDF5 did not create group ${path}`);
  }

  /** A UTF-8 variable-length string attribute. */
  writeString(path: string, name: string, value: string): void {
    this.ensureNoAttribute(path, name);
    this.object(path).create_attribute(name, value, [], 'S');
  }

  /** A scalar numeric attribute of an explicit type (`f8` or `i8`). */
  writeNumber(path: string, name: string, value: number | bigint, dtype: 'f8' | 'i8'): void {
    this.ensureNoAttribute(path, name);
    const data = dtype === 'f8' ? Float64Array.of(Number(value)) : BigInt64Array.of(BigInt(value));
    this.object(path).create_attribute(name, data, [], dtype === 'f8' ? '<d' : '<q');
  }

  /**
   * An int8 array attribute standing in for a boolean until {@link patchObjectHeaders} rewrites it
   * (h5wasm cannot create enum types). It is larger than the boolean attribute in every encoding.
   */
  writeBooleanPlaceholder(path: string, name: string, value: boolean): void {
    this.ensureNoAttribute(path, name);
    const data = new Int8Array(48);
    data[0] = value ? 1 : 0;
    this.object(path).create_attribute(name, data, [data.length], '<b');
  }

  datasetInfo(path: string): DatasetInfo {
    const ds = new h5.Dataset(this.file.file_id, path);
    const m = ds.metadata;
    const name = typeof ds.dtype === 'string' ? ds.dtype : describeType(m);
    return {
      shape: m.shape,
      type: elementType(m, name),
      filters: ds.filters.map((f) => ({ id: f.id, name: f.name, values: f.cd_values })),
      chunks: m.chunks,
    };
  }

  /**
   * Read a numeric dataset into `into` (C order, native little-endian), slab by slab, each slab
   * passing once through the wasm heap. HDF5 converts the stored type to the type of `into`'s class
   * only where h5wasm's memory type matches; callers pass an array of the stored size and signedness.
   */
  readNumeric(path: string, shape: readonly number[], into: NumericArray): void {
    const itemSize = into.BYTES_PER_ELEMENT;
    for (const slab of slabs(shape, itemSize, H5_SLAB_BYTES)) {
      if (slab.end === slab.start) continue;
      this.readSlab(path, shape.length === 0 ? null : slab, into.subarray(slab.start, slab.end) as NumericArray);
    }
  }

  /** Read a hyperslab (`offset`, `count` per axis; null for a whole scalar dataset) into `into`. */
  readSlab(path: string, slab: { offset: readonly number[]; count: readonly number[] } | null, into: NumericArray): void {
    const M = h5.Module;
    const nbytes = into.byteLength;
    const ptr = M._malloc(Math.max(nbytes, 1));
    if (!ptr) throw new Error(`cannot allocate ${nbytes} bytes in the wasm heap`);
    try {
      M.get_dataset_data(
        this.file.file_id,
        path,
        slab ? slab.count.map(BigInt) : null,
        slab ? slab.offset.map(BigInt) : null,
        slab ? slab.count.map(() => 1n) : null,
        BigInt(ptr),
      );
      new Uint8Array(into.buffer, into.byteOffset, nbytes).set(M.HEAPU8.subarray(ptr, ptr + nbytes));
    } finally {
      M._free(ptr);
    }
  }

  /** Every element of a string dataset. */
  readStrings(path: string): string[] {
    const value = new h5.Dataset(this.file.file_id, path).value;
    return (Array.isArray(value) ? value : [value]).map((v) => String(v));
  }

  /** The paths of the objects an object-reference dataset points to. */
  readReferences(path: string): string[] {
    const value = new h5.Dataset(this.file.file_id, path).value;
    const refs = (Array.isArray(value) ? value : [value]) as h5.Reference[];
    return refs.map((r) => h5.Module.get_referenced_name(this.file.file_id, r.ref_data, true));
  }

  /**
   * Write a numeric dataset (C order). Up to {@link H5_SLAB_BYTES} it is one call; a larger array is
   * created chunked (empty, then resized) and written slab by slab.
   */
  writeNumeric(path: string, shape: readonly number[], data: NumericArray, options: WriteOptions = {}): void {
    this.ensureFree(path);
    const { parent, name } = this.split(path);
    const dtype = wasmDtype(data);
    const compression = options.gzip === undefined ? {} : { compression: 'gzip' as const, compression_opts: options.gzip };
    if (data.byteLength <= H5_SLAB_BYTES || shape.length === 0) {
      parent.create_dataset({ name, data, shape: [...shape], dtype, ...(options.chunks ? { chunks: options.chunks } : {}), ...compression });
    } else {
      const chunks = options.chunks ?? defaultChunks(shape, data.BYTES_PER_ELEMENT);
      const empty = data.subarray(0, 0) as NumericArray;
      const ds = parent.create_dataset({
        name,
        data: empty,
        shape: [0, ...shape.slice(1)],
        maxshape: [...shape],
        dtype,
        chunks,
        ...compression,
      });
      ds.resize([...shape]);
      for (const slab of slabs(shape, data.BYTES_PER_ELEMENT, H5_SLAB_BYTES)) {
        const ranges = slab.offset.map((o, d) => [o, o + slab.count[d]!] as [number, number]);
        ds.write_slice(ranges, data.subarray(slab.start, slab.end));
      }
    }
    if (this.kind(path) !== 'dataset') throw new Error(`HDF5 did not create dataset ${path}`);
  }

  /**
   * An empty chunked dataset of `shape`'s type, chunking and filter, with no chunk written: its first
   * axis is 0 now and may grow to `shape[0]` (for data written without the library, see
   * `chunkBTree` in hdf5-format.ts).
   */
  createChunkedPlaceholder(path: string, shape: readonly number[], like: NumericArray, chunks: readonly number[], gzip: number): void {
    this.ensureFree(path);
    const { parent, name } = this.split(path);
    parent.create_dataset({
      name,
      data: like.subarray(0, 0) as NumericArray,
      shape: [0, ...shape.slice(1)],
      maxshape: [...shape],
      dtype: wasmDtype(like),
      chunks: [...chunks],
      compression: 'gzip',
      compression_opts: gzip,
    });
    if (this.kind(path) !== 'dataset') throw new Error(`HDF5 did not create dataset ${path}`);
  }

  /** A dataset of UTF-8 variable-length strings. */
  writeStrings(path: string, values: readonly string[]): void {
    this.ensureFree(path);
    const { parent, name } = this.split(path);
    parent.create_dataset({ name, data: [...values], shape: [values.length], dtype: 'S' });
    if (this.kind(path) !== 'dataset') throw new Error(`HDF5 did not create dataset ${path}`);
  }

  /** A dataset of object references to `targets` (absolute paths of existing objects). */
  writeReferences(path: string, targets: readonly string[]): void {
    this.ensureFree(path);
    const { parent, name } = this.split(path);
    const refs = targets.map((t) => this.object(t).create_reference());
    parent.create_dataset({ name, data: refs, shape: [refs.length], dtype: 'Reference' as WasmDtype });
    if (this.kind(path) !== 'dataset') throw new Error(`HDF5 did not create dataset ${path}`);
  }

  /** File address of an object's header (what an object reference holds). */
  objectAddress(path: string): number {
    const ref = this.object(path).create_reference().ref_data;
    let value = 0;
    for (let i = ref.length - 1; i >= 0; i--) value = value * 256 + ref[i]!;
    return value;
  }

  private object(path: string): h5.Group | h5.Dataset {
    const kind = this.kind(path);
    if (kind === 'group') return new h5.Group(this.file.file_id, path);
    if (kind === 'dataset') return new h5.Dataset(this.file.file_id, path);
    throw new Error(`no group or dataset at ${path}`);
  }

  private split(path: string): { parent: h5.Group; name: string } {
    const slash = path.lastIndexOf('/');
    return { parent: new h5.Group(this.file.file_id, slash <= 0 ? '/' : path.slice(0, slash)), name: path.slice(slash + 1) };
  }

  /** h5wasm does not fail on a name that exists: check first. */
  private ensureFree(path: string): void {
    if (this.kind(path) !== 'missing') throw new Error(`${path} already exists`);
  }

  private ensureNoAttribute(path: string, name: string): void {
    if (this.hasAttribute(path, name)) throw new Error(`attribute ${name} of ${path} already exists`);
  }
}

/**
 * Chunks of about `target` bytes (1 MiB): whole trailing axes while they fit, part of the next one,
 * single indices along the axes before it.
 */
export function defaultChunks(shape: readonly number[], itemSize: number, target = 1 << 20): number[] {
  const out = shape.map(() => 1);
  let bytes = itemSize;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = Math.max(shape[d]!, 1);
    if (bytes * s <= target) {
      out[d] = s;
      bytes *= s;
      continue;
    }
    out[d] = Math.max(1, Math.floor(target / bytes));
    break;
  }
  return out;
}
