/**
 * Histograms and documents (named collections of histograms). No IO here.
 * @module
 */
import { extent, underflowBins, binCount, type Axis } from './axis.js';
import type { Metadata, WriterInfo } from './metadata.js';
import { isBigIntDtype, sizeOf, stridesOf, type NDArray } from './ndarray.js';
import { storageFields, type Storage, type StorageField } from './storage.js';

/** A histogram: axes, storage, metadata and writer_info, as UHI defines it. */
export interface Histogram {
  /** UHI layout version the histogram was read with (written as 1). */
  uhi_schema?: number;
  axes: Axis[];
  storage: Storage;
  metadata?: Metadata;
  writer_info?: WriterInfo;
}

/** A set of named histograms: what one UHI file, zip or HDF5 group holds. Insertion order is kept. */
export interface HistDocument {
  histograms: Map<string, Histogram>;
  /**
   * Top-level sections beside the histograms, kept verbatim as JSON by the formats that can hold
   * them (the native container): `extensions` (glTF-style, by extension name), and the fit side
   * (`hs3`, `fit_results`). Formats that cannot hold them drop them with a warning.
   */
  extras?: Record<string, unknown>;
}

/** Make a document from `[name, histogram]` pairs or a record. */
export function createDocument(entries: Iterable<[string, Histogram]> | Record<string, Histogram> = []): HistDocument {
  const it = Symbol.iterator in entries ? (entries as Iterable<[string, Histogram]>) : Object.entries(entries);
  return { histograms: new Map(it) };
}

/** Dense shape of a histogram: one flow-inclusive extent per axis (`[]` without axes). */
export function denseShape(h: Pick<Histogram, 'axes'>): number[] {
  return h.axes.map(extent);
}

/** Sum of one array, over all bins and over the bins that are not flow bins. */
export interface FieldSum {
  /** Sum over every bin, NaN skipped; a decimal string for 64-bit integer data (exact). */
  total: number | string;
  /** Sum without the flow bins, NaN skipped. */
  inner: number | string;
  /** Number of NaN values. */
  nanCount: number;
}

/** Bins per axis that are not flow: [first, end) in the flow-inclusive index. */
function innerRanges(axes: readonly Axis[]): [number, number][] {
  return axes.map((a) => [underflowBins(a), underflowBins(a) + binCount(a)]);
}

/**
 * Sums of every storage array, with and without flow bins (exact for 64-bit integer data).
 *
 * @example
 * ```ts
 * const s = storageSums(h); // { values: { total: 500, inner: 448, nanCount: 0 } }
 * ```
 */
export function storageSums(h: Histogram): Partial<Record<StorageField, FieldSum>> {
  const out: Partial<Record<StorageField, FieldSum>> = {};
  if (h.storage.layout === 'empty') return out;
  const ranges = innerRanges(h.axes);
  const shape = denseShape(h);
  const inner = innerMask(h, ranges, shape);
  for (const field of storageFields(h.storage.type)) {
    const arr = h.storage.arrays[field]!;
    out[field] = sumArray(arr, inner);
  }
  return out;
}

/** For each stored element: is it an inner (non-flow) bin? */
function innerMask(h: Histogram, ranges: [number, number][], shape: number[]): (i: number) => boolean {
  const naxes = shape.length;
  if (h.storage.layout === 'sparse') {
    const index = h.storage.index!;
    const nnz = index.shape[1] ?? 0;
    return (j) => {
      for (let k = 0; k < naxes; k++) {
        const b = Number(index.data[k * nnz + j]!);
        if (b < ranges[k]![0] || b >= ranges[k]![1]) return false;
      }
      return true;
    };
  }
  const strides = stridesOf(shape);
  return (i) => {
    let rest = i;
    for (let k = 0; k < naxes; k++) {
      const b = Math.floor(rest / strides[k]!);
      rest -= b * strides[k]!;
      if (b < ranges[k]![0] || b >= ranges[k]![1]) return false;
    }
    return true;
  };
}

function sumArray(arr: NDArray, inner: (i: number) => boolean): FieldSum {
  const n = arr.data.length;
  if (isBigIntDtype(arr.dtype)) {
    const d = arr.data as BigInt64Array;
    let total = 0n;
    let innerSum = 0n;
    for (let i = 0; i < n; i++) {
      total += d[i]!;
      if (inner(i)) innerSum += d[i]!;
    }
    return { total: total.toString(), inner: innerSum.toString(), nanCount: 0 };
  }
  const d = arr.data as Float64Array;
  let total = 0;
  let innerSum = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    total += v;
    if (inner(i)) innerSum += v;
  }
  return { total, inner: innerSum, nanCount };
}

/** Number of stored bins (dense: all bins with flow; sparse: filled bins; empty: 0). */
export function storedBinCount(h: Histogram): number {
  if (h.storage.layout === 'empty') return 0;
  if (h.storage.layout === 'sparse') return h.storage.arrays.values!.data.length;
  return sizeOf(denseShape(h));
}
