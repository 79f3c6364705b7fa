/**
 * ZIP64 for real: write and read back UHI zips over 4 GiB (too big for unit tests).
 *
 *   node bench/zip64-big.mjs --big [--variants one-member,two-members,deflate] [--keep]
 *
 * Runs only with --big (as `npm run bench -- --big`; without it, it prints what it would do and
 * exits): every variant needs ~4.4 GB of disk and ~9–10 GB of memory (the histogram, and the copy
 * read back). Variants, each in its own child process (peak RSS per variant):
 * - one-member: double storage, one array of 5.5e8 float64 (4.1 GiB): a member over 4 GiB (ZIP64
 *   sizes in the local header and the directory), the JSON member after it past 4 GiB (a ZIP64
 *   offset), in an archive over 4 GiB (ZIP64 end records);
 * - two-members: weighted storage, two arrays of 2.05 GiB each: members under 4 GiB, the JSON member
 *   and the directory past 4 GiB (a ZIP64 offset, ZIP64 end records);
 * - deflate: one-member with DEFLATE level 1: a member whose size passes 4 GiB in an archive of
 *   ~120 MB (ZIP64 sizes, no end records needed); segmented deflate on write, streamed inflate on read.
 * Each archive is read back and compared bit for bit, then checked by Python's zipfile + numpy.load
 * and by `unzip -t` when they are installed.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, rmSync, statSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { childMain, cliArgs, environment, loadLibrary, log, mbps, ownOption, report, RESULTS_DIR, round, runCase, writeResults } from './lib.mjs';

const lib = await loadLibrary();
const SCRIPT = 'zip64-big.mjs';
const GiB = 2 ** 30;
/** 5.5e8 float64 = 4.4e9 bytes = 4.1 GiB. */
const BIG_BINS = 550_000_000;

/** `expect`: the ZIP64 records each variant must have (end records; directory entries with ZIP64 extras). */
const VARIANTS = {
  'one-member': { label: 'double, 1 array of 4.1 GiB, STORE', storage: 'double', options: {}, expect: { endRecords: true, zip64Entries: 2 } },
  'two-members': { label: 'weighted, 2 arrays of 2.05 GiB, STORE', storage: 'weighted', options: {}, expect: { endRecords: true, zip64Entries: 1 } },
  deflate: { label: 'double, 1 array of 4.1 GiB, DEFLATE level 1', storage: 'double', options: { zipCompression: 'deflate', zipLevel: 1 }, expect: { endRecords: false, zip64Entries: 1 } },
};

const dirOf = (args) => args.dir ?? join(RESULTS_DIR, 'zip64-big.tmp');

/** Values that DEFLATE can compress (so the deflate variant takes seconds, not minutes) but that are not constant. */
function fill(n, seed) {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7 + seed) % 1000) * 0.5;
  return a;
}

function makeDocument(storage) {
  const bins = storage === 'double' ? BIG_BINS : BIG_BINS / 2;
  const n = bins + 2;
  const axes = [{ type: 'regular', lower: 0, upper: 1, bins, underflow: true, overflow: true, circular: false }];
  const arrays = storage === 'double' ? { values: lib.ndarray('f8', [n], fill(n, 1)) } : { values: lib.ndarray('f8', [n], fill(n, 1)), variances: lib.ndarray('f8', [n], fill(n, 2)) };
  return lib.createDocument({ big: { axes, storage: { type: storage, layout: 'dense', arrays }, metadata: { name: 'big' } } });
}

/** Are two float64 arrays identical bit for bit (compared in 1 GiB windows: a Buffer cannot pass 4 GiB)? */
function sameBits(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  for (let off = 0; off < a.byteLength; off += GiB) {
    const len = Math.min(GiB, a.byteLength - off);
    if (!Buffer.from(a.buffer, a.byteOffset + off, len).equals(Buffer.from(b.buffer, b.byteOffset + off, len))) return false;
  }
  return true;
}

/**
 * ZIP64 records of an archive, read straight from its bytes: ZIP64 end record + locator before the
 * end record, and the directory entries that carry a ZIP64 extra field (a saturated size or offset).
 */
function zip64Records(file) {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 98));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const end = tail.length - 22;
    const endRecords = tail.length === 98 && tail.readUInt32LE(0) === 0x06064b50 && tail.readUInt32LE(56) === 0x07064b50;
    const count = endRecords ? Number(tail.readBigUInt64LE(32)) : tail.readUInt16LE(end + 10);
    const cdSize = endRecords ? Number(tail.readBigUInt64LE(40)) : tail.readUInt32LE(end + 12);
    const cdOffset = endRecords ? Number(tail.readBigUInt64LE(48)) : tail.readUInt32LE(end + 16);
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOffset);
    let zip64Entries = 0;
    for (let p = 0, k = 0; k < count; k++) {
      if (cd.readUInt32LE(p + 20) === 0xffffffff || cd.readUInt32LE(p + 24) === 0xffffffff || cd.readUInt32LE(p + 42) === 0xffffffff) zip64Entries++;
      p += 46 + cd.readUInt16LE(p + 28) + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return { endRecords, zip64Entries };
  } finally {
    closeSync(fd);
  }
}

const cases = {
  async run(args) {
    const variant = ownOption('variant');
    const { storage, options } = VARIANTS[variant];
    const dir = dirOf(args);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${variant}.zip`);
    let t0 = performance.now();
    const doc = makeDocument(storage);
    const buildMs = performance.now() - t0;
    const payload = [...doc.histograms.values()].reduce((n, h) => n + Object.values(h.storage.arrays).reduce((m, a) => m + a.data.byteLength, 0), 0);
    log(`  ${variant}: built ${round(payload / GiB, 2)} GiB in ${round(buildMs, 0)} ms; writing ...`);
    t0 = performance.now();
    const written = await lib.writeDocument(file, doc, { options });
    const writeMs = performance.now() - t0;
    log(`  ${variant}: wrote ${written.bytes} bytes in ${round(writeMs, 0)} ms; reading ...`);
    t0 = performance.now();
    const back = await lib.readDocument(file);
    const readMs = performance.now() - t0;
    const h = doc.histograms.get('big');
    const h2 = back.histograms.get('big');
    const equal = Object.keys(h.storage.arrays).every((f) => h2.storage.arrays[f].dtype === 'f8' && sameBits(h.storage.arrays[f].data, h2.storage.arrays[f].data));
    return { variant, payload, fileBytes: written.bytes, buildMs: round(buildMs, 0), writeMs: round(writeMs, 0), readMs: round(readMs, 0), equal, zip64: zip64Records(file), file };
  },
};

/** Python's zipfile + numpy.load on the archive (when Debian's python3 has numpy). */
function pythonCheck(file) {
  const py = '/usr/bin/python3';
  const script = `
import sys, zipfile, numpy as np
zf = zipfile.ZipFile(sys.argv[1])
out = []
for info in zf.infolist():
    if info.filename.endswith('.npy'):
        a = np.load(zf.open(info.filename), allow_pickle=False)
        n = a.shape[0]
        i = np.arange(n, dtype=np.int64)
        seed = 1 if info.filename.endswith('_values.npy') else 2
        ok = bool(np.array_equal(a, ((i * 7 + seed) % 1000) * 0.5))
        out.append(f"{info.filename} size={info.file_size} type={info.compress_type} dtype={a.dtype.str} shape={a.shape} equal={ok}")
print('; '.join(out))
`;
  if (spawnSync(py, ['-c', 'import numpy']).status !== 0) return 'skipped (no python3-numpy)';
  const r = spawnSync(py, ['-c', script, file], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `FAILED: ${r.stderr.trim().split('\n').pop()}`;
}

function unzipCheck(file) {
  if (!existsSync('/usr/bin/unzip')) return 'skipped (no unzip)';
  const r = spawnSync('/usr/bin/unzip', ['-tq', file], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `FAILED (${r.status}): ${(r.stdout + r.stderr).trim()}`;
}

async function main() {
  const args = cliArgs();
  if (await childMain(cases, args)) return;
  const variants = (ownOption('variants') ?? Object.keys(VARIANTS).join(',')).split(',');
  if (!args.big) {
    log('zip64-big: skipped (needs --big): writes and reads back UHI zips over 4 GiB, ~4.4 GB of disk and ~10 GB of memory per variant');
    return;
  }
  const dir = dirOf(args);
  mkdirSync(dir, { recursive: true });
  const freeDisk = statfsSync(dir).bavail * statfsSync(dir).bsize;
  if (totalmem() < 16 * GiB || freeDisk < 10 * GiB) {
    log(`zip64-big: skipped: needs 16 GiB of memory and 10 GiB of free disk (have ${round(totalmem() / GiB, 1)} GiB, ${round(freeDisk / GiB, 1)} GiB)`);
    return;
  }
  const rows = [];
  const results = {};
  for (const variant of variants) {
    log(`zip64-big: ${variant} (${VARIANTS[variant].label}) ...`);
    const r = runCase(SCRIPT, 'run', ['--variant', variant, ...(args.dir ? ['--dir', args.dir] : [])], { exposeGc: false });
    if (r.error) {
      log(`  ! ${r.error}\n${r.stdout ?? ''}`);
      results[variant] = r;
      continue;
    }
    log('  python ...');
    const python = pythonCheck(r.file);
    log('  unzip -t ...');
    const unzip = unzipCheck(r.file);
    if (!args.keep) rmSync(r.file, { force: true });
    results[variant] = { ...r, python, unzip };
    rows.push({
      variant,
      'payload GiB': round(r.payload / GiB, 2),
      'file GiB': round(r.fileBytes / GiB, 3),
      'write s': round(r.writeMs / 1000, 1),
      'write MB/s': mbps(r.payload, r.writeMs),
      'read s': round(r.readMs / 1000, 1),
      'read MB/s': mbps(r.payload, r.readMs),
      'read back equal': r.equal,
      'ZIP64 end records': r.zip64.endRecords,
      'ZIP64 entries': r.zip64.zip64Entries,
      'ZIP64 as expected': r.zip64.endRecords === VARIANTS[variant].expect.endRecords && r.zip64.zip64Entries === VARIANTS[variant].expect.zip64Entries,
      'peak RSS GB': round(r.peakRssMB / 1024, 1),
    });
  }
  report(rows, { title: 'UHI zip over 4 GiB (writeDocument / readDocument, one child process per variant; MB = 1e6 B of payload)' });
  for (const [variant, r] of Object.entries(results)) console.log(`${variant}: python: ${r.python ?? '-'}\n${variant}: unzip -t: ${r.unzip ?? '-'}`);
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
  const file = writeResults('zip64-big', { bench: 'zip64-big', environment: environment(), variants: results, table: rows });
  log(`\nresults: ${file}`);
  if (rows.length !== variants.length || rows.some((r) => !r['read back equal'] || !r['ZIP64 as expected']) || Object.values(results).some((r) => /FAILED/.test(`${r.python} ${r.unzip}`))) process.exitCode = 1;
}

await main();
