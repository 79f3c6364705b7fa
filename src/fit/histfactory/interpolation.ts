/**
 * The interpolation codes of HistFactory systematics (pyhf's `interpolators`, ROOT's
 * `PiecewiseInterpolation`/`FlexibleInterpVar`), with their first derivatives in α.
 *
 * Additive codes (`code0`, `code2`, `code4p`) give a per-bin change of the rate; hist-serial writes it
 * as δᵢ(α) = Σₖ cₖ(α) Tₖᵢ over four per-bin arrays Tₖ fixed when the model is built ({@link additiveBasis}),
 * so one evaluation computes the four cₖ(α) once per modifier and then does four multiply-adds per bin.
 * Multiplicative codes (`code1`, `code4`) give one factor f(α) per sample ({@link normsysFactor}).
 * @module
 */

/** pyhf's interpolation codes. */
export type InterpolationCode = 'code0' | 'code1' | 'code2' | 'code4' | 'code4p';

/** Codes that add a change to the rate (histosys; normsys written as a histosys of its scaled nominal). */
export const ADDITIVE_CODES: ReadonlySet<InterpolationCode> = new Set(['code0', 'code2', 'code4p']);
/** Codes that multiply the rate by a factor (normsys). */
export const MULTIPLICATIVE_CODES: ReadonlySet<InterpolationCode> = new Set(['code1', 'code4']);

/** pyhf's defaults (`_ModelConfig`'s `modifier_settings`). */
export const DEFAULT_INTERPOLATION = { normsys: 'code4', histosys: 'code4p' } as const satisfies Record<string, InterpolationCode>;

/** Internal numbering of the codes in the compiled model. */
export const CODE_ID: Readonly<Record<InterpolationCode, number>> = { code0: 0, code1: 1, code2: 2, code4: 4, code4p: 5 };

/** Number of per-bin arrays of an additive modifier. */
export const BASIS_SIZE = 4;

/**
 * The four per-bin arrays of an additive code, written interleaved into `out` at `at` (4 numbers per bin):
 * - code0 (piecewise linear): [hi − nom, nom − lo, 0, 0];
 * - code2 (quadratic inside |α| ≤ 1, linear outside, continuous as in ROOT and HS3): [a, b, hi − nom, lo − nom]
 *   with a = ½(hi + lo) − nom, b = ½(hi − lo);
 * - code4p (6th-degree polynomial inside, linear outside): [hi − nom, nom − lo, S, A] with
 *   S = ½(up + dn), A = (up − dn)/16, as pyhf.
 */
export function additiveBasis(code: number, nom: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, out: Float64Array, at: number): void {
  for (let i = 0; i < nom.length; i++) {
    const n = nom[i]!;
    const h = hi[i]!;
    const l = lo[i]!;
    const o = at + BASIS_SIZE * i;
    if (code === CODE_ID.code2) {
      out[o] = 0.5 * (h + l) - n;
      out[o + 1] = 0.5 * (h - l);
      out[o + 2] = h - n;
      out[o + 3] = l - n;
    } else {
      const up = h - n;
      const dn = n - l;
      out[o] = up;
      out[o + 1] = dn;
      out[o + 2] = code === CODE_ID.code4p ? 0.5 * (up + dn) : 0;
      out[o + 3] = code === CODE_ID.code4p ? 0.0625 * (up - dn) : 0;
    }
  }
}

/**
 * The coefficients cₖ(α) and their derivatives dcₖ/dα of an additive code, written to `c` and `dc` at `at`.
 * Regions as pyhf: code0 uses the up array for α > 0; code2 and code4p use the linear branches for α > 1 and
 * α < −1.
 */
export function additiveCoefficients(code: number, alpha: number, c: Float64Array, dc: Float64Array, at: number): void {
  c[at] = c[at + 1] = c[at + 2] = c[at + 3] = 0;
  dc[at] = dc[at + 1] = dc[at + 2] = dc[at + 3] = 0;
  if (code === CODE_ID.code0) {
    const k = alpha > 0 ? at : at + 1;
    c[k] = alpha;
    dc[k] = 1;
  } else if (code === CODE_ID.code2) {
    if (alpha > 1) {
      c[at] = 2 * (alpha - 1);
      c[at + 1] = alpha - 1;
      c[at + 2] = 1;
      dc[at] = 2;
      dc[at + 1] = 1;
    } else if (alpha >= -1) {
      c[at] = alpha * alpha;
      c[at + 1] = alpha;
      dc[at] = 2 * alpha;
      dc[at + 1] = 1;
    } else {
      c[at] = -2 * (alpha + 1);
      c[at + 1] = alpha + 1;
      c[at + 3] = 1;
      dc[at] = -2;
      dc[at + 1] = 1;
    }
  } else {
    // code4p
    if (alpha > 1) {
      c[at] = alpha;
      dc[at] = 1;
    } else if (alpha < -1) {
      c[at + 1] = alpha;
      dc[at + 1] = 1;
    } else {
      const a2 = alpha * alpha;
      // pyhf's order of operations: a²·(a²·(3a² − 10) + 15)
      c[at + 2] = alpha;
      c[at + 3] = a2 * (a2 * (a2 * 3.0 - 10.0) + 15.0);
      dc[at + 2] = 1;
      dc[at + 3] = alpha * (30 + a2 * (-40 + 18 * a2));
    }
  }
}

/** Number of precomputed numbers per multiplicative modifier: hi, lo, ln hi, ln lo, a₁ … a₆. */
export const FACTOR_DATA_SIZE = 10;

/**
 * Precompute a multiplicative code's data for factors `hi` (at α = +1) and `lo` (α = −1): hi, lo, their
 * logarithms and, for code4, pyhf's six polynomial coefficients (α₀ = 1), x = A⁻¹ b.
 */
export function factorData(hi: number, lo: number, out: Float64Array, at: number): void {
  const lnHi = Math.log(hi);
  const lnLo = Math.log(lo);
  out[at] = hi;
  out[at + 1] = lo;
  out[at + 2] = lnHi;
  out[at + 3] = lnLo;
  const a0 = 1;
  const b = [hi - 1, lo - 1, lnHi * hi, -lnLo * lo, lnHi * lnHi * hi, lnLo * lnLo * lo];
  const A = [
    [15.0 / (16 * a0), -15.0 / (16 * a0), -7.0 / 16.0, -7.0 / 16.0, (1.0 / 16) * a0, (-1.0 / 16.0) * a0],
    [3.0 / (2 * a0 ** 2), 3.0 / (2 * a0 ** 2), -9.0 / (16 * a0), 9.0 / (16 * a0), 1.0 / 16, 1.0 / 16],
    [-5.0 / (8 * a0 ** 3), 5.0 / (8 * a0 ** 3), 5.0 / (8 * a0 ** 2), 5.0 / (8 * a0 ** 2), -1.0 / (8 * a0), 1.0 / (8 * a0)],
    [3.0 / (-2 * a0 ** 4), 3.0 / (-2 * a0 ** 4), -7.0 / (-8 * a0 ** 3), 7.0 / (-8 * a0 ** 3), -1.0 / (8 * a0 ** 2), -1.0 / (8 * a0 ** 2)],
    [3.0 / (16 * a0 ** 5), -3.0 / (16 * a0 ** 5), -3.0 / (16 * a0 ** 4), -3.0 / (16 * a0 ** 4), 1.0 / (16 * a0 ** 3), -1.0 / (16 * a0 ** 3)],
    [1.0 / (2 * a0 ** 6), 1.0 / (2 * a0 ** 6), -5.0 / (16 * a0 ** 5), 5.0 / (16 * a0 ** 5), 1.0 / (16 * a0 ** 4), 1.0 / (16 * a0 ** 4)],
  ];
  for (let r = 0; r < 6; r++) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += A[r]![k]! * b[k]!;
    out[at + 4 + r] = s;
  }
}

/**
 * The factor f(α) of a multiplicative code and its derivative, `[f, df/dα]` written to `out`:
 * - code1: hi^α for α > 0, lo^(−α) otherwise;
 * - code4: hi^α for α ≥ 1, lo^(−α) for α ≤ −1, 1 + Σᵢ aᵢ αⁱ inside (pyhf's code4, α₀ = 1).
 */
export function normsysFactor(code: number, alpha: number, data: Float64Array, at: number, out: Float64Array): void {
  if (code === CODE_ID.code1) {
    if (alpha > 0) {
      const f = Math.pow(data[at]!, alpha);
      out[0] = f;
      out[1] = f * data[at + 2]!;
    } else {
      const f = Math.pow(data[at + 1]!, -alpha);
      out[0] = f;
      out[1] = -f * data[at + 3]!;
    }
    return;
  }
  if (alpha >= 1) {
    const f = Math.pow(data[at]!, alpha);
    out[0] = f;
    out[1] = f * data[at + 2]!;
  } else if (alpha > -1) {
    const a1 = data[at + 4]!;
    const a2 = data[at + 5]!;
    const a3 = data[at + 6]!;
    const a4 = data[at + 7]!;
    const a5 = data[at + 8]!;
    const a6 = data[at + 9]!;
    const x2 = alpha * alpha;
    const x3 = x2 * alpha;
    const x4 = x2 * x2;
    const x5 = x4 * alpha;
    const x6 = x3 * x3;
    out[0] = 1 + (a1 * alpha + a2 * x2 + a3 * x3 + a4 * x4 + a5 * x5 + a6 * x6);
    out[1] = a1 + 2 * a2 * alpha + 3 * a3 * x2 + 4 * a4 * x3 + 5 * a5 * x4 + 6 * a6 * x5;
  } else {
    const f = Math.pow(data[at + 1]!, -alpha);
    out[0] = f;
    out[1] = -f * data[at + 3]!;
  }
}
