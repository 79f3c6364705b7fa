/**
 * Model → raw UHI document. Arrays are placed inline (for JSON) or out of band under uhi's
 * canonical keys (`{name}_storage_{field}`, `{name}_axis_{i}_edges`), which container codecs map to
 * member names, dataset paths or buffer views. NDArrays inside the document's extras (fit-result
 * matrices, …) go out of band too, keyed by their JSON pointer (see `extras.ts`).
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { InlineArray, type ArrayPlacement, type RawDocument } from '../raw.js';
import { UHI_SCHEMA_VERSION, VERSION } from '../version.js';
import type { Axis } from './axis.js';
import { extrasToRaw } from './extras.js';
import type { HistDocument, Histogram } from './histogram.js';
import { WRITER_NAME, type WriterInfo } from './metadata.js';
import type { NDArray } from './ndarray.js';
import { storageFields } from './storage.js';

/** Options of {@link toUHI}. */
export interface ToUHIOptions {
  /** Inline nested arrays (JSON) or out-of-band resources (containers). Default `external`. */
  arrays?: ArrayPlacement;
  /** Add `writer_info["hist-serial"].version` (default true). */
  stamp?: boolean;
}

/** Out-of-band key of a storage array, as uhi names zip members (without `.npy`). */
export function storageKey(name: string, field: string): string {
  return `${name}_storage_${field}`;
}

/** Out-of-band key of an axis array (variable edges). */
export function axisKey(name: string, axisIndex: number, field: string): string {
  return `${name}_axis_${axisIndex}_${field}`;
}

/**
 * Convert histograms to the raw UHI form: `{name: histogram}` JSON plus resources.
 *
 * @example
 * ```ts
 * const raw = toUHI(doc, { arrays: 'inline' });
 * ```
 */
export function toUHI(doc: HistDocument, options: ToUHIOptions = {}): RawDocument {
  const placement = options.arrays ?? 'external';
  const resources = new Map<string, NDArray>();
  const place = (key: string, arr: NDArray): unknown => {
    if (placement === 'inline') return new InlineArray(arr);
    resources.set(key, arr);
    return key;
  };
  const json: Record<string, unknown> = {};
  for (const [name, h] of doc.histograms) {
    // defineProperty, not assignment: a histogram may be named "__proto__"
    Object.defineProperty(json, name, { value: histogramToUHI(name, h, place, options.stamp ?? true), enumerable: true, writable: true, configurable: true });
  }
  if (!doc.extras) return { json, resources };
  // NDArrays inside extras (fit-result matrices, ...) go out of band too, keyed by their JSON pointer.
  const extras = extrasToRaw(doc.extras, (key, arr) => {
    if (placement === 'inline') return new InlineArray(arr);
    if (resources.has(key)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.extrasArrayKey(key), { path: key });
    resources.set(key, arr);
    return key;
  });
  return { json, resources, extras };
}

type Place = (key: string, arr: NDArray) => unknown;

function histogramToUHI(name: string, h: Histogram, place: Place, stamp: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { uhi_schema: UHI_SCHEMA_VERSION };
  const writerInfo = stamp ? stampWriterInfo(h.writer_info) : h.writer_info;
  if (writerInfo) out.writer_info = writerInfo;
  out.axes = h.axes.map((a, i) => axisToUHI(a, (field, arr) => place(axisKey(name, i, field), arr)));
  const storage: Record<string, unknown> = { type: h.storage.type };
  if (h.storage.layout === 'sparse') storage.index = place(storageKey(name, 'index'), h.storage.index!);
  if (h.storage.layout !== 'empty') {
    for (const field of storageFields(h.storage.type)) storage[field] = place(storageKey(name, field), h.storage.arrays[field]!);
  }
  out.storage = storage;
  if (h.metadata) out.metadata = { ...h.metadata };
  return out;
}

function axisToUHI(a: Axis, place: (field: string, arr: NDArray) => unknown): Record<string, unknown> {
  const common = {
    ...(a.metadata ? { metadata: { ...a.metadata } } : {}),
    ...(a.writer_info ? { writer_info: copy(a.writer_info) } : {}),
  };
  switch (a.type) {
    case 'regular': {
      const { lower, upper, bins, underflow, overflow, circular } = a;
      return { type: 'regular', lower, upper, bins, underflow, overflow, circular, ...common };
    }
    case 'variable': {
      const edges = place('edges', { dtype: 'f8', shape: [a.edges.length], data: a.edges });
      return { type: 'variable', edges, underflow: a.underflow, overflow: a.overflow, circular: a.circular, ...common };
    }
    case 'category_str':
      return { type: 'category_str', categories: [...a.categories], flow: a.flow, ...common };
    case 'category_int':
      return { type: 'category_int', categories: Array.from(a.categories), flow: a.flow, ...common };
    case 'boolean':
      return { type: 'boolean', ...common };
  }
}

function copy(w: WriterInfo): WriterInfo {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { ...v }]));
}

/** writer_info with hist-serial's entry set to this version (other keys of that entry kept). */
function stampWriterInfo(w: WriterInfo | undefined): WriterInfo {
  const out = w ? copy(w) : {};
  out[WRITER_NAME] = { ...(out[WRITER_NAME] ?? {}), version: VERSION };
  return out;
}
