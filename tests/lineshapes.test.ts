/**
 * Canonical line shapes (src/fit/lineshapes.ts): the Faddeeva function against independent
 * computations (its Taylor and asymptotic series, erfcx, Dawson's function, the Voigt profile by
 * adaptive quadrature of the convolution integral), the Breit-Wigner amplitudes, the interference
 * intensity and the Voigt and Cauchy densities against ../shared/reference/hs3/evaluation/lineshapes.json,
 * and the Gaussian smearing against closed forms.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { describe, expect, it } from 'vitest';
import { isHistSerialError } from '../src/errors.js';
import {
  breakupMomentum,
  bwAmplitude,
  bwAmplitudeMassDependent,
  bwAmplitudeSmeared,
  cauchy,
  faddeeva,
  gaussianSmear,
  gaussianSmearNodes,
  massDependentWidth,
  twoBwIntensity,
  twoBwMirror,
  voigt,
  type Complex,
  type TwoBodyChannel,
} from '../src/fit/lineshapes.js';
import { MESSAGES } from '../src/messages.js';
import { integrate } from '../src/model/hs3/eval/quadrature.js';
import { describeReference, refJson } from './helpers/reference.js';

// --- helpers ------------------------------------------------------------------------------------

/** |a − b| / |b|, for complex values. */
const relC = (a: Complex, b: Complex) => Math.hypot(a.re - b.re, a.im - b.im) / Math.hypot(b.re, b.im);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function expectClose(actual: number, expected: number, rtol: number, what = ''): void {
  const r = rel(actual, expected);
  if (!(r <= rtol)) expect.fail(`${what}: got ${actual}, expected ${expected} (relative error ${r.toExponential(2)} > ${rtol})`);
}

/** w(z) = Σ (iz)^n / Γ(n/2 + 1) (Abramowitz and Stegun 7.1.8), for |z| ≤ 1. */
function wTaylor(x: number, y: number): Complex {
  // (iz) = −y + ix
  const ur = -y;
  const ui = x;
  let pr = 1;
  let pi = 0;
  let re = 0;
  let im = 0;
  // c_n = 1/Γ(n/2 + 1): c_0 = 1, c_1 = 2/√π, c_{n+2} = c_n / (n/2 + 1)
  const c = [1, 2 / Math.sqrt(Math.PI)];
  for (let n = 0; n < 60; n++) {
    if (n >= 2) c[n] = c[n - 2]! / ((n - 2) / 2 + 1);
    re += c[n]! * pr;
    im += c[n]! * pi;
    const t = pr * ur - pi * ui;
    pi = pr * ui + pi * ur;
    pr = t;
  }
  return { re, im };
}

/** w(z) ≈ (i/(√π z)) Σ_{n=0}^{8} (2n − 1)!! / (2z²)^n (A&S 7.1.23), for |z| ≥ 50 in the upper half plane. */
function wAsymptotic(x: number, y: number): Complex {
  // u = 1/(2z²)
  const z2r = x * x - y * y;
  const z2i = 2 * x * y;
  const d = 2 * (z2r * z2r + z2i * z2i);
  const ur = z2r / d;
  const ui = -z2i / d;
  let sr = 1;
  let si = 0;
  let tr = 1;
  let ti = 0;
  for (let n = 1; n <= 8; n++) {
    const f = 2 * n - 1;
    const nr = f * (tr * ur - ti * ui);
    ti = f * (tr * ui + ti * ur);
    tr = nr;
    sr += tr;
    si += ti;
  }
  // i/(√π z) = (y + ix) / (√π |z|²)
  const m = Math.sqrt(Math.PI) * (x * x + y * y);
  const ar = y / m;
  const ai = x / m;
  return { re: ar * sr - ai * si, im: ar * si + ai * sr };
}

/**
 * The Voigt profile by adaptive Gauss-Kronrod quadrature of ∫ Cauchy(u; γ) N(x − u; 0, σ) du (over u,
 * so that the narrow Cauchy is evaluated at exact arguments), cut at the Cauchy peak and a few of its
 * widths, within ±40σ of the Gaussian's centre.
 */
function voigtByQuadrature(x: number, sigma: number, gamma: number): number {
  const f = (u: number) => cauchy(u, 0, gamma) * (Math.exp(-0.5 * ((x - u) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI)));
  const lo = x - 40 * sigma;
  const hi = x + 40 * sigma;
  const cuts = [lo, ...[-50 * gamma, -gamma, 0, gamma, 50 * gamma].filter((c) => c > lo && c < hi), hi];
  let sum = 0;
  for (let i = 0; i + 1 < cuts.length; i++) sum += integrate(f, cuts[i]!, cuts[i + 1]!, { relTol: 1e-14, maxIntervals: 20_000 }).value;
  return sum;
}

// --- the Faddeeva function ----------------------------------------------------------------------

describe('faddeeva', () => {
  it('w(0) = 1, and w(−x̄ + iy) = conj w(x + iy)', () => {
    expect(faddeeva(0, 0)).toEqual({ re: 1, im: 0 });
    for (const [x, y] of [[0.3, 0.2], [3, 1e-6], [12, 4], [500, 0.1]] as const) {
      const a = faddeeva(x, y);
      const b = faddeeva(-x, y);
      expect(a.re).toBe(b.re);
      expect(a.im).toBe(-b.im);
    }
  });

  it('matches its Taylor series for |z| from 1e-3 to 1 in every direction of the upper half plane (≤ 1e-14 relative)', () => {
    let worst = 0;
    for (const r of [1e-3, 1e-2, 0.1, 0.5, 1]) {
      for (let k = 0; k <= 12; k++) {
        const a = (k * Math.PI) / 12;
        const x = r * Math.cos(a);
        const y = Math.max(0, r * Math.sin(a));
        worst = Math.max(worst, relC(faddeeva(x, y), wTaylor(x, y)));
      }
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('matches its asymptotic series for |z| from 50 to 1e3 in every direction, and y = 1e-6 (≤ 1e-14 relative)', () => {
    let worst = 0;
    for (const r of [50, 100, 300, 1e3]) {
      for (let k = 0; k <= 12; k++) {
        const a = (k * Math.PI) / 12;
        const x = r * Math.cos(a);
        const y = Math.max(1e-6, r * Math.sin(a));
        worst = Math.max(worst, relC(faddeeva(x, y), wAsymptotic(x, y)));
      }
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('on the imaginary axis is erfcx(y) = e^{y²} erfc(y), y from 1e-3 to 1e3 (≤ 1e-13 relative)', () => {
    for (const y of [1e-3, 0.01, 0.1, 0.5, 1, 2, 4, 5.5, 7.9, 8, 8.1, 12, 20, 26]) {
      const w = faddeeva(0, y);
      expect(w.im).toBe(0);
      expectClose(w.re, Math.exp(y * y) * erfc(y), 1e-13, `erfcx(${y})`);
    }
    // beyond erfc's range: erfcx(y) = (1/(y√π)) (1 − 1/(2y²) + 3/(4y⁴) − 15/(8y⁶) + …)
    for (const y of [100, 1e3]) {
      const u = 1 / (2 * y * y);
      expectClose(faddeeva(0, y).re, (1 - u + 3 * u * u - 15 * u ** 3 + 105 * u ** 4) / (y * Math.sqrt(Math.PI)), 1e-14, `erfcx(${y})`);
    }
  });

  it("on the real axis is e^{−x²} + (2i/√π) D(x), D Dawson's function (mpmath, 20 digits; ≤ 1e-14 relative)", () => {
    const dawson: [number, number][] = [
      [0.001, 0.00099999933333359999992],
      [0.5, 0.42443638350202229593],
      [1, 0.53807950691276841914],
      [2, 0.30134038892379196603],
      [3, 0.17827103061055828734],
      [5, 0.10213407442427683544],
      [10, 0.050253847187598528033],
      [100, 0.0050002500375093782827],
      [1000, 0.00050000025000037500094],
    ];
    for (const [x, D] of dawson) {
      const w = faddeeva(x, 0);
      expect(w.re).toBe(Math.exp(-x * x));
      expectClose(w.im, (2 / Math.sqrt(Math.PI)) * D, 1e-14, `D(${x})`);
    }
  });

  it('is NaN below the real axis', () => {
    expect(Number.isNaN(faddeeva(1, -1e-3).re)).toBe(true);
    expect(Number.isNaN(faddeeva(Number.NaN, 1).im)).toBe(true);
  });
});

// --- Voigt, Cauchy ------------------------------------------------------------------------------

describe('voigt', () => {
  // (σ, γ, x values): |z| = |x + iγ|/(σ√2) from 1e-3 to 1e3, Im z down to 1e-6
  const cases: [number, number, number[]][] = [
    [1, Math.SQRT2 * 1e-3, [0, 1e-3, 0.5, 1, 2.5]],
    [1, Math.SQRT2 * 1e-6, [0, 0.5, 1, 2, 3, 4]],
    [0.5, 0.3, [-3, -1, 0, 0.2, 1, 3]],
    [1, 1, [0, 1, 5, 10, 40]],
    [1, 10, [0, 5, 30, 100]],
    [1e-3, 1, [0, 0.5, 1, 1.4]],
    [2, 0.05, [0, 2, 6]],
  ];
  // measured: at most 4.1e-14 (x = 4σ, Im z = 1e-6), about the quadrature's own accuracy
  it.each(cases)('σ = %s, γ = %s: agrees with the convolution integral by adaptive quadrature (≤ 2e-13 relative)', (sigma, gamma, xs) => {
    for (const x of xs) expectClose(voigt(x, sigma, gamma), voigtByQuadrature(x, sigma, gamma), 2e-13, `V(${x}; ${sigma}, ${gamma})`);
  });

  it('integrates to 1 over the real line', () => {
    const f = (x: number) => voigt(x, 0.5, 0.3);
    // the Cauchy tail beyond ±X holds (2/π) atan(γ/X) + O(σ²/X³)
    const X = 2000;
    const inside = integrate(f, -X, 0, { relTol: 1e-14 }).value + integrate(f, 0, X, { relTol: 1e-14 }).value;
    expectClose(inside + (2 / Math.PI) * Math.atan(0.3 / X), 1, 1e-9, 'norm');
  });

  it('has the Gaussian (γ = 0) and Cauchy (σ = 0, or σ ≪ γ) limits, and is NaN for negative widths', () => {
    expect(voigt(0.7, 0.5, 0)).toBe(Math.exp(-0.5 * 1.4 * 1.4) / (0.5 * Math.sqrt(2 * Math.PI)));
    expect(voigt(0.7, 0, 0.3)).toBe(cauchy(0.7, 0, 0.3));
    expect(voigt(0.7, 1e-12, 0.3)).toBe(cauchy(0.7, 0, 0.3));
    // just above the switch to the Cauchy: continuous to (σ/γ)²
    expectClose(voigt(0.7, 3.1e-9, 0.3), cauchy(0.7, 0, 0.3), 1e-15, 'σ ≪ γ');
    expectClose(voigt(0.7, 0.5, 1e-14), voigt(0.7, 0.5, 0), 1e-12, 'γ ≪ σ');
    expect(voigt(0, 0, 0)).toBe(Infinity);
    expect(voigt(1, 0, 0)).toBe(0);
    expect(Number.isNaN(voigt(0, -1, 1))).toBe(true);
    expect(Number.isNaN(voigt(0, 1, -1))).toBe(true);
  });
});

// --- Breit-Wigner amplitudes --------------------------------------------------------------------

const PI_PLUS = 0.13957;

describe('Breit-Wigner amplitudes', () => {
  it('fixed width: 1/(M² − m² − iMΓ), purely imaginary 1/(MΓ) at the pole', () => {
    const a = bwAmplitude(0.7755, 0.7755, 0.1491);
    expect(a.re).toBe(0);
    expectClose(a.im, 1 / (0.7755 * 0.1491), 1e-15, 'pole');
    const m = 0.6;
    const b = bwAmplitude(m, 0.7755, 0.1491);
    // times its denominator is 1
    const dr = 0.7755 ** 2 - m * m;
    const di = -0.7755 * 0.1491;
    expectClose(b.re * dr - b.im * di, 1, 1e-15, 'A × denominator (re)');
    expect(Math.abs(b.re * di + b.im * dr)).toBeLessThan(1e-15);
  });

  it('mass-dependent width: Γ(M) = Γ₀, 0 below threshold, the p-wave barrier, q the break-up momentum', () => {
    const ch: TwoBodyChannel = { m1: PI_PLUS, m2: PI_PLUS, l: 1, R: 3 };
    expectClose(massDependentWidth(0.7755, 0.7755, 0.1491, ch), 0.1491, 1e-15, 'Γ(M)');
    expect(massDependentWidth(0.27, 0.7755, 0.1491, ch)).toBe(0);
    expect(massDependentWidth(2 * PI_PLUS, 0.7755, 0.1491, ch)).toBe(0);
    // q for equal masses is √(m²/4 − m1²)
    expectClose(breakupMomentum(0.7755, PI_PLUS, PI_PLUS), Math.sqrt(0.7755 ** 2 / 4 - PI_PLUS ** 2), 1e-15, 'q');
    // unequal masses: the momentum of either daughter in the rest frame, from energy conservation
    const [m, m1, m2] = [1.5, 0.1, 0.9];
    const q = breakupMomentum(m, m1, m2);
    expectClose(Math.hypot(q, m1) + Math.hypot(q, m2), m, 1e-15, 'E1 + E2 = m');
    // l = 0: Γ(m) = Γ₀ (q/q₀)(M/m); l = 2: z⁴/(9 + 3z² + z⁴)
    const s = { m1: PI_PLUS, m2: PI_PLUS };
    const [M, G, mm] = [0.7755, 0.1491, 0.9];
    const r = breakupMomentum(mm, PI_PLUS, PI_PLUS) / breakupMomentum(M, PI_PLUS, PI_PLUS);
    expectClose(massDependentWidth(mm, M, G, { ...s, l: 0 }), G * r * (M / mm), 1e-15, 'l = 0');
    const z = 3 * breakupMomentum(mm, PI_PLUS, PI_PLUS);
    const z0 = 3 * breakupMomentum(M, PI_PLUS, PI_PLUS);
    const b2 = (t: number) => t ** 4 / (9 + 3 * t * t + t ** 4);
    expectClose(massDependentWidth(mm, M, G, { ...s, l: 2 }), G * r * (M / mm) * (b2(z) / b2(z0)), 1e-14, 'l = 2');
    expect(bwAmplitudeMassDependent(mm, M, G, ch)).toEqual(bwAmplitude(mm, M, massDependentWidth(mm, M, G, ch)));
  });

  it.each([
    [{ m1: PI_PLUS, m2: PI_PLUS, l: 3 }, 0.7755, MESSAGES.lineshapeOrbital(3)],
    [{ m1: PI_PLUS, m2: PI_PLUS, l: 1, R: 0 }, 0.7755, MESSAGES.lineshapeRadius(0)],
    [{ m1: PI_PLUS, m2: PI_PLUS }, 0.25, MESSAGES.lineshapeBelowThreshold(0.25, PI_PLUS, PI_PLUS)],
  ] as [TwoBodyChannel, number, string][])('refuses channel %j at M = %s', (ch, M, message) => {
    let error: unknown;
    try {
      massDependentWidth(0.8, M, 0.1, ch);
    } catch (err) {
      error = err;
    }
    expect(isHistSerialError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe(message);
  });

  it('two interfering amplitudes: |A₁|² at r = 0, |A₁ + r e^{iφ} A₂|² otherwise', () => {
    const a1 = { M: 0.7755, Gamma: 0.1491 };
    const a2 = { M: 0.78266, Gamma: 0.00868 };
    for (const m of [0.6, 0.78, 0.9]) {
      const A = bwAmplitude(m, a1.M, a1.Gamma);
      const B = bwAmplitude(m, a2.M, a2.Gamma);
      expect(twoBwIntensity(m, a1, a2, 0, 1)).toBeCloseTo(A.re ** 2 + A.im ** 2, 10);
      // φ = π: destructive
      const d = { re: A.re - 0.3 * B.re, im: A.im - 0.3 * B.im };
      expectClose(twoBwIntensity(m, a1, a2, 0.3, Math.PI), d.re ** 2 + d.im ** 2, 1e-13, `φ = π at ${m}`);
    }
    // a mass-dependent A₁
    const ch = { m1: PI_PLUS, m2: PI_PLUS, l: 1 };
    const A = bwAmplitudeMassDependent(0.7, 0.7755, 0.1491, ch);
    expectClose(twoBwIntensity(0.7, { ...a1, channel: ch }, a2, 0, 0), A.re ** 2 + A.im ** 2, 1e-15, 'mass-dependent');
  });
});

describe('bwAmplitudeSmeared', () => {
  /** ∫ A(x − t) N(t; 0, σ) dt by adaptive quadrature over u = x − t (the pole's neighbourhood cut out finely). */
  const byQuadrature = (x: number, M: number, G: number, sigma: number, part: 're' | 'im') => {
    const f = (u: number) => bwAmplitude(u, M, G)[part] * (Math.exp(-0.5 * ((x - u) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI)));
    const lo = x - 40 * sigma;
    const hi = x + 40 * sigma;
    const cuts = [lo, ...[M - 50 * G, M - G, M, M + G, M + 50 * G].filter((c) => c > lo && c < hi), hi];
    let sum = 0;
    for (let i = 0; i + 1 < cuts.length; i++) sum += integrate(f, cuts[i]!, cuts[i + 1]!, { relTol: 1e-14, maxIntervals: 20_000 }).value;
    return sum;
  };
  // ω-like with an 8 MeV resolution, ρ-like, and J/ψ-like (Γ = σ/100)
  it.each([
    [0.78266, 0.00868, 0.008],
    [0.7755, 0.1491, 0.008],
    [3.0969, 9.3e-5, 0.01],
  ])('M = %s, Γ = %s, σ = %s: the convolution integral by quadrature, within 1e-11 of max |Ã|', (M, G, sigma) => {
    const scale = Math.hypot(bwAmplitudeSmeared(M, M, G, sigma).re, bwAmplitudeSmeared(M, M, G, sigma).im);
    for (const x of [M - 5 * sigma, M - sigma, M, M + 0.3 * sigma, M + 4 * sigma]) {
      const a = bwAmplitudeSmeared(x, M, G, sigma);
      expect(Math.abs(a.re - byQuadrature(x, M, G, sigma, 're'))).toBeLessThan(1e-11 * scale);
      expect(Math.abs(a.im - byQuadrature(x, M, G, sigma, 'im'))).toBeLessThan(1e-11 * scale);
    }
  });

  it('is the amplitude itself at σ = 0 and tends to it as σ → 0; Im Ã integrates like MΓ|A|²', () => {
    expect(bwAmplitudeSmeared(0.7, 0.7755, 0.1491, 0)).toEqual(bwAmplitude(0.7, 0.7755, 0.1491));
    expect(relC(bwAmplitudeSmeared(0.7, 0.7755, 0.1491, 1e-7), bwAmplitude(0.7, 0.7755, 0.1491))).toBeLessThan(1e-11);
    // smearing keeps the area: ∫ Im Ã = ∫ MΓ|A|² over the real line (both to 1e-9, the far tails by quadrature)
    const [M, G, s] = [0.78266, 0.00868, 0.008];
    const smeared = integrate((x) => bwAmplitudeSmeared(x, M, G, s).im, -5, 5, { relTol: 1e-13 }).value;
    const plain = integrate((x) => bwAmplitude(x, M, G).im, -5, M, { relTol: 1e-13 }).value + integrate((x) => bwAmplitude(x, M, G).im, M, 5, { relTol: 1e-13 }).value;
    expectClose(smeared, plain, 1e-9, 'area');
  });
});

describe('twoBwMirror', () => {
  it.each([
    [{ M: 0.7755, Gamma: 0.1491 }, { M: 0.78266, Gamma: 0.00868 }, 0.3, 1.5],
    [{ M: 0.7755, Gamma: 0.1491 }, { M: 1.02, Gamma: 0.0043 }, 0.5, 1.2],
    [{ M: 3.77, Gamma: 0.027 }, { M: 4.04, Gamma: 0.08 }, 2.5, -2],
  ])('%j, %j, r = %s, φ = %s: the other (r, φ) gives a proportional intensity at every m; its mirror is the original', (a1, a2, r, phi) => {
    const m2 = twoBwMirror(a1, a2, r, phi);
    expect(Math.abs(m2.r - r) + Math.abs(m2.phi - phi)).toBeGreaterThan(1e-3);
    const ratio = (m: number) => twoBwIntensity(m, a1, a2, m2.r, m2.phi) / twoBwIntensity(m, a1, a2, r, phi);
    const k = ratio(a1.M);
    for (let m = 0.3; m < 5; m += 0.037) expectClose(ratio(m), k, 1e-12, `ratio at ${m}`);
    const back = twoBwMirror(a1, a2, m2.r, m2.phi);
    expectClose(back.r, r, 1e-13, 'r');
    expectClose(back.phi, phi, 1e-13, 'φ');
  });
});

// --- reference values ---------------------------------------------------------------------------

interface LineshapesReference {
  conventions: Record<string, string>;
  bw: { M: number; Gamma: number; m: number[]; fixed_width_re: number[]; fixed_width_im: number[]; mass_dependent_l1_R3_re: number[]; mass_dependent_l1_R3_im: number[] };
  voigt: { sigma: number; gamma: number; x: number[]; pdf: number[]; cauchy_pdf: number[] };
  interference: { r: number; phi: number; m: number[]; intensity: number[] };
}

describeReference('../shared/reference/hs3/evaluation/lineshapes.json (scipy), every array to 1e-10 relative', () => {
  const ref = refJson<LineshapesReference>('hs3/evaluation', 'lineshapes.json');
  const RTOL = 1e-10;
  const { M, Gamma } = ref.bw;
  const check = (what: string, xs: number[], expected: number[], f: (x: number) => number) => {
    expect(xs.length).toBe(expected.length);
    let worst = 0;
    xs.forEach((x, i) => {
      expectClose(f(x), expected[i]!, RTOL, `${what} at ${x}`);
      worst = Math.max(worst, rel(f(x), expected[i]!));
    });
    return worst;
  };

  it('states the conventions we follow', () => {
    expect(ref.conventions.bw_amplitude_fixed_width).toBe('A(m) = 1 / (M^2 - m^2 - i M Gamma)');
    expect(ref.conventions.bw_amplitude_mass_dependent).toContain('m1 = m2 = 0.13957');
    expect(ref.conventions.two_bw_interference).toContain('A2 = 1/(1.02^2 - m^2 - i 1.02 0.0043)');
  });
  it('bw fixed_width_re, fixed_width_im', () => {
    check('re', ref.bw.m, ref.bw.fixed_width_re, (m) => bwAmplitude(m, M, Gamma).re);
    check('im', ref.bw.m, ref.bw.fixed_width_im, (m) => bwAmplitude(m, M, Gamma).im);
  });
  it('bw mass_dependent_l1_R3_re, mass_dependent_l1_R3_im', () => {
    const ch: TwoBodyChannel = { m1: PI_PLUS, m2: PI_PLUS, l: 1, R: 3 };
    check('re', ref.bw.m, ref.bw.mass_dependent_l1_R3_re, (m) => bwAmplitudeMassDependent(m, M, Gamma, ch).re);
    check('im', ref.bw.m, ref.bw.mass_dependent_l1_R3_im, (m) => bwAmplitudeMassDependent(m, M, Gamma, ch).im);
  });
  it('voigt pdf and cauchy_pdf', () => {
    const { sigma, gamma, x } = ref.voigt;
    check('voigt', x, ref.voigt.pdf, (v) => voigt(v, sigma, gamma));
    check('cauchy', x, ref.voigt.cauchy_pdf, (v) => cauchy(v, 0, gamma));
    // the smeared Cauchy is the same Voigt profile
    check('smeared cauchy', x, ref.voigt.pdf, gaussianSmear((v) => cauchy(v, 0, gamma), sigma, { scale: gamma }));
  });
  it('interference intensity', () => {
    const { r, phi, m } = ref.interference;
    check('intensity', m, ref.interference.intensity, (v) => twoBwIntensity(v, { M, Gamma }, { M: 1.02, Gamma: 0.0043 }, r, phi));
  });
});

// --- Gaussian smearing --------------------------------------------------------------------------

describe('gaussianSmear', () => {
  it('smears a Cauchy into the Voigt profile for σ/γ from 0.01 to 100 when told the scale (≤ 1e-13 relative)', () => {
    const gamma = 0.01;
    for (const sigma of [1e-4, 1e-3, 0.01, 0.1, 1]) {
      const s = gaussianSmear((x) => cauchy(x, 0, gamma), sigma, { scale: gamma });
      for (const x of [0, 0.3 * sigma, sigma, 3 * sigma, 0.05, 1]) expectClose(s(x), voigt(x, sigma, gamma), 1e-13, `σ = ${sigma}, x = ${x}`);
    }
  });

  it('smears a Gaussian into a Gaussian of σ² + σ₀², and polynomials exactly (to rounding)', () => {
    const g = (s: number) => (x: number) => Math.exp(-0.5 * (x / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    const smeared = gaussianSmear(g(0.3), 0.4);
    // the error bound is relative to max |f| = g(0.3)(0): in the tails the cut kernel (±8σ) shows
    for (const x of [0, 0.2, 1, 2.5, 4]) expect(Math.abs(smeared(x) - g(0.5)(x))).toBeLessThan(1e-13 * g(0.3)(0));
    for (const x of [0, 0.2, 1]) expectClose(smeared(x), g(0.5)(x), 1e-13, `x = ${x}`);
    // E[(x − t)²] = x² + σ²
    expectClose(gaussianSmear((x) => x * x, 0.4)(1.5), 1.5 ** 2 + 0.16, 1e-14, 'quadratic');
    expect(gaussianSmear((x) => 3 * x, 0)(2)).toBe(6);
  });

  it('is inaccurate as documented: a narrow peak without its scale, or a jump', () => {
    // σ = 30 γ with the default scale σ: the nodes step over the peak
    const gamma = 0.01;
    const coarse = gaussianSmear((x) => cauchy(x, 0, gamma), 0.3)(0);
    expect(rel(coarse, voigt(0, 0.3, gamma))).toBeGreaterThan(1e-6);
    // a step (a window edge): error O(h), far above the smooth case
    const step = gaussianSmear((x) => (x > 0 ? 1 : 0), 1)(0.01);
    expect(rel(step, 0.5 * erfc(-0.01 / Math.SQRT2))).toBeGreaterThan(1e-4);
  });

  it('takes 97 nodes by default, 25 for a structure much wider than σ, 96σ/scale for a narrower one; refuses a negative σ', () => {
    expect(gaussianSmearNodes(1).weights.length).toBe(97);
    expect(gaussianSmearNodes(1, { scale: 100 }).weights.length).toBe(25);
    expect(gaussianSmearNodes(1, { scale: 0.1 }).weights.length).toBe(961);
    const w = gaussianSmearNodes(0.7).weights;
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(() => gaussianSmear((x) => x, -1)).toThrow(MESSAGES.lineshapeSmearWidth(-1));
  });
});
