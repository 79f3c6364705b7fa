/**
 * Fit results (spec.md 7): every fixture (written by pyhf + iminuit, scripts/make-fit-result-fixtures.py)
 * validates and round-trips exactly through a fit-result JSON file and the native .hsb/.hsj
 * containers; broken variants give the right code and path; compareFitResults; large matrices are
 * stored out of band as buffer views; Python's jsonschema agrees with our schema.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  InlineArray,
  MESSAGES,
  ValidationError,
  checkDocumentFitResults,
  checkFitResult,
  compareFitResults,
  correlationFromCovariance,
  createDocument,
  createFitResult,
  decodeFitResults,
  encodeFitResults,
  extrasFromRaw,
  extrasToRaw,
  fitArrayValues,
  getFitResults,
  hypothesisTestFromPyhf,
  isFitResultDocument,
  isHistSerialError,
  isNDArray,
  parseJson,
  readDocument,
  readFitResults,
  setFitResults,
  toUHI,
  upperLimitFromScan,
  writeDocument,
  writeFitResults,
  type FitResult,
  type HistDocument,
  type Histogram,
  type Issue,
  type NDArray,
  type PyhfHypotestScan,
} from '../src/index.js';
import { PROJECT_DIR, describeReference, ref, refJson } from './helpers/reference.js';
import { requirePython } from './helpers/python.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const FIXTURES = join(PROJECT_DIR, 'fixtures');
const FIT_DIR = join(FIXTURES, 'fit-results');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as {
  fit_results: { files: Record<string, { sha256: string }>; native: Record<string, { sha256: string; same_as: string; fit: string }> };
};

/** One fixture per feature (the file name says which). workspace.32-bin.json is the pyhf model of covariance.large.json. */
const FEATURES = [
  'parameters.hesse.json',
  'minos.json',
  'covariance.inline.json',
  'covariance.large.json',
  'scan.1d.json',
  'scan.2d.json',
  'intervals.json',
  'pulls.json',
  'goodness-of-fit.json',
  'hypotest.cls.json',
  'provenance.json',
  'several-fits.json',
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (file: string): Json => parseJson(readFileSync(join(FIT_DIR, file), 'utf8')).value as Json;
const clone = <T>(x: T): T => structuredClone(x);
const locations = (issues: readonly Issue[]) => issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity }));
const errorsOf = (issues: readonly Issue[]) => issues.filter((i) => i.severity === 'error').map((i) => ({ code: i.code, path: i.path }));

/** The value with every NDArray as nested lists (C order), for exact comparisons with the JSON. */
function nested(value: unknown): unknown {
  if (isNDArray(value)) {
    const data = Array.from(value.data as Float64Array, Number);
    if (value.shape.length === 1) return data;
    const [rows, cols] = value.shape as [number, number];
    return Array.from({ length: rows }, (_, i) => data.slice(i * cols, (i + 1) * cols));
  }
  if (Array.isArray(value)) return value.map(nested);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nested(v)]));
  return value;
}

/** Deep equality where numbers must be identical (Object.is: NaN equals NaN, -0 differs from 0). */
function expectExact(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number') {
    expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).toBe(true);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => expectExact((actual as unknown[])[i], e, `${path}/${i}`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectExact((actual as Json)[k], e, `${path}/${k}`);
  } else {
    expect(actual, path).toBe(expected);
  }
}

/** A small histogram to carry the fit results in a native container. */
function hist(): Histogram {
  return {
    axes: [{ type: 'regular', lower: 0, upper: 2, bins: 2, underflow: false, overflow: false, circular: false }],
    storage: { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [2], data: Float64Array.of(122, 112) } } },
  };
}

/** The fit results of a fixture as a map (a single fit result gets the name `fit`). */
const asMap = (json: Json): Record<string, Json> => ('fit_result_schema' in json ? { fit: json } : json);

/** The bytes of a .hsb file's JSON envelope. */
function envelopeOf(bytes: Uint8Array): Json {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(16, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + length)).trimEnd()) as Json;
}

describe.each(FEATURES)('fixture %s', (file) => {
  const json = fixture(file);

  it('matches its sha256 in the manifest', () => {
    const entry = manifest.fit_results.files[`fit-results/${file}`]!;
    expect(createHash('sha256').update(readFileSync(join(FIT_DIR, file))).digest('hex')).toBe(entry.sha256);
  });

  it('is recognised by content and validates without any issue', () => {
    expect(isFitResultDocument(json)).toBe(true);
    expect(checkFitResult(json)).toEqual([]);
  });

  it('round-trips exactly through a fit-result JSON file', async () => {
    const before = JSON.stringify(json);
    const path = join(dir, `rt.${file}`);
    await writeFitResults(path, json as FitResult);
    const back = await readFitResults(path);
    expectExact(back, asMap(json));
    expect(JSON.stringify(json)).toBe(before); // input not modified
  });

  it.each(['hsb', 'hsj'])('round-trips exactly through .%s, arrays inline and out of band', async (ext) => {
    const fits = asMap(json) as Record<string, FitResult>;
    const before = JSON.stringify(fits);
    // as given: arrays are JSON lists, kept inline in the envelope
    const inline = join(dir, `inline.${file}.${ext}`);
    await writeDocument(inline, setFitResults(createDocument({ h: hist() }), fits));
    const a = await readDocument(inline);
    expectExact(getFitResults(a), fits);
    expect(checkDocumentFitResults(a)).toEqual([]);
    // every array out of band: read back as NDArrays holding the same numbers
    const oob = Object.fromEntries(Object.entries(fits).map(([k, f]) => [k, createFitResult(f, { outOfBandMinElements: 0 })]));
    const outOfBand = join(dir, `oob.${file}.${ext}`);
    await writeDocument(outOfBand, setFitResults(createDocument({ h: hist() }), oob));
    const b = await readDocument(outOfBand);
    expectExact(nested(getFitResults(b)), fits);
    expect(checkDocumentFitResults(b)).toEqual([]);
    expect(JSON.stringify(fits)).toBe(before);
  });
});

describe('the fixtures hold what the reference tools computed', () => {
  it('parameters.hesse.json agrees with pyhf\'s own maximum-likelihood fit (MINUIT errors)', () => {
    const expected = refJson<{ par_names: string[]; fixed: boolean[]; mle: { twice_nll: number; values: number[]; errors_minuit: number[] } }>('pyhf/expected/example_bkgonly.expected.json');
    const pyhfFit = createFitResult({
      parameters: expected.par_names.map((name, k) => ({ name, value: expected.mle.values[k]!, error: expected.mle.errors_minuit[k]!, ...(expected.fixed[k] ? { fixed: true } : {}) })),
      minimum: { objective: 'twice_nll', value: expected.mle.twice_nll },
    });
    const ours = fixture('parameters.hesse.json') as FitResult;
    expect(compareFitResults(ours, pyhfFit, { rtol: 1e-3, atol: 1e-3 })).toEqual([]);
    // the POI sits in a shallow direction: MIGRAD's and pyhf's minima differ beyond 1e-4
    expect(compareFitResults(ours, pyhfFit, { rtol: 1e-6, atol: 1e-6 }).map((d) => d.path)).toContain('/parameters/1/value');
  });

  it('minos.json: asymmetric errors around the value, both crossings found', () => {
    for (const p of fixture('minos.json').parameters as Json[]) {
      if (p.fixed) continue;
      expect(p.minos.lower).toBeLessThan(0);
      expect(p.minos.upper).toBeGreaterThan(0);
      expect(p.minos.lower_valid && p.minos.upper_valid).toBe(true);
    }
  });

  it('covariance.inline.json: its diagonal gives pyhf\'s exact Hesse errors, its correlation follows from it', () => {
    const fit = fixture('covariance.inline.json');
    const cov = fit.covariance.values as number[][];
    // MINUIT's own errors of bounded parameters come through its bound transformation and differ from
    // sqrt(diag C) by up to 3% here; sqrt(diag C) is the linear error, which pyhf's reference computes exactly
    const exact = refJson<{ mle: { errors: number[] } }>('pyhf/expected/example_bkgonly.expected.json').mle.errors;
    cov.forEach((row, i) => expect(Math.abs(Math.sqrt(row[i]!) - exact[i]!)).toBeLessThan(1e-3 * Math.max(exact[i]!, 1e-9)));
    expect(Math.abs((fit.parameters as Json[])[1]!.error - exact[1]!)).toBeGreaterThan(0.01);
    const rho = correlationFromCovariance(cov);
    const theirs = fit.correlation.values as number[][];
    for (let i = 1; i < cov.length; i++) for (let j = 1; j < cov.length; j++) expect(rho[i]![j]!).toBeCloseTo(theirs[i]![j]!, 12);
    // iminuit puts 0 on the diagonal of a fixed parameter (lumi), correlationFromCovariance 1: both are valid
    expect(theirs[0]![0]).toBe(0);
    expect(rho[0]![0]).toBe(1);
  });

  it('scan.1d.json: the profile is at 0 near the best fit and not above the fixed scan', () => {
    const fit = fixture('scan.1d.json');
    const [profiled, fixed] = fit.scans as Json[];
    expect([profiled!.profiled, fixed!.profiled]).toEqual([true, false]);
    expect(Math.min(...(profiled!.values as number[]))).toBeLessThan(0.01);
    // (within MIGRAD's convergence at each profiled point)
    (profiled!.values as number[]).forEach((v, i) => expect(v).toBeLessThanOrEqual((fixed!.values as number[])[i]! + 1e-3));
  });

  it('hypotest.cls.json is pyhf\'s CLs scans converted: hypothesisTestFromPyhf gives the same test', () => {
    const fit = fixture('hypotest.cls.json');
    const tests = fit.hypothesis_tests as Json[];
    for (const [k, file] of ['hypotest_results.json', 'tail_probs_hypotest_results.json'].entries()) {
      const converted = hypothesisTestFromPyhf(refJson<PyhfHypotestScan>('pyhf/examples/results', file), { parameter: 'mu', name: file.replace(/\.json$/, '') });
      const { upper_limit, ...rest } = tests[k]!;
      const { upper_limit: ours, ...ourRest } = converted;
      expectExact(ourRest, rest);
      // the same interpolation as pyhf's (numpy.interp), to the last bits
      expect(ours!.obs).toBeCloseTo(upper_limit.obs, 12);
      ours!.exp!.forEach((x, b) => expect(x).toBeCloseTo(upper_limit.exp[b], 12));
    }
    expect(tests[1]!.clsb_obs).toHaveLength(41);
  });

  it('several-fits.json holds three named fits; the background-only one has the POI fixed at 0', () => {
    const fits = fixture('several-fits.json');
    expect(Object.keys(fits)).toEqual(['free', 'background_only', 'asimov_mu1']);
    const poi = (fits.background_only.parameters as Json[]).find((p) => p.name === 'SigXsecOverSM')!;
    expect([poi.value, poi.fixed]).toEqual([0, true]);
  });
});

describe('covariance out of band: the .hsb fixture written by scripts/make-fixtures.mjs', () => {
  const file = 'fit-results/covariance.large.hsb';
  const entry = manifest.fit_results.native[file]!;
  const bytes = readFileSync(join(FIXTURES, file));

  it('matches its sha256 and stores both 36 x 36 matrices as buffer views named by their JSON pointer', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    const env = envelopeOf(bytes);
    for (const field of ['covariance', 'correlation']) {
      const key = `/fit_results/main/${field}/values`;
      expect(env.fit_results.main[field]).toEqual({ values: key });
      expect(env.bufferViews.find((v: Json) => v.name === key)).toMatchObject({ dtype: '<f8', shape: [36, 36], byteLength: 36 * 36 * 8 });
    }
    expect(Array.isArray(env.fit_results.main.parameters)).toBe(true); // everything else stays JSON
  });

  it('reads back as NDArrays with exactly the numbers of its JSON twin, next to the model\'s histograms', async () => {
    const doc = await readDocument(join(FIXTURES, file));
    expect([...doc.histograms.keys()]).toEqual(['SR_observed', 'SR_signal', 'SR_background']);
    expect(checkDocumentFitResults(doc)).toEqual([]);
    const fit = getFitResults(doc)!.main!;
    expect(isNDArray(fit.covariance!.values)).toBe(true);
    expectExact(nested(fit), fixture(entry.same_as.replace('fit-results/', '')));
    const fits = await readFitResults(join(FIXTURES, file));
    expect(Object.keys(fits)).toEqual(['main']);
  });
});

describe('a 300 x 300 covariance', () => {
  const n = 300;
  const names = Array.from({ length: n }, (_, i) => `theta_${i}`);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) data[i * n + j] = i === j ? 1 + i / n : 0.5 / (1 + Math.abs(i - j)) + 1e-3 * Math.sin(i + j);
  }
  const cov: NDArray = { dtype: 'f8', shape: [n, n], data };
  const make = () =>
    createFitResult({
      parameters: names.map((name, i) => ({ name, value: Math.cos(i), error: Math.sqrt(data[i * n + i]!) })),
      covariance: cov,
      correlation: correlationFromCovariance(cov),
    });

  it('is stored as a buffer view of the .hsb, not as JSON', async () => {
    const path = join(dir, 'big.hsb');
    await writeDocument(path, setFitResults(createDocument({ h: hist() }), { big: make() }));
    const bytes = readFileSync(path);
    const env = envelopeOf(bytes);
    const key = '/fit_results/big/covariance/values';
    expect(env.fit_results.big.covariance.values).toBe(key);
    const view = env.bufferViews.find((v: Json) => v.name === key);
    expect(view).toMatchObject({ dtype: '<f8', shape: [n, n], byteLength: n * n * 8 });
    expect(view.byteOffset % 64).toBe(0);
    // the JSON chunk holds the 300 parameters, not the 2 x 90 000 matrix elements
    expect(Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(16, true))).toBeLessThan(64 * 1024);
  });

  it.each(['big.hsb', 'big.hsj'])('%s reads back exactly', async (f) => {
    const path = join(dir, f);
    await writeDocument(path, setFitResults(createDocument({ h: hist() }), { big: make() }));
    const fit = getFitResults(await readDocument(path))!.big!;
    const back = fit.covariance!.values as NDArray<Float64Array>;
    expect(isNDArray(back)).toBe(true);
    expect(back.shape).toEqual([n, n]);
    expect(back.data.every((x, i) => Object.is(x, data[i]))).toBe(true);
    expect(checkFitResult(fit)).toEqual([]);
    expect(fitArrayValues(fit.correlation!.values).shape).toEqual([n, n]);
  });

  it('an asymmetric one reports each offending element up to a limit, with paths into the matrix', () => {
    const bad = { ...cov, data: data.slice() };
    for (let i = 0; i < 50; i++) bad.data[i * n + i + 1] = 9;
    const fit = make();
    const issues = checkFitResult({ ...fit, covariance: { values: bad } });
    expect(issues.filter((i) => i.code === 'MATRIX_NOT_SYMMETRIC')).toHaveLength(20);
    expect(issues[0]).toMatchObject({ code: 'MATRIX_NOT_SYMMETRIC', path: '/covariance/values/0/1' });
  });
});

describe('broken fit results: code and path', () => {
  const base = fixture('covariance.inline.json');
  const check = (mutate: (f: Json) => void, file?: string) => {
    const f = clone(file ? fixture(file) : base);
    mutate(f);
    return checkFitResult(f);
  };

  it('a non-square covariance', () => {
    const issues = check((f) => (f.covariance.values = (f.covariance.values as number[][]).map((row) => row.slice(0, 6))));
    expect(errorsOf(issues)).toEqual([{ code: 'SHAPE_MISMATCH', path: '/covariance/values' }]);
    expect(issues[0]!.message).toBe(MESSAGES.shapeMismatch('/covariance/values', [7, 6], [7, 7], 'one row and one column per parameter, 7 parameters'));
  });

  it('a ragged covariance row', () => {
    expect(errorsOf(check((f) => (f.covariance.values[2] as number[]).pop()))).toEqual([{ code: 'SHAPE_MISMATCH', path: '/covariance/values/2' }]);
  });

  it('a covariance with fewer rows than parameters', () => {
    expect(errorsOf(check((f) => (f.covariance.values as number[][]).pop()))).toEqual([{ code: 'SHAPE_MISMATCH', path: '/covariance/values' }]);
  });

  it('an asymmetric covariance', () => {
    expect(errorsOf(check((f) => (f.covariance.values[1][2] += 0.1)))).toEqual([{ code: 'MATRIX_NOT_SYMMETRIC', path: '/covariance/values/1/2' }]);
  });

  it('a negative variance, and a zero one for a free parameter', () => {
    const issues = check((f) => {
      f.covariance.values[3][3] = -1;
      f.covariance.values[4][4] = 0;
    });
    expect(errorsOf(issues)).toEqual([
      { code: 'NEGATIVE_VARIANCE', path: '/covariance/values/3/3' },
      { code: 'NEGATIVE_VARIANCE', path: '/covariance/values/4/4' },
    ]);
    // 0 is right for the fixed lumi (row 0), as iminuit writes it
    expect(base.covariance.values[0][0]).toBe(0);
  });

  it('a correlation above 1, and a diagonal that is not 1', () => {
    const issues = check((f) => {
      f.correlation.values[1][2] = f.correlation.values[2][1] = 1.5;
      f.correlation.values[3][3] = 0.9;
    });
    expect(errorsOf(issues)).toEqual([
      { code: 'CORRELATION_RANGE', path: '/correlation/values/1/2' },
      { code: 'CORRELATION_RANGE', path: '/correlation/values/2/1' },
      { code: 'CORRELATION_RANGE', path: '/correlation/values/3/3' },
    ]);
  });

  it('a matrix over its own parameter list, and one naming an unknown parameter', () => {
    const ok = check((f) => {
      const keep = [1, 2, 3];
      f.covariance = { parameters: keep.map((k) => f.parameters[k].name), values: keep.map((i) => keep.map((j) => f.covariance.values[i][j])) };
      delete f.correlation;
    });
    expect(ok).toEqual([]);
    expect(errorsOf(check((f) => (f.covariance.parameters = ['lumi', 'SigXsecOverSM', 'syst2', 'syst3', 'syst1', 'staterror_channel1[0]', 'nope']))))
      .toEqual([{ code: 'UNKNOWN_PARAMETER', path: '/covariance/parameters/6' }]);
  });

  it('a MINOS lower error above 0 and an upper one below 0', () => {
    const issues = check((f) => {
      f.parameters[1].minos.lower = 0.3;
      f.parameters[2].minos.upper = -0.1;
    }, 'minos.json');
    expect(errorsOf(issues)).toEqual([
      { code: 'MINOS_SIGN', path: '/parameters/1/minos/lower' },
      { code: 'MINOS_SIGN', path: '/parameters/2/minos/upper' },
    ]);
    expect(issues[0]!.message).toBe(MESSAGES.minosSign('/parameters/1/minos/lower', 'lower', 0.3));
  });

  it('a parameter without a name (schema)', () => {
    const issues = check((f) => delete f.parameters[2].name);
    expect(errorsOf(issues)).toEqual([{ code: 'SCHEMA', path: '/parameters/2' }]);
    expect(issues[0]!.message).toContain('"name"');
  });

  it('two parameters with one name', () => {
    const issues = check((f) => (f.parameters[3].name = f.parameters[2].name));
    expect(errorsOf(issues)).toEqual([{ code: 'DUPLICATE_PARAMETER', path: '/parameters/3/name' }]);
    expect(issues[0]!.message).toBe(MESSAGES.duplicateParameter('/parameters/3/name', 'syst2', '/parameters/2/name'));
  });

  it('a value outside its bounds is a warning; reversed bounds an error', () => {
    expect(locations(check((f) => (f.parameters[1].value = 3.5)))).toEqual([{ code: 'VALUE_OUT_OF_BOUNDS', path: '/parameters/1/value', severity: 'warning' }]);
    expect(errorsOf(check((f) => (f.parameters[1].bounds = { lower: 3, upper: 0 })))).toEqual([{ code: 'INTERVAL_ORDER', path: '/parameters/1/bounds' }]);
  });

  it('a 1-d scan with one value too few, a 2-d scan with a missing row', () => {
    expect(errorsOf(check((f) => f.scans[0].values.pop(), 'scan.1d.json'))).toEqual([{ code: 'SHAPE_MISMATCH', path: '/scans/0/values' }]);
    expect(errorsOf(check((f) => f.scans[0].values.pop(), 'scan.2d.json'))).toEqual([{ code: 'SHAPE_MISMATCH', path: '/scans/0/values' }]);
    expect(errorsOf(check((f) => (f.scans[0].axes[1].parameter = 'nope'), 'scan.2d.json'))).toEqual([{ code: 'UNKNOWN_PARAMETER', path: '/scans/0/axes/1/parameter' }]);
  });

  it('an interval with lower above upper; a CL outside (0, 1) (schema)', () => {
    expect(errorsOf(check((f) => ([f.intervals[0].lower, f.intervals[0].upper] = [2, 1]), 'intervals.json'))).toEqual([{ code: 'INTERVAL_ORDER', path: '/intervals/0' }]);
    expect(errorsOf(check((f) => (f.intervals[1].cl = 95), 'intervals.json'))).toEqual([{ code: 'SCHEMA', path: '/intervals/1/cl' }]);
    expect(errorsOf(check((f) => delete f.intervals[3].lower, 'intervals.json'))).toEqual([{ code: 'SCHEMA', path: '/intervals/3' }]);
  });

  it('a pull of an unknown parameter', () => {
    expect(errorsOf(check((f) => (f.pulls[0].parameter = 'alpha_nope'), 'pulls.json'))).toEqual([{ code: 'UNKNOWN_PARAMETER', path: '/pulls/0/parameter' }]);
  });

  it('CLs scans: a CLs above 1, a column too short, a wrong number of expected bands', () => {
    expect(errorsOf(check((f) => (f.hypothesis_tests[0].cls_obs[3] = 1.2), 'hypotest.cls.json'))).toEqual([{ code: 'PROBABILITY_RANGE', path: '/hypothesis_tests/0/cls_obs/3' }]);
    expect(errorsOf(check((f) => f.hypothesis_tests[1].clb_obs.pop(), 'hypotest.cls.json'))).toEqual([{ code: 'SHAPE_MISMATCH', path: '/hypothesis_tests/1/clb_obs' }]);
    expect(errorsOf(check((f) => (f.hypothesis_tests[0].expected_bands = [-1, 0, 1]), 'hypotest.cls.json'))).toEqual([
      { code: 'SHAPE_MISMATCH', path: '/hypothesis_tests/0/cls_exp' },
      { code: 'SHAPE_MISMATCH', path: '/hypothesis_tests/0/upper_limit/exp' },
    ]);
  });

  it('a newer fit_result_schema is UNSUPPORTED_VERSION, and nothing else', () => {
    const issues = check((f) => {
      f.fit_result_schema = 2;
      f.something_new = true;
    });
    expect(locations(issues)).toEqual([{ code: 'UNSUPPORTED_VERSION', path: '/fit_result_schema', severity: 'error' }]);
  });

  it('a key naming no out-of-band array is MISSING_ARRAY', () => {
    expect(errorsOf(check((f) => (f.covariance.values = 'cov')))).toEqual([{ code: 'MISSING_ARRAY', path: '/covariance/values' }]);
    const cov = { dtype: 'f8' as const, shape: [7, 7], data: Float64Array.from((base.covariance.values as number[][]).flat()) };
    expect(checkFitResult({ ...base, covariance: { values: 'cov' } }, new Map([['cov', cov]]))).toEqual([]);
  });

  it('in a map and in a document, paths start at the fit\'s name', () => {
    const bad = clone(base);
    bad.parameters[3].name = bad.parameters[2].name;
    expect(errorsOf(checkFitResult({ good: base, 'a/b': bad }))).toEqual([{ code: 'DUPLICATE_PARAMETER', path: '/a~1b/parameters/3/name' }]);
    const doc = setFitResults(createDocument({ h: hist() }), { x: bad as FitResult });
    expect(errorsOf(checkDocumentFitResults(doc))).toEqual([{ code: 'DUPLICATE_PARAMETER', path: '/fit_results/x/parameters/3/name' }]);
    expect(errorsOf(checkDocumentFitResults({ ...doc, extras: { fit_results: base } }))).toEqual([{ code: 'SCHEMA', path: '/fit_results' }]);
  });

  it('createFitResult throws a ValidationError carrying every issue', () => {
    const bad = clone(base);
    bad.covariance.values[1][2] += 1;
    bad.parameters[3].name = bad.parameters[2].name;
    try {
      createFitResult(bad as FitResult);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.code).sort()).toEqual(['DUPLICATE_PARAMETER', 'MATRIX_NOT_SYMMETRIC']);
    }
  });
});

describe('compareFitResults', () => {
  const a = fixture('covariance.inline.json') as FitResult;

  it('finds nothing between a fit result and itself, or its copy in other units and order', () => {
    expect(compareFitResults(a, a)).toEqual([]);
    // -ln L instead of -2 ln L, parameters reversed, the matrices over the reversed order
    const order = a.parameters!.map((p) => p.name).reverse();
    const perm = order.map((name) => a.parameters!.findIndex((p) => p.name === name));
    const reorder = (m: number[][]) => perm.map((i) => perm.map((j) => m[i]![j]!));
    const b: FitResult = {
      ...a,
      parameters: perm.map((i) => a.parameters![i]!),
      minimum: { objective: 'nll', value: a.minimum!.value / 2 },
      covariance: { values: reorder(a.covariance!.values as number[][]) },
      correlation: { parameters: order, values: reorder(a.correlation!.values as number[][]) },
    };
    expect(compareFitResults(a, b)).toEqual([]);
  });

  it('finds a changed value, and respects rtol and atol', () => {
    const b = clone(a);
    b.parameters![1]!.value *= 1 + 1e-4;
    const diffs = compareFitResults(a, b);
    expect(diffs.map((d) => [d.kind, d.path])).toEqual([['value', '/parameters/1/value']]);
    expect(diffs[0]).toMatchObject({ a: a.parameters![1]!.value, b: b.parameters![1]!.value });
    expect(compareFitResults(a, b, { rtol: 1e-3 })).toEqual([]);
    expect(compareFitResults(a, b, { rtol: 0, atol: 1e-3 })).toEqual([]);
    expect(compareFitResults(a, b, { rtol: 0, atol: 1e-6 })).toHaveLength(1);
  });

  it('finds a changed error, minimum, covariance element and a missing parameter', () => {
    const b = clone(a);
    b.parameters![2]!.error! *= 1.01;
    b.minimum!.value += 0.01;
    (b.covariance!.values as number[][])[3]![5]! *= 1.5;
    b.parameters!.pop();
    const diffs = compareFitResults(a, b);
    expect(diffs.map((d) => [d.kind, d.path])).toEqual([
      ['value', '/parameters/2/error'],
      ['missing', '/parameters/6'],
      ['value', '/minimum/value'],
      ['mismatch', '/covariance/values'], // b's matrices no longer match its 6 parameters
      ['mismatch', '/correlation/values'],
    ]);
    const c = clone(a);
    (c.covariance!.values as number[][])[3]![5]! *= 1.5;
    expect(compareFitResults(a, c).map((d) => [d.kind, d.path])).toEqual([['value', '/covariance/values/3/5']]);
    expect(compareFitResults(a, c)[0]!.message).toContain('in 1 of 49 elements');
  });

  it('compares covariance elements in units of σᵢσⱼ: a 50% change of a correlation of 1.3e-6 is within rtol 1e-5, one of 0.048 is not', () => {
    const c = clone(a);
    (c.covariance!.values as number[][])[3]![4]! *= 1.5; // correlation 1.28e-6 → 1.9e-6
    expect(compareFitResults(a, c)).toEqual([]);
    expect(compareFitResults(a, c, { rtol: 1e-7, atol: 0 }).map((d) => d.path)).toEqual(['/covariance/values/3/4']);
  });
});

describe('createFitResult and the helpers', () => {
  const small = { parameters: [{ name: 'mu', value: 1.2, error: 0.3, poi: true }, { name: 'theta', value: -0.1, error: 0.9 }], covariance: [[0.09, 0.01], [0.01, 0.81]] };

  it('adds the marker first, wraps a bare matrix, keeps a small one inline and puts a large one out of band', () => {
    const before = JSON.stringify(small);
    const fit = createFitResult(small);
    expect(Object.keys(fit)).toEqual(['fit_result_schema', 'parameters', 'covariance']);
    expect(fit.covariance).toEqual({ values: [[0.09, 0.01], [0.01, 0.81]] });
    expect(JSON.stringify(small)).toBe(before);
    const oob = createFitResult(small, { outOfBandMinElements: 4 });
    expect(oob.covariance!.values).toEqual({ dtype: 'f8', shape: [2, 2], data: Float64Array.of(0.09, 0.01, 0.01, 0.81) });
    // and an NDArray below the limit becomes nested lists again
    expect(createFitResult(oob).covariance!.values).toEqual([[0.09, 0.01], [0.01, 0.81]]);
  });

  it('correlationFromCovariance keeps the form it is given', () => {
    expect(correlationFromCovariance([[4, 1], [1, 1]])).toEqual([[1, 0.5], [0.5, 1]]);
    const nd = correlationFromCovariance({ dtype: 'f8', shape: [2, 2], data: Float64Array.of(4, 1, 1, 0) });
    expect(nd).toEqual({ dtype: 'f8', shape: [2, 2], data: Float64Array.of(1, 0, 0, 1) });
    expect(() => correlationFromCovariance([[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('upperLimitFromScan interpolates where CLs crosses 1 - cl', () => {
    expect(upperLimitFromScan([0, 1, 2], [1, 0.2, 0.01], 0.95)).toBeCloseTo(1 + 0.15 / 0.19, 14);
    expect(upperLimitFromScan([0, 1], [1, 0.5], 0.95)).toBe(1); // no crossing: the last point
  });

  it('isFitResultDocument tells fit results from histograms, envelopes and other JSON', () => {
    expect(isFitResultDocument({ fit_result_schema: 1 })).toBe(true);
    expect(isFitResultDocument({ a: { fit_result_schema: 1 }, b: { fit_result_schema: 1 } })).toBe(true);
    expect(isFitResultDocument({ a: { fit_result_schema: 1 }, h: { uhi_schema: 1 } })).toBe(false);
    expect(isFitResultDocument(JSON.parse(readFileSync(join(FIXTURES, '1d.regular.int.json'), 'utf8')))).toBe(false);
    expect(isFitResultDocument({ asset: { format: 'hist-serial' }, fit_results: {} })).toBe(false);
    for (const x of [{}, [], null, 'fit', 1]) expect(isFitResultDocument(x)).toBe(false);
  });

  it('decodeFitResults and encodeFitResults: names a single fit, reports bad JSON as issues, writes NaN as Python does', () => {
    const { results } = decodeFitResults(readFileSync(join(FIT_DIR, 'minos.json')), { singleName: 'main' });
    expect(Object.keys(results!)).toEqual(['main']);
    expect(decodeFitResults('{"fit_result_schema": 1,').issues[0]).toMatchObject({ code: 'PARSE' });
    expect(decodeFitResults(Uint8Array.of(0x7b, 0xff, 0x7d)).issues[0]).toMatchObject({ code: 'PARSE' });
    const text = new TextDecoder().decode(encodeFitResults(createFitResult({ parameters: [{ name: 'a', value: NaN }] })));
    expect(text).toContain('NaN');
    expect(decodeFitResults(text).results!.fit!.parameters![0]!.value).toBeNaN();
    expect(() => encodeFitResults({ fit_result_schema: 1, parameters: [{ name: '', value: 1 }] })).toThrow(ValidationError);
  });

  it('readFitResults refuses a file without fit results (NOT_FOUND) and reports invalid ones', async () => {
    const h = join(dir, 'h.hsb');
    await writeDocument(h, createDocument({ h: hist() }));
    await expect(readFitResults(h)).rejects.toSatisfy((e) => isHistSerialError(e, 'NOT_FOUND'));
    const bad = join(dir, 'bad.fit.json');
    writeFileSync(bad, JSON.stringify({ fit_result_schema: 1, parameters: [{ name: 'a', value: 1, minos: { lower: 1, upper: 2 } }] }));
    await expect(readFitResults(bad)).rejects.toMatchObject({ code: 'MINOS_SIGN', path: '/parameters/0/minos/lower' });
  });
});

describe('arrays in extras (the raw/envelope layer)', () => {
  const arr: NDArray = { dtype: 'f8', shape: [2], data: Float64Array.of(1, 2) };

  it('an NDArray anywhere in extras goes out of band under its JSON pointer, and comes back', () => {
    const extras = { extensions: { EXT_x: { list: [1, arr, 'a'] } }, fit_results: { 'a/b': { v: arr } } };
    const resources = new Map<string, NDArray>();
    const raw = extrasToRaw(extras, (key, a) => (resources.set(key, a), key));
    expect(raw).toEqual({ extensions: { EXT_x: { list: [1, '/extensions/EXT_x/list/1', 'a'] } }, fit_results: { 'a/b': { v: '/fit_results/a~1b/v' } } });
    expect([...resources.keys()]).toEqual(['/extensions/EXT_x/list/1', '/fit_results/a~1b/v']);
    expect(extrasFromRaw(raw, resources)).toEqual(extras);
    expect(extras.fit_results['a/b'].v).toBe(arr); // the input is not modified
  });

  it('only a string that is its own position\'s pointer and names an array is a reference', () => {
    const resources = new Map([['/fit_results/x/note', arr], ['other', arr]]);
    const raw = { fit_results: { x: { note: '/fit_results/x/note', label: 'other', elsewhere: '/fit_results/x/note' } } };
    expect(extrasFromRaw(raw, resources)).toEqual({ fit_results: { x: { note: arr, label: 'other', elsewhere: '/fit_results/x/note' } } });
    expect(extrasFromRaw(raw, new Map())).toBe(raw);
  });

  it('codecs that write JSON get the array inline; a key taken by a histogram array is refused', () => {
    const doc: HistDocument = { ...createDocument({ h: hist() }), extras: { fit_results: { f: { v: arr } } } };
    const inline = toUHI(doc, { arrays: 'inline' });
    expect((inline.extras as Json).fit_results.f.v).toBeInstanceOf(InlineArray);
    expect(inline.resources.size).toBe(0);
    const clash: HistDocument = { ...createDocument({ '/extensions/h': hist() }), extras: { extensions: { h_storage_values: arr } } };
    expect(() => toUHI(clash)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', path: '/extensions/h_storage_values' }));
  });

  it('a document with an NDArray in any extras section keeps it through .hsb', async () => {
    const doc: HistDocument = { ...createDocument({ h: hist() }), extras: { extensions: { EXT_demo: { weights: arr } }, extensionsUsed: ['EXT_demo'] } };
    const path = join(dir, 'ext.hsb');
    await writeDocument(path, doc);
    const back = await readDocument(path);
    expect(back.extras).toEqual(doc.extras);
    expect(envelopeOf(readFileSync(path)).extensions.EXT_demo.weights).toBe('/extensions/EXT_demo/weights');
  });
});

describe('spec.md', () => {
  it('the worked example of section 7.6 is a valid fit result', () => {
    const spec = readFileSync(join(PROJECT_DIR, 'spec.md'), 'utf8');
    const block = /<!-- fit-result-example:start -->\n```json\n([\s\S]*?)```\n<!-- fit-result-example:end -->/.exec(spec);
    expect(block).not.toBeNull();
    const example = JSON.parse(block![1]!) as Json;
    expect(isFitResultDocument(example)).toBe(true);
    expect(checkFitResult(example)).toEqual([]);
  });

  it('lists every fit-result error code of errors.ts in its table of section 7.5', () => {
    const spec = readFileSync(join(PROJECT_DIR, 'spec.md'), 'utf8');
    const table = spec.slice(spec.indexOf('### 7.5'), spec.indexOf('### 7.6'));
    for (const code of ['DUPLICATE_PARAMETER', 'UNKNOWN_PARAMETER', 'MATRIX_NOT_SYMMETRIC', 'NEGATIVE_VARIANCE', 'CORRELATION_RANGE', 'MINOS_SIGN', 'INTERVAL_ORDER', 'PROBABILITY_RANGE', 'VALUE_OUT_OF_BOUNDS']) {
      expect(ERROR_CODES).toContain(code);
      expect(table).toContain(`| \`${code}\` |`);
    }
  });
});

describeReference('fixtures read by Python (json + jsonschema, schema/fit-result/1)', () => {
  it('every fixture is valid for the schema; a broken one is not', () => {
    const python = requirePython(['jsonschema']);
    if (!python) return;
    const broken = join(dir, 'broken.fit.json');
    const b = fixture('intervals.json');
    b.intervals[0].cl = 1.5;
    b.parameters[0].minos = { lower: -1 };
    writeFileSync(broken, JSON.stringify(b));
    const files = [...FEATURES.map((f) => join(FIT_DIR, f)), broken];
    const r = spawnSync(python, [join(PROJECT_DIR, 'tests/python/check_fit_results.py'), join(PROJECT_DIR, 'schema/fit-result/1'), ...files], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, { errors: string[]; fits: string[] }>;
    for (const f of FEATURES) expect(report[f]!.errors, f).toEqual([]);
    expect(report['several-fits.json']!.fits).toEqual(['asimov_mu1', 'background_only', 'free']);
    expect(report['broken.fit.json']!.errors.map((e) => e.split(':')[0])).toEqual(['/intervals/0/cl', '/parameters/0/minos']);
    // and ours agrees on where
    expect(errorsOf(checkFitResult(b)).map((i) => i.path)).toEqual(['/parameters/0/minos', '/intervals/0/cl']);
  });

  it('the model of covariance.large.json is the pyhf workspace beside it (sha256 in its provenance)', () => {
    const fit = fixture('covariance.large.json');
    const ws = readFileSync(join(FIT_DIR, 'workspace.32-bin.json'));
    expect(fit.provenance.model.sha256).toBe(createHash('sha256').update(ws).digest('hex'));
    expect(fixture('provenance.json').provenance.model.sha256).toBe(createHash('sha256').update(readFileSync(ref('pyhf/examples/workspaces/example_bkgonly.json'))).digest('hex'));
  });
});
