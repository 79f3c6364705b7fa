/**
 * HDF5 at sizes unit tests cannot afford:
 *
 *   node bench/hdf5-big.mjs --big [--variants json-h5-hsb,over-2gib,over-2gib-library] [--keep]
 *
 * Runs only with --big (as `npm run bench -- --big`; without it, it prints what it would do and
 * exits). Each variant runs in its own child process (peak RSS per variant):
 * - json-h5-hsb: a 1e8-bin double histogram (800 MB of f8) written as UHI JSON, converted
 *   JSON → HDF5 → .hsb with convertFile, and the .hsb read back and compared element by element;
 *   ~1 GB of disk, ~4 GB of memory.
 * - over-2gib: one array of 3e8 f8 (2.4 GB, more than h5wasm's 2 GiB wasm heap can take in one
 *   call), written contiguous (appended past h5wasm) and gzip level 1 (chunks compressed by node:zlib),
 *   each read back and compared, and read by h5py when it is installed.
 * - over-2gib-library: the same array through h5wasm alone (setDirectWrites/setDirectReads(false)):
 *   written chunked in slabs of 256 MiB (write_slice) and read back in slabs.
 * ~5 GB of disk and ~8 GB of memory for the 2.4 GB variants.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childMain, cliArgs, DIST_DIR, environment, gc, loadLibrary, log, mbps, ownOption, report, RESULTS_DIR, round, runCase, writeResults } from './lib.mjs';

const lib = await loadLibrary();
const hdf5 = await import(pathToFileURL(join(DIST_DIR, 'codecs/hdf5.js')).href);
const SCRIPT = 'hdf5-big.mjs';
const PYTHON = '/usr/bin/python3';
const GB = 1e9;

const VARIANTS = {
  'json-h5-hsb': { label: '1e8-bin double histogram: JSON → HDF5 → .hsb', bins: 1e8, diskGB: 2, memGB: 5 },
  'over-2gib': { label: '3e8 f8 (2.4 GB) in one dataset: contiguous and gzip 1, direct paths', bins: 3e8, diskGB: 5, memGB: 8 },
  'over-2gib-library': { label: '3e8 f8 (2.4 GB) through h5wasm alone: 256 MiB slabs', bins: 3e8, diskGB: 5, memGB: 8 },
};

const dirOf = (args) => args.dir ?? join(RESULTS_DIR, 'hdf5-big.tmp');

/**
 * Values with some structure (compressible), exact in JSON and short there ("7.0," is 4 bytes: 1e8 of
 * them stay under the JSON reader's 512 MiB limit on one string): whole numbers 0…9 as doubles.
 */
function fill(n) {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 7919) % 10;
  return a;
}

function makeDocument(bins) {
  const n = bins + 2;
  return lib.createDocument({
    big: {
      axes: [{ type: 'regular', lower: 0, upper: 1, bins, underflow: true, overflow: true, circular: false }],
      storage: { type: 'double', layout: 'dense', arrays: { values: lib.ndarray('f8', [n], fill(n)) } },
      metadata: { name: 'big' },
    },
  });
}

/** First index where two arrays differ, or -1. */
function firstDifference(a, b) {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

async function timed(fn) {
  gc();
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

function h5pyCheck(file, n) {
  if (spawnSync(PYTHON, ['-c', 'import h5py'], { encoding: 'utf8' }).status !== 0) return 'h5py not installed';
  const code = `import h5py, sys
n = int(sys.argv[2])
with h5py.File(sys.argv[1], "r") as f:
    d = f["big/storage/values"]
    idx = [i for i in (0, 1, 12345, 2**28 + 3, n // 2, n - 2, n - 1) if i < n]
    got = [float(d[i]) for i in idx]
    want = [float((i * 7919) % 10) for i in idx]
    print("ok" if d.shape == (n,) and got == want else f"MISMATCH shape {d.shape} {got} {want}")`;
  const r = spawnSync(PYTHON, ['-c', code, file, String(n)], { encoding: 'utf8' });
  return (r.stdout || r.stderr).trim();
}

const cases = {
  async 'json-h5-hsb'(args) {
    const dir = dirOf(args);
    mkdirSync(dir, { recursive: true });
    const doc = makeDocument(VARIANTS['json-h5-hsb'].bins);
    const original = doc.histograms.get('big').storage.arrays.values.data;
    const payload = original.byteLength;
    const json = join(dir, 'big.json');
    const h5 = join(dir, 'big.h5');
    const hsb = join(dir, 'big.hsb');
    const steps = [];
    const w = await timed(() => lib.writeDocument(json, doc));
    steps.push({ step: 'write JSON', ms: w.ms, bytes: statSync(json).size });
    const a = await timed(() => lib.convertFile(json, h5));
    steps.push({ step: 'convert JSON → HDF5', ms: a.ms, bytes: statSync(h5).size });
    const b = await timed(() => lib.convertFile(h5, hsb));
    steps.push({ step: 'convert HDF5 → .hsb', ms: b.ms, bytes: statSync(hsb).size });
    // the .hsb read back; should its own CRC check fail, the values are still compared without it
    let r;
    let crcError;
    try {
      r = await timed(() => lib.readDocument(hsb));
    } catch (err) {
      crcError = `${err.code}: ${err.message}`;
      steps.push({ step: 'read .hsb', ms: 0, bytes: statSync(hsb).size, equal: false, error: crcError });
      r = await timed(() => lib.readDocument(hsb, { verifyChecksums: false }));
    }
    const back = r.result.histograms.get('big').storage.arrays.values;
    const diff = firstDifference(original, back.data);
    steps.push({ step: `read .hsb${crcError ? ' without its CRC check' : ''}, compare`, ms: r.ms, bytes: statSync(hsb).size, equal: diff < 0 && back.dtype === 'f8' });
    // and the HDF5 file itself
    const h = await timed(() => lib.readDocument(h5));
    const hdiff = firstDifference(original, h.result.histograms.get('big').storage.arrays.values.data);
    steps.push({ step: 'read HDF5, compare', ms: h.ms, bytes: statSync(h5).size, equal: hdiff < 0, h5py: h5pyCheck(h5, original.length) });
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    return { payload, steps, equal: diff < 0 && hdiff < 0, firstDifference: diff, hsbReadError: crcError };
  },

  async 'over-2gib'(args) {
    const dir = dirOf(args);
    mkdirSync(dir, { recursive: true });
    const bins = VARIANTS['over-2gib'].bins;
    const doc = makeDocument(bins);
    const original = doc.histograms.get('big').storage.arrays.values.data;
    const steps = [];
    for (const [label, options] of [
      ['contiguous', {}],
      ['gzip 1', { hdf5Compression: 'gzip', hdf5Level: 1 }],
    ]) {
      const file = join(dir, `big-${label.replace(' ', '')}.h5`);
      const w = await timed(() => lib.writeDocument(file, doc, { options }));
      steps.push({ step: `write ${label}`, ms: w.ms, bytes: statSync(file).size });
      const paths = { ...hdf5.HDF5_READ_PATHS };
      const r = await timed(() => lib.readDocument(file));
      const diff = firstDifference(original, r.result.histograms.get('big').storage.arrays.values.data);
      const how = Object.entries(hdf5.HDF5_READ_PATHS).filter(([k, v]) => v > paths[k]).map(([k]) => k).join(',');
      steps.push({ step: `read ${label} (${how})`, ms: r.ms, bytes: statSync(file).size, equal: diff < 0, h5py: h5pyCheck(file, bins + 2) });
      r.result = undefined;
      if (!args.keep) rmSync(file, { force: true });
    }
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    return { payload: original.byteLength, steps, equal: steps.every((s) => s.equal !== false) };
  },

  async 'over-2gib-library'(args) {
    const dir = dirOf(args);
    mkdirSync(dir, { recursive: true });
    const bins = VARIANTS['over-2gib-library'].bins;
    const doc = makeDocument(bins);
    const original = doc.histograms.get('big').storage.arrays.values.data;
    hdf5.setDirectWrites(false);
    hdf5.setDirectReads(false);
    const file = join(dir, 'big-library.h5');
    const steps = [];
    const w = await timed(() => lib.writeDocument(file, doc));
    steps.push({ step: 'write through h5wasm (chunked, write_slice slabs)', ms: w.ms, bytes: statSync(file).size });
    const r = await timed(() => lib.readDocument(file));
    const diff = firstDifference(original, r.result.histograms.get('big').storage.arrays.values.data);
    steps.push({ step: 'read through h5wasm (slabs)', ms: r.ms, bytes: statSync(file).size, equal: diff < 0, h5py: h5pyCheck(file, bins + 2) });
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    return { payload: original.byteLength, steps, equal: diff < 0 };
  },
};

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const variants = (ownOption('variants') ?? Object.keys(VARIANTS).join(',')).split(',');
  for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  if (!args.big) {
    log('hdf5-big: skipped (run with --big). It would run:');
    for (const v of variants) log(`  ${v}: ${VARIANTS[v].label} (~${VARIANTS[v].diskGB} GB disk, ~${VARIANTS[v].memGB} GB memory)`);
    return;
  }
  const dir = dirOf(args);
  mkdirSync(dir, { recursive: true });
  const free = statfsSync(dir);
  log(`hdf5-big: ${round((free.bavail * free.bsize) / GB, 1)} GB free disk, ${round(totalmem() / GB, 1)} GB memory`);
  const rows = [];
  const out = { bench: 'hdf5-big', environment: environment(), variants: {} };
  let failed = false;
  for (const v of variants) {
    log(`  ${v}: ${VARIANTS[v].label} ...`);
    const res = runCase(SCRIPT, v, [...(args.keep ? ['--keep'] : []), ...(args.dir ? ['--dir', args.dir] : [])]);
    out.variants[v] = res;
    if (res.error || !res.equal) failed = true;
    for (const s of res.steps ?? []) {
      rows.push({
        variant: v,
        step: s.step,
        s: round(s.ms / 1000, 2),
        'MB/s': round(mbps(res.payload, s.ms), 0),
        'file MB': round(s.bytes / 1e6, 0),
        equal: s.equal === undefined ? '' : s.equal ? 'yes' : 'NO',
        error: s.error ?? '',
        h5py: s.h5py ?? '',
        'peak RSS MB': res.peakRssMB,
      });
    }
    if (res.error) rows.push({ variant: v, step: `ERROR ${res.error}` });
  }
  console.log('\nHDF5 big data; MB/s = payload MB (1e6 B of f8) per second; every array read back is compared element by element.');
  report(rows);
  out.table = rows;
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
  log(`\nresults: ${writeResults('hdf5-big', out)}`);
  if (failed) process.exitCode = 1;
}

await main();
