/**
 * Inference on a minimised {@link Objective}: maximum-likelihood fits with Hesse errors, profile
 * likelihood scans, asymptotic CLs with the q̃μ test statistic (observed and the ±1σ/±2σ expected
 * band), upper limits by root finding and the saturated-model goodness of fit, with pyhf's
 * definitions (arXiv:1007.1727; `pyhf.infer`), and their fit-result documents. No IO here.
 *
 * @example
 * ```ts
 * const model = buildHistFactory(workspace);
 * const { minimum, hesse } = fit(model);
 * const test = hypotest(model, 1.0);       // test.clsObs, test.clsExp
 * const limit = upperLimit(model);         // limit.obs, limit.exp
 * ```
 * @module
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { HistSerialError } from '../errors.js';
import { createFitResult } from '../fit-result/build.js';
import type { DataReference, FitParameter, FitResult, GoodnessOfFit, HypothesisTest, LikelihoodScan, ModelReference } from '../fit-result/types.js';
import { MESSAGES } from '../messages.js';
import { VERSION } from '../version.js';
import { hesse, type HesseResult, type HessianMatrix } from './hesse.js';
import { fixParameters, minimize, type MinimizeOptions, type MinimizeResult } from './minimize.js';
import type { Objective } from './objective.js';

/**
 * A model that can make its own Asimov data: the HistFactory model (`buildHistFactory`) is one.
 * It is the objective (−2 ln L of its data) and can be re-made with other data.
 */
export interface AsimovCapable extends Objective {
  /** Index of the parameter of interest (undefined or null when the model has none). */
  readonly poiIndex: number | undefined | null;
  /** The same model with other data: main-bin counts and auxiliary data, in the order of `expectedMain`/`expectedAux`. */
  withData(main: Float64Array, aux: Float64Array): AsimovCapable;
  /** Expected main-bin counts at `x`. */
  expectedMain(x: ArrayLike<number>): Float64Array;
  /** Expected auxiliary data at `x` (pyhf's `expected_auxdata`). */
  expectedAux(x: ArrayLike<number>): Float64Array;
  /** The observed main-bin counts (for the goodness of fit). */
  readonly mainData?: ArrayLike<number>;
  /** The auxiliary data (one per constrained parameter component). */
  readonly auxData?: ArrayLike<number>;
  /** Parameter sets with their constraint (`undefined`: unconstrained), to count unconstrained parameters. */
  readonly parameterSets?: readonly { offset: number; size: number; constraint?: string | undefined }[];
}

/** Options of the fits that inference runs. */
export interface FitOptions {
  /** Passed to {@link minimize} for every fit (`x0` and `fixed` are set by each fit). */
  minimize?: Omit<MinimizeOptions, 'x0' | 'fixed'>;
}

/** Are the free parameters of `fixed` exactly `free`? */
const sameFree = (free: Int32Array, fixed: readonly boolean[]): boolean => {
  let k = 0;
  for (let i = 0; i < fixed.length; i++) if (!fixed[i] && free[k++] !== i) return false;
  return k === free.length;
};

/** The largest |x − y| in units of the errors (parameters without an error are skipped). */
const movedBy = (x: ArrayLike<number>, y: ArrayLike<number>, errors: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < x.length; i++) if (errors[i]! > 0) m = Math.max(m, Math.abs(x[i]! - y[i]!) / errors[i]!);
  return Number.isFinite(m) ? m : Infinity;
};

/** A maximum-likelihood fit: the minimum and, unless `errors: false`, its Hesse errors. */
export interface FitOutcome {
  minimum: MinimizeResult;
  hesse?: HesseResult;
  /** Wall time of the fit and errors, seconds. */
  timeS: number;
}

/** The scale of an objective: 2 for −2 ln L and χ², 1 for −ln L. */
const scaleOf = (objective: Objective) => objective.scale ?? 2;

/**
 * Maximum-likelihood fit of all free parameters (pyhf's `infer.mle.fit`) and, unless
 * `errors: false`, Hesse errors at the minimum (from the minimiser's own Hessian when it has one).
 *
 * @example
 * ```ts
 * const { minimum, hesse } = fit(model);
 * model.names.forEach((n, i) => console.log(n, minimum.x[i], hesse!.errors[i]));
 * ```
 */
export function fit(objective: Objective, options: FitOptions & { x0?: ArrayLike<number>; fixed?: readonly boolean[]; errors?: boolean } = {}): FitOutcome {
  const t0 = performance.now();
  const minimum = minimize(objective, {
    ...options.minimize,
    ...(options.x0 ? { x0: options.x0 } : {}),
    ...(options.fixed ? { fixed: options.fixed } : {}),
  });
  let errors: HesseResult | undefined;
  if (options.errors ?? true) {
    const h = minimum.hessian;
    errors = h ? hesse(objective, minimum.x, { fixed: minimum.fixed, precomputed: h }) : undefined;
    // the minimiser's Hessian is from the start of its Newton steps; with nearly degenerate parameters even
    // a step of 1e-4 σ changes the errors by ~1%, so it is reused only when the steps were negligible
    if (!errors || !sameFree(h!.free, minimum.fixed) || movedBy(minimum.x, h!.at, errors.errors) > 1e-6) {
      errors = hesse(objective, minimum.x, { fixed: minimum.fixed });
    }
  }
  return { minimum, ...(errors ? { hesse: errors } : {}), timeS: (performance.now() - t0) / 1000 };
}

/**
 * Fit with one parameter fixed at `value` (pyhf's `infer.mle.fixed_poi_fit` for the POI). `x0`
 * (default the objective's `init`) is the start of the other parameters.
 *
 * @example
 * ```ts
 * const atZero = fixedPoiFit(model, model.poiIndex!, 0);
 * ```
 */
export function fixedPoiFit(
  objective: Objective,
  index: number,
  value: number,
  options: FitOptions & { x0?: ArrayLike<number>; hessian?: HessianMatrix } = {},
): MinimizeResult {
  const fixedObjective = fixParameters(objective, { [index]: value });
  const x0 = Float64Array.from(options.x0 ?? objective.init);
  x0[index] = value;
  return minimize(fixedObjective, { ...options.minimize, x0, ...(options.hessian ? { hessian: options.hessian } : {}) });
}

/** What {@link profileScan} returns. */
export interface ProfileScan {
  /** The scanned parameter. */
  parameter: string;
  index: number;
  points: number[];
  /** −2Δ ln L at each point, relative to the global minimum. */
  values: Float64Array;
  /** All parameters at each point (the others re-minimised). */
  parameters: Float64Array[];
  converged: boolean[];
  /** The global minimum the values are relative to. */
  minimum: MinimizeResult;
}

/**
 * Profile-likelihood scan of one parameter: −2Δ ln L at each of `values`, the other free parameters
 * minimised again at each point, starting from the neighbouring point (warm starts outward from the
 * best fit). Points may lie outside the parameter's bounds.
 *
 * @example
 * ```ts
 * const scan = profileScan(model, model.poiIndex!, [0, 0.5, 1, 1.5, 2]);
 * scan.values; // −2Δ ln L
 * ```
 */
export function profileScan(objective: Objective, index: number, values: readonly number[], options: FitOptions & { minimum?: MinimizeResult } = {}): ProfileScan {
  if (!Number.isInteger(index) || index < 0 || index >= objective.names.length) {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitParameterIndex(index, objective.names.length));
  }
  const bad = values.find((v) => !Number.isFinite(v));
  if (values.length === 0 || bad !== undefined) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitScanValues(bad));
  const minimum = options.minimum ?? minimize(objective, options.minimize);
  const best = minimum.x[index]!;
  const order = values.map((_, k) => k);
  const above = order.filter((k) => values[k]! >= best).sort((a, b) => values[a]! - values[b]!);
  const below = order.filter((k) => values[k]! < best).sort((a, b) => values[b]! - values[a]!);
  const out = new Float64Array(values.length);
  const parameters: Float64Array[] = values.map(() => new Float64Array(0));
  const converged = values.map(() => false);
  const factor = 2 / scaleOf(objective);
  for (const branch of [above, below]) {
    let start = minimum.x;
    let h: HessianMatrix | undefined;
    for (const k of branch) {
      const r = fixedPoiFit(objective, index, values[k]!, { ...(options.minimize ? { minimize: options.minimize } : {}), x0: start, ...(h ? { hessian: h } : {}) });
      out[k] = factor * (r.fval - minimum.fval);
      parameters[k] = r.x;
      converged[k] = r.converged;
      start = r.x;
      h = r.hessian;
    }
  }
  return { parameter: objective.names[index]!, index, points: [...values], values: out, parameters, converged, minimum };
}

// ---------------------------------------------------------------------------------------------
// asymptotic CLs

/** The test statistics of arXiv:1007.1727 that {@link AsymptoticCalculator} implements, with pyhf's names. */
export type TestStatistic = 'qtilde' | 'q';

/** Options of {@link AsymptoticCalculator}, {@link hypotest} and {@link upperLimit}. */
export interface AsymptoticOptions extends FitOptions {
  /** Default `qtilde` (pyhf's default), which needs the POI bounded below at 0. */
  testStatistic?: TestStatistic;
}

/** One asymptotic hypothesis test at a POI value. */
export interface HypotestResult {
  poi: number;
  /** Observed CLs = CLs+b / CLb. */
  clsObs: number;
  clsbObs: number;
  clbObs: number;
  /** Expected CLs at −2σ, −1σ, 0, +1σ, +2σ of the background-only distribution (pyhf's order). */
  clsExp: number[];
  /** The observed test statistic q̃μ (or qμ) and its Asimov value qμ,A. */
  q: number;
  qA: number;
  /** The test statistic in the −μ̂/σ space where the p-values are computed (pyhf's `teststat`). */
  teststat: number;
  /** The fits behind it: μ fixed and free, to the data and to the Asimov data. */
  fits: { fixedData: MinimizeResult; freeData: MinimizeResult; fixedAsimov: MinimizeResult; freeAsimov: MinimizeResult };
}

/** Expected bands of the CLs, in pyhf's order (−2σ … +2σ of the expected limit). */
const EXPECTED_NSIGMA = [2, 1, 0, -1, -2];

const Phi = (x: number): number => normalCdf(x, 0, 1);

/**
 * pyhf's `AsymptoticCalculator` with the q̃μ (or qμ) test statistic: the free fits to the data and
 * to the Asimov data (made at μ = 0 from the fit to the data with μ fixed at 0) are made once and
 * kept, so a scan over μ costs two fits per point.
 *
 * @example
 * ```ts
 * const calc = new AsymptoticCalculator(model);
 * const r = calc.hypotest(1.0); // r.clsObs, r.clsExp
 * ```
 */
export class AsymptoticCalculator {
  readonly model: AsimovCapable;
  readonly poiIndex: number;
  readonly testStatistic: TestStatistic;
  readonly options: FitOptions;
  #freeData?: MinimizeResult;
  #asimov?: AsimovCapable;
  #asimovPars?: MinimizeResult;
  #freeAsimov?: MinimizeResult;

  constructor(model: AsimovCapable, options: AsymptoticOptions = {}) {
    const poi = model.poiIndex;
    if (poi === undefined || poi === null) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitNoPoi());
    const name = model.names[poi]!;
    if (model.fixed[poi]) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitPoiFixed(name));
    this.testStatistic = options.testStatistic ?? 'qtilde';
    if (this.testStatistic === 'qtilde' && model.lower[poi] !== 0) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitPoiLowerBound(name, model.lower[poi]!));
    this.model = model;
    this.poiIndex = poi;
    this.options = { ...(options.minimize ? { minimize: options.minimize } : {}) };
  }

  /** The free fit to the observed data (μ̂, θ̂). */
  get freeFit(): MinimizeResult {
    return (this.#freeData ??= minimize(this.model, this.options.minimize));
  }

  /** The Asimov model: data expected at the fit to the observed data with μ = 0. */
  get asimov(): AsimovCapable {
    if (!this.#asimov) {
      const pars = fixedPoiFit(this.model, this.poiIndex, 0, { ...this.options, x0: this.freeFit.x });
      this.#asimovPars = pars;
      this.#asimov = this.model.withData(this.model.expectedMain(pars.x), this.model.expectedAux(pars.x));
    }
    return this.#asimov;
  }

  /** The parameters the Asimov data were made at. */
  get asimovParameters(): MinimizeResult {
    void this.asimov;
    return this.#asimovPars!;
  }

  /** The free fit to the Asimov data. */
  get freeAsimovFit(): MinimizeResult {
    return (this.#freeAsimov ??= minimize(this.asimov, { ...this.options.minimize, x0: this.asimovParameters.x }));
  }

  /** Fixed-POI fits made so far, to the data (0) and to the Asimov data (1), by POI value. */
  readonly #fixedFits: [Map<number, MinimizeResult>, Map<number, MinimizeResult>] = [new Map(), new Map()];

  /**
   * The fit with the POI fixed at `mu`, started from the fixed fit nearest in `mu` made so far (its
   * point and its Hessian), else from the free fit.
   */
  #fixedFit(model: Objective, which: 0 | 1, free: MinimizeResult, mu: number): MinimizeResult {
    const fits = this.#fixedFits[which];
    let r = fits.get(mu);
    if (r) return r;
    let near: MinimizeResult | undefined;
    let distance = Infinity;
    for (const [m, fit] of fits) {
      if (Math.abs(m - mu) < distance && fit.converged) [near, distance] = [fit, Math.abs(m - mu)];
    }
    r = fixedPoiFit(model, this.poiIndex, mu, { ...this.options, x0: near?.x ?? free.x, ...(near?.hessian ? { hessian: near.hessian } : {}) });
    if (!r.converged && near) r = fixedPoiFit(model, this.poiIndex, mu, { ...this.options, x0: free.x });
    fits.set(mu, r);
    return r;
  }

  /** qμ-like statistic: clip(−2 ln λ(μ), 0), and 0 where μ̂ > μ. */
  #q(model: Objective, which: 0 | 1, free: MinimizeResult, mu: number): { q: number; fixed: MinimizeResult } {
    const fixed = this.#fixedFit(model, which, free, mu);
    let q = (2 / scaleOf(model)) * (fixed.fval - free.fval);
    if (!(q > 0)) q = 0;
    if (free.x[this.poiIndex]! > mu) q = 0;
    return { q, fixed };
  }

  /**
   * The asymptotic hypothesis test at POI = `mu`: observed CLs, CLs+b, CLb and the expected CLs band.
   */
  hypotest(mu: number): HypotestResult {
    const data = this.#q(this.model, 0, this.freeFit, mu);
    const asimov = this.#q(this.asimov, 1, this.freeAsimovFit, mu);
    const sqrtq = Math.sqrt(data.q);
    const sqrtqA = Math.sqrt(asimov.q);
    let teststat: number;
    if (this.testStatistic === 'q' || sqrtq <= sqrtqA || sqrtqA === 0) teststat = sqrtq - sqrtqA;
    else teststat = (data.q - asimov.q) / (2 * sqrtqA);
    const pvalues = (t: number) => {
      const clsb = Phi(-(t + sqrtqA));
      const clb = Phi(-t);
      return { clsb, clb, cls: clsb / clb };
    };
    const obs = pvalues(teststat);
    return {
      poi: mu,
      clsObs: obs.cls,
      clsbObs: obs.clsb,
      clbObs: obs.clb,
      clsExp: EXPECTED_NSIGMA.map((n) => pvalues(n).cls),
      q: data.q,
      qA: asimov.q,
      teststat,
      fits: { fixedData: data.fixed, freeData: this.freeFit, fixedAsimov: asimov.fixed, freeAsimov: this.freeAsimovFit },
    };
  }
}

/**
 * Asymptotic CLs at POI = `mu` with q̃μ (pyhf's `infer.hypotest(mu, data, model,
 * test_stat="qtilde", return_expected_set=True)`).
 *
 * @example
 * ```ts
 * const { clsObs, clsExp } = hypotest(model, 1.0);
 * ```
 */
export function hypotest(model: AsimovCapable, mu: number, options: AsymptoticOptions = {}): HypotestResult {
  return new AsymptoticCalculator(model, options).hypotest(mu);
}

/** Options of {@link upperLimit}. */
export interface UpperLimitOptions extends AsymptoticOptions {
  /** Confidence level (default 0.95: CLs = 0.05). */
  cl?: number;
  /** Initial bracket of the POI (default its bounds, with ∞ replaced by 10); widened until it brackets every band. */
  bracket?: [number, number];
  /** Relative tolerance of each limit (default 1e-6). */
  rtol?: number;
  /** Reuse a calculator (its cached fits). */
  calculator?: AsymptoticCalculator;
}

/** What {@link upperLimit} returns. */
export interface UpperLimitResult {
  /** Observed upper limit on the POI. */
  obs: number;
  /** Expected upper limits at −2σ, −1σ, 0, +1σ, +2σ. */
  exp: number[];
  cl: number;
  /** Every hypothesis test made, by increasing POI. */
  tests: HypotestResult[];
}

/**
 * The asymptotic CLs upper limit on the POI, observed and expected (pyhf's
 * `infer.intervals.upper_limits.upper_limit` with root finding): the POI where CLs = 1 − `cl`, by
 * Brent's method on a bracket that is widened until it holds every band's crossing.
 *
 * @throws {HistSerialError} `UNSUPPORTED_OPERATION` without a free POI, or when CLs never crosses the level.
 *
 * @example
 * ```ts
 * const { obs, exp } = upperLimit(model, { cl: 0.95 });
 * ```
 */
export function upperLimit(model: AsimovCapable, options: UpperLimitOptions = {}): UpperLimitResult {
  const calc = options.calculator ?? new AsymptoticCalculator(model, options);
  const poi = calc.poiIndex;
  const cl = options.cl ?? 0.95;
  const level = 1 - cl;
  const rtol = options.rtol ?? 1e-6;
  const cache = new Map<number, HypotestResult>();
  const at = (mu: number): HypotestResult => {
    let r = cache.get(mu);
    if (!r) {
      r = calc.hypotest(mu);
      cache.set(mu, r);
    }
    return r;
  };
  const bands = (r: HypotestResult) => [r.clsObs, ...r.clsExp];
  const upperBound = Number.isFinite(model.upper[poi]!) ? model.upper[poi]! : 10;
  let [lo, hi] = options.bracket ?? [model.lower[poi]!, upperBound];
  if (!Number.isFinite(lo)) lo = 0;
  for (let k = 0; k < 30 && bands(at(lo)).some((v) => v < level); k++) {
    if (lo === 0) break;
    lo /= 2;
  }
  for (let k = 0; k < 30 && bands(at(hi)).some((v) => v > level); k++) hi *= 2;
  const names = ['observed', 'expected −2σ', 'expected −1σ', 'expected', 'expected +1σ', 'expected +2σ'];
  const limits = names.map((name, b) => {
    const g = (mu: number) => bands(at(mu))[b]! - level;
    // best bracket from everything computed so far
    let a = -Infinity;
    let ga = NaN;
    let c = Infinity;
    let gc = NaN;
    for (const [mu, r] of cache) {
      const v = bands(r)[b]! - level;
      if (v >= 0 && (Number.isNaN(ga) || v < ga)) [a, ga] = [mu, v];
      if (v < 0 && (Number.isNaN(gc) || v > gc)) [c, gc] = [mu, v];
    }
    if (!Number.isFinite(a) || !Number.isFinite(c)) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitLimitBracket(name, lo, hi));
    return brentRoot(g, a, c, ga, gc, rtol);
  });
  const tests = [...cache.values()].sort((x, y) => x.poi - y.poi);
  return { obs: limits[0]!, exp: limits.slice(1), cl, tests };
}

/** Brent's root finder (zeroin) on [a, b] with f(a), f(b) of opposite signs. */
function brentRoot(f: (x: number) => number, a: number, b: number, fa: number, fb: number, rtol: number, maxIter = 100): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * 2.220446049250313e-16 * Math.abs(b) + 0.5 * rtol * Math.abs(b) + 1e-14;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// goodness of fit

/** What {@link goodnessOfFit} returns. */
export interface GoodnessOfFitResult {
  test: 'saturated';
  /** −2 ln(L_fit / L_saturated). */
  statistic: number;
  ndf: number;
  /** P(χ²_ndf ≥ statistic). */
  pValue: number;
}

/** Is each parameter constrained (has an auxiliary measurement)? From the model's parameter sets, if it lists them. */
function constrainedMask(model: AsimovCapable): boolean[] | undefined {
  if (!model.parameterSets) return undefined;
  const mask = new Array<boolean>(model.names.length).fill(false);
  for (const set of model.parameterSets) if (set.constraint) for (let i = 0; i < set.size; i++) mask[set.offset + i] = true;
  return mask;
}

/**
 * The saturated-model goodness of fit: the statistic −2 ln(L_fit / L_saturated), where the
 * saturated model has each main bin's Poisson mean equal to its observed count and the same
 * constraint terms as the fit (so they cancel: 2 Σ [ν − n + n ln(n/ν)] over the main bins), with
 * ndf = main bins − free unconstrained parameters, and its p-value from the χ² distribution
 * (as cabinetry's `fit.goodness_of_fit`).
 *
 * @example
 * ```ts
 * const gof = goodnessOfFit(model, fit(model).minimum); // gof.statistic, gof.ndf, gof.pValue
 * ```
 */
export function goodnessOfFit(model: AsimovCapable, minimum?: MinimizeResult): GoodnessOfFitResult {
  if (!model.mainData) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitNoData('observed main-bin counts (mainData)'));
  const best = minimum ?? minimize(model);
  const nu = model.expectedMain(best.x);
  const n = model.mainData;
  let statistic = 0;
  for (let b = 0; b < n.length; b++) {
    const nb = n[b]!;
    const vb = nu[b]!;
    statistic += 2 * (vb - nb + (nb > 0 ? nb * Math.log(nb / vb) : 0));
  }
  const constrained = constrainedMask(model);
  let freeUnconstrained = 0;
  let freeConstrained = 0;
  for (let i = 0; i < model.names.length; i++) {
    if (best.fixed[i]) continue;
    if (constrained?.[i]) freeConstrained++;
    else freeUnconstrained++;
  }
  if (!constrained) {
    // one auxiliary datum per constrained parameter component (pyhf)
    const aux = model.auxData?.length ?? 0;
    freeConstrained = Math.min(aux, freeUnconstrained);
    freeUnconstrained -= freeConstrained;
  }
  const ndf = n.length - freeUnconstrained;
  const pValue = ndf > 0 ? gammainc(Math.max(0, statistic) / 2, ndf / 2, true, true) : NaN;
  statistic = Math.max(0, statistic); // rounding below a perfect fit
  return { test: 'saturated', statistic, ndf, pValue };
}

// ---------------------------------------------------------------------------------------------
// fit-result documents

/** Options of {@link toFitResult}. */
export interface ToFitResultOptions {
  /** Index of the parameter of interest (default the objective's `poiIndex`, if it has one). */
  poiIndex?: number | null;
  /** Constraint of each parameter (centre and width) for the `constraint` and `pulls` entries. */
  constraints?: readonly ({ type: 'gaussian' | 'poisson'; center: number; width?: number } | undefined)[];
  model?: ModelReference;
  data?: DataReference;
  /** The command line or call that made the fit. */
  command?: string;
  goodnessOfFit?: GoodnessOfFitResult;
  hypothesisTests?: HypothesisTest[];
  scans?: LikelihoodScan[];
  /** Minimiser tolerance to record (default the EDM tolerance 1e-8). */
  tolerance?: number;
  /** When the fit ran (default now). */
  date?: Date;
}

const nested = (flat: Float64Array, n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));

/**
 * The fit-result document (spec.md 7) of a fit: parameters with values, Hesse errors, bounds, fixed
 * flags, initial values and the POI; the minimum with its EDM; the status with iminuit's flag names;
 * the minimiser; covariance and correlation; provenance; and what else is given.
 *
 * @example
 * ```ts
 * const outcome = fit(model);
 * const doc = toFitResult(model, outcome, { model: { format: 'pyhf', uri: 'ws.json' } });
 * ```
 */
export function toFitResult(objective: Objective & { poiIndex?: number | null | undefined }, outcome: FitOutcome, options: ToFitResultOptions = {}): FitResult {
  const { minimum, hesse: h } = outcome;
  const n = objective.names.length;
  const poi = options.poiIndex === undefined ? objective.poiIndex : options.poiIndex;
  const scale = scaleOf(objective);
  const parameters: FitParameter[] = objective.names.map((name, i) => {
    const p: FitParameter = { name, value: minimum.x[i]! };
    if (h) p.error = h.errors[i]!;
    const bounds: { lower?: number; upper?: number } = {};
    if (Number.isFinite(objective.lower[i]!)) bounds.lower = objective.lower[i]!;
    if (Number.isFinite(objective.upper[i]!)) bounds.upper = objective.upper[i]!;
    if (bounds.lower !== undefined || bounds.upper !== undefined) p.bounds = bounds;
    if (minimum.fixed[i]) p.fixed = true;
    p.initial_value = objective.init[i]!;
    const c = options.constraints?.[i];
    if (c) p.constraint = { type: c.type, center: c.center, ...(c.width === undefined ? {} : { width: c.width }) };
    if (poi === i) p.poi = true;
    return p;
  });
  const pulls = options.constraints
    ? objective.names.flatMap((name, i) => {
        const c = options.constraints![i];
        if (!c?.width || minimum.fixed[i]) return [];
        return [{ parameter: name, pull: (minimum.x[i]! - c.center) / c.width, ...(h ? { pull_error: h.errors[i]! / c.width } : {}) }];
      })
    : undefined;
  const atLimit = minimum.atBound.some(Boolean);
  const result = createFitResult({
    parameters,
    minimum: { objective: scale === 1 ? 'nll' : 'twice_nll', value: minimum.fval, edm: minimum.edm, errordef: scale / 2 },
    status: {
      valid: minimum.converged && (!h || h.positiveDefinite),
      code: minimum.status,
      ...(h ? { covariance_quality: h.quality } : {}),
      flags: {
        has_accurate_covar: h?.quality === 3,
        has_posdef_covar: h?.positiveDefinite ?? false,
        is_above_max_edm: !minimum.converged && minimum.status !== 2,
        has_reached_call_limit: minimum.status === 2,
        has_parameters_at_limit: atLimit,
      },
      message: minimum.message,
    },
    minimizer: {
      name: 'hist-serial',
      version: VERSION,
      algorithm: 'L-BFGS-B + Newton polish',
      tolerance: options.tolerance ?? 1e-8,
      calls: minimum.evaluations,
      time_s: outcome.timeS,
    },
    ...(h ? { covariance: { values: nested(h.covariance, n) }, correlation: { values: nested(h.correlation, n) } } : {}),
    ...(options.scans ? { scans: options.scans } : {}),
    ...(pulls && pulls.length ? { pulls } : {}),
    ...(options.goodnessOfFit
      ? {
          goodness_of_fit: [
            {
              test: 'saturated',
              statistic: options.goodnessOfFit.statistic,
              ndf: options.goodnessOfFit.ndf,
              ...(Number.isFinite(options.goodnessOfFit.pValue) ? { p_value: options.goodnessOfFit.pValue } : {}),
            } satisfies GoodnessOfFit,
          ],
        }
      : {}),
    ...(options.hypothesisTests ? { hypothesis_tests: options.hypothesisTests } : {}),
    provenance: {
      ...(options.model ? { model: options.model } : {}),
      ...(options.data ? { data: options.data } : {}),
      software: [{ name: 'hist-serial', version: VERSION }],
      date: (options.date ?? new Date()).toISOString(),
      ...(options.command ? { command: options.command } : {}),
    },
  });
  return result;
}

/**
 * A {@link LikelihoodScan} entry of a fit result from a {@link profileScan}: −2Δ ln L, profiled.
 *
 * @example
 * ```ts
 * const doc = toFitResult(model, outcome, { scans: [likelihoodScanEntry(profileScan(model, 0, [0, 1, 2]))] });
 * ```
 */
export function likelihoodScanEntry(scan: ProfileScan, name?: string): LikelihoodScan {
  return {
    ...(name === undefined ? {} : { name }),
    axes: [{ parameter: scan.parameter, points: [...scan.points] }],
    quantity: 'twice_delta_nll',
    profiled: true,
    values: Array.from(scan.values),
  };
}

/**
 * A {@link HypothesisTest} entry of a fit result from hypothesis tests and, optionally, an upper limit.
 *
 * @example
 * ```ts
 * const limit = upperLimit(model);
 * const entry = hypothesisTestEntry(model.names[model.poiIndex!]!, limit.tests, limit);
 * ```
 */
export function hypothesisTestEntry(parameter: string, tests: readonly HypotestResult[], limit?: UpperLimitResult, testStatistic: TestStatistic = 'qtilde'): HypothesisTest {
  return {
    parameter,
    test_statistic: testStatistic,
    calculator: 'asymptotics',
    cl: limit?.cl ?? 0.95,
    points: tests.map((t) => t.poi),
    expected_bands: [-2, -1, 0, 1, 2],
    cls_obs: tests.map((t) => t.clsObs),
    cls_exp: tests.map((t) => [...t.clsExp]),
    clsb_obs: tests.map((t) => t.clsbObs),
    clb_obs: tests.map((t) => t.clbObs),
    test_statistic_obs: tests.map((t) => t.q),
    ...(limit ? { upper_limit: { obs: limit.obs, exp: [...limit.exp], method: 'root_finding' as const } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// one call for the CLI

/** The short summary of a fit that `hist-serial fit MODEL --format json` prints. */
export interface FitSummary {
  /** −2 ln L at the minimum. */
  twice_nll: number;
  converged: boolean;
  /** Every parameter by name: its value and Hesse error (0 for a fixed parameter). */
  parameters: Record<string, { value: number; error: number }>;
}

/** Options of {@link fitModel}. */
export interface FitModelOptions extends FitOptions {
  /** Also make the fit-result document, with these options. */
  document?: ToFitResultOptions;
}

/** What {@link fitModel} returns. */
export interface FitModelResult extends FitOutcome {
  summary: FitSummary;
  /** The saturated-model goodness of fit, for models that know their data. */
  goodnessOfFit?: GoodnessOfFitResult;
  /** The fit-result document, when asked for. */
  document?: FitResult;
}

const isAsimovCapable = (o: Objective): o is AsimovCapable =>
  typeof (o as Partial<AsimovCapable>).expectedMain === 'function' && (o as Partial<AsimovCapable>).mainData !== undefined;

/**
 * A maximum-likelihood fit with Hesse errors, its summary, the saturated goodness of fit (for a
 * model that knows its data) and, when `document` is given, its fit-result document.
 *
 * @example
 * ```ts
 * const r = fitModel(model, { document: { model: { format: 'pyhf', uri: 'ws.json' } } });
 * console.log(r.summary.twice_nll, r.document);
 * ```
 */
export function fitModel(objective: Objective, options: FitModelOptions = {}): FitModelResult {
  const outcome = fit(objective, options);
  const { minimum, hesse: h } = outcome;
  const parameters: FitSummary['parameters'] = {};
  objective.names.forEach((name, i) => (parameters[name] = { value: minimum.x[i]!, error: h ? h.errors[i]! : 0 }));
  const summary: FitSummary = { twice_nll: (2 / scaleOf(objective)) * minimum.fval, converged: minimum.converged, parameters };
  const gof = isAsimovCapable(objective) ? goodnessOfFit(objective, minimum) : undefined;
  const document = options.document
    ? toFitResult(objective, outcome, { ...(gof ? { goodnessOfFit: gof } : {}), ...options.document })
    : undefined;
  return { ...outcome, summary, ...(gof ? { goodnessOfFit: gof } : {}), ...(document ? { document } : {}) };
}
