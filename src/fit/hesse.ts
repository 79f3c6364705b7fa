/**
 * Hesse errors: the Hessian of an {@link Objective} over its free parameters at a point (central
 * differences of the analytic gradient, or Richardson-extrapolated second differences of the
 * value), and from it the covariance, the parabolic errors and the correlation matrix. The
 * convention is MINUIT's and pyhf's: covariance = (H / scale)⁻¹ with `scale` = 2 for −2 ln L, in
 * the parameters themselves (no bound transform, so a parameter at its bound gets the error it
 * would have without the bound). No IO here.
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { invertSymmetric } from './linalg.js';
import type { Objective } from './objective.js';

/** Options of {@link hessian} and {@link hesse}. */
export interface HessianOptions {
  /** Which parameters are held constant (default `objective.fixed`); they get no row in the Hessian. */
  fixed?: readonly boolean[];
  /**
   * Step of the differences relative to `max(1, |x|)` (default 1e-4). Steps larger than 1% of a
   * parameter's error are shortened to 0.1% of it on a second pass.
   */
  relativeStep?: number;
}

/** The Hessian of an objective over its free parameters. */
export interface HessianMatrix {
  /** Indices of the free parameters: the rows and columns of `values`, in order. */
  free: Int32Array;
  /** Row-major `free.length × free.length`, symmetric. */
  values: Float64Array;
  /** The point it was computed at (all parameters). */
  at: Float64Array;
  /** Evaluations of the objective (with or without gradient) it took. */
  evaluations: number;
}

/** What {@link hesse} returns. Arrays cover every parameter of the objective, fixed ones included. */
export interface HesseResult {
  /** Parabolic errors √Cᵢᵢ; 0 for a fixed parameter. */
  errors: Float64Array;
  /** Covariance, row-major `N × N` over all parameters (rows and columns of fixed parameters are 0). */
  covariance: Float64Array;
  /** Correlation, row-major `N × N` (1 on the diagonal, 0 off it for fixed parameters). */
  correlation: Float64Array;
  /** The Hessian the covariance came from. */
  hessian: HessianMatrix;
  /** The Hessian was positive definite as computed. */
  positiveDefinite: boolean;
  /**
   * MINUIT's covariance quality: 3 accurate, 2 forced positive definite (the Hessian was not, its
   * eigenvalues were raised before inverting).
   */
  quality: 2 | 3;
}

const freeIndices = (fixed: readonly boolean[], n: number): Int32Array => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!fixed[i]) out.push(i);
  return Int32Array.from(out);
};

/**
 * The Hessian of `objective` over its free parameters at `x`: central differences of the analytic
 * gradient when the objective has one (symmetrised), else second differences of the value with
 * Richardson extrapolation over two step sizes. Steps cross the bounds; where the objective is not
 * finite across a bound, a one-sided difference is used.
 *
 * @example
 * ```ts
 * const h = hessian(objective, fit.x); // h.values: free × free, row-major
 * ```
 */
export function hessian(objective: Objective, x: ArrayLike<number>, options: HessianOptions = {}): HessianMatrix {
  const n = objective.names.length;
  if (x.length !== n) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitVectorLength('x', x.length, n));
  const fixed = options.fixed ?? objective.fixed;
  const free = freeIndices(fixed, n);
  const rel = options.relativeStep ?? 1e-4;
  const at = Float64Array.from(x);
  const scale = objective.scale ?? 2;
  const steps = Float64Array.from(free, (i) => rel * Math.max(1, Math.abs(at[i]!)));
  const out = objective.valueAndGradient ? gradientHessian(objective, at, free, steps) : valueHessian(objective, at, free, steps);
  // second pass: a step above 1% of a parameter's (diagonal) error is too coarse for its curvature.
  // Gradient differences take 1e-3 σ; value differences 1e-2 σ (Richardson removes their O(h²) error,
  // and a smaller step would amplify the objective's rounding and quadrature noise by 1/h²)
  const k = free.length;
  const redo: number[] = [];
  const target = objective.valueAndGradient ? 1e-3 : 1e-2;
  for (let a = 0; a < k; a++) {
    const hii = out.values[a * k + a]!;
    if (hii > 0) {
      const sigma = Math.sqrt(scale / hii);
      if (steps[a]! > 0.01 * sigma) {
        steps[a] = target * sigma;
        redo.push(a);
      }
    }
  }
  let evaluations = out.evaluations;
  if (redo.length > 0) {
    const again = objective.valueAndGradient ? gradientHessian(objective, at, free, steps, redo) : valueHessian(objective, at, free, steps);
    evaluations += again.evaluations;
    if (objective.valueAndGradient) {
      for (const a of redo) {
        for (let b = 0; b < k; b++) {
          out.values[a * k + b] = again.values[a * k + b]!;
          out.values[b * k + a] = again.values[b * k + a]!;
        }
      }
    } else out.values.set(again.values);
  }
  return { free, values: out.values, at, evaluations };
}

/** Columns by central differences of the gradient; `only` restricts to some columns (rows symmetrised from them). */
function gradientHessian(
  objective: Objective,
  x: Float64Array,
  free: Int32Array,
  steps: Float64Array,
  only?: readonly number[],
): { values: Float64Array; evaluations: number } {
  const k = free.length;
  const n = x.length;
  const vg = objective.valueAndGradient!.bind(objective);
  const values = new Float64Array(k * k);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const g0 = new Float64Array(n);
  let have0 = false;
  let evaluations = 0;
  const xt = Float64Array.from(x);
  const columns = only ?? Array.from({ length: k }, (_, a) => a);
  // raw[a][b] = d g_b / d x_a
  const raw = new Float64Array(k * k);
  for (const a of columns) {
    const i = free[a]!;
    const h = steps[a]!;
    xt[i] = x[i]! + h;
    const fp = vg(xt, gp);
    xt[i] = x[i]! - h;
    const fm = vg(xt, gm);
    xt[i] = x[i]!;
    evaluations += 2;
    const okP = Number.isFinite(fp) && allFinite(gp, free);
    const okM = Number.isFinite(fm) && allFinite(gm, free);
    if (okP && okM) {
      for (let b = 0; b < k; b++) raw[a * k + b] = (gp[free[b]!]! - gm[free[b]!]!) / (2 * h);
      continue;
    }
    if (!have0) {
      vg(x, g0);
      evaluations++;
      have0 = true;
    }
    if (!okP && !okM) throw new HistSerialError('NON_FINITE_VALUE', MESSAGES.fitHessianNonFinite(objective.names[i]!, x[i]!));
    for (let b = 0; b < k; b++) {
      const j = free[b]!;
      raw[a * k + b] = okP ? (gp[j]! - g0[j]!) / h : (g0[j]! - gm[j]!) / h;
    }
  }
  if (only) {
    // symmetrise against the columns not recomputed: keep the recomputed rows as they are
    for (const a of columns) for (let b = 0; b < k; b++) values[a * k + b] = values[b * k + a] = raw[a * k + b]!;
    return { values, evaluations };
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = 0.5 * (raw[a * k + b]! + raw[b * k + a]!);
      values[a * k + b] = v;
      values[b * k + a] = v;
    }
  }
  return { values, evaluations };
}

function allFinite(g: Float64Array, free: Int32Array): boolean {
  for (const i of free) if (!Number.isFinite(g[i]!)) return false;
  return true;
}

/** Second differences of the value, Richardson-extrapolated from steps h and h/2 (pyhf's reference scheme). */
function valueHessian(objective: Objective, x: Float64Array, free: Int32Array, steps: Float64Array): { values: Float64Array; evaluations: number } {
  const k = free.length;
  let evaluations = 0;
  const xt = Float64Array.from(x);
  const f = (): number => {
    evaluations++;
    return objective.value(xt);
  };
  const f0 = f();
  const once = (h: Float64Array): Float64Array => {
    const H = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      const i = free[a]!;
      xt[i] = x[i]! + h[a]!;
      const fp = f();
      xt[i] = x[i]! - h[a]!;
      const fm = f();
      xt[i] = x[i]!;
      let hii = (fp - 2 * f0 + fm) / (h[a]! * h[a]!);
      if (!Number.isFinite(hii)) {
        // one-sided, inward: f(x ± 2h) − 2 f(x ± h) + f(x)
        const s = Number.isFinite(fp) ? 1 : -1;
        xt[i] = x[i]! + s * 2 * h[a]!;
        const f2 = f();
        xt[i] = x[i]!;
        hii = (f2 - 2 * (s > 0 ? fp : fm) + f0) / (h[a]! * h[a]!);
        if (!Number.isFinite(hii)) throw new HistSerialError('NON_FINITE_VALUE', MESSAGES.fitHessianNonFinite(objective.names[i]!, x[i]!));
      }
      H[a * k + a] = hii;
      for (let b = a + 1; b < k; b++) {
        const j = free[b]!;
        const v: number[] = [];
        for (const [si, sj] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
          xt[i] = x[i]! + si * h[a]!;
          xt[j] = x[j]! + sj * h[b]!;
          v.push(f());
        }
        xt[i] = x[i]!;
        xt[j] = x[j]!;
        const hij = (v[0]! - v[1]! - v[2]! + v[3]!) / (4 * h[a]! * h[b]!);
        H[a * k + b] = H[b * k + a] = Number.isFinite(hij) ? hij : 0;
      }
    }
    return H;
  };
  const coarse = once(steps);
  const fine = once(steps.map((h) => h / 2));
  const values = coarse.map((c, idx) => (4 * fine[idx]! - c) / 3);
  return { values, evaluations };
}

/**
 * Hesse errors at `x` (normally the minimum): the Hessian over the free parameters ({@link hessian},
 * or `precomputed` when given), covariance = scale · H⁻¹ (scale 2 for −2 ln L, 1 for −ln L),
 * errors = √diag, and the correlation. A Hessian that is not positive definite is made so (MINUIT's
 * forced positive definite, `quality` 2).
 *
 * @example
 * ```ts
 * const fit = minimize(objective);
 * const { errors, correlation } = hesse(objective, fit.x);
 * ```
 */
export function hesse(objective: Objective, x: ArrayLike<number>, options: HessianOptions & { precomputed?: HessianMatrix } = {}): HesseResult {
  const h = options.precomputed ?? hessian(objective, x, options);
  const n = objective.names.length;
  const k = h.free.length;
  const scale = objective.scale ?? 2;
  const inv = invertSymmetric(h.values, k);
  const covariance = new Float64Array(n * n);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) covariance[h.free[a]! * n + h.free[b]!] = scale * inv.inverse[a * k + b]!;
  }
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = Math.sqrt(Math.max(0, covariance[i * n + i]!));
  const correlation = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = errors[i]! * errors[j]!;
      correlation[i * n + j] = i === j ? 1 : d > 0 ? covariance[i * n + j]! / d : 0;
    }
  }
  return { errors, covariance, correlation, hessian: h, positiveDefinite: inv.positiveDefinite, quality: inv.positiveDefinite ? 3 : 2 };
}
