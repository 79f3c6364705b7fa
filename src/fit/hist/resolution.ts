/**
 * Line shapes smeared by a Gaussian: the Voigt profile (a Cauchy smeared by its own σ) and any shape
 * with a {@link ShapeCore} given a Gaussian resolution ({@link withResolution}, model strings
 * `bwint*gauss`). No IO here.
 *
 * Bin integrals, normalised over the fit range, come one of two ways, whichever costs fewer function
 * evaluations:
 * - **Smeared primitive** (the usual case): S = F ⊗ Gauss(σ) at the bin edges by
 *   {@link gaussianSmear}'s trapezoid nodes (step h = min(σ/1.5, scale/6), ±8σ), F the core's
 *   closed-form antiderivative; a bin is S(e_{i+1}) − S(e_i). On uniform bins the nodes of all edges
 *   fall on one lattice of step Δ/⌈Δ/h⌉ (Δ the bin width), so F is evaluated once per lattice point;
 *   otherwise at each edge's own nodes. Error ≤ 1e-13 of the range total (the core is analytic within
 *   `scale` of the real axis).
 * - **Smeared density** (structure much narrower than σ, where the lattice would need ~50σ/scale
 *   points per σ): the core's closed-form smeared density (Voigt and Faddeeva functions,
 *   {@link bwAmplitudeSmeared}), smooth on the scale σ, integrated by 6-point Gauss-Legendre on
 *   pieces of at most σ/3 per bin (error about 1e-12).
 * Gradients are central differences.
 * @module
 */
import { GAUSSIAN_SMEAR_WIDTH, gaussianSmear, gaussianSmearNodes } from '../lineshapes.js';
import { cauchyCore, fractionsWithDifferences, type LineShape, type ShapeCore, type ShapeParam } from './shapes.js';

/** Name of the resolution parameter a {@link withResolution} shape appends. */
export const RESOLUTION_PARAM = 'resolution';

/** 6-point Gauss-Legendre nodes and weights on [−1, 1]. */
const GL_X = [-0.9324695142031519, -0.6612093864662645, -0.2386191860831969, 0.2386191860831969, 0.6612093864662645, 0.9324695142031519];
const GL_W = [0.17132449237917027, 0.3607615730481387, 0.46791393457269104, 0.46791393457269104, 0.3607615730481387, 0.17132449237917027];
/** Longest Gauss-Legendre piece, in σ. */
const GL_PIECE = 1 / 3;
/** A primitive evaluation costs about this fraction of a smeared-density evaluation (two logs against four Faddeeva functions). */
const PRIMITIVE_COST = 0.25;

/** Whether the edges are uniform to 1e-9 of a bin. */
function uniformEdges(edges: ArrayLike<number>): boolean {
  const n = edges.length - 1;
  if (n < 1) return false;
  const first = edges[0]!;
  const delta = (edges[n]! - first) / n;
  if (!(delta > 0)) return false;
  for (let i = 1; i < n; i++) if (Math.abs(edges[i]! - (first + i * delta)) > 1e-9 * delta) return false;
  return true;
}

/** How the smeared primitive would be computed at `edges`, and what it costs in primitive evaluations. */
function primitivePlan(sigma: number, scale: number, edges: ArrayLike<number>): { step: number; lattice: number; cost: number } {
  const n = edges.length - 1;
  const h0 = Math.min(sigma / 1.5, scale / 6);
  const perEdge = 2 * Math.ceil((GAUSSIAN_SMEAR_WIDTH * sigma) / h0) + 1;
  if (uniformEdges(edges)) {
    const delta = (edges[n]! - edges[0]!) / n;
    const m = Math.max(1, Math.ceil(delta / h0 - 1e-9));
    const h = delta / m;
    const size = n * m + 2 * Math.ceil((GAUSSIAN_SMEAR_WIDTH * sigma) / h) + 1;
    if (size <= (n + 1) * perEdge) return { step: h, lattice: m, cost: size };
  }
  return { step: h0, lattice: 0, cost: (n + 1) * perEdge };
}

/** Gauss-Legendre points needed for the bins of `edges` at σ. */
function densityCost(sigma: number, edges: ArrayLike<number>): number {
  let points = 0;
  for (let i = 0; i + 1 < edges.length; i++) points += GL_X.length * Math.max(1, Math.ceil((edges[i + 1]! - edges[i]!) / (GL_PIECE * sigma)));
  return points;
}

/**
 * ∫ over each bin of `edges` of the core smeared by σ ≥ 0 (unnormalised), into out[0 … n−1]. σ = 0
 * (a minimiser's difference step may reach it) integrates the core itself.
 */
function smearedIntegrals(core: ShapeCore, p: ArrayLike<number>, sigma: number, edges: ArrayLike<number>, out: Float64Array): void {
  const n = edges.length - 1;
  if (!(sigma > 0)) {
    const F = core.primitive(p);
    let prev = F(edges[0]!);
    for (let i = 0; i < n; i++) {
      const next = F(edges[i + 1]!);
      out[i] = next - prev;
      prev = next;
    }
    return;
  }
  // a width pushed through 0 by a difference step: the nearest structure is still |scale| away
  const scale = Math.abs(core.scale(p));
  const plan = primitivePlan(sigma, scale > 0 ? scale : sigma, edges);
  if (core.smeared && PRIMITIVE_COST * plan.cost > densityCost(sigma, edges)) {
    const g = core.smeared(p, sigma);
    for (let i = 0; i < n; i++) {
      const a = edges[i]!;
      const b = edges[i + 1]!;
      const pieces = Math.max(1, Math.ceil((b - a) / (GL_PIECE * sigma)));
      const len = (b - a) / pieces;
      let sum = 0;
      for (let k = 0; k < pieces; k++) {
        const c = a + (k + 0.5) * len;
        let s = 0;
        for (let j = 0; j < GL_X.length; j++) s += GL_W[j]! * g(c + 0.5 * len * GL_X[j]!);
        sum += 0.5 * len * s;
      }
      out[i] = sum;
    }
    return;
  }
  const F = core.primitive(p);
  const S = new Float64Array(n + 1);
  if (plan.lattice) {
    const { weights } = gaussianSmearNodes(sigma, { step: plan.step });
    const K = (weights.length - 1) / 2;
    const first = edges[0]!;
    const h = plan.step;
    const grid = new Float64Array(n * plan.lattice + 2 * K + 1);
    for (let j = 0; j < grid.length; j++) grid[j] = F(first + (j - K) * h);
    for (let i = 0; i <= n; i++) {
      const c = i * plan.lattice + K;
      let s = 0;
      for (let k = K; k >= 1; k--) s += weights[K + k]! * (grid[c - k]! + grid[c + k]!);
      S[i] = s + weights[K]! * grid[c]!;
    }
  } else {
    const smear = gaussianSmear(F, sigma, { step: plan.step });
    for (let i = 0; i <= n; i++) S[i] = smear(edges[i]!);
  }
  for (let i = 0; i < n; i++) out[i] = S[i + 1]! - S[i]!;
}

/**
 * A shape whose density is (core ⊗ Gauss(σ(p))), normalised over the range: bin fractions from
 * {@link smearedIntegrals}, the density from `core.smeared` or {@link gaussianSmear}.
 */
function smearedShape(kind: string, params: readonly ShapeParam[], range: readonly [number, number], core: ShapeCore, sigmaOfParams: (p: ArrayLike<number>) => number, ownCore?: ShapeCore): LineShape {
  const [lo, hi] = range;
  // the smearing depends on σ² only: a difference step below 0 (minimisers' Hessians may take one) is harmless
  const sigmaOf = (p: ArrayLike<number>) => Math.abs(sigmaOfParams(p));
  const whole = Float64Array.of(lo, hi);
  const one = new Float64Array(1);
  /** ∫ over the range of the smeared core. */
  const norm = (p: ArrayLike<number>, sigma: number) => {
    smearedIntegrals(core, p, sigma, whole, one);
    return one[0]!;
  };
  const fractions = (edges: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array) => {
    const n = edges.length - 1;
    const sigma = sigmaOf(p);
    smearedIntegrals(core, p, sigma, edges, out);
    let total = 0;
    if (edges[0] === lo && edges[n] === hi) for (let i = 0; i < n; i++) total += out[i]!;
    else total = norm(p, sigma);
    for (let i = 0; i < n; i++) out[i]! /= total;
  };
  return {
    kind,
    params,
    range,
    density(x, p) {
      if (x < lo || x > hi) return 0;
      const sigma = sigmaOf(p);
      const value = sigma === 0 ? core.density(x, p) : core.smeared ? core.smeared(p, sigma)(x) : gaussianSmear((t) => core.density(t, p), sigma, { scale: Math.abs(core.scale(p)) || sigma })(x);
      return value / norm(p, sigma);
    },
    cdf(x, p) {
      if (x <= lo) return 0;
      if (x >= hi) return 1;
      const parts = new Float64Array(2);
      smearedIntegrals(core, p, sigmaOf(p), Float64Array.of(lo, x, hi), parts);
      return Math.min(1, Math.max(0, parts[0]! / (parts[0]! + parts[1]!)));
    },
    fractions(edges, p, out, grad) {
      fractionsWithDifferences(params, range, fractions, edges, p, out, grad);
    },
    ...(ownCore ? { core: ownCore } : {}),
  };
}

/**
 * The Voigt profile V(x − mean; σ, γ) (a Cauchy of half width γ smeared by a Gaussian of standard
 * deviation σ, {@link voigt}), truncated to the range. Parameters `mean`, `sigma`, `gamma`.
 * Bin integrals: the Cauchy's arctangent smeared at the edges (see the module comment).
 *
 * @example
 * ```ts
 * voigtProfile([-3, 3]).density(0, [0, 0.5, 0.3]); // voigt(0, 0.5, 0.3) / (its integral over [−3, 3])
 * ```
 */
export function voigtProfile(range: readonly [number, number]): LineShape {
  const core: ShapeCore = { ...cauchyCore(0, 2, 1), sigma: (p) => p[1]! };
  return smearedShape(
    'voigt',
    [
      { name: 'mean', kind: 'position', description: 'peak position' },
      { name: 'sigma', kind: 'width', description: 'standard deviation σ of the Gaussian' },
      { name: 'gamma', kind: 'width', description: 'half width at half maximum γ of the Cauchy (Γ/2)' },
    ],
    range,
    core,
    (p) => p[1]!,
    core,
  );
}

/**
 * `shape` smeared by a Gaussian resolution: (core ⊗ Gauss(σ_res)), normalised over the range, with
 * the resolution σ_res appended to the parameters as `resolution`. A shape that already holds a
 * Gaussian width (the Voigt profile) adds the two in quadrature.
 *
 * @throws TypeError for a shape without a {@link ShapeCore} (model strings check this first).
 * @example
 * ```ts
 * const s = withResolution(bwInterference([0.6, 0.95]));
 * s.params.map((q) => q.name); // ['mass1', 'width1', 'mass2', 'width2', 'r', 'phi', 'resolution']
 * ```
 */
export function withResolution(shape: LineShape): LineShape {
  const core = shape.core;
  if (!core) throw new TypeError(`a ${shape.kind} shape has no core to smear`);
  const k = shape.params.length;
  const own = core.sigma;
  return smearedShape(
    shape.kind,
    [...shape.params, { name: RESOLUTION_PARAM, kind: 'width', description: 'standard deviation of the Gaussian resolution' }],
    shape.range,
    core,
    own ? (p) => Math.hypot(own(p), p[k]!) : (p) => p[k]!,
  );
}
