/**
 * ROOT codec benchmark: a 1-D weighted histogram (TH1D with Sumw2; payload = values + variances,
 * f8) of 1e6 and 1e7 bins written (writeDocument: map to ROOT, serialize, zlib level 1 or
 * uncompressed, atomic write with fsync) and read (readDocument: decompress, streamers, model, schema),
 * as MB/s of payload and as a ratio to a raw fs write+read of the same bytes in the same run; next to
 * uproot (../shared/tools/uproot, Debian's Python) writing the same arrays as a TH1D with the same
 * compression and reading our file (values and variances with flow), timed inside Python (imports
 * excluded).
 *
 *   node bench/root.mjs [--bins N] [--runs N] [--keep]
 *
 * Results: a table on stdout and bench/results/root.json.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childMain, cliArgs, environment, loadLibrary, log, makeWeightedHistogram, mbps, ownOption, payloadBytes, rawFsBaseline, report, RESULTS_DIR, ROOT, round, runCase, time, writeResults } from './lib.mjs';

const lib = await loadLibrary();
const SCRIPT = 'root.mjs';
const SEED = 9;
const PYTHON = '/usr/bin/python3';
const UPROOT = resolve(ROOT, '../shared/tools/uproot');
const DIR = join(RESULTS_DIR, 'root.tmp');

const VARIANTS = {
  zlib: { label: 'zlib level 1 (default)', options: {}, uproot: 'ZLIB(1)' },
  none: { label: 'uncompressed', options: { rootCompression: 'none' }, uproot: 'None' },
};

const UPROOT_SCRIPT = String.raw`
import json, os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "src")); sys.path.append(os.path.join(sys.argv[1], "shims"))
import numpy as np, uproot
ours, theirs, compression, runs = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
reads, writes = [], []
for i in range(runs + 1):
    t0 = time.perf_counter()
    with uproot.open(ours) as f:
        h = f["h"]
        values = h.values(flow=True)
        variances = h.variances(flow=True)
    t1 = time.perf_counter()
    edges = h.axis().edges()
    sumw2 = np.asarray(h.member("fSumw2"))
    comp = None if compression == "None" else uproot.ZLIB(1)
    t2 = time.perf_counter()
    with uproot.recreate(theirs, compression=comp) as g:
        g["h"] = uproot.writing.identify.to_TH1x(
            fName="h", fTitle="", data=np.asarray(values, dtype=np.float64), fEntries=1.0, fTsumw=1.0, fTsumw2=1.0, fTsumwx=1.0, fTsumwx2=1.0,
            fSumw2=sumw2, fXaxis=uproot.writing.identify.to_TAxis("xaxis", "", len(edges) - 1, edges[0], edges[-1]))
        g.file.sink.flush()
        os.fsync(g.file.sink._file.fileno()) if hasattr(g.file.sink, "_file") else None
    t3 = time.perf_counter()
    if i:
        reads.append((t1 - t0) * 1e3); writes.append((t3 - t2) * 1e3)
print(json.dumps({"read": sorted(reads)[len(reads)//2], "write": sorted(writes)[len(writes)//2], "bytes": os.path.getsize(theirs), "n": int(values.size)}))
`;

const cases = {
  async 'raw-fs'(args) {
    return { raw: rawFsBaseline((Number(args.bins) + 2) * 16, DIR, { runs: Number(args.runs) }) };
  },
  async write(args) {
    const v = VARIANTS[ownOption('variant')];
    const doc = makeWeightedHistogram(Number(args.bins), SEED);
    const path = join(DIR, `${ownOption('variant')}.root`);
    const t = await time(() => lib.writeDocument(path, doc, { options: v.options }), { runs: Number(args.runs) });
    return { median: t.median, payload: payloadBytes(doc), fileBytes: statSync(path).size };
  },
  async read(args) {
    const path = join(DIR, `${ownOption('variant')}.root`);
    const t = await time(() => lib.readDocument(path), { runs: Number(args.runs) });
    const h = t.result.histograms.get('h');
    return { median: t.median, payload: h.storage.arrays.values.data.byteLength * 2 };
  },
};

if (!(await childMain(cases))) {
  const args = cliArgs();
  const sizes = args.bins ? [Number(args.bins)] : [1e6, 1e7];
  const python = spawnSync(PYTHON, ['-c', 'import numpy, packaging, fsspec, xxhash, lz4, zstandard'], { encoding: 'utf8' }).status === 0;
  if (!python) log('uproot figures skipped: /usr/bin/python3 lacks numpy/packaging/fsspec/xxhash/lz4/zstandard (see ../shared/tools/uproot/README.md)');
  mkdirSync(DIR, { recursive: true });
  const rows = [];
  const results = { environment: environment(), sizes: {} };
  for (const bins of sizes) {
    const runs = String(args.runs ?? (bins >= 5e6 ? 3 : 5));
    const pass = ['--bins', String(bins), '--runs', runs];
    const raw = runCase(SCRIPT, 'raw-fs', pass).raw;
    const rawWR = raw.writeRead.median;
    rows.push({ bins, codec: 'raw fs', 'write MB/s': raw.write.mbps, 'read MB/s': raw.read.mbps, 'x raw w+r': 1, 'file/payload': 1 });
    for (const [id, v] of Object.entries(VARIANTS)) {
      log(`bins=${bins}: hist-serial ${id}`);
      const w = runCase(SCRIPT, 'write', [...pass, '--variant', id]);
      const r = w.error ? w : runCase(SCRIPT, 'read', [...pass, '--variant', id]);
      if (w.error || r.error) {
        rows.push({ bins, codec: `hist-serial ${id}`, error: (w.error ?? r.error).slice(0, 100) });
        continue;
      }
      rows.push({
        bins,
        codec: `hist-serial ${id}`,
        'write MB/s': round(mbps(w.payload, w.median), 0),
        'read MB/s': round(mbps(r.payload, r.median), 0),
        'x raw w+r': round(rawWR / (w.median + r.median), 2),
        'file/payload': round(w.fileBytes / w.payload, 3),
        'RSS w MB': w.peakRssMB,
        'RSS r MB': r.peakRssMB,
      });
      if (python) {
        log(`bins=${bins}: uproot ${id}`);
        const u = spawnSync(PYTHON, ['-c', UPROOT_SCRIPT, UPROOT, join(DIR, `${id}.root`), join(DIR, `uproot-${id}.root`), v.uproot, runs], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (u.status !== 0) rows.push({ bins, codec: `uproot ${id}`, error: u.stderr.trim().split('\n').pop().slice(0, 100) });
        else {
          const j = JSON.parse(u.stdout.trim().split('\n').pop());
          const payload = j.n * 16;
          rows.push({ bins, codec: `uproot ${id}`, 'write MB/s': round(mbps(payload, j.write), 0), 'read MB/s': round(mbps(payload, j.read), 0), 'x raw w+r': round(rawWR / (j.write + j.read), 2), 'file/payload': round(j.bytes / payload, 3) });
        }
      }
    }
    results.sizes[bins] = { raw };
  }
  report(rows, { title: 'ROOT: TH1D with Sumw2 (values + variances f8); × raw = raw fs write+read time / write+read time, same run; uproot: same arrays, timed in Python' });
  results.rows = rows;
  console.log(`\nresults: ${writeResults('root', results)}`);
  if (!process.argv.includes('--keep')) rmSync(DIR, { recursive: true, force: true });
}
