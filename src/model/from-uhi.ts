/**
 * Raw UHI document → model, with every semantic check the schema cannot express.
 * Checks are collected as issues (all of them, not only the first); a histogram is built only when
 * it has no error.
 * @module
 */
import { issue, pointer, type Issue } from '../errors.js';
import type { ExactIntegers } from '../json/parse.js';
import { MESSAGES } from '../messages.js';
import { InlineArray, type RawDocument } from '../raw.js';
import { UHI_SCHEMA_VERSION } from '../version.js';
import { extent, type Axis } from './axis.js';
import { extrasFromRaw } from './extras.js';
import type { HistDocument, Histogram } from './histogram.js';
import type { Metadata, WriterInfo } from './metadata.js';
import {
  FLOAT_DTYPES,
  INT_DTYPES,
  astype,
  toFloat64,
  isIntDtype,
  sizeOf,
  stridesOf,
  unravelIndex,
  type Dtype,
  type NDArray,
} from './ndarray.js';
import { ALLOWED_DTYPES, STORAGE_TYPES, storageFields, type Storage, type StorageType } from './storage.js';

type Json = Record<string, unknown>;

/** Options of {@link fromUHI}. */
export interface FromUHIOptions {
  /** Name given to a histogram stored directly at the top level (default `histogram`). */
  singleName?: string;
}

/** Result of {@link fromUHI}: the document when there was no error, and every issue found. */
export interface FromUHIResult {
  document?: HistDocument;
  issues: Issue[];
}

/** Is this JSON object one histogram stored directly (uhi's rule: it has `uhi_schema`)? */
export function isSingleHistogram(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'uhi_schema' in json;
}

/**
 * Build histograms from a schema-valid raw UHI document, checking semantics (shapes against axes,
 * edges, categories, dtypes, integer counts, sparse indices, version).
 *
 * @example
 * ```ts
 * const { document, issues } = fromUHI({ json, resources: new Map() });
 * ```
 */
export function fromUHI(raw: RawDocument, options: FromUHIOptions = {}): FromUHIResult {
  const issues: Issue[] = [];
  const json = raw.json as Json;
  const entries: [string, unknown, string][] = isSingleHistogram(json)
    ? [[options.singleName ?? 'histogram', json, '']]
    : Object.keys(json).map((name) => [name, json[name], pointer('', name)]);
  const histograms = new Map<string, Histogram>();
  for (const [name, h, path] of entries) {
    const built = new HistogramBuilder(raw, issues).build(h as Json, path);
    if (built) histograms.set(name, built);
  }
  const failed = issues.some((i) => i.severity === 'error');
  if (failed) return { issues };
  return { document: raw.extras ? { histograms, extras: extrasFromRaw(raw.extras, raw.resources) } : { histograms }, issues };
}

/** What an array is for: decides the dtype of inline data and the checks. */
type Role = 'int' | 'float' | 'index';

class HistogramBuilder {
  private readonly exact: ExactIntegers | undefined;

  constructor(
    private readonly raw: RawDocument,
    private readonly issues: Issue[],
  ) {
    this.exact = raw.exact;
  }

  private error(code: Issue['code'], path: string, message: string): undefined {
    this.issues.push(issue(code, path, message));
    return undefined;
  }

  build(h: Json, path: string): Histogram | undefined {
    const version = h.uhi_schema;
    if (typeof version === 'number' && version > UHI_SCHEMA_VERSION) {
      const p = pointer(path, 'uhi_schema');
      return this.error('UNSUPPORTED_VERSION', p, MESSAGES.unsupportedVersion(p, version, UHI_SCHEMA_VERSION));
    }
    const before = this.issues.length;
    const axes = (h.axes as Json[]).map((a, i) => this.axis(a, pointer(path, 'axes', i)));
    if (this.issues.length > before) return undefined;
    const storage = this.storage(h.storage as Json, axes as Axis[], pointer(path, 'storage'));
    if (!storage) return undefined;
    const out: Histogram = { axes: axes as Axis[], storage };
    if (typeof version === 'number') out.uhi_schema = version;
    if (h.metadata !== undefined) out.metadata = { ...(h.metadata as Metadata) };
    if (h.writer_info !== undefined) out.writer_info = copyWriterInfo(h.writer_info as WriterInfo);
    return out;
  }

  private axis(a: Json, path: string): Axis | undefined {
    const common: Pick<Axis, 'metadata' | 'writer_info'> = {};
    if (a.metadata !== undefined) common.metadata = { ...(a.metadata as Metadata) };
    if (a.writer_info !== undefined) common.writer_info = copyWriterInfo(a.writer_info as WriterInfo);
    switch (a.type) {
      case 'regular': {
        const { lower, upper, bins } = a as { lower: number; upper: number; bins: number };
        if (bins < 1) return this.error('AXIS_BINS', pointer(path, 'bins'), MESSAGES.axisBins(pointer(path, 'bins'), bins));
        if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper)) {
          return this.error('AXIS_RANGE', path, MESSAGES.axisRange(path, lower, upper));
        }
        const { underflow, overflow, circular } = a as { underflow: boolean; overflow: boolean; circular: boolean };
        return { type: 'regular', lower, upper, bins, underflow, overflow, circular, ...common };
      }
      case 'variable': {
        const edgesPath = pointer(path, 'edges');
        const arr = this.array(a.edges, edgesPath, 'float');
        if (!arr) return undefined;
        const edges = asFloat64(arr);
        if (arr.shape.length !== 1 || edges.length < 2) {
          return this.error('EDGES_TOO_FEW', edgesPath, MESSAGES.edgesTooFew(edgesPath, edges.length));
        }
        for (let k = 0; k < edges.length; k++) {
          const e = edges[k]!;
          if (!Number.isFinite(e)) return this.error('EDGES_NOT_FINITE', pointer(edgesPath, k), MESSAGES.edgeNotFinite(pointer(edgesPath, k), e));
          if (k > 0 && !(e > edges[k - 1]!)) {
            return this.error('EDGES_NOT_INCREASING', pointer(edgesPath, k), MESSAGES.edgeNotIncreasing(pointer(edgesPath, k), e, edges[k - 1]!));
          }
        }
        const { underflow, overflow, circular } = a as { underflow: boolean; overflow: boolean; circular: boolean };
        return { type: 'variable', edges, underflow, overflow, circular, ...common };
      }
      case 'category_str': {
        const categories = a.categories as string[];
        if (!this.unique(categories, pointer(path, 'categories'))) return undefined;
        return { type: 'category_str', categories: [...categories], flow: a.flow as boolean, ...common };
      }
      case 'category_int': {
        const catPath = pointer(path, 'categories');
        const arr = this.array(a.categories, catPath, 'float');
        if (!arr) return undefined;
        const categories = asFloat64(arr);
        for (let k = 0; k < categories.length; k++) {
          if (!Number.isSafeInteger(categories[k])) {
            return this.error('CATEGORY_NOT_INTEGER', pointer(catPath, k), MESSAGES.categoryNotInteger(pointer(catPath, k), categories[k]));
          }
        }
        if (!this.unique(Array.from(categories), catPath)) return undefined;
        return { type: 'category_int', categories, flow: a.flow as boolean, ...common };
      }
      default:
        return { type: 'boolean', ...common };
    }
  }

  private unique(values: readonly (string | number)[], path: string): boolean {
    const seen = new Set<string | number>();
    for (let k = 0; k < values.length; k++) {
      if (seen.has(values[k]!)) {
        this.error('DUPLICATE_CATEGORY', pointer(path, k), MESSAGES.duplicateCategory(pointer(path, k), values[k]));
        return false;
      }
      seen.add(values[k]!);
    }
    return true;
  }

  private storage(s: Json, axes: Axis[], path: string): Storage | undefined {
    const type = s.type as StorageType;
    if (!STORAGE_TYPES.includes(type)) return undefined;
    const fields = storageFields(type);
    const shape = axes.map(extent);
    if (s.index !== undefined) return this.sparse(s, type, shape, path);
    if (fields.every((f) => s[f] === undefined)) return { type, layout: 'empty', arrays: {} };
    const arrays: Storage['arrays'] = {};
    let ok = true;
    for (const field of fields) {
      const p = pointer(path, field);
      let arr = this.array(s[field], p, type === 'int' ? 'int' : 'float');
      if (arr) arr = this.checkDtype(arr, type, p);
      if (arr && shape.length === 0 && arr.shape.length === 1 && arr.shape[0] === 1) arr = { ...arr, shape: [] };
      if (arr && !sameShape(arr.shape, shape)) {
        arr = this.error('SHAPE_MISMATCH', p, MESSAGES.shapeMismatch(p, arr.shape, shape, 'one flow-inclusive extent per axis'));
      }
      if (arr) arrays[field] = arr;
      else ok = false;
    }
    return ok ? { type, layout: 'dense', arrays } : undefined;
  }

  private sparse(s: Json, type: StorageType, shape: number[], path: string): Storage | undefined {
    const indexPath = pointer(path, 'index');
    let index = this.array(s.index, indexPath, 'index');
    if (!index) return undefined;
    if (!isIntDtype(index.dtype)) {
      return this.error('DTYPE_NOT_ALLOWED', indexPath, MESSAGES.dtypeNotAllowed(indexPath, index.dtype, 'a sparse index of', INT_DTYPES));
    }
    const arrays: Storage['arrays'] = {};
    let nnz = -1;
    for (const field of storageFields(type)) {
      const p = pointer(path, field);
      let arr = this.array(s[field], p, type === 'int' ? 'int' : 'float');
      if (arr) arr = this.checkDtype(arr, type, p);
      if (!arr) return undefined;
      if (nnz < 0) nnz = arr.data.length;
      if (arr.shape.length !== 1 || arr.data.length !== nnz) {
        return this.error('SHAPE_MISMATCH', p, MESSAGES.shapeMismatch(p, arr.shape, [nnz], 'one value per filled bin'));
      }
      arrays[field] = arr;
    }
    const naxes = shape.length;
    if (index.shape.length === 1 && index.shape[0] === 0 && nnz === 0) index = { ...index, shape: [naxes, 0] };
    if (index.shape.length !== 2 || index.shape[0] !== naxes || index.shape[1] !== nnz) {
      return this.error('SPARSE_INDEX_SHAPE', indexPath, MESSAGES.sparseIndexShape(indexPath, index.shape, naxes, nnz));
    }
    const seen = new Set<number>();
    const strides = stridesOf(shape);
    for (let j = 0; j < nnz; j++) {
      let flat = 0;
      for (let k = 0; k < naxes; k++) {
        const b = Number(index.data[k * nnz + j]!);
        if (!(b >= 0 && b < shape[k]!)) {
          const p = pointer(indexPath, k, j);
          return this.error('SPARSE_INDEX_RANGE', p, MESSAGES.sparseIndexRange(p, b, shape[k]!));
        }
        flat += b * strides[k]!;
      }
      if (seen.has(flat)) {
        const p = pointer(indexPath, 0, j);
        return this.error('SPARSE_INDEX_DUPLICATE', p, MESSAGES.sparseIndexDuplicate(p, unravelIndex(flat, shape)));
      }
      seen.add(flat);
    }
    return { type, layout: 'sparse', index, arrays };
  }

  /** Allowed dtypes: exact match, or a lossless conversion (ints in float storage; integral floats in int storage). */
  private checkDtype(arr: NDArray, type: StorageType, path: string): NDArray | undefined {
    const allowed = ALLOWED_DTYPES[type];
    if (allowed.includes(arr.dtype)) return arr;
    if (arr.dtype !== 'b1' && type !== 'int') return astype(arr, 'f8');
    if (type === 'int' && FLOAT_DTYPES.includes(arr.dtype)) {
      const d = arr.data as Float64Array;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isInteger(d[i])) {
          const p = pointerAt(path, i, arr.shape);
          return this.error('NON_INTEGER_VALUE', p, MESSAGES.nonInteger(p, d[i], type));
        }
      }
      return astype(arr, 'i8');
    }
    return this.error('DTYPE_NOT_ALLOWED', path, MESSAGES.dtypeNotAllowed(path, arr.dtype, type, allowed));
  }

  /** Resolve an array position: out-of-band key, inline typed array, nested list or bare number. */
  private array(node: unknown, path: string, role: Role): NDArray | undefined {
    if (typeof node === 'string') {
      const found = this.raw.resources.get(node);
      return found ?? this.error('MISSING_ARRAY', path, MESSAGES.missingArray(path, node));
    }
    if (node instanceof InlineArray) return node.array;
    if (typeof node === 'number') return this.flatten([node], path, role, []);
    if (Array.isArray(node)) {
      const shape: number[] = [];
      for (let n: unknown = node; Array.isArray(n); n = n[0]) shape.push(n.length);
      return this.flatten(node, path, role, shape);
    }
    return this.error('SHAPE_MISMATCH', path, MESSAGES.raggedArray(path));
  }

  /** Nested lists → typed array, checking that the nesting is rectangular. */
  private flatten(node: unknown[], path: string, role: Role, shape: number[]): NDArray | undefined {
    const n = sizeOf(shape);
    const dims = Math.max(shape.length, 1);
    const leaves: unknown[][] = [];
    const collect = (a: unknown[], dim: number, p: string): boolean => {
      if (a.length !== (shape.length ? shape[dim] : 1)) {
        this.error('SHAPE_MISMATCH', p, MESSAGES.raggedArray(p));
        return false;
      }
      if (dim === dims - 1) {
        leaves.push(a); // element types are checked while copying
        return true;
      }
      for (let i = 0; i < a.length; i++) {
        const child = a[i];
        if (!Array.isArray(child) || !collect(child, dim + 1, pointer(p, i))) {
          if (!Array.isArray(child)) this.error('SHAPE_MISMATCH', pointer(p, i), MESSAGES.raggedArray(pointer(p, i)));
          return false;
        }
      }
      return true;
    };
    if (!collect(node, 0, path)) return undefined;
    if (role === 'float') {
      const data = new Float64Array(n);
      let o = 0;
      for (const leaf of leaves) {
        for (let i = 0; i < leaf.length; i++, o++) {
          const v = leaf[i];
          if (typeof v !== 'number') return this.error('SHAPE_MISMATCH', pointerAt(path, o, shape), MESSAGES.raggedArray(pointerAt(path, o, shape)));
          data[o] = v;
        }
      }
      return { dtype: 'f8', shape, data };
    }
    // Integer roles: exact int64 when every value is an integer; otherwise keep doubles (int storage then reports).
    const data = new BigInt64Array(n);
    let o = 0;
    for (const leaf of leaves) {
      const exact = this.exact?.get(leaf);
      for (let i = 0; i < leaf.length; i++, o++) {
        const big = exact?.get(i);
        const v = leaf[i];
        if (typeof v !== 'number') return this.error('SHAPE_MISMATCH', pointerAt(path, o, shape), MESSAGES.raggedArray(pointerAt(path, o, shape)));
        if (big !== undefined) {
          if (big < -(2n ** 63n) || big >= 2n ** 63n) {
            const p = pointerAt(path, o, shape);
            return this.error('NON_INTEGER_VALUE', p, MESSAGES.intOutOfRange(p, big));
          }
          data[o] = big;
        } else if (Number.isInteger(v)) {
          data[o] = BigInt(v);
        } else {
          const p = pointerAt(path, o, shape);
          return this.error('NON_INTEGER_VALUE', p, MESSAGES.nonInteger(p, v, role === 'index' ? 'a sparse index of' : 'int'));
        }
      }
    }
    return { dtype: 'i8' as Dtype, shape, data };
  }
}

/** The data as a Float64Array: the array itself when it already is one, else a converted copy. */
function asFloat64(arr: NDArray): Float64Array {
  return arr.data instanceof Float64Array ? arr.data : toFloat64(arr);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** JSON pointer of flat element `flat` of an array with `shape` under `path`. */
function pointerAt(path: string, flat: number, shape: readonly number[]): string {
  return shape.length ? pointer(path, ...unravelIndex(flat, shape)) : path;
}

function copyWriterInfo(w: WriterInfo): WriterInfo {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { ...v }]));
}
