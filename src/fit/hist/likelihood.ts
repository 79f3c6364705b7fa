/**
 * The objective of a histogram fit: a binned Poisson likelihood (default) or a χ², as an
 * {@link Objective} with analytic gradients (through the model's derivatives). No IO here.
 *
 * Poisson: the minimised value is the saturated-model deviance (Baker and Cousins 1984)
 *   D = 2 Σᵢ [μᵢ − nᵢ + nᵢ ln(nᵢ/μᵢ)],
 * which is −2 ln L minus its value with μ = n. It has the same minimum and errors as −2 ln L, is a
 * goodness-of-fit statistic (asymptotically χ² with bins − free parameters degrees of freedom), and
 * stays of order "number of bins" whatever the counts. The full −2 ln L, constants included
 * (2 Σ [μ − n ln μ + ln Γ(n + 1)], as pyhf defines it), is D + {@link saturatedOffset}.
 *
 * χ²: Σ (nᵢ − μᵢ)² / σᵢ² with σᵢ² the storage variances (weighted storage), nᵢ (Neyman) or μᵢ
 * (Pearson). Bins with σᵢ² ≤ 0 are left out (Neyman: empty bins, as ROOT does).
 *
 * Gaussian constraints on parameters add Σ ((θ − mean)/σ)² to either (−2 ln of a Gaussian
 * auxiliary measurement, without its constant ln 2πσ²).
 * @module
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import type { Objective } from '../objective.js';
import type { HistModel } from './model.js';
import type { BinnedData } from './start.js';

/** What the fit minimises. */
export type HistFitStatistic = 'poisson' | 'chi2';

/** Where the χ² takes its bin variances from. */
export type Chi2Errors = 'variances' | 'neyman' | 'pearson';

/** Smallest expected count in a bin: keeps ln μ finite where a shape underflows. */
const MIN_EXPECTED = 1e-300;

/** Options of {@link createHistObjective}. */
export interface HistObjectiveOptions {
  statistic?: HistFitStatistic;
  /** χ² only: storage variances (default when the data have them), Neyman (σ² = n) or Pearson (σ² = μ). */
  chi2Errors?: Chi2Errors;
  /** Parameters held at their `init` value. */
  fixed?: readonly boolean[];
  /** Gaussian constraints: ((x[index] − mean)/sigma)² each, added to the objective. */
  constraints?: readonly HistConstraintTerm[];
}

/** A Gaussian constraint on parameter `index` (see {@link HistObjectiveOptions.constraints}). */
export interface HistConstraintTerm {
  index: number;
  mean: number;
  sigma: number;
}

/**
 * Σ ((x[index] − mean)/sigma)² over the constraints: their part of the objective.
 *
 * @example
 * ```ts
 * constraintTerm([{ index: 0, mean: 1, sigma: 0.5 }], [2]); // 4
 * ```
 */
export function constraintTerm(constraints: readonly HistConstraintTerm[], x: ArrayLike<number>): number {
  let s = 0;
  for (const c of constraints) s += ((x[c.index]! - c.mean) / c.sigma) ** 2;
  return s;
}

/** A histogram-fit objective, with what the fit reports besides the minimum. */
export interface HistObjective extends Objective {
  readonly statistic: HistFitStatistic;
  /** χ² only: where the variances come from. */
  readonly chi2Errors?: Chi2Errors;
  /** Bins that enter the objective (χ²: those with a positive variance). */
  readonly usedBins: number;
  /** Expected events per bin at `x`. */
  expected(x: ArrayLike<number>): Float64Array;
}

/**
 * 2 Σ [nᵢ − nᵢ ln nᵢ + ln Γ(nᵢ + 1)]: −2 ln L of the saturated model (μ = n). Added to the deviance it
 * gives the full −2 ln L with every constant. Non-integer contents use the continuous Poisson (log-gamma).
 *
 * @example
 * ```ts
 * saturatedOffset([0, 1, 2]); // 2 × [0 + 1 + (2 − 2 ln 2 + ln 2)]
 * ```
 */
export function saturatedOffset(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const n = values[i]!;
    s += n - (n > 0 ? n * Math.log(n) : 0) + gammaln(n + 1);
  }
  return 2 * s;
}

/**
 * The objective of fitting `model` to binned `data`: the Poisson deviance or a χ² (see the module
 * comment), with analytic gradients. `init`, `lower` and `upper` come from {@link startingPoint}.
 *
 * @example
 * ```ts
 * const model = parseHistModel('gauss+expo', [edges[0], edges[edges.length - 1]]);
 * const { init, lower, upper } = startingPoint(model, data);
 * const objective = createHistObjective(model, data, init, lower, upper);
 * objective.value(init);
 * ```
 */
export function createHistObjective(
  model: HistModel,
  data: BinnedData,
  init: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: HistObjectiveOptions = {},
): HistObjective {
  const statistic = options.statistic ?? 'poisson';
  const { edges, values } = data;
  const n = values.length;
  const np = model.names.length;
  const chi2Errors: Chi2Errors | undefined = statistic === 'chi2' ? (options.chi2Errors ?? (data.variances ? 'variances' : 'neyman')) : undefined;
  // inverse variances (0: bin left out); Pearson's depend on μ
  const weight = new Float64Array(n);
  let usedBins = n;
  if (chi2Errors === 'variances' || chi2Errors === 'neyman') {
    const v = chi2Errors === 'variances' ? (data.variances ?? values) : values;
    usedBins = 0;
    for (let i = 0; i < n; i++) {
      const s2 = v[i]!;
      weight[i] = s2 > 0 && Number.isFinite(s2) ? 1 / s2 : 0;
      if (weight[i]! > 0) usedBins++;
    }
  }
  const mu = new Float64Array(n);
  const jac = Array.from({ length: np }, () => new Float64Array(n));
  const dmu = new Float64Array(n);
  const constraints = options.constraints ?? [];

  /** The objective at x, and ∂/∂μᵢ into dmu. */
  const evaluate = (x: ArrayLike<number>, withJacobian: boolean): number => {
    model.expected(edges, x, mu, withJacobian ? jac : undefined);
    let sum = 0;
    if (statistic === 'poisson') {
      for (let i = 0; i < n; i++) {
        const m = Math.max(mu[i]!, MIN_EXPECTED);
        const k = values[i]!;
        sum += m - k + (k > 0 ? k * Math.log(k / m) : 0);
        dmu[i] = 2 * (1 - k / m);
      }
      return 2 * sum;
    }
    if (chi2Errors === 'pearson') {
      for (let i = 0; i < n; i++) {
        const m = Math.max(mu[i]!, MIN_EXPECTED);
        const k = values[i]!;
        sum += ((k - m) * (k - m)) / m;
        dmu[i] = 1 - (k * k) / (m * m);
      }
      return sum;
    }
    for (let i = 0; i < n; i++) {
      const r = values[i]! - mu[i]!;
      sum += r * r * weight[i]!;
      dmu[i] = -2 * r * weight[i]!;
    }
    return sum;
  };

  return {
    names: model.names,
    init,
    lower,
    upper,
    fixed: options.fixed ?? new Array<boolean>(np).fill(false),
    scale: 2,
    statistic,
    ...(chi2Errors ? { chi2Errors } : {}),
    usedBins,
    value: (x) => evaluate(x, false) + constraintTerm(constraints, x),
    valueAndGradient(x, grad) {
      const v = evaluate(x, true);
      for (let k = 0; k < np; k++) {
        const j = jac[k]!;
        let g = 0;
        for (let i = 0; i < n; i++) g += dmu[i]! * j[i]!;
        grad[k] = g;
      }
      for (const c of constraints) grad[c.index]! += (2 * (x[c.index]! - c.mean)) / (c.sigma * c.sigma);
      return v + constraintTerm(constraints, x);
    },
    expected(x) {
      const out = new Float64Array(n);
      model.expected(edges, x, out);
      return out;
    },
  };
}
