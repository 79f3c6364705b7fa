/**
 * Run every benchmark script in bench/ (every *.mjs except lib.mjs and run.mjs), one after the
 * other, each in its own node process, passing this script's arguments through (e.g. --big, --runs N).
 *
 *   node bench/run.mjs [--big] [--runs N] [--profile]
 *
 * Exits non-zero when any bench failed (after running all of them).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['lib.mjs', 'run.mjs']);
const scripts = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.mjs') && !SKIP.has(f))
  .sort();

const failed = [];
for (const script of scripts) {
  process.stderr.write(`\n=== bench/${script} ${process.argv.slice(2).join(' ')}\n`);
  const res = spawnSync(process.execPath, [join(BENCH_DIR, script), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (res.status !== 0) failed.push(`${script} (${res.status ?? res.signal})`);
}
if (failed.length) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
