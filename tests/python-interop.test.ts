/**
 * Independent check with Python: the built CLI converts each uhi-generated JSON file, then
 * tests/python/check_uhi_json.py (Debian's python3 with jsonschema and numpy) validates the output
 * against uhi's snapshot schema and compares it with the original, value by value.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { CASES as MANIFEST_CASES, manifest } from './helpers/manifest.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const SCRIPT = join(PROJECT_DIR, 'tests/python/check_uhi_json.py');

/** Debian's python3 when it has jsonschema and numpy; otherwise skipped with a printed reason (a failure in CI). */
const PYTHON = requirePython(['jsonschema', 'numpy']);
const describePython = (PYTHON ? describeReference : describe.skip) as typeof describe;

/** The one case uhi's snapshot schema rejects: 0-d storage written as bare numbers (uhi's own writer does that). */
const EXPECTED_SCHEMA_FAILURES = new Set(['scalar_0d_weighted']);

const CASES = MANIFEST_CASES.map(({ name, kase }) => ({
  name,
  path: kase.files.json.path,
  histograms: [name],
  uhiSchemaErrors: kase.files.json.schema_errors,
}));
// The combined file too: every case at once.
if (hasReference) CASES.push({ name: 'all', path: 'all.json', histograms: Object.keys(manifest!.cases), uhiSchemaErrors: [] });

interface Report {
  histograms: string[];
  schema_valid: boolean;
  schema_errors: string[];
  original_schema_valid: boolean;
  equal: boolean;
  diffs: string[];
  notes: string[];
}

describePython('Python (json + jsonschema + numpy) reads what the built CLI writes', () => {
  const dir = tempDir('hist-serial-python-');

  beforeAll(() => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
  });

  it('the manifest agrees on which file uhi’s schema rejects', () => {
    expect(CASES.filter((c) => c.uhiSchemaErrors.length > 0).map((c) => c.name)).toEqual([...EXPECTED_SCHEMA_FAILURES]);
  });

  it.each(CASES)('$name', ({ name, path, histograms }) => {
    const input = ref('uhi-generated', path);
    const output = join(dir, `${name}.json`);
    const cli = runBuiltCli(['convert', input, output]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(existsSync(output)).toBe(true);

    const py = spawnSync(PYTHON!, [SCRIPT, '--schema', ref('uhi', 'histogram.schema.json'), '--version', VERSION, input, output], {
      encoding: 'utf8',
    });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const report = JSON.parse(py.stdout) as Report;

    expect(report.histograms).toEqual(histograms);
    expect(report.diffs).toEqual([]);
    expect(report.equal).toBe(true);
    const uhiRejects = EXPECTED_SCHEMA_FAILURES.has(name);
    expect(report.schema_valid, report.schema_errors.join('\n')).toBe(!uhiRejects);
    // Writing changes nothing about schema validity: the original is judged the same way.
    expect(report.original_schema_valid).toBe(!uhiRejects);
    if (uhiRejects) {
      // Rejected where uhi writes 0-d arrays as bare numbers: the storage.
      expect(report.schema_errors).toHaveLength(1);
      expect(report.schema_errors[0]).toMatch(new RegExp(`^/${name}/storage: `));
    }
  });
});
