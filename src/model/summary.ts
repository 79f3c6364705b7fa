/**
 * A plain, JSON-ready description of histograms for `inspect`: axes, storage, shape, sums with and
 * without flow, metadata. Pure: no formatting and no IO.
 * @module
 */
import { binCount, type Axis } from './axis.js';
import { denseShape, storageSums, storedBinCount, type FieldSum, type HistDocument, type Histogram } from './histogram.js';
import type { Metadata, WriterInfo } from './metadata.js';
import { storageFields, type StorageField, type StorageLayout, type StorageType } from './storage.js';

/** Summary of one axis. */
export interface AxisSummary {
  type: Axis['type'];
  bins: number;
  /** [lower, upper] of continuous axes. */
  range?: [number, number];
  underflow: boolean;
  overflow: boolean;
  circular?: boolean;
  /** Categories of categorical axes (all of them). */
  categories?: (string | number)[];
  metadata?: Metadata;
}

/** Summary of one histogram. */
export interface HistogramSummary {
  name: string;
  storage: { type: StorageType; layout: StorageLayout; dtypes: Partial<Record<StorageField | 'index', string>> };
  axes: AxisSummary[];
  /** Dense, flow-inclusive shape. */
  shape: number[];
  /** Stored bins: dense → product of shape; sparse → filled bins; empty → 0. */
  storedBins: number;
  sums: Partial<Record<StorageField, FieldSum>>;
  metadata?: Metadata;
  writer_info?: WriterInfo;
}

function summarizeAxis(a: Axis): AxisSummary {
  const base = { type: a.type, bins: binCount(a), ...(a.metadata ? { metadata: a.metadata } : {}) };
  switch (a.type) {
    case 'regular':
      return { ...base, range: [a.lower, a.upper], underflow: a.underflow, overflow: a.overflow, circular: a.circular };
    case 'variable':
      return { ...base, range: [a.edges[0]!, a.edges[a.edges.length - 1]!], underflow: a.underflow, overflow: a.overflow, circular: a.circular };
    case 'category_str':
    case 'category_int':
      return { ...base, categories: Array.from(a.categories as ArrayLike<string | number>), underflow: false, overflow: a.flow };
    case 'boolean':
      return { ...base, categories: [0, 1], underflow: false, overflow: false };
  }
}

/** Summarize one histogram. */
export function summarizeHistogram(name: string, h: Histogram): HistogramSummary {
  const dtypes: HistogramSummary['storage']['dtypes'] = {};
  if (h.storage.layout !== 'empty') for (const f of storageFields(h.storage.type)) dtypes[f] = h.storage.arrays[f]!.dtype;
  if (h.storage.index) dtypes.index = h.storage.index.dtype;
  return {
    name,
    storage: { type: h.storage.type, layout: h.storage.layout, dtypes },
    axes: h.axes.map(summarizeAxis),
    shape: denseShape(h),
    storedBins: storedBinCount(h),
    sums: storageSums(h),
    ...(h.metadata ? { metadata: h.metadata } : {}),
    ...(h.writer_info ? { writer_info: h.writer_info } : {}),
  };
}

/**
 * Summarize every histogram of a document.
 *
 * @example
 * ```ts
 * for (const s of summarizeDocument(doc)) console.log(s.name, s.shape, s.sums.values?.total);
 * ```
 */
export function summarizeDocument(doc: HistDocument): HistogramSummary[] {
  return [...doc.histograms].map(([name, h]) => summarizeHistogram(name, h));
}
