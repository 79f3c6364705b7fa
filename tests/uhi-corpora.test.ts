/**
 * scikit-hep/uhi's own schema test corpora (../shared/reference/uhi): the valid files must be
 * accepted and the invalid ones rejected at the right place, both by the schema alone and by a full
 * check. Our schema must accept everything uhi's snapshot schema accepts (with a few documented,
 * deliberate exceptions taken from newer upstream), and our schema files must be valid draft 2020-12.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFile, getSchema, parseJson, validateSchema, type Issue } from '../src/index.js';
import { PROJECT_DIR, describeReference, hasReference, ref, refJson } from './helpers/reference.js';

const SNAPSHOT = ['uhi', 'tests', 'resources'];
const LATER = ['uhi', 'upstream-later', 'tests', 'resources'];

/** JSON files of a reference folder (none when the reference files are absent). */
function jsonFiles(...dir: string[]): string[] {
  return hasReference ? readdirSync(ref(...dir)).filter((f) => f.endsWith('.json')).sort() : [];
}

/** A reference file parsed as Python writes JSON (bare NaN / -Infinity tokens allowed). */
function readValue(...parts: string[]): unknown {
  return parseJson(readFileSync(ref(...parts), 'utf8')).value;
}

/** The distinct (code, path) pairs of issues, in order of first appearance. */
function locations(issues: readonly Issue[]): { code: string; path: string }[] {
  const seen = new Map<string, { code: string; path: string }>();
  for (const i of issues) seen.set(`${i.code} ${i.path}`, { code: i.code, path: i.path });
  return [...seen.values()];
}

const VALID = [
  ...jsonFiles(...SNAPSHOT, 'valid').map((f) => ({ dir: [...SNAPSHOT, 'valid'], file: f })),
  ...jsonFiles(...LATER, 'valid').map((f) => ({ dir: [...LATER, 'valid'], file: f })),
  ...jsonFiles(...LATER, 'valid_single').map((f) => ({ dir: [...LATER, 'valid_single'], file: f })),
].map((c) => ({ ...c, label: [...c.dir.slice(1), c.file].join('/') }));

/** Histogram names each valid file must yield (a single top-level histogram is named after the file). */
const VALID_NAMES: Record<string, string[]> = {
  'tests/resources/valid/2d.json': ['main'],
  'tests/resources/valid/empty_storage.json': ['empty_int', 'empty_double', 'empty_weighted', 'empty_mean', 'empty_weighted_mean'],
  'tests/resources/valid/mean.json': ['weighted_mean', 'mean'],
  'tests/resources/valid/noaxes.json': ['one'],
  'tests/resources/valid/reg.json': ['one', 'two'],
  'tests/resources/valid/sparse.json': ['first'],
  'upstream-later/tests/resources/valid/noaxes_scalar.json': ['one'],
  'upstream-later/tests/resources/valid_single/reg.json': ['reg'],
};

/** Where each invalid file is wrong (JSON pointers into the file, decided by reading it). */
const INVALID: Record<string, { dir: string[]; code: Issue['code']; path: string }> = {
  // {"one": {...}} without "axes" / "storage": the histogram object is incomplete.
  'missing_axis.json': { dir: [...SNAPSHOT, 'invalid'], code: 'SCHEMA', path: '/one' },
  'missing_storage.json': { dir: [...SNAPSHOT, 'invalid'], code: 'SCHEMA', path: '/one' },
  // metadata {"one": {"two": 2}}: the value of "one" is an object, not a scalar.
  'metadata_nested.json': { dir: [...SNAPSHOT, 'invalid'], code: 'SCHEMA', path: '/one/metadata/one' },
  // Single histograms from here on (top level has uhi_schema), so pointers start at the histogram.
  // int storage with values [1.5, 2]: the first value is not an integer.
  'int_storage_float_values.json': { dir: [...LATER, 'invalid'], code: 'SCHEMA', path: '/storage/values/0' },
  // regular axis without bins/underflow/overflow/circular.
  'single_bad_axis.json': { dir: [...LATER, 'invalid'], code: 'SCHEMA', path: '/axes/0' },
  // no "storage" at all: the document (the histogram) itself.
  'single_missing_storage.json': { dir: [...LATER, 'invalid'], code: 'SCHEMA', path: '' },
  // edges [1.0] (one edge, no bin) and [1.0, 1.0] (repeated edge).
  'variable_one_edge.json': { dir: [...LATER, 'invalid'], code: 'SCHEMA', path: '/axes/0/edges' },
  'variable_repeated_edges.json': { dir: [...LATER, 'invalid'], code: 'SCHEMA', path: '/axes/0/edges' },
};

const INVALID_FILES = [...jsonFiles(...SNAPSHOT, 'invalid'), ...jsonFiles(...LATER, 'invalid')];

describeReference("uhi's valid corpus", () => {
  it('is the set of files these tests know', () => {
    expect(VALID.map((c) => c.label).sort()).toEqual(Object.keys(VALID_NAMES).sort());
  });

  describe.each(VALID)('$label', ({ dir, file, label }) => {
    it('passes our schema', () => {
      expect(validateSchema('histograms', readValue(...dir, file))).toEqual([]);
    });

    it('passes a full check, with the expected histograms', async () => {
      const report = await checkFile(ref(...dir, file));
      expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.format).toBe('uhi-json');
      expect([...report.document!.histograms.keys()]).toEqual(VALID_NAMES[label]);
    });
  });
});

describeReference("uhi's invalid corpus", () => {
  it('is the set of files these tests know', () => {
    expect([...INVALID_FILES].sort()).toEqual(Object.keys(INVALID).sort());
  });

  describe.each(INVALID_FILES.map((file) => ({ file, ...INVALID[file]! })))('$file', ({ file, dir, code, path }) => {
    it(`is rejected by our schema at "${path}"`, () => {
      const issues = validateSchema('histograms', readValue(...dir, file));
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((i) => i.severity === 'error')).toBe(true);
      expect(locations(issues)).toEqual([{ code, path }]);
    });

    it(`fails a full check at "${path}"`, async () => {
      const report = await checkFile(ref(...dir, file));
      expect(report.valid).toBe(false);
      expect(report.document).toBeUndefined();
      expect(locations(report.issues.filter((i) => i.severity === 'error'))).toEqual([{ code, path }]);
    });
  });
});

describeReference("our schema is a superset of uhi's snapshot schema", () => {
  let uhiValidate: ValidateFunction;
  beforeAll(() => {
    // uhi's schema is draft-07 (the default Ajv class). It is compiled from the reference folder at
    // test time, never copied. strictNumbers:false makes NaN/±Infinity count as numbers, as they do
    // for Python's fastjsonschema that uhi uses (ajv's default, strictNumbers:true, would reject
    // uhi's own valid/mean.json). strict:false already implies it; it is spelled out on purpose.
    const ajv = new Ajv({ strict: false, strictNumbers: false, allowUnionTypes: true, allErrors: true });
    uhiValidate = ajv.compile(refJson<object>('uhi', 'histogram.schema.json'));
  });

  interface Candidate {
    label: string;
    parts: string[];
    /** Does uhi's snapshot schema accept it? */
    uhiAccepts: boolean;
  }

  interface ManifestCase {
    files: { json: { path: string; schema_errors: string[] } };
  }
  const manifest = hasReference
    ? refJson<{ cases: Record<string, ManifestCase>; edge_cases: Record<string, ManifestCase> }>('uhi-generated', 'MANIFEST.json')
    : undefined;
  const CANDIDATES: Candidate[] = [
    // uhi's own valid corpus: its tests assert the snapshot schema accepts every file.
    ...jsonFiles(...SNAPSHOT, 'valid').map((f) => ({ label: `uhi valid/${f}`, parts: [...SNAPSHOT, 'valid', f], uhiAccepts: true })),
    // Newer upstream: 0-d storage as bare numbers, and a histogram stored directly at the top level.
    // The snapshot schema rejects both; ours accepts both (the newer behaviour).
    ...jsonFiles(...LATER, 'valid').map((f) => ({ label: `uhi later valid/${f}`, parts: [...LATER, 'valid', f], uhiAccepts: false })),
    ...jsonFiles(...LATER, 'valid_single').map((f) => ({ label: `uhi later valid_single/${f}`, parts: [...LATER, 'valid_single', f], uhiAccepts: false })),
    // Files written by uhi: the manifest records fastjsonschema's verdict with the snapshot schema.
    ...(manifest ? [...Object.entries(manifest.cases), ...Object.entries(manifest.edge_cases)] : []).map(([name, c]) => ({
      label: `uhi-generated ${name}`,
      parts: ['uhi-generated', c.files.json.path],
      uhiAccepts: c.files.json.schema_errors.length === 0,
    })),
    ...(hasReference ? [{ label: 'uhi-generated all.json', parts: ['uhi-generated', 'all.json'], uhiAccepts: true }] : []),
  ];

  it('covers the files uhi accepts', () => {
    // 6 valid snapshot files + 11 generated cases + two_variable_axes + all.json.
    expect(CANDIDATES.filter((c) => c.uhiAccepts)).toHaveLength(19);
    expect(CANDIDATES.filter((c) => !c.uhiAccepts).map((c) => c.label)).toEqual([
      'uhi later valid/noaxes_scalar.json',
      'uhi later valid_single/reg.json',
      'uhi-generated scalar_0d_weighted',
    ]);
  });

  it.each(CANDIDATES)('$label: uhi accepts it ⇒ we accept it', ({ parts, uhiAccepts }) => {
    const value = readValue(...parts);
    expect(uhiValidate(value), JSON.stringify(uhiValidate.errors)).toBe(uhiAccepts);
    // Every candidate is valid for us, whether or not uhi's older schema takes it.
    expect(validateSchema('histograms', value)).toEqual([]);
  });

  // Deliberate exceptions: uhi's snapshot schema puts minItems/uniqueItems for edges inside `items`
  // (where they do nothing) and lets int storage hold any number. Newer upstream rejects these files
  // (its invalid/ corpus); so do we. Wrapped as {name: hist}, the snapshot schema accepts them.
  it.each([
    ['int_storage_float_values.json', '/h/storage/values/0'],
    ['variable_one_edge.json', '/h/axes/0/edges'],
    ['variable_repeated_edges.json', '/h/axes/0/edges'],
  ])('%s, wrapped as {h: ...}: accepted by uhi snapshot, rejected by us at %s', (file, path) => {
    const wrapped = { h: readValue(...LATER, 'invalid', file) };
    expect(uhiValidate(wrapped), JSON.stringify(uhiValidate.errors)).toBe(true);
    expect(locations(validateSchema('histograms', wrapped))).toEqual([{ code: 'SCHEMA', path }]);
  });
});

describe('our schema files', () => {
  const dir = join(PROJECT_DIR, 'schema');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.schema.json')).sort();
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $id: string; $schema: string };

  it('are the histogram schemas, the fit-result schemas and the native envelope schema', () => {
    expect(files).toEqual([
      'fit-result/1/fit-result.schema.json',
      'fit-result/1/fit-results.schema.json',
      'histogram/1/histogram.schema.json',
      'histogram/1/histograms.schema.json',
      'hs3/0.2/hs3.schema.json',
      'native/1/native.schema.json',
      'pyhf/1.0.0/workspace.schema.json',
    ]);
  });

  it.each(files)('%s is a valid draft 2020-12 schema', (f) => {
    const schema = read(f);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ discriminator: true, allowUnionTypes: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('compile together in strict mode, and are the schemas the validator uses', () => {
    const ajv = new Ajv2020({ discriminator: true, allowUnionTypes: true });
    for (const f of files) ajv.addSchema(read(f));
    for (const f of files) expect(typeof ajv.getSchema(read(f).$id)).toBe('function');
    expect(getSchema('histogram')).toStrictEqual(read('histogram/1/histogram.schema.json'));
    expect(getSchema('histograms')).toStrictEqual(read('histogram/1/histograms.schema.json'));
    expect(getSchema('native')).toStrictEqual(read('native/1/native.schema.json'));
  });
});
