/**
 * Building fit results: {@link createFitResult} (version marker, inline or out-of-band arrays,
 * validation), {@link correlationFromCovariance}, and the conversion of pyhf's CLs scans.
 * @module
 */
import { HistSerialError, ValidationError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { isNDArray } from '../model/extras.js';
import type { NDArray } from '../model/ndarray.js';
import { FIT_RESULT_1_FIT_RESULT_SCHEMA } from '../types/generated/schemas.js';
import { readNumbers, toNested, type Numbers } from './arrays.js';
import { DEFAULT_EXPECTED_BANDS, FIT_RESULT_SCHEMA_VERSION, checkFitResult } from './check.js';
import type { FitResult, HypothesisTest, LikelihoodScan, MatrixValue, NumberArrayValue, ParameterMatrix } from './types.js';

/**
 * Arrays of at least this many elements (a 32 × 32 matrix) are stored out of band by default; smaller
 * ones stay inline JSON.
 */
export const OUT_OF_BAND_MIN_ELEMENTS = 1024;

/** A matrix as {@link createFitResult} takes it: nested rows, an {@link NDArray}, a key, or a full {@link ParameterMatrix}. */
export type MatrixInput = MatrixValue | ParameterMatrix;

/** What {@link createFitResult} takes: a fit result without its version marker, matrices in any form. */
export interface FitResultInput extends Omit<FitResult, 'fit_result_schema' | 'covariance' | 'correlation'> {
  fit_result_schema?: number;
  covariance?: MatrixInput;
  correlation?: MatrixInput;
}

/** Options of {@link createFitResult}. */
export interface CreateFitResultOptions {
  /**
   * Arrays with at least this many elements become float64 {@link NDArray}s, which the native
   * container stores as buffer views; smaller ones become nested lists, kept inline in the JSON.
   * Default {@link OUT_OF_BAND_MIN_ELEMENTS}; `Infinity` keeps everything inline, `0` nothing.
   */
  outOfBandMinElements?: number;
  /** Validate the result and throw a {@link ValidationError} listing every error (default true). */
  validate?: boolean;
}

/**
 * Make a fit result: adds `fit_result_schema`, wraps bare matrices as `{ values }`, places every
 * array inline or out of band by its size, and validates (spec.md 7). The input is not modified.
 *
 * @example
 * ```ts
 * const fit = createFitResult({
 *   parameters: [{ name: 'mu', value: 1.2, error: 0.3, poi: true }, { name: 'theta', value: -0.1, error: 0.9 }],
 *   covariance: [[0.09, 0.01], [0.01, 0.81]],
 *   minimum: { objective: 'twice_nll', value: 23.19 },
 * });
 * ```
 */
export function createFitResult(input: FitResultInput, options: CreateFitResultOptions = {}): FitResult {
  const min = options.outOfBandMinElements ?? OUT_OF_BAND_MIN_ELEMENTS;
  const { fit_result_schema, covariance, correlation, scans, hypothesis_tests, ...rest } = input;
  // the marker first, as the schema lists it
  const fit: FitResult = { fit_result_schema: fit_result_schema ?? FIT_RESULT_SCHEMA_VERSION, ...rest };
  if (covariance !== undefined) fit.covariance = matrix(covariance, min);
  if (correlation !== undefined) fit.correlation = matrix(correlation, min);
  if (scans) fit.scans = scans.map((s): LikelihoodScan => ({ ...s, axes: s.axes.map((a) => ({ ...a, points: place(a.points, min) as typeof a.points })), values: place(s.values, min) }));
  if (hypothesis_tests) fit.hypothesis_tests = hypothesis_tests.map((t) => placeColumns(t, min));
  // keys in the schema's order (unknown keys last, for validation to report)
  const ordered = Object.fromEntries(
    Object.entries(fit).sort(([a], [b]) => order(a) - order(b)),
  ) as unknown as FitResult;
  if (options.validate ?? true) {
    const issues = checkFitResult(ordered);
    if (issues.some((i) => i.severity === 'error')) throw new ValidationError(issues);
  }
  return ordered;
}

const KEY_ORDER = Object.keys(FIT_RESULT_1_FIT_RESULT_SCHEMA.properties);
const order = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);

function matrix(m: MatrixInput, min: number): ParameterMatrix {
  const wrapped: ParameterMatrix = typeof m === 'object' && !Array.isArray(m) && !isNDArray(m) ? { ...m } : { values: m };
  wrapped.values = place(wrapped.values, min) as MatrixValue;
  return wrapped;
}

function placeColumns(t: HypothesisTest, min: number): HypothesisTest {
  const out: HypothesisTest = { ...t };
  for (const f of ['points', 'cls_obs', 'cls_exp', 'clsb_obs', 'clb_obs', 'test_statistic_obs'] as const) {
    if (out[f] !== undefined) (out as unknown as Record<string, unknown>)[f] = place(out[f], min);
  }
  return out;
}

/** An array position placed by size: a float64 NDArray from `min` elements on, nested lists below. Keys are kept. */
function place(value: NumberArrayValue, min: number): NumberArrayValue {
  if (typeof value === 'string') return value;
  const n = readNumbers(value, '', undefined, []);
  if (!n) return value; // invalid: left for validation to report
  if (n.data.length >= min) return isNDArray(value) && value.dtype === 'f8' ? value : { dtype: 'f8', shape: n.shape, data: n.data };
  return isNDArray(value) ? (toNested(n.shape, n.data) as NumberArrayValue) : value;
}

/**
 * The correlation matrix of a covariance matrix: ρᵢⱼ = Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ), 1 on the diagonal, 0 in the
 * rows and columns of a parameter with zero variance (a fixed parameter). Returns the same form as
 * it is given (nested rows or a float64 {@link NDArray}).
 *
 * @example
 * ```ts
 * correlationFromCovariance([[4, 1], [1, 1]]); // [[1, 0.5], [0.5, 1]]
 * ```
 */
export function correlationFromCovariance(covariance: number[][]): number[][];
export function correlationFromCovariance(covariance: NDArray): NDArray;
export function correlationFromCovariance(covariance: number[][] | NDArray): number[][] | NDArray {
  const issues: Parameters<typeof readNumbers>[3] = [];
  const c = readNumbers(covariance, '', undefined, issues);
  if (!c || c.shape.length !== 2 || c.shape[0] !== c.shape[1]) {
    const shape = c?.shape ?? [];
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.shapeMismatch('the covariance', shape, [shape[0] ?? 0, shape[0] ?? 0], 'a square matrix'));
  }
  const n = c.shape[0]!;
  const sigma = Array.from({ length: n }, (_, i) => Math.sqrt(c.data[i * n + i]!));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const denom = sigma[i]! * sigma[j]!;
      out[i * n + j] = i === j ? 1 : denom > 0 ? c.data[i * n + j]! / denom : 0;
    }
  }
  return isNDArray(covariance) ? { dtype: 'f8', shape: [n, n], data: out } : (toNested([n, n], out) as number[][]);
}

/**
 * `numpy.interp(x, xp, fp)`: piecewise-linear interpolation over increasing `xp`, clamped to the
 * end values outside it.
 */
function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (x < xp[0]!) return fp[0]!;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (x === xp[lo]) return fp[lo]!;
  const slope = (fp[hi]! - fp[lo]!) / (xp[hi]! - xp[lo]!);
  const y = slope * (x - xp[lo]!) + fp[lo]!;
  if (!Number.isNaN(y)) return y;
  const z = slope * (x - xp[hi]!) + fp[hi]!;
  return Number.isNaN(z) && fp[lo] === fp[hi] ? fp[lo]! : z;
}

/**
 * The upper limit of a CLs scan: where CLs falls to 1 − `cl`, by linear interpolation between the
 * scanned points, as pyhf's `linear_grid_scan` does (CLs assumed to decrease along `points`).
 *
 * @example
 * ```ts
 * upperLimitFromScan([0, 1, 2], [1, 0.2, 0.01], 0.95); // ≈ 1.79
 * ```
 */
export function upperLimitFromScan(points: ArrayLike<number>, cls: ArrayLike<number>, cl = 0.95): number {
  const xp = Float64Array.from(cls).reverse();
  const fp = Float64Array.from(points).reverse();
  return interp(1 - cl, xp, fp);
}

/** A CLs scan as pyhf's tests and `pyhf.contrib.viz` keep it: `{testmus, results}`. */
export interface PyhfHypotestScan {
  testmus: number[];
  /** Per point `[CLs_obs, CLs_exp[5]]`, or with tail probabilities `[CLs_obs, [CLsb, CLb], CLs_exp[5]]`; numbers may be 1-element lists. */
  results: unknown[];
}

/** Options of {@link hypothesisTestFromPyhf}. */
export interface HypothesisTestFromPyhfOptions {
  /** The parameter of interest (pyhf's scans do not record it). */
  parameter: string;
  name?: string;
  /** Default `qtilde`, pyhf's default. */
  test_statistic?: HypothesisTest['test_statistic'];
  /** Default `asymptotics`, pyhf's default. */
  calculator?: HypothesisTest['calculator'];
  /** Default 0.95. */
  cl?: number;
  /** Add the observed and expected upper limits, interpolated as pyhf does (default true). */
  upperLimit?: boolean;
}

const scalar = (v: unknown): number => (Array.isArray(v) ? scalar(v[0]) : (v as number));

/**
 * Convert a pyhf CLs scan (`{testmus, results}`, the shape of pyhf's `hypotest_results.json`) to a
 * {@link HypothesisTest}: points, observed and expected CLs, CLs+b and CLb when present, and the
 * upper limits by interpolation.
 *
 * @example
 * ```ts
 * const test = hypothesisTestFromPyhf(JSON.parse(text), { parameter: 'mu' });
 * test.upper_limit?.obs;
 * ```
 */
export function hypothesisTestFromPyhf(scan: PyhfHypotestScan, options: HypothesisTestFromPyhfOptions): HypothesisTest {
  const cl = options.cl ?? 0.95;
  const rows = scan.results as unknown[][];
  const tails = rows.length > 0 && rows[0]!.length === 3;
  const clsObs = rows.map((r) => scalar(r[0]));
  const clsExp = rows.map((r) => (r[tails ? 2 : 1] as unknown[]).map(scalar));
  const test: HypothesisTest = {
    ...(options.name === undefined ? {} : { name: options.name }),
    parameter: options.parameter,
    test_statistic: options.test_statistic ?? 'qtilde',
    calculator: options.calculator ?? 'asymptotics',
    cl,
    points: [...scan.testmus],
    expected_bands: [...DEFAULT_EXPECTED_BANDS],
    cls_obs: clsObs,
    cls_exp: clsExp,
  };
  if (tails) {
    test.clsb_obs = rows.map((r) => scalar((r[1] as unknown[])[0]));
    test.clb_obs = rows.map((r) => scalar((r[1] as unknown[])[1]));
  }
  if (options.upperLimit ?? true) {
    const bands = DEFAULT_EXPECTED_BANDS.map((_, b) => upperLimitFromScan(scan.testmus, clsExp.map((e) => e[b]!), cl));
    test.upper_limit = { obs: upperLimitFromScan(scan.testmus, clsObs, cl), exp: bands, method: 'interpolation' };
  }
  return test;
}

/**
 * The numbers of an array position of a fit result — nested lists, an {@link NDArray}, or a key
 * into `resources` — as float64 with their shape; throws a {@link HistSerialError} when it cannot.
 *
 * @example
 * ```ts
 * const { shape, data } = fitArrayValues(fit.covariance!.values); // shape [n, n], C order
 * ```
 */
export function fitArrayValues(value: NumberArrayValue, resources?: ReadonlyMap<string, NDArray>): Numbers {
  const issues: Parameters<typeof readNumbers>[3] = [];
  const n = readNumbers(value, '', resources, issues);
  if (!n) throw new HistSerialError(issues[0]?.code ?? 'INVALID_ARGUMENT', issues[0]?.message ?? 'not an array');
  return n;
}
