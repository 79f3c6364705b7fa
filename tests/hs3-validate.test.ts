/**
 * HS3 validation: the schema, every HS3 file of the reference corpus (warnings listed), a broken
 * variant of each through the built CLI, and one test per semantic rule (code, path, severity).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkHS3, detectKind, ERROR_CODES, getSchema, type ErrorCode, type Issue } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { PROJECT_DIR, describeReference, hasReference, ref, refJson } from './helpers/reference.js';
import { mutateJson, seededRandom } from './helpers/mutate.js';
import { tempDir } from './helpers/tmp.js';

type Json = Record<string, any>;
const pairs = (issues: readonly Issue[], severity: Issue['severity']) => issues.filter((i) => i.severity === severity).map((i) => [i.code, i.path]);

/** The HS3 files of the reference corpus, relative to the reference folder. */
function hs3Files(): string[] {
  if (!hasReference) return [];
  const list = (dir: string, filter: (f: string) => boolean) => readdirSync(ref(dir)).filter(filter).sort().map((f) => `${dir}/${f}`);
  return [
    ...list('hs3/examples/root-export', (f) => f.endsWith('.json')),
    ...list('hs3/examples/hist-serial', (f) => f.endsWith('.json')),
    ...list('hs3/evaluation', (f) => f.endsWith('.hs3.json')),
  ];
}

const ROOT_SIMPLEMODEL_WARNINGS = [
  ['DUPLICATE_NAME', '/analyses/0/name'],
  ['DUPLICATE_NAME', '/analyses/1/name'],
  ['NONSTANDARD', '/analyses/0/domains'],
  ['UNDECLARED_PARAMETER', '/distributions/0/samples/0/modifiers/0/parameter'],
  ['NONSTANDARD', '/analyses/1/domains'],
  ['UNDECLARED_PARAMETER', '/distributions/0/samples/0/modifiers/0/parameter'],
];

/** The warnings each reference file gets (everything else is valid without warnings). */
const EXPECTED_WARNINGS: Record<string, string[][]> = {
  // CMS Combine: a vendor function type, and a domain axis without max (ROOT omits infinite bounds)
  'hs3/examples/root-export/combine_long_exercise_part1_nosys.json': [
    ['UNKNOWN_TYPE', '/functions/2/type'],
    ['NONSTANDARD', '/domains/0/axes/0'],
  ],
  'hs3/examples/root-export/nondefault_points_domains.json': [],
  'hs3/examples/root-export/rf501_simultaneouspdf.json': [],
  // ROOT: analyses named after their likelihood, `domains` instead of `domain`, and the constant Lumi
  // normfactor that is in no domain of the analyses (only constant in a parameter point they do not name)
  'hs3/examples/root-export/simplemodel_correlated-background_hs3.json': ROOT_SIMPLEMODEL_WARNINGS,
  'hs3/examples/root-export/simplemodel_uncorrelated-background_hs3.json': ROOT_SIMPLEMODEL_WARNINGS,
  'hs3/examples/hist-serial/minimal-histfactory.hs3.json': [['NONSTANDARD', '/analyses/0/domains']],
};
const expectedWarnings = (file: string) => EXPECTED_WARNINGS[file] ?? (file.startsWith('hs3/evaluation/') ? [['NONSTANDARD', '/analyses/0/domains']] : undefined);

describe('schema/hs3/0.2/hs3.schema.json', () => {
  it('is a valid draft 2020-12 schema and is the embedded one', () => {
    const onDisk = JSON.parse(readFileSync(join(PROJECT_DIR, 'schema/hs3/0.2/hs3.schema.json'), 'utf8'));
    expect(getSchema('hs3')).toEqual(onDisk);
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(onDisk), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('every new code is in ERROR_CODES and in the table of spec.md 3.4', () => {
    const spec = readFileSync(join(PROJECT_DIR, 'spec.md'), 'utf8');
    const table = spec.slice(spec.indexOf('### 3.4'), spec.indexOf('## 4.'));
    for (const code of ['DANGLING_REFERENCE', 'DUPLICATE_NAME', 'BIN_COUNT_MISMATCH', 'UNKNOWN_TYPE', 'UNDECLARED_PARAMETER', 'NONSTANDARD', 'CONFLICTING_DEFINITION']) {
      expect(ERROR_CODES).toContain(code);
      expect(table).toContain(`\`${code}\``);
    }
  });
});

describeReference('HS3 files of the reference corpus', () => {
  it.each(hs3Files())('%s is HS3 and valid, with exactly the listed warnings', (file) => {
    const json = refJson(file);
    expect(detectKind(json)).toBe('hs3');
    const issues = checkHS3(json);
    expect(pairs(issues, 'error')).toEqual([]);
    const expected = expectedWarnings(file);
    expect(expected, `add the warnings of ${file} to EXPECTED_WARNINGS`).toBeDefined();
    expect(pairs(issues, 'warning')).toEqual(expected);
    for (const i of issues) expect(i.message).toContain(i.path);
  });

  it("ROOT's pre-0.2 layout (legacy/) is recognised as HS3 and refused as an older version", () => {
    const issues = checkHS3(refJson('hs3/examples/legacy/rf515_hfJSON.pre-0.2.json'));
    expect(detectKind(refJson('hs3/examples/legacy/rf515_hfJSON.pre-0.2.json'))).toBe('hs3');
    expect(pairs(issues, 'error').slice(0, 3)).toEqual([
      ['UNSUPPORTED_VERSION', ''],
      ['SCHEMA', ''],
      ['SCHEMA', '/distributions'],
    ]);
  });

  it.each(['GaussianConstraint', 'LogNormalConstraint', 'PoissonConstraint'])("zfit's %s.json is not HS3 (nor histograms, nor pyhf)", (name) => {
    expect(detectKind(refJson(`hs3/examples/zfit-hs3-like/${name}.json`))).toBeUndefined();
  });
});

// ------------------------------------------------------------------------- broken variants, by the CLI

interface Variant {
  file: string;
  kind: string;
  code: ErrorCode;
  path: string;
}

/** Break a valid HS3 document in one way; returns the expected error, or undefined when not applicable. */
function breakDocument(doc: Json, kind: 'missing key' | 'dangling reference' | 'bin-count mismatch' | 'duplicate name'): { code: ErrorCode; path: string } | undefined {
  switch (kind) {
    case 'missing key':
      delete doc.metadata.hs3_version;
      return { code: 'SCHEMA', path: '/metadata' };
    case 'dangling reference':
      if (doc.likelihoods?.length) {
        doc.likelihoods[0].data[0] = 'no_such_data';
        return { code: 'DANGLING_REFERENCE', path: '/likelihoods/0/data/0' };
      }
      if (doc.distributions?.[0]?.type === 'mixture_dist') {
        doc.distributions[0].summands[0] = 'no_such_distribution';
        return { code: 'DANGLING_REFERENCE', path: '/distributions/0/summands/0' };
      }
      doc.analyses = [{ name: 'an_analysis', likelihood: 'no_such_likelihood', domain: doc.domains[0].name }];
      return { code: 'DANGLING_REFERENCE', path: '/analyses/0/likelihood' };
    case 'bin-count mismatch': {
      const hf = (doc.distributions ?? []).findIndex((d: Json) => d.type === 'histfactory_dist');
      if (hf >= 0) {
        doc.distributions[hf].samples[0].data.contents.push(1);
        return { code: 'BIN_COUNT_MISMATCH', path: `/distributions/${hf}/samples/0/data/contents` };
      }
      const unbinned = (doc.data ?? []).findIndex((d: Json) => d.type === 'unbinned');
      if (unbinned >= 0) {
        // unbinned data have no bins: the analogue is a row with more coordinates than axes
        doc.data[unbinned].entries[0].push(0.5);
        return { code: 'SHAPE_MISMATCH', path: `/data/${unbinned}/entries/0` };
      }
      return undefined;
    }
    case 'duplicate name': {
      const named: string[] = [];
      for (const key of ['distributions', 'functions', 'data', 'likelihoods', 'domains', 'parameter_points']) {
        (doc[key] ?? []).forEach((_: unknown, i: number) => named.push(`/${key}/${i}`));
      }
      const at = (p: string) => p.split('/').slice(1).reduce((o: Json, k) => o[k], doc);
      at(named[1]!).name = at(named[0]!).name;
      return { code: 'DUPLICATE_NAME', path: `${named[1]}/name` };
    }
  }
}

describeReference('broken HS3 documents', () => {
  const dir = tempDir('hist-serial-hs3-');
  const variants: Variant[] = [];

  beforeAll(() => {
    for (const file of hs3Files()) {
      for (const kind of ['missing key', 'dangling reference', 'bin-count mismatch', 'duplicate name'] as const) {
        const doc = refJson<Json>(file);
        const expected = breakDocument(doc, kind);
        if (!expected) continue;
        const out = join(dir, `${file.split('/').pop()!.replace(/\.json$/, '')}.${kind.replace(/ /g, '-')}.json`);
        writeFileSync(out, JSON.stringify(doc));
        variants.push({ file: out, kind, ...expected });
      }
    }
  });

  it('each breakage is an error at the defect (library)', () => {
    expect(variants.length).toBeGreaterThanOrEqual(hs3Files().length * 3);
    for (const v of variants) {
      const issues = checkHS3(JSON.parse(readFileSync(v.file, 'utf8')));
      expect(pairs(issues, 'error'), `${v.file}`).toContainEqual([v.code, v.path]);
    }
  });

  it('the built CLI exits 1 and reports the code and path of each', () => {
    if (!existsSync(CLI)) throw new Error(`built CLI missing at ${CLI}: run npm run build`);
    const r = runBuiltCli(['validate', '--format', 'json', ...variants.map((v) => v.file)]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; kind?: string; errors: { code: string; path: string }[] }[];
    expect(report).toHaveLength(variants.length);
    report.forEach((entry, i) => {
      const v = variants[i]!;
      expect(entry.file).toBe(v.file);
      expect(entry.valid).toBe(false);
      expect(entry.errors.map((e) => [e.code, e.path]), `${v.kind}: ${v.file}`).toContainEqual([v.code, v.path]);
    });
  });

  it('the built CLI accepts the corpus (exit 0), lists warnings, and --strict turns them into exit 1', () => {
    const files = hs3Files().map((f) => ref(f));
    const ok = runBuiltCli(['validate', ...files]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('valid (hs3)');
    expect(ok.stdout).toContain('warning [UNKNOWN_TYPE]');
    expect(runBuiltCli(['validate', '--strict', ref('hs3/examples/root-export/combine_long_exercise_part1_nosys.json')]).code).toBe(1);
    expect(runBuiltCli(['validate', '--strict', ref('hs3/examples/root-export/rf501_simultaneouspdf.json')]).code).toBe(0);
  });
});

// ------------------------------------------------------------------------- one test per rule

/** A small valid HistFactory document (one channel, two samples), built here. */
function model(): Json {
  const axis = { name: 'obs_x_SR', min: 0, max: 2, nbins: 2 };
  return {
    metadata: { hs3_version: '0.2' },
    distributions: [
      {
        name: 'model_SR',
        type: 'histfactory_dist',
        axes: [{ ...axis }],
        samples: [
          { name: 'signal', data: { contents: [5, 6] }, modifiers: [{ name: 'mu', type: 'normfactor', parameter: 'mu' }] },
          {
            name: 'background',
            data: { contents: [50, 60], errors: [5, 6] },
            modifiers: [
              { name: 'jes', type: 'histosys', parameter: 'alpha_jes', constraint: 'Gauss', data: { hi: { contents: [55, 66] }, lo: { contents: [45, 54] } } },
              { name: 'unc', type: 'shapesys', parameters: ['unc_0', 'unc_1'], constraint: 'Poisson', data: { vals: [3, 4] } },
            ],
          },
        ],
      },
    ],
    data: [{ name: 'obs_SR', type: 'binned', axes: [{ ...axis }], contents: [50, 70] }],
    likelihoods: [{ name: 'L', distributions: ['model_SR'], data: ['obs_SR'] }],
    domains: [
      {
        name: 'D',
        type: 'product_domain',
        axes: [
          { name: 'mu', min: 0, max: 10 },
          { name: 'alpha_jes', min: -5, max: 5 },
          { name: 'unc_0', min: 0, max: 10 },
          { name: 'unc_1', min: 0, max: 10 },
        ],
      },
    ],
    parameter_points: [{ name: 'init', parameters: [{ name: 'mu', value: 1 }] }],
    analyses: [{ name: 'A', likelihood: 'L', domain: 'D', init: 'init', parameters_of_interest: ['mu'] }],
  };
}

function expectIssue(doc: Json, code: ErrorCode, path: string, severity: Issue['severity'] = 'error') {
  const issues = checkHS3(doc);
  const found = issues.find((i) => i.code === code && i.path === path);
  expect(found, JSON.stringify(issues.map((i) => [i.severity, i.code, i.path]))).toBeDefined();
  expect(found!.severity).toBe(severity);
  expect(found!.message).toContain(path);
  return issues;
}

describe('HS3 semantic rules', () => {
  it('the base model is valid without warnings, and detected as HS3', () => {
    expect(checkHS3(model())).toEqual([]);
    expect(detectKind(model())).toBe('hs3');
  });

  it('UNSUPPORTED_VERSION for an hs3_version other than 0.2 or 0.2.x', () => {
    const d = model();
    d.metadata.hs3_version = '0.3.0';
    expectIssue(d, 'UNSUPPORTED_VERSION', '/metadata/hs3_version');
    d.metadata.hs3_version = '0.2.9';
    expect(checkHS3(d)).toEqual([]);
  });

  it('SCHEMA for a missing required component, at the object missing it', () => {
    const d = model();
    delete d.distributions[0].samples[1].modifiers[0].data.lo;
    expectIssue(d, 'SCHEMA', '/distributions/0/samples/1/modifiers/0/data');
  });

  it('unknown distribution, function, data and modifier types are kept and only warned about', () => {
    const d = model();
    d.distributions.push({ name: 'vendor', type: 'CMS::fancy_dist', whatever: [1, 2] });
    d.functions = [{ name: 'f', type: 'vendor_function' }];
    d.data.push({ name: 'extra', type: 'combined', members: [] });
    d.distributions[0].samples[0].modifiers.push({ name: 'x', type: 'vendor_mod', parameter: 'mu' });
    const issues = checkHS3(d);
    expect(pairs(issues, 'error')).toEqual([]);
    expect(pairs(issues, 'warning')).toEqual([
      ['UNKNOWN_TYPE', '/distributions/0/samples/0/modifiers/1/type'],
      ['UNKNOWN_TYPE', '/distributions/1/type'],
      ['UNKNOWN_TYPE', '/functions/0/type'],
      ['UNKNOWN_TYPE', '/data/1/type'],
    ]);
  });

  it('generic expressions must parse: a syntax error (SCHEMA) or an unknown function (UNSUPPORTED_OPERATION) at the expression, with the position', () => {
    const d = model();
    d.functions = [{ name: 'f', type: 'generic_function', expression: 'mu*(1+alpha_jes' }];
    d.distributions.push({ name: 'g', type: 'generic_dist', expression: 'gamma(x)*mu' });
    const issues = expectIssue(d, 'SCHEMA', '/functions/0/expression');
    expect(issues.find((i) => i.path === '/functions/0/expression')!.message).toMatch(/character \d+/);
    expectIssue(d, 'UNSUPPORTED_OPERATION', '/distributions/1/expression');
    const ok = model();
    ok.functions = [{ name: 'f', type: 'generic_function', expression: 'mu*(1+0.1*alpha_jes)' }];
    expect(pairs(checkHS3(ok), 'error')).toEqual([]);
  });

  it('DUPLICATE_NAME across sections, within samples, axes and parameter points; an analysis clash only warns', () => {
    const d = model();
    d.domains[0].name = 'L';
    expectIssue(d, 'DUPLICATE_NAME', '/domains/0/name');
    const s = model();
    s.distributions[0].samples[1].name = 'signal';
    expectIssue(s, 'DUPLICATE_NAME', '/distributions/0/samples/1/name');
    const p = model();
    p.parameter_points[0].parameters.push({ name: 'mu', value: 2 });
    expectIssue(p, 'DUPLICATE_NAME', '/parameter_points/0/parameters/1/name');
    const a = model();
    a.analyses[0].name = 'L';
    expectIssue(a, 'DUPLICATE_NAME', '/analyses/0/name', 'warning');
  });

  it('DANGLING_REFERENCE for likelihoods, analyses, composite distributions and constraint_name', () => {
    const d = model();
    d.likelihoods[0].distributions[0] = 'nope';
    d.analyses[0].domain = 'nope';
    d.analyses[0].init = 'nope';
    d.distributions.push({ name: 'mix', type: 'mixture_dist', summands: ['model_SR', 'nope'], coefficients: [0.5] });
    d.distributions[0].samples[0].modifiers[0].constraint_name = 'nope';
    for (const path of ['/likelihoods/0/distributions/0', '/analyses/0/domain', '/analyses/0/init', '/distributions/1/summands/1', '/distributions/0/samples/0/modifiers/0/constraint_name']) {
      expectIssue(d, 'DANGLING_REFERENCE', path);
    }
  });

  it('BIN_COUNT_MISMATCH for sample contents and errors, modifier data and parameters, binned data and uncertainties', () => {
    const d = model();
    const bg = d.distributions[0].samples[1];
    bg.data.errors.push(1);
    bg.modifiers[0].data.hi.contents.pop();
    bg.modifiers[1].data.vals.push(1);
    bg.modifiers[1].parameters.push('unc_2');
    d.data[0].uncertainty = { type: 'gaussian_uncertainty', sigma: [1, 2, 3] };
    for (const path of [
      '/distributions/0/samples/1/data/errors',
      '/distributions/0/samples/1/modifiers/0/data/hi/contents',
      '/distributions/0/samples/1/modifiers/1/data/vals',
      '/distributions/0/samples/1/modifiers/1/parameters',
      '/data/0/uncertainty/sigma',
    ]) {
      expectIssue(d, 'BIN_COUNT_MISMATCH', path);
    }
    const e = model();
    e.data[0].axes = [{ name: 'obs_x_SR', min: 0, max: 3, edges: [0, 1, 2, 3] }];
    e.distributions[0].axes = e.data[0].axes;
    expectIssue(e, 'BIN_COUNT_MISMATCH', '/data/0/contents');
    expectIssue(e, 'BIN_COUNT_MISMATCH', '/distributions/0/samples/0/data/contents');
  });

  it('BIN_COUNT_MISMATCH when a likelihood pairs a channel with data of other binning', () => {
    const d = model();
    d.data[0] = { name: 'obs_SR', type: 'binned', axes: [{ name: 'obs_x_SR', min: 0, max: 3, nbins: 3 }], contents: [1, 2, 3] };
    expectIssue(d, 'BIN_COUNT_MISMATCH', '/likelihoods/0/data/0');
  });

  it('SHAPE_MISMATCH for likelihood lengths, unbinned rows and weights, mixture coefficients, a scalar modifier with two parameters', () => {
    const d = model();
    d.likelihoods[0].data.push('obs_SR');
    d.data.push({ name: 'u', type: 'unbinned', axes: [{ name: 'x', min: 0, max: 1 }], entries: [[0.5], [0.2, 0.3]], weights: [1] });
    d.distributions.push({ name: 'mix', type: 'mixture_dist', summands: ['model_SR'], coefficients: [1, 2, 3] });
    d.distributions[0].samples[0].modifiers[0].parameters = ['mu', 'nu'];
    for (const path of ['/likelihoods/0/data', '/data/1/entries/1', '/data/1/weights', '/distributions/1/coefficients', '/distributions/0/samples/0/modifiers/0/parameters']) {
      expectIssue(d, 'SHAPE_MISMATCH', path);
    }
  });

  it('axis rules: one of nbins/edges, ordered edges matching min/max, no binning on unbinned axes, no const', () => {
    const d = model();
    d.data[0].axes[0].edges = [0, 1, 2];
    expectIssue(d, 'AXIS_BINS', '/data/0/axes/0');
    const n = model();
    delete n.data[0].axes[0].nbins;
    expectIssue(n, 'AXIS_BINS', '/data/0/axes/0');
    const e = model();
    e.data[0].axes[0] = { name: 'obs_x_SR', min: 0, max: 2, edges: [0, 1.5, 1] };
    expectIssue(e, 'EDGES_NOT_INCREASING', '/data/0/axes/0/edges/2');
    expectIssue(e, 'AXIS_RANGE', '/data/0/axes/0/edges/2');
    const r = model();
    r.data[0].axes[0].min = 3;
    expectIssue(r, 'AXIS_RANGE', '/data/0/axes/0');
    const u = model();
    u.data.push({ name: 'u', type: 'unbinned', axes: [{ name: 'x', min: 0, max: 1, nbins: 3, const: true }], entries: [[0.5]] });
    expectIssue(u, 'AXIS_BINS', '/data/1/axes/0');
    expectIssue(u, 'SCHEMA', '/data/1/axes/0/const');
    const c = model();
    c.data.push({ name: 'cat', type: 'binned', axes: [{ name: 'region', categories: ['SR', 'CR'], min: 0 }], contents: [1, 2] });
    expectIssue(c, 'AXIS_BINS', '/data/1/axes/0');
  });

  it("ROOT's variants are warnings: unbinned axes without bounds, domains without max, analyses with domains, errors on data", () => {
    const d = model();
    d.data.push({ name: 'u', type: 'unbinned', axes: [{ name: 'x', value: 1 }], entries: [[1]] });
    delete d.domains[0].axes[0].max;
    d.analyses[0].domains = ['D'];
    delete d.analyses[0].domain;
    d.data[0].errors = [1, 1];
    d.parameter_points[0].parameters[0].err = 0.1;
    const issues = checkHS3(d);
    expect(pairs(issues, 'error')).toEqual([]);
    expect(pairs(issues, 'warning')).toEqual([
      ['NONSTANDARD', '/data/0/errors'],
      ['NONSTANDARD', '/data/1/axes/0'],
      ['NONSTANDARD', '/data/1/axes/0'],
      ['NONSTANDARD', '/domains/0/axes/0'],
      ['NONSTANDARD', '/parameter_points/0/parameters/0/err'],
      ['NONSTANDARD', '/analyses/0/domains'],
    ]);
  });

  it('NONSTANDARD warning for unknown top-level components and constraint names other than Gauss, Poisson, LogNormal', () => {
    const d = model();
    d.extra = {};
    d.distributions[0].samples[1].modifiers[0].constraint = 'Lognormal';
    expectIssue(d, 'NONSTANDARD', '/extra', 'warning');
    expectIssue(d, 'NONSTANDARD', '/distributions/0/samples/1/modifiers/0/constraint', 'warning');
  });

  it('CONFLICTING_DEFINITION when modifiers sharing a parameter have different constraints', () => {
    const d = model();
    d.distributions[0].samples[0].modifiers.push({ name: 'jes', type: 'normsys', parameter: 'alpha_jes', constraint: 'LogNormal', data: { hi: 1.1, lo: 0.9 } });
    expectIssue(d, 'CONFLICTING_DEFINITION', '/distributions/0/samples/1/modifiers/0');
  });

  it('SCHEMA for crystalball_dist mixing symmetric and one-sided components, and an analysis without domain', () => {
    const d = model();
    d.distributions.push({ name: 'cb', type: 'crystalball_dist', m: 'x', m0: 1, sigma: 1, sigma_L: 1, alpha: 1, n: 2 });
    delete d.analyses[0].domain;
    expectIssue(d, 'SCHEMA', '/distributions/1/sigma_L');
    expectIssue(d, 'SCHEMA', '/analyses/0');
  });

  it('DANGLING_REFERENCE for a parameter of interest that is not a parameter of the likelihood', () => {
    const d = model();
    d.analyses[0].parameters_of_interest = ['obs_x_SR'];
    expectIssue(d, 'DANGLING_REFERENCE', '/analyses/0/parameters_of_interest/0');
  });

  it('UNDECLARED_PARAMETER: an error when declared nowhere, a warning when declared outside the analysis', () => {
    const d = model();
    d.domains[0].axes.pop(); // unc_1 declared nowhere
    expectIssue(d, 'UNDECLARED_PARAMETER', '/distributions/0/samples/1/modifiers/1/parameters/1');
    const w = model();
    w.domains.push({ name: 'other', type: 'product_domain', axes: [w.domains[0].axes.pop()] });
    expectIssue(w, 'UNDECLARED_PARAMETER', '/distributions/0/samples/1/modifiers/1/parameters/1', 'warning');
    const c = model();
    c.domains[0].axes.pop();
    c.parameter_points[0].parameters.push({ name: 'unc_1', value: 1, const: true });
    expect(checkHS3(c)).toEqual([]);
    const none = model();
    delete none.analyses;
    none.domains[0].axes.pop();
    expectIssue(none, 'UNDECLARED_PARAMETER', '/distributions/0/samples/1/modifiers/1', 'warning');
  });

  it('parameters reached through functions and composite distributions; variates and data axes are not parameters', () => {
    const d = model();
    d.distributions = [
      { name: 'g', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 'width' },
      { name: 'e', type: 'exponential_dist', x: 'x', c: 'c' },
      { name: 'mix', type: 'mixture_dist', summands: ['g', 'e'], coefficients: ['f'] },
    ];
    d.functions = [{ name: 'width', type: 'product', factors: ['s', 2] }];
    d.data = [{ name: 'u', type: 'unbinned', axes: [{ name: 'x', min: 0, max: 10 }], entries: [[1], [2]] }];
    d.likelihoods = [{ name: 'L', distributions: ['mix'], data: ['u'] }];
    d.domains = [{ name: 'D', type: 'product_domain', axes: ['m', 'c', 'f'].map((name) => ({ name, min: 0, max: 1 })) }];
    d.analyses[0].parameters_of_interest = ['m'];
    expect(pairs(checkHS3(d), 'error')).toEqual([['UNDECLARED_PARAMETER', '/functions/0/factors/0']]);
  });
});

// ------------------------------------------------------------------------- robustness

describeReference('HS3 robustness', () => {
  it('checkHS3 never throws on mutated reference files, and reports only known codes', () => {
    const random = seededRandom(6);
    for (const file of hs3Files()) {
      for (let k = 0; k < 60; k++) {
        const doc = refJson<Json>(file);
        mutateJson(doc, random);
        mutateJson(doc, random);
        let issues: Issue[] = [];
        expect(() => (issues = checkHS3(doc)), `${file} #${k}`).not.toThrow();
        for (const i of issues) expect(ERROR_CODES).toContain(i.code);
      }
    }
  });
});
