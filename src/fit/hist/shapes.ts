/**
 * Line shapes for histogram fits, each normalised to 1 over a fit range [lo, hi]: Gaussian,
 * Breit-Wigner (non-relativistic: Cauchy; relativistic with a fixed width), two interfering
 * relativistic Breit-Wigners, Crystal Ball (one-sided, low-side power-law tail), exponential and
 * Bernstein polynomial basis functions. (The Voigt profile and shapes with a Gaussian resolution
 * are in `resolution.ts`.)
 *
 * Every shape integrates over bins in closed form (bins are integrated, never sampled at their
 * centres): the Gaussian and the Crystal Ball core through erfc, the Breit-Wigners through atan and a
 * complex artanh (the interference intensity through three of them, by partial fractions), the
 * exponential through expm1, the Bernstein basis through its incomplete-beta sums.
 * Accuracy is that of the closed forms, about 1e-13 relative on a bin, so shapes integrate to 1 to
 * rounding. Derivatives of bin fractions are analytic for the Gaussian and the non-relativistic
 * Breit-Wigner, central differences (relative error about 1e-9) for the others. No IO here.
 * @module
 */
import erfc from '@stdlib/math-base-special-erfc';
import { bwAmplitudeSmeared, twoBwIntensity, voigt } from '../lineshapes.js';

/**
 * What kind of quantity a shape parameter is: it sets bounds, starting values and difference steps.
 * `ratio` is a relative magnitude (≥ 0), `phase` a relative phase in radians.
 */
export type ShapeParamKind = 'position' | 'width' | 'slope' | 'alpha' | 'power' | 'ratio' | 'phase';

/** One parameter of a line shape. */
export interface ShapeParam {
  /** Name within the shape (`mean`, `sigma`, …); fit parameters are `<component>.<name>`. */
  name: string;
  kind: ShapeParamKind;
  description: string;
}

/**
 * The shape on the whole real line, unnormalised, as a Gaussian resolution needs it
 * ({@link LineShape.core}): the smeared shape is (core ⊗ Gauss(σ)), normalised over the fit range.
 */
export interface ShapeCore {
  /** The unnormalised density at any x. */
  density(x: number, p: ArrayLike<number>): number;
  /** An antiderivative of `density` at parameters p, continuous on the whole real line (any constant). */
  primitive(p: ArrayLike<number>): (x: number) => number;
  /**
   * The finest structure: the distance from the real axis of the density's nearest complex
   * singularity (a Breit-Wigner pole: about Γ/2), or its width if it has none.
   */
  scale(p: ArrayLike<number>): number;
  /** A Gaussian width already in the shape (the Voigt profile's σ); a resolution adds to it in quadrature. */
  sigma?(p: ArrayLike<number>): number;
  /** The density smeared by a Gaussian of standard deviation `sigma` (in total), in closed form. */
  smeared?(p: ArrayLike<number>, sigma: number): (x: number) => number;
}

/** A line shape bound to a fit range: a normalised density and its integrals over bins. */
export interface LineShape {
  /** The shape's kind (`gauss`, `bw`, `rbw`, `bwint`, `voigt`, `cb`, `expo`, `bern`). */
  readonly kind: string;
  readonly params: readonly ShapeParam[];
  /** The fit range [lo, hi] over which the density integrates to 1. */
  readonly range: readonly [number, number];
  /** Normalised density at `x` (0 outside the range). */
  density(x: number, p: ArrayLike<number>): number;
  /** ∫ density from lo to `x` (clamped to [0, 1] outside the range). */
  cdf(x: number, p: ArrayLike<number>): number;
  /**
   * Fraction of the shape in each bin [edges[i], edges[i+1]] (`edges` inside the range) into `out[i]`,
   * and, with `grad`, ∂fraction/∂p_k into `grad[k][i]`.
   */
  fractions(edges: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array, grad?: Float64Array[]): void;
  /** The unnormalised shape on the whole real line, for shapes that a Gaussian resolution can smear. */
  readonly core?: ShapeCore;
}

const SQRT2 = Math.SQRT2;
const SQRT2PI = Math.sqrt(2 * Math.PI);
/** Relative step of central differences. */
const DIFF_STEP = 1e-5;

/**
 * P(a < Z < b) for a standard normal Z, accurate in both tails (each tail through erfc).
 *
 * @example
 * ```ts
 * normalInterval(8, 9); // 6.2198…e-16, where Φ(9) − Φ(8) would give 0
 * ```
 */
export function normalInterval(a: number, b: number): number {
  if (!(b > a)) return 0;
  if (a >= 0) return 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2));
  if (b <= 0) return 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  return 1 - 0.5 * (erfc(-a / SQRT2) + erfc(b / SQRT2));
}

/**
 * Standard normal CDF Φ(z), accurate in the lower tail.
 *
 * @example
 * ```ts
 * normalCdf(1); // 0.8413447460685429
 * ```
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** expm1(y) / y, 1 at y = 0. */
function expm1x(y: number): number {
  if (Math.abs(y) < 1e-5) return 1 + y / 2 + (y * y) / 6;
  return Math.expm1(y) / y;
}

/**
 * Step of a central difference for parameter k: positions move by a fraction of their width
 * parameter (the first width after them, else the first), slopes by a fraction of |λ| + 1/range,
 * phases by 1e-5 rad, ratios by a fraction of |r| + 0.01, positive parameters relatively.
 */
export function diffStep(params: readonly ShapeParam[], k: number, p: ArrayLike<number>, range: number): number {
  const value = p[k]!;
  switch (params[k]!.kind) {
    case 'position': {
      const after = params.findIndex((q, j) => j > k && q.kind === 'width');
      const w = after >= 0 ? after : params.findIndex((q) => q.kind === 'width');
      return DIFF_STEP * (w >= 0 ? Math.abs(p[w]!) : range);
    }
    case 'slope':
      return DIFF_STEP * (Math.abs(value) + 1 / range);
    case 'phase':
      return DIFF_STEP;
    case 'ratio':
      return DIFF_STEP * (Math.abs(value) + 0.01);
    default:
      return DIFF_STEP * Math.max(Math.abs(value), 1e-300);
  }
}

/**
 * Bin fractions and their central-difference gradient: `fractions(edges, p, out)` at p, and at
 * p ± h_k e_k for each parameter k into `grad[k]`.
 */
export function fractionsWithDifferences(
  params: readonly ShapeParam[],
  range: readonly [number, number],
  fractions: (edges: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array) => void,
  edges: ArrayLike<number>,
  p: ArrayLike<number>,
  out: Float64Array,
  grad?: Float64Array[],
): void {
  fractions(edges, p, out);
  if (!grad || params.length === 0) return;
  const n = edges.length - 1;
  const q = Float64Array.from(p);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  for (let k = 0; k < params.length; k++) {
    const h = diffStep(params, k, p, range[1] - range[0]);
    const v = q[k]!;
    q[k] = v + h;
    fractions(edges, q, up);
    q[k] = v - h;
    fractions(edges, q, down);
    q[k] = v;
    const g = grad[k]!;
    for (let i = 0; i < n; i++) g[i] = (up[i]! - down[i]!) / (2 * h);
  }
}

/**
 * A shape from an unnormalised integral `I(a, b, p)` (and density `f`): fractions I(bin) / I(lo, hi),
 * gradients analytic when `dI` is given (∂I/∂p_k into `out[k]`), else central differences; `core`
 * when a Gaussian resolution may smear it.
 */
function fromIntegral(
  kind: string,
  params: readonly ShapeParam[],
  range: readonly [number, number],
  f: (x: number, p: ArrayLike<number>) => number,
  I: (a: number, b: number, p: ArrayLike<number>) => number,
  dI?: (a: number, b: number, p: ArrayLike<number>, out: Float64Array) => void,
  core?: ShapeCore,
): LineShape {
  const [lo, hi] = range;
  const np = params.length;
  const fractions = (edges: ArrayLike<number>, p: ArrayLike<number>, out: Float64Array) => {
    const total = I(lo, hi, p);
    const n = edges.length - 1;
    for (let i = 0; i < n; i++) out[i] = I(edges[i]!, edges[i + 1]!, p) / total;
  };
  const shape: LineShape = {
    kind,
    params,
    range,
    density: (x, p) => (x < lo || x > hi ? 0 : f(x, p) / I(lo, hi, p)),
    cdf: (x, p) => (x <= lo ? 0 : x >= hi ? 1 : I(lo, x, p) / I(lo, hi, p)),
    fractions(edges, p, out, grad) {
      if (!dI) {
        fractionsWithDifferences(params, range, fractions, edges, p, out, grad);
        return;
      }
      fractions(edges, p, out);
      if (!grad || np === 0) return;
      const n = edges.length - 1;
      const total = I(lo, hi, p);
      const dTotal = new Float64Array(np);
      const dBin = new Float64Array(np);
      dI(lo, hi, p, dTotal);
      for (let i = 0; i < n; i++) {
        dI(edges[i]!, edges[i + 1]!, p, dBin);
        for (let k = 0; k < np; k++) grad[k]![i] = (dBin[k]! - out[i]! * dTotal[k]!) / total;
      }
    },
    ...(core ? { core } : {}),
  };
  return shape;
}

const POSITION = (name: string, description: string): ShapeParam => ({ name, kind: 'position', description });
const WIDTH = (name: string, description: string): ShapeParam => ({ name, kind: 'width', description });

/**
 * Gaussian N(mean, sigma) truncated to the range. Parameters `mean`, `sigma`.
 *
 * @example
 * ```ts
 * const g = gaussian([0, 10]);
 * g.cdf(5, [5, 1]); // 0.5
 * ```
 */
export function gaussian(range: readonly [number, number]): LineShape {
  const phi = (z: number) => Math.exp(-0.5 * z * z) / SQRT2PI;
  return fromIntegral(
    'gauss',
    [POSITION('mean', 'peak position'), WIDTH('sigma', 'standard deviation')],
    range,
    (x, p) => phi((x - p[0]!) / p[1]!) / p[1]!,
    (a, b, p) => normalInterval((a - p[0]!) / p[1]!, (b - p[0]!) / p[1]!),
    (a, b, p, out) => {
      const s = p[1]!;
      const za = (a - p[0]!) / s;
      const zb = (b - p[0]!) / s;
      const fa = phi(za);
      const fb = phi(zb);
      out[0] = -(fb - fa) / s;
      out[1] = -(zb * fb - za * fa) / s;
    },
    {
      density: (x, p) => phi((x - p[0]!) / p[1]!) / p[1]!,
      primitive: (p) => {
        const [m, s] = [p[0]!, p[1]!];
        return (x) => normalCdf((x - m) / s);
      },
      scale: (p) => p[1]!,
      smeared: (p, sigma) => {
        const [m, s] = [p[0]!, Math.hypot(p[1]!, sigma)];
        return (x) => phi((x - m) / s) / s;
      },
    },
  );
}

/**
 * Non-relativistic Breit-Wigner (Cauchy) with peak `mass` and full width at half maximum `width`:
 * f(x) ∝ 1 / ((x − m)² + Γ²/4), truncated to the range.
 *
 * @example
 * ```ts
 * breitWigner([81.2, 101.2]).cdf(91.2, [91.2, 2.5]); // 0.5: symmetric about the mass
 * ```
 */
export function breitWigner(range: readonly [number, number]): LineShape {
  return fromIntegral(
    'bw',
    [POSITION('mass', 'peak position'), WIDTH('width', 'full width at half maximum Γ')],
    range,
    (x, p) => {
      const g = p[1]! / 2;
      const d = x - p[0]!;
      return g / (Math.PI * (d * d + g * g));
    },
    (a, b, p) => {
      const g = p[1]! / 2;
      const za = (a - p[0]!) / g;
      const zb = (b - p[0]!) / g;
      // atan(zb) − atan(za) without cancellation when both are on the same side
      const diff = za * zb > -1 ? Math.atan((zb - za) / (1 + za * zb)) : Math.atan(zb) - Math.atan(za);
      return diff / Math.PI;
    },
    (a, b, p, out) => {
      const G = p[1]!;
      const g = G / 2;
      const za = (a - p[0]!) / g;
      const zb = (b - p[0]!) / g;
      const ca = 1 / (1 + za * za);
      const cb = 1 / (1 + zb * zb);
      out[0] = -(cb - ca) / (Math.PI * g);
      out[1] = -(zb * cb - za * ca) / (Math.PI * G);
    },
    cauchyCore(0, 1, 0.5),
  );
}

/**
 * The Cauchy density with peak p[mass] and half width factor × p[width], as a {@link ShapeCore}: the
 * smeared density is the Voigt profile.
 */
export function cauchyCore(mass: number, width: number, factor: number): ShapeCore {
  return {
    density: (x, p) => {
      const g = factor * p[width]!;
      const d = x - p[mass]!;
      return g / (Math.PI * (d * d + g * g));
    },
    primitive: (p) => {
      const [m, g] = [p[mass]!, factor * p[width]!];
      return (x) => Math.atan((x - m) / g) / Math.PI;
    },
    scale: (p) => factor * p[width]!,
    smeared: (p, sigma) => {
      const [m, g] = [p[mass]!, Math.abs(factor * p[width]!)];
      return (x) => voigt(x - m, sigma, g);
    },
  };
}

// --- complex helpers for the relativistic Breit-Wigner ------------------------------------------

type Complex = [number, number];
const cdiv = (a: Complex, b: Complex): Complex => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const clog = (a: Complex): Complex => [Math.log(Math.hypot(a[0], a[1])), Math.atan2(a[1], a[0])];
/** Principal square root; the smaller part from the larger (2 re im = Im a), so no cancellation when |Im a| ≪ |a|. */
const csqrt = (a: Complex): Complex => {
  const r = Math.hypot(a[0], a[1]);
  if (r === 0) return [0, 0];
  if (a[0] >= 0) {
    const re = Math.sqrt((r + a[0]) / 2);
    return [re, a[1] / (2 * re)];
  }
  const im = Math.sqrt((r - a[0]) / 2);
  return [Math.abs(a[1]) / (2 * im), a[1] < 0 ? -im : im];
};

/** 1/q for the pole q = √(M² − iMΓ) of a Breit-Wigner amplitude 1/(q² − m²) (Re q > 0 > Im q). */
function inversePole(M: number, G: number): Complex {
  const q = csqrt([M * M, -M * G]);
  const d = q[0] * q[0] + q[1] * q[1];
  return [q[0] / d, -q[1] / d];
}

/**
 * J(x) = artanh(x/q)/q, an antiderivative of 1/(q² − x²) in x, for u = 1/q, into out[0] + i out[1]:
 * artanh z = ¼ ln(|1 + z|²/|1 − z|²) + (i/2) atan2(2 Im z, 1 − |z|²), continuous on the real x
 * line (Im z ≠ 0 for x ≠ 0).
 */
function artanhOver(x: number, ur: number, ui: number, out: Float64Array): void {
  const zr = x * ur;
  const zi = x * ui;
  const re = 0.25 * Math.log(((1 + zr) * (1 + zr) + zi * zi) / ((1 - zr) * (1 - zr) + zi * zi));
  const im = 0.5 * Math.atan2(2 * zi, (1 - zr) * (1 + zr) - zi * zi);
  out[0] = re * ur - im * ui;
  out[1] = re * ui + im * ur;
}

/**
 * Relativistic Breit-Wigner with a fixed width, as ROOT's `TMath::BreitWignerRelativistic`:
 * f(x) ∝ 1 / ((x² − M²)² + M²Γ²), truncated to the range. Parameters `mass`, `width`.
 *
 * Integrated in closed form: with a = M² + iMΓ, f = Im(1/(x² − a)) / (MΓ), whose antiderivative is
 * Im(−artanh(x/√a)/√a) / (MΓ) (continuous on the real line: x/√a is real only at 0).
 *
 * @example
 * ```ts
 * relativisticBreitWigner([60, 120]).density(91.19, [91.19, 2.50]);
 * ```
 */
export function relativisticBreitWigner(range: readonly [number, number]): LineShape {
  // antiderivative, up to the 1/(MΓ) factor that normalisation cancels
  const F = (x: number, s: Complex): number => {
    const z = cdiv([x, 0], s);
    const l1 = clog([1 + z[0], z[1]]);
    const l2 = clog([1 - z[0], -z[1]]);
    const artanh: Complex = [(l1[0] - l2[0]) / 2, (l1[1] - l2[1]) / 2];
    return -cdiv(artanh, s)[1];
  };
  const root = (p: ArrayLike<number>) => {
    const M = p[0]!;
    const G = p[1]!;
    return csqrt([M * M, M * G]);
  };
  const f = (x: number, p: ArrayLike<number>) => {
    const M = p[0]!;
    const G = p[1]!;
    const d = x * x - M * M;
    return (M * G) / (d * d + M * M * G * G);
  };
  return fromIntegral(
    'rbw',
    [POSITION('mass', 'pole mass M'), WIDTH('width', 'width Γ')],
    range,
    f,
    (a, b, p) => {
      const s = root(p);
      return F(b, s) - F(a, s);
    },
    undefined,
    {
      density: f,
      // Im J is an antiderivative of Im 1/(q² − x²) = f
      primitive: (p) => {
        const [ur, ui] = inversePole(p[0]!, p[1]!);
        const J = new Float64Array(2);
        return (x) => {
          artanhOver(x, ur, ui, J);
          return J[1]!;
        };
      },
      scale: (p) => Math.abs(root(p)[1]),
      smeared: (p, sigma) => {
        const [M, G] = [p[0]!, p[1]!];
        return (x) => bwAmplitudeSmeared(x, M, G, sigma).im;
      },
    },
  );
}

/**
 * Two interfering relativistic Breit-Wigners with fixed widths: the intensity
 * f(m) = |A₁(m) + r e^{iφ} A₂(m)|², Aₖ = 1/(Mₖ² − m² − iMₖΓₖ) ({@link twoBwIntensity}), truncated to
 * the range. Parameters `mass1`, `width1`, `mass2`, `width2`, `r` (≥ 0), `phi` (radians). The shape
 * is unchanged by (1 ↔ 2, r → 1/r, φ → −φ); the starting values put the broader structure in A₁.
 *
 * Integrated in closed form by partial fractions: with sₖ = Mₖ² − iMₖΓₖ and
 * Jₖ(m) = artanh(m/√sₖ)/√sₖ (an antiderivative of 1/(sₖ − m²)),
 * ∫ f dm = Im J₁/(M₁Γ₁) + r² Im J₂/(M₂Γ₂) + 2 Re[r e^{iφ} (J₂ − J̄₁)/(s̄₁ − s₂)].
 *
 * @example
 * ```ts
 * bwInterference([0.6, 0.95]).density(0.78, [0.7755, 0.1491, 0.78266, 0.00868, 0.3, 1.5]);
 * ```
 */
export function bwInterference(range: readonly [number, number]): LineShape {
  /** The coefficients of f = Im A₁/(M₁Γ₁) + r² Im A₂/(M₂Γ₂) + 2 Re[e (A₂ − Ā₁)], e = r e^{iφ}/(s̄₁ − s₂). */
  const coefficients = (p: ArrayLike<number>) => {
    const [M1, G1, M2, G2, r, phi] = [p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!];
    const e = cdiv([r * Math.cos(phi), r * Math.sin(phi)], [M1 * M1 - M2 * M2, M1 * G1 + M2 * G2]);
    return { M1, G1, M2, G2, a1: 1 / (M1 * G1), a2: (r * r) / (M2 * G2), er: e[0], ei: e[1] };
  };
  const primitive = (p: ArrayLike<number>) => {
    const { M1, G1, M2, G2, a1, a2, er, ei } = coefficients(p);
    const [u1r, u1i] = inversePole(M1, G1);
    const [u2r, u2i] = inversePole(M2, G2);
    const J1 = new Float64Array(2);
    const J2 = new Float64Array(2);
    return (x: number) => {
      artanhOver(x, u1r, u1i, J1);
      artanhOver(x, u2r, u2i, J2);
      // 2 Re[e (J₂ − J̄₁)]
      return a1 * J1[1]! + a2 * J2[1]! + 2 * (er * (J2[0]! - J1[0]!) - ei * (J2[1]! + J1[1]!));
    };
  };
  const f = (x: number, p: ArrayLike<number>) => twoBwIntensity(x, { M: p[0]!, Gamma: p[1]! }, { M: p[2]!, Gamma: p[3]! }, p[4]!, p[5]!);
  return fromIntegral(
    'bwint',
    [
      POSITION('mass1', 'pole mass M₁ of the first amplitude'),
      WIDTH('width1', 'width Γ₁ of the first amplitude'),
      POSITION('mass2', 'pole mass M₂ of the second amplitude'),
      WIDTH('width2', 'width Γ₂ of the second amplitude'),
      { name: 'r', kind: 'ratio', description: 'magnitude of the second amplitude relative to the first' },
      { name: 'phi', kind: 'phase', description: 'phase of the second amplitude relative to the first, in radians' },
    ],
    range,
    f,
    (a, b, p) => {
      const F = primitive(p);
      return F(b) - F(a);
    },
    undefined,
    {
      density: f,
      primitive,
      scale: (p) => Math.min(Math.abs(csqrt([p[0]! * p[0]!, p[0]! * p[1]!])[1]), Math.abs(csqrt([p[2]! * p[2]!, p[2]! * p[3]!])[1])),
      // f is linear in A₁, Ā₁, A₂: smear each amplitude in closed form
      smeared: (p, sigma) => {
        const { M1, G1, M2, G2, a1, a2, er, ei } = coefficients(p);
        return (x) => {
          const A1 = bwAmplitudeSmeared(x, M1, G1, sigma);
          const A2 = bwAmplitudeSmeared(x, M2, G2, sigma);
          return a1 * A1.im + a2 * A2.im + 2 * (er * (A2.re - A1.re) - ei * (A2.im + A1.im));
        };
      },
    },
  );
}

/**
 * Crystal Ball: a Gaussian core N(mean, sigma) with a power-law tail on the low side, joined with a
 * continuous value and slope at (x − mean)/sigma = −alpha (RooCBShape with alpha > 0):
 * exp(−t²/2) for t > −α, A (B − t)^−n below, A = (n/α)^n exp(−α²/2), B = n/α − α.
 * Parameters `mean`, `sigma`, `alpha` (> 0), `n` (> 0). Integrated in closed form.
 *
 * @example
 * ```ts
 * crystalBall([0, 10]).cdf(3.96, [5, 0.8, 1.3, 2.5]); // 0.1716… (scipy.stats.crystalball, truncated)
 * ```
 */
export function crystalBall(range: readonly [number, number]): LineShape {
  // log of the tail at t (t <= -alpha)
  const logTail = (t: number, alpha: number, n: number) => n * Math.log(n / alpha) - 0.5 * alpha * alpha - n * Math.log(n / alpha - alpha - t);
  const f = (t: number, alpha: number, n: number) => (t > -alpha ? Math.exp(-0.5 * t * t) : Math.exp(logTail(t, alpha, n)));
  /** ∫ f dt over [t1, t2]. */
  const G = (t1: number, t2: number, alpha: number, n: number): number => {
    let sum = 0;
    if (t2 > -alpha) sum += SQRT2PI * normalInterval(Math.max(t1, -alpha), t2);
    if (t1 < -alpha) {
      const B = n / alpha - alpha;
      const u1 = B - t1;
      const u2 = B - Math.min(t2, -alpha);
      const L = Math.log(u1 / u2);
      const q = 1 - n;
      // A u2^(1-n) · [1 − (u1/u2)^(1−n)] / (n − 1), written to stay finite as n → 1
      sum += Math.exp(n * Math.log(n / alpha) - 0.5 * alpha * alpha + q * Math.log(u2)) * L * expm1x(q * L);
    }
    return sum;
  };
  return fromIntegral(
    'cb',
    [
      POSITION('mean', 'peak position of the Gaussian core'),
      WIDTH('sigma', 'standard deviation of the Gaussian core'),
      { name: 'alpha', kind: 'alpha', description: 'where the tail starts, in sigmas below the mean' },
      { name: 'n', kind: 'power', description: 'power of the tail' },
    ],
    range,
    (x, p) => f((x - p[0]!) / p[1]!, p[2]!, p[3]!) / p[1]!,
    (a, b, p) => G((a - p[0]!) / p[1]!, (b - p[0]!) / p[1]!, p[2]!, p[3]!),
  );
}

/**
 * Exponential e^(λx) (RooExponential's convention: λ < 0 falls), truncated to the range. Parameter `lambda`.
 *
 * @example
 * ```ts
 * exponential([0, 10]).cdf(5, [0]); // 0.5: λ = 0 is flat
 * ```
 */
export function exponential(range: readonly [number, number]): LineShape {
  const [lo, hi] = range;
  // e^(λ(x − r)) with r = lo for λ <= 0 and r = hi for λ > 0, so nothing overflows
  const I = (a: number, b: number, p: ArrayLike<number>) => {
    const l = p[0]!;
    const w = b - a;
    return l <= 0 ? Math.exp(l * (a - lo)) * w * expm1x(l * w) : Math.exp(l * (b - hi)) * w * expm1x(-l * w);
  };
  return fromIntegral(
    'expo',
    [{ name: 'lambda', kind: 'slope', description: 'slope λ of e^(λx)' }],
    range,
    (x, p) => {
      const l = p[0]!;
      return Math.exp(l * (x - (l <= 0 ? lo : hi)));
    },
    I,
  );
}

/** Binomial coefficient C(n, k) as a float. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let j = 1; j <= k; j++) c = (c * (n - k + j)) / j;
  return c;
}

/**
 * Bernstein basis polynomial ν of degree k on the range, normalised: (k + 1) C(k, ν) t^ν (1 − t)^(k−ν)
 * / (hi − lo), t = (x − lo)/(hi − lo). No parameters: a polynomial background is a sum of these with
 * non-negative yields, which keeps it positive everywhere (RooBernstein's coefficients ≥ 0).
 *
 * @example
 * ```ts
 * bernsteinBasis([0, 1], 2, 0).cdf(0.5, []); // 0.875: (1 − t)² holds most of its weight on the left
 * ```
 */
export function bernsteinBasis(range: readonly [number, number], degree: number, nu: number): LineShape {
  const [lo, hi] = range;
  const width = hi - lo;
  const k = degree;
  const coef = binomial(k, nu);
  const density = (x: number) => {
    if (x < lo || x > hi) return 0;
    const t = (x - lo) / width;
    return ((k + 1) * coef * t ** nu * (1 - t) ** (k - nu)) / width;
  };
  // ∫_0^t b_ν,k = (1/(k+1)) Σ_{j=ν+1}^{k+1} b_j,k+1(t)
  const coefs = Array.from({ length: k + 2 }, (_, j) => binomial(k + 1, j));
  const cdfT = (t: number) => {
    if (t <= 0) return 0;
    if (t >= 1) return 1;
    let s = 0;
    for (let j = nu + 1; j <= k + 1; j++) s += coefs[j]! * t ** j * (1 - t) ** (k + 1 - j);
    return s;
  };
  const cdf = (x: number) => cdfT((x - lo) / width);
  return {
    kind: 'bern',
    params: [],
    range,
    density: (x) => density(x),
    cdf: (x) => cdf(x),
    fractions(edges, _p, out) {
      const n = edges.length - 1;
      let prev = cdf(edges[0]!);
      for (let i = 0; i < n; i++) {
        const next = cdf(edges[i + 1]!);
        out[i] = next - prev;
        prev = next;
      }
    },
  };
}
