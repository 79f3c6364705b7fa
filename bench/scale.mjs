/**
 * Scale: a weighted histogram of 1e8 bins (1.6 GB of payload) converted between every pair of
 * binary formats with `convertFile` (what `hist-serial convert` runs), each conversion in its own
 * child process: time, peak RSS (target: at most 2× the payload) and a bit-for-bit check of the
 * result (SHA-256 of the arrays read back, in another child). Formats that cannot hold it must
 * refuse clearly: ROOT (one object ≤ 1 GB) and reading 1e8 bins of UHI JSON text (a string past
 * V8's ~512 MiB limit); writing it is chunked. (BSON holds up to 2 GiB per document: 1e8 bins fit.)
 *
 *   node bench/scale.mjs --big [--bins N] [--formats hsb,hsj,zip,h5,bson] [--no-json] [--keep]
 *
 * Runs only with --big (as `npm run bench:all -- --big`; without it, it prints what it would do):
 * it needs ~12 GB of disk and ~4 GB of memory per child. `--bins 1e7` for a quick rehearsal.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { childMain, cliArgs, environment, loadLibrary, log, makeWeightedHistogram, mbps, ownOption, report, RESULTS_DIR, round, runCase, writeResults } from './lib.mjs';

const lib = await loadLibrary();
const SCRIPT = 'scale.mjs';
const SEED = 11;
const DIR = join(RESULTS_DIR, 'scale.tmp');

/** The binary formats converted pairwise (id → extension), and the ones expected to refuse. */
const BINARY = { hsb: '.hsb', hsj: '.hsj', zip: '.zip', h5: '.h5', bson: '.bson' };
const REFUSING = { root: '.root' };

const fileOf = (id, ext) => join(DIR, `scale-${id}${ext}`);

/** Every file belonging to a converted output (the main file and a .hsj's sidecar). */
function outputBytes(path) {
  const stem = path.replace(/\.[^.]+$/, '');
  return readdirSync(DIR)
    .map((f) => join(DIR, f))
    .filter((f) => f === path || (f.startsWith(stem + '.') && !f.endsWith('.tmp') && path.endsWith('.hsj')))
    .reduce((n, f) => n + statSync(f).size, 0);
}

function removeOutput(path) {
  const stem = path.replace(/\.[^.]+$/, '');
  for (const f of readdirSync(DIR)) {
    const p = join(DIR, f);
    if (p === path || (path.endsWith('.hsj') && p === `${stem}.bin`)) rmSync(p, { force: true });
  }
}

/** SHA-256 over the arrays of histogram `h`, in storage order. */
function digest(doc) {
  const h = doc.histograms.get('h');
  const hash = createHash('sha256');
  for (const key of Object.keys(h.storage.arrays).sort()) {
    const a = h.storage.arrays[key];
    hash.update(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  }
  return hash.digest('hex');
}

const cases = {
  /** Build the histogram and write the first source file (.hsb). */
  async make(args) {
    const doc = makeWeightedHistogram(Number(args.bins), SEED);
    const t0 = performance.now();
    await lib.writeDocument(fileOf('src', '.hsb'), doc);
    const ms = performance.now() - t0;
    return { ms, digest: digest(doc), payload: doc.histograms.get('h').storage.arrays.values.data.byteLength * 2 };
  },

  /** convertFile(--from, --to); a refusal is a result (code, message), not a failure. */
  async convert() {
    const from = ownOption('from');
    const to = ownOption('to');
    const t0 = performance.now();
    try {
      const r = await lib.convertFile(from, to);
      return { ms: performance.now() - t0, bytes: outputBytes(to), warnings: r.warnings.map((w) => w.code) };
    } catch (err) {
      return { ms: performance.now() - t0, refused: { code: err.code ?? err.name, message: String(err.message).split('\n')[0] }, leftBehind: existsSync(to) };
    }
  },

  /** Read a file back and hash its arrays. */
  async verify() {
    const path = ownOption('file');
    const t0 = performance.now();
    try {
      const doc = await lib.readDocument(path);
      return { ms: performance.now() - t0, digest: digest(doc) };
    } catch (err) {
      return { refused: { code: err.code ?? err.name, message: String(err.message).split('\n')[0] } };
    }
  },
};

if (!(await childMain(cases))) {
  const args = cliArgs();
  const bins = Number(args.bins ?? 1e8);
  const formats = (ownOption('formats') ?? Object.keys(BINARY).join(',')).split(',');
  const withJson = !process.argv.includes('--no-json');
  const refusing = Object.keys(REFUSING).filter((id) => lib.createDefaultRegistry().list().some((e) => e.extensions.includes(REFUSING[id])));
  const plan = [`1e8-class conversions of ${bins} bins among ${formats.join(', ')} (every ordered pair), refusals to ${refusing.join(', ')}${withJson ? ', .hsb → UHI JSON and back' : ''}`];
  if (!args.big && args.bins === undefined) {
    console.log(`bench/scale.mjs runs only with --big (or --bins N): it would run ${plan[0]}.`);
    process.exit(0);
  }
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const env = environment();
  log(`scale: ${plan[0]}`);

  const made = runCase(SCRIPT, 'make', ['--bins', String(bins)]);
  if (made.error) throw new Error(`make: ${made.error}\n${made.stdout}`);
  const payload = made.payload;
  const rssLimitMB = (2 * payload) / 2 ** 20;
  log(`made ${payload / 1e9} GB payload in ${round(made.ms / 1000, 1)} s, RSS ${made.peakRssMB} MiB`);

  const rows = [];
  /** Convert, verify, record a row. */
  const pair = (fromPath, fromId, toId, ext) => {
    const to = fileOf(`${fromId}-to-${toId}`, ext);
    log(`${fromId} → ${toId}`);
    const c = runCase(SCRIPT, 'convert', ['--from', fromPath, '--to', to]);
    const row = { from: fromId, to: toId, 'convert s': c.ms === undefined ? undefined : round(c.ms / 1000, 2) };
    if (c.error) Object.assign(row, { result: `CRASH: ${c.error}`, 'peak RSS MiB': undefined });
    else if (c.refused) Object.assign(row, { result: `refused ${c.refused.code}: ${c.refused.message.slice(0, 90)}${c.leftBehind ? ' (FILE LEFT BEHIND)' : ''}`, 'peak RSS MiB': c.peakRssMB });
    else {
      const v = runCase(SCRIPT, 'verify', ['--file', to]);
      const equal = !v.error && v.digest === made.digest;
      Object.assign(row, {
        'MB/s': round(mbps(payload, c.ms), 0),
        'file GB': round(c.bytes / 1e9, 2),
        'peak RSS MiB': c.peakRssMB,
        'RSS/payload': round((c.peakRssMB * 2 ** 20) / payload, 2),
        'read back s': v.ms === undefined ? undefined : round(v.ms / 1000, 2),
        result: v.error ? `READ FAILED: ${v.error}` : v.refused ? `written; reading it refused ${v.refused.code}` : equal ? (c.peakRssMB <= rssLimitMB ? 'equal' : 'equal, RSS OVER 2×') : 'DIFFERENT',
      });
    }
    rows.push(row);
    return { to, ok: row.result?.startsWith('equal') };
  };

  // The sources: hsb (made above), then each other binary format converted from it (also a pair).
  const sources = { hsb: fileOf('src', '.hsb') };
  for (const id of formats.filter((f) => f !== 'hsb')) {
    const { to, ok } = pair(sources.hsb, 'hsb', id, BINARY[id]);
    if (ok) sources[id] = to;
  }
  for (const from of formats) {
    if (!sources[from]) continue;
    for (const to of formats) {
      if (to === from || from === 'hsb') continue; // hsb → x done above
      const { to: out } = pair(sources[from], from, to, BINARY[to]);
      removeOutput(out);
    }
    for (const id of refusing) removeOutput(pair(sources[from], from, id, REFUSING[id]).to);
  }
  if (withJson) {
    const { to } = pair(sources.hsb, 'hsb', 'uhi-json', '.json');
    if (existsSync(to)) pair(to, 'uhi-json', 'hsb', '.hsb');
    removeOutput(to);
  }

  const ok = rows.every((r) => r.result === 'equal' || r.result.startsWith('refused') || (r.to === 'uhi-json' && r.result.startsWith('written; reading it refused LIMIT_EXCEEDED')));
  report(rows, { title: `Scale: weighted histogram of ${bins} bins, payload ${round(payload / 1e9, 2)} GB, RSS limit 2× payload = ${round(rssLimitMB, 0)} MiB` });
  console.log(`\n${ok ? 'all conversions equal and within the RSS limit, or refused' : 'SOME CONVERSIONS FAILED'}`);
  console.log(`results: ${writeResults(bins === 1e8 ? 'scale' : `scale-${bins}`, { environment: env, bins, payload, made, rows })}`);
  if (!process.argv.includes('--keep')) rmSync(DIR, { recursive: true, force: true });
  if (!ok) process.exitCode = 1;
}
