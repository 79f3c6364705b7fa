/**
 * UHI zip codec benchmark: 1-D weighted histograms of 1e6 and 1e7 bins (16 and 160 MB of payload),
 * written and read as STORE (default) and DEFLATE (level 6, the default, and level 1), against a raw
 * fs write+read of the same number of bytes measured in the same run.
 *
 *   node bench/zip.mjs [--bins N] [--runs N] [--variants store,deflate6,deflate1] [--keep]
 *
 * Every case runs in its own child process (peak RSS per case), see bench/lib.mjs. Results: a table
 * per size on stdout and bench/results/zip.json (zip-N.json with --bins N). The headline is the
 * STORE round trip measured in pairs with the raw baseline in one process (see `paired`).
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  childMain,
  cliArgs,
  environment,
  gc,
  loadLibrary,
  log,
  makeWeightedHistogram,
  mbps,
  median,
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
const SCRIPT = 'zip.mjs';
const SEED = 5;
const SIZES = [1e6, 1e7];

/** What is measured: codec options per variant. */
const VARIANTS = {
  store: { label: 'STORE', options: {} },
  deflate6: { label: 'DEFLATE level 6 (default)', options: { zipCompression: 'deflate' } },
  deflate1: { label: 'DEFLATE level 1', options: { zipCompression: 'deflate', zipLevel: 1 } },
};

/** Size, runs, variant and scratch files of one child. */
function setup(args) {
  const bins = args.bins ?? 1e6;
  const runs = args.runs ?? (bins >= 5e6 ? 3 : 5);
  const variant = ownOption('variant') ?? 'store';
  const dir = args.dir ?? join(RESULTS_DIR, `zip-${bins}.tmp`);
  mkdirSync(dir, { recursive: true });
  return { bins, runs, variant, options: VARIANTS[variant].options, dir, file: join(dir, `h-${variant}.zip`), outFile: join(dir, `out-${variant}.zip`) };
}

/** Write chunks to a file (no fsync), chunk by chunk: the codec's output as plain fs would write it. */
function writeChunks(path, chunks) {
  const fd = openSync(path, 'w');
  try {
    let total = 0;
    for (const c of chunks) {
      for (let off = 0; off < c.length; ) off += writeSync(fd, c, off, Math.min(c.length - off, 1 << 30));
      total += c.length;
    }
    return total;
  } finally {
    closeSync(fd);
  }
}

const chunksOf = (main) => (Array.isArray(main) ? main : [main]);
const row = (id, label, dir, t, extra = {}) => ({ id, label, dir, median: round(t.median, 2), min: round(t.min, 2), runs: t.runs, ...extra });

/* ------------------------------------------------------------------------------------------------
 * Cases (each runs in its own child process)
 * ---------------------------------------------------------------------------------------------- */

const cases = {
  /** Library loaded, nothing done: the RSS floor of a child. */
  async idle() {
    return { rows: [] };
  },

  /** Write the file the read cases of this variant read. */
  async prepare(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const written = await lib.writeDocument(cfg.file, doc, { options: cfg.options });
    return { payload: payloadBytes(doc), fileBytes: written.bytes };
  },

  /** fs.writeFileSync / readFileSync (and write+fsync) of the payload bytes. */
  async 'raw-fs'(args) {
    const cfg = setup(args);
    return { raw: rawFsBaseline((cfg.bins + 2) * 16, cfg.dir, { runs: cfg.runs }) };
  },

  /** encodeDocumentFiles alone (chunks; STORE passes the arrays through), then + plain writes (no fsync). */
  async encode(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const enc = await time(() => lib.encodeDocumentFiles(doc, { format: 'uhi-zip', options: cfg.options }), { runs: cfg.runs });
    const fileBytes = chunksOf(enc.result.main).reduce((n, c) => n + c.length, 0);
    enc.result = undefined;
    const encWrite = await time(
      async () => writeChunks(cfg.outFile, chunksOf((await lib.encodeDocumentFiles(doc, { format: 'uhi-zip', options: cfg.options })).main)),
      { runs: cfg.runs },
    );
    return {
      rows: [
        row('encode', 'encodeDocumentFiles → chunks', 'write', enc, { fileBytes }),
        row('encode+write', 'encodeDocumentFiles + fs.writeSync per chunk (no fsync)', 'write', encWrite, { fileBytes }),
      ],
    };
  },

  /** writeDocument: encode + atomic write (temp file, fsync, rename). */
  async 'write-document'(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const t = await time(() => lib.writeDocument(cfg.outFile, doc, { options: cfg.options }), { runs: cfg.runs });
    return { rows: [row('writeDocument', 'writeDocument (atomic: fsync + rename)', 'write', t, { fileBytes: t.result.bytes })] };
  },

  /** readDocument: decodeFile (directory, exactly-sized reads per array, CRC-32), schema, model. */
  async 'read-document'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.readDocument(cfg.file), { runs: cfg.runs });
    const v = t.result.histograms.get('h').storage.arrays.values.data;
    return { rows: [row('readDocument', 'readDocument (decodeFile: reads each array into its own buffer)', 'read', t, { fileBytes: statSync(cfg.file).size, viewOfOwnBuffer: v.byteOffset === 0 && v.buffer.byteLength === v.byteLength })] };
  },

  /** readDocument without the CRC-32 checks (verifyChecksums: false): what the checks cost. */
  async 'read-document-nocrc'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.readDocument(cfg.file, { verifyChecksums: false }), { runs: cfg.runs });
    return { rows: [row('readDocument no CRC', 'readDocument with verifyChecksums: false', 'read', t, { fileBytes: statSync(cfg.file).size })] };
  },

  /** fs.readFileSync + decodeDocument: the in-memory path (arrays are views of the file buffer when stored). */
  async 'readsync-decode'(args) {
    const cfg = setup(args);
    const t = await time(
      async () => {
        const bytes = readFileSync(cfg.file);
        const doc = await lib.decodeDocument(bytes);
        return doc.histograms.get('h').storage.arrays.values.data.buffer === bytes.buffer;
      },
      { runs: cfg.runs },
    );
    return { rows: [row('readFileSync+decode', 'fs.readFileSync + decodeDocument', 'read', t, { fileBytes: statSync(cfg.file).size, zeroCopy: t.result })] };
  },

  /**
   * The headline, measured in pairs in one process so that page-cache and allocator state hit both
   * sides alike: raw writeFileSync + readFileSync of the payload bytes vs encode + plain writes +
   * readDocument (no fsync on either side), and raw write + fsync + readFileSync vs writeDocument
   * (atomic: fsync + rename) + readDocument. The order inside a pair alternates.
   */
  async paired(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const payload = payloadBytes(doc);
    const bytes = randomFillSync(Buffer.allocUnsafe(payload));
    const rawFile = join(cfg.dir, 'paired-raw.bin');
    const out = join(cfg.dir, `paired-${cfg.variant}.zip`);
    const sides = {
      raw: () => {
        writeFileSync(rawFile, bytes);
        return readFileSync(rawFile).length;
      },
      zip: async () => {
        writeChunks(out, chunksOf((await lib.encodeDocumentFiles(doc, { format: 'uhi-zip', options: cfg.options })).main));
        return (await lib.readDocument(out)).histograms.size;
      },
      rawFsync: () => {
        const fd = openSync(rawFile, 'w');
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
        fsyncSync(fd);
        closeSync(fd);
        return readFileSync(rawFile).length;
      },
      zipAtomic: async () => {
        await lib.writeDocument(out, doc, { options: cfg.options });
        return (await lib.readDocument(out)).histograms.size;
      },
    };
    const timeOnce = async (fn) => {
      gc();
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const pairs = [
      ['zip', 'raw'],
      ['zipAtomic', 'rawFsync'],
    ];
    const times = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
    const ratios = { zip: [], zipAtomic: [] };
    const runs = Math.max(cfg.runs * 3, 9);
    for (let i = 0; i < 1 + runs; i++) {
      for (const [ours, base] of pairs) {
        const order = i % 2 ? [ours, base] : [base, ours];
        const t = {};
        for (const side of order) t[side] = await timeOnce(sides[side]);
        if (i === 0) continue; // warm-up
        times[ours].push(t[ours]);
        times[base].push(t[base]);
        ratios[ours].push(t[base] / t[ours]); // speed ratio: > 1 means the zip round trip is faster
      }
    }
    rmSync(rawFile, { force: true });
    const stat = (ts) => ({ median: round(median(ts), 2), min: round(Math.min(...ts), 2), runs: ts.map((x) => round(x, 2)) });
    return {
      payload,
      runs,
      sides: Object.fromEntries(Object.entries(times).map(([k, ts]) => [k, stat(ts)])),
      ratios: Object.fromEntries(Object.entries(ratios).map(([k, rs]) => [k, { median: round(median(rs), 3), min: round(Math.min(...rs), 3), max: round(Math.max(...rs), 3) }])),
    };
  },
};

/** Cases per variant (DEFLATE at level 6 is slow: only the document paths). */
const CASES_OF = {
  store: ['encode', 'write-document', 'read-document', 'read-document-nocrc', 'readsync-decode', 'paired'],
  deflate6: ['write-document', 'read-document'],
  deflate1: ['encode', 'write-document', 'read-document', 'readsync-decode'],
};

/* ------------------------------------------------------------------------------------------------
 * Parent
 * ---------------------------------------------------------------------------------------------- */

function runSize(bins, args, variants) {
  const pass = ['--bins', String(bins), ...(args.runs !== undefined ? ['--runs', String(args.runs)] : [])];
  const cfg = setup({ ...args, bins });
  log(`zip bench: ${bins} bins (+2 flow), ${cfg.runs} runs per case, scratch ${cfg.dir}`);
  const idle = runCase(SCRIPT, 'idle', pass);
  const rawCase = runCase(SCRIPT, 'raw-fs', pass);
  if (rawCase.error) throw new Error(`${rawCase.error}\n${rawCase.stdout ?? ''}`);
  const raw = rawCase.raw;
  const rawFor = { write: raw.write, read: raw.read, both: raw.writeRead };
  const payload = (bins + 2) * 16;
  const rows = [
    ['raw writeFileSync', raw.write],
    ['raw readFileSync', raw.read],
    ['raw write+read', raw.writeRead],
    ['raw write+fsync', raw.writeFsync],
  ].map(([path, s]) => ({ path, 'median ms': s.median, 'MB/s': s.mbps, '× raw': undefined, 'file MB': round(payload / 1e6, 2), 'peak RSS MB': rawCase.peakRssMB }));
  const out = { bins, runs: cfg.runs, payloadBytes: payload, raw, idleRssMB: idle.peakRssMB, variants: {} };
  const headline = [];
  for (const variant of variants) {
    const vpass = [...pass, '--variant', variant];
    const prep = runCase(SCRIPT, 'prepare', vpass);
    if (prep.error) throw new Error(`${prep.error}\n${prep.stdout ?? ''}`);
    const results = {};
    for (const name of CASES_OF[variant]) {
      log(`  ${variant}: case ${name} ...`);
      results[name] = runCase(SCRIPT, name, vpass);
      if (results[name].error) log(`  ! ${results[name].error}\n${results[name].stdout ?? ''}`);
    }
    const measured = Object.entries(results).flatMap(([name, res]) => (res.rows ?? []).map((r) => ({ ...r, case: name, peakRssMB: res.peakRssMB })));
    const byId = Object.fromEntries(measured.map((r) => [r.id, r]));
    const trip = (id, w, r) => w && r && { id, dir: 'both', median: round(w.median + r.median, 2), fileBytes: w.fileBytes, peakRssMB: Math.max(w.peakRssMB, r.peakRssMB) };
    const trips = [
      trip('round trip: encode+write + readDocument', byId['encode+write'], byId.readDocument),
      trip('round trip: writeDocument + readDocument', byId.writeDocument, byId.readDocument),
    ].filter(Boolean);
    const tableRow = (r) => {
      const speed = mbps(payload, r.median);
      const base = rawFor[r.dir];
      return {
        path: `${variant}: ${r.id}`,
        'median ms': r.median,
        'MB/s': speed,
        '× raw': base ? round(speed / base.mbps, 2) : undefined,
        'file MB': r.fileBytes === undefined ? undefined : round(r.fileBytes / 1e6, 2),
        'peak RSS MB': r.peakRssMB,
      };
    };
    rows.push(...measured.map(tableRow), ...trips.map(tableRow));
    const p = results.paired;
    if (p?.ratios) {
      const pr = (label, ours, base) => ({
        'paired round trip (same process, alternating)': `${variant}: ${label}`,
        'zip ms': p.sides[ours].median,
        'raw ms': p.sides[base].median,
        '× raw (median of pairs)': p.ratios[ours].median,
        'min…max': `${p.ratios[ours].min}…${p.ratios[ours].max}`,
        'MB/s': mbps(payload, p.sides[ours].median),
        'peak RSS MB': p.peakRssMB,
      });
      headline.push(pr('encode+write + readDocument vs writeFileSync + readFileSync', 'zip', 'raw'), pr('writeDocument + readDocument vs write+fsync + readFileSync', 'zipAtomic', 'rawFsync'));
    }
    out.variants[variant] = { label: VARIANTS[variant].label, fileBytes: prep.fileBytes, cases: results, zeroCopy: byId['readFileSync+decode']?.zeroCopy };
  }
  const sizes = variants.map((v) => `${v} ${round(out.variants[v].fileBytes / 1e6, 2)} MB (${round(out.variants[v].fileBytes / payload, 3)}×)`).join(', ');
  console.log(
    `\nUHI zip, 1-D weighted, ${bins} bins + 2 flow; payload ${round(payload / 1e6, 2)} MB (values + variances, f8, full-precision doubles); ` +
      `files: ${sizes}; median of ${cfg.runs} runs after 1 warm-up; MB = 1e6 B of payload.\n` +
      `× raw = MB/s ÷ raw fs MB/s of the same direction (write → writeFileSync, read → readFileSync, round trip → write+read). ` +
      `Peak RSS per child process (idle child: ${idle.peakRssMB} MB). STORE readFileSync+decode zero-copy: ${out.variants.store?.zeroCopy}.`,
  );
  report(rows);
  if (headline.length) report(headline, { title: `Headline: pairs in one child; × raw = raw time ÷ zip time per pair (target ≥ 0.7)` });
  out.table = rows;
  out.headline = headline;
  if (!args.keep) rmSync(cfg.dir, { recursive: true, force: true });
  return out;
}

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const variants = (ownOption('variants') ?? Object.keys(VARIANTS).join(',')).split(',');
  for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const sizes = args.bins !== undefined ? [args.bins] : SIZES;
  const out = sizes.map((bins) => runSize(bins, args, variants));
  const file = writeResults(args.bins !== undefined ? `zip-${args.bins}` : 'zip', { bench: 'zip', environment: environment(), seed: SEED, sizes: out });
  log(`\nresults: ${file}`);
}

await main();
