/**
 * The one benchmark table (what `npm run bench` prints): every codec writes (writeDocument: encode +
 * atomic write with fsync) and reads (readDocument: sniff, decode, schema + semantic validation) a
 * weighted histogram, in MB/s of payload and as a ratio to a raw fs write+read of the same bytes
 * measured in the same run, with the file size and the peak RSS of each step. Each case runs in its
 * own child process, so peak RSS is its own.
 *
 *   node bench/codecs.mjs [--big] [--bins N] [--runs N] [--formats hsb,hsj,...]
 *
 * 1e6 and 1e7 bins by default, also 1e8 with --big (one size with --bins). A codec that cannot hold
 * a size gets a row with the error it gives (BSON past 2 GiB, ROOT objects past 1 GB); UHI JSON is
 * measured up to 1e7 bins (text: bench/json.mjs covers it, bench/scale.mjs converts 1e8 bins to it).
 * @module
 */
import { mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  childMain,
  cliArgs,
  environment,
  loadLibrary,
  log,
  makeWeightedHistogram,
  mbps,
  ownOption,
  payloadBytes,
  rawFsBaseline,
  report,
  RESULTS_DIR,
  round,
  runCase,
  time,
  writeResults,
} from './lib.mjs';

const lib = await loadLibrary();
const SEED = 7;

/** Formats measured: id → output extension and codec options. Codecs not registered are skipped. */
const FORMATS = {
  hsb: { ext: '.hsb', format: 'hsb' },
  hsj: { ext: '.hsj', format: 'hsj' },
  'zip-store': { ext: '.zip', format: 'uhi-zip' },
  'zip-deflate': { ext: '.zip', format: 'uhi-zip', options: { zipCompression: 'deflate', zipLevel: 1 } },
  bson: { ext: '.bson', format: 'bson' },
  hdf5: { ext: '.h5', format: 'hdf5' },
  'hdf5-gzip': { ext: '.h5', format: 'hdf5', options: { hdf5Compression: 'gzip', hdf5Level: 1 } },
  root: { ext: '.root', format: 'root' },
  'uhi-json': { ext: '.json', format: 'uhi-json' },
};

function setup(args) {
  const bins = Number(args.bins ?? 1e6);
  const runs = Number(args.runs ?? (bins >= 5e6 ? 3 : 5));
  const dir = join(RESULTS_DIR, `codecs-${bins}.tmp`);
  mkdirSync(dir, { recursive: true });
  return { bins, runs, dir };
}

/** Sum of the sizes of a main file and its sidecars (files in dir starting with its stem). */
function fileSize(dir, stem) {
  return readdirSync(dir)
    .filter((f) => f.startsWith(stem + '.') && !f.endsWith('.tmp'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

const cases = {
  async 'raw-fs'(args) {
    const cfg = setup(args);
    return { raw: rawFsBaseline((cfg.bins + 2) * 16, cfg.dir, { runs: cfg.runs }) };
  },

  async write(args) {
    const cfg = setup(args);
    const id = ownOption('format');
    const f = FORMATS[id];
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const path = join(cfg.dir, `${id}${f.ext}`);
    const t = await time(() => lib.writeDocument(path, doc, { format: f.format, ...(f.options ? { options: f.options } : {}) }), { runs: cfg.runs });
    return { median: t.median, runs: t.runs, payload: payloadBytes(doc), fileBytes: fileSize(cfg.dir, id) };
  },

  async read(args) {
    const cfg = setup(args);
    const id = ownOption('format');
    const path = join(cfg.dir, `${id}${FORMATS[id].ext}`);
    const t = await time(() => lib.readDocument(path), { runs: cfg.runs });
    const h = t.result.histograms.get('h');
    return { median: t.median, runs: t.runs, payload: h.storage.arrays.values.data.byteLength * 2 };
  },
};

if (!(await childMain(cases))) {
  const args = cliArgs();
  const sizes = args.bins ? [Number(args.bins)] : args.big ? [1e6, 1e7, 1e8] : [1e6, 1e7];
  const registry = lib.createDefaultRegistry();
  const known = new Set(registry.list().map((e) => e.name));
  const wanted = (ownOption('formats') ? ownOption('formats').split(',') : Object.keys(FORMATS)).filter((id) => known.has(FORMATS[id]?.format));
  const results = { environment: environment(), sizes: {}, table: [] };
  const table = results.table;
  for (const bins of sizes) {
    const pass = ['--bins', String(bins), ...(args.runs ? ['--runs', String(args.runs)] : [])];
    log(`bins=${bins}: raw fs baseline`);
    const raw = runCase('codecs.mjs', 'raw-fs', pass).raw;
    const rawWR = raw.writeRead.median;
    const rows = [];
    for (const id of wanted) {
      if (id === 'uhi-json' && bins > 1e7) continue; // text: see bench/json.mjs
      log(`bins=${bins}: ${id}`);
      const w = runCase('codecs.mjs', 'write', [...pass, '--format', id]);
      const r = w.error ? w : runCase('codecs.mjs', 'read', [...pass, '--format', id]);
      if (w.error || r.error) {
        rows.push({ codec: id, bins, error: (w.error ?? r.error).split('\n')[0].slice(0, 110) });
        continue;
      }
      const wr = w.median + r.median;
      rows.push({
        codec: id,
        bins,
        'write MB/s': round(mbps(w.payload, w.median), 0),
        'read MB/s': round(mbps(r.payload, r.median), 0),
        'w+r ms': round(wr, 1),
        'x raw w+r': round(rawWR / wr, 2),
        'file/payload': round(w.fileBytes / w.payload, 3),
        'RSS w MB': w.peakRssMB,
        'RSS r MB': r.peakRssMB,
      });
    }
    rows.unshift({
      codec: 'raw fs',
      bins,
      'write MB/s': raw.write.mbps,
      'read MB/s': raw.read.mbps,
      'w+r ms': raw.writeRead.median,
      'x raw w+r': 1,
      'file/payload': 1,
    });
    log(`bins=${bins}: raw write+fsync ${raw.writeFsync.mbps} MB/s`);
    table.push(...rows);
    results.sizes[bins] = { raw, rows };
    rmSync(setup({ bins }).dir, { recursive: true, force: true });
  }
  report(table.map(({ error, ...row }) => (error ? { ...row, 'write MB/s': `refused: ${error}` } : row)), {
    title: `Every codec: weighted histogram (values + variances, f8), payload = (bins + 2) × 16 bytes; × raw = raw fs write+read time / codec write+read time (same run)`,
  });
  console.log(`\nresults: ${writeResults(args.big ? 'codecs-big' : 'codecs', results)}`);
}
