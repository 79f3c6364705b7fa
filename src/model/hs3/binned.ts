/**
 * UHI histogram ⇄ HS3 binned data (spec.md 6.5). Regular axes become `{name, min, max, nbins}`,
 * variable axes `{name, min, max, edges}`; string-category axes become `{name, categories}` (HS3 pull
 * request 108, pending). Contents are the bins without flow, flattened in row-major order; weighted
 * storage adds a Gaussian `uncertainty` with `sigma = sqrt(variances)`. Axis names come from the axis
 * metadata `name`.
 * @module
 */
import { HistSerialError, issue, pointer, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import type { AxisBounds, BinnedData } from '../../types/generated/hs3.types.js';
import { binCount, extent, underflowBins, type Axis } from '../axis.js';
import type { Histogram } from '../histogram.js';
import { numberAt, sizeOf, unravelIndex } from '../ndarray.js';
import { toDense, type Storage } from '../storage.js';
import { axisBinCount, totalBinCount } from './histfactory.js';

/** Result of a conversion: the converted object, and what could not be carried over (warnings). */
export interface ConversionResult<T> {
  result: T;
  /** Losses and approximations, as warnings (codes `EXTRAS_DROPPED` and `NONSTANDARD`). */
  warnings: Issue[];
}

/** Options of {@link toHS3BinnedData}. */
export interface ToHS3BinnedDataOptions {
  /** Axis names (default: each axis' metadata `name`, else `NAME_axisK`). */
  axisNames?: readonly string[];
}

/** Options of {@link fromHS3BinnedData}. */
export interface FromHS3BinnedDataOptions {
  /** Storage for data without uncertainty: `double` (default) or `int` (all contents must be integers). */
  storage?: 'double' | 'int';
}

function hs3Axis(axis: Axis, name: string, path: string, warnings: Issue[]): AxisBounds {
  switch (axis.type) {
    case 'regular':
      return { name, min: axis.lower, max: axis.upper, nbins: axis.bins };
    case 'variable':
      return { name, min: axis.edges[0]!, max: axis.edges[axis.edges.length - 1]!, edges: Array.from(axis.edges) };
    case 'category_str':
      warnings.push(issue('NONSTANDARD', path, MESSAGES.hs3CategoricalPending(path), 'warning'));
      return { name, categories: [...axis.categories] };
    default:
      throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hs3AxisType(path, axis.type), { path });
  }
}

/**
 * A histogram as HS3 binned data. Flow bins are dropped (with a warning when they are not empty).
 *
 * @example
 * ```ts
 * const { result } = toHS3BinnedData(doc.histograms.get('h1')!, 'obsData_SR');
 * hs3.data.push(result);
 * ```
 */
export function toHS3BinnedData(h: Histogram, name: string, options: ToHS3BinnedDataOptions = {}): ConversionResult<BinnedData> {
  const warnings: Issue[] = [];
  if (h.storage.layout === 'empty') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hs3EmptyStorage(name));
  if (h.storage.type !== 'int' && h.storage.type !== 'double' && h.storage.type !== 'weighted') {
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hs3StorageType(name, h.storage.type));
  }
  const axes = h.axes.map((a, k) => {
    const metaName = a.metadata?.name;
    const axisName = options.axisNames?.[k] ?? (typeof metaName === 'string' && metaName !== '' ? metaName : `${name}_axis${k}`);
    return hs3Axis(a, axisName, pointer('', 'axes', k), warnings);
  });
  const shape = h.axes.map(extent);
  const storage: Storage = toDense(h.storage, shape);
  const values = storage.arrays.values!;
  const variances = storage.type === 'weighted' ? storage.arrays.variances! : undefined;
  const inner = h.axes.map((a) => [underflowBins(a), underflowBins(a) + binCount(a)] as const);
  const contents: number[] = [];
  const sigma: number[] = [];
  let flowNonEmpty = false;
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    const idx = unravelIndex(i, shape);
    const isInner = idx.every((b, k) => b >= inner[k]![0] && b < inner[k]![1]);
    const v = numberAt(values, i);
    if (!isInner) {
      if (v !== 0 || (variances && numberAt(variances, i) !== 0)) flowNonEmpty = true;
      continue;
    }
    contents.push(v);
    if (variances) sigma.push(Math.sqrt(numberAt(variances, i)));
  }
  if (flowNonEmpty) warnings.push(issue('EXTRAS_DROPPED', '', MESSAGES.hs3FlowDropped(name), 'warning'));
  const data: BinnedData = { name, type: 'binned', contents, axes };
  if (variances) data.uncertainty = { type: 'gaussian_uncertainty', sigma };
  return { result: data, warnings };
}

function uhiAxis(a: AxisBounds, path: string): Axis {
  const metadata = { name: a.name };
  if (Array.isArray(a.categories)) return { type: 'category_str', categories: [...a.categories], flow: false, metadata };
  if (Array.isArray(a.edges)) return { type: 'variable', edges: Float64Array.from(a.edges), underflow: false, overflow: false, circular: false, metadata };
  if (typeof a.nbins === 'number' && typeof a.min === 'number' && typeof a.max === 'number') {
    return { type: 'regular', lower: a.min, upper: a.max, bins: a.nbins, underflow: false, overflow: false, circular: false, metadata };
  }
  throw new HistSerialError('AXIS_BINS', MESSAGES.hs3AxisNoBinning(path), { path });
}

/**
 * HS3 binned data as a histogram without flow bins (double storage, or weighted when the data has an
 * uncertainty: variances = sigma²).
 *
 * @example
 * ```ts
 * const { result: h } = fromHS3BinnedData(hs3.data[0] as BinnedData);
 * ```
 */
export function fromHS3BinnedData(data: BinnedData, options: FromHS3BinnedDataOptions = {}): ConversionResult<Histogram> {
  const warnings: Issue[] = [];
  const axes = data.axes.map((a, k) => uhiAxis(a, pointer('', 'axes', k)));
  const shape = data.axes.map((a) => axisBinCount(a)!);
  const n = totalBinCount(data.axes) ?? 1;
  if (data.contents.length !== n) {
    throw new HistSerialError('BIN_COUNT_MISMATCH', MESSAGES.fitCountMismatch('/contents', data.contents.length, n, MESSAGES.fitBinsOfAxes('/axes')), { path: '/contents' });
  }
  let storage: Storage;
  if (data.uncertainty) {
    const s = data.uncertainty.sigma;
    if (s.length !== n) throw new HistSerialError('BIN_COUNT_MISMATCH', MESSAGES.fitCountMismatch('/uncertainty/sigma', s.length, n, MESSAGES.fitOnePerContent()), { path: '/uncertainty/sigma' });
    if (Array.isArray(data.uncertainty.correlation)) warnings.push(issue('EXTRAS_DROPPED', '/uncertainty/correlation', MESSAGES.hs3CorrelationDropped('/uncertainty/correlation'), 'warning'));
    storage = {
      type: 'weighted',
      layout: 'dense',
      arrays: {
        values: { dtype: 'f8', shape, data: Float64Array.from(data.contents) },
        variances: { dtype: 'f8', shape, data: Float64Array.from(s, (x) => x * x) },
      },
    };
  } else if (options.storage === 'int') {
    const bad = data.contents.findIndex((v) => !Number.isSafeInteger(v));
    if (bad >= 0) throw new HistSerialError('NON_INTEGER_VALUE', MESSAGES.nonInteger(pointer('/contents', bad), data.contents[bad], 'int'), { path: pointer('/contents', bad) });
    storage = { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape, data: BigInt64Array.from(data.contents, (v) => BigInt(v)) } } };
  } else {
    storage = { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape, data: Float64Array.from(data.contents) } } };
  }
  return { result: { axes, storage }, warnings };
}
