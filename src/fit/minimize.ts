/**
 * Minimising an {@link Objective} with bounds and fixed parameters: L-BFGS-B (Byrd, Lu, Nocedal and
 * Zhu 1995, with Morales and Nocedal's 2011 subspace step) on the analytic gradient (central
 * differences when the objective has none), then a few projected Newton steps on the Hessian by
 * {@link hessian} to polish the minimum to machine precision and to measure the estimated distance
 * to the minimum (EDM) exactly. No IO here.
 *
 * @example
 * ```ts
 * const fit = minimize(objective);
 * if (!fit.converged) console.warn(fit.message);
 * fit.x; fit.fval; fit.edm;
 * ```
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { hessian, type HessianMatrix } from './hesse.js';
import { cholesky, choleskySolve, invert, invertSymmetric, luSolve } from './linalg.js';
import type { Objective } from './objective.js';

/** Why {@link minimize} stopped. */
export const MINIMIZE_STATUS = {
  /** The EDM is below the tolerance. */
  CONVERGED: 0,
  /** The minimiser stopped (no further decrease possible) with the EDM above the tolerance. */
  EDM_ABOVE_MAX: 1,
  /** The iteration or evaluation limit was reached first. */
  CALL_LIMIT: 2,
  /** The line search could not decrease the objective, with the EDM above the tolerance. */
  LINE_SEARCH_FAILED: 3,
} as const;

/** One of {@link MINIMIZE_STATUS}. */
export type MinimizeStatus = (typeof MINIMIZE_STATUS)[keyof typeof MINIMIZE_STATUS];

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Starting point, every parameter (default `objective.init`); fixed parameters keep these values. */
  x0?: ArrayLike<number>;
  /** Which parameters are held constant (default `objective.fixed`). */
  fixed?: readonly boolean[];
  /** Corrections L-BFGS-B keeps (default 10). */
  memory?: number;
  /** Iteration limit of L-BFGS-B (default 2000 + 50 × free parameters). */
  maxIterations?: number;
  /** Limit on evaluations of the objective (default 20000 + 200 × free parameters). */
  maxEvaluations?: number;
  /** L-BFGS-B stops when the largest projected-gradient component is below this (default 1e-10). */
  gradientTolerance?: number;
  /** The minimum is valid when the EDM (in units of the objective) is below this (default 1e-8). */
  tolerance?: number;
  /** Polish with Newton steps on the numerical Hessian and compute the EDM from it (default true). */
  polish?: boolean;
  /**
   * A Hessian to polish with instead of computing one, e.g. that of a fit at a nearby point (a scan);
   * used when its free parameters include this fit's (their block is taken), else ignored.
   */
  hessian?: HessianMatrix;
}

/** What {@link minimize} returns. Arrays cover every parameter, fixed ones included. */
export interface MinimizeResult {
  /** The minimum (fixed parameters at their fixed values). */
  x: Float64Array;
  /** The objective at `x`. */
  fval: number;
  /** `status` is {@link MINIMIZE_STATUS}.CONVERGED. */
  converged: boolean;
  status: MinimizeStatus;
  /** L-BFGS-B iterations plus Newton steps. */
  iterations: number;
  /** Evaluations of the objective (with or without gradient), the Hessian's included. */
  evaluations: number;
  /** Estimated distance to the minimum, ½ gᵀH⁻¹g over the parameters not held by a bound, in units of the objective. */
  edm: number;
  message: string;
  /** The parameters held constant. */
  fixed: boolean[];
  /** Free parameters that ended on a bound. */
  atBound: boolean[];
  /** The Hessian of the polish (over the free parameters, at or next to `x`); absent without polish. */
  hessian?: HessianMatrix;
}

const EPS = 2.220446049250313e-16;
/** Newton steps go on until the EDM is below this fraction of the tolerance. */
const NEWTON_TARGET = 1e-12;
/** L-BFGS-B hands over to Newton steps when its own EDM estimate is below this (objective units). */
const HANDOFF_EDM = 1e-6;

/** The objective restricted to the free parameters, with evaluation counters. */
class Problem {
  readonly free: Int32Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly full: Float64Array;
  private readonly gfull: Float64Array;
  evaluations = 0;

  constructor(
    readonly objective: Objective,
    x0: Float64Array,
    fixed: readonly boolean[],
  ) {
    const free: number[] = [];
    for (let i = 0; i < x0.length; i++) if (!fixed[i]) free.push(i);
    this.free = Int32Array.from(free);
    this.lower = Float64Array.from(this.free, (i) => objective.lower[i] ?? -Infinity);
    this.upper = Float64Array.from(this.free, (i) => objective.upper[i] ?? Infinity);
    this.full = Float64Array.from(x0);
    this.gfull = new Float64Array(x0.length);
  }

  get n(): number {
    return this.free.length;
  }

  /** Value and gradient (free components) at the free vector `x`. */
  eval(x: Float64Array, g: Float64Array): number {
    const { free, full, gfull } = this;
    for (let a = 0; a < free.length; a++) full[free[a]!] = x[a]!;
    const obj = this.objective;
    if (obj.valueAndGradient) {
      this.evaluations++;
      const f = obj.valueAndGradient(full, gfull);
      for (let a = 0; a < free.length; a++) g[a] = gfull[free[a]!]!;
      return f;
    }
    this.evaluations++;
    const f = obj.value(full);
    for (let a = 0; a < free.length; a++) {
      const i = free[a]!;
      const xi = full[i]!;
      const h = 6e-6 * Math.max(1, Math.abs(xi));
      full[i] = xi + h;
      const fp = obj.value(full);
      full[i] = xi - h;
      const fm = obj.value(full);
      full[i] = xi;
      this.evaluations += 2;
      if (Number.isFinite(fp) && Number.isFinite(fm)) g[a] = (fp - fm) / (2 * h);
      else if (Number.isFinite(fp)) g[a] = (fp - f) / h;
      else if (Number.isFinite(fm)) g[a] = (f - fm) / h;
      else g[a] = NaN;
    }
    return f;
  }

  /** All parameters with the free ones set from `x`. */
  expand(x: Float64Array): Float64Array {
    const out = Float64Array.from(this.full);
    for (let a = 0; a < this.free.length; a++) out[this.free[a]!] = x[a]!;
    return out;
  }
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const finiteVector = (v: Float64Array): boolean => {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
};

/** The largest component of the projected gradient P(x − g) − x. */
function projectedGradientNorm(x: Float64Array, g: Float64Array, l: Float64Array, u: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    let v: number;
    if (gi < 0) v = Math.max(x[i]! - u[i]!, gi);
    else v = Math.min(x[i]! - l[i]!, gi);
    m = Math.max(m, Math.abs(v));
  }
  return m;
}

/** The limited-memory BFGS matrix B = θI − W M Wᵀ, W = [Y, θS], in compact form. */
class Memory {
  s: Float64Array[] = [];
  y: Float64Array[] = [];
  theta = 1;
  /** M, row-major 2k × 2k. */
  M: Float64Array = new Float64Array(0);

  constructor(readonly m: number) {}

  get k(): number {
    return this.s.length;
  }

  reset(): void {
    this.s = [];
    this.y = [];
    this.theta = 1;
    this.M = new Float64Array(0);
  }

  /** Add a correction pair; false (and nothing added) when the curvature condition fails. */
  push(s: Float64Array, y: Float64Array): boolean {
    const sy = dot(s, y);
    const yy = dot(y, y);
    if (!(sy > EPS * yy) || !Number.isFinite(sy)) return false;
    this.s.push(s);
    this.y.push(y);
    if (this.s.length > this.m) {
      this.s.shift();
      this.y.shift();
    }
    this.theta = yy / sy;
    if (!this.rebuild()) {
      this.reset();
      return false;
    }
    return true;
  }

  /** M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹. */
  private rebuild(): boolean {
    const k = this.k;
    const K = new Float64Array(4 * k * k);
    const w = 2 * k;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const sy = dot(this.s[i]!, this.y[j]!);
        if (i === j) K[i * w + j] = -sy;
        if (i > j) {
          // L (lower-left block) and Lᵀ (upper-right block)
          K[(k + i) * w + j] = sy;
          K[j * w + (k + i)] = sy;
        }
        K[(k + i) * w + (k + j)] = this.theta * dot(this.s[i]!, this.s[j]!);
      }
    }
    const M = invert(K, w);
    if (!M) return false;
    this.M = M;
    return true;
  }

  /** Row `b` of W (length 2k) into `out`. */
  row(b: number, out: Float64Array): Float64Array {
    const k = this.k;
    for (let i = 0; i < k; i++) {
      out[i] = this.y[i]![b]!;
      out[k + i] = this.theta * this.s[i]![b]!;
    }
    return out;
  }

  /** Wᵀv (length 2k). */
  wt(v: Float64Array): Float64Array {
    const k = this.k;
    const out = new Float64Array(2 * k);
    for (let i = 0; i < k; i++) {
      out[i] = dot(this.y[i]!, v);
      out[k + i] = this.theta * dot(this.s[i]!, v);
    }
    return out;
  }

  /** M v. */
  mv(v: Float64Array): Float64Array {
    const w = 2 * this.k;
    const out = new Float64Array(w);
    for (let i = 0; i < w; i++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += this.M[i * w + j]! * v[j]!;
      out[i] = s;
    }
    return out;
  }
}

/** The generalized Cauchy point along the projected steepest-descent path, and c = Wᵀ(xcp − x). */
function cauchyPoint(x: Float64Array, g: Float64Array, l: Float64Array, u: Float64Array, mem: Memory): { xcp: Float64Array; c: Float64Array } {
  const n = x.length;
  const k2 = 2 * mem.k;
  const theta = mem.theta;
  const xcp = Float64Array.from(x);
  const d = new Float64Array(n);
  const t = new Float64Array(n);
  const breaks: number[] = [];
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    let ti = Infinity;
    if (gi < 0) ti = (x[i]! - u[i]!) / gi;
    else if (gi > 0) ti = (x[i]! - l[i]!) / gi;
    t[i] = ti;
    if (ti > 0) {
      d[i] = -gi;
      if (ti < Infinity) breaks.push(i);
    }
  }
  breaks.sort((a, b) => t[a]! - t[b]!);
  const p = mem.wt(d);
  const c = new Float64Array(k2);
  let fp = -dot(d, d);
  let fpp = -theta * fp - dot(p, mem.mv(p));
  const fpp0 = -theta * fp;
  if (fpp <= 0) fpp = Math.max(EPS * fpp0, Number.MIN_VALUE);
  let dtmin = fpp > 0 ? -fp / fpp : Infinity;
  let told = 0;
  const wb = new Float64Array(k2);
  for (const i of breaks) {
    const tb = t[i]!;
    const dt = tb - told;
    if (dtmin < dt) break;
    // variable i reaches its bound
    const zb = (d[i]! > 0 ? u[i]! : l[i]!) - x[i]!;
    xcp[i] = d[i]! > 0 ? u[i]! : l[i]!;
    for (let j = 0; j < k2; j++) c[j] = c[j]! + dt * p[j]!;
    const gb = g[i]!;
    if (k2 > 0) mem.row(i, wb);
    const Mc = k2 > 0 ? mem.mv(c) : c;
    const Mp = k2 > 0 ? mem.mv(p) : p;
    const Mwb = k2 > 0 ? mem.mv(wb) : wb;
    fp = fp + dt * fpp + gb * gb + theta * gb * zb - gb * dotN(wb, Mc, k2);
    fpp = fpp - theta * gb * gb - 2 * gb * dotN(wb, Mp, k2) - gb * gb * dotN(wb, Mwb, k2);
    fpp = Math.max(EPS * fpp0, fpp);
    for (let j = 0; j < k2; j++) p[j] = p[j]! + gb * wb[j]!;
    d[i] = 0;
    dtmin = fpp > 0 ? -fp / fpp : Infinity;
    told = tb;
    if (fp >= 0) {
      dtmin = 0;
      break;
    }
  }
  if (!Number.isFinite(dtmin)) dtmin = 0;
  dtmin = Math.max(dtmin, 0);
  told += dtmin;
  for (let i = 0; i < n; i++) {
    if (d[i] !== 0) xcp[i] = Math.min(u[i]!, Math.max(l[i]!, x[i]! + told * d[i]!));
  }
  for (let j = 0; j < k2; j++) c[j] = c[j]! + dtmin * p[j]!;
  return { xcp, c };
}

const dotN = (a: Float64Array, b: Float64Array, n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
};

/** Minimise the quadratic model over the variables free at the Cauchy point (direct primal method). */
function subspaceMinimum(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  mem: Memory,
  xcp: Float64Array,
  c: Float64Array,
): Float64Array {
  const n = x.length;
  const k = mem.k;
  if (k === 0) return xcp;
  const k2 = 2 * k;
  const theta = mem.theta;
  const F: number[] = [];
  for (let i = 0; i < n; i++) if (xcp[i]! > l[i]! && xcp[i]! < u[i]!) F.push(i);
  if (F.length === 0) return xcp;
  // reduced gradient r = Zᵀ(g + θ(xcp − x) − W M c)
  const Mc = mem.mv(c);
  const wb = new Float64Array(k2);
  const r = new Float64Array(F.length);
  const WtZr = new Float64Array(k2);
  const WtZZtW = new Float64Array(k2 * k2);
  for (let a = 0; a < F.length; a++) {
    const i = F[a]!;
    mem.row(i, wb);
    const ri = g[i]! + theta * (xcp[i]! - x[i]!) - dotN(wb, Mc, k2);
    r[a] = ri;
    for (let p = 0; p < k2; p++) {
      WtZr[p] = WtZr[p]! + wb[p]! * ri;
      for (let q = 0; q < k2; q++) WtZZtW[p * k2 + q] = WtZZtW[p * k2 + q]! + wb[p]! * wb[q]!;
    }
  }
  // v = (I − M WᵀZZᵀW / θ)⁻¹ M WᵀZ r
  const v0 = mem.mv(WtZr);
  const N = new Float64Array(k2 * k2);
  for (let p = 0; p < k2; p++) {
    for (let q = 0; q < k2; q++) {
      let s = 0;
      for (let j = 0; j < k2; j++) s += mem.M[p * k2 + j]! * WtZZtW[j * k2 + q]!;
      N[p * k2 + q] = (p === q ? 1 : 0) - s / theta;
    }
  }
  const v = luSolve(N, k2, v0);
  const du = new Float64Array(F.length);
  for (let a = 0; a < F.length; a++) {
    let s = 0;
    if (v) {
      mem.row(F[a]!, wb);
      s = dotN(wb, v, k2);
    }
    du[a] = -r[a]! / theta - s / (theta * theta);
  }
  // Morales–Nocedal: project the subspace minimiser; if that is not a descent direction, truncate instead
  const xbar = Float64Array.from(xcp);
  for (let a = 0; a < F.length; a++) {
    const i = F[a]!;
    xbar[i] = Math.min(u[i]!, Math.max(l[i]!, xcp[i]! + du[a]!));
  }
  let dd = 0;
  for (let i = 0; i < n; i++) dd += (xbar[i]! - x[i]!) * g[i]!;
  if (dd < 0) return xbar;
  let alpha = 1;
  for (let a = 0; a < F.length; a++) {
    const i = F[a]!;
    const di = du[a]!;
    if (di > 0) alpha = Math.min(alpha, (u[i]! - xcp[i]!) / di);
    else if (di < 0) alpha = Math.min(alpha, (l[i]! - xcp[i]!) / di);
  }
  const out = Float64Array.from(xcp);
  for (let a = 0; a < F.length; a++) out[F[a]!] = xcp[F[a]!]! + alpha * du[a]!;
  return out;
}

interface LinePoint {
  stp: number;
  f: number;
  g: Float64Array;
  dg: number;
}

/**
 * Strong-Wolfe line search (Nocedal and Wright, algorithms 3.5 and 3.6, cubic interpolation) along
 * `d` from `x`, steps within (0, stpmax]; `null` when no step decreases the objective.
 */
function lineSearch(
  prob: Problem,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  stp0: number,
  stpmax: number,
  budget: () => boolean,
): { x: Float64Array; f: number; g: Float64Array } | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const dg0 = dot(g0, d);
  // Hager and Zhang's approximate Wolfe conditions, for steps whose change of the objective is lost
  // in its rounding (next to the minimum): no increase beyond the noise, and the slope reduced
  const noise = 1e-10 * (1 + Math.abs(f0));
  const approx = (pt: LinePoint) => pt.f <= f0 + noise && pt.dg >= c2 * dg0 && pt.dg <= (2 * c1 - 1) * dg0;
  const n = x.length;
  const l = prob.lower;
  const u = prob.upper;
  const xt = new Float64Array(n);
  let best: LinePoint | null = null;
  const at = (stp: number): LinePoint => {
    for (let i = 0; i < n; i++) xt[i] = Math.min(u[i]!, Math.max(l[i]!, x[i]! + stp * d[i]!));
    const g = new Float64Array(n);
    let f = prob.eval(xt, g);
    if (!Number.isFinite(f) || !finiteVector(g)) f = Infinity;
    const pt = { stp, f, g, dg: Number.isFinite(f) ? dot(g, d) : NaN };
    if (Number.isFinite(f) && f < f0 && (!best || f < best.f)) best = pt;
    return pt;
  };
  const done = (pt: LinePoint) => {
    const xn = new Float64Array(n);
    for (let i = 0; i < n; i++) xn[i] = Math.min(u[i]!, Math.max(l[i]!, x[i]! + pt.stp * d[i]!));
    return { x: xn, f: pt.f, g: pt.g };
  };
  const fallback = () => (best ? done(best) : null);
  const interpolate = (lo: LinePoint, hi: LinePoint): number => {
    const a = lo.stp;
    const b = hi.stp;
    const width = b - a;
    if (Number.isFinite(hi.f) && Number.isFinite(hi.dg) && Number.isFinite(lo.dg)) {
      // minimiser of the cubic through (a, fa, da), (b, fb, db)
      const d1 = lo.dg + hi.dg - 3 * (lo.f - hi.f) / (a - b);
      const disc = d1 * d1 - lo.dg * hi.dg;
      if (disc >= 0) {
        const d2 = Math.sign(b - a) * Math.sqrt(disc);
        const t = b - (b - a) * ((hi.dg + d2 - d1) / (hi.dg - lo.dg + 2 * d2));
        const lo2 = Math.min(a, b) + 0.1 * Math.abs(width);
        const hi2 = Math.max(a, b) - 0.1 * Math.abs(width);
        if (Number.isFinite(t)) return Math.min(hi2, Math.max(lo2, t));
      }
    }
    return a + 0.5 * width;
  };
  const zoom = (lo: LinePoint, hi: LinePoint) => {
    for (let it = 0; it < 40 && budget(); it++) {
      if (Math.abs(hi.stp - lo.stp) <= EPS * Math.max(1, Math.abs(lo.stp))) break;
      const stp = interpolate(lo, hi);
      const pt = at(stp);
      if (approx(pt)) return done(pt);
      if (pt.f > f0 + c1 * stp * dg0 || pt.f >= lo.f) hi = pt;
      else {
        if (Math.abs(pt.dg) <= -c2 * dg0) return done(pt);
        if (pt.dg * (hi.stp - lo.stp) >= 0) hi = lo;
        lo = pt;
      }
    }
    return lo.stp > 0 && lo.f < f0 ? done(lo) : fallback();
  };
  let prev: LinePoint = { stp: 0, f: f0, g: g0, dg: dg0 };
  let stp = Math.min(stp0, stpmax);
  for (let it = 0; it < 40 && budget(); it++) {
    const pt = at(stp);
    if (!Number.isFinite(pt.f)) {
      // undefined here (outside the objective's domain): shrink towards the last good step
      stpmax = stp;
      stp = prev.stp + 0.2 * (stp - prev.stp);
      if (stp - prev.stp <= EPS * Math.max(1, prev.stp)) break;
      continue;
    }
    if (approx(pt)) return done(pt);
    if (pt.f > f0 + c1 * stp * dg0 || (it > 0 && pt.f >= prev.f)) return zoom(prev, pt);
    if (Math.abs(pt.dg) <= -c2 * dg0) return done(pt);
    if (pt.dg >= 0) return zoom(pt, prev);
    if (stp >= stpmax) return done(pt);
    prev = pt;
    stp = Math.min(stpmax, 4 * stp);
  }
  return fallback();
}

/**
 * Minimise `objective` within its bounds, holding its fixed parameters: L-BFGS-B, then projected
 * Newton steps on the numerical Hessian (unless `polish: false`) that also give the EDM.
 * Parameters on a bound where the gradient pushes outward stay there; a start outside the bounds
 * is moved onto them.
 *
 * @throws {HistSerialError} `NON_FINITE_VALUE` when the objective or its gradient is not finite at
 *   the start; `INVALID_ARGUMENT` when `x0` or `fixed` has the wrong length.
 *
 * @example
 * ```ts
 * const fit = minimize(objective, { fixed: objective.fixed.map((f, i) => f || i === poi) });
 * console.log(fit.fval, fit.converged, fit.edm);
 * ```
 */
export function minimize(objective: Objective, options: MinimizeOptions = {}): MinimizeResult {
  const N = objective.names.length;
  const x0 = Float64Array.from(options.x0 ?? objective.init);
  if (x0.length !== N) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitVectorLength('x0', x0.length, N));
  const fixed = [...(options.fixed ?? objective.fixed)];
  if (fixed.length !== N) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitVectorLength('fixed', fixed.length, N));
  const prob = new Problem(objective, x0, fixed);
  const n = prob.n;
  const l = prob.lower;
  const u = prob.upper;
  const maxIterations = options.maxIterations ?? 2000 + 50 * n;
  const maxEvaluations = options.maxEvaluations ?? 20000 + 200 * n;
  const pgtol = options.gradientTolerance ?? 1e-10;
  const tolerance = options.tolerance ?? 1e-8;
  const budget = () => prob.evaluations < maxEvaluations;

  let x: Float64Array = Float64Array.from(prob.free, (i, a) => Math.min(u[a]!, Math.max(l[a]!, x0[i]!)));
  let g: Float64Array = new Float64Array(n);
  let f = prob.eval(x, g);
  if (!Number.isFinite(f) || !finiteVector(g)) {
    const bad = Number.isFinite(f) ? `its gradient is not finite` : `it is ${f}`;
    throw new HistSerialError('NON_FINITE_VALUE', MESSAGES.fitNonFiniteStart(bad));
  }
  // more pairs than parameters add nothing but an ill-conditioned middle matrix
  const mem = new Memory(Math.max(1, Math.min(options.memory ?? 10, n)));
  const polishing = n > 0 && (options.polish ?? true);
  let iterations = 0;
  type Stop = 'gradient' | 'handoff' | 'objective' | 'limit' | 'line_search';
  /** L-BFGS-B iterations from the current point; with `handoff`, stop where Newton steps can finish. */
  const descend = (handoff: boolean): Stop => {
    for (;;) {
      if (projectedGradientNorm(x, g, l, u) <= pgtol) return 'gradient';
      // close enough for Newton steps to finish (L-BFGS-B's line searches get lost in rounding there)
      if (handoff && mem.k >= Math.min(n, 2) && lbfgsEdm(x, g, l, u, mem) <= HANDOFF_EDM) return 'handoff';
      if (iterations >= maxIterations || !budget()) return 'limit';
      iterations++;
      const { xcp, c } = cauchyPoint(x, g, l, u, mem);
      const xbar = subspaceMinimum(x, g, l, u, mem, xcp, c);
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = xbar[i]! - x[i]!;
      if (!(dot(d, g) < 0)) {
        // not a descent direction: start the memory afresh, and give up if steepest descent fails too
        if (mem.k === 0) return 'line_search';
        mem.reset();
        continue;
      }
      // the largest feasible step along d
      let stpmax = Infinity;
      for (let i = 0; i < n; i++) {
        if (d[i]! > 0) stpmax = Math.min(stpmax, (u[i]! - x[i]!) / d[i]!);
        else if (d[i]! < 0) stpmax = Math.min(stpmax, (l[i]! - x[i]!) / d[i]!);
      }
      const stp0 = mem.k === 0 ? Math.min(1 / Math.sqrt(dot(d, d)), stpmax, 1) : Math.min(1, stpmax);
      const next = lineSearch(prob, x, f, g, d, Math.max(stp0, Number.MIN_VALUE), stpmax, budget);
      if (!next) {
        if (!budget()) return 'limit';
        if (mem.k === 0) return 'line_search';
        mem.reset();
        continue;
      }
      const s = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = next.x[i]! - x[i]!;
        y[i] = next.g[i]! - g[i]!;
      }
      const reduction = f - next.f;
      const prevF = f;
      x = next.x;
      f = next.f;
      g = next.g;
      mem.push(s, y);
      if (reduction <= 10 * EPS * Math.max(Math.abs(prevF), Math.abs(f), 1)) return 'objective';
    }
  };
  const newton = (given?: HessianMatrix) => {
    const polished = polish(prob, x, f, g, tolerance, budget, given);
    x = polished.x;
    f = polished.f;
    g = polished.g;
    iterations += polished.steps;
    edm = polished.edm;
    H = polished.hessian;
  };

  let stop: Stop | 'newton' = 'gradient';
  let edm = 0;
  let H: HessianMatrix | undefined;
  // warm start (a scan): Newton steps on the given Hessian may be all it takes
  if (polishing && options.hessian) newton(options.hessian);
  if (polishing && options.hessian && edm <= NEWTON_TARGET * tolerance) stop = 'newton';
  else if (n > 0) {
    stop = descend(polishing);
    if (polishing) {
      newton();
      // Newton steps that cannot finish (a Hessian far from positive definite): back to L-BFGS-B, to the end
      if (edm > tolerance && stop === 'handoff' && budget()) {
        stop = descend(false);
        newton();
      }
    } else edm = lbfgsEdm(x, g, l, u, mem);
  }
  const limit = stop === 'limit';
  let status: MinimizeStatus;
  if (edm <= tolerance && Number.isFinite(edm)) status = MINIMIZE_STATUS.CONVERGED;
  else if (limit) status = MINIMIZE_STATUS.CALL_LIMIT;
  else if (stop === 'line_search') status = MINIMIZE_STATUS.LINE_SEARCH_FAILED;
  else status = MINIMIZE_STATUS.EDM_ABOVE_MAX;
  const atBound = new Array<boolean>(N).fill(false);
  for (let a = 0; a < n; a++) atBound[prob.free[a]!] = x[a]! <= l[a]! || x[a]! >= u[a]!;
  const message = MESSAGES.fitMinimizeStatus(status, edm, tolerance, iterations, prob.evaluations);
  return {
    x: prob.expand(x),
    fval: f,
    converged: status === MINIMIZE_STATUS.CONVERGED,
    status,
    iterations,
    evaluations: prob.evaluations,
    edm,
    message,
    fixed,
    atBound,
    ...(H ? { hessian: H } : {}),
  };
}

/** Is free variable `i` held by its bound (on it, with the gradient pushing outward)? */
const held = (x: Float64Array, g: Float64Array, l: Float64Array, u: Float64Array, i: number): boolean =>
  (x[i]! <= l[i]! && g[i]! > 0) || (x[i]! >= u[i]! && g[i]! < 0);

/** ½ gᵀ B⁻¹ g over the variables not held by a bound, from the L-BFGS two-loop recursion. */
function lbfgsEdm(x: Float64Array, g: Float64Array, l: Float64Array, u: Float64Array, mem: Memory): number {
  const n = x.length;
  const q = Float64Array.from(g, (gi, i) => (held(x, g, l, u, i) ? 0 : gi));
  const q0 = Float64Array.from(q);
  const k = mem.k;
  const alpha = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const rho = 1 / dot(mem.y[j]!, mem.s[j]!);
    alpha[j] = rho * dot(mem.s[j]!, q);
    for (let i = 0; i < n; i++) q[i] = q[i]! - (alpha[j]! * mem.y[j]![i]!);
  }
  for (let i = 0; i < n; i++) q[i] = q[i]! / (mem.theta);
  for (let j = 0; j < k; j++) {
    const rho = 1 / dot(mem.y[j]!, mem.s[j]!);
    const beta = rho * dot(mem.y[j]!, q);
    for (let i = 0; i < n; i++) q[i] = q[i]! + mem.s[j]![i]! * (alpha[j]! - beta);
  }
  return 0.5 * Math.abs(dot(q0, q));
}

/**
 * Projected Newton steps on the numerical Hessian (computed once, at the L-BFGS-B minimum), until
 * the EDM ½ g_Fᵀ H_FF⁻¹ g_F over the variables F not held by a bound is below 10⁻¹² `tolerance` or no
 * step decreases the objective.
 */
function polish(prob: Problem, x: Float64Array, f: number, g: Float64Array, tolerance: number, budget: () => boolean, given?: HessianMatrix) {
  const n = prob.n;
  const l = prob.lower;
  const u = prob.upper;
  let H = given ? hessianBlock(given, prob) : undefined;
  if (!H) {
    H = hessian(prob.objective, prob.expand(x), { fixed: freeMask(prob) });
    prob.evaluations += H.evaluations;
  }
  const Hv = H.values;
  // the factorisation of H over the variables not held by a bound, kept while that set stays the same
  let cached: { key: string; solve: (b: Float64Array) => Float64Array } | undefined;
  const solver = (F: number[]) => {
    const key = F.join(',');
    if (cached?.key === key) return cached.solve;
    const k = F.length;
    const HF = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) HF[a * k + b] = Hv[F[a]! * n + F[b]!]!;
    const L = cholesky(HF, k);
    let solve: (b: Float64Array) => Float64Array;
    if (L) solve = (b) => choleskySolve(L, k, b);
    else {
      // not positive definite: MINUIT's forced positive-definite inverse
      const inv = invertSymmetric(HF, k).inverse;
      solve = (b) => Float64Array.from({ length: k }, (_, a) => b.reduce((s, v, c) => s + inv[a * k + c]! * v, 0));
    }
    cached = { key, solve };
    return solve;
  };
  /** The Newton step over the variables not held by a bound, and the EDM, at the current point. */
  const newton = () => {
    const F: number[] = [];
    for (let i = 0; i < n; i++) if (!held(x, g, l, u, i)) F.push(i);
    const k = F.length;
    const gF = Float64Array.from(F, (i) => g[i]!);
    const delta = k === 0 ? new Float64Array(0) : solver(F)(gF).map((v) => -v);
    const edm = k === 0 ? 0 : -0.5 * dot(gF, delta);
    return { F, delta, edm: Number.isFinite(edm) ? Math.max(0, edm) : Infinity };
  };
  let steps = 0;
  let step = newton();
  for (let round = 0; round < 20 && step.edm > NEWTON_TARGET * tolerance && budget(); round++) {
    // projected step, backtracking until the objective does not increase
    let accepted = false;
    for (let alpha = 1, tries = 0; tries < 12 && budget(); tries++, alpha *= 0.25) {
      const xt = Float64Array.from(x);
      for (let a = 0; a < step.F.length; a++) {
        const i = step.F[a]!;
        xt[i] = Math.min(u[i]!, Math.max(l[i]!, x[i]! + alpha * step.delta[a]!));
      }
      const gt = new Float64Array(n);
      const ft = prob.eval(xt, gt);
      // next to the minimum the change of the objective is rounding: accept within its noise
      if (Number.isFinite(ft) && finiteVector(gt) && ft <= f + 1e-12 * (1 + Math.abs(f))) {
        x = xt;
        f = ft;
        g = gt;
        accepted = true;
        break;
      }
    }
    steps++;
    if (!accepted) break;
    step = newton();
  }
  return { x, f, g, edm: step.edm, steps, hessian: H };
}

/** The block of `h` over the problem's free parameters, or undefined when `h` lacks one of them. */
function hessianBlock(h: HessianMatrix, prob: Problem): HessianMatrix | undefined {
  const pos = new Map<number, number>();
  h.free.forEach((i, a) => pos.set(i, a));
  const idx = Array.from(prob.free, (i) => pos.get(i));
  if (idx.some((a) => a === undefined) || h.values.length !== h.free.length * h.free.length) return undefined;
  const k = h.free.length;
  const n = prob.n;
  const values = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) values[a * n + b] = h.values[idx[a]! * k + idx[b]!]!;
  return { free: Int32Array.from(prob.free), values, at: h.at, evaluations: 0 };
}

/** The `fixed` mask of the problem's objective: everything but its free parameters. */
function freeMask(prob: Problem): boolean[] {
  const mask = new Array<boolean>(prob.full.length).fill(true);
  for (const i of prob.free) mask[i] = false;
  return mask;
}

/**
 * An objective with some parameters fixed at given values (for fixed-POI fits and profile scans):
 * the same functions, with `init` and `fixed` changed.
 *
 * @example
 * ```ts
 * const atZero = fixParameters(objective, { [poiIndex]: 0 });
 * const fit = minimize(atZero);
 * ```
 */
export function fixParameters(objective: Objective, values: Readonly<Record<number, number>>): Objective {
  const init = Float64Array.from(objective.init);
  const fixed = [...objective.fixed];
  for (const [key, v] of Object.entries(values)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= init.length) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitParameterIndex(i, init.length));
    }
    init[i] = v;
    fixed[i] = true;
  }
  const out: Objective = {
    names: objective.names,
    init,
    lower: objective.lower,
    upper: objective.upper,
    fixed,
    value: (x) => objective.value(x),
    ...(objective.valueAndGradient ? { valueAndGradient: (x: Float64Array, g: Float64Array) => objective.valueAndGradient!(x, g) } : {}),
    ...(objective.scale === undefined ? {} : { scale: objective.scale }),
  };
  return out;
}
