/**
 * Comparing two documents (what `hist-serial diff` prints): which histograms each has, their axes,
 * storage types, metadata, and bin contents within a tolerance (numpy's `isclose` rule,
 * |a − b| ≤ atol + rtol·|b|; NaN equals NaN). Sparse and dense storages compare as dense. No IO.
 * @module
 */
import { sameBinning, type Axis } from './axis.js';
import { denseShape, type HistDocument, type Histogram } from './histogram.js';
import { isBigIntDtype, unravelIndex, type NDArray } from './ndarray.js';
import { storageFields, toDense } from './storage.js';

/** Options of {@link compareDocuments}. */
export interface CompareOptions {
  /** Relative tolerance (default 0: exact). */
  rtol?: number;
  /** Absolute tolerance (default 0). */
  atol?: number;
  /** Differing bins listed per array (default 10; all are counted). */
  maxBins?: number;
  /** Compare metadata (default true). */
  metadata?: boolean;
  /** Compare writer_info too (default false: writers stamp their own). */
  writerInfo?: boolean;
}

/** One bin that differs. `index` is flow-inclusive (0 is the underflow bin of an axis that has one). */
export interface BinDifference {
  index: number[];
  a: number | string;
  b: number | string;
}

/** One difference between the documents. */
export interface Difference {
  /** The histogram (absent for document-level differences). */
  histogram: string;
  kind: 'only-in-a' | 'only-in-b' | 'axes' | 'storage' | 'metadata' | 'writer_info' | 'values';
  /** What differs, in words. */
  message: string;
  /** For `values`: the array, how many bins differ, and the first ones. */
  field?: string;
  count?: number;
  bins?: BinDifference[];
  /** For `values`: the largest |a − b| among the differing bins. */
  maxAbsDiff?: number;
}

/** Result of {@link compareDocuments}. */
export interface Comparison {
  same: boolean;
  /** Histograms present in both and equal. */
  equal: string[];
  differences: Difference[];
}

const stable = (x: unknown): string => JSON.stringify(x ?? {}, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

function axisText(a: Axis): string {
  const { metadata: _m, writer_info: _w, ...rest } = a;
  return JSON.stringify(rest, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
}

function compareArrays(name: string, field: string, x: NDArray, y: NDArray, shape: readonly number[], o: Required<Pick<CompareOptions, 'rtol' | 'atol' | 'maxBins'>>): Difference | undefined {
  const n = x.data.length;
  const bins: BinDifference[] = [];
  let count = 0;
  let maxAbsDiff = 0;
  const exact = isBigIntDtype(x.dtype) && isBigIntDtype(y.dtype);
  for (let i = 0; i < n; i++) {
    const p = x.data[i]!;
    const q = y.data[i]!;
    let same: boolean;
    let diff = 0;
    if (exact) {
      same = p === q;
      diff = Number((p as bigint) > (q as bigint) ? (p as bigint) - (q as bigint) : (q as bigint) - (p as bigint));
    } else {
      const a = Number(p);
      const b = Number(q);
      diff = Math.abs(a - b);
      same = a === b || (Number.isNaN(a) && Number.isNaN(b)) || diff <= o.atol + o.rtol * Math.abs(b);
    }
    if (same) continue;
    count++;
    if (Number.isFinite(diff)) maxAbsDiff = Math.max(maxAbsDiff, diff);
    if (bins.length < o.maxBins) bins.push({ index: unravelIndex(i, shape), a: typeof p === 'bigint' ? p.toString() : p, b: typeof q === 'bigint' ? q.toString() : q });
  }
  if (count === 0) return undefined;
  return { histogram: name, kind: 'values', field, count, bins, maxAbsDiff, message: `${field}: ${count} of ${n} bins differ` };
}

function compareHistograms(name: string, a: Histogram, b: Histogram, opts: CompareOptions): Difference[] {
  const out: Difference[] = [];
  const tol = { rtol: opts.rtol ?? 0, atol: opts.atol ?? 0, maxBins: opts.maxBins ?? 10 };
  if (a.axes.length !== b.axes.length) return [{ histogram: name, kind: 'axes', message: `${a.axes.length} axes vs ${b.axes.length}` }];
  a.axes.forEach((x, k) => {
    const y = b.axes[k]!;
    if (!sameBinning(x, y) || axisText(x) !== axisText(y)) out.push({ histogram: name, kind: 'axes', message: `axis ${k}: ${axisText(x)} vs ${axisText(y)}` });
    else if ((opts.metadata ?? true) && stable(x.metadata) !== stable(y.metadata)) out.push({ histogram: name, kind: 'metadata', message: `axis ${k} metadata: ${stable(x.metadata)} vs ${stable(y.metadata)}` });
    else if (opts.writerInfo && stable(x.writer_info) !== stable(y.writer_info)) out.push({ histogram: name, kind: 'writer_info', message: `axis ${k} writer_info differs` });
  });
  if ((opts.metadata ?? true) && stable(a.metadata) !== stable(b.metadata)) out.push({ histogram: name, kind: 'metadata', message: `metadata: ${stable(a.metadata)} vs ${stable(b.metadata)}` });
  if (opts.writerInfo && stable(a.writer_info) !== stable(b.writer_info)) out.push({ histogram: name, kind: 'writer_info', message: `writer_info: ${stable(a.writer_info)} vs ${stable(b.writer_info)}` });
  if (a.storage.type !== b.storage.type) {
    out.push({ histogram: name, kind: 'storage', message: `storage ${a.storage.type} vs ${b.storage.type}` });
    return out;
  }
  if (out.some((d) => d.kind === 'axes')) return out;
  if ((a.storage.layout === 'empty') !== (b.storage.layout === 'empty')) {
    out.push({ histogram: name, kind: 'storage', message: `storage layout ${a.storage.layout} vs ${b.storage.layout}` });
    return out;
  }
  if (a.storage.layout === 'empty') return out;
  const shape = denseShape(a);
  const A = toDense(a.storage, shape).arrays;
  const B = toDense(b.storage, shape).arrays;
  for (const field of storageFields(a.storage.type)) {
    const d = compareArrays(name, field, A[field]!, B[field]!, shape, tol);
    if (d) out.push(d);
  }
  return out;
}

/**
 * Compare two documents histogram by histogram.
 *
 * @example
 * ```ts
 * const c = compareDocuments(await readDocument('a.json'), await readDocument('b.h5'), { rtol: 1e-9 });
 * if (!c.same) for (const d of c.differences) console.log(d.histogram, d.message);
 * ```
 */
export function compareDocuments(a: HistDocument, b: HistDocument, options: CompareOptions = {}): Comparison {
  const differences: Difference[] = [];
  const equal: string[] = [];
  for (const [name, h] of a.histograms) {
    const other = b.histograms.get(name);
    if (!other) {
      differences.push({ histogram: name, kind: 'only-in-a', message: 'only in the first file' });
      continue;
    }
    const d = compareHistograms(name, h, other, options);
    if (d.length) differences.push(...d);
    else equal.push(name);
  }
  for (const name of b.histograms.keys()) if (!a.histograms.has(name)) differences.push({ histogram: name, kind: 'only-in-b', message: 'only in the second file' });
  return { same: differences.length === 0, equal, differences };
}
