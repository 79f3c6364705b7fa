/**
 * What the minimiser works on: a scalar function of named, bounded parameters, with its gradient.
 * The HistFactory likelihood (`src/fit/histfactory/`), histogram fits (`src/fit/hist/`) and HS3
 * models provide one; `src/fit/minimize.ts` minimises any of them. No IO here.
 * @module
 */

/** A function to minimise: −2 ln L (or χ²) of named parameters. */
export interface Objective {
  /** Parameter names, in the order of every array below (pyhf's names for HistFactory: `name[i]` per bin). */
  readonly names: readonly string[];
  /** Starting values. */
  readonly init: Float64Array;
  /** Bounds (−Infinity/Infinity when unbounded). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Parameters held at their `init` value. */
  readonly fixed: readonly boolean[];
  /** The value at `x` (all parameters, fixed ones included). */
  value(x: Float64Array): number;
  /**
   * The value at `x`, and its gradient written into `grad` (same length as `x`; entries of fixed
   * parameters may be anything). Absent: the minimiser differentiates numerically.
   */
  valueAndGradient?(x: Float64Array, grad: Float64Array): number;
  /** 1 for −ln L, 2 for −2 ln L and χ² (the change that makes a 1σ interval: Minuit's `errordef` × 2 … 1). Default 2. */
  readonly scale?: 1 | 2;
}
