/**
 * The built CLI, run as a process: exit codes, stdout, stderr.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, CLI } from './helpers/cli.js';
import { describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const good = join(dir, 'good.json');
const bad = join(dir, 'bad.json');
const broken = join(dir, 'broken.json');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`built CLI missing at ${CLI}: run npm run build (npm test does)`);
  const axis = { type: 'regular', lower: 0, upper: 1, bins: 2, underflow: true, overflow: true, circular: false };
  writeFileSync(good, JSON.stringify({ h1: { uhi_schema: 1, axes: [axis], storage: { type: 'int', values: [1, 2, 3, 4] }, metadata: { name: 'x' } } }));
  writeFileSync(bad, JSON.stringify({ h1: { uhi_schema: 1, axes: [axis], storage: { type: 'double', values: [1, 2] } } }));
  writeFileSync(broken, '{"h1": {"axes": [');
});

describe('hist-serial (process)', () => {
  it('--version and --help exit 0', () => {
    const v = runBuiltCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = runBuiltCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Exit codes: 0 ok, 1 invalid input, 2 usage or IO error, 3 internal error.');
    for (const cmd of ['convert', 'validate', 'inspect']) {
      const c = runBuiltCli([cmd, '--help']);
      expect(c.code).toBe(0);
      expect(c.stdout).toContain('Examples:');
    }
  });

  it('an unknown command or missing argument is a usage error (2)', () => {
    expect(runBuiltCli(['frobnicate']).code).toBe(2);
    const r = runBuiltCli(['convert', good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'output'");
  });

  it('validate: 0 when all valid, 1 with an invalid file, 2 when a file is missing', () => {
    const ok = runBuiltCli(['validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 file(s): 1 valid, 0 invalid');
    const mixed = runBuiltCli(['validate', good, bad, broken]);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toContain('[SHAPE_MISMATCH] Array at /h1/storage/values has shape [2], expected [4]');
    expect(mixed.stdout).toContain('[PARSE] Invalid JSON: unexpected end of input at line 1, column 18');
    expect(mixed.stdout).toContain('3 file(s): 1 valid, 2 invalid');
    const missing = runBuiltCli(['validate', good, join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
  });

  it('validate --format json prints one entry per file with code, path and message', () => {
    const r = runBuiltCli(['validate', good, bad, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; errors: { code: string; path: string; message: string }[] }[];
    expect(report.map((e) => [e.file, e.valid])).toEqual([[good, true], [bad, false]]);
    expect(report[1]!.errors).toEqual([
      { code: 'SHAPE_MISMATCH', path: '/h1/storage/values', message: 'Array at /h1/storage/values has shape [2], expected [4] (one flow-inclusive extent per axis)' },
    ]);
  });

  it('inspect prints axes, shape and sums; --json is machine-readable', () => {
    const t = runBuiltCli(['inspect', good]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('h1: int storage (dense), shape [4], 4 stored bins');
    expect(t.stdout).toMatch(/values\s+i8\s+10\s+5\s+0/);
    const j = runBuiltCli(['inspect', good, '--json']);
    const s = JSON.parse(j.stdout) as { name: string; shape: number[]; sums: { values: { total: string; inner: string } } }[];
    expect(s[0]).toMatchObject({ name: 'h1', shape: [4], sums: { values: { total: '10', inner: '5', nanCount: 0 } } });
  });

  it('convert writes the output and reports what it converted', () => {
    const out = join(dir, 'out.json');
    const r = runBuiltCli(['convert', good, out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${good} (uhi-json) -> ${out} (uhi-json): 1 histogram(s) [h1], ${readFileSync(out).length} bytes\n`);
    expect(JSON.parse(readFileSync(out, 'utf8')).h1.storage.values).toEqual([1, 2, 3, 4]);
  });

  it('bad input ends with a one-line error and exit 1, no stack trace; --debug adds it', () => {
    const r = runBuiltCli(['convert', bad, join(dir, 'x.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error [SHAPE_MISMATCH] ${bad} at /h1/storage/values: Array at /h1/storage/values has shape [2], expected [4] (one flow-inclusive extent per axis)\n`);
    expect(r.stderr).not.toContain('    at ');
    const d = runBuiltCli(['convert', bad, join(dir, 'x.json'), '--debug']);
    expect(d.stderr).toContain('    at ');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('unknown output format and unknown histogram are usage errors (2)', () => {
    const r = runBuiltCli(['convert', good, join(dir, 'x.unknown')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot tell the output format from the name');
    const s = runBuiltCli(['convert', good, join(dir, 'x.json'), '--select', 'nope']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('No histogram named "nope"; the file has "h1"');
    const f = runBuiltCli(['convert', good, join(dir, 'x.json'), '--to', 'yaml']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/Unknown format "yaml"; expected one of .*uhi-json/);
  });

  it('a file that is no known format is invalid input (1)', () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, 'GIF89a not really');
    const r = runBuiltCli(['convert', junk, join(dir, 'x.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[UNKNOWN_FORMAT]');
  });

  it('--non-finite error refuses NaN and leaves an existing output intact', () => {
    const nan = join(dir, 'nan.json');
    writeFileSync(nan, '{"h": {"axes": [], "storage": {"type": "double", "values": NaN}}}');
    const out = join(dir, 'keep.json');
    writeFileSync(out, 'precious');
    const r = runBuiltCli(['convert', nan, out, '--non-finite', 'error']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[NON_FINITE_VALUE]');
    expect(r.stderr).toContain('/h/storage/values');
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });
});

describeReference('hist-serial on uhi reference files (process)', () => {
  it('validate exits 1 on every file of uhi\'s invalid corpus and names the failing path', () => {
    const cases: [string, string][] = [
      ['uhi/tests/resources/invalid/metadata_nested.json', '/one/metadata/one'],
      ['uhi/tests/resources/invalid/missing_axis.json', '/one'],
      ['uhi/tests/resources/invalid/missing_storage.json', '/one'],
      ['uhi/upstream-later/tests/resources/invalid/int_storage_float_values.json', '/storage/values/0'],
      ['uhi/upstream-later/tests/resources/invalid/single_bad_axis.json', '/axes/0'],
      ['uhi/upstream-later/tests/resources/invalid/single_missing_storage.json', ''],
      ['uhi/upstream-later/tests/resources/invalid/variable_one_edge.json', '/axes/0/edges'],
      ['uhi/upstream-later/tests/resources/invalid/variable_repeated_edges.json', '/axes/0/edges'],
    ];
    for (const [file, path] of cases) {
      const r = runBuiltCli(['validate', ref(file), '--format', 'json']);
      expect(r.code, file).toBe(1);
      const [entry] = JSON.parse(r.stdout) as { valid: boolean; errors: { path: string }[] }[];
      expect(entry!.valid).toBe(false);
      expect(entry!.errors.map((e) => e.path), file).toContain(path);
    }
  });

  it('validate exits 0 on every generated uhi JSON file', () => {
    const r = runBuiltCli(['validate', ref('uhi-generated/all.json'), ref('uhi-generated/json/mean_profile.json')]);
    expect(r.code).toBe(0);
  });
});
