/**
 * Validation of fit results: the JSON Schema (`schema/fit-result/1/`), then the rules a schema cannot
 * express (spec.md 7.5): unique parameter names, references to parameters, matrix shapes and
 * symmetry, variances, correlations, MINOS signs, bounds, scan and CLs column lengths, probabilities.
 * Every issue is returned with a JSON pointer into the document; nothing is thrown for bad content.
 * @module
 */
import { issue, pointer, type Issue } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { extrasToRaw } from '../model/extras.js';
import type { NDArray } from '../model/ndarray.js';
import { validateSchema } from '../schema/validator.js';
import { readNumbers, type Numbers, type Resources } from './arrays.js';

/** The `fit_result_schema` version this library reads and writes. */
export const FIT_RESULT_SCHEMA_VERSION = 1;

/** Expected bands of a hypothesis test when it does not list them: −2σ … +2σ. */
export const DEFAULT_EXPECTED_BANDS: readonly number[] = [-2, -1, 0, 1, 2];

/** At most this many issues of one kind are reported per matrix (an n × n matrix could give n² of them). */
const MAX_MATRIX_ISSUES = 20;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Is this parsed JSON a fit-result document: one fit result (it has `fit_result_schema`) or a
 * non-empty map whose every value is one? Detection by content, for `hist-serial validate`.
 *
 * @example
 * ```ts
 * isFitResultDocument({ fit_result_schema: 1, parameters: [] }); // true
 * isFitResultDocument({ h1: { uhi_schema: 1, axes: [], storage: { type: 'double' } } }); // false
 * ```
 */
export function isFitResultDocument(json: unknown): boolean {
  if (!isObject(json)) return false;
  if ('fit_result_schema' in json) return true;
  const values = Object.values(json);
  return values.length > 0 && values.every((v) => isObject(v) && 'fit_result_schema' in v);
}

/** Options of {@link checkFitResult}. */
export interface CheckFitResultOptions {
  /** JSON pointer of the document inside a larger one (`/fit_results` in a native container). */
  basePath?: string;
}

/**
 * Validate a fit-result document — one fit result (recognised by `fit_result_schema`) or a map of
 * them — against the schema and the semantic rules. Array positions may hold inline numbers,
 * {@link NDArray}s, or keys into `resources`. Returns every issue; `[]` when valid.
 *
 * @example
 * ```ts
 * const issues = checkFitResult(JSON.parse(text));
 * const errors = issues.filter((i) => i.severity === 'error');
 * ```
 */
export function checkFitResult(json: unknown, resources?: Resources, options: CheckFitResultOptions = {}): Issue[] {
  const base = options.basePath ?? '';
  if (!isObject(json)) {
    const kind = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
    return [issue('SCHEMA', base, MESSAGES.fitResultNotObject(base, kind))];
  }
  if ('fit_result_schema' in json) return checkOne(json, base, resources);
  return Object.keys(json).flatMap((name) => checkOne(json[name], pointer(base, name), resources));
}

/** Schema, then semantics, of one fit result at `path`. */
function checkOne(fit: unknown, path: string, resources: Resources | undefined): Issue[] {
  const version = isObject(fit) ? fit.fit_result_schema : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > FIT_RESULT_SCHEMA_VERSION) {
    const p = pointer(path, 'fit_result_schema');
    return [issue('UNSUPPORTED_VERSION', p, MESSAGES.fitResultVersion(p, version, FIT_RESULT_SCHEMA_VERSION))];
  }
  // NDArrays become keys for the schema (which knows JSON only) and join the resources, under keys
  // that start with a NUL character (no writer names an array so).
  const all = new Map<string, NDArray>(resources ?? []);
  const json = isObject(fit) ? extrasToRaw(fit, (key, arr) => (all.set(`\0${key}`, arr), `\0${key}`)) : fit;
  const schemaIssues = validateSchema('fit-result', json, path);
  if (schemaIssues.length) return schemaIssues;
  return new Checker(json as Json, path, all).run();
}

/** The semantic rules of spec.md 7.5, for one schema-valid fit result. */
class Checker {
  readonly issues: Issue[] = [];
  /** Parameter name → its index in `parameters`. */
  readonly index = new Map<string, number>();
  readonly listed: boolean;

  constructor(
    readonly fit: Json,
    readonly path: string,
    readonly resources: Resources,
  ) {
    this.listed = Array.isArray(fit.parameters);
  }

  private at(...tokens: (string | number)[]): string {
    return pointer(this.path, ...tokens);
  }

  private error(code: Issue['code'], path: string, message: string, severity: Issue['severity'] = 'error'): void {
    this.issues.push(issue(code, path, message, severity));
  }

  private get parameters(): Json[] {
    return (this.fit.parameters as Json[] | undefined) ?? [];
  }

  run(): Issue[] {
    this.checkParameters();
    // Hesse errors are not checked against the covariance diagonal: MINUIT's errors of bounded
    // parameters come through its bound transformation and differ from it (spec.md 7.3).
    this.checkMatrix('covariance');
    this.checkMatrix('correlation');
    ((this.fit.scans as Json[] | undefined) ?? []).forEach((s, i) => this.checkScan(s, i));
    ((this.fit.intervals as Json[] | undefined) ?? []).forEach((iv, i) => this.checkInterval(iv, i));
    ((this.fit.pulls as Json[] | undefined) ?? []).forEach((p, i) => this.reference(p.parameter as string, this.at('pulls', i, 'parameter')));
    ((this.fit.hypothesis_tests as Json[] | undefined) ?? []).forEach((t, i) => this.checkHypothesisTest(t, i));
    return this.issues;
  }

  /** A name used elsewhere must be a listed parameter (only checked when the fit lists its parameters). */
  private reference(name: string, path: string): boolean {
    if (!this.listed || this.index.has(name)) return true;
    this.error('UNKNOWN_PARAMETER', path, MESSAGES.unknownParameter(path, name, [...this.index.keys()]));
    return false;
  }

  private checkParameters(): void {
    this.parameters.forEach((p, k) => {
      const name = p.name as string;
      const first = this.index.get(name);
      if (first !== undefined) {
        this.error('DUPLICATE_PARAMETER', this.at('parameters', k, 'name'), MESSAGES.duplicateParameter(this.at('parameters', k, 'name'), name, this.at('parameters', first, 'name')));
      } else this.index.set(name, k);
      const minos = p.minos as { lower: number; upper: number } | undefined;
      if (minos && minos.lower > 0) this.error('MINOS_SIGN', this.at('parameters', k, 'minos', 'lower'), MESSAGES.minosSign(this.at('parameters', k, 'minos', 'lower'), 'lower', minos.lower));
      if (minos && minos.upper < 0) this.error('MINOS_SIGN', this.at('parameters', k, 'minos', 'upper'), MESSAGES.minosSign(this.at('parameters', k, 'minos', 'upper'), 'upper', minos.upper));
      const bounds = p.bounds as { lower?: number; upper?: number } | undefined;
      if (!bounds) return;
      const { lower, upper } = bounds;
      if (lower !== undefined && upper !== undefined && lower > upper) {
        this.error('INTERVAL_ORDER', this.at('parameters', k, 'bounds'), MESSAGES.intervalOrder(this.at('parameters', k, 'bounds'), lower, upper, 'Bounds'));
      } else if ((lower !== undefined && (p.value as number) < lower) || (upper !== undefined && (p.value as number) > upper)) {
        this.error('VALUE_OUT_OF_BOUNDS', this.at('parameters', k, 'value'), MESSAGES.valueOutOfBounds(this.at('parameters', k, 'value'), p.value as number, lower, upper), 'warning');
      }
    });
  }

  /** Shape, names and values of `covariance` or `correlation`. */
  private checkMatrix(field: 'covariance' | 'correlation'): void {
    const matrix = this.fit[field] as Json | undefined;
    if (!matrix) return;
    let names: string[];
    if (Array.isArray(matrix.parameters)) {
      names = matrix.parameters as string[];
      let known = true;
      names.forEach((n, i) => (known = this.reference(n, this.at(field, 'parameters', i)) && known));
      if (!known) return;
    } else if (this.listed) {
      names = this.parameters.map((p) => p.name as string);
    } else {
      this.error('UNKNOWN_PARAMETER', this.at(field), MESSAGES.matrixUnknownOrder(this.at(field)));
      return;
    }
    const vpath = this.at(field, 'values');
    const m = readNumbers(matrix.values, vpath, this.resources, this.issues);
    if (!m) return;
    const n = names.length;
    if (m.shape.length !== 2 || m.shape[0] !== n || m.shape[1] !== n) {
      this.error('SHAPE_MISMATCH', vpath, MESSAGES.shapeMismatch(vpath, m.shape, [n, n], `one row and one column per parameter, ${n} parameters`));
      return;
    }
    const fixed = names.map((name) => this.parameters[this.index.get(name) ?? -1]?.fixed === true);
    const el = (i: number, j: number) => pointer(vpath, i, j);
    const d = m.data;
    let asym = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const dii = d[i * n + i]!;
      if (field === 'covariance') {
        if (!(dii > 0) && !(dii === 0 && fixed[i]) && bad++ < MAX_MATRIX_ISSUES) this.error('NEGATIVE_VARIANCE', el(i, i), MESSAGES.negativeVariance(el(i, i), dii, names[i]!));
      } else if (!(Math.abs(dii - 1) <= 1e-9) && !(dii === 0 && fixed[i]) && bad++ < MAX_MATRIX_ISSUES) {
        this.error('CORRELATION_RANGE', el(i, i), MESSAGES.correlationDiagonal(el(i, i), dii, names[i]!));
      }
      for (let j = i + 1; j < n; j++) {
        const a = d[i * n + j]!;
        const b = d[j * n + i]!;
        const scale = field === 'covariance' ? Math.sqrt(Math.abs(dii * d[j * n + j]!)) : 1;
        if (!(Math.abs(a - b) <= 1e-9 * scale) && !(Number.isNaN(a) && Number.isNaN(b)) && asym++ < MAX_MATRIX_ISSUES) {
          this.error('MATRIX_NOT_SYMMETRIC', el(i, j), MESSAGES.matrixNotSymmetric(el(i, j), a, b, i, j));
        }
        if (field === 'correlation') {
          for (const [v, p] of [[a, el(i, j)], [b, el(j, i)]] as const) {
            if (!(Math.abs(v) <= 1 + 1e-9) && bad++ < MAX_MATRIX_ISSUES) this.error('CORRELATION_RANGE', p, MESSAGES.correlationRange(p, v));
          }
        }
      }
    }
  }

  private checkScan(scan: Json, s: number): void {
    const axes = scan.axes as Json[];
    const lengths: number[] = [];
    const seen = new Set<string>();
    axes.forEach((axis, a) => {
      const name = axis.parameter as string;
      const ppath = this.at('scans', s, 'axes', a, 'parameter');
      if (seen.has(name)) this.error('DUPLICATE_PARAMETER', ppath, MESSAGES.duplicateParameter(ppath, name, this.at('scans', s, 'axes', 0, 'parameter')));
      seen.add(name);
      this.reference(name, ppath);
      const points = this.vector(axis.points, this.at('scans', s, 'axes', a, 'points'));
      if (points) lengths.push(points.data.length);
    });
    const vpath = this.at('scans', s, 'values');
    const values = readNumbers(scan.values, vpath, this.resources, this.issues);
    if (!values || lengths.length !== axes.length) return;
    if (values.shape.length !== lengths.length || values.shape.some((x, i) => x !== lengths[i])) {
      this.error('SHAPE_MISMATCH', vpath, MESSAGES.shapeMismatch(vpath, values.shape, lengths, 'one value per grid point: the points of each axis'));
    }
  }

  private checkInterval(iv: Json, i: number): void {
    this.reference(iv.parameter as string, this.at('intervals', i, 'parameter'));
    const { lower, upper } = iv as { lower: number | null; upper: number | null };
    if (lower !== null && upper !== null && lower > upper) {
      this.error('INTERVAL_ORDER', this.at('intervals', i), MESSAGES.intervalOrder(this.at('intervals', i), lower, upper, 'Interval'));
    }
  }

  private checkHypothesisTest(t: Json, i: number): void {
    const at = (...tokens: (string | number)[]) => this.at('hypothesis_tests', i, ...tokens);
    this.reference(t.parameter as string, at('parameter'));
    const points = this.vector(t.points, at('points'));
    const bands = (t.expected_bands as number[] | undefined)?.length ?? DEFAULT_EXPECTED_BANDS.length;
    for (const field of ['cls_obs', 'clsb_obs', 'clb_obs', 'test_statistic_obs', 'cls_exp'] as const) {
      if (t[field] === undefined) continue;
      const p = at(field);
      const v = readNumbers(t[field], p, this.resources, this.issues);
      if (!v) continue;
      const expected = field === 'cls_exp' ? [points?.data.length ?? v.shape[0]!, bands] : [points?.data.length ?? v.shape[0]!];
      if (v.shape.length !== expected.length || v.shape.some((x, k) => x !== expected[k])) {
        const why = field === 'cls_exp' ? 'one row per point, one column per expected band' : 'one value per point';
        this.error('SHAPE_MISMATCH', p, MESSAGES.shapeMismatch(p, v.shape, expected, why));
        continue;
      }
      if (field === 'test_statistic_obs') continue;
      let reported = 0;
      v.data.forEach((x, k) => {
        if ((x < 0 || x > 1) && reported++ < MAX_MATRIX_ISSUES) {
          const ep = field === 'cls_exp' ? pointer(p, Math.floor(k / bands), k % bands) : pointer(p, k);
          this.error('PROBABILITY_RANGE', ep, MESSAGES.probabilityRange(ep, x, field === 'cls_exp' ? 'Expected CLs' : field === 'cls_obs' ? 'CLs' : field === 'clsb_obs' ? 'CLs+b' : 'CLb'));
        }
      });
    }
    const exp = (t.upper_limit as { exp?: number[] } | undefined)?.exp;
    if (exp && exp.length !== bands) {
      const p = at('upper_limit', 'exp');
      this.error('SHAPE_MISMATCH', p, MESSAGES.shapeMismatch(p, [exp.length], [bands], 'one expected limit per expected band'));
    }
  }

  /** A 1-d array position. */
  private vector(value: unknown, path: string): Numbers | undefined {
    const v = readNumbers(value, path, this.resources, this.issues);
    if (v && v.shape.length !== 1) {
      this.error('SHAPE_MISMATCH', path, MESSAGES.shapeMismatch(path, v.shape, [v.data.length], 'a 1-d array'));
      return undefined;
    }
    return v;
  }
}
