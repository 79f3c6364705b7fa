/**
 * HDF5 codec benchmark: a 1-D weighted histogram of 1e7 bins (160 MB of payload: values + variances,
 * full-precision f8), written and read as contiguous datasets (default) and as chunked gzip (level 4,
 * uhi's default; 1 MiB chunks), next to plain fs and to h5py (Debian's python3-h5py, HDF5 1.10)
 * writing and reading the same arrays with the same layout.
 *
 *   node bench/hdf5.mjs [--bins N] [--runs N] [--variants contiguous,gzip] [--keep]
 *
 * The machine may be shared, so every figure is measured in rounds inside one child process per
 * variant: raw fs, then hist-serial, then h5py (a Python process that times itself), in alternating
 * order, and each side's "× raw" is the median over rounds of (raw time ÷ its time) with the raw
 * side of the same round. Three directions, each side doing the same work:
 * - write, atomic: writeDocument (temp file, fsync, rename over the previous file) vs raw and h5py
 *   writing a temp file, fsync, rename;
 * - write, in place: the codec's encodeFile over the previous file (truncate, write, fsync) vs raw
 *   and h5py doing the same (contiguous variant only: with gzip, compression dominates);
 * - read: readDocument (the whole pipeline: decode, schema, model) vs fs.readFileSync and h5py's
 *   `dataset[()]`.
 * Results: a table on stdout and bench/results/hdf5.json.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  childMain,
  cliArgs,
  DIST_DIR,
  environment,
  gc,
  loadLibrary,
  log,
  makeWeightedHistogram,
  mbps,
  median,
  ownOption,
  payloadBytes,
  report,
  RESULTS_DIR,
  round,
  runCase,
  writeResults,
} from './lib.mjs';

const lib = await loadLibrary();
const { HDF5_CODEC } = await import(pathToFileURL(join(DIST_DIR, 'codecs/hdf5.js')).href);
const SCRIPT = 'hdf5.mjs';
const SEED = 5;
const PYTHON = '/usr/bin/python3';

/** Codec options per variant; `chunk` is the chunk length hist-serial picks (1 MiB of f8), given to h5py too. */
const VARIANTS = {
  contiguous: { label: 'contiguous datasets (default)', options: {}, h5py: { compression: 'none' }, inPlace: true },
  gzip: { label: 'chunked, gzip level 4 (uhi default), 1 MiB chunks', options: { hdf5Compression: 'gzip' }, h5py: { compression: 'gzip', level: 4, chunk: 131072 }, inPlace: false },
};

/** h5py's side of a round: write the arrays (close + fsync), then read them back; times in ms. */
const H5PY_ROUND = String.raw`
import json, os, sys, time
import h5py
src, out, compression, level, chunk, warm, inplace = sys.argv[1:8]
with h5py.File(src, "r") as f:
    arrays = {k: f["h/storage/" + k][()] for k in ("values", "variances")}
opts = {} if compression == "none" else dict(compression="gzip", compression_opts=int(level), chunks=(int(chunk),))
def write(target=out):
    with h5py.File(target, "w") as f:
        for k, a in arrays.items():
            f.create_dataset(k, data=a, **opts)
    fd = os.open(target, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
def write_atomic():
    write(out + ".tmp")
    os.rename(out + ".tmp", out)
def read():
    with h5py.File(out, "r") as f:
        return [f[k][()] for k in arrays]
if warm == "1":
    write_atomic(); read()
times = {}
t0 = time.perf_counter(); write_atomic(); times["writeAtomic"] = (time.perf_counter() - t0) * 1e3
if inplace == "1":
    t0 = time.perf_counter(); write(); times["write"] = (time.perf_counter() - t0) * 1e3
t0 = time.perf_counter(); back = read(); times["read"] = (time.perf_counter() - t0) * 1e3
assert all((b == a).all() for a, b in zip(arrays.values(), back))
print(json.dumps({**times, "h5py": h5py.version.version, "hdf5": h5py.version.hdf5_version}))
`;

function hasH5py() {
  return spawnSync(PYTHON, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;
}

function setup(args) {
  const bins = args.bins ?? 1e7;
  const variant = ownOption('variant') ?? 'contiguous';
  const runs = args.runs ?? (variant === 'gzip' ? 3 : 7);
  const dir = args.dir ?? join(RESULTS_DIR, `hdf5-${bins}.tmp`);
  mkdirSync(dir, { recursive: true });
  return { bins, runs, variant, v: VARIANTS[variant], dir };
}

const cases = {
  async idle() {
    return {};
  },

  /** Rounds of raw fs / hist-serial / h5py, alternating the order (see the module comment). */
  async rounds(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const payload = payloadBytes(doc);
    const bytes = randomFillSync(Buffer.allocUnsafe(payload));
    const rawFile = join(cfg.dir, 'raw.bin');
    const ours = join(cfg.dir, `ours-${cfg.variant}.h5`);
    const theirs = join(cfg.dir, `h5py-${cfg.variant}.h5`);
    const withH5py = hasH5py();
    let h5pyVersion;
    const rawWrite = (target) => {
      const fd = openSync(target, 'w');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
      closeSync(fd);
    };
    const inPlace = cfg.v.inPlace;
    const sides = {
      raw: () => {
        const out = {};
        let t0 = performance.now();
        rawWrite(`${rawFile}.tmp`);
        renameSync(`${rawFile}.tmp`, rawFile);
        out.writeAtomic = performance.now() - t0;
        if (inPlace) {
          gc();
          t0 = performance.now();
          rawWrite(rawFile);
          out.write = performance.now() - t0;
        }
        gc();
        t0 = performance.now();
        const n = readFileSync(rawFile).length;
        out.read = performance.now() - t0;
        if (n !== payload) throw new Error('short raw read');
        return out;
      },
      ours: async () => {
        const out = {};
        let t0 = performance.now();
        await lib.writeDocument(ours, doc, { options: cfg.v.options });
        out.writeAtomic = performance.now() - t0;
        if (inPlace) {
          gc();
          t0 = performance.now();
          await HDF5_CODEC.encodeFile(ours, lib.toUHI(doc), { options: cfg.v.options, file: ours });
          out.write = performance.now() - t0;
        }
        gc();
        t0 = performance.now();
        const back = await lib.readDocument(ours);
        out.read = performance.now() - t0;
        const v = back.histograms.get('h').storage.arrays.values.data;
        if (v.length !== cfg.bins + 2 || v[7] !== doc.histograms.get('h').storage.arrays.values.data[7]) throw new Error('read back differs');
        return out;
      },
      h5py: (warm) => {
        const o = cfg.v.h5py;
        const args = [ours, theirs, o.compression, String(o.level ?? 0), String(o.chunk ?? 0), warm ? '1' : '0', inPlace ? '1' : '0'];
        const r = spawnSync(PYTHON, ['-c', H5PY_ROUND, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`h5py round failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').pop());
        h5pyVersion = `h5py ${out.h5py}, HDF5 ${out.hdf5}`;
        return out;
      },
    };
    const dirs = inPlace ? ['writeAtomic', 'write', 'read'] : ['writeAtomic', 'read'];
    const names = withH5py ? ['raw', 'ours', 'h5py'] : ['raw', 'ours'];
    const times = Object.fromEntries(names.map((n) => [n, Object.fromEntries(dirs.map((d) => [d, []]))]));
    for (let i = 0; i <= cfg.runs; i++) {
      const order = i % 2 ? [...names].reverse() : names;
      const round1 = {};
      for (const side of order) {
        gc();
        round1[side] = await sides[side](i === 0);
      }
      if (i === 0) continue; // warm-up (and the files for h5py to read)
      for (const side of names) for (const dir of dirs) times[side][dir].push(round1[side][dir]);
    }
    const fileBytes = statSync(ours).size;
    const h5pyBytes = withH5py ? statSync(theirs).size : undefined;
    for (const f of [rawFile, ours, theirs]) if (!args.keep) rmSync(f, { force: true });
    for (const f of [`${rawFile}.tmp`, `${theirs}.tmp`]) rmSync(f, { force: true });
    const ratio = (side, dir) => round(median(times.raw[dir].map((t, k) => t / times[side][dir][k])), 3);
    const stat = (side, dir) => ({ median: round(median(times[side][dir]), 2), runs: times[side][dir].map((t) => round(t, 1)), mbps: round(mbps(payload, median(times[side][dir])), 0) });
    const result = { payload, fileBytes, h5pyBytes, runs: cfg.runs, h5pyVersion, dirs, sides: {} };
    for (const side of names) {
      result.sides[side] = Object.fromEntries(dirs.map((d) => [d, stat(side, d)]));
      if (side !== 'raw') result.sides[side].ratio = Object.fromEntries(dirs.map((d) => [d, ratio(side, d)]));
    }
    return result;
  },
};

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const variants = (ownOption('variants') ?? Object.keys(VARIANTS).join(',')).split(',');
  for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const bins = args.bins ?? 1e7;
  const pass = ['--bins', String(bins), ...(args.runs !== undefined ? ['--runs', String(args.runs)] : []), ...(args.keep ? ['--keep'] : [])];
  const withH5py = hasH5py();
  if (!withH5py) log(`${PYTHON} has no h5py: h5py's columns stay empty (install python3-h5py)`);
  const idle = runCase(SCRIPT, 'idle', pass);
  const rows = [];
  const out = { bench: 'hdf5', environment: environment(), seed: SEED, bins, idleRssMB: idle.peakRssMB, variants: {} };
  for (const variant of variants) {
    log(`hdf5 bench: ${variant}, ${bins} bins ...`);
    const r = runCase(SCRIPT, 'rounds', [...pass, '--variant', variant]);
    if (r.error) throw new Error(`${r.error}\n${r.stdout ?? ''}`);
    out.variants[variant] = { label: VARIANTS[variant].label, ...r };
    const label = { writeAtomic: 'write, atomic', write: 'write, in place', read: 'read' };
    for (const dir of r.dirs) {
      const ours = r.sides.ours;
      const h5py = r.sides.h5py;
      rows.push({
        variant,
        dir: label[dir],
        'raw MB/s': r.sides.raw[dir].mbps,
        'hist-serial MB/s': ours[dir].mbps,
        '× raw': ours.ratio[dir],
        'h5py MB/s': h5py?.[dir].mbps,
        'h5py × raw': h5py?.ratio[dir],
        'ours ≥ h5py': h5py ? (ours.ratio[dir] >= h5py.ratio[dir] ? 'yes' : 'NO') : '-',
        'file MB': round((r.fileBytes ?? 0) / 1e6, 1),
        'h5py file MB': r.h5pyBytes === undefined ? undefined : round(r.h5pyBytes / 1e6, 1),
        'peak RSS MB': r.peakRssMB,
      });
    }
  }
  const first = Object.values(out.variants)[0];
  console.log(
    `\nHDF5, 1-D weighted, ${bins} bins + 2 flow; payload ${round(first.payload / 1e6, 2)} MB (values + variances, f8, full-precision doubles); ` +
      `median of ${first.runs} alternating rounds after 1 warm-up; MB = 1e6 B of payload. Write, atomic: temp file + fsync + rename (writeDocument; raw; h5py); ` +
      `write, in place: truncate + write + fsync (the codec's encodeFile; raw; h5py); read: readDocument vs fs.readFileSync vs h5py dataset[()]. ` +
      `× raw = median over rounds of raw time ÷ time. ${first.h5pyVersion ?? ''}. Idle child RSS ${idle.peakRssMB} MB.`,
  );
  report(rows);
  out.table = rows;
  if (!args.keep) rmSync(join(RESULTS_DIR, `hdf5-${bins}.tmp`), { recursive: true, force: true });
  const file = writeResults(args.bins !== undefined ? `hdf5-${args.bins}` : 'hdf5', out);
  log(`\nresults: ${file}`);
}

await main();
