/**
 * {@link fitHistogram}: fit a sum of line shapes to a 1-d histogram in one call (extended binned
 * Poisson likelihood by default, or χ²), with automatic starting values, Hesse errors and a
 * fit-result document ({@link histFitToFitResult}). No IO here.
 * @module
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import { HistSerialError } from '../../errors.js';
import { createFitResult } from '../../fit-result/build.js';
import type { FitResult, GoodnessOfFit } from '../../fit-result/types.js';
import { MESSAGES } from '../../messages.js';
import { binCount, edgesOf, underflowBins } from '../../model/axis.js';
import { denseShape, type Histogram } from '../../model/histogram.js';
import { toFloat64 } from '../../model/ndarray.js';
import { toDense } from '../../model/storage.js';
import { VERSION } from '../../version.js';
import { hesse } from '../hesse.js';
import { MINIMIZE_STATUS, minimize } from '../minimize.js';
import { constraintTerm, createHistObjective, saturatedOffset, type Chi2Errors, type HistConstraintTerm, type HistFitStatistic } from './likelihood.js';
import { parseHistModel, type ComponentKind, type HistModel } from './model.js';
import { startingPoint, type BinnedData } from './start.js';

/** Options of {@link fitHistogram}. */
export interface HistFitOptions {
  /** `poisson` (default): extended binned likelihood; `chi2`: least squares. */
  statistic?: HistFitStatistic;
  /** χ² only: bin variances from the storage (default when it has them), Neyman (σ² = n) or Pearson (σ² = μ). */
  chi2Errors?: Chi2Errors;
  /** Fit only the bins inside [lo, hi] (bins cut by a limit are left out); the shapes are normalised over the bins kept. */
  range?: readonly [number, number];
  /** Starting values by parameter name (`gauss.mean`), replacing the automatic ones. */
  init?: Readonly<Record<string, number>>;
  /** Parameters held constant: at the given value, or at their (automatic or `init`) starting value for `true`. */
  fix?: Readonly<Record<string, number | true>>;
  /** Bounds by parameter name, replacing the automatic ones (either side may be ±Infinity). */
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  /**
   * Gaussian constraints by parameter name (e.g. on `bwint.resolution`): ((θ − mean)/sigma)² is
   * added to the minimised objective, and the parameter starts at `mean` unless `init` says otherwise.
   */
  constraints?: Readonly<Record<string, { mean: number; sigma: number }>>;
}

/** A Gaussian constraint of a fit and its outcome. */
export interface HistFitConstraint {
  name: string;
  mean: number;
  sigma: number;
  /** (θ̂ − mean)/sigma. */
  pull: number;
  /** Hesse error / sigma: how much the data narrowed the parameter (1: not at all). */
  pullError: number;
}

/** One fitted parameter. */
export interface HistFitParameter {
  name: string;
  value: number;
  /** Hesse error (0 for a fixed parameter). */
  error: number;
  initial: number;
  lower: number;
  upper: number;
  fixed: boolean;
  /** Ended on one of its bounds. */
  atBound: boolean;
}

/** The yield of one component (for `polyK`, the sum of its Bernstein coefficients), with its error from the covariance. */
export interface HistFitYield {
  component: string;
  kind: ComponentKind;
  value: number;
  error: number;
}

/** What {@link fitHistogram} returns. */
export interface HistFitResult {
  /** The model string. */
  model: string;
  statistic: HistFitStatistic;
  /** χ² only: where the bin variances came from. */
  chi2Errors?: Chi2Errors;
  /** The fitted range: first and last edge of the bins used. */
  range: [number, number];
  parameters: HistFitParameter[];
  yields: HistFitYield[];
  /**
   * Poisson: −2 ln L at the minimum, every constant included (2 Σ [μ − n ln μ + ln Γ(n + 1)], plus
   * Σ [((θ − mean)/σ)² + ln 2πσ²] over the constraints).
   */
  twiceNll?: number;
  /**
   * Poisson: the saturated-model deviance 2 Σ [μ − n + n ln(n/μ)], minimised together with
   * `constraintTerm` (twiceNll = deviance + constraintTerm + offset).
   */
  deviance?: number;
  /** Poisson: −2 ln L of the saturated model (μ = n, every constraint at its mean). */
  offset?: number;
  /** χ²: its value at the minimum (without `constraintTerm`). */
  chi2?: number;
  /** With constraints: their part Σ ((θ − mean)/σ)² of the minimised objective. */
  constraintTerm?: number;
  /** The constraints, with their pulls. */
  constraints?: HistFitConstraint[];
  /** Bins used − free unconstrained parameters. */
  ndf: number;
  /** P(χ²_ndf ≥ deviance or χ²): the goodness of fit (constraints at their fitted values in both models). */
  pValue: number;
  /** The minimiser converged and the covariance is positive definite. */
  converged: boolean;
  /** The minimiser's status code (0 converged) and message. */
  status: number;
  message: string;
  /** Estimated distance to the minimum. */
  edm: number;
  /** Covariance over all parameters in `parameters` order (0 rows for fixed ones). */
  covariance: number[][];
  correlation: number[][];
  /** The Hessian was positive definite (else forced so, as MINUIT does). */
  covariancePositiveDefinite: boolean;
  /** The fitted bins: edges, contents, expected counts at the minimum, and the storage variances if any. */
  edges: Float64Array;
  values: Float64Array;
  variances?: Float64Array;
  expected: Float64Array;
  /** Objective evaluations and wall time. */
  evaluations: number;
  timeMs: number;
  /** Things the caller may want to tell the user (weighted data with a Poisson likelihood, no convergence). */
  warnings: string[];
}

/**
 * The bins of a 1-d histogram as fit data: inner bins only (flow excluded), optionally those inside
 * `range`. Sparse storage is made dense.
 *
 * @throws HistSerialError `UNSUPPORTED_OPERATION` for histograms that are not 1-d on a regular or
 * variable axis, mean storages and histograms without bin data; `NON_FINITE_VALUE` for NaN or
 * infinite contents; `INVALID_ARGUMENT` for a range holding no bin.
 * @example
 * ```ts
 * const { edges, values } = histogramBins(h, [80, 100]);
 * ```
 */
export function histogramBins(h: Histogram, range?: readonly [number, number]): BinnedData {
  if (h.axes.length !== 1) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistDimensions(h.axes.length));
  const axis = h.axes[0]!;
  const all = edgesOf(axis);
  if (!all) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistAxisType(axis.type));
  const type = h.storage.type;
  if (type === 'mean' || type === 'weighted_mean') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistStorage(type));
  if (h.storage.layout === 'empty') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistNoData());
  const storage = toDense(h.storage, denseShape(h));
  const offset = underflowBins(axis);
  const bins = binCount(axis);
  let first = 0;
  let end = bins;
  if (range) {
    const [lo, hi] = range;
    const tol = 1e-12 * (Math.abs(all[0]!) + Math.abs(all[bins]!));
    while (first < bins && all[first]! < lo - tol) first++;
    while (end > first && all[end]! > hi + tol) end--;
    if (!(lo < hi) || end <= first) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitHistRange(lo, hi, all[0]!, all[bins]!));
  }
  const pick = (field: 'values' | 'variances') => {
    const arr = storage.arrays[field];
    if (!arr) return undefined;
    const data = toFloat64(arr).slice(offset + first, offset + end);
    data.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new HistSerialError('NON_FINITE_VALUE', MESSAGES.fitHistNonFinite(i, field === 'values' ? 'the content' : 'the variance', v));
    });
    return data;
  };
  const values = pick('values')!;
  const variances = type === 'weighted' ? pick('variances') : undefined;
  return { edges: all.slice(first, end + 1), values, ...(variances ? { variances } : {}) };
}

/** Check the data for the statistic: contents ≥ 0 for Poisson, something to fit. */
function checkData(data: BinnedData, statistic: HistFitStatistic): void {
  let total = 0;
  data.values.forEach((v, i) => {
    if (statistic === 'poisson' && v < 0) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistNegative(i, v));
    total += Math.abs(v);
  });
  if (!(total > 0)) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistEmpty());
}

/** The parameter index of a name given in options; unknown names are an error listing the known ones. */
function indexOf(model: HistModel, name: string): number {
  const i = model.names.indexOf(name);
  if (i < 0) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitHistUnknownParameter(name, model.names));
  return i;
}

/** Is the storage weighted with variances that differ from the contents (so a Poisson likelihood misstates errors)? */
function reallyWeighted(data: BinnedData): boolean {
  const v = data.variances;
  if (!v) return false;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]! - data.values[i]!) > 1e-9 * Math.max(1, Math.abs(data.values[i]!))) return true;
  return false;
}

/**
 * Fit a model such as `gauss+expo`, `cb+poly2`, `bw+poly1` or `bwint*gauss` (two interfering
 * Breit-Wigners with a Gaussian resolution) to a 1-d histogram.
 *
 * Each component has a yield (expected events in the fitted range) and the expected count of a bin is
 * Σ yield × ∫_bin pdf, with each pdf normalised over the fitted range. The Poisson fit minimises the
 * saturated-model deviance (same minimum and errors as −2 ln L; `twiceNll` reports −2 ln L with every
 * constant); the χ² fit Σ (n − μ)²/σ². Starting values come from the histogram (peaks from the
 * background-subtracted contents, backgrounds from the sidebands), errors from the Hessian.
 * Parameters are named `<component>.<parameter>`: `gauss.mean`, `gauss.sigma`, `gauss.yield`,
 * `expo.lambda`, `expo.yield`, `poly2.b0` … (see {@link parseHistModel}). `constraints` add Gaussian
 * terms ((θ − mean)/σ)² to the minimised objective (reported in `constraints` with their pulls, and
 * left out of the goodness of fit, whose ndf counts only unconstrained parameters). A fit that stalls
 * short of convergence is restarted from where it stopped, up to twice.
 *
 * @throws HistSerialError `UNKNOWN_TYPE` for an unknown line shape, `UNSUPPORTED_OPERATION` for data
 * that cannot be fitted (see {@link histogramBins}), `INVALID_ARGUMENT` for unknown parameter names in
 * the options.
 * @example
 * ```ts
 * const fit = fitHistogram(doc.histograms.get('mass')!, 'gauss+expo');
 * for (const p of fit.parameters) console.log(p.name, p.value, '±', p.error);
 * const document = histFitToFitResult(fit, { histogram: 'mass' });
 * // ρ/ω interference with an 8 ± 0.5 MeV resolution
 * fitHistogram(pipi, 'bwint*gauss', { constraints: { 'bwint.resolution': { mean: 0.008, sigma: 0.0005 } } });
 * ```
 */
export function fitHistogram(h: Histogram, model: string, options: HistFitOptions = {}): HistFitResult {
  const t0 = performance.now();
  const statistic = options.statistic ?? 'poisson';
  const data = histogramBins(h, options.range);
  checkData(data, statistic);
  return fitBins(data, model, { ...options, statistic }, t0);
}

/**
 * {@link fitHistogram} on bins given directly (edges and contents, optionally variances), e.g. for
 * pseudo-experiments that never become a histogram.
 *
 * @example
 * ```ts
 * const fit = fitBinnedData({ edges, values }, 'gauss+expo');
 * ```
 */
export function fitBinnedData(data: BinnedData, model: string, options: HistFitOptions = {}): HistFitResult {
  const statistic = options.statistic ?? 'poisson';
  checkData(data, statistic);
  return fitBins(data, model, { ...options, statistic }, performance.now());
}

function fitBins(data: BinnedData, expression: string, options: HistFitOptions & { statistic: HistFitStatistic }, t0: number): HistFitResult {
  const { edges, values } = data;
  const nBins = values.length;
  const range: [number, number] = [edges[0]!, edges[nBins]!];
  const model = parseHistModel(expression, range);
  const constraints: HistConstraintTerm[] = Object.entries(options.constraints ?? {}).map(([name, c]) => {
    if (!Number.isFinite(c.mean) || !(c.sigma > 0) || !Number.isFinite(c.sigma)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitHistConstraintWidth(name, c.mean, c.sigma));
    return { index: indexOf(model, name), mean: c.mean, sigma: c.sigma };
  });
  // values the caller gives (constraint means, then init, then fix), before the scans of the starting point
  const given = new Map<number, number>();
  for (const c of constraints) given.set(c.index, c.mean);
  for (const [name, v] of Object.entries(options.init ?? {})) given.set(indexOf(model, name), v);
  for (const [name, v] of Object.entries(options.fix ?? {})) if (v !== true) given.set(indexOf(model, name), v);
  const { init, lower, upper } = startingPoint(model, data, given);
  const np = model.names.length;
  const fixed = new Array<boolean>(np).fill(false);
  for (const [name, b] of Object.entries(options.bounds ?? {})) {
    const i = indexOf(model, name);
    [lower[i], upper[i]] = [b[0], b[1]];
    if (!given.has(i)) init[i] = Math.min(b[1], Math.max(b[0], init[i]!));
  }
  for (const c of constraints) init[c.index] = Math.min(upper[c.index]!, Math.max(lower[c.index]!, c.mean));
  for (const [name, v] of Object.entries(options.init ?? {})) init[indexOf(model, name)] = v;
  for (const [name, v] of Object.entries(options.fix ?? {})) {
    const i = indexOf(model, name);
    fixed[i] = true;
    if (v !== true) init[i] = v;
  }
  const objective = createHistObjective(model, data, init, lower, upper, {
    statistic: options.statistic,
    ...(options.chi2Errors ? { chi2Errors: options.chi2Errors } : {}),
    fixed,
    constraints,
  });
  const free = fixed.filter((f) => !f).length;
  const freeConstrained = constraints.filter((c) => !fixed[c.index]).length;
  if (objective.usedBins < free) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistTooFewBins(objective.usedBins, free));

  let minimum = minimize(objective);
  let evaluations = minimum.evaluations;
  // L-BFGS-B can stall in a long curved valley (a broad peak against a background): start again from
  // where it stopped, as one runs MIGRAD again
  for (let k = 0; k < 2 && !minimum.converged && minimum.status !== MINIMIZE_STATUS.CALL_LIMIT; k++) {
    const again = minimize(objective, { x0: minimum.x });
    evaluations += again.evaluations;
    if (!(again.fval > minimum.fval)) minimum = again;
  }
  const errors = hesse(objective, minimum.x, { fixed: minimum.fixed });
  const x = minimum.x;
  const n = np;
  const cov = errors.covariance;
  const parameters: HistFitParameter[] = model.names.map((name, i) => ({
    name,
    value: x[i]!,
    error: errors.errors[i]!,
    initial: init[i]!,
    lower: lower[i]!,
    upper: upper[i]!,
    fixed: fixed[i]!,
    atBound: minimum.atBound[i] ?? false,
  }));
  const yields: HistFitYield[] = model.components.map((c) => {
    let value = 0;
    let variance = 0;
    for (const a of c.yieldParams) {
      value += x[a]!;
      for (const b of c.yieldParams) variance += cov[a * n + b]!;
    }
    return { component: c.name, kind: c.kind, value, error: Math.sqrt(Math.max(0, variance)) };
  });
  const ndf = objective.usedBins - (free - freeConstrained);
  const penalty = constraintTerm(constraints, x);
  // the data's part of the minimum: the goodness-of-fit statistic
  const stat = minimum.fval - penalty;
  const pValue = ndf > 0 ? gammainc(Math.max(0, stat) / 2, ndf / 2, true, true) : Number.NaN;
  const warnings: string[] = [];
  if (options.statistic === 'poisson' && reallyWeighted(data)) warnings.push(MESSAGES.fitHistWeighted());
  const converged = minimum.converged && errors.positiveDefinite;
  if (!minimum.converged) warnings.push(MESSAGES.fitHistNotConverged(minimum.message));
  if (!errors.positiveDefinite) {
    const loose = parameters.filter((p) => !p.fixed && (p.atBound || p.error > p.upper - p.lower)).map((p) => p.name);
    warnings.push(MESSAGES.fitHistNotPositiveDefinite(loose));
  }
  const nested = (flat: Float64Array) => Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));
  const offset = options.statistic === 'poisson' ? saturatedOffset(values) + constraints.reduce((a, c) => a + Math.log(2 * Math.PI * c.sigma * c.sigma), 0) : undefined;
  return {
    model: expression,
    statistic: options.statistic,
    ...(objective.chi2Errors ? { chi2Errors: objective.chi2Errors } : {}),
    range,
    parameters,
    yields,
    ...(offset !== undefined ? { twiceNll: stat + penalty + offset, deviance: stat, offset } : { chi2: stat }),
    ...(constraints.length
      ? {
          constraintTerm: penalty,
          constraints: constraints.map((c) => ({
            name: model.names[c.index]!,
            mean: c.mean,
            sigma: c.sigma,
            pull: (x[c.index]! - c.mean) / c.sigma,
            pullError: errors.errors[c.index]! / c.sigma,
          })),
        }
      : {}),
    ndf,
    pValue,
    converged,
    status: minimum.status,
    message: minimum.message,
    edm: minimum.edm,
    covariance: nested(cov),
    correlation: nested(errors.correlation),
    covariancePositiveDefinite: errors.positiveDefinite,
    edges,
    values,
    ...(data.variances ? { variances: data.variances } : {}),
    expected: objective.expected(x),
    evaluations: evaluations + errors.hessian.evaluations,
    timeMs: performance.now() - t0,
    warnings,
  };
}

/** Options of {@link histFitToFitResult}. */
export interface HistFitToFitResultOptions {
  /** The fitted histogram's name (provenance data name). */
  histogram?: string;
  /** Its file (provenance data uri). */
  uri?: string;
  /** The command line that made the fit. */
  command?: string;
  /** When the fit ran (default now). */
  date?: Date;
}

/** Goodness-of-fit test name of the fit-result schema for a fit's statistic. */
function gofTest(fit: HistFitResult): GoodnessOfFit['test'] {
  if (fit.statistic === 'poisson') return 'saturated';
  return fit.chi2Errors === 'neyman' ? 'neyman_chi2' : fit.chi2Errors === 'pearson' ? 'pearson_chi2' : 'chi2';
}

/**
 * A histogram fit as a fit-result document (spec.md 7): parameters with Hesse errors, bounds,
 * fixed flags, starting values and Gaussian constraints (`constraint`, and their `pulls`); the
 * minimum (Poisson: `twice_nll` with the minimised deviance + constraint term as value and the
 * saturated −2 ln L as `offset`, so value + offset is −2 ln L; χ²: `chi2` + constraint term); status;
 * covariance and correlation; the goodness of fit (the data's part alone); the model string and range
 * in `metadata`.
 *
 * @example
 * ```ts
 * const doc = histFitToFitResult(fitHistogram(h, 'gauss+expo'), { histogram: 'mass' });
 * writeFileSync('fit.json', encodeFitResults(doc));
 * ```
 */
export function histFitToFitResult(fit: HistFitResult, options: HistFitToFitResultOptions = {}): FitResult {
  const atLimit = fit.parameters.some((p) => p.atBound);
  const constraintOf = new Map((fit.constraints ?? []).map((c) => [c.name, c]));
  const penalty = fit.constraintTerm ?? 0;
  return createFitResult({
    parameters: fit.parameters.map((p) => ({
      name: p.name,
      value: p.value,
      error: p.error,
      ...(Number.isFinite(p.lower) || Number.isFinite(p.upper)
        ? { bounds: { ...(Number.isFinite(p.lower) ? { lower: p.lower } : {}), ...(Number.isFinite(p.upper) ? { upper: p.upper } : {}) } }
        : {}),
      ...(p.fixed ? { fixed: true } : {}),
      initial_value: p.initial,
      ...(constraintOf.has(p.name) ? { constraint: { type: 'gaussian' as const, center: constraintOf.get(p.name)!.mean, width: constraintOf.get(p.name)!.sigma } } : {}),
    })),
    ...(fit.constraints?.length ? { pulls: fit.constraints.map((c) => ({ parameter: c.name, pull: c.pull, pull_error: c.pullError })) } : {}),
    minimum:
      fit.statistic === 'poisson'
        ? { objective: 'twice_nll', value: fit.deviance! + penalty, offset: fit.offset!, edm: fit.edm, errordef: 1 }
        : { objective: 'chi2', value: fit.chi2! + penalty, edm: fit.edm, errordef: 1 },
    status: {
      valid: fit.converged,
      code: fit.status,
      covariance_quality: fit.covariancePositiveDefinite ? 3 : 2,
      flags: {
        has_accurate_covar: fit.covariancePositiveDefinite,
        has_posdef_covar: fit.covariancePositiveDefinite,
        has_reached_call_limit: fit.status === 2,
        has_parameters_at_limit: atLimit,
      },
      message: fit.message,
    },
    minimizer: { name: 'hist-serial', version: VERSION, algorithm: 'L-BFGS-B + Newton polish', calls: fit.evaluations, time_s: fit.timeMs / 1000 },
    covariance: { values: fit.covariance },
    correlation: { values: fit.correlation },
    goodness_of_fit: [{ test: gofTest(fit), statistic: Math.max(0, fit.deviance ?? fit.chi2!), ndf: Math.max(0, fit.ndf), ...(Number.isFinite(fit.pValue) ? { p_value: fit.pValue } : {}) }],
    provenance: {
      model: { format: 'other', name: fit.model },
      ...(options.histogram !== undefined || options.uri !== undefined
        ? { data: { ...(options.histogram !== undefined ? { name: options.histogram } : {}), ...(options.uri !== undefined ? { uri: options.uri } : {}) } }
        : {}),
      software: [{ name: 'hist-serial', version: VERSION }],
      date: (options.date ?? new Date()).toISOString(),
      ...(options.command ? { command: options.command } : {}),
    },
    metadata: {
      model: fit.model,
      statistic: fit.statistic === 'chi2' ? `chi2 (${fit.chi2Errors})` : 'poisson',
      range_lower: fit.range[0],
      range_upper: fit.range[1],
      bins: fit.values.length,
    },
  });
}

/** A histogram fit as one JSON-ready object (what `fit hist --format json` prints). */
export interface HistFitSummary {
  model: string;
  statistic: HistFitStatistic;
  chi2_errors?: Chi2Errors;
  range: [number, number];
  bins: number;
  /** Poisson: −2 ln L at the minimum, constants included. */
  twice_nll?: number;
  /** Poisson: the saturated-model deviance (the goodness-of-fit statistic). */
  deviance?: number;
  chi2?: number;
  /** With constraints: their part Σ ((θ − mean)/σ)² of the minimum. */
  constraint_term?: number;
  ndf: number;
  /** null when ndf is 0. */
  p_value: number | null;
  converged: boolean;
  status: number;
  message: string;
  edm: number;
  parameters: Record<string, { value: number; error: number; fixed?: true; at_bound?: true }>;
  yields: Record<string, { value: number; error: number }>;
  /** Gaussian constraints by parameter: mean, width, pull = (θ̂ − mean)/width, pull_error = error/width. */
  constraints?: Record<string, { mean: number; sigma: number; pull: number; pull_error: number }>;
  warnings?: string[];
}

/**
 * The JSON-ready summary of a fit: statistic values, parameters and yields by name.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(summarizeHistFit(fitHistogram(h, 'gauss+expo'))));
 * ```
 */
export function summarizeHistFit(fit: HistFitResult): HistFitSummary {
  return {
    model: fit.model,
    statistic: fit.statistic,
    ...(fit.chi2Errors ? { chi2_errors: fit.chi2Errors } : {}),
    range: fit.range,
    bins: fit.values.length,
    ...(fit.statistic === 'poisson' ? { twice_nll: fit.twiceNll!, deviance: fit.deviance! } : { chi2: fit.chi2! }),
    ...(fit.constraintTerm !== undefined ? { constraint_term: fit.constraintTerm } : {}),
    ndf: fit.ndf,
    p_value: Number.isFinite(fit.pValue) ? fit.pValue : null,
    converged: fit.converged,
    status: fit.status,
    message: fit.message,
    edm: fit.edm,
    parameters: Object.fromEntries(fit.parameters.map((p) => [p.name, { value: p.value, error: p.error, ...(p.fixed ? { fixed: true as const } : {}), ...(p.atBound ? { at_bound: true as const } : {}) }])),
    yields: Object.fromEntries(fit.yields.map((y) => [y.component, { value: y.value, error: y.error }])),
    ...(fit.constraints?.length ? { constraints: Object.fromEntries(fit.constraints.map((c) => [c.name, { mean: c.mean, sigma: c.sigma, pull: c.pull, pull_error: c.pullError }])) } : {}),
    ...(fit.warnings.length ? { warnings: fit.warnings } : {}),
  };
}
