import { describe, expect, it } from 'vitest';
import { isHistSerialError } from '../src/errors.js';
import { hesse, hessian } from '../src/fit/hesse.js';
import { profileScan } from '../src/fit/infer.js';
import { cholesky, choleskySolve, invert, invertSymmetric, luSolve } from '../src/fit/linalg.js';
import { fixParameters, MINIMIZE_STATUS, minimize } from '../src/fit/minimize.js';
import type { Objective } from '../src/fit/objective.js';

/** An objective from a value function and (optionally) its gradient. */
function objective(
  f: (x: Float64Array) => number,
  init: number[],
  opts: { grad?: (x: Float64Array, g: Float64Array) => void; lower?: number[]; upper?: number[]; fixed?: boolean[]; scale?: 1 | 2 } = {},
): Objective {
  const n = init.length;
  return {
    names: init.map((_, i) => `p${i}`),
    init: Float64Array.from(init),
    lower: Float64Array.from(opts.lower ?? new Array<number>(n).fill(-Infinity)),
    upper: Float64Array.from(opts.upper ?? new Array<number>(n).fill(Infinity)),
    fixed: opts.fixed ?? new Array<boolean>(n).fill(false),
    value: f,
    ...(opts.grad
      ? {
          valueAndGradient: (x: Float64Array, g: Float64Array) => {
            opts.grad!(x, g);
            return f(x);
          },
        }
      : {}),
    ...(opts.scale ? { scale: opts.scale } : {}),
  };
}

const rosenbrock = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return s;
};
const rosenbrockGrad = (x: Float64Array, g: Float64Array) => {
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! ** 2;
    g[i] = g[i]! - 400 * a * x[i]! - 2 * (1 - x[i]!);
    g[i + 1] = g[i + 1]! + 200 * a;
  }
};

describe('minimize: standard problems', () => {
  it('finds the minimum of the 2-d Rosenbrock function from (-1.2, 1)', () => {
    const fit = minimize(objective(rosenbrock, [-1.2, 1], { grad: rosenbrockGrad }));
    expect(fit.converged).toBe(true);
    expect(fit.status).toBe(MINIMIZE_STATUS.CONVERGED);
    expect(fit.x[0]).toBeCloseTo(1, 7);
    expect(fit.x[1]).toBeCloseTo(1, 7);
    expect(fit.fval).toBeLessThan(1e-14);
    expect(fit.edm).toBeLessThan(1e-8);
  });

  it('finds the minimum of the 10-d Rosenbrock function with and without an analytic gradient', () => {
    const init = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1.2));
    for (const grad of [rosenbrockGrad, undefined]) {
      const fit = minimize(objective(rosenbrock, init, grad ? { grad } : {}));
      expect(fit.converged).toBe(true);
      for (const v of fit.x) expect(v).toBeCloseTo(1, 5);
    }
  });

  it('stops on the bound of a bounded Rosenbrock function (minimum moved to the bound)', () => {
    // x0 <= 0.5: the constrained minimum is at x0 = 0.5, x1 = 0.25
    const fit = minimize(objective(rosenbrock, [-1.2, 1], { grad: rosenbrockGrad, upper: [0.5, Infinity] }));
    expect(fit.converged).toBe(true);
    expect(fit.x[0]).toBe(0.5);
    expect(fit.x[1]).toBeCloseTo(0.25, 8);
    expect(fit.atBound).toEqual([true, false]);
  });

  it('keeps fixed parameters at their starting values and minimises the rest', () => {
    const fit = minimize(objective(rosenbrock, [0.5, 3], { grad: rosenbrockGrad, fixed: [true, false] }));
    expect(fit.x[0]).toBe(0.5);
    expect(fit.x[1]).toBeCloseTo(0.25, 9);
    expect(fit.fixed).toEqual([true, false]);
    // and through fixParameters, overriding the start
    const fit2 = minimize(fixParameters(objective(rosenbrock, [0, 0], { grad: rosenbrockGrad }), { 1: 4 }));
    expect(fit2.x[1]).toBe(4);
    // d/dx0 = -400 x0 (4 - x0²) - 2 (1 - x0) = 0
    const x0 = fit2.x[0]!;
    expect(Math.abs(-400 * x0 * (4 - x0 * x0) - 2 * (1 - x0))).toBeLessThan(1e-6);
  });

  it('minimises a badly scaled quadratic with many bounds active', () => {
    const n = 30;
    const scales = Array.from({ length: n }, (_, i) => 10 ** ((i % 7) - 3));
    const target = Array.from({ length: n }, (_, i) => (i % 3) - 1.2);
    const f = (x: Float64Array) => x.reduce((s, v, i) => s + scales[i]! * (v - target[i]!) ** 2 + 0.1 * (i > 0 ? (v - x[i - 1]!) ** 2 : 0), 0);
    const lower = new Array<number>(n).fill(-1);
    const upper = new Array<number>(n).fill(0.5);
    const fit = minimize(objective(f, new Array<number>(n).fill(0), { lower, upper }));
    expect(fit.converged).toBe(true);
    // KKT: at a bound the gradient points outward, inside it vanishes
    const g = numericGradient(f, fit.x);
    for (let i = 0; i < n; i++) {
      const xi = fit.x[i]!;
      expect(xi).toBeGreaterThanOrEqual(-1);
      expect(xi).toBeLessThanOrEqual(0.5);
      if (xi === -1) expect(g[i]).toBeGreaterThan(-1e-6);
      else if (xi === 0.5) expect(g[i]).toBeLessThan(1e-6);
      // inside: the step to the minimum, g / H, is negligible (H = 2 scale + 0.4 on the diagonal)
      else expect(Math.abs(g[i]!) / (2 * scales[i]! + 0.4)).toBeLessThan(1e-5);
    }
  });

  it('handles Beale, Booth and a 2-d problem whose start is outside the bounds', () => {
    const beale = (x: Float64Array) =>
      (1.5 - x[0]! + x[0]! * x[1]!) ** 2 + (2.25 - x[0]! + x[0]! * x[1]! ** 2) ** 2 + (2.625 - x[0]! + x[0]! * x[1]! ** 3) ** 2;
    const fb = minimize(objective(beale, [1, 1]));
    expect(fb.x[0]).toBeCloseTo(3, 5);
    expect(fb.x[1]).toBeCloseTo(0.5, 5);
    const booth = (x: Float64Array) => (x[0]! + 2 * x[1]! - 7) ** 2 + (2 * x[0]! + x[1]! - 5) ** 2;
    const fo = minimize(objective(booth, [20, -20], { lower: [-10, -10], upper: [10, 10] }));
    expect(fo.x[0]).toBeCloseTo(1, 8);
    expect(fo.x[1]).toBeCloseTo(3, 8);
  });

  it('does nothing (and converges) when every parameter is fixed', () => {
    const fit = minimize(objective(rosenbrock, [0, 0], { fixed: [true, true] }));
    expect(fit.converged).toBe(true);
    expect(fit.fval).toBe(1);
    expect(fit.edm).toBe(0);
  });

  it('throws NON_FINITE_VALUE when the objective is NaN at the start, INVALID_ARGUMENT for a wrong x0', () => {
    let err: unknown;
    try {
      minimize(objective(() => NaN, [0]));
    } catch (e) {
      err = e;
    }
    expect(isHistSerialError(err, 'NON_FINITE_VALUE')).toBe(true);
    expect(() => minimize(objective(rosenbrock, [0, 0]), { x0: [1] })).toThrow(/x0 has 1 entries; expected 2/);
  });

  it('backs off where the objective is undefined (log of a negative number)', () => {
    // -2 ln L of a Poisson count 5 with mean exp-free rate r (undefined for r <= 0, no bound given)
    const f = (x: Float64Array) => 2 * (x[0]! - 5 * Math.log(x[0]!));
    const fit = minimize(objective(f, [0.1], { grad: (x, g) => void (g[0] = 2 * (1 - 5 / x[0]!)) }));
    expect(fit.converged).toBe(true);
    expect(fit.x[0]).toBeCloseTo(5, 8);
  });

  it('reports a call limit', () => {
    const fit = minimize(objective(rosenbrock, [-1.2, 1], { grad: rosenbrockGrad }), { maxIterations: 3, polish: false });
    expect(fit.converged).toBe(false);
    expect(fit.status).toBe(MINIMIZE_STATUS.CALL_LIMIT);
    expect(fit.message).toMatch(/call limit/);
  });
});

function numericGradient(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  const xt = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
    xt[i] = x[i]! + h;
    const fp = f(xt);
    xt[i] = x[i]! - h;
    const fm = f(xt);
    xt[i] = x[i]!;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

describe('hesse', () => {
  // −2 ln L of a correlated 3-d Gaussian: (x − m)ᵀ C⁻¹ (x − m), so the covariance is C exactly
  const C = [
    [4, 1.2, -0.2],
    [1.2, 1, 0.3],
    [-0.2, 0.3, 0.25],
  ];
  const m = [1, -2, 0.5];
  const Cinv = invertSymmetric(Float64Array.from(C.flat()), 3).inverse;
  const gauss = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += (x[i]! - m[i]!) * Cinv[i * 3 + j]! * (x[j]! - m[j]!);
    return s + 7.5; // a constant, as −2 ln L has
  };
  const gaussGrad = (x: Float64Array, g: Float64Array) => {
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += 2 * Cinv[i * 3 + j]! * (x[j]! - m[j]!);
      g[i] = s;
    }
  };

  it.each([
    ['analytic gradient', true],
    ['values only', false],
  ])('gives the covariance, errors and correlation of a Gaussian −2 ln L (%s)', (_, withGrad) => {
    const obj = objective(gauss, [0, 0, 0], withGrad ? { grad: gaussGrad } : {});
    const fit = minimize(obj);
    expect(fit.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(fit.x[i]).toBeCloseTo(m[i]!, 7);
    expect(fit.fval).toBeCloseTo(7.5, 10);
    const h = hesse(obj, fit.x);
    expect(h.quality).toBe(3);
    const digits = withGrad ? 7 : 5;
    for (let i = 0; i < 3; i++) {
      expect(h.errors[i]).toBeCloseTo(Math.sqrt(C[i]![i]!), digits);
      for (let j = 0; j < 3; j++) {
        expect(h.covariance[i * 3 + j]).toBeCloseTo(C[i]![j]!, digits);
        expect(h.correlation[i * 3 + j]).toBeCloseTo(C[i]![j]! / Math.sqrt(C[i]![i]! * C[j]![j]!), digits);
      }
    }
  });

  it('uses scale 1 for −ln L (errordef 0.5)', () => {
    const obj = objective((x) => 0.5 * gauss(x), [0, 0, 0], { grad: (x, g) => (gaussGrad(x, g), g.forEach((v, i) => (g[i] = 0.5 * v))), scale: 1 });
    const h = hesse(obj, minimize(obj).x);
    for (let i = 0; i < 3; i++) expect(h.errors[i]).toBeCloseTo(Math.sqrt(C[i]![i]!), 6);
  });

  it('gives fixed parameters zero error and the conditional covariance to the others', () => {
    const obj = objective(gauss, [0, 0, 0.5], { grad: gaussGrad, fixed: [false, false, true] });
    const fit = minimize(obj);
    const h = hesse(obj, fit.x);
    expect(h.errors[2]).toBe(0);
    expect(h.hessian.free).toEqual(Int32Array.of(0, 1));
    // conditional covariance of (0, 1) given 2: inverse of the (0, 1) block of C⁻¹
    const block = Float64Array.of(Cinv[0]!, Cinv[1]!, Cinv[3]!, Cinv[4]!);
    const cond = invertSymmetric(block, 2).inverse;
    expect(h.errors[0]).toBeCloseTo(Math.sqrt(cond[0]!), 6);
    expect(h.errors[1]).toBeCloseTo(Math.sqrt(cond[3]!), 6);
    expect(h.correlation[2 * 3 + 2]).toBe(1);
    expect(h.correlation[0 * 3 + 2]).toBe(0);
  });

  it('gives a parameter stuck at its bound the error it would have without the bound', () => {
    // Poisson −2 ln L for n = 3 events with mean s + b, b = 5: s wants to be −2, bound s >= 0
    const b = 5;
    const n = 3;
    const f = (x: Float64Array) => 2 * (x[0]! + b - n * Math.log(x[0]! + b));
    const obj = objective(f, [1], { grad: (x, g) => void (g[0] = 2 * (1 - n / (x[0]! + b))), lower: [0], upper: [10] });
    const fit = minimize(obj);
    expect(fit.converged).toBe(true);
    expect(fit.x[0]).toBe(0);
    expect(fit.atBound).toEqual([true]);
    const h = hesse(obj, fit.x);
    // d²f/ds² = 2 n / (s + b)², error = sqrt(2 / H) = (s + b) / sqrt(n) at s = 0
    expect(h.errors[0]).toBeCloseTo(b / Math.sqrt(n), 6);
  });

  it('takes one-sided differences where the objective is undefined beyond a bound', () => {
    // defined only for x >= 0; minimum on the bound at 0
    const f = (x: Float64Array) => (x[0]! < 0 ? NaN : (x[0]! + 1) ** 2 + x[1]! ** 2);
    const obj = objective(f, [1, 1], { lower: [0, -Infinity] });
    const h = hessian(obj, Float64Array.of(0, 0));
    expect(h.values[0]).toBeCloseTo(2, 4);
    expect(h.values[3]).toBeCloseTo(2, 4);
  });

  it('forces a singular Hessian positive definite (quality 2)', () => {
    // depends on x0 + x1 only: a flat direction
    const obj = objective((x) => (x[0]! + x[1]! - 1) ** 2, [0, 0], { grad: (x, g) => void g.fill(2 * (x[0]! + x[1]! - 1)) });
    const h = hesse(obj, Float64Array.of(0.5, 0.5));
    expect(h.positiveDefinite).toBe(false);
    expect(h.quality).toBe(2);
    expect(h.errors.every(Number.isFinite)).toBe(true);
  });
});

describe('profileScan', () => {
  it('gives −2ΔlnL = ((x − m)/σ_profile)² for a correlated Gaussian, re-minimising the other parameters', () => {
    // 2-d Gaussian with σ = (2, 1), ρ = 0.6: the profile of x0 is a parabola of width σ0 = 2
    const s0 = 2;
    const s1 = 1;
    const rho = 0.6;
    const det = 1 - rho * rho;
    const f = (x: Float64Array) => {
      const a = (x[0]! - 1) / s0;
      const b = (x[1]! + 1) / s1;
      return (a * a - 2 * rho * a * b + b * b) / det;
    };
    const obj = objective(f, [0, 0]);
    const values = [-3, -1, 0, 1, 2, 3, 5];
    const scan = profileScan(obj, 0, values);
    expect(scan.points).toEqual(values);
    for (let k = 0; k < values.length; k++) {
      expect(scan.values[k]).toBeCloseTo(((values[k]! - 1) / s0) ** 2, 7);
      // the other parameter follows its conditional mean
      expect(scan.parameters[k]![1]).toBeCloseTo(-1 + (rho * s1 * (values[k]! - 1)) / s0, 5);
    }
    expect(scan.minimum.x[0]).toBeCloseTo(1, 7);
    expect(scan.converged.every(Boolean)).toBe(true);
  });
});

describe('linalg', () => {
  /** A seeded random symmetric positive-definite matrix A = B Bᵀ + n I. */
  function spd(n: number, seed: number): Float64Array {
    let state = seed;
    const rnd = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const B = Float64Array.from({ length: n * n }, rnd);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!;
        A[i * n + j] = s;
      }
    }
    return A;
  }
  const product = (A: Float64Array, X: Float64Array, n: number) => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] = out[i * n + j]! + A[i * n + k]! * X[k * n + j]!;
    return out;
  };

  it.each([1, 2, 7, 60])('inverts a %i × %i positive-definite matrix by Cholesky and by LU', (n) => {
    const A = spd(n, n);
    for (const inv of [invertSymmetric(A, n).inverse, invert(A, n)!]) {
      const I = product(A, inv, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(I[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 10);
    }
    expect(invertSymmetric(A, n).positiveDefinite).toBe(true);
    const b = Float64Array.from({ length: n }, (_, i) => i - 1.5);
    for (const x of [choleskySolve(cholesky(A, n)!, n, b), luSolve(A, n, b)!]) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k]! * x[k]!;
        expect(s).toBeCloseTo(b[i]!, 10);
      }
    }
  });

  it('refuses what it cannot factorise: Cholesky of an indefinite matrix, LU of a singular one', () => {
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(luSolve(Float64Array.of(1, 2, 2, 4), 2, [1, 1])).toBeNull();
    expect(invert(Float64Array.of(0, 0, 0, 0), 2)).toBeNull();
    // pivoting: a zero on the diagonal is fine
    expect(Array.from(luSolve(Float64Array.of(0, 1, 1, 0), 2, [2, 3])!)).toEqual([3, 2]);
  });

  it('forces an indefinite matrix positive definite before inverting (eigenvalues raised)', () => {
    const r = invertSymmetric(Float64Array.of(2, 0, 0, -1), 2);
    expect(r.positiveDefinite).toBe(false);
    expect(r.forced).toBe(true);
    expect(r.minEigenvalue).toBeCloseTo(-1, 12);
    expect(r.inverse[0]).toBeCloseTo(0.5, 12);
    expect(r.inverse[3]).toBeGreaterThan(0);
  });
});
