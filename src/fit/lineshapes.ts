/**
 * Canonical line shapes as pure functions of a real mass or abscissa: the Faddeeva function w(z),
 * the Voigt profile, the Cauchy (non-relativistic Breit-Wigner) density, relativistic Breit-Wigner
 * amplitudes with a fixed or a mass-dependent width (Blatt-Weisskopf barrier factors), the
 * intensity of two interfering Breit-Wigner amplitudes, and the Gaussian smearing of any function.
 * No IO here; spec.md 8.7 has every formula.
 *
 * The Crystal Ball is not repeated here: see `crystalBall` in `src/fit/hist/shapes.ts` (one-sided,
 * with closed-form bin integrals) and `crystalball_dist` in `src/model/hs3/eval/distributions.ts`
 * (two-sided, HS3's conventions).
 *
 * @example
 * ```ts
 * import { faddeeva, voigt, bwAmplitude, twoBwIntensity } from 'hist-serial/fit';
 * faddeeva(0, 0);                 // { re: 1, im: 0 }
 * voigt(0, 0.5, 0.3);             // 0.52395578201002…
 * bwAmplitude(0.7, 0.7755, 0.1491); // { re: 4.3212…, im: 4.4852… }
 * twoBwIntensity(0.78, { M: 0.7755, Gamma: 0.1491 }, { M: 1.02, Gamma: 0.0043 }, 0.5, 1.2);
 * ```
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';

/** A complex number as a plain object. */
export interface Complex {
  re: number;
  im: number;
}

const SQRT_PI = Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / SQRT_PI;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

// --- the Faddeeva function ----------------------------------------------------------------------

/** Terms of Weideman's rational approximation (40 reaches |Δw|/|w| ≤ 2e-15 for |z| < 8). */
const WEIDEMAN_N = 40;
/** Weideman's optimal scale L = √(N/√2). */
const WEIDEMAN_L = Math.sqrt(WEIDEMAN_N / Math.SQRT2);
/** |z| from which the Laplace continued fraction takes over (it converges fast out there). */
const CONTINUED_FRACTION_FROM = 8;
/** |z| from which two terms of the asymptotic series are exact to rounding: w ≈ (i/√π z)(1 + 1/(2z²)). */
const ASYMPTOTIC_FROM = 1e8;

/**
 * Coefficients a₁ … a_N of Weideman's approximation: the discrete Fourier transform of
 * f(t) = e^{−t²}(L² + t²) at t_k = L tan(kπ/(2M)), k = −M+1 … M−1, M = 2N (t = ±∞ contributes 0):
 * a_n = (1/2M) Σ_k f(t_k) cos(nkπ/M), f being even. Computed once, at module load.
 */
function weidemanCoefficients(n: number, l: number): Float64Array {
  const m = 2 * n;
  const f = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const t = l * Math.tan((k * Math.PI) / (2 * m));
    f[k] = Math.exp(-t * t) * (l * l + t * t);
  }
  const a = new Float64Array(n);
  for (let j = 1; j <= n; j++) {
    let s = f[0]!;
    for (let k = 1; k < m; k++) s += 2 * f[k]! * Math.cos((j * k * Math.PI) / m);
    a[j - 1] = s / (2 * m);
  }
  return a;
}

const WEIDEMAN_A = weidemanCoefficients(WEIDEMAN_N, WEIDEMAN_L);

/** Weideman's rational approximation at z = x + iy, y ≥ 0. */
function weideman(x: number, y: number): Complex {
  const L = WEIDEMAN_L;
  // D = L − iz = (L + y) − ix, Z = (L + iz)/(L − iz) = ((L − y) + ix)/D
  const dr = L + y;
  const di = -x;
  const dd = dr * dr + di * di;
  const nr = L - y;
  const ni = x;
  const zr = (nr * dr + ni * di) / dd;
  const zi = (ni * dr - nr * di) / dd;
  // p(Z) = Σ a_n Z^{n−1} by Horner
  const a = WEIDEMAN_A;
  let pr = a[WEIDEMAN_N - 1]!;
  let pi = 0;
  for (let n = WEIDEMAN_N - 2; n >= 0; n--) {
    const t = pr * zr - pi * zi + a[n]!;
    pi = pr * zi + pi * zr;
    pr = t;
  }
  // 1/D and 1/D²
  const ir = dr / dd;
  const ii = -di / dd;
  const i2r = ir * ir - ii * ii;
  const i2i = 2 * ir * ii;
  return { re: 2 * (pr * i2r - pi * i2i) + INV_SQRT_PI * ir, im: 2 * (pr * i2i + pi * i2r) + INV_SQRT_PI * ii };
}

/**
 * The Laplace continued fraction w(z) = (i/√π) / (z − ½/(z − 1/(z − (3/2)/(z − 2/(z − …))))),
 * `terms` deep, evaluated from the bottom up (y ≥ 0, |z| ≥ 8).
 */
function continuedFraction(x: number, y: number, terms: number): Complex {
  let tr = x;
  let ti = y;
  for (let k = terms; k >= 1; k--) {
    const d = tr * tr + ti * ti;
    const c = k / 2;
    tr = x - (c * tr) / d;
    ti = y + (c * ti) / d;
  }
  const d = tr * tr + ti * ti;
  // i/(√π t) = i t̄ /(√π |t|²)
  return { re: (INV_SQRT_PI * ti) / d, im: (INV_SQRT_PI * tr) / d };
}

/**
 * The Faddeeva function w(z) = e^{−z²} erfc(−iz) at z = x + iy, for Im z = y ≥ 0 (the upper half
 * plane, where |w| ≤ 1; every line shape here needs only that).
 *
 * - |z| < 8: Weideman's rational approximation (J.A.C. Weideman, SIAM J. Numer. Anal. 31 (1994)
 *   1497) w(z) ≈ π^{−1/2}/(L − iz) + 2/(L − iz)² Σ_{n=1}^{N} a_n Z^{n−1}, Z = (L + iz)/(L − iz),
 *   N = 40, L = √(N/√2), the a_n from a discrete Fourier transform computed once at module load;
 * - 8 ≤ |z| < 1e8: the Laplace continued fraction (i/√π)/(z − ½/(z − 1/(z − …))), 12 levels
 *   (6 from |z| = 20);
 * - beyond: (i/(√π z))(1 + 1/(2z²)).
 *
 * Accuracy, against 40-digit mpmath over |z| from 1e-3 to 1e3 at every argument from the real axis
 * to the imaginary one, and along the real axis with y = 0 and y from 1e-7 to 1e-5 (25 000 points):
 * |Δw|/|w| ≤ 1.8e-15, and Im w within 4e-15 of itself. On the real axis Re w = e^{−x²} is returned
 * exactly. Just above it (0 < y ≪ 1, |x| ≳ 5), where Re w ≈ e^{−x²} + y/(√π x²) is many orders
 * below |w|, Re w has the absolute accuracy 1e-16 |w|, not a relative one. For y < 0 the result is NaN.
 *
 * @example
 * ```ts
 * faddeeva(0, 0);   // { re: 1, im: 0 }
 * faddeeva(0, 1);   // { re: 0.427583576155807, im: 0 }: erfcx(1)
 * faddeeva(1, 0).im * Math.sqrt(Math.PI) / 2; // 0.5380795069127684: Dawson's function D(1)
 * ```
 */
export function faddeeva(x: number, y: number): Complex {
  if (!(y >= 0) || Number.isNaN(x)) return { re: Number.NaN, im: Number.NaN };
  const ax = Math.abs(x);
  const r = ax > y ? ax * Math.sqrt(1 + (y / ax) * (y / ax)) : y === 0 ? 0 : y * Math.sqrt(1 + (ax / y) * (ax / y));
  if (y === 0) {
    // on the real axis Re w = e^{−x²} exactly (the approximations give it only to 1e-16 absolute)
    const im = (r < CONTINUED_FRACTION_FROM ? weideman(x, 0) : r < ASYMPTOTIC_FROM ? continuedFraction(x, 0, r < 20 ? 12 : 6) : { im: INV_SQRT_PI / x }).im;
    return { re: Math.exp(-x * x), im };
  }
  if (r < CONTINUED_FRACTION_FROM) return weideman(x, y);
  if (r < ASYMPTOTIC_FROM) return continuedFraction(x, y, r < 20 ? 12 : 6);
  if (r === Infinity) return { re: 0, im: 0 };
  // i/(√π z) = (y + ix)/(√π |z|²), scaled so that |z|² cannot overflow; × (1 + 1/(2z²))
  const ur = x / r;
  const ui = y / r;
  const s = INV_SQRT_PI / r;
  // 1/(2z²) = conj(u)²/(2r²)
  const cr = (ur * ur - ui * ui) / (2 * r * r);
  const ci = (-2 * ur * ui) / (2 * r * r);
  const br = s * ui;
  const bi = s * ur;
  return { re: br + br * cr - bi * ci, im: bi + br * ci + bi * cr };
}

// --- Voigt and Cauchy ---------------------------------------------------------------------------

/**
 * The Cauchy density (non-relativistic Breit-Wigner) with peak `M` and half width at half maximum
 * `halfWidth` = Γ/2, normalised over the real line:
 * f(x) = (Γ/2) / (π ((x − M)² + (Γ/2)²)).
 *
 * @example
 * ```ts
 * cauchy(0, 0, 0.3); // 1/(0.3π) = 1.0610329539459689
 * ```
 */
export function cauchy(x: number, M: number, halfWidth: number): number {
  const d = x - M;
  return halfWidth / (Math.PI * (d * d + halfWidth * halfWidth));
}

/**
 * The Voigt profile: a Gaussian of standard deviation σ convolved with a Cauchy of half width γ,
 * normalised over the real line (scipy's `voigt_profile`):
 * V(x; σ, γ) = Re w((x + iγ)/(σ√2)) / (σ√(2π)).
 * γ = 0 gives the Gaussian exactly; σ = 0, or σ < 1e-8 γ (where V and the Cauchy differ by less than
 * (σ/γ)² relative), the Cauchy. Accuracy: that of {@link faddeeva}, about 1e-14 relative wherever
 * the Gaussian core or the Cauchy tail dominates (within 1e-12 of the convolution integral by
 * quadrature in the tests, |z| from 1e-3 to 1e3); in the far tails of a nearly Gaussian profile
 * (γ ≪ σ, |x| ≳ 5σ), where V is many orders below its peak, the error is about 1e-16 of the peak
 * value rather than of V. Negative or NaN σ or γ give NaN.
 *
 * @example
 * ```ts
 * voigt(0, 0.5, 0.3); // 0.5239557820100204 (scipy.special.voigt_profile(0, 0.5, 0.3))
 * ```
 */
export function voigt(x: number, sigma: number, gamma: number): number {
  if (!(sigma >= 0 && gamma >= 0)) return Number.NaN;
  if (gamma === 0) {
    if (sigma === 0) return x === 0 ? Infinity : 0;
    const t = x / sigma;
    return Math.exp(-0.5 * t * t) / (sigma * SQRT_2PI);
  }
  if (sigma < 1e-8 * gamma) return cauchy(x, 0, gamma);
  const s = sigma * Math.SQRT2;
  return faddeeva(x / s, gamma / s).re / (sigma * SQRT_2PI);
}

// --- Breit-Wigner amplitudes --------------------------------------------------------------------

/** A two-body decay channel for a mass-dependent width: daughter masses, orbital angular momentum, radius. */
export interface TwoBodyChannel {
  /** Daughter masses (same units as m). */
  m1: number;
  m2: number;
  /** Orbital angular momentum of the decay: 0, 1 or 2 (default 0). */
  l?: number;
  /** Interaction radius R of the Blatt-Weisskopf factors, in inverse mass units (default 3, e.g. GeV⁻¹). */
  R?: number;
}

/** Parameters of one Breit-Wigner amplitude: pole mass, width, and for a mass-dependent width its decay channel. */
export interface BwParams {
  M: number;
  Gamma: number;
  /** When given, the width depends on m (see {@link massDependentWidth}); otherwise it is fixed. */
  channel?: TwoBodyChannel;
}

/**
 * The relativistic Breit-Wigner amplitude with a fixed width:
 * A(m) = 1 / (M² − m² − iMΓ) = (M² − m² + iMΓ) / ((M² − m²)² + M²Γ²).
 *
 * @example
 * ```ts
 * bwAmplitude(0.7755, 0.7755, 0.1491); // { re: 0, im: 1/(MΓ) = 8.648… }
 * ```
 */
export function bwAmplitude(m: number, M: number, Gamma: number): Complex {
  const a = (M - m) * (M + m);
  const b = M * Gamma;
  const d = a * a + b * b;
  return { re: a / d, im: b / d };
}

/**
 * Two-body break-up momentum of a mass m into masses m1 and m2 (0 at and below threshold):
 * q = √((m² − (m1 + m2)²)(m² − (m1 − m2)²)) / (2m).
 *
 * @example
 * ```ts
 * breakupMomentum(0.7755, 0.13957, 0.13957); // 0.36176: √(m²/4 − m1²) for equal masses
 * ```
 */
export function breakupMomentum(m: number, m1: number, m2: number): number {
  const s = m1 + m2;
  if (!(m > s)) return 0;
  const d = m1 - m2;
  return Math.sqrt((m - s) * (m + s) * (m - d) * (m + d)) / (2 * m);
}

/** Squared Blatt-Weisskopf barrier factor h_l²(z): 1, 1/(1 + z²), 1/(9 + 3z² + z⁴) for l = 0, 1, 2. */
export function blattWeisskopf2(l: number, z: number): number {
  const z2 = z * z;
  return l === 0 ? 1 : l === 1 ? 1 / (1 + z2) : 1 / (9 + 3 * z2 + z2 * z2);
}

/** The channel with its defaults, checked. */
function checkedChannel(M: number, channel: TwoBodyChannel): { m1: number; m2: number; l: number; R: number } {
  const l = channel.l ?? 0;
  const R = channel.R ?? 3;
  if (l !== 0 && l !== 1 && l !== 2) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.lineshapeOrbital(l));
  if (!(R > 0) || !Number.isFinite(R)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.lineshapeRadius(R));
  if (!(M > channel.m1 + channel.m2)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.lineshapeBelowThreshold(M, channel.m1, channel.m2));
  return { m1: channel.m1, m2: channel.m2, l, R };
}

/**
 * The mass-dependent width of a two-body decay with Blatt-Weisskopf barrier factors:
 * Γ(m) = Γ₀ (q/q₀) (M/m) [z^{2l} h_l²(z)] / [z₀^{2l} h_l²(z₀)], z = qR, z₀ = q₀R, q = q(m) and
 * q₀ = q(M) the break-up momenta ({@link breakupMomentum}), h₀² = 1, h₁² = 1/(1 + z²),
 * h₂² = 1/(9 + 3z² + z⁴); 0 below threshold. Γ(M) = Γ₀.
 *
 * @throws HistSerialError `INVALID_ARGUMENT` for l not 0, 1 or 2, R ≤ 0, or M at or below threshold.
 * @example
 * ```ts
 * massDependentWidth(0.7755, 0.7755, 0.1491, { m1: 0.13957, m2: 0.13957, l: 1 }); // 0.1491
 * ```
 */
export function massDependentWidth(m: number, M: number, Gamma0: number, channel: TwoBodyChannel): number {
  const { m1, m2, l, R } = checkedChannel(M, channel);
  const q = breakupMomentum(m, m1, m2);
  if (q === 0) return 0;
  const q0 = breakupMomentum(M, m1, m2);
  const ratio = q / q0;
  const barrier = ratio ** (2 * l) * (blattWeisskopf2(l, q * R) / blattWeisskopf2(l, q0 * R));
  return Gamma0 * ratio * (M / m) * barrier;
}

/**
 * The relativistic Breit-Wigner amplitude with the mass-dependent width of {@link massDependentWidth}:
 * A(m) = 1 / (M² − m² − iMΓ(m)).
 *
 * @throws HistSerialError `INVALID_ARGUMENT` for a bad channel (see {@link massDependentWidth}).
 * @example
 * ```ts
 * bwAmplitudeMassDependent(0.7, 0.7755, 0.1491, { m1: 0.13957, m2: 0.13957, l: 1, R: 3 }); // { re: 4.9222…, im: 4.4673… }
 * ```
 */
export function bwAmplitudeMassDependent(m: number, M: number, Gamma0: number, channel: TwoBodyChannel): Complex {
  return bwAmplitude(m, M, massDependentWidth(m, M, Gamma0, channel));
}

/** The amplitude of {@link BwParams} at m. */
function amplitude(m: number, p: BwParams): Complex {
  return p.channel ? bwAmplitudeMassDependent(m, p.M, p.Gamma, p.channel) : bwAmplitude(m, p.M, p.Gamma);
}

/**
 * The intensity of two interfering Breit-Wigner amplitudes with relative magnitude r and phase φ:
 * I(m) = |A₁(m) + r e^{iφ} A₂(m)|², each Aₖ with a fixed width ({@link bwAmplitude}) or, when its
 * `channel` is given, a mass-dependent one ({@link bwAmplitudeMassDependent}).
 *
 * @example
 * ```ts
 * // ρ-like A₁, φ-like A₂
 * twoBwIntensity(0.3, { M: 0.7755, Gamma: 0.1491 }, { M: 1.02, Gamma: 0.0043 }, 0.5, 1.2); // 5.028524106579212
 * ```
 */
export function twoBwIntensity(m: number, a1: BwParams, a2: BwParams, r: number, phi: number): number {
  const A = amplitude(m, a1);
  const B = amplitude(m, a2);
  const cr = r * Math.cos(phi);
  const ci = r * Math.sin(phi);
  const re = A.re + cr * B.re - ci * B.im;
  const im = A.im + cr * B.im + ci * B.re;
  return re * re + im * im;
}

/**
 * The other solution of two interfering fixed-width Breit-Wigners: the (r′, φ′) for which
 * |A₁ + r′e^{iφ′}A₂|² is proportional to |A₁ + r e^{iφ}A₂|² at every m, so a fit of the normalised
 * intensity cannot tell them apart (the two-fold ambiguity of K. Zhu et al., Int. J. Mod. Phys. A 26
 * (2011) 4511). With sₖ = Mₖ² − iMₖΓₖ and c = r e^{iφ}, A₁ + cA₂ = (1 + c)(z₀ − m²)/((s₁ − m²)(s₂ − m²))
 * with z₀ = (s₂ + c s₁)/(1 + c); the intensity depends on z₀ only through Re z₀ and |Im z₀|, so
 * c′ = (z̄₀ − s₂)/(s₁ − z̄₀) gives the same shape, scaled by |1 + c′|²/|1 + c|². Mass-dependent
 * widths break the identity; their `channel` is ignored here.
 *
 * @example
 * ```ts
 * twoBwMirror({ M: 0.7755, Gamma: 0.1491 }, { M: 0.78266, Gamma: 0.00868 }, 0.3, 1.5); // { r: 0.27432, phi: 2.62612 }
 * ```
 */
export function twoBwMirror(a1: BwParams, a2: BwParams, r: number, phi: number): { r: number; phi: number } {
  const div = (ar: number, ai: number, br: number, bi: number): [number, number] => {
    const d = br * br + bi * bi;
    return [(ar * br + ai * bi) / d, (ai * br - ar * bi) / d];
  };
  const [s1r, s1i] = [a1.M * a1.M, -a1.M * a1.Gamma];
  const [s2r, s2i] = [a2.M * a2.M, -a2.M * a2.Gamma];
  const [cr, ci] = [r * Math.cos(phi), r * Math.sin(phi)];
  // z₀ = (s₂ + c s₁)/(1 + c), then its conjugate
  const [zr, zi] = div(s2r + cr * s1r - ci * s1i, s2i + cr * s1i + ci * s1r, 1 + cr, ci);
  const [mr, mi] = div(zr - s2r, -zi - s2i, s1r - zr, s1i + zi);
  return { r: Math.hypot(mr, mi), phi: Math.atan2(mi, mr) };
}

/**
 * The fixed-width Breit-Wigner amplitude smeared by a Gaussian of standard deviation σ, in closed
 * form: Ã(x) = ∫ A(x − t) e^{−t²/(2σ²)}/(σ√(2π)) dt with A(m) = 1/(M² − m² − iMΓ) ({@link bwAmplitude}).
 * With q = √(M² − iMΓ) (Re q > 0 > Im q), A(m) = [1/(q − m) + 1/(q + m)]/(2q), and each pole smears
 * into a Faddeeva function:
 * Ã(x) = (i√π / (2qσ√2)) [w((x − q)/(σ√2)) + conj w((x + q̄)/(σ√2))], both arguments in the upper
 * half plane. Im Ã is the smeared relativistic Breit-Wigner density MΓ|A|², and any intensity that
 * is linear in A, Ā (such as {@link twoBwIntensity}, by partial fractions) smears through it.
 * Accuracy: that of {@link faddeeva}; σ = 0 gives {@link bwAmplitude}.
 *
 * @example
 * ```ts
 * bwAmplitudeSmeared(0.78, 0.78266, 0.00868, 0.008); // { re: 13.998…, im: 65.747… }: the ω, 8 MeV resolution (unsmeared: { re: 65.5, im: 107.1 })
 * ```
 */
export function bwAmplitudeSmeared(x: number, M: number, Gamma: number, sigma: number): Complex {
  if (sigma === 0) return bwAmplitude(x, M, Gamma);
  // q = √(M² − iMΓ)
  const sr = M * M;
  const si = -M * Gamma;
  // (the imaginary part from 2 qr qi = −MΓ: no cancellation for Γ ≪ M)
  const qr = Math.sqrt((Math.hypot(sr, si) + sr) / 2);
  const qi = si / (2 * qr);
  const s = sigma * Math.SQRT2;
  const w1 = faddeeva((x - qr) / s, -qi / s);
  const w2 = faddeeva((x + qr) / s, -qi / s);
  // i√π/(2qσ√2) × (w1 + conj w2)
  const br = w1.re + w2.re;
  const bi = w1.im - w2.im;
  const k = SQRT_PI / (2 * s * (qr * qr + qi * qi));
  // i (b) q̄ k
  const tr = br * qr + bi * qi;
  const ti = bi * qr - br * qi;
  return { re: -k * ti, im: k * tr };
}

// --- Gaussian smearing --------------------------------------------------------------------------

/** Options of {@link gaussianSmear}. */
export interface GaussianSmearOptions {
  /**
   * The finest structure of f: the half width of its narrowest peak, or more exactly the distance
   * from the real axis of its nearest complex singularity (a Breit-Wigner pole: Γ/2). Default σ.
   */
  scale?: number;
  /** Half width of the kernel, in σ (default 8: the Gaussian beyond holds 1.2e-15). */
  width?: number;
  /** Node spacing, overriding the one derived from σ and `scale`. */
  step?: number;
}

/** Default kernel half width of {@link gaussianSmear}, in σ. */
export const GAUSSIAN_SMEAR_WIDTH = 8;

/**
 * The nodes of {@link gaussianSmear}: spacing h = min(σ/1.5, scale/6) (or `step`), K = ⌈width·σ/h⌉,
 * weights ∝ e^{−(kh)²/(2σ²)} for k = −K … K, normalised to sum 1.
 */
export function gaussianSmearNodes(sigma: number, options: GaussianSmearOptions = {}): { step: number; weights: Float64Array } {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.lineshapeSmearWidth(sigma));
  const scale = options.scale ?? sigma;
  const width = options.width ?? GAUSSIAN_SMEAR_WIDTH;
  const h = options.step ?? Math.min(sigma / 1.5, scale / 6);
  if (!(h > 0) || !(width > 0)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.lineshapeSmearWidth(sigma));
  const K = Math.ceil((width * sigma) / h);
  const weights = new Float64Array(2 * K + 1);
  let sum = 0;
  for (let k = -K; k <= K; k++) {
    const t = (k * h) / sigma;
    const w = Math.exp(-0.5 * t * t);
    weights[k + K] = w;
    sum += w;
  }
  for (let k = 0; k < weights.length; k++) weights[k]! /= sum;
  return { step: h, weights };
}

/**
 * Gaussian smearing: the convolution (f ⊗ G_σ)(x) = ∫ f(x − t) e^{−t²/(2σ²)}/(σ√(2π)) dt, as a
 * function of x, by a fixed-node rule: the trapezoid rule on nodes x − kh, k = −K … K, with
 * h = min(σ/1.5, scale/6) and K = ⌈8σ/h⌉, the weights normalised to sum 1 (a constant is smeared
 * exactly). On the whole real line the trapezoid rule is spectrally accurate: for f analytic in the
 * strip |Im t| < d around the real axis its error is about max|f| (e^{−2πd/h} e^{d²/(2σ²)} +
 * e^{−2π²σ²/h²}) (max over the strip), plus e^{−(8)²/2} ≈ 1e-14 × max|f| from the cut kernel tails.
 * With d ≥ `scale` that is ≤ 1e-13 relative to max|f| near x (measured: a Cauchy of half width γ
 * smeared into the Voigt profile within 1e-13 relative for σ/γ from 0.01 to 100; far in the tails,
 * where the result is many orders below max|f|, the error is that absolute one).
 *
 * Accurate: σ much smaller than the structure of f (25 nodes), comparable to it (97 nodes with the
 * default scale σ), or much larger than it **if** `scale` says so (96σ/scale nodes: a narrow peak
 * smeared by a wide resolution costs nodes in proportion). Not accurate: f with a kink or a jump
 * within ±8σ of x (the error is then algebraic in h, e.g. O(h) × the jump: a shape cut at the
 * edges of a window and smeared with σ comparable to or larger than the window), or narrower
 * structure than `scale` claims (a pole nearer than `scale` to the real axis).
 *
 * @throws HistSerialError `INVALID_ARGUMENT` for σ not positive and finite (σ = 0 returns f itself).
 * @example
 * ```ts
 * const smeared = gaussianSmear((x) => cauchy(x, 0, 0.3), 0.5, { scale: 0.3 });
 * smeared(0); // 0.5239557820100…: voigt(0, 0.5, 0.3)
 * ```
 */
export function gaussianSmear(f: (x: number) => number, sigma: number, options: GaussianSmearOptions = {}): (x: number) => number {
  if (sigma === 0) return (x) => f(x);
  const { step: h, weights } = gaussianSmearNodes(sigma, options);
  const K = (weights.length - 1) / 2;
  return (x) => {
    // from the tails inwards, so the small terms are added first
    let s = 0;
    for (let k = K; k >= 1; k--) s += weights[K + k]! * (f(x - k * h) + f(x + k * h));
    return s + weights[K]! * f(x);
  };
}
