/**
 * What the plot renderers draw, taken from a histogram: dense float arrays, per-axis bin layout,
 * and one way to reduce any block of bins to a single displayed value (sums for additive storages,
 * count-weighted means for mean storages). Pure: no IO, no formatting.
 * @module
 */
import { binCount, edgesOf, extent, underflowBins, overflowBins, type Axis } from '../model/axis.js';
import { denseShape, type Histogram } from '../model/histogram.js';
import type { Metadata } from '../model/metadata.js';
import { stridesOf, toFloat64 } from '../model/ndarray.js';
import { toDense, type StorageType } from '../model/storage.js';
import { MESSAGES } from '../messages.js';

/** One axis as the renderers see it. */
export interface PlotAxis {
  /** Text for the axis: metadata `label`, else `name`, else `axis N`. */
  title: string;
  /** Short name for flow lines: metadata `name`, else `label`, else `axis N`. */
  name: string;
  /** Inner (non-flow) bins. */
  bins: number;
  /** Flow-inclusive index of the first inner bin (0 or 1). */
  offset: number;
  /** Flow-inclusive length of this axis' dimension. */
  extent: number;
  hasUnderflow: boolean;
  hasOverflow: boolean;
  /** Continuous axes: bins + 1 edges. */
  edges?: Float64Array;
  /** Categorical and boolean axes: one label per inner bin. */
  categories?: string[];
}

/** A reduced block of bins: the value to draw, its error, and whether there is anything to draw. */
export interface Cell {
  /** Sum (additive storages) or weighted mean (mean storages); NaN when any input is NaN. */
  value: number;
  /** One standard deviation, when the storage has one (weighted: sqrt(variances); means: error on the mean). */
  error?: number;
  /** Mean storages: no entries in the block, so no mean to draw. Additive storages: never. */
  empty: boolean;
}

/** A histogram ready to plot. */
export interface PlotData {
  storage: StorageType;
  /** `sum` for int, double and weighted storages, `mean` for mean and weighted_mean. */
  kind: 'sum' | 'mean';
  axes: PlotAxis[];
  /** Dense, flow-inclusive shape. */
  shape: number[];
  /** What is drawn on the value axis: entries, content, mean or weighted mean. */
  quantity: string;
  /** Reduce the bins in the flow-inclusive index ranges `[start, end)`, one range per axis. */
  cell(ranges: readonly (readonly [number, number])[]): Cell;
}

const GREEK = [
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu',
  'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega',
] as const;
const SYMBOLS: Record<string, string> = {
  pm: '±', mp: '∓', times: '×', cdot: '·', circ: '°', infty: '∞', rightarrow: '→', leftarrow: '←', to: '→',
  leq: '≤', geq: '≥', neq: '≠', approx: '≈', sqrt: '√', ell: 'ℓ', varphi: 'φ', vartheta: 'ϑ', varepsilon: 'ε',
};
for (let i = 0; i < GREEK.length; i++) {
  const lower = GREEK[i]!;
  // U+03B1 α … U+03C9 ω, skipping the final sigma U+03C2
  const code = 0x3b1 + i + (i >= 17 ? 1 : 0);
  SYMBOLS[lower] = String.fromCodePoint(code);
  SYMBOLS[lower[0]!.toUpperCase() + lower.slice(1)] = String.fromCodePoint(code - 0x20);
}

/**
 * Text from metadata made safe and readable: control characters (a file could carry terminal escape
 * sequences) become U+FFFD, and ROOT's TLatex names (`#mu`, `#eta`, `#pm`) become Unicode.
 * Sub- and superscripts (`_{T}`) are left for the renderer.
 */
export function cleanText(text: string): string {
  const safe = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return safe.replace(/#([A-Za-z]+)/g, (m, name: string) => SYMBOLS[name] ?? m).replace(/[\n\t]/g, ' ');
}

function metaText(metadata: Metadata | undefined, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = metadata?.[k];
    if (typeof v === 'string' && v.trim() !== '') return cleanText(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

/** Title of a histogram: metadata `label`, else `name`, else `fallback`. */
export function histogramTitle(h: Histogram, fallback?: string): string | undefined {
  return metaText(h.metadata, 'label', 'name') ?? (fallback === undefined ? undefined : cleanText(fallback));
}

function plotAxis(a: Axis, i: number): PlotAxis {
  const title = metaText(a.metadata, 'label', 'name') ?? `axis ${i}`;
  const name = metaText(a.metadata, 'name', 'label') ?? `axis ${i}`;
  const base = {
    title,
    name,
    bins: binCount(a),
    offset: underflowBins(a),
    extent: extent(a),
    hasUnderflow: underflowBins(a) > 0,
    hasOverflow: overflowBins(a) > 0,
  };
  if (a.type === 'boolean') return { ...base, categories: ['false', 'true'] };
  if (a.type === 'category_str') return { ...base, categories: a.categories.map(cleanText) };
  if (a.type === 'category_int') return { ...base, categories: Array.from(a.categories, (c) => String(c)) };
  return { ...base, edges: edgesOf(a)! };
}

const QUANTITY: Record<StorageType, string> = { int: 'entries', double: 'content', weighted: 'content', mean: 'mean', weighted_mean: 'weighted mean' };

/**
 * Why a histogram cannot be plotted (a one-line message), or undefined when it can: plots have one
 * or two axes and bin data.
 */
export function plotProblem(h: Histogram): string | undefined {
  if (h.axes.length === 0) return MESSAGES.plotNoAxes();
  if (h.axes.length > 2) return MESSAGES.plotDimensions(h.axes.length);
  if (h.storage.layout === 'empty') return MESSAGES.plotNoData();
  return undefined;
}

/** Dense float arrays and per-axis layout of a plottable histogram (check {@link plotProblem} first). */
export function preparePlot(h: Histogram): PlotData {
  const shape = denseShape(h);
  const storage = toDense(h.storage, shape);
  const arr = (f: keyof typeof storage.arrays) => {
    const a = storage.arrays[f];
    return a ? toFloat64(a) : undefined;
  };
  const values = arr('values')!;
  const strides = stridesOf(shape);
  const type = storage.type;
  const axes = h.axes.map(plotAxis);

  // visit every flow-inclusive flat index inside the ranges
  const visit = (ranges: readonly (readonly [number, number])[], fn: (i: number) => void) => {
    const k = ranges.length;
    const walk = (d: number, base: number) => {
      const [a, b] = ranges[d]!;
      for (let j = a; j < b; j++) {
        const at = base + j * strides[d]!;
        if (d === k - 1) fn(at);
        else walk(d + 1, at);
      }
    };
    if (k > 0) walk(0, 0);
  };

  let cell: PlotData['cell'];
  if (type === 'mean' || type === 'weighted_mean') {
    const w = type === 'mean' ? arr('counts')! : arr('sum_of_weights')!;
    const w2 = type === 'mean' ? w : arr('sum_of_weights_squared')!;
    const variances = arr('variances')!;
    cell = (ranges) => {
      let sw = 0;
      let swv = 0;
      let errSq = 0;
      let hasError = true;
      let nan = false;
      visit(ranges, (i) => {
        const wi = w[i]!;
        const vi = values[i]!;
        if (Number.isNaN(wi) || (wi !== 0 && Number.isNaN(vi))) nan = true;
        if (wi === 0 || Number.isNaN(wi)) return;
        sw += wi;
        swv += wi * vi;
        // error on the mean of one bin: sqrt(var / n_eff), n_eff = sumw^2 / sumw2 (= counts for mean)
        const nEff = (wi * wi) / w2[i]!;
        const e2 = variances[i]! / nEff;
        if (Number.isFinite(e2) && e2 >= 0) errSq += wi * wi * e2;
        else hasError = false;
      });
      if (nan) return { value: Number.NaN, empty: false };
      if (sw === 0) return { value: 0, empty: true };
      return { value: swv / sw, empty: false, ...(hasError ? { error: Math.sqrt(errSq) / sw } : {}) };
    };
  } else {
    const variances = type === 'weighted' ? arr('variances')! : undefined;
    cell = (ranges) => {
      let sum = 0;
      let vsum = 0;
      visit(ranges, (i) => {
        sum += values[i]!;
        if (variances) vsum += variances[i]!;
      });
      return { value: sum, empty: false, ...(variances && Number.isFinite(vsum) && vsum >= 0 ? { error: Math.sqrt(vsum) } : {}) };
    };
  }
  return { storage: type, kind: type === 'mean' || type === 'weighted_mean' ? 'mean' : 'sum', axes, shape, quantity: QUANTITY[type], cell };
}

/** Ranges selecting every flow-inclusive bin of each axis except `k`, which gets `[a, b)`. */
export function slab(data: PlotData, k: number, a: number, b: number): [number, number][] {
  return data.shape.map((n, d) => (d === k ? [a, b] : [0, n]));
}

/**
 * Groups of consecutive inner bins so that at most `max` groups remain: `[first, end)` inner indices.
 */
export function groupBins(bins: number, max: number): [number, number][] {
  const per = Math.max(1, Math.ceil(bins / Math.max(1, max)));
  const out: [number, number][] = [];
  for (let a = 0; a < bins; a += per) out.push([a, Math.min(bins, a + per)]);
  return out;
}
