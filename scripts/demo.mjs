#!/usr/bin/env node
// `npm run demo`: runs the real CLI on the bundled fixtures: converts each one, validates the
// results, and inspects one of them. Output goes to demo-out/ (git-ignored).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/bin.js');
const OUT = join(ROOT, 'demo-out');
mkdirSync(OUT, { recursive: true });

function run(args) {
  console.log(`\n$ hist-serial ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) {
    console.error(`demo failed: exit ${r.status}`);
    process.exit(1);
  }
}

const inputs = readdirSync(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.json') && f !== 'manifest.json').sort();
const outputs = [];
// Every fixture into each binary container, and the first one back to JSON from each of them.
const formats = ['.hsb', '.zip', '.bson', '.hsj', '.h5', '.root'];
for (const f of inputs) {
  const stem = f.replace(/\.json$/, '');
  for (const ext of formats) {
    const out = join('demo-out', stem + ext);
    run(['convert', join('fixtures', f), out]);
    outputs.push(out);
  }
}
const back = [];
for (const ext of formats) {
  const out = join('demo-out', `back-from${ext.replace('.', '-')}.json`);
  run(['convert', join('demo-out', inputs[0].replace(/\.json$/, '') + ext), out]);
  back.push(out);
}
run(['validate', ...outputs, ...back]);
run(['inspect', join('demo-out', '2d.regular-variable.weighted.hsb')]);
console.log(`\ndemo ok: converted ${inputs.length} fixtures into ${formats.join(' ')} and back, in demo-out/`);
