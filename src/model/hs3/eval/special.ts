/** Closed-form integrals of the HS3 shapes, from @stdlib special functions. */
import { normalInterval } from '../../../fit/hist/shapes.js';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** ∫ₜ₁ᵗ² exp(−t²/2) dt = √(2π) P(t₁ < Z < t₂), each tail through erfc ({@link normalInterval}). */
export function gaussIntegral(t1: number, t2: number): number {
  return SQRT_2PI * normalInterval(t1, t2);
}

/** ∫₀ᵗ exp(−|s|^β) ds = sign(t) Γ(1 + 1/β) P(1/β, |t|^β). */
export function generalizedNormalPrimitive(t: number, beta: number): number {
  if (t === 0) return 0;
  const s = 1 / beta;
  const v = Math.exp(gammaln(1 + s)) * gammainc(Math.abs(t) ** beta, s);
  return t < 0 ? -v : v;
}

/** ∫ᵤ₁ᵘ² u^p e^{cu} du for c < 0, 0 ≤ u₁ ≤ u₂, through the regularized lower incomplete gamma function. */
export function powerExpIntegral(u1: number, u2: number, p: number, c: number): number {
  const k = -c;
  const a = p + 1;
  const scale = Math.exp(gammaln(a) - a * Math.log(k));
  const lo = k * u1;
  const hi = k * u2;
  // Use the upper function when both ends are in the upper tail, to keep precision.
  if (lo > a) return scale * (gammainc(lo, a, true, true) - gammainc(hi, a, true, true));
  return scale * (gammainc(hi, a) - gammainc(lo, a));
}
