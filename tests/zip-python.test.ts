/**
 * Independent check of the UHI zips hist-serial writes: the built CLI converts each uhi-generated
 * JSON file to .zip, then tests/python/check_uhi_zip.py (Debian's python3: zipfile + numpy.load, as
 * uhi's own reader does) checks the members, the CRCs and every array against the original JSON.
 * DEFLATE, forced-ZIP64 and odd-name archives (written through the library) are checked the same
 * way, and `unzip -t` tests every archive.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeUhiZip } from '../src/codecs/zip.js';
import { VERSION, concatBytes, readDocument, toUHI, writeDocument, createDocument, type Histogram } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { manifest } from './helpers/manifest.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const SCRIPT = join(PROJECT_DIR, 'tests/python/check_uhi_zip.py');
const PYTHON = requirePython(['numpy']);
const describePython = (PYTHON ? describeReference : describe.skip) as typeof describe;

/** Info-ZIP's unzip, a second independent reader (Debian package `unzip`; required in CI). */
const UNZIP = '/usr/bin/unzip';
const hasUnzip = existsSync(UNZIP);
if (!hasUnzip) {
  if (process.env.CI) throw new Error(`${UNZIP} is missing: install the Debian package unzip (see .ci/run)`);
  console.warn(`SKIPPING unzip -t checks: ${UNZIP} is not installed`);
}

interface Report {
  testzip: string | null;
  members: { name: string; compress_type: number; utf8: boolean }[];
  zip64_end_record: boolean;
  histograms: string[];
  arrays: Record<string, string>;
  equal: boolean;
  diffs: string[];
}

const CASES = hasReference
  ? [
      ...[...Object.entries(manifest!.cases), ...Object.entries(manifest!.edge_cases)].map(([name, c]) => ({ name, path: c.files.json.path, histograms: [name] })),
      { name: 'all', path: 'all.json', histograms: Object.keys(manifest!.cases) },
    ]
  : [];

/** Run the Python checker over (original JSON, archive) pairs. */
function pythonCheck(pairs: [string, string][]): Record<string, Report> {
  const r = spawnSync(PYTHON!, [SCRIPT, '--version', VERSION, ...pairs.flat()], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, Report>;
}

function unzipTest(file: string): void {
  if (!hasUnzip) return;
  const r = spawnSync(UNZIP, ['-tq', file], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/No errors detected/);
}

describePython('Python (zipfile + numpy.load) reads the zips hist-serial writes', () => {
  const dir = tempDir('hist-serial-zip-python-');
  const stored = new Map<string, string>();
  const deflated = new Map<string, string>();
  let storedReports: Record<string, Report>;
  let deflatedReports: Record<string, Report>;

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
    for (const { name, path } of CASES) {
      const out = join(dir, `${name}.zip`);
      const cli = runBuiltCli(['convert', ref('uhi-generated', path), out]);
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      stored.set(name, out);
      const deflate = join(dir, `${name}.deflate.zip`);
      await writeDocument(deflate, await readDocument(ref('uhi-generated', path)), { options: { zipCompression: 'deflate' } });
      deflated.set(name, deflate);
    }
    storedReports = pythonCheck(CASES.map(({ name, path }) => [ref('uhi-generated', path), stored.get(name)!]));
    deflatedReports = pythonCheck(CASES.map(({ name, path }) => [ref('uhi-generated', path), deflated.get(name)!]));
  });

  it.each(CASES)('$name: STORE zip from the built CLI', ({ name, histograms }) => {
    const report = storedReports[stored.get(name)!]!;
    expect(report.testzip).toBeNull();
    expect(report.histograms).toEqual(histograms);
    expect(report.diffs).toEqual([]);
    expect(report.equal).toBe(true);
    expect(report.members.map((m) => m.compress_type)).toEqual(report.members.map(() => 0));
    expect(report.zip64_end_record).toBe(false);
    expect(Object.keys(report.arrays).length).toBeGreaterThan(name === 'empty_weighted' ? -1 : 0);
    unzipTest(stored.get(name)!);
  });

  it.each(CASES)('$name: DEFLATE zip', ({ name, histograms }) => {
    const report = deflatedReports[deflated.get(name)!]!;
    expect(report.testzip).toBeNull();
    expect(report.histograms).toEqual(histograms);
    expect(report.diffs).toEqual([]);
    expect(report.members.map((m) => m.compress_type)).toEqual(report.members.map(() => 8));
    unzipTest(deflated.get(name)!);
  });

  it('keeps numpy dtypes: int64 counts and sparse indices, float64 elsewhere, 0-d as ()', () => {
    const all = storedReports[stored.get('all')!]!.arrays;
    expect(all['reg1d_int_storage_values.npy']).toBe('<i8 [12]');
    expect(all['sparse_int_2d_storage_index.npy']).toBe('<i8 [2, 12]');
    expect(all['reg_var_2d_double_storage_values.npy']).toBe('<f8 [7, 5]');
    expect(all['reg_var_2d_double_axis_1_edges.npy']).toBe('<f8 [5]');
    expect(storedReports[stored.get('scalar_0d_weighted')!]!.arrays['scalar_0d_weighted_storage_values.npy']).toBe('<f8 []');
  });

  it('reads an archive with ZIP64 records forced on (STORE and DEFLATE)', async () => {
    const doc = await readDocument(ref('uhi-generated', 'all.json'));
    const pairs: [string, string][] = [];
    for (const compression of ['store', 'deflate'] as const) {
      const file = join(dir, `zip64-${compression}.zip`);
      writeFileSync(file, concatBytes(encodeUhiZip(toUHI(doc, { arrays: 'external' }), { compression, forceZip64: true })));
      pairs.push([ref('uhi-generated', 'all.json'), file]);
    }
    const reports = pythonCheck(pairs);
    for (const [, file] of pairs) {
      const report = reports[file]!;
      expect(report.zip64_end_record, file).toBe(true);
      expect(report.testzip, file).toBeNull();
      expect(report.diffs, file).toEqual([]);
      expect(report.histograms).toEqual(Object.keys(manifest!.cases));
      unzipTest(file);
    }
  });

  it('reads members of odd histogram names under the escaped names of spec.md 4.2', async () => {
    const h = (): Histogram => ({
      axes: [{ type: 'variable', edges: new Float64Array([0, 1, 3]), underflow: false, overflow: true, circular: false }],
      storage: { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [3], data: new Float64Array([1, -0, NaN]) } } },
    });
    const names = ['jets/pt', '../up', '/abs', 'back\\slash', 'tab\there', '50%', 'a%2Fb', 'é∞ 日本', '..'];
    const json = join(dir, 'odd.json');
    await writeDocument(json, createDocument(names.map((n) => [n, h()] as [string, Histogram])));
    const zip = join(dir, 'odd.zip');
    const cli = runBuiltCli(['convert', json, zip]);
    expect(cli.code, cli.stderr).toBe(0);
    const report = pythonCheck([[json, zip]])[zip]!;
    expect(report.testzip).toBeNull();
    expect(report.diffs).toEqual([]);
    expect(report.histograms).toEqual(names);
    expect(report.members.filter((m) => m.name.endsWith('.json')).map((m) => m.name)).toEqual([
      'jets%2Fpt.json',
      '..%2Fup.json',
      '%2Fabs.json',
      'back%5Cslash.json',
      'tab%09here.json',
      '50%.json',
      'a%252Fb.json',
      'é∞ 日本.json',
      '...json',
    ]);
    expect(report.members.filter((m) => m.utf8).map((m) => m.name)).toEqual(['é∞ 日本_storage_values.npy', 'é∞ 日本_axis_0_edges.npy', 'é∞ 日本.json']);
    unzipTest(zip);
  });
});
