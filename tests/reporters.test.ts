/**
 * validate's report formats (text, GitHub annotations, JUnit XML) and glob expansion of file
 * arguments, as functions; tests/cli-ci.test.ts runs them through the built CLI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFileArguments } from '../src/cli/expand.js';
import { githubEntry, junitReport, summarize, summaryLine, textEntry, xmlText, type ValidateEntry } from '../src/cli/reporters.js';
import { tempDir } from './helpers/tmp.js';

const ok: ValidateEntry = { file: 'a.json', valid: true, format: 'uhi-json', kind: 'histograms', histograms: 2, errors: [], warnings: [], ms: 12 };
const bad: ValidateEntry = {
  file: 'dir/b,c:d.json',
  valid: false,
  format: 'uhi-json',
  errors: [{ code: 'SHAPE_MISMATCH', path: '/h/storage/values', message: 'Array has 3 values,\nexpected 4 & <more> 100%' }],
  warnings: [{ code: 'EXTRAS_DROPPED', path: '', message: 'dropped "x"' }],
  ms: 3,
};
const gone: ValidateEntry = { file: 'missing.h5', valid: false, unreadable: true, errors: [{ code: 'IO', path: '', message: 'Cannot read missing.h5: no such file' }], warnings: [] };

describe('validate reporters', () => {
  it('text: a line per file, issues with code and path, a summary with counts', () => {
    expect(textEntry(ok)).toBe('ok   a.json: valid (uhi-json, 2 histogram(s))\n');
    expect(textEntry(bad)).toBe('FAIL dir/b,c:d.json: INVALID\n     error   [SHAPE_MISMATCH] Array has 3 values,\nexpected 4 & <more> 100%\n     warning [EXTRAS_DROPPED] dropped "x"\n');
    expect(summaryLine(summarize([ok, bad, gone], 1234))).toBe('3 file(s): 1 valid, 1 invalid, 1 unreadable, 2 error(s), 1 warning(s) in 1.23 s');
  });

  it('GitHub: one annotation per issue, properties and data escaped as the workflow-command syntax wants', () => {
    expect(githubEntry(ok)).toBe('');
    const lines = githubEntry(bad).trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=dir/b%2Cc%3Ad.json,title=hist-serial SHAPE_MISMATCH at /h/storage/values::Array has 3 values,%0Aexpected 4 & <more> 100%25',
      '::warning file=dir/b%2Cc%3Ad.json,title=hist-serial EXTRAS_DROPPED::dropped "x"',
    ]);
    for (const l of lines) expect(l).toMatch(/^::(error|warning) file=[^,:]+,title=[^,:]+::[^\n]*$/);
  });

  it('JUnit: a test case per file, failures and errors counted, text escaped', () => {
    const xml = junitReport([ok, bad, gone], summarize([ok, bad, gone], 20));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hist-serial validate" tests="3" failures="1" errors="1" skipped="0" time="0.020">')).toBe(true);
    expect(xml).toContain('<testcase classname="hist-serial.validate" name="a.json" time="0.012">\n    </testcase>');
    expect(xml).toContain('<failure type="SHAPE_MISMATCH" message="[SHAPE_MISMATCH] at /h/storage/values Array has 3 values,\nexpected 4 &amp; &lt;more&gt; 100%">');
    expect(xml).toContain('<error type="IO" message="[IO] Cannot read missing.h5: no such file">');
    expect(xml).toContain('<system-out>warning [EXTRAS_DROPPED] dropped &quot;x&quot;</system-out>');
    expect(xmlText('a\u0001b')).toBe('a\ufffdb');
  });
});

describe('file arguments', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'results/sub'), { recursive: true });
  for (const f of ['results/a.json', 'results/b.h5', 'results/sub/c.root', 'results/sub/d.txt']) writeFileSync(join(dir, f), '');

  it('expands globs (recursive, braces), sorted, keeps plain paths and addresses, drops repeats', async () => {
    expect(await expandFileArguments(['results/**/*.{json,h5,root}'], dir)).toEqual(['results/a.json', 'results/b.h5', 'results/sub/c.root']);
    expect(await expandFileArguments(['x.h5:/group', 'results/*.json', 'results/a.json', '-'], dir)).toEqual(['x.h5:/group', 'results/a.json', '-']);
  });

  it('a pattern that matches nothing is NOT_FOUND (a CI job must not pass by checking no file)', async () => {
    await expect(expandFileArguments(['results/**/*.zip'], dir)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No file matches "results/**/*.zip"' });
  });
});
