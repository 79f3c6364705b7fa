/**
 * Axes of a histogram. Field names keep the UHI spelling (`underflow`, `writer_info`, …).
 * @module
 */
import type { Metadata, WriterInfo } from './metadata.js';

interface AxisCommon {
  metadata?: Metadata;
  writer_info?: WriterInfo;
}

/** `bins` evenly spaced bins on [lower, upper). */
export interface RegularAxis extends AxisCommon {
  type: 'regular';
  lower: number;
  upper: number;
  bins: number;
  underflow: boolean;
  overflow: boolean;
  circular: boolean;
}

/** Bins between strictly increasing `edges` (edges.length - 1 bins). */
export interface VariableAxis extends AxisCommon {
  type: 'variable';
  edges: Float64Array;
  underflow: boolean;
  overflow: boolean;
  circular: boolean;
}

/** String categories; with `flow`, one extra bin after them collects the rest. */
export interface CategoryStrAxis extends AxisCommon {
  type: 'category_str';
  categories: readonly string[];
  flow: boolean;
}

/** Integer categories (exact integers within ±2^53); with `flow`, one extra bin after them. */
export interface CategoryIntAxis extends AxisCommon {
  type: 'category_int';
  categories: Float64Array;
  flow: boolean;
}

/** Two bins: false, true. No flow. */
export interface BooleanAxis extends AxisCommon {
  type: 'boolean';
}

/** Any axis. Discriminated by `type`. */
export type Axis = RegularAxis | VariableAxis | CategoryStrAxis | CategoryIntAxis | BooleanAxis;

/** The axis type names, as in the UHI schema. */
export const AXIS_TYPES = ['regular', 'variable', 'category_str', 'category_int', 'boolean'] as const;

/** Number of bins without flow. */
export function binCount(axis: Axis): number {
  switch (axis.type) {
    case 'regular':
      return axis.bins;
    case 'variable':
      return Math.max(0, axis.edges.length - 1);
    case 'category_str':
    case 'category_int':
      return axis.categories.length;
    case 'boolean':
      return 2;
  }
}

/** Number of flow bins before the regular bins (0 or 1). */
export function underflowBins(axis: Axis): number {
  return (axis.type === 'regular' || axis.type === 'variable') && axis.underflow ? 1 : 0;
}

/** Number of flow bins after the regular bins (0 or 1). */
export function overflowBins(axis: Axis): number {
  switch (axis.type) {
    case 'regular':
    case 'variable':
      return axis.overflow ? 1 : 0;
    case 'category_str':
    case 'category_int':
      return axis.flow ? 1 : 0;
    case 'boolean':
      return 0;
  }
}

/** Number of bins including flow: the length of this axis' dimension in dense storage. */
export function extent(axis: Axis): number {
  return underflowBins(axis) + binCount(axis) + overflowBins(axis);
}

/** Bin edges of a continuous axis (bins + 1 values, computed as boost-histogram does), or undefined for categorical axes. */
export function edgesOf(axis: Axis): Float64Array | undefined {
  if (axis.type === 'variable') return axis.edges;
  if (axis.type !== 'regular') return undefined;
  // boost-histogram's formula, so edges agree with Python to the last bit
  const e = new Float64Array(axis.bins + 1);
  for (let i = 0; i <= axis.bins; i++) {
    const z = i / axis.bins;
    e[i] = (1 - z) * axis.lower + z * axis.upper;
  }
  return e;
}

/** Do two axes bin the same way (metadata ignored)? */
export function sameBinning(a: Axis, b: Axis): boolean {
  if (a.type !== b.type || extent(a) !== extent(b) || underflowBins(a) !== underflowBins(b)) return false;
  switch (a.type) {
    case 'regular': {
      const r = b as RegularAxis;
      return a.lower === r.lower && a.upper === r.upper && a.bins === r.bins && a.circular === r.circular;
    }
    case 'variable': {
      const v = b as VariableAxis;
      return a.circular === v.circular && a.edges.every((x, i) => x === v.edges[i]);
    }
    case 'category_str':
    case 'category_int': {
      const c = (b as CategoryStrAxis | CategoryIntAxis).categories;
      const ca = a.categories as ArrayLike<string | number>;
      return ca.length === c.length && Array.prototype.every.call(ca, (x, i) => x === c[i]);
    }
    case 'boolean':
      return true;
  }
}
