/**
 * BSON codec benchmark: 1-D weighted histograms of 1e6 and 1e7 bins (16 and 160 MB of payload), the
 * codec's write and read paths against a raw fs write+read of the same number of bytes measured in
 * the same run, and against the `bson` library used alone (serialize/deserialize of the same
 * envelope with Binary values), which is what the codec avoids for the bulk bytes.
 *
 *   node bench/bson.mjs [--bins N] [--runs N] [--keep]
 *
 * Every case runs in its own child process (peak RSS per case), see bench/lib.mjs. The headline ratio
 * comes from the `paired` case: BSON and raw round trips alternated in one process, so that page
 * cache and allocator state (which move single-case timings of 160 MB by ±50% on a shared machine)
 * hit both sides alike. Results: tables per size on stdout and bench/results/bson.json (bson-N.json
 * with --bins N).
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, calculateObjectSize, deserialize, serialize, setInternalBufferSize } from 'bson';
import {
  RESULTS_DIR,
  childMain,
  cliArgs,
  environment,
  gc,
  loadLibrary,
  log,
  makeWeightedHistogram,
  mbps,
  median,
  payloadBytes,
  rawFsBaseline,
  report,
  round,
  runCase,
  time,
  writeResults,
} from './lib.mjs';

const lib = await loadLibrary();
const SCRIPT = 'bson.mjs';
const SEED = 3;
const SIZES = [1e6, 1e7];

/** Size, runs and scratch files of one child. */
function setup(args) {
  const bins = args.bins ?? 1e6;
  const runs = args.runs ?? (bins >= 5e6 ? 3 : 5);
  const dir = args.dir ?? join(RESULTS_DIR, `bson-${bins}.tmp`);
  mkdirSync(dir, { recursive: true });
  return { bins, runs, dir, file: join(dir, 'h.bson'), outFile: join(dir, 'out.bson') };
}

/** The envelope the codec writes, as a plain object with Binary values (what the library alone would serialize). */
function libraryEnvelope(doc) {
  const raw = lib.toUHI(doc, { arrays: 'external' });
  const buffers = {};
  for (const [key, a] of raw.resources) {
    buffers[key] = { dtype: a.dtype, shape: [...a.shape], data: new Binary(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)) };
  }
  return { format: lib.BSON_FORMAT_TAG, version: 1, histograms: raw.json, buffers };
}

/** Write chunks to a file with one writev call (no fsync): the codec's output as plain fs would write it. */
function writeChunks(path, chunks) {
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    const total = chunks.reduce((n, c) => n + c.length, 0);
    while (written < total) written += writevSync(fd, chunks); // whole document in one call for these sizes
    return total;
  } finally {
    closeSync(fd);
  }
}

const row = (id, label, dir, t, extra = {}) => ({ id, label, dir, median: round(t.median, 2), min: round(t.min, 2), runs: t.runs, ...extra });

/* ------------------------------------------------------------------------------------------------
 * Cases (each runs in its own child process)
 * ---------------------------------------------------------------------------------------------- */

const cases = {
  /** Library loaded, nothing done: the RSS floor of a child. */
  async idle() {
    return { rows: [] };
  },

  /** Write the file the read cases read. */
  async prepare(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const written = await lib.writeDocument(cfg.file, doc, { format: 'bson' });
    return { payload: payloadBytes(doc), fileBytes: written.bytes };
  },

  /** fs.writeFileSync / readFileSync (and write+fsync) of the payload bytes. */
  async 'raw-fs'(args) {
    const cfg = setup(args);
    return { raw: rawFsBaseline((cfg.bins + 2) * 16, cfg.dir, { runs: cfg.runs }) };
  },

  /** encodeDocumentFiles alone (chunks, no copy of the arrays), then + one writev without fsync. */
  async encode(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const enc = await time(() => lib.encodeDocumentFiles(doc, { format: 'bson' }), { runs: cfg.runs });
    const chunks = enc.result.main;
    const fileBytes = (Array.isArray(chunks) ? chunks : [chunks]).reduce((n, c) => n + c.length, 0);
    enc.result = undefined;
    const encWrite = await time(
      async () => {
        const { main } = await lib.encodeDocumentFiles(doc, { format: 'bson' });
        return writeChunks(cfg.outFile, Array.isArray(main) ? main : [main]);
      },
      { runs: cfg.runs },
    );
    return {
      rows: [
        row('encode', 'encodeDocumentFiles → chunks (arrays not copied)', 'write', enc, { fileBytes }),
        row('encode+writev', 'encodeDocumentFiles + one fs.writevSync (no fsync)', 'write', encWrite, { fileBytes }),
      ],
    };
  },

  /** writeDocument: encode + atomic write (temp file, fsync, rename). */
  async 'write-document'(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const t = await time(() => lib.writeDocument(cfg.outFile, doc, { format: 'bson' }), { runs: cfg.runs });
    return { rows: [row('writeDocument', 'writeDocument (atomic: fsync + rename)', 'write', t, { fileBytes: t.result.bytes })] };
  },

  /** readDocument: read the file, scan, library parse, envelope checks, schema validation, model. */
  async 'read-document'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.readDocument(cfg.file), { runs: cfg.runs });
    const h = t.result.histograms.get('h');
    const zeroCopy = h.storage.arrays.values.data.buffer === h.storage.arrays.variances.data.buffer;
    return { rows: [row('readDocument', 'readDocument (full path)', 'read', t, { fileBytes: statSync(cfg.file).size, zeroCopy })] };
  },

  /** fs.readFileSync (the raw baseline's read) + decodeDocument: the codec's cost on top of a plain read. */
  async 'readsync-decode'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.decodeDocument(readFileSync(cfg.file)), { runs: cfg.runs });
    return { rows: [row('readFileSync+decode', 'fs.readFileSync + decodeDocument', 'read', t, { fileBytes: statSync(cfg.file).size })] };
  },

  /**
   * The headline ratio, measured in pairs in one process so that page-cache and allocator state hit
   * both sides alike: raw writeFileSync + readFileSync of the payload bytes vs BSON encode + writev +
   * readDocument (no fsync on either side), and raw write + fsync + readFileSync vs writeDocument
   * (atomic: temp file, fsync, rename) + readDocument. The order inside a pair alternates.
   */
  async paired(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const payload = payloadBytes(doc);
    const bytes = randomFillSync(Buffer.allocUnsafe(payload));
    const rawFile = join(cfg.dir, 'paired-raw.bin');
    const out = join(cfg.dir, 'paired.bson');
    const sides = {
      raw: () => {
        writeFileSync(rawFile, bytes);
        return readFileSync(rawFile).length;
      },
      bson: async () => {
        const { main } = await lib.encodeDocumentFiles(doc, { format: 'bson' });
        writeChunks(out, Array.isArray(main) ? main : [main]);
        return (await lib.readDocument(out)).histograms.size;
      },
      bsonBytes: async () => {
        const { main } = await lib.encodeDocumentFiles(doc, { format: 'bson' });
        writeChunks(out, Array.isArray(main) ? main : [main]);
        return (await lib.decodeDocument(readFileSync(out))).histograms.size;
      },
      rawFsync: () => {
        const fd = openSync(rawFile, 'w');
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
        fsyncSync(fd);
        closeSync(fd);
        return readFileSync(rawFile).length;
      },
      bsonAtomic: async () => {
        await lib.writeDocument(out, doc, { format: 'bson' });
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
      ['bsonBytes', 'raw'],
      ['bson', 'raw'],
      ['bsonAtomic', 'rawFsync'],
    ];
    const times = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
    const ratios = { bsonBytes: [], bson: [], bsonAtomic: [] };
    const runs = Math.max(cfg.runs * 3, 15);
    for (let i = 0; i < 1 + runs; i++) {
      for (const [ours, base] of pairs) {
        const order = i % 2 ? [ours, base] : [base, ours];
        const t = {};
        for (const side of order) t[side] = await timeOnce(sides[side]);
        if (i === 0) continue; // warm-up
        times[ours].push(t[ours]);
        if (ours !== 'bson') times[base].push(t[base]); // raw is paired twice: count it once
        ratios[ours].push(t[base] / t[ours]); // speed ratio: > 1 means BSON is faster
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

  /** decodeDocument of bytes already in memory (no file IO). */
  async 'decode-document'(args) {
    const cfg = setup(args);
    const bytes = readFileSync(cfg.file);
    const t = await time(() => lib.decodeDocument(bytes), { runs: cfg.runs });
    return { rows: [row('decodeDocument', 'decodeDocument(bytes) (no IO)', 'read', t, { fileBytes: bytes.length })] };
  },

  /** For comparison: the library alone serializing the same envelope (scratch buffer grown to the document size). */
  async 'library-write'(args) {
    const cfg = setup(args);
    const doc = makeWeightedHistogram(cfg.bins, SEED);
    const t = await time(() => writeChunks(cfg.outFile, [serializeWithLibrary(doc)]), { runs: cfg.runs });
    const ser = await time(() => serializeWithLibrary(doc), { runs: cfg.runs });
    const fileBytes = ser.result.length;
    ser.result = undefined;
    return {
      rows: [
        row('library serialize', 'bson.serialize alone (setInternalBufferSize(size) first)', 'write', ser, { fileBytes }),
        row('library serialize+write', 'bson.serialize + fs.writevSync (no fsync)', 'write', t, { fileBytes }),
      ],
    };
  },

  /** For comparison: the library alone parsing the file (Binary promoted to Buffer views). */
  async 'library-read'(args) {
    const cfg = setup(args);
    const t = await time(() => deserialize(readFileSync(cfg.file), { promoteBuffers: true, useBigInt64: true }), { runs: cfg.runs });
    return { rows: [row('library deserialize', 'fs.readFileSync + bson.deserialize alone (no checks, no model)', 'read', t, { fileBytes: statSync(cfg.file).size })] };
  },
};

/**
 * What a caller using the library alone must do for a document over 17 MiB: grow its module-global
 * scratch buffer to the document's size (kept for the life of the process), then serialize (which
 * copies the scratch buffer into a fresh result).
 */
function serializeWithLibrary(doc) {
  const env = libraryEnvelope(doc);
  setInternalBufferSize(calculateObjectSize(env));
  return serialize(env);
}

const MAIN_CASES = ['idle', 'raw-fs', 'encode', 'write-document', 'read-document', 'readsync-decode', 'decode-document', 'library-write', 'library-read', 'paired'];

/* ------------------------------------------------------------------------------------------------
 * Parent
 * ---------------------------------------------------------------------------------------------- */

function runSize(bins, args) {
  const pass = ['--bins', String(bins), ...(args.runs !== undefined ? ['--runs', String(args.runs)] : [])];
  const cfg = setup({ ...args, bins });
  log(`bson bench: ${bins} bins (+2 flow), ${cfg.runs} runs per case, scratch ${cfg.dir}`);
  const prep = runCase(SCRIPT, 'prepare', pass);
  if (prep.error) throw new Error(`${prep.error}\n${prep.stdout ?? ''}`);
  const payload = prep.payload;
  const results = {};
  for (const name of MAIN_CASES) {
    log(`  case ${name} ...`);
    results[name] = runCase(SCRIPT, name, pass);
    if (results[name].error) log(`  ! ${results[name].error}\n${results[name].stdout ?? ''}`);
  }
  const raw = results['raw-fs'].raw;
  const measured = MAIN_CASES.flatMap((name) => (results[name].rows ?? []).map((r) => ({ ...r, case: name, peakRssMB: results[name].peakRssMB })));
  const byId = Object.fromEntries(measured.map((r) => [r.id, r]));
  const trip = (id, w, r) => w && r && { id, dir: 'both', median: round(w.median + r.median, 2), fileBytes: w.fileBytes, peakRssMB: Math.max(w.peakRssMB, r.peakRssMB) };
  const trips = [
    trip('round trip: encode+writev + readFileSync+decode', byId['encode+writev'], byId['readFileSync+decode']),
    trip('round trip: encode+writev + readDocument', byId['encode+writev'], byId.readDocument),
    trip('round trip: writeDocument + readDocument', byId.writeDocument, byId.readDocument),
    trip('round trip: library serialize+write + deserialize', byId['library serialize+write'], byId['library deserialize']),
  ].filter(Boolean);
  const rawFor = { write: raw.write, read: raw.read, both: raw.writeRead };
  const tableRow = (r) => {
    const speed = mbps(payload, r.median);
    const base = rawFor[r.dir];
    return {
      path: r.id,
      'median ms': r.median,
      'MB/s': speed,
      '× raw': base ? round(speed / base.mbps, 2) : undefined,
      'file MB': r.fileBytes === undefined ? undefined : round(r.fileBytes / 1e6, 2),
      'peak RSS MB': r.peakRssMB,
    };
  };
  const rawRows = [
    ['raw writeFileSync', raw.write],
    ['raw readFileSync', raw.read],
    ['raw write+read', raw.writeRead],
    ['raw write+fsync', raw.writeFsync],
  ].map(([path, s]) => ({ path, 'median ms': s.median, 'MB/s': s.mbps, '× raw': undefined, 'file MB': round(payload / 1e6, 2), 'peak RSS MB': results['raw-fs'].peakRssMB }));
  const rows = [...rawRows, ...measured.map(tableRow), ...trips.map(tableRow)];
  console.log(
    `\nBSON, 1-D weighted, ${bins} bins + 2 flow; payload ${round(payload / 1e6, 2)} MB (values + variances, f8); file ${round(prep.fileBytes / 1e6, 3)} MB ` +
      `(+${prep.fileBytes - payload} B of metadata and framing); median of ${cfg.runs} runs after 1 warm-up; MB = 1e6 B of payload.\n` +
      `× raw = MB/s ÷ raw fs MB/s of the same direction (write → writeFileSync, read → readFileSync, round trip → write+read). ` +
      `Peak RSS per child process (idle child: ${results.idle.peakRssMB} MB). readDocument zero-copy: ${byId.readDocument?.zeroCopy}.`,
  );
  report(rows);
  const p = results.paired;
  if (p?.ratios) {
    const pr = (label, ours, base) => ({
      'paired round trip (same process, alternating)': label,
      'BSON ms': p.sides[ours].median,
      'raw ms': p.sides[base].median,
      '× raw (median of pairs)': p.ratios[ours].median,
      'min…max': `${p.ratios[ours].min}…${p.ratios[ours].max}`,
      'MB/s': mbps(payload, p.sides[ours].median),
    });
    report(
      [
        pr('encode + writev, readFileSync + decodeDocument vs writeFileSync + readFileSync', 'bsonBytes', 'raw'),
        pr('encode + writev, readDocument vs writeFileSync + readFileSync', 'bson', 'raw'),
        pr('writeDocument + readDocument vs write+fsync + readFileSync', 'bsonAtomic', 'rawFsync'),
      ],
      {
        title: `Headline: ${p.runs} pairs in one child (peak RSS ${p.peakRssMB} MB); × raw = raw time ÷ BSON time per pair`,
      },
    );
  }
  if (!args.keep) rmSync(cfg.dir, { recursive: true, force: true });
  return { bins, runs: cfg.runs, payloadBytes: payload, fileBytes: prep.fileBytes, raw, idleRssMB: results.idle.peakRssMB, table: rows, cases: results };
}

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const sizes = args.bins !== undefined ? [args.bins] : SIZES;
  const out = sizes.map((bins) => runSize(bins, args));
  const file = writeResults(args.bins !== undefined ? `bson-${args.bins}` : 'bson', { bench: 'bson', environment: environment(), seed: SEED, sizes: out });
  log(`\nresults: ${file}`);
}

await main();
