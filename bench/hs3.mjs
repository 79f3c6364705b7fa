/**
 * The HS3 runtime: pdf evaluations per second for each kind of distribution (normalisation
 * included, batched over 1e6 points as a fit evaluates them, and one point per call), and a full
 * unbinned extended maximum-likelihood fit with Hesse errors of a Gaussian peak on an exponential
 * to 1e6 events (5 parameters), in process and through the CLI (JSON document of 1e6 entries,
 * process start and parsing included). Peak memory of this process at the end.
 *
 *   node bench/hs3.mjs [--events N] [--runs N]
 *
 * Results: tables on stdout and bench/results/hs3.json.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, cliArgs, environment, log, makeRng, median, peakRssMB, report, round, writeResults } from './lib.mjs';

const { createHs3Evaluator, createHs3Likelihood, fitModel } = await import(pathToFileURL(join(DIST_DIR, 'fit/index.js')).href);
const CLI = join(DIST_DIR, 'cli/bin.js');

const args = cliArgs();
const events = Number(args.events ?? 1e6);
const runs = Number(args.runs ?? 3);
const rng = makeRng(12345);

/** Standard normal deviate (Box-Muller). */
const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

// ------------------------------------------------------------------ pdf evaluations per second

const AXIS = { name: 'x', min: 0, max: 10 };
const point = (values) => [{ name: 'default', parameters: Object.entries(values).map(([name, value]) => ({ name, value })) }];
const DISTRIBUTIONS = {
  gaussian_dist: { d: [{ name: 'p', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 's' }], p: { m: 4, s: 0.5 } },
  exponential_dist: { d: [{ name: 'p', type: 'exponential_dist', x: 'x', c: 'c' }], p: { c: 0.4 } },
  crystalball_dist: { d: [{ name: 'p', type: 'crystalball_dist', m: 'x', m0: 'm', sigma: 's', alpha: 1.5, n: 3 }], p: { m: 4, s: 0.5 } },
  'relativistic_breit_wigner_dist (quadrature)': {
    d: [{ name: 'p', type: 'relativistic_breit_wigner_dist', x: 'x', mass: 'm', channels: [{ Gamma: 'g', m1: 0.1, m2: 0.1, l: 1 }] }],
    p: { m: 4, g: 0.3 },
  },
  'generic_dist (quadrature)': { d: [{ name: 'p', type: 'generic_dist', expression: 'exp(-0.5*((x-m)/s)^2) + k' }], p: { m: 4, s: 0.5, k: 0.1 } },
  'mixture_dist (gauss + expo)': {
    d: [
      { name: 'g', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 's' },
      { name: 'e', type: 'exponential_dist', x: 'x', c: 'c' },
      { name: 'p', type: 'mixture_dist', summands: ['g', 'e'], coefficients: ['f'] },
    ],
    p: { m: 4, s: 0.5, c: 0.4, f: 0.2 },
  },
};

const N_POINTS = 1e6;
const xs = Float64Array.from({ length: N_POINTS }, () => 10 * rng());
const out = new Float64Array(N_POINTS);
const rows = [];
for (const [label, { d, p }] of Object.entries(DISTRIBUTIONS)) {
  const doc = { distributions: d, data: [{ name: 'd', type: 'unbinned', entries: [], axes: [AXIS] }], parameter_points: point(p) };
  const batch = [];
  const single = [];
  let build = 0;
  for (let r = 0; r < runs + 1; r++) {
    let t0 = performance.now();
    const dist = createHs3Evaluator(doc).distribution('p');
    build = performance.now() - t0;
    t0 = performance.now();
    dist.densities([xs], out);
    if (r > 0) batch.push(performance.now() - t0);
    const row = [0];
    t0 = performance.now();
    for (let i = 0; i < N_POINTS; i++) {
      row[0] = xs[i];
      dist.density(row);
    }
    if (r > 0) single.push(performance.now() - t0);
  }
  rows.push({
    distribution: label,
    'build + normalise µs': round(build * 1e3, 1),
    'batched M pdf/s': round(N_POINTS / median(batch) / 1e3, 1),
    'one point per call M pdf/s': round(N_POINTS / median(single) / 1e3, 1),
  });
}
report(rows, { title: `HS3 pdf evaluations (${N_POINTS} points on [0, 10]; build = parsing the distribution and its normalisation)` });

// ------------------------------------------------------------------ unbinned fit of 1e6 events

// 20% signal drawn before the cut to [0, 10]; the yields' truth is what was kept of each
const truth = { m: 4, s: 0.5, c: 0.4, nsig: 0, nbkg: 0 };
const nEvents = Math.round(events);
const entries = [];
while (entries.length < nEvents) {
  const signal = rng() < 0.2;
  const x = signal ? truth.m + truth.s * normal() : -Math.log(1 - rng()) / truth.c;
  if (x < 0 || x > 10) continue;
  entries.push([x]);
  truth[signal ? 'nsig' : 'nbkg']++;
}
const fitDoc = {
  metadata: { hs3_version: '0.2' },
  distributions: [
    { name: 'sig', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 's' },
    { name: 'bkg', type: 'exponential_dist', x: 'x', c: 'c' },
    { name: 'model', type: 'mixture_dist', summands: ['sig', 'bkg'], coefficients: ['nsig', 'nbkg'], extended: true },
  ],
  data: [{ name: 'data', type: 'unbinned', entries, axes: [AXIS] }],
  likelihoods: [{ name: 'L', distributions: ['model'], data: ['data'] }],
  parameter_points: point({ m: 3.8, s: 0.6, c: 0.35, nsig: 0.25 * events, nbkg: 0.75 * events }),
  domains: [{ name: 'bounds', type: 'product_domain', axes: [{ name: 's', min: 0.01, max: 5 }, { name: 'c', min: 0.01, max: 5 }, { name: 'nsig', min: 0, max: 2 * events }, { name: 'nbkg', min: 0, max: 2 * events }] }],
  analyses: [{ name: 'A', likelihood: 'L', domains: ['bounds'], parameters_of_interest: [] }],
};
log(`unbinned fit: ${nEvents} events`);
const fitRows = [];
const times = [];
let result;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const lh = createHs3Likelihood(fitDoc);
  result = fitModel(lh);
  times.push(performance.now() - t0);
}
// one −2 ln L with every parameter moved (nothing cached), and with one moved (a gradient step: the
// other summand's densities are reused)
const lh = createHs3Likelihood(fitDoc);
const evals = [];
const steps = [];
for (let r = 0; r < 6; r++) {
  const x = Float64Array.from(lh.init, (v) => v * (1 + 1e-3 * (r + 1)));
  let t0 = performance.now();
  lh.value(x);
  evals.push(performance.now() - t0);
  x[0] += 1e-5;
  t0 = performance.now();
  lh.value(x);
  steps.push(performance.now() - t0);
}
fitRows.push({
  route: 'library (createHs3Likelihood + fitModel)',
  events: nEvents,
  '-2lnL ms': round(median(evals), 1),
  '-2lnL one moved ms': round(median(steps), 1),
  'fit+hesse s': round(median(times) / 1e3, 2),
  converged: String(result.summary.converged),
  ...Object.fromEntries(Object.entries(result.summary.parameters).map(([k, v]) => [`${k} pull`, round((v.value - truth[k]) / v.error, 2)])),
});

const dir = mkdtempSync(join(tmpdir(), 'hist-serial-bench-hs3-'));
try {
  const file = join(dir, 'unbinned.hs3.json');
  writeFileSync(file, JSON.stringify(fitDoc));
  const cli = [];
  for (let r = 0; r < Math.min(runs, 2); r++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [CLI, 'fit', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    cli.push(performance.now() - t0);
    if (p.status !== 0) throw new Error(`hist-serial fit failed: ${p.stderr}`);
  }
  fitRows.push({ route: `CLI: hist-serial fit (JSON ${round(statSync(file).size / 2 ** 20, 0)} MiB, process start incl.)`, events: nEvents, 'fit+hesse s': round(median(cli) / 1e3, 2) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report(fitRows, { title: 'Unbinned extended ML fit (Gaussian + exponential, 5 parameters, numerical gradients) with Hesse errors' });
console.log(`peak RSS ${peakRssMB()} MiB`);
console.log(`\nresults: ${writeResults('hs3', { environment: environment(), runs, events: nEvents, pdf: rows, fit: fitRows, peakRssMB: peakRssMB() })}`);
