/**
 * Independent check with Python: the built CLI converts each uhi-generated JSON file to BSON, then
 * tests/python/check_bson.py (Debian's python3 with python3-bson, pymongo's BSON implementation, and
 * numpy) walks the bytes, decodes them and compares the content with the original JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'bson';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { CASES as MANIFEST_CASES, manifest } from './helpers/manifest.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const SCRIPT = join(PROJECT_DIR, 'tests/python/check_bson.py');

/** Debian's python3 when it has bson and numpy; otherwise skipped with a printed reason (a failure in CI). */
const PYTHON = requirePython(['bson', 'numpy']);
const describePython = (PYTHON ? describeReference : describe.skip) as typeof describe;

const CASES = MANIFEST_CASES.map(({ name, kase }) => ({ name, path: kase.files.json.path, histograms: [name] }));
if (hasReference) CASES.push({ name: 'all', path: 'all.json', histograms: Object.keys(manifest!.cases) });

/** Arrays of a UHI JSON file: storage arrays (every key but `type`) and variable axes' edges. */
function arrayCount(file: string): number {
  const doc = JSON.parse(readFileSync(file, 'utf8').replace(/\bNaN\b|-?Infinity\b/g, '0')) as Record<string, { axes: { type: string }[]; storage: object }>;
  return Object.values(doc).reduce((n, h) => n + Object.keys(h.storage).length - 1 + h.axes.filter((a) => a.type === 'variable').length, 0);
}

interface Report {
  histograms: string[];
  buffers: number;
  aligned: boolean;
  layout_errors: string[];
  equal: boolean;
  diffs: string[];
  notes: string[];
}

describePython('Python (pymongo bson + numpy) reads the BSON the built CLI writes', () => {
  const dir = tempDir('hist-serial-bson-python-');

  beforeAll(() => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
  });

  it.each(CASES)('$name', ({ name, path, histograms }) => {
    const input = ref('uhi-generated', path);
    const output = join(dir, `${name}.bson`);
    const cli = runBuiltCli(['convert', input, output]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('(bson)');

    const py = spawnSync(PYTHON!, [SCRIPT, '--version', VERSION, input, output], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const report = JSON.parse(py.stdout) as Report;

    expect(report.histograms).toEqual(histograms);
    expect(report.layout_errors).toEqual([]);
    expect(report.aligned).toBe(true);
    expect(report.diffs).toEqual([]);
    expect(report.equal).toBe(true);
    // every array is one buffer: the storage arrays (sparse index included) and variable edges
    expect(report.buffers).toBe(arrayCount(input));
  });

  it('the checker is not blind: it reports a changed bin, a changed dtype and a misaligned payload', () => {
    const input = ref('uhi-generated', manifest!.cases.reg1d_int!.files.json.path);
    const output = join(dir, 'blind.bson');
    expect(runBuiltCli(['convert', input, output, '-q']).code).toBe(0);
    const check = (original: string, bson: string) =>
      JSON.parse(spawnSync(PYTHON!, [SCRIPT, '--version', VERSION, original, bson], { encoding: 'utf8' }).stdout) as Report;

    const changed = JSON.parse(readFileSync(input, 'utf8')) as { reg1d_int: { storage: { values: number[] } } };
    changed.reg1d_int.storage.values[3]! += 1;
    const changedFile = join(dir, 'changed.json');
    writeFileSync(changedFile, JSON.stringify(changed));
    expect(check(changedFile, output).diffs).toEqual([expect.stringMatching(/^\/reg1d_int\/storage\/values\[3\]: /)]);

    const env = deserialize(readFileSync(output), { promoteBuffers: true, useBigInt64: true });
    env.buffers.reg1d_int_storage_values.dtype = 'f8'; // same bytes, read as doubles
    writeFileSync(join(dir, 'dtype.bson'), serialize(env));
    expect(check(input, join(dir, 'dtype.bson')).diffs).toContain('/reg1d_int/storage/values: dtype float64, expected i8');

    env.buffers.reg1d_int_storage_values.dtype = 'i8';
    env.buffers.reg1d_int_storage_values.pad += ' ';
    writeFileSync(join(dir, 'misaligned.bson'), serialize(env));
    const misaligned = check(input, join(dir, 'misaligned.bson'));
    expect(misaligned.aligned).toBe(false);
    expect(misaligned.equal).toBe(true);
  });
});
