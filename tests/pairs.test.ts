/**
 * `hist-serial convert` between every pair of {json, zip, bson, hsb, hsj} (the built CLI as a
 * process), on uhi's all.json (every storage type, sparse, 0-d-free), checked value for value.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readDocument, type HistDocument } from '../src/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const FORMATS = ['json', 'zip', 'bson', 'hsb', 'hsj'] as const;
const dir = tempDir();

function expectEqualDocs(a: HistDocument, b: HistDocument, label: string) {
  expect([...b.histograms.keys()], label).toEqual([...a.histograms.keys()]);
  for (const [name, h] of a.histograms) {
    const g = b.histograms.get(name)!;
    expect(g.axes, `${label} ${name} axes`).toEqual(h.axes);
    expect(g.metadata, `${label} ${name} metadata`).toEqual(h.metadata);
    expect(g.storage.layout).toBe(h.storage.layout);
    for (const [field, arr] of Object.entries(h.storage.arrays)) {
      const other = g.storage.arrays[field as keyof typeof g.storage.arrays]!;
      expect(other.shape, `${label} ${name}.${field}`).toEqual(arr.shape);
      const same = Array.from(other.data as ArrayLike<number | bigint>).every((x, i) => Object.is(x, arr.data[i]));
      expect(same, `${label} ${name}.${field} values`).toBe(true);
    }
  }
}

describeReference('convert between every pair of formats', () => {
  it('json → X → Y is exact for every X ≠ Y (Y read back and compared with the JSON source)', async () => {
    const source = ref('uhi-generated/all.json');
    const original = await readDocument(source);
    for (const x of FORMATS) {
      const fx = join(dir, `all-${x}.${x}`);
      const r = runBuiltCli(['convert', source, fx]);
      expect(r.code, r.stderr).toBe(0);
      for (const y of FORMATS) {
        if (x === y) continue;
        const fy = join(dir, `all-${x}-to-${y}.${y}`);
        const s = runBuiltCli(['convert', fx, fy]);
        expect(s.code, `${x} -> ${y}: ${s.stderr}`).toBe(0);
        expect(s.stdout).toContain(`(${y === 'json' ? 'uhi-json' : y === 'zip' ? 'uhi-zip' : y})`);
        expectEqualDocs(original, await readDocument(fy), `${x} -> ${y}`);
      }
    }
  });
});
