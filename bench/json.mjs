/**
 * UHI JSON codec benchmark: one 1-D weighted histogram of 1e6 bins (1e7 with --big), against the
 * built-in JSON.stringify / JSON.parse of the same numbers and plain fs write/read of the payload.
 *
 *   node bench/json.mjs [--big | --bins N] [--runs N] [--cases a,b] [--profile] [--keep] [--out NAME]
 *
 * Every case runs in its own child process (peak RSS per case), see bench/lib.mjs. Results: a table
 * on stdout and bench/results/json.json (json-big.json with --big, json-N.json with --bins N,
 * NAME.json with --out NAME).
 * `HIST_SERIAL_DIST=<folder>` benchmarks another build (see bench/lib.mjs). With --profile, the read and
 * write paths are also run under `node --cpu-prof` and the top self-time functions are printed.
 * @module
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RESULTS_DIR,
  childMain,
  cliArgs,
  environment,
  loadLibrary,
  log,
  makeWeightedHistogram,
  mbps,
  passThroughArgs,
  payloadBytes,
  rawFsBaseline,
  report,
  round,
  runCase,
  summarizeCpuProfile,
  time,
  writeResults,
} from './lib.mjs';

const lib = await loadLibrary();
const SCRIPT = 'json.mjs';
const SEED = 1;
/** Indices (fractions of the storage length) whose variance is NaN in the slow-path file. */
const NAN_AT = [0, 0.2, 0.4, 0.6, 0.8];



/** Sizes, runs and scratch files of this run. */
function setup(args) {
  const bins = args.bins ?? (args.big ? 1e7 : 1e6);
  const runs = args.runs ?? (bins >= 5e6 ? 3 : 5);
  const dir = args.dir ?? join(RESULTS_DIR, 'scratch.tmp');
  mkdirSync(dir, { recursive: true });
  return {
    bins,
    runs,
    dir,
    file: join(dir, 'h.json'), // written by writeDocument: the file every read case reads
    nanFile: join(dir, 'h-nan.json'), // same, with NaN in a few variances (parser's slow path)
    plainFile: join(dir, 'plain.json'), // JSON.stringify({values, variances}) of the same numbers
    outFile: join(dir, 'out.json'), // target of the write cases
  };
}

/** The benchmark document and its payload size (bytes of values + variances). */
function documentFor(cfg) {
  const doc = makeWeightedHistogram(cfg.bins, SEED);
  return { doc, payload: payloadBytes(doc) };
}

/** A measured row as the children report it. `dir` decides the baselines it is compared with. */
function row(id, label, dir, t, extra = {}) {
  return { id, label, dir, median: round(t.median, 2), min: round(t.min, 2), runs: t.runs, ...extra };
}

/* ------------------------------------------------------------------------------------------------
 * Cases (each runs in its own child process)
 * ---------------------------------------------------------------------------------------------- */

const cases = {
  /** Library loaded, nothing done: the RSS floor of a child. */
  async idle() {
    return { rows: [] };
  },

  /** Write the fixture files the read cases use. */
  async prepare(args) {
    const cfg = setup(args);
    const { doc, payload } = documentFor(cfg);
    await lib.writeDocument(cfg.file, doc);
    const h = doc.histograms.get('h');
    const { values, variances } = h.storage.arrays;
    writeFileSync(cfg.plainFile, JSON.stringify({ values: Array.from(values.data), variances: Array.from(variances.data) }));
    const nanIndices = NAN_AT.map((f) => Math.floor(f * variances.data.length));
    for (const i of nanIndices) variances.data[i] = NaN;
    await lib.writeDocument(cfg.nanFile, doc); // nonFinite 'python': bare NaN tokens
    return {
      payload,
      nanIndices,
      sizes: { file: statSync(cfg.file).size, nanFile: statSync(cfg.nanFile).size, plainFile: statSync(cfg.plainFile).size },
    };
  },

  /** fs.writeFileSync / readFileSync (and write+fsync) of the payload bytes. */
  async 'raw-fs'(args) {
    const cfg = setup(args);
    const payload = (cfg.bins + 2) * 16;
    return { raw: rawFsBaseline(payload, cfg.dir, { runs: cfg.runs }) };
  },

  /** encodeDocument alone, and encodeDocument + fs.writeFileSync. */
  async encode(args) {
    const cfg = setup(args);
    const { doc } = documentFor(cfg);
    const enc = await time(() => lib.encodeDocument(doc, { format: 'uhi-json' }), { runs: cfg.runs });
    const fileBytes = enc.result.length;
    enc.result = undefined;
    const encWrite = await time(
      async () => {
        const bytes = await lib.encodeDocument(doc, { format: 'uhi-json' });
        writeFileSync(cfg.outFile, bytes);
      },
      { runs: cfg.runs },
    );
    return {
      rows: [
        row('encode', 'encodeDocument (uhi-json) → bytes', 'write', enc, { fileBytes }),
        row('encode+write', 'encodeDocument + fs.writeFileSync', 'write', encWrite, { fileBytes }),
      ],
    };
  },

  /** writeDocument: encode + atomic write (temp file, fsync, rename). */
  async 'write-document'(args) {
    const cfg = setup(args);
    const { doc } = documentFor(cfg);
    const t = await time(() => lib.writeDocument(cfg.outFile, doc), { runs: cfg.runs });
    return { rows: [row('writeDocument', 'writeDocument (atomic, fsync)', 'write', t, { fileBytes: t.result.bytes })] };
  },

  /** Baseline: JSON.stringify of the same numbers as plain arrays (Array.from done before timing). */
  async 'json-stringify'(args) {
    const cfg = setup(args);
    const { doc } = documentFor(cfg);
    const h = doc.histograms.get('h');
    const conv = await time(
      () => ({ values: Array.from(h.storage.arrays.values.data), variances: Array.from(h.storage.arrays.variances.data) }),
      { runs: cfg.runs },
    );
    const plain = conv.result;
    const t = await time(() => JSON.stringify(plain), { runs: cfg.runs });
    const fileBytes = Buffer.byteLength(t.result);
    t.result = undefined;
    return {
      rows: [
        row('JSON.stringify', 'baseline: JSON.stringify({values, variances} as arrays)', 'write', t, { fileBytes }),
        row('Array.from', 'info: Array.from of both Float64Arrays (not in the baseline)', 'info', conv),
      ],
    };
  },

  /** readDocument: read file, decode UTF-8, parse, schema validation, model build. */
  async 'read-document'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.readDocument(cfg.file), { runs: cfg.runs });
    return { rows: [row('readDocument', 'readDocument (full path)', 'read', t, { fileBytes: statSync(cfg.file).size })] };
  },

  /** readDocument of the file with a few NaN variances (parseJson's hand-written slow path). */
  async 'read-document-nan'(args) {
    const cfg = setup(args);
    const t = await time(() => lib.readDocument(cfg.nanFile), { runs: cfg.runs });
    return { rows: [row('readDocument NaN', 'readDocument, file with 5 NaN variances', 'read', t, { fileBytes: statSync(cfg.nanFile).size })] };
  },

  /** decodeDocument of bytes already in memory (no file IO). */
  async 'decode-document'(args) {
    const cfg = setup(args);
    const bytes = readFileSync(cfg.file);
    const t = await time(() => lib.decodeDocument(bytes), { runs: cfg.runs });
    return { rows: [row('decodeDocument', 'decodeDocument(bytes) (no IO)', 'read', t, { fileBytes: bytes.length })] };
  },

  /** parseJson on text without non-finite tokens: token scan + native JSON.parse + tree walk. */
  async 'parse-fast'(args) {
    const cfg = setup(args);
    const text = readFileSync(cfg.file, 'utf8');
    const t = await time(() => lib.parseJson(text), { runs: cfg.runs });
    return { rows: [row('parseJson fast', 'parseJson, no NaN (native JSON.parse path)', 'read', t, { fileBytes: Buffer.byteLength(text) })] };
  },

  /** parseJson on text with NaN tokens: JSON.parse throws, then the hand-written parser runs. */
  async 'parse-slow'(args) {
    const cfg = setup(args);
    const text = readFileSync(cfg.nanFile, 'utf8');
    const t = await time(() => lib.parseJson(text), { runs: cfg.runs });
    return { rows: [row('parseJson slow', 'parseJson, 5 NaN (hand-written parser)', 'read', t, { fileBytes: Buffer.byteLength(text) })] };
  },

  /** Baseline: JSON.parse of the plain JSON.stringify text of the same numbers. */
  async 'json-parse'(args) {
    const cfg = setup(args);
    const text = readFileSync(cfg.plainFile, 'utf8');
    const t = await time(() => JSON.parse(text), { runs: cfg.runs });
    return { rows: [row('JSON.parse', 'baseline: JSON.parse of the plain text', 'read', t, { fileBytes: Buffer.byteLength(text) })] };
  },

  /** Where readDocument's time goes: each stage timed alone on the same input. */
  async 'read-stages'(args) {
    const cfg = setup(args);
    const opts = { runs: cfg.runs };
    const readT = await time(() => readFileSync(cfg.file), opts);
    const bytes = readT.result;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const decodeT = await time(() => decoder.decode(bytes), opts);
    const text = decodeT.result;
    const nativeT = await time(() => JSON.parse(text), opts);
    nativeT.result = undefined; // keep the heap of each stage alike: only one parsed tree alive
    const parseT = await time(() => lib.parseJson(text), opts);
    const json = parseT.result.value;
    parseT.result = undefined;
    const schemaT = await time(() => lib.validateSchema('histograms', json), opts);
    if (schemaT.result.length) throw new Error(`schema issues: ${JSON.stringify(schemaT.result)}`);
    const modelT = await time(() => lib.fromUHI({ json, resources: new Map() }, { singleName: 'h' }), opts);
    if (!modelT.result.document) throw new Error('fromUHI failed');
    modelT.result = undefined;
    // parseJson = token scan + JSON.parse + tree walk; the remainder also holds the GC work of the bigger heap.
    const restMs = { median: Math.max(0, parseT.median - nativeT.median), min: NaN, runs: [] };
    return {
      rows: [
        row('fs.readFile', 'fs.readFileSync', 'stage', readT),
        row('utf8 decode', 'TextDecoder(fatal).decode', 'stage', decodeT),
        row('JSON.parse', 'parseJson: native JSON.parse', 'stage', nativeT),
        row('rest', 'parseJson: rest (token scan, tree walk, GC) = total - JSON.parse', 'stage', restMs),
        row('parseJson', '= parseJson total', 'stage', parseT),
        row('validateSchema', "validateSchema('histograms') (ajv)", 'stage', schemaT),
        row('fromUHI', 'fromUHI (semantic checks, flatten → Float64Array)', 'stage', modelT),
      ],
    };
  },

  /** Where encodeDocument/writeDocument's time goes. */
  async 'write-stages'(args) {
    const cfg = setup(args);
    const { doc } = documentFor(cfg);
    const opts = { runs: cfg.runs };
    const toUhiT = await time(() => lib.toUHI(doc, { arrays: 'inline' }), opts);
    const raw = toUhiT.result;
    const strT = await time(() => lib.stringifyJson(raw.json), opts);
    const bytes = strT.result;
    strT.result = undefined;
    const writeT = await time(() => writeFileSync(cfg.outFile, bytes), opts);
    const atomicT = await time(() => lib.writeFileAtomic(cfg.outFile, bytes), opts);
    return {
      rows: [
        row('toUHI', 'toUHI (inline arrays)', 'stage', toUhiT),
        row('stringifyJson', 'stringifyJson → bytes', 'stage', strT),
        row('fs.writeFile', 'fs.writeFileSync of the bytes', 'stage', writeT),
        row('writeFileAtomic', 'writeFileAtomic of the bytes (fsync + rename)', 'stage', atomicT),
      ],
    };
  },
};

/** Cases in the order they run, and the ones profiled with --profile. */
const MAIN_CASES = ['idle', 'raw-fs', 'encode', 'write-document', 'json-stringify', 'read-document', 'read-document-nan', 'decode-document', 'parse-fast', 'parse-slow', 'json-parse'];
const STAGE_CASES = ['read-stages', 'write-stages'];
const BASELINE_CASES = ['idle', 'raw-fs', 'json-stringify', 'json-parse'];
const PROFILED_CASES = ['read-document', 'write-document', 'parse-slow'];

/* ------------------------------------------------------------------------------------------------
 * Parent
 * ---------------------------------------------------------------------------------------------- */

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const ownDir = args.dir === undefined;
  args.dir ??= join(RESULTS_DIR, `json-scratch-${process.pid}.tmp`); // one scratch folder per run, shared by its children
  const cfg = setup(args);
  const pass = passThroughArgs(args);
  log(`json bench: ${cfg.bins} bins (+2 flow), ${cfg.runs} runs per case, scratch ${cfg.dir}`);

  const prep = runCase(SCRIPT, 'prepare', pass);
  if (prep.error) throw new Error(prep.error);
  const payload = prep.payload;

  // --cases a,b: only these cases (plus the baselines every ratio needs).
  const wanted = args.cases ? new Set([...BASELINE_CASES, ...args.cases.split(',')]) : undefined;
  const results = {};
  for (const name of [...MAIN_CASES, ...STAGE_CASES]) {
    if (wanted && !wanted.has(name)) {
      results[name] = { skipped: true };
      continue;
    }
    log(`  case ${name} ...`);
    results[name] = runCase(SCRIPT, name, pass);
    if (results[name].error) log(`  ! ${results[name].error}\n${results[name].stdout ?? ''}`);
  }

  const raw = results['raw-fs'].raw;
  const idleRss = results.idle.peakRssMB;
  const measured = MAIN_CASES.flatMap((name) => (results[name].rows ?? []).map((r) => ({ ...r, case: name, peakRssMB: results[name].peakRssMB })));
  const byId = Object.fromEntries(measured.map((r) => [r.id, r]));
  const builtin = { write: byId['JSON.stringify'], read: byId['JSON.parse'] };
  const rawFor = { write: raw.write, read: raw.read, both: raw.writeRead };

  // Round trips: our write + our read against raw write+read.
  const trip = (id, label, w, r) =>
    w && r && { id, label, dir: 'both', median: round(w.median + r.median, 2), min: round(w.min + r.min, 2), fileBytes: w.fileBytes, peakRssMB: Math.max(w.peakRssMB, r.peakRssMB) };
  const trips = [
    trip('round trip', 'writeDocument + readDocument', byId.writeDocument, byId.readDocument),
    trip('round trip (no fsync)', 'encode + writeFileSync + readDocument', byId['encode+write'], byId.readDocument),
  ].filter(Boolean);

  const tableRow = (r) => {
    const speed = r.dir === 'info' ? undefined : mbps(payload, r.median);
    const base = rawFor[r.dir];
    const json = builtin[r.dir];
    return {
      path: r.id,
      'median ms': r.median,
      'best ms': r.min,
      'MB/s': speed,
      '× raw': base && speed ? round(speed / base.mbps, 3) : undefined,
      '× JSON': json && speed && r !== json ? round(speed / mbps(payload, json.median), 2) : undefined,
      'file MB': r.fileBytes === undefined ? undefined : round(r.fileBytes / 1e6, 1),
      'peak RSS MB': r.peakRssMB,
    };
  };
  const rawRows = [
    ['raw writeFileSync', raw.write, 'write'],
    ['raw readFileSync', raw.read, 'read'],
    ['raw write+read', raw.writeRead, 'both'],
    ['raw write+fsync', raw.writeFsync, 'info'],
  ].map(([path, s]) => ({ path, 'median ms': s.median, 'best ms': Math.min(...s.runs), 'MB/s': s.mbps, '× raw': undefined, '× JSON': undefined, 'file MB': round(payload / 1e6, 1), 'peak RSS MB': results['raw-fs'].peakRssMB }));

  const mainRows = [...rawRows, ...measured.filter((r) => r.dir !== 'info').map(tableRow), ...trips.map(tableRow)];
  console.log(
    `\nUHI JSON, 1-D weighted, ${cfg.bins} bins + 2 flow; payload ${round(payload / 1e6, 2)} MB (values + variances, f8); ` +
      `median (and best) of ${cfg.runs} runs after 1 warm-up; MB/s from the median; MB = 1e6 B of payload.\n` +
      `× raw = MB/s ÷ raw fs MB/s of the same direction (write → writeFileSync, read → readFileSync, round trip → write+read); ` +
      `× JSON = MB/s ÷ JSON.stringify (writes) / JSON.parse (reads) of the same numbers. peak RSS per child process (idle child: ${idleRss} MB).`,
  );
  report(mainRows);

  const stageRows = [];
  for (const [name, totalId] of [
    ['read-stages', 'readDocument'],
    ['write-stages', 'writeDocument'],
  ]) {
    const total = byId[totalId]?.median;
    for (const r of results[name].rows ?? []) {
      stageRows.push({ stage: r.id, 'what it is': r.label, 'median ms': r.median, 'MB/s': mbps(payload, r.median), '% of total': total ? round((100 * r.median) / total, 1) : undefined });
    }
  }
  report(stageRows, { title: `Stages (each timed alone; % of the readDocument / writeDocument median)` });
  const info = measured.filter((r) => r.dir === 'info');
  if (info.length) report(info.map((r) => ({ info: r.label, 'median ms': r.median })), { title: 'Info' });

  let profiles;
  if (args.profile) profiles = profile(cfg, pass);

  const file = writeResults(args.out ?? (args.bins !== undefined ? `json-${cfg.bins}` : args.big ? 'json-big' : 'json'), {
    bench: 'json',
    environment: environment(),
    config: { bins: cfg.bins, storageBins: cfg.bins + 2, runs: cfg.runs, seed: SEED, payloadBytes: payload, nanIndices: prep.nanIndices, sizes: prep.sizes },
    raw,
    idleRssMB: idleRss,
    table: mainRows,
    stages: stageRows,
    cases: results,
    ...(profiles ? { profiles } : {}),
  });
  log(`\nresults: ${file}`);
  if (!args.keep) {
    // Remove what this run wrote; a folder given with --dir stays.
    for (const f of [cfg.file, cfg.nanFile, cfg.plainFile, cfg.outFile]) rmSync(f, { force: true });
    if (ownDir) rmSync(cfg.dir, { recursive: true, force: true });
  }
}

/** Run the main read/write cases under --cpu-prof and print their top self-time functions. */
function profile(cfg, pass) {
  const dir = join(RESULTS_DIR, 'profiles.tmp');
  const out = {};
  for (const name of PROFILED_CASES) {
    const caseDir = join(dir, name);
    rmSync(caseDir, { recursive: true, force: true });
    log(`  profiling ${name} ...`);
    const res = runCase(SCRIPT, name, pass, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', caseDir], exposeGc: false });
    if (res.error) {
      log(`  ! ${res.error}`);
      continue;
    }
    const prof = readdirSync(caseDir).find((f) => f.endsWith('.cpuprofile'));
    const summary = summarizeCpuProfile(join(caseDir, prof), { top: 12 });
    out[name] = { profile: join(caseDir, prof), ...summary };
    report(summary.functions.map((f) => ({ function: f.name, 'self ms': f.selfMs, '%': f.pct })), { title: `Profile ${name} (warm-up + ${cfg.runs} runs + setup, no forced GC; total ${summary.totalMs} ms): top functions by self time` });
    report(summary.files.map((f) => ({ file: f.name, 'self ms': f.selfMs, '%': f.pct })), { title: `Profile ${name}: self time by file` });
  }
  return out;
}

await main();
