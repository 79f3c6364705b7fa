/**
 * Comparing two fit results — of the same model by two frameworks, or before and after a change:
 * parameters (by name), the minimum (in −ln L units), covariance and correlation (by parameter name).
 * @module
 */
import { pointer } from '../errors.js';
import type { NDArray } from '../model/ndarray.js';
import { readNumbers } from './arrays.js';
import type { FitResult, ParameterMatrix } from './types.js';

/** One difference found by {@link compareFitResults}. */
export interface FitResultDifference {
  /**
   * `value`: numbers differ beyond the tolerance; `missing`: in `a`, not in `b`; `extra`: in `b`,
   * not in `a`; `mismatch`: something that is not a number differs (a flag, a convention, a shape).
   */
  kind: 'value' | 'missing' | 'extra' | 'mismatch';
  /** JSON pointer into `a` (into `b` for `extra`). */
  path: string;
  a?: unknown;
  b?: unknown;
  message: string;
}

/** Options of {@link compareFitResults}. */
export interface CompareFitResultsOptions {
  /** Relative tolerance (default 1e-5, numpy's `isclose`). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /**
   * Parameter values agree when |a − b| ≤ sigma × the larger of their errors (when both have one),
   * instead of the rtol/atol rule: how frameworks are compared (default: not used).
   */
  sigma?: number;
  /** Compare the minimum of the objective (default true; frameworks that drop different constants differ there). */
  minimum?: boolean;
  /** Out-of-band arrays of `a` and `b`, when their array positions hold keys. */
  resourcesA?: ReadonlyMap<string, NDArray>;
  resourcesB?: ReadonlyMap<string, NDArray>;
}

/**
 * Differences between two fit results, numbers compared as numpy's `isclose`:
 * `|a − b| ≤ atol + rtol·|b|` (NaN equals NaN). Compares each parameter's value, error, MINOS errors
 * and `fixed` flag (matched by name), the minimum (−ln L: `twice_nll` halved, offsets added), and
 * the covariance and correlation matrices element by element over the parameters both have (one
 * difference per matrix: the largest, with the count), each element in its own unit σᵢσⱼ:
 * `|a − b| ≤ atol + rtol·√(bᵢᵢ bⱼⱼ)` (for correlations, `atol + rtol`). An empty list means "the same within tolerance".
 *
 * @example
 * ```ts
 * const diffs = compareFitResults(pyhfFit, roofitFit, { rtol: 1e-3 });
 * for (const d of diffs) console.log(d.path, d.message);
 * ```
 */
export function compareFitResults(a: FitResult, b: FitResult, options: CompareFitResultsOptions = {}): FitResultDifference[] {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const close = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= atol + rtol * Math.abs(y);
  const out: FitResultDifference[] = [];
  const num = (path: string, what: string, x: number | undefined, y: number | undefined) => {
    if (x === undefined && y === undefined) return;
    if (x === undefined || y === undefined) {
      out.push({ kind: x === undefined ? 'extra' : 'missing', path, a: x, b: y, message: `${what}: ${x === undefined ? 'only in b' : 'only in a'}` });
    } else if (!close(x, y)) {
      out.push({ kind: 'value', path, a: x, b: y, message: `${what}: ${x} vs ${y} (difference ${x - y})` });
    }
  };

  // parameters, by name
  const pa = a.parameters ?? [];
  const pb = b.parameters ?? [];
  const byName = new Map(pb.map((p, k) => [p.name, { p, k }]));
  pa.forEach((p, k) => {
    const path = pointer('/parameters', k);
    const other = byName.get(p.name)?.p;
    if (!other) {
      out.push({ kind: 'missing', path, a: p.name, message: `parameter ${JSON.stringify(p.name)} is only in a` });
      return;
    }
    const what = `parameter ${JSON.stringify(p.name)}`;
    const scale = Math.max(p.error ?? NaN, other.error ?? NaN);
    if (options.sigma !== undefined && scale > 0) {
      // in units of the errors: |a − b| ≤ sigma σ
      const pulls = Math.abs(p.value - other.value) / scale;
      if (!(pulls <= options.sigma)) out.push({ kind: 'value', path: pointer(path, 'value'), a: p.value, b: other.value, message: `${what} value: ${p.value} vs ${other.value} (${pulls.toPrecision(3)}σ apart, tolerance ${options.sigma}σ)` });
    } else num(pointer(path, 'value'), `${what} value`, p.value, other.value);
    num(pointer(path, 'error'), `${what} error`, p.error, other.error);
    num(pointer(path, 'minos', 'lower'), `${what} MINOS lower error`, p.minos?.lower, other.minos?.lower);
    num(pointer(path, 'minos', 'upper'), `${what} MINOS upper error`, p.minos?.upper, other.minos?.upper);
    if ((p.fixed ?? false) !== (other.fixed ?? false)) {
      out.push({ kind: 'mismatch', path: pointer(path, 'fixed'), a: p.fixed ?? false, b: other.fixed ?? false, message: `${what} is fixed in ${p.fixed ? 'a' : 'b'} only` });
    }
  });
  const names = new Set(pa.map((p) => p.name));
  for (const [name, { k }] of byName) {
    if (!names.has(name)) out.push({ kind: 'extra', path: pointer('/parameters', k), b: name, message: `parameter ${JSON.stringify(name)} is only in b` });
  }

  // the minimum, in -ln L units
  if ((options.minimum ?? true) && (a.minimum || b.minimum)) {
    const ma = a.minimum;
    const mb = b.minimum;
    if (!ma || !mb) {
      out.push({ kind: ma ? 'missing' : 'extra', path: '/minimum', message: `the minimum is only in ${ma ? 'a' : 'b'}` });
    } else if ((ma.objective === 'chi2') !== (mb.objective === 'chi2')) {
      out.push({ kind: 'mismatch', path: '/minimum/objective', a: ma.objective, b: mb.objective, message: `objectives ${ma.objective} and ${mb.objective} cannot be compared` });
    } else {
      const nll = (m: NonNullable<FitResult['minimum']>) => (m.value + (m.offset ?? 0)) / (m.objective === 'twice_nll' ? 2 : 1);
      num('/minimum/value', ma.objective === 'chi2' ? 'minimum chi2' : 'minimum -ln L', nll(ma), nll(mb));
    }
  }

  // matrices, by parameter name
  for (const field of ['covariance', 'correlation'] as const) {
    const ma = a[field];
    const mb = b[field];
    if (!ma && !mb) continue;
    if (!ma || !mb) {
      out.push({ kind: ma ? 'missing' : 'extra', path: `/${field}`, message: `the ${field} matrix is only in ${ma ? 'a' : 'b'}` });
      continue;
    }
    const ra = matrixByName(ma, a, options.resourcesA);
    const rb = matrixByName(mb, b, options.resourcesB);
    if (!ra || !rb) {
      out.push({ kind: 'mismatch', path: `/${field}/values`, message: `the ${field} matrix of ${ra ? 'b' : 'a'} cannot be read (run checkFitResult)` });
      continue;
    }
    const common = ra.names.filter((n) => rb.index.has(n));
    const only = [...ra.names.filter((n) => !rb.index.has(n)), ...rb.names.filter((n) => !ra.index.has(n))];
    if (only.length) out.push({ kind: 'mismatch', path: `/${field}/parameters`, a: ra.names, b: rb.names, message: `the ${field} matrices cover different parameters: ${only.join(', ')} in one only` });
    let count = 0;
    let worst: { i: number; j: number; x: number; y: number; excess: number } | undefined;
    for (const ni of common) {
      for (const nj of common) {
        const i = ra.index.get(ni)!;
        const j = ra.index.get(nj)!;
        const x = ra.at(i, j);
        const bi = rb.index.get(ni)!;
        const bj = rb.index.get(nj)!;
        const y = rb.at(bi, bj);
        // an element's unit is σᵢσⱼ (√ of b's diagonal elements; 1 for correlations): a covariance or
        // correlation near zero compares against that, not against itself
        const unit = Math.max(Math.abs(y), Math.sqrt(Math.abs(rb.at(bi, bi) * rb.at(bj, bj))));
        const allowed = atol + rtol * (Number.isFinite(unit) ? unit : Math.abs(y));
        if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= allowed) continue;
        count++;
        const excess = Number.isNaN(x - y) ? Infinity : Math.abs(x - y) - allowed;
        if (!worst || excess > worst.excess) worst = { i, j, x, y, excess };
      }
    }
    if (worst) {
      out.push({
        kind: 'value',
        path: pointer(`/${field}/values`, worst.i, worst.j),
        a: worst.x,
        b: worst.y,
        message: `${field} differs in ${count} of ${common.length ** 2} elements; the largest at [${ra.names[worst.i]}, ${ra.names[worst.j]}]: ${worst.x} vs ${worst.y}`,
      });
    }
  }
  return out;
}

/** A readable square matrix with its parameter names, or undefined. */
function matrixByName(m: ParameterMatrix, fit: FitResult, resources?: ReadonlyMap<string, NDArray>) {
  const names = m.parameters ?? (fit.parameters ?? []).map((p) => p.name);
  const values = readNumbers(m.values, '', resources, []);
  const n = names.length;
  if (!values || values.shape.length !== 2 || values.shape[0] !== n || values.shape[1] !== n) return undefined;
  return { names, index: new Map(names.map((name, i) => [name, i])), at: (i: number, j: number) => values.data[i * n + j]! };
}
