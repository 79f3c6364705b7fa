/**
 * HistFactory fits: the time of one −2 ln L evaluation and of a full fit with Hesse errors, for the
 * largest shared reference workspace (example_bkgonly) and for fixtures/pyhf/large.json (977
 * parameters), in process and through the CLI (`hist-serial fit MODEL --format json`, process start
 * included), next to pyhf (../shared/tools/pyhf, numpy backend, MINUIT with errors) timed in the
 * same run when Debian's Python can run it.
 *
 *   node bench/fit.mjs [--runs N]
 *
 * Results: a table on stdout and bench/results/fit.json.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, ROOT, cliArgs, environment, log, median, report, round, writeResults } from './lib.mjs';

const { buildHistFactory } = await import(pathToFileURL(join(DIST_DIR, 'fit/histfactory/index.js')).href);
const { minimize } = await import(pathToFileURL(join(DIST_DIR, 'fit/minimize.js')).href);
const { hesse } = await import(pathToFileURL(join(DIST_DIR, 'fit/hesse.js')).href);
const PYTHON = '/usr/bin/python3';
const PYHF = resolve(ROOT, '../shared/tools/pyhf/src');
const CLI = join(DIST_DIR, 'cli/bin.js');
/** pyhf's MINUIT fit of the 977-parameter model takes many minutes (numerical gradients): stopped after this long. */
const PYHF_TIMEOUT_MS = Number(process.env.PYHF_TIMEOUT_S ?? 600) * 1000;

const WORKSPACES = {
  example_bkgonly: resolve(ROOT, '../shared/reference/pyhf/examples/workspaces/example_bkgonly.json'),
  'large (977 par)': join(ROOT, 'fixtures/pyhf/large.json'),
};

const PYHF_SCRIPT = String.raw`
import json, sys, time, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, sys.argv[1])
import pyhf
pyhf.set_backend("numpy", "minuit")
ws = pyhf.Workspace(json.load(open(sys.argv[2]))); model = ws.model(); data = ws.data(model)
init = model.config.suggested_init()
n = 200
t0 = time.perf_counter()
for _ in range(n): model.logpdf(init, data)
nll = (time.perf_counter() - t0) / n
fits = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); r = pyhf.infer.mle.fit(data, model, return_uncertainties=True, return_fitted_val=True); fits.append(time.perf_counter() - t0)
fits.sort()
print(json.dumps({"nll_s": nll, "fit_s": fits[len(fits) // 2], "twice_nll": float(r[1])}))
`;

const args = cliArgs();
const runs = Number(args.runs ?? 5);
const python = spawnSync(PYTHON, ['-c', 'import scipy, iminuit, jsonpatch, click, yaml, numpy'], { encoding: 'utf8' }).status === 0;
if (!python) log('pyhf figures skipped: /usr/bin/python3 lacks scipy/iminuit/jsonpatch/click/yaml (see ../shared/tools/pyhf/README.md)');
const rows = [];
for (const [label, path] of Object.entries(WORKSPACES)) {
  log(`${label}: hist-serial`);
  const model = buildHistFactory(JSON.parse(readFileSync(path, 'utf8')));
  const x = Float64Array.from(model.init);
  const g = new Float64Array(x.length);
  const n = model.names.length > 100 ? 2000 : 200000;
  for (let i = 0; i < n / 10; i++) model.value(x); // warm-up
  let t0 = performance.now();
  for (let i = 0; i < n; i++) model.value(x);
  const nll = (performance.now() - t0) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) model.valueAndGradient(x, g);
  const nllGrad = (performance.now() - t0) / n;
  const fits = [];
  let fval;
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    const m = minimize(model);
    hesse(model, m.x);
    fits.push(performance.now() - t0);
    fval = m.fval;
  }
  const cli = [];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'fit', path, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    cli.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`hist-serial fit failed: ${r.stderr}`);
  }
  rows.push({
    workspace: label,
    tool: 'hist-serial',
    parameters: model.names.length,
    '-2lnL µs': round(nll * 1e3, 2),
    '-2lnL+grad µs': round(nllGrad * 1e3, 2),
    'fit+hesse ms': round(median(fits), 2),
    'CLI fit ms (process incl.)': round(median(cli), 0),
    '-2lnL min': round(fval, 6),
  });
  if (python) {
    log(`${label}: pyhf`);
    const big = model.names.length > 100;
    const t1 = performance.now();
    const p = spawnSync(PYTHON, ['-c', PYHF_SCRIPT, PYHF, path, String(big ? 1 : Math.min(runs, 3))], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: PYHF_TIMEOUT_MS });
    if (p.error?.code === 'ETIMEDOUT' || p.signal) rows.push({ workspace: label, tool: 'pyhf (numpy, MINUIT)', parameters: model.names.length, 'fit+hesse ms': `> ${Math.round((performance.now() - t1) / 1000)} s (stopped)` });
    else if (p.status !== 0) rows.push({ workspace: label, tool: 'pyhf', error: (p.stderr || String(p.error)).trim().split('\n').pop().slice(0, 100) });
    else {
      const j = JSON.parse(p.stdout.trim().split('\n').pop());
      rows.push({ workspace: label, tool: 'pyhf (numpy, MINUIT)', parameters: model.names.length, '-2lnL µs': round(j.nll_s * 1e6, 1), 'fit+hesse ms': round(j.fit_s * 1e3, 1), '-2lnL min': round(j.twice_nll, 6) });
    }
  }
}
report(rows, { title: 'HistFactory: one −2 ln L, a full fit with Hesse errors (in process), and the CLI fit including process start; pyhf timed in the same run' });
console.log(`\nresults: ${writeResults('fit', { environment: environment(), runs, rows })}`);
