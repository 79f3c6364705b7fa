/**
 * Shared helpers for the benchmarks in bench/*.mjs.
 *
 * Conventions (every codec bench follows them):
 * - Benches run against the BUILT library (`dist/`, run `npm run build` first), never the TS sources.
 * - MB = 10^6 bytes. Throughput (MB/s) is computed on the PAYLOAD: the bytes of the bin data
 *   (e.g. values + variances of a weighted storage), not the size of the file, so that formats of
 *   different verbosity are compared on the work they do for the same histogram.
 * - "× raw" = MB/s of a path divided by MB/s of plain `fs.writeFileSync` / `fs.readFileSync` of the
 *   same number of payload bytes, measured in the same run (see {@link rawFsBaseline}).
 * - Each measured case runs in its own child process (`node bench/<script>.mjs --case <name> ...`,
 *   see {@link runCase} / {@link childMain}) so that peak RSS is per case and JIT/GC state of one case
 *   does not leak into the next. The child prints one JSON line on stdout; logs go to stderr.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Folder of the bench scripts, and the repository root. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH_DIR, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/**
 * Folder of the build under test: `dist/` by default; `HIST_SERIAL_DIST=<folder>` points the benches
 * at another build (e.g. a patched copy for an A/B comparison, see bench/experiments/patch-dist.mjs).
 * A folder given this way must sit inside the repository so `ajv` etc. resolve from node_modules.
 */
export const DIST_DIR = resolve(ROOT, process.env.HIST_SERIAL_DIST ?? 'dist');

/** Import the built library (fails with a clear hint when the build is missing). */
export async function loadLibrary() {
  try {
    return await import(pathToFileURL(join(DIST_DIR, 'index.js')).href);
  } catch (err) {
    throw new Error(`cannot load ${join(DIST_DIR, 'index.js')}: run \`npm run build\` first (${err.message})`);
  }
}

const lib = await loadLibrary();

/* ------------------------------------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------------------------------------- */

/** The value after `--NAME` on the command line (a script's own option, beyond {@link cliArgs}), or undefined. */
export function ownOption(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Options every bench understands. Unknown options are ignored, so `bench/run.mjs` can pass the same
 * arguments to every script.
 * --big          larger sizes (each bench decides what that means; json: 1e7 bins)
 * --bins N       explicit number of (non-flow) bins
 * --runs N       timed runs per measurement (after one warm-up run)
 * --profile      also record CPU profiles (node --cpu-prof) of the main paths and summarize them
 * --keep         keep the scratch files
 * --cases a,b    run only these cases (names as in the bench; baselines are always run)
 * --out NAME     results file name (bench/results/NAME.json) instead of the bench's default
 * --case NAME    internal: run one case in this process (used by the parent)
 */
export function cliArgs(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      big: { type: 'boolean', default: false },
      bins: { type: 'string' },
      runs: { type: 'string' },
      profile: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      case: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      cases: { type: 'string' },
    },
  });
  return {
    big: Boolean(values.big),
    bins: values.bins === undefined ? undefined : Number(values.bins),
    runs: values.runs === undefined ? undefined : Number(values.runs),
    profile: Boolean(values.profile),
    keep: Boolean(values.keep),
    case: values.case,
    dir: values.dir,
    out: values.out,
    cases: values.cases,
  };
}

/** The arguments a parent passes on to its children (everything except --case/--profile). */
export function passThroughArgs(args) {
  const out = [];
  if (args.big) out.push('--big');
  if (args.bins !== undefined) out.push('--bins', String(args.bins));
  if (args.runs !== undefined) out.push('--runs', String(args.runs));
  if (args.dir !== undefined) out.push('--dir', args.dir);
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Test data
 * ---------------------------------------------------------------------------------------------- */

/**
 * Seeded PRNG (mulberry32) returning doubles in [0, 1) with 53 random bits (two 32-bit draws), so
 * the generated values have full double precision like real sums of weights.
 */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/**
 * A document with one 1-D weighted histogram `h`: regular axis of `nbins` bins on [0, 1000) with
 * underflow and overflow (so the storage holds nbins + 2 bins), built with the public model types.
 * values ≈ sums of ~100 weights (50…150, full-precision decimals), variances ≈ sums of squared
 * weights (0.8…1.2 × value): every number needs ~17 significant digits in JSON, as real weighted
 * fills do.
 */
export function makeWeightedHistogram(nbins, seed = 1) {
  const n = nbins + 2;
  const rng = makeRng(seed);
  const values = new Float64Array(n);
  const variances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = 100 * (0.5 + rng());
    values[i] = v;
    variances[i] = v * (0.8 + 0.4 * rng());
  }
  /** @type {import('../dist/index.js').Histogram} */
  const h = {
    axes: [
      {
        type: 'regular',
        lower: 0,
        upper: 1000,
        bins: nbins,
        underflow: true,
        overflow: true,
        circular: false,
        metadata: { label: 'p_T [GeV]' },
      },
    ],
    storage: {
      type: 'weighted',
      layout: 'dense',
      arrays: { values: lib.ndarray('f8', [n], values), variances: lib.ndarray('f8', [n], variances) },
    },
    metadata: { name: 'h', title: 'benchmark histogram', seed },
  };
  return lib.createDocument({ h });
}

/** Bytes of bin data in a document (every storage array and sparse index): the MB/s denominator. */
export function payloadBytes(doc) {
  let bytes = 0;
  for (const h of doc.histograms.values()) {
    for (const arr of Object.values(h.storage.arrays)) bytes += arr.data.byteLength;
    if (h.storage.index) bytes += h.storage.index.data.byteLength;
  }
  return bytes;
}

/* ------------------------------------------------------------------------------------------------
 * Measuring
 * ---------------------------------------------------------------------------------------------- */

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** MB/s for `bytes` in `ms` milliseconds (MB = 1e6 bytes). */
export function mbps(bytes, ms) {
  return bytes / 1e6 / (ms / 1e3);
}

/** Run a full GC when the process was started with --expose-gc (the children are). */
export function gc() {
  globalThis.gc?.();
}

/**
 * Time `fn` (sync or async): `warmup` untimed runs, then `runs` timed ones, each after a full GC.
 * Returns `{ median, min, runs }` in milliseconds. The last result is returned as `result` so the
 * work cannot be optimized away and callers can inspect it.
 */
export async function time(fn, { runs = 5, warmup = 1 } = {}) {
  let result;
  for (let i = 0; i < warmup; i++) result = await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    result = undefined;
    gc();
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), min: Math.min(...times), runs: times.map((t) => round(t, 2)), result };
}

/**
 * Plain filesystem baseline for `bytes` bytes in `dir`, in this process: `fs.writeFileSync` (truncate
 * + overwrite of an existing file, as in shared/notes/dependencies.md §5) and `fs.readFileSync` of the
 * same file, plus write + fsync (what an atomic writer pays). Returns median MB/s and run times for
 * write, read, write+read (per-run sum) and write+fsync.
 */
export function rawFsBaseline(bytes, dir, { runs = 5, warmup = 1 } = {}) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'raw-baseline.bin');
  const buf = randomFillSync(Buffer.allocUnsafe(bytes));
  const w = [];
  const r = [];
  const wf = [];
  for (let i = 0; i < warmup + runs; i++) {
    gc();
    const t0 = performance.now();
    writeFileSync(file, buf);
    const t1 = performance.now();
    const back = readFileSync(file);
    const t2 = performance.now();
    if (back.length !== bytes) throw new Error('raw baseline: short read');
    const fd = openSync(file, 'w');
    const t3 = performance.now();
    for (let off = 0; off < bytes; ) off += writeSync(fd, buf, off, Math.min(bytes - off, 1 << 30));
    fsyncSync(fd);
    const t4 = performance.now();
    closeSync(fd);
    if (i < warmup) continue;
    w.push(t1 - t0);
    r.push(t2 - t1);
    wf.push(t4 - t3);
  }
  rmSync(file, { force: true });
  const wr = w.map((t, i) => t + r[i]);
  const stat = (ts) => ({ mbps: round(mbps(bytes, median(ts)), 0), median: round(median(ts), 2), runs: ts.map((t) => round(t, 2)) });
  return { bytes, write: stat(w), read: stat(r), writeRead: stat(wr), writeFsync: stat(wf) };
}

/** Peak resident set size of this process so far, in MiB (`process.resourceUsage().maxRSS` is KiB). */
export function peakRssMB() {
  return round(process.resourceUsage().maxRSS / 1024, 0);
}

/** Round to `digits` decimals. */
export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/* ------------------------------------------------------------------------------------------------
 * One case per child process
 * ---------------------------------------------------------------------------------------------- */

/**
 * Parent side: run `node [nodeArgs] bench/<script> --case <name> [args]` and return the JSON object
 * the child printed on its last stdout line (with `peakRssMB` added by the child). The child is
 * started with --expose-gc so {@link time} can collect between runs (pass `exposeGc: false` for CPU
 * profiles, so the forced collections do not show up as "(garbage collector)" time). A failing child
 * yields `{ error }` instead of throwing, so one broken case does not hide the others. `env` adds
 * environment variables (e.g. HIST_SERIAL_DIST to run the case against another build).
 */
export function runCase(script, name, args = [], { nodeArgs = [], exposeGc = true, env } = {}) {
  const path = join(BENCH_DIR, script);
  const res = spawnSync(process.execPath, [...(exposeGc ? ['--expose-gc'] : []), ...nodeArgs, path, '--case', name, ...args], {
    cwd: ROOT,
    env: env ? { ...process.env, ...env } : process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = (res.stdout ?? '').trim().split('\n');
  if (res.status !== 0) return { error: `case ${name} exited with ${res.status ?? res.signal}`, stdout: lines.slice(-5).join('\n') };
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return { error: `case ${name}: no JSON on stdout`, stdout: lines.slice(-5).join('\n') };
  }
}

/**
 * Child side: when `--case NAME` is on the command line, run `cases[NAME](args)`, print its result
 * (plus `peakRssMB`) as one JSON line and return true; otherwise return false (we are the parent).
 */
export async function childMain(cases, args = cliArgs()) {
  if (!args.case) return false;
  const fn = cases[args.case];
  if (!fn) throw new Error(`unknown case ${args.case}; known: ${Object.keys(cases).join(', ')}`);
  const out = await fn(args);
  process.stdout.write(JSON.stringify({ ...out, peakRssMB: peakRssMB() }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
  return true;
}

/** Log progress to stderr (stdout is reserved for the children's JSON). */
export function log(...parts) {
  process.stderr.write(parts.join(' ') + '\n');
}

/* ------------------------------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------------------------------- */

/**
 * Print rows (objects with the same keys) as a plain, aligned table on stdout. Numbers are
 * right-aligned; `undefined`/`null` print as `-`.
 */
export function report(rows, { title } = {}) {
  if (title) console.log(`\n${title}`);
  if (!rows.length) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (v === undefined || v === null ? '-' : typeof v === 'number' ? formatNumber(v) : String(v));
  const table = rows.map((r) => cols.map((c) => cell(r[c])));
  const numeric = cols.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'));
  const widths = cols.map((c, j) => Math.max(c.length, ...table.map((t) => t[j].length)));
  const line = (cells) => cells.map((s, j) => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join('  ').trimEnd();
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
}

function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 0.1 ? 2 : 3);
}

/** Write `obj` as pretty JSON to bench/results/<name>.json (creating the folder); returns the path. */
export function writeResults(name, obj) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(obj, null, 2) + '\n');
  return file;
}

/** Facts about the machine, the build under test and the run, for the results files. */
export function environment() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src');
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    cpu: cpus()[0]?.model,
    memGB: round(totalmem() / 2 ** 30, 1),
    library: lib.VERSION,
    dist: DIST_DIR.slice(ROOT.length + 1) || DIST_DIR,
    distBuilt: statSync(join(DIST_DIR, 'index.js')).mtime.toISOString(),
    commit: git('rev-parse', '--short', 'HEAD'),
    srcDirty: dirty === undefined ? undefined : dirty.split('\n').filter(Boolean),
    loadavg: loadavg().map((x) => round(x, 2)),
    date: new Date().toISOString(),
  };
}

/* ------------------------------------------------------------------------------------------------
 * CPU profiles
 * ---------------------------------------------------------------------------------------------- */

/**
 * Summarize a `.cpuprofile` (from `node --cpu-prof`): self time per function (name + file:line) and
 * per file, in ms, top `top` entries. Files are shortened to their path below the repository
 * (`dist/json/stringify.js`, `node_modules/ajv/...`); code compiled with `new Function` (ajv's
 * validators) has no file and is reported as `(ajv generated)` when the name looks like ajv's.
 */
export function summarizeCpuProfile(file, { top = 15 } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const shortFile = (url) => {
    if (!url) return '';
    const p = url.replace(/^file:\/\//, '');
    const i = p.indexOf(ROOT + '/');
    return i >= 0 ? p.slice(i + ROOT.length + 1) : p.replace(/^node:/, 'node:');
  };
  const fnKey = (cf) => {
    const f = shortFile(cf.url);
    const name = cf.functionName || '(anonymous)';
    if (!f) return /^validate\d+$/.test(name) ? `${name} (ajv generated)` : name;
    return `${name} ${f}:${cf.lineNumber + 1}`;
  };
  const fileKey = (cf) => {
    const f = shortFile(cf.url);
    if (f) return f;
    return /^validate\d+$/.test(cf.functionName) ? '(ajv generated)' : cf.functionName || '(anonymous)';
  };
  const byFn = new Map();
  const byFile = new Map();
  for (const [id, ms] of self) {
    const cf = byId.get(id).callFrame;
    byFn.set(fnKey(cf), (byFn.get(fnKey(cf)) ?? 0) + ms);
    byFile.set(fileKey(cf), (byFile.get(fileKey(cf)) ?? 0) + ms);
  }
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: round(ms, 1), pct: round((100 * ms) / total, 1) }));
  return { totalMs: round(total, 1), functions: rank(byFn), files: rank(byFile) };
}
