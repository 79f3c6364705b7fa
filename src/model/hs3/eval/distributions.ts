/**
 * HS3 distributions as normalised densities over their axis domain (spec 2.1, 2.3).
 * One-dimensional shapes give `shape(x)` and the closed-form or quadrature integral of it over
 * `[min, max]`; composites combine normalised densities.
 */
import { HistSerialError, pointer } from '../../../errors.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';
import type { CompiledExpression } from './expression.js';
import { buildLineShape, LINESHAPE_DIST } from './extensions.js';
import { integrate, QUADRATURE_REL_TOL } from './quadrature.js';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { cholesky, choleskyLogDet, choleskyQuadraticForm } from '../../../fit/linalg.js';
import { blattWeisskopf2, breakupMomentum } from '../../../fit/lineshapes.js';
import { gaussIntegral, generalizedNormalPrimitive, powerExpIntegral } from './special.js';

/** A normalised density over the named observables. */
export interface EvalDistribution {
  readonly name: string;
  readonly type: string;
  readonly observables: readonly string[];
  /** Normalised density at `values` (one per observable, in `observables` order); 0 outside the domain. */
  density(values: readonly number[]): number;
  /** Normalised densities of many points: `columns[k][i]` is observable k of point i; results into `out`. */
  densities(columns: readonly Float64Array[], out: Float64Array): void;
  /** One observable: the probability of `[a, b]` (∫ density, closed form or quadrature). */
  probability?(a: number, b: number): number;
  /** One observable: the probability of each bin of `edges` (inside the domain) into `out`, when faster than bin by bin. */
  binProbabilities?(edges: Float64Array, out: Float64Array): void;
  /**
   * Several observables: the probability of each bin of the grid `edges[k]` (one per observable) into
   * `out[Σ iₖ strides[k]]` (products of one-dimensional factors).
   */
  gridProbabilities?(edges: readonly Float64Array[], strides: readonly number[], out: Float64Array): void;
  /** Integral of the unnormalised shape over the domain (one-dimensional fundamental shapes only). */
  readonly normalization?: number;
  /** How the normalisation was obtained. */
  readonly normalizationMethod?: 'closed-form' | 'quadrature';
  /** The value an Asimov data set puts for a constraint term (Gaussian and Poisson: their mean). */
  readonly center?: number;
  /** Expected number of events, for extended distributions. */
  readonly expectedEvents?: number;
}

export interface BuildContext {
  /** Value of a parameter by name (throws when absent). */
  parameter(name: string, path: string): number;
  /**
   * Axis domain `[min, max]` of an observable; with `unbounded`, the real line when no data set
   * declares one (constraint terms), else it throws.
   */
  domain(variable: string, path: string, unbounded?: boolean): readonly [number, number];
  /** Is `name` an observable (an axis of some data set)? */
  isObservable(name: string): boolean;
  /** A generic expression compiled (once) for the expression at `path`. */
  expression(source: string, path: string): CompiledExpression;
  /** Function `name` of one observable (parameters at their current values). */
  observableFunction(name: string, path: string): { variable: string; f: (x: number) => number };
  /** Build a referenced distribution by name. */
  distribution(name: string, path: string): EvalDistribution;
}

type Json = Record<string, unknown>;

interface Shape1D {
  shape(x: number): number;
  /**
   * `out[i] = scale · shape(x[i])` for x inside [a, b], 0 outside: a loop of its own per shape, so
   * the JIT inlines the shape (a fit's hot loop); absent → one `shape` call per point.
   */
  shapes?(x: Float64Array, out: Float64Array, scale: number, a: number, b: number): void;
  /** Closed-form ∫ₐᵇ shape; absent → quadrature. */
  integral?(a: number, b: number): number;
}

function value(ctx: BuildContext, d: Json, key: string, path: string, fallback?: number): number {
  const v = d[key];
  const at = pointer(path, key);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new HistSerialError('SCHEMA', M.missingKey(key, path), { path });
  }
  return resolve(ctx, v, at);
}

function resolve(ctx: BuildContext, v: unknown, at: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return ctx.parameter(v, at);
  throw new HistSerialError('SCHEMA', M.badValue(v, at), { path: at });
}

function variable(d: Json, key: string, path: string): string {
  const v = d[key];
  if (typeof v !== 'string') throw new HistSerialError('SCHEMA', M.missingKey(key, path), { path: pointer(path, key) });
  return v;
}

function list(d: Json, key: string, path: string): unknown[] {
  const v = d[key];
  if (!Array.isArray(v)) throw new HistSerialError('SCHEMA', M.missingKey(key, path), { path: pointer(path, key) });
  return v;
}

/** Scratch buffers of the batched loops, one per nesting level of composites (a fit reuses them every evaluation). */
const scratch: Float64Array[] = [];
let scratchDepth = 0;

function withScratch(n: number, fn: (buffer: Float64Array) => void): void {
  const level = scratchDepth++;
  try {
    if (!scratch[level] || scratch[level].length < n) scratch[level] = new Float64Array(n);
    fn(scratch[level].subarray(0, n));
  } finally {
    scratchDepth--;
  }
}

/** `densities` from `density`, one point at a time (for distributions without a faster loop). */
export function pointwise(density: (values: readonly number[]) => number): (columns: readonly Float64Array[], out: Float64Array) => void {
  return (columns, out) => {
    const row = new Array<number>(columns.length);
    for (let i = 0; i < out.length; i++) {
      for (let k = 0; k < columns.length; k++) row[k] = columns[k]![i]!;
      out[i] = density(row);
    }
  };
}

/**
 * A one-dimensional shape normalised over its observable's axis domain; `unbounded`: over the real
 * line when no data set declares a domain (shapes whose integral over ℝ is finite).
 */
function oneDim(d: Json, type: string, x: string, ctx: BuildContext, path: string, make: (a: number, b: number) => Shape1D, unbounded = false): EvalDistribution {
  const [a, b] = ctx.domain(x, pointer(path, 'x'), unbounded);
  const s = make(a, b);
  const raw = (lo: number, hi: number): number => {
    if (s.integral) return s.integral(lo, hi);
    const q = integrate(s.shape, lo, hi, { relTol: QUADRATURE_REL_TOL });
    if (!q.converged) throw new HistSerialError('LIMIT_EXCEEDED', M.quadrature(path, q.error, q.value), { path });
    return q.value;
  };
  const normalization = raw(a, b);
  if (!(normalization > 0) || !Number.isFinite(normalization)) throw new HistSerialError('BAD_MODEL', M.badNormalization(path, normalization), { path });
  const shape = s.shape;
  return {
    name: String(d.name),
    type,
    observables: [x],
    normalization,
    normalizationMethod: s.integral ? 'closed-form' : 'quadrature',
    density: (values) => {
      const v = values[0]!;
      return v < a || v > b ? 0 : shape(v) / normalization;
    },
    densities: (columns, out) => {
      const col = columns[0]!;
      const inv = 1 / normalization;
      if (s.shapes) return s.shapes(col, out, inv, a, b);
      for (let i = 0; i < out.length; i++) {
        const v = col[i]!;
        out[i] = v < a || v > b ? 0 : shape(v) * inv;
      }
    },
    probability: (lo, hi) => {
      const l = Math.max(lo, a);
      const h = Math.min(hi, b);
      return h > l ? raw(l, h) / normalization : 0;
    },
  };
}

// ---------------------------------------------------------------- fundamental shapes

function gaussian(mu: number, sigma: number): Shape1D {
  const k = -0.5 / (sigma * sigma);
  return {
    shape: (x) => Math.exp(-0.5 * ((x - mu) / sigma) ** 2),
    shapes: (x, out, scale, a, b) => {
      for (let i = 0; i < out.length; i++) {
        const v = x[i]!;
        const t = v - mu;
        out[i] = v < a || v > b ? 0 : scale * Math.exp(k * t * t);
      }
    },
    integral: (a, b) => sigma * gaussIntegral((a - mu) / sigma, (b - mu) / sigma),
  };
}

function exponential(c: number): Shape1D {
  return {
    shape: (x) => Math.exp(-c * x),
    shapes: (x, out, scale, a, b) => {
      for (let i = 0; i < out.length; i++) {
        const v = x[i]!;
        out[i] = v < a || v > b ? 0 : scale * Math.exp(-c * v);
      }
    },
    integral: (a, b) => (c === 0 ? b - a : (-Math.exp(-c * a) * Math.expm1(-c * (b - a))) / c),
  };
}

function polynomial(coef: readonly number[]): Shape1D {
  const prim = (x: number) => coef.reduceRight((acc, ci, i) => acc * x + ci / (i + 1), 0) * x;
  return { shape: (x) => coef.reduceRight((acc, ci) => acc * x + ci, 0), integral: (a, b) => prim(b) - prim(a) };
}

function chebychev(coef: readonly number[], xmin: number, xmax: number): Shape1D {
  const all = [1, ...coef];
  return {
    shape: (x) => {
      const z = (2 * (x - xmin)) / (xmax - xmin) - 1;
      // Clenshaw recurrence for Σ aₙ Tₙ(z).
      let b1 = 0;
      let b2 = 0;
      for (let k = all.length - 1; k >= 1; k--) {
        const t = 2 * z * b1 - b2 + all[k]!;
        b2 = b1;
        b1 = t;
      }
      return z * b1 - b2 + all[0]!;
    },
    // The domain is always [xmin, xmax] ↔ z ∈ [−1, 1]: ∫Tₙ = 0 (n odd), 2/(1 − n²) (n even).
    integral: (a, b) => {
      let s = 0;
      for (let n = 0; n < all.length; n += 2) s += (all[n]! * 2) / (1 - n * n);
      return ((b - a) / 2) * s;
    },
  };
}

function crystalBall(m0: number, sL: number, sR: number, aL: number, nL: number, aR: number, nR: number): Shape1D {
  aL = Math.abs(aL);
  aR = Math.abs(aR);
  const AL = (nL / aL) ** nL * Math.exp(-0.5 * aL * aL);
  const BL = nL / aL - aL;
  const AR = (nR / aR) ** nR * Math.exp(-0.5 * aR * aR);
  const BR = nR / aR - aR;
  const shape = (m: number) => {
    const tL = (m - m0) / sL;
    if (tL < -aL) return AL * (BL - tL) ** -nL;
    if (tL <= 0) return Math.exp(-0.5 * tL * tL);
    const tR = (m - m0) / sR;
    if (tR <= aR) return Math.exp(-0.5 * tR * tR);
    return AR * (BR + tR) ** -nR;
  };
  // ∫ (B + u)^(−n) du = (B + u)^(1−n)/(1 − n), or ln(B + u) for n = 1.
  const tail = (A: number, B: number, n: number, u1: number, u2: number) =>
    n === 1 ? A * (Math.log(B + u2) - Math.log(B + u1)) : (A * ((B + u2) ** (1 - n) - (B + u1) ** (1 - n))) / (1 - n);
  const integral = (a: number, b: number) => {
    let s = 0;
    const l1 = (a - m0) / sL;
    const l2 = Math.min((b - m0) / sL, 0);
    // Left tail in u = −t ∈ (aL, ∞): A (B + u)^(−n).
    if (l1 < -aL) s += sL * tail(AL, BL, nL, -Math.min(l2, -aL), -l1);
    if (l2 > -aL && l1 < 0) s += sL * gaussIntegral(Math.max(l1, -aL), l2);
    const r1 = Math.max((a - m0) / sR, 0);
    const r2 = (b - m0) / sR;
    if (r2 > 0 && r1 < aR) s += sR * gaussIntegral(r1, Math.min(r2, aR));
    if (r2 > aR) s += sR * tail(AR, BR, nR, Math.max(r1, aR), r2);
    return s;
  };
  return { shape, integral };
}

function argus(m0: number, c: number, p: number): Shape1D {
  const shape = (m: number) => {
    const u = 1 - (m / m0) ** 2;
    return u <= 0 ? 0 : m * u ** p * Math.exp(c * u);
  };
  if (!(c < 0) || !(m0 > 0)) return { shape };
  return {
    shape,
    // u = 1 − (m/m₀)², m dm = −m₀²/2 du.
    integral: (a, b) => {
      const lo = Math.max(a, 0);
      const hi = Math.min(b, m0);
      if (hi <= lo) return 0;
      const u1 = 1 - (hi / m0) ** 2;
      const u2 = 1 - (lo / m0) ** 2;
      return ((m0 * m0) / 2) * powerExpIntegral(u1, u2, p, c);
    },
  };
}

function generalizedNormal(mu: number, alpha: number, beta: number): Shape1D {
  return {
    shape: (x) => Math.exp(-((Math.abs(x - mu) / alpha) ** beta)),
    integral: (a, b) => alpha * (generalizedNormalPrimitive((b - mu) / alpha, beta) - generalizedNormalPrimitive((a - mu) / alpha, beta)),
  };
}

function lognormal(mu: number, sigma: number): Shape1D {
  return {
    shape: (x) => (x <= 0 ? 0 : Math.exp(-0.5 * ((Math.log(x) - mu) / sigma) ** 2) / x),
    integral: (a, b) => sigma * gaussIntegral((Math.log(Math.max(a, 0)) - mu) / sigma, (Math.log(b) - mu) / sigma),
  };
}

interface Channel { gamma: number; m1: number; m2: number; l: number; R: number }

/** Γᵢ(m) = Γᵢ z^(2l) h_l²(z) 2q/m, z = qR: the channel widths of spec.md 8.6 (standard Blatt-Weisskopf h_l). */
function breitWigner(mass: number, channels: readonly Channel[]): Shape1D {
  const width = (ch: Channel, m: number) => {
    const q = breakupMomentum(m, ch.m1, ch.m2);
    if (q === 0) return 0;
    const z = q * ch.R;
    return ch.gamma * z ** (2 * ch.l) * blattWeisskopf2(ch.l, z) * ((2 * q) / m);
  };
  return {
    shape: (m) => {
      let total = 0;
      for (const ch of channels) total += width(ch, m);
      const g1 = width(channels[0]!, m);
      const re = mass * mass - m * m;
      const im = mass * total;
      return (m * g1) / (re * re + im * im);
    },
  };
}

// ---------------------------------------------------------------- discrete and multivariate

/**
 * Poisson (continued for non-integer x, as the spec's `ContinuedPoissonPdf`): λ^x e^{−λ} / Γ(x+1),
 * normalised over the integers of the axis domain (1 over ℕ when no data set declares one).
 */
function poisson(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const x = variable(d, 'x', path);
  const lambda = value(ctx, d, 'mean', path);
  if (!(lambda > 0)) throw new HistSerialError('BAD_MODEL', M.badParameterValue('mean', lambda, path, 'a positive Poisson mean'), { path: pointer(path, 'mean') });
  const [a, b] = ctx.domain(x, pointer(path, 'x'), true);
  // P(X ≤ k) = Q(k + 1, λ), the regularised upper incomplete gamma function.
  const below = (k: number) => (k < 0 ? 0 : gammainc(lambda, k + 1, true, true));
  const normalization = Number.isFinite(b) || a > 0 ? below(Number.isFinite(b) ? Math.floor(b) : Infinity) - below(Math.ceil(Math.max(a, 0)) - 1) : 1;
  const logLambda = Math.log(lambda);
  const density = (values: readonly number[]) => {
    const k = values[0]!;
    return k < a || k > b || k < 0 ? 0 : Math.exp(k * logLambda - lambda - gammaln(k + 1)) / (Number.isFinite(normalization) ? normalization : 1);
  };
  return { name: String(d.name), type: 'poisson_dist', observables: [x], normalization, normalizationMethod: 'closed-form', center: lambda, density, densities: pointwise(density) };
}

/**
 * The `x` list of a multivariate distribution, names (observables) and numbers (fixed) mixed: the
 * observables, and for each entry its index among them (−1 for a number).
 */
function variates(xs: readonly unknown[], path: string): { observables: string[]; slot: number[] } {
  const observables: string[] = [];
  const slot = xs.map((v, i) => {
    if (typeof v === 'number') return -1;
    if (typeof v !== 'string') throw new HistSerialError('SCHEMA', M.badValue(v, pointer(path, 'x', i)), { path: pointer(path, 'x', i) });
    observables.push(v);
    return observables.length - 1;
  });
  return { observables, slot };
}

/**
 * Multivariate normal over ℝᵏ (normalised over the whole space, also when data sets declare axis
 * domains: it is a constraint term in practice, and a box-truncated normalisation needs the
 * multivariate normal CDF). `x` entries may be numbers (fixed) or names (observables).
 */
function multivariateNormal(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const xs = list(d, 'x', path);
  const k = xs.length;
  const mean = list(d, 'mean', path).map((m, i) => resolve(ctx, m, pointer(path, 'mean', i)));
  const rows = list(d, 'covariances', path);
  if (mean.length !== k || rows.length !== k || rows.some((r) => !Array.isArray(r) || r.length !== k)) {
    throw new HistSerialError('SCHEMA', M.mvnShape(path, k), { path: pointer(path, 'covariances') });
  }
  const cov = new Float64Array(k * k);
  rows.forEach((r, i) => (r as unknown[]).forEach((c, j) => (cov[i * k + j] = resolve(ctx, c, pointer(path, 'covariances', i, j)))));
  const L = cholesky(cov, k);
  if (!L) throw new HistSerialError('BAD_MODEL', M.mvnNotPositive(path), { path: pointer(path, 'covariances') });
  const logNorm = -0.5 * (k * Math.log(2 * Math.PI) + choleskyLogDet(L, k));
  const { observables, slot } = variates(xs, path);
  const r = new Float64Array(k);
  const density = (values: readonly number[]) => {
    for (let i = 0; i < k; i++) r[i] = (slot[i]! < 0 ? (xs[i] as number) : values[slot[i]!]!) - mean[i]!;
    return Math.exp(logNorm - 0.5 * choleskyQuadraticForm(L, k, r, r));
  };
  return { name: String(d.name), type: 'multivariate_normal_dist', observables, density, densities: pointwise(density) };
}

/**
 * `barlow_beeston_lite_poisson_constraint_dist`: Π Poisson(xᵢ τᵢ | τᵢ) (continued to non-integer
 * xᵢ τᵢ), the constraint of HistFactory's per-bin statistical parameters; `x` entries are names
 * (observables, or parameters in aux_distributions) or numbers. Normalised as the Poisson terms are (1).
 */
function barlowBeestonLite(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const xs = list(d, 'x', path);
  const tau = list(d, 'expected', path).map((t, i) => resolve(ctx, t, pointer(path, 'expected', i)));
  if (tau.length !== xs.length || tau.some((t) => !(t > 0))) throw new HistSerialError('SCHEMA', M.badValue(d.expected, pointer(path, 'expected')), { path: pointer(path, 'expected') });
  const { observables, slot } = variates(xs, path);
  const logTau = tau.map(Math.log);
  const density = (values: readonly number[]) => {
    let lp = 0;
    for (let i = 0; i < tau.length; i++) {
      const k = (slot[i]! < 0 ? (xs[i] as number) : values[slot[i]!]!) * tau[i]!;
      lp += k * logTau[i]! - tau[i]! - gammaln(k + 1);
    }
    return Math.exp(lp);
  };
  return { name: String(d.name), type: 'barlow_beeston_lite_poisson_constraint_dist', observables, density, densities: pointwise(density) };
}

/** `rate_extended_dist` and `bincounts_extended_dist`: the underlying distribution with an expected number of events. */
function rateExtended(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const inner = ctx.distribution(variable(d, 'dist', path), pointer(path, 'dist'));
  const rate = value(ctx, d, 'rate', path);
  return { ...inner, name: String(d.name), type: String(d.type), expectedEvents: rate };
}

/**
 * `generic_dist`: an HS3 expression of one observable (the expression's symbol that is an axis of a
 * data set) and parameters or functions, normalised over the observable's domain by quadrature.
 */
function genericDistribution(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  if (typeof d.expression !== 'string') throw new HistSerialError('SCHEMA', M.missingKey('expression', path), { path: pointer(path, 'expression') });
  const at = pointer(path, 'expression');
  const c = ctx.expression(d.expression, at);
  const observables = c.symbols.filter((s) => ctx.isObservable(s));
  if (observables.length !== 1) throw new HistSerialError('UNSUPPORTED_OPERATION', M.genericObservables(at, observables), { path: at });
  const x = observables[0]!;
  const values = c.symbols.map((s) => (s === x ? 0 : ctx.parameter(s, at)));
  const slot = c.symbols.indexOf(x);
  return oneDim({ ...d, x }, 'generic_dist', x, ctx, path, () => ({
    shape: (v) => {
      values[slot] = v;
      return c.evaluate(values);
    },
  }));
}

/** A distribution whose unnormalised density is a function of its observable (normalised by quadrature). */
function densityFunction(d: Json, ctx: BuildContext, path: string, key: string, wrap: (f: (x: number) => number) => (x: number) => number): EvalDistribution {
  const at = pointer(path, key);
  const { variable: x, f } = ctx.observableFunction(variable(d, key, path), at);
  if (typeof d.x === 'string' && d.x !== x) throw new HistSerialError('SCHEMA', M.functionVariable(at, x, d.x), { path: at });
  const g = wrap(f);
  return oneDim({ ...d, x }, String(d.type), x, ctx, path, () => ({ shape: g }));
}

/** `rate_density_dist`, `bincounts_density_dist`: f normalised, with ν = ∫ f over the domain. */
function rateDensity(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const dist = densityFunction(d, ctx, path, 'density', (f) => f);
  return { ...dist, expectedEvents: dist.normalization! };
}

/** `efficiency_product_pdf_dist`: a one-dimensional pdf times an efficiency function of its observable, normalised again. */
function efficiencyProduct(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const pdf = ctx.distribution(variable(d, 'pdf', path), pointer(path, 'pdf'));
  const at = pointer(path, 'eff');
  const { variable: x, f: eff } = ctx.observableFunction(variable(d, 'eff', path), at);
  if (pdf.observables.length !== 1 || pdf.observables[0] !== x) throw new HistSerialError('SCHEMA', M.functionVariable(at, x, pdf.observables.join(', ')), { path: at });
  const row = [0];
  return oneDim({ ...d, x }, 'efficiency_product_pdf_dist', x, ctx, path, () => ({
    shape: (v) => {
      row[0] = v;
      return pdf.density(row) * eff(v);
    },
  }));
}

// ---------------------------------------------------------------- builders

type Builder = (d: Json, ctx: BuildContext, path: string) => EvalDistribution;

const sided = (ctx: BuildContext, d: Json, key: string, path: string): [number, number] =>
  d[key] !== undefined
    ? [value(ctx, d, key, path), value(ctx, d, key, path)]
    : [value(ctx, d, `${key}_L`, path), value(ctx, d, `${key}_R`, path)];

const gaussianBuilder: Builder = (d, ctx, path) => {
  const mean = value(ctx, d, 'mean', path);
  return { ...oneDim(d, String(d.type), variable(d, 'x', path), ctx, path, () => gaussian(mean, value(ctx, d, 'sigma', path)), true), center: mean };
};

const BUILDERS: Record<string, Builder> = {
  gaussian_dist: gaussianBuilder,
  normal_dist: gaussianBuilder,
  exponential_dist: (d, ctx, path) => oneDim(d, 'exponential_dist', variable(d, 'x', path), ctx, path, () => exponential(value(ctx, d, 'c', path))),
  uniform_dist: (d, ctx, path) => oneDim(d, 'uniform_dist', variable(d, 'x', path), ctx, path, () => ({ shape: () => 1, integral: (a, b) => b - a })),
  polynomial_dist: (d, ctx, path) =>
    oneDim(d, 'polynomial_dist', variable(d, 'x', path), ctx, path, () =>
      polynomial(list(d, 'coefficients', path).map((c, i) => resolve(ctx, c, pointer(path, 'coefficients', i))))),
  chebychev_dist: (d, ctx, path) =>
    oneDim(d, 'chebychev_dist', variable(d, 'x', path), ctx, path, (a, b) =>
      chebychev(list(d, 'coefficients', path).map((c, i) => resolve(ctx, c, pointer(path, 'coefficients', i))), a, b)),
  crystalball_dist: (d, ctx, path) =>
    oneDim(d, 'crystalball_dist', variable(d, 'm', path), ctx, path, () => {
      const [sL, sR] = sided(ctx, d, 'sigma', path);
      const [aL, aR] = sided(ctx, d, 'alpha', path);
      const [nL, nR] = sided(ctx, d, 'n', path);
      return crystalBall(value(ctx, d, 'm0', path), sL, sR, aL, nL, aR, nR);
    }),
  argus_dist: (d, ctx, path) =>
    oneDim(d, 'argus_dist', variable(d, 'mass', path), ctx, path, () =>
      argus(value(ctx, d, 'resonance', path), value(ctx, d, 'slope', path), value(ctx, d, 'power', path))),
  generalized_normal_dist: (d, ctx, path) =>
    oneDim(d, 'generalized_normal_dist', variable(d, 'x', path), ctx, path, () =>
      generalizedNormal(value(ctx, d, 'mean', path), value(ctx, d, 'alpha', path), value(ctx, d, 'beta', path)), true),
  lognormal_dist: (d, ctx, path) =>
    oneDim(d, 'lognormal_dist', variable(d, 'x', path), ctx, path, () => lognormal(value(ctx, d, 'mu', path), value(ctx, d, 'sigma', path)), true),
  relativistic_breit_wigner_dist: (d, ctx, path) =>
    oneDim(d, 'relativistic_breit_wigner_dist', variable(d, 'x', path), ctx, path, () => {
      const channels = list(d, 'channels', path).map((c, i): Channel => {
        const at = pointer(path, 'channels', i);
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new HistSerialError('SCHEMA', M.badValue(c, at), { path: at });
        const ch = c as Json;
        const l = ch.l ?? 0;
        if (l !== 0 && l !== 1 && l !== 2) throw new HistSerialError('UNSUPPORTED_OPERATION', M.bwAngularMomentum(l, pointer(at, 'l')), { path: pointer(at, 'l') });
        return { gamma: value(ctx, ch, 'Gamma', at), m1: value(ctx, ch, 'm1', at, 0), m2: value(ctx, ch, 'm2', at, 0), l, R: value(ctx, ch, 'R', at, 3) };
      });
      if (channels.length === 0) throw new HistSerialError('SCHEMA', M.badValue(d.channels, pointer(path, 'channels')), { path: pointer(path, 'channels') });
      return breitWigner(value(ctx, d, 'mass', path), channels);
    }),
  mixture_dist: (d, ctx, path) => {
    const summands = list(d, 'summands', path).map((s, i) => ctx.distribution(String(s), pointer(path, 'summands', i)));
    const raw = list(d, 'coefficients', path).map((c, i) => resolve(ctx, c, pointer(path, 'coefficients', i)));
    const extended = d.extended === true;
    const n = summands.length;
    if (extended ? raw.length !== n : raw.length !== n && raw.length !== n - 1) {
      throw new HistSerialError('SCHEMA', M.coefficientCount(path, n, raw.length, extended), { path: pointer(path, 'coefficients') });
    }
    const observables = summands[0]?.observables ?? [];
    if (summands.some((s) => s.observables.join('\u0000') !== observables.join('\u0000'))) {
      throw new HistSerialError('SCHEMA', M.mixedObservables(path), { path: pointer(path, 'summands') });
    }
    let fractions = raw;
    let expectedEvents: number | undefined;
    if (extended) {
      expectedEvents = raw.reduce((s, c) => s + c, 0);
      fractions = raw.map((c) => c / expectedEvents!);
    } else if (raw.length === n - 1) {
      fractions = [...raw, 1 - raw.reduce((s, c) => s + c, 0)];
    }
    const density = (values: readonly number[]) => summands.reduce((sum, dist, i) => sum + fractions[i]! * dist.density(values), 0);
    const oneObservable = observables.length === 1 && summands.every((s) => s.probability);
    return {
      name: String(d.name),
      type: 'mixture_dist',
      observables,
      ...(expectedEvents === undefined ? {} : { expectedEvents }),
      density,
      densities: (columns, out) => {
        summands[0]!.densities(columns, out);
        const f0 = fractions[0]!;
        for (let i = 0; i < out.length; i++) out[i]! *= f0;
        withScratch(out.length, (tmp) => {
          for (let k = 1; k < summands.length; k++) {
            summands[k]!.densities(columns, tmp);
            const f = fractions[k]!;
            for (let i = 0; i < out.length; i++) out[i]! += f * tmp[i]!;
          }
        });
      },
      ...(oneObservable
        ? {
            probability: (a: number, b: number) => summands.reduce((sum, dist, i) => sum + fractions[i]! * dist.probability!(a, b), 0),
            binProbabilities: (edges: Float64Array, out: Float64Array) => {
              const n = edges.length - 1;
              const tmp = new Float64Array(n);
              out.fill(0, 0, n);
              summands.forEach((dist, k) => {
                binProbabilities(dist, edges, tmp);
                for (let i = 0; i < n; i++) out[i]! += fractions[k]! * tmp[i]!;
              });
            },
          }
        : {}),
    };
  },
  product_dist: (d, ctx, path) => {
    const factors = list(d, 'factors', path).map((s, i) => ctx.distribution(String(s), pointer(path, 'factors', i)));
    const observables = [...new Set(factors.flatMap((f) => f.observables))];
    const index = factors.map((f) => f.observables.map((o) => observables.indexOf(o)));
    const density = (values: readonly number[]) => factors.reduce((p, f, i) => p * f.density(index[i]!.map((j) => values[j]!)), 1);
    return {
      name: String(d.name),
      type: 'product_dist',
      observables,
      density,
      ...(factors.every((f) => f.observables.length === 1 && f.probability) && observables.length === factors.length
        ? { gridProbabilities: (edges: readonly Float64Array[], strides: readonly number[], out: Float64Array) => productGrid(factors, edges, strides, out) }
        : {}),
      densities: (columns, out) => {
        out.fill(1);
        withScratch(out.length, (tmp) =>
          factors.forEach((f, k) => {
            f.densities(index[k]!.map((j) => columns[j]!), tmp);
            for (let i = 0; i < out.length; i++) out[i]! *= tmp[i]!;
          }),
        );
      },
    };
  },
  poisson_dist: (d, ctx, path) => poisson(d, ctx, path),
  multivariate_normal_dist: (d, ctx, path) => multivariateNormal(d, ctx, path),
  barlow_beeston_lite_poisson_constraint_dist: (d, ctx, path) => barlowBeestonLite(d, ctx, path),
  rate_extended_dist: (d, ctx, path) => rateExtended(d, ctx, path),
  generic_dist: (d, ctx, path) => genericDistribution(d, ctx, path),
  density_function_dist: (d, ctx, path) => densityFunction(d, ctx, path, 'function', (f) => f),
  log_density_function_dist: (d, ctx, path) => densityFunction(d, ctx, path, 'function', (f) => (x) => Math.exp(f(x))),
  rate_density_dist: (d, ctx, path) => rateDensity(d, ctx, path),
  bincounts_density_dist: (d, ctx, path) => rateDensity(d, ctx, path),
  efficiency_product_pdf_dist: (d, ctx, path) => efficiencyProduct(d, ctx, path),
  bincounts_extended_dist: (d, ctx, path) => rateExtended(d, ctx, path),
  [LINESHAPE_DIST]: buildLineShape,
};

/** Bin probabilities of a product of one-dimensional factors (factor k along `edges[k]`): the outer product of theirs. */
function productGrid(factors: readonly EvalDistribution[], edges: readonly Float64Array[], strides: readonly number[], out: Float64Array): void {
  const per = factors.map((f, k) => {
    const p = new Float64Array(edges[k]!.length - 1);
    binProbabilities(f, edges[k]!, p);
    return p;
  });
  const idx = new Array<number>(factors.length).fill(0);
  for (;;) {
    let v = 1;
    let at = 0;
    for (let k = 0; k < factors.length; k++) {
      v *= per[k]![idx[k]!]!;
      at += idx[k]! * strides[k]!;
    }
    out[at] = v;
    let k = factors.length - 1;
    while (k >= 0 && ++idx[k]! === per[k]!.length) idx[k--] = 0;
    if (k < 0) return;
  }
}

/** Probabilities of the bins of `edges` into `out`: the distribution's own loop, else bin by bin. */
export function binProbabilities(dist: EvalDistribution, edges: Float64Array, out: Float64Array): void {
  if (dist.binProbabilities) return dist.binProbabilities(edges, out);
  for (let i = 0; i + 1 < edges.length; i++) out[i] = dist.probability!(edges[i]!, edges[i + 1]!);
}

/** Distribution types the evaluator supports. */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(BUILDERS);

/** Build one distribution object of the document (at JSON pointer `path`). */
export function buildDistribution(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const builder = typeof d.type === 'string' && Object.hasOwn(BUILDERS, d.type) ? BUILDERS[d.type] : undefined;
  if (!builder) {
    throw new HistSerialError('UNSUPPORTED_OPERATION', M.unknownType(d.type, pointer(path, 'type'), SUPPORTED_TYPES), { path: pointer(path, 'type') });
  }
  return builder(d, ctx, path);
}
