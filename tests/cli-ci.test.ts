/**
 * The CLI as CI jobs and scripts use it, run as a process: validate over globs with every report
 * format (JUnit parsed as XML by Python, GitHub lines checked against the annotation syntax), pipes
 * through stdin/stdout, the progress line (only on a terminal), and every command's --help.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.js';
import { startProgress } from '../src/cli/progress.js';
import { createDefaultRegistry } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const fixture = (name: string) => join(PROJECT_DIR, 'fixtures', name);
mkdirSync(join(dir, 'results/sub'), { recursive: true });
copyFileSync(fixture('1d.regular.int.json'), join(dir, 'results/good.json'));
copyFileSync(fixture('native/2d.regular-variable.weighted.hsb'), join(dir, 'results/sub/good.hsb'));
// a shape mismatch: 3 values for a 1-bin axis with both flows
writeFileSync(join(dir, 'results/sub/bad.json'), JSON.stringify({ h1: { uhi_schema: 1, axes: [{ type: 'regular', lower: 0, upper: 1, bins: 1, underflow: true, overflow: true, circular: false }], storage: { type: 'double', values: [1, 2] } } }));

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, ...(input ? { input } : {}), maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe('validate in CI', () => {
  it('text: globs expanded and sorted, a line per file, a summary with counts, exit 1 with an invalid file', () => {
    const r = run(['validate', 'results/**/*.{json,hsb}']);
    expect(r.code).toBe(1);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toBe('ok   results/good.json: valid (uhi-json, 1 histogram(s))');
    expect(lines[1]).toBe('FAIL results/sub/bad.json: INVALID');
    expect(lines[2]).toMatch(/^ {5}error {3}\[SHAPE_MISMATCH\] /);
    expect(lines[3]).toBe('ok   results/sub/good.hsb: valid (hsb, 1 histogram(s))');
    expect(lines[4]).toMatch(/^3 file\(s\): 2 valid, 1 invalid, 1 error\(s\), 0 warning\(s\) in \d+\.\d\d s$/);
    const quiet = run(['validate', 'results/**/*.{json,hsb}', '--quiet']).stdout.toString();
    expect(quiet).not.toContain('ok   ');
    expect(quiet).toContain('FAIL results/sub/bad.json');
    expect(run(['validate', 'results/*.json'])).toMatchObject({ code: 0 });
  });

  it('a glob matching nothing, or a missing file, is exit 2', () => {
    const none = run(['validate', 'results/**/*.root']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No file matches "results/**/*.root"');
    const missing = run(['validate', 'results/good.json', 'results/missing.json']);
    expect(missing.code).toBe(2);
    expect(missing.stdout.toString()).toMatch(/FAIL results\/missing\.json: UNREADABLE\n {5}error {3}\[IO\]/);
  });

  it('github: annotation lines only for problems, in the workflow-command syntax, then the summary', () => {
    const r = run(['validate', 'results/**/*.{json,hsb}', '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=results\/sub\/bad\.json,title=hist-serial SHAPE_MISMATCH at \/h1\/storage\/values::.+$/);
    expect(lines[1]).toMatch(/^3 file\(s\): 2 valid, 1 invalid/);
  });

  it('junit: well-formed XML (parsed by Python) with a test case per file and a failure for the invalid one', () => {
    const r = run(['validate', 'results/**/*.{json,hsb}', '--format', 'junit']);
    expect(r.code).toBe(1);
    const xml = join(dir, 'report.xml');
    writeFileSync(xml, r.stdout);
    const python = requirePython(['xml.etree.ElementTree']);
    if (!python) return;
    const script = `import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
print(json.dumps({"root": root.tag, "tests": suite.get("tests"), "failures": suite.get("failures"), "cases": [[c.get("name"), [x.tag for x in c], (c.find("failure").get("type") if c.find("failure") is not None else None)] for c in suite.findall("testcase")]}))`;
    const p = spawnSync(python, ['-c', script, xml], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(JSON.parse(p.stdout)).toEqual({
      root: 'testsuites',
      tests: '3',
      failures: '1',
      cases: [
        ['results/good.json', [], null],
        ['results/sub/bad.json', ['failure'], 'SHAPE_MISMATCH'],
        ['results/sub/good.hsb', [], null],
      ],
    });
  });

  it('fit results, HS3 models and pyhf workspaces are recognised by content; a broken fit result is exit 1 with its path', () => {
    const fits = run(['validate', join(PROJECT_DIR, 'fixtures/fit-results/*.json')]);
    expect(fits.code).toBe(0);
    expect(fits.stdout.toString()).toMatch(/valid \(fit-result\)/);
    const broken = JSON.parse(readFileSync(join(PROJECT_DIR, 'fixtures/fit-results/minos.json'), 'utf8')) as { parameters: { minos?: { lower: number; upper: number } }[] };
    const p = broken.parameters.find((x) => x.minos)!;
    p.minos = { ...p.minos!, lower: Math.abs(p.minos!.lower) + 1 };
    writeFileSync(join(dir, 'broken-fit.json'), JSON.stringify(broken));
    const r = run(['validate', 'broken-fit.json', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.toString())[0]).toMatchObject({ kind: 'fit-result', errors: [expect.objectContaining({ code: 'MINOS_SIGN', path: expect.stringMatching(/^\/parameters\/\d+\/minos/) })] });
  });

  it('json: an array of entries with codes and paths', () => {
    const r = run(['validate', 'results/sub/bad.json', '--format', 'json']);
    expect(JSON.parse(r.stdout.toString())).toEqual([
      expect.objectContaining({ file: 'results/sub/bad.json', valid: false, format: 'uhi-json', errors: [expect.objectContaining({ code: 'SHAPE_MISMATCH', path: '/h1/storage/values' })] }),
    ]);
  });
});

describe('pipes', () => {
  it('stdin → stdout in another format, byte for byte what a file conversion gives; the report goes to stderr', () => {
    const json = readFileSync(fixture('1d.regular.int.json'));
    const r = run(['convert', '-', '-', '--to', 'hsb'], json);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\(stdin\) \(uhi-json\) -> \(stdout\) \(hsb\): 1 histogram\(s\) \[mass\], \d+ bytes\n$/);
    expect(run(['convert', fixture('1d.regular.int.json'), 'viafile.hsb', '-q'])).toMatchObject({ code: 0 });
    expect(Buffer.compare(r.stdout, readFileSync(join(dir, 'viafile.hsb')))).toBe(0);
    // and back through inspect, validate and diff reading stdin
    expect(run(['inspect', '-'], r.stdout).stdout.toString()).toMatch(/^mass: int storage \(dense\), shape \[27\]/);
    expect(run(['validate', '-'], r.stdout)).toMatchObject({ code: 0 });
    expect(run(['diff', '-', fixture('1d.regular.int.json')], r.stdout)).toMatchObject({ code: 0 });
  });

  it('stdout needs --to; .hsj on stdout is self-contained (every array a data: URI, no sidecar)', () => {
    const r = run(['convert', fixture('1d.regular.int.json'), '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs the format: add --to');
    const n = 3000; // 24 kB of values: a sidecar when written to a file
    const big = { h: { uhi_schema: 1, axes: [{ type: 'regular', lower: 0, upper: 1, bins: n, underflow: false, overflow: false, circular: false }], storage: { type: 'double', values: new Array(n).fill(1.5) } } };
    writeFileSync(join(dir, 'big.json'), JSON.stringify(big));
    const split = run(['convert', 'big.json', '-', '--to', 'hsj']);
    expect(split.code).toBe(0);
    const env = JSON.parse(split.stdout.toString()) as { buffers: { uri: string }[] };
    expect(env.buffers.map((b) => b.uri.slice(0, 37))).toEqual(['data:application/octet-stream;base64,']);
    expect(run(['inspect', '-', '--json'], split.stdout).stdout.toString()).toContain('"total": 4500');
  });
});

describe('fit results stored with their histogram', () => {
  it('fit hist -o out.hsb writes the histogram and its fit result in one native container', async () => {
    const r = run(['fit', 'hist', fixture('1d.regular.int.json'), '--model', 'gauss+expo', '-o', 'fit.hsb']);
    expect(r.code).toBe(0);
    const { readDocument } = await import('../src/index.js');
    const doc = await readDocument(join(dir, 'fit.hsb'));
    expect([...doc.histograms.keys()]).toEqual(['mass']);
    const fit = (doc.extras!.fit_results as Record<string, { parameters: { name: string; value: number; error: number }[] }>).mass!;
    const mean = fit.parameters.find((p) => p.name === 'gauss.mean')!;
    expect(Math.abs(mean.value - 125)).toBeLessThan(3 * mean.error + 0.5); // the fixture's peak
    expect(run(['validate', 'fit.hsb'])).toMatchObject({ code: 0 });
  });
});

describe('fit compare', () => {
  it('same file: exit 0; a POI moved by 0.1σ: exit 1 at --sigma 0.05 naming it, exit 0 at --sigma 0.2; --format json', () => {
    const ws = join(PROJECT_DIR, '../shared/reference/pyhf/examples/workspaces/example_bkgonly.json');
    expect(run(['fit', ws, '-o', 'a.fit.json'])).toMatchObject({ code: 0 });
    expect(run(['fit', 'compare', 'a.fit.json', 'a.fit.json'])).toMatchObject({ code: 0 });
    const doc = JSON.parse(readFileSync(join(dir, 'a.fit.json'), 'utf8')) as { parameters: { name: string; value: number; error: number }[] };
    const poi = doc.parameters.find((p) => p.name === 'SigXsecOverSM')!;
    poi.value += 0.1 * poi.error;
    writeFileSync(join(dir, 'b.fit.json'), JSON.stringify(doc));
    const strict = run(['fit', 'compare', 'a.fit.json', 'b.fit.json', '--sigma', '0.05', '--no-minimum']);
    expect(strict.code).toBe(1);
    expect(strict.stdout.toString()).toMatch(/parameter "SigXsecOverSM" value: .* \(0\.100σ apart, tolerance 0\.05σ\)/);
    expect(run(['fit', 'compare', 'a.fit.json', 'b.fit.json', '--sigma', '0.2', '--no-minimum'])).toMatchObject({ code: 0 });
    const cl = run(['fit', 'limit', ws, '--cl', '2']);
    expect(cl.code).toBe(2);
    expect(cl.stderr).toBe('error [INVALID_ARGUMENT]: Invalid option --cl = 2; expected a confidence level between 0 and 1\n');
    // a bad option value is a usage error (exit 2) naming the option, not an internal error
    for (const args of [['fit', 'compare', 'a.fit.json', 'b.fit.json', '--sigma', '-1'], ['diff', 'a.fit.json', 'b.fit.json', '--rtol', 'x']]) {
      const bad = run(args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/option '--(sigma|rtol) <[sx]>' argument '(-1|x)' is invalid\. expected a number ≥ 0/);
    }
    const j = JSON.parse(run(['fit', 'compare', 'a.fit.json', 'b.fit.json', '--format', 'json']).stdout.toString()) as { same: boolean; results: { differences: { path: string }[] }[] };
    expect(j.same).toBe(false);
    expect(j.results[0]!.differences.map((d) => d.path)).toContain(`/parameters/${doc.parameters.indexOf(poi)}/value`);
  });
});

describe('progress line', () => {
  const ctx = (tty: boolean): CliContext & { err: string[] } => {
    const err: string[] = [];
    return { err, stdout: () => undefined, stderr: (t) => err.push(t), registry: createDefaultRegistry(), exitCode: 0, ...(tty ? { stderrTTY: { columns: 60 } } : {}) };
  };
  it('is drawn on a terminal after half a second, with a bar from the file being written, and erased at the end', async () => {
    const c = ctx(true);
    const target = join(dir, 'growing.bin');
    writeFileSync(join(dir, `.growing.bin.${process.pid}.abcd.tmp`), Buffer.alloc(500));
    const p = startProgress(c, 'in.json -> growing.bin');
    p.phase('writing', { target, expectedBytes: 1000 });
    await new Promise((r) => setTimeout(r, 800));
    p.stop();
    const drawn = c.err.filter((t) => t.includes('writing'));
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.at(-1)).toMatch(/^\rin\.json -> growing\.bin: writing \[█+░+\] 50% 1 kB \d+\.\d s */);
    expect(drawn.at(-1)!.length).toBeLessThanOrEqual(60);
    expect(c.err.at(-1)).toBe(`\r${' '.repeat(59)}\r`);
  });
  it('prints nothing when stderr is not a terminal, with --quiet, or for short runs', async () => {
    for (const [c, quiet] of [[ctx(false), false], [ctx(true), true]] as const) {
      const p = startProgress(c, 'x', quiet);
      p.phase('writing');
      await new Promise((r) => setTimeout(r, 600));
      p.stop();
      expect(c.err).toEqual([]);
    }
    const short = ctx(true);
    const p = startProgress(short, 'x');
    p.stop();
    expect(short.err).toEqual([]);
  });
});

describe('help', () => {
  it('every command has --help with examples, and --version prints the version', () => {
    const main = runBuiltCli(['--help']).stdout;
    const commands = [...main.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['convert', 'validate', 'inspect', 'diff', 'merge', 'schema', 'formats']));
    for (const c of commands) {
      const h = runBuiltCli([c, '--help']);
      expect(h.code, c).toBe(0);
      if (c !== 'formats') expect(h.stdout, c).toMatch(/Examples:\n {2}hist-serial /);
    }
    expect(runBuiltCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
