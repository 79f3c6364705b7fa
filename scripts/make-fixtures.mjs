#!/usr/bin/env node
// Writes the bundled example files in fixtures/ with hist-serial itself (deterministic, seeded), and
// fixtures/manifest.json: sha256, generator versions and the expected sums of every array, so an
// independent reader (tests/fixtures.test.ts runs Python's json + jsonschema) can check them.
// Names encode the matrix: <dims>d.<axis types>.<storage>[.sparse].json
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocument, createFitResult, encodeDocument, parseJson, setFitResults, storageSums, toSparse, denseShape, VERSION } from '../dist/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'fixtures');

/** Small deterministic PRNG (mulberry32). */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const f8 = (shape, data) => ({ dtype: 'f8', shape, data: Float64Array.from(data) });
const i8 = (shape, data) => ({ dtype: 'i8', shape, data: BigInt64Array.from(data, (x) => BigInt(x)) });

function regular(lower, upper, bins, extra = {}) {
  return { type: 'regular', lower, upper, bins, underflow: true, overflow: true, circular: false, ...extra };
}

/** Fill a 1-D regular axis (with flow) from samples; returns counts per flow-inclusive bin. */
function fill1d(axis, samples, weights) {
  const n = axis.bins + 2;
  const sumw = new Float64Array(n);
  const sumw2 = new Float64Array(n);
  samples.forEach((x, k) => {
    const w = weights ? weights[k] : 1;
    let b = Math.floor(((x - axis.lower) / (axis.upper - axis.lower)) * axis.bins);
    b = b < 0 ? 0 : b >= axis.bins ? n - 1 : b + 1;
    sumw[b] += w;
    sumw2[b] += w * w;
  });
  return { sumw, sumw2 };
}

function makeHistograms() {
  const r = rng(20261125);
  const out = {};

  // 1-D mass spectrum, int counts: a Gaussian peak on a falling background
  {
    const axis = regular(100, 150, 25, { metadata: { name: 'mass', label: 'm_{#mu#mu} [GeV]' } });
    const x = [];
    for (let i = 0; i < 4000; i++) x.push(100 + 60 * -Math.log(1 - r()) * 0.5);
    for (let i = 0; i < 800; i++) x.push(125 + 2.5 * gauss(r));
    const { sumw } = fill1d(axis, x);
    out['1d.regular.int'] = {
      mass: { axes: [axis], storage: { type: 'int', layout: 'dense', arrays: { values: i8([27], sumw) } }, metadata: { name: 'mass', label: 'Dimuon mass', lumi: 139 } },
    };
  }

  // 2-D weighted: eta (regular) x pt (variable), MC weights
  {
    const eta = regular(-2.5, 2.5, 5, { metadata: { name: 'eta', label: '#eta' } });
    const edges = [20, 30, 50, 100, 200];
    const pt = { type: 'variable', edges: Float64Array.from(edges), underflow: true, overflow: true, circular: false, metadata: { name: 'pt', label: 'p_{T} [GeV]' } };
    const ne = 7, np = 6;
    const sumw = new Float64Array(ne * np);
    const sumw2 = new Float64Array(ne * np);
    for (let k = 0; k < 3000; k++) {
      const e = 2.2 * gauss(r), p = 15 + 40 * -Math.log(1 - r()), w = 0.5 + r();
      const be = e < -2.5 ? 0 : e >= 2.5 ? 6 : 1 + Math.floor(e + 2.5);
      let bp = edges.findIndex((x) => p < x);
      bp = bp === -1 ? 5 : bp;
      sumw[be * np + bp] += w;
      sumw2[be * np + bp] += w * w;
    }
    out['2d.regular-variable.weighted'] = {
      jets: { axes: [eta, pt], storage: { type: 'weighted', layout: 'dense', arrays: { values: f8([ne, np], sumw), variances: f8([ne, np], sumw2) } }, metadata: { name: 'jets', sample: 'ttbar' } },
    };
  }

  // 2-D categories: channel (str, with flow) x passed (boolean), double storage
  {
    const channel = { type: 'category_str', categories: ['ee', 'emu', 'mumu'], flow: true, metadata: { name: 'channel' } };
    const passed = { type: 'boolean', metadata: { name: 'passed' } };
    const v = [];
    for (let i = 0; i < 8; i++) v.push(Math.round(1000 * r()) / 4);
    out['2d.category_str-boolean.double'] = {
      cutflow: { axes: [channel, passed], storage: { type: 'double', layout: 'dense', arrays: { values: f8([4, 2], v) } } },
    };
  }

  // 1-D profile: int categories (pdg id) with mean storage
  {
    const pdg = { type: 'category_int', categories: Float64Array.from([11, -11, 13, -13]), flow: false, metadata: { name: 'pdgid' } };
    const counts = [], values = [], variances = [];
    for (let i = 0; i < 4; i++) {
      const n = 20 + Math.floor(80 * r());
      counts.push(n);
      values.push(30 + 10 * r());
      variances.push(4 + r());
    }
    out['1d.category_int.mean'] = {
      pt_profile: { axes: [pdg], storage: { type: 'mean', layout: 'dense', arrays: { counts: f8([4], counts), values: f8([4], values), variances: f8([4], variances) } }, metadata: { name: 'mean pT per flavour' } },
    };
  }

  // 1-D weighted mean with an empty bin (NaN variance, written as Python's NaN token)
  {
    const axis = regular(0, 1, 4);
    const sw = [1, 3.9, 1.6, 3, 0, 0], sw2 = [1, 8.73, 1.36, 4.5, 0, 0];
    const values = [4, 5.6923076923076925, 7.625, 2.5, 0, 0];
    const variances = [NaN, 0.5, 0.5, 1.1666666666666667, NaN, NaN];
    out['1d.regular.weighted_mean'] = {
      wprofile: { axes: [axis], storage: { type: 'weighted_mean', layout: 'dense', arrays: { sum_of_weights: f8([6], sw), sum_of_weights_squared: f8([6], sw2), values: f8([6], values), variances: f8([6], variances) } } },
    };
  }

  // 2-D sparse int storage (uhi's index layout)
  {
    const a = regular(0, 40, 40), b = regular(0, 30, 30, { underflow: false, overflow: false });
    const vals = new Array(42 * 30).fill(0);
    for (let k = 0; k < 25; k++) vals[Math.floor(r() * 42) * 30 + Math.floor(r() * 30)] += 1;
    const dense = { type: 'int', layout: 'dense', arrays: { values: i8([42, 30], vals) } };
    out['2d.regular-regular.int.sparse'] = { hits: { axes: [a, b], storage: toSparse(dense, [42, 30]) } };
  }
  return out;
}

mkdirSync(OUT, { recursive: true });
const manifest = {
  generator: 'scripts/make-fixtures.mjs',
  hist_serial: VERSION,
  node: process.version,
  checked_by: 'tests/fixtures.test.ts (Python json + jsonschema against uhi\'s schema)',
  files: {},
  native: {},
};
for (const [stem, hists] of Object.entries(makeHistograms())) {
  const doc = createDocument(hists);
  const bytes = await encodeDocument(doc, { format: 'uhi-json' });
  const file = `${stem}.json`;
  writeFileSync(join(OUT, file), bytes);
  const histograms = {};
  for (const [name, h] of doc.histograms) {
    const sums = storageSums(h);
    histograms[name] = {
      storage: h.storage.type,
      layout: h.storage.layout,
      shape: denseShape(h),
      sums: Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, { total: Number(s.total), nan_count: s.nanCount }])),
    };
  }
  manifest.files[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), histograms };
  console.log(`wrote fixtures/${file}`);
}
// The same histograms in the native binary container, for the byte-level layout tests.
mkdirSync(join(OUT, 'native'), { recursive: true });
for (const stem of ['2d.regular-variable.weighted', '1d.regular.int']) {
  const doc = createDocument(makeHistograms()[stem]);
  const bytes = await encodeDocument(doc, { format: 'hsb' });
  const file = `native/${stem}.hsb`;
  writeFileSync(join(OUT, file), bytes);
  manifest.native[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), same_as: `${stem}.json` };
  console.log(`wrote fixtures/${file}`);
}
// Fit results. The JSON files in fit-results/ are written by the reference tools (pyhf + iminuit,
// scripts/make-fit-result-fixtures.py), not here: their sha256 are recorded. covariance.large.json
// gets a .hsb twin: the same fit result, its 36 x 36 covariance and correlation placed out of band
// (buffer views) by createFitResult's default rule, next to the histograms of the model it fitted.
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
manifest.fit_results = {
  generator: 'scripts/make-fit-result-fixtures.py (pyhf + iminuit; see its header)',
  checked_by: 'tests/fit-result.test.ts (hist-serial, and Python jsonschema against schema/fit-result/1)',
  files: {},
  native: {},
};
for (const file of readdirSync(join(OUT, 'fit-results')).filter((f) => f.endsWith('.json')).sort()) {
  manifest.fit_results.files[`fit-results/${file}`] = { sha256: sha(readFileSync(join(OUT, 'fit-results', file))) };
}
{
  const fit = createFitResult(parseJson(readFileSync(join(OUT, 'fit-results/covariance.large.json'), 'utf8')).value);
  const ws = parseJson(readFileSync(join(OUT, 'fit-results/workspace.32-bin.json'), 'utf8')).value;
  // pyhf keeps no bin edges: the generator binned m in [100, 180) GeV into 32 bins
  const axis = regular(100, 180, 32, { underflow: false, overflow: false, metadata: { name: 'm', label: 'm [GeV]' } });
  const sr = ws.channels[0];
  const sample = (name) => sr.samples.find((x) => x.name === name);
  const staterror = sample('background').modifiers.find((m) => m.type === 'staterror').data;
  const hists = {
    SR_observed: { axes: [axis], storage: { type: 'int', layout: 'dense', arrays: { values: i8([32], ws.observations[0].data) } }, metadata: { name: 'observed' } },
    SR_signal: { axes: [axis], storage: { type: 'double', layout: 'dense', arrays: { values: f8([32], sample('signal').data) } }, metadata: { name: 'signal' } },
    SR_background: {
      axes: [axis],
      storage: { type: 'weighted', layout: 'dense', arrays: { values: f8([32], sample('background').data), variances: f8([32], staterror.map((e) => e * e)) } },
      metadata: { name: 'background' },
    },
  };
  const bytes = await encodeDocument(setFitResults(createDocument(hists), { main: fit }), { format: 'hsb' });
  const file = 'fit-results/covariance.large.hsb';
  writeFileSync(join(OUT, file), bytes);
  manifest.fit_results.native[file] = { sha256: sha(bytes), same_as: 'fit-results/covariance.large.json', fit: 'main' };
  console.log(`wrote fixtures/${file}`);
}
// Keep the manifest stable across runs: versions only change when they change.
const path = join(OUT, 'manifest.json');
writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
console.log('wrote fixtures/manifest.json');
