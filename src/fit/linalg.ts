/**
 * Dense linear algebra for the minimiser and Hesse: square matrices as row-major `Float64Array`s.
 * Cholesky and LU are hand-written on typed arrays (they run on every fit, and a general matrix
 * class costs many times the arithmetic); the symmetric eigen-decomposition that forces a
 * Hessian positive definite, needed only when it is not, comes from `ml-matrix`. No IO here.
 * @module
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** The symmetric part (A + Aᵀ)/2 of a row-major `n × n` matrix, as an ml-matrix {@link Matrix}. */
function toSymmetricMatrix(a: ArrayLike<number>, n: number): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    m.set(i, i, a[i * n + i]!);
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      m.set(i, j, v);
      m.set(j, i, v);
    }
  }
  return m;
}

/**
 * LU factorisation with partial pivoting of a row-major `n × n` matrix, in place; returns the row
 * permutation, or `null` when a pivot is zero. Hand-written for the small (2m × 2m) systems of
 * L-BFGS-B, which it solves every iteration: ml-matrix's general `Matrix` costs more there than the
 * arithmetic.
 */
function luFactor(a: Float64Array, n: number): Int32Array | null {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > max) [p, max] = [i, v];
    }
    if (!(max > 0)) return null;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    const pivot = a[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] = a[i * n + k]! / pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - f * a[k * n + j]!;
    }
  }
  return perm;
}

/** Solve with a factorisation from {@link luFactor}: `b` permuted, then forward and back substitution. */
function luSubstitute(lu: Float64Array, perm: Int32Array, n: number, b: ArrayLike<number>, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[perm[i]!]!;
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s / lu[i * n + i]!;
  }
}

/**
 * Solve `A x = b` for a general square `A` (row-major, `n × n`) by LU with partial pivoting;
 * `null` when `A` is singular.
 *
 * @example
 * ```ts
 * luSolve(Float64Array.of(0, 1, 1, 0), 2, [2, 3]); // Float64Array [3, 2]
 * ```
 */
export function luSolve(a: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array | null {
  const lu = Float64Array.from(a);
  const perm = luFactor(lu, n);
  if (!perm) return null;
  const x = new Float64Array(n);
  luSubstitute(lu, perm, n, b, x);
  return x.every(Number.isFinite) ? x : null;
}

/**
 * The inverse of a general square matrix (row-major, `n × n`) by LU; `null` when it is singular.
 *
 * @example
 * ```ts
 * invert(Float64Array.of(2, 0, 0, 4), 2); // Float64Array [0.5, 0, 0, 0.25]
 * ```
 */
export function invert(a: ArrayLike<number>, n: number): Float64Array | null {
  const lu = Float64Array.from(a);
  const perm = luFactor(lu, n);
  if (!perm) return null;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    luSubstitute(lu, perm, n, e, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  return inv.every(Number.isFinite) ? inv : null;
}

/**
 * The Cholesky factor L (row-major lower triangle, `A = L Lᵀ`) of the symmetric part of a row-major
 * `n × n` matrix, or `null` when it is not positive definite. Hand-written on typed arrays: for the
 * Hessians of models with hundreds of parameters it is many times faster than a general matrix class.
 *
 * @example
 * ```ts
 * cholesky(Float64Array.of(4, 2, 2, 5), 2); // Float64Array [2, 0, 1, 2]
 * ```
 */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = L[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = L[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  return L;
}

/** y = L⁻¹ b for a lower-triangular `L` (forward substitution), into `out` (which may be `b`). */
export function forwardSubstitute(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * out[k]!;
    out[i] = s / L[i * n + i]!;
  }
  return out;
}

/** bᵀ A⁻¹ b = |L⁻¹ b|² given the Cholesky factor `L` of `A`; `scratch` (length n) receives L⁻¹ b. */
export function choleskyQuadraticForm(L: Float64Array, n: number, b: ArrayLike<number>, scratch: Float64Array = new Float64Array(n)): number {
  forwardSubstitute(L, n, b, scratch);
  let q = 0;
  for (let i = 0; i < n; i++) q += scratch[i]! * scratch[i]!;
  return q;
}

/** ln det A = 2 Σ ln Lᵢᵢ given the Cholesky factor `L` of `A`. */
export function choleskyLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += 2 * Math.log(L[i * n + i]!);
  return s;
}

/**
 * Solve `A x = b` given the Cholesky factor `L` of `A` ({@link cholesky}).
 *
 * @example
 * ```ts
 * choleskySolve(cholesky(Float64Array.of(4, 2, 2, 5), 2)!, 2, [2, 1]); // Float64Array [0.5, 0]
 * ```
 */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = forwardSubstitute(L, n, b);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/** A⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor `L` of `A` (every inner loop runs along a row). */
function choleskyInverse(L: Float64Array, n: number): Float64Array {
  // R = (Lᵀ)⁻¹ = (L⁻¹)ᵀ, upper triangular, row by row from the bottom:
  // R_i = (e_i − Σ_{k>i} Lᵀ_ik R_k) / Lᵀ_ii, with Lᵀ_ik = L_ki
  const R = new Float64Array(n * n);
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const d = L[ri + i]!;
    R[ri + i] = 1;
    for (let k = i + 1; k < n; k++) {
      const c = L[k * n + i]!;
      if (c === 0) continue;
      const rk = k * n;
      for (let j = k; j < n; j++) R[ri + j] = R[ri + j]! - c * R[rk + j]!;
    }
    for (let j = i; j < n; j++) R[ri + j] = R[ri + j]! / d;
  }
  // A⁻¹ = R Rᵀ: (A⁻¹)_ij = Σ_{k ≥ max(i, j)} R_ik R_jk
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = j; k < n; k++) s += R[ri + k]! * R[rj + k]!;
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/** What {@link invertSymmetric} returns. */
export interface SymmetricInverse {
  /** The inverse (row-major, `n × n`), of the matrix made positive definite when `forced`. */
  inverse: Float64Array;
  /** The matrix was positive definite as given. */
  positiveDefinite: boolean;
  /** Eigenvalues at or below `ε · λmax` were raised to it before inverting (MINUIT's "forced positive definite"). */
  forced: boolean;
  /** The smallest eigenvalue of the matrix as given (computed only when it was not positive definite, else NaN). */
  minEigenvalue: number;
}

/**
 * The inverse of a symmetric matrix (row-major, `n × n`; its symmetric part is used): by Cholesky
 * when it is positive definite,
 * else by an eigen-decomposition whose eigenvalues below `epsilon · λmax` are raised to that
 * value first, as MINUIT forces a Hessian positive definite.
 *
 * @example
 * ```ts
 * invertSymmetric(Float64Array.of(2, 0, 0, 8), 2).inverse; // Float64Array [0.5, 0, 0, 0.125]
 * ```
 */
export function invertSymmetric(a: ArrayLike<number>, n: number, epsilon = 1e-10): SymmetricInverse {
  if (n === 0) return { inverse: new Float64Array(0), positiveDefinite: true, forced: false, minEigenvalue: NaN };
  const L = cholesky(a, n);
  if (L) {
    const inverse = choleskyInverse(L, n);
    if (inverse.every(Number.isFinite)) return { inverse, positiveDefinite: true, forced: false, minEigenvalue: NaN };
  }
  const m = toSymmetricMatrix(a, n);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const max = Math.max(...lambda.map(Math.abs), Number.MIN_VALUE);
  const floor = epsilon * max;
  const inverse = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const inv = 1 / Math.max(lambda[k]!, floor);
    for (let i = 0; i < n; i++) {
      const vik = v.get(i, k) * inv;
      for (let j = 0; j < n; j++) inverse[i * n + j] = inverse[i * n + j]! + vik * v.get(j, k);
    }
  }
  return { inverse, positiveDefinite: false, forced: true, minEigenvalue: Math.min(...lambda) };
}
