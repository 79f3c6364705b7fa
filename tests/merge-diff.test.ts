/**
 * `merge` (adding histograms), `diff` (comparing files) and `schema`: the model functions with
 * hand-checked numbers, and the built CLI as a process on uhi's files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDocuments } from '../src/model/compare.js';
import { mergeHistograms } from '../src/model/merge.js';
import { createDocument, ndarray, readDocument, storageSums, type Histogram } from '../src/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { CASES } from './helpers/manifest.js';
import { describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const reg = { type: 'regular', lower: 0, upper: 1, bins: 1, underflow: false, overflow: false, circular: false } as const;
const f8 = (...v: number[]) => ndarray('f8', [v.length], Float64Array.from(v));

describe('mergeHistograms', () => {
  it('mean storage pools exactly: {1, 3} + {5} = {1, 3, 5}: mean 3, sample variance 4', () => {
    const a: Histogram = { axes: [reg], storage: { type: 'mean', layout: 'dense', arrays: { counts: f8(2), values: f8(2), variances: f8(2) } } };
    const b: Histogram = { axes: [reg], storage: { type: 'mean', layout: 'dense', arrays: { counts: f8(1), values: f8(5), variances: f8(0) } } };
    const m = mergeHistograms(a, b).storage.arrays;
    expect([m.counts!.data[0], m.values!.data[0], m.variances!.data[0]]).toEqual([3, 3, 4]);
  });

  it('weighted_mean pools exactly: (y=1,w=2), (y=3,w=1) + (y=5,w=2): mean 3, variance 16 / (5 − 9/5) = 5', () => {
    const a: Histogram = { axes: [reg], storage: { type: 'weighted_mean', layout: 'dense', arrays: { sum_of_weights: f8(3), sum_of_weights_squared: f8(5), values: f8(5 / 3), variances: f8(2) } } };
    const b: Histogram = { axes: [reg], storage: { type: 'weighted_mean', layout: 'dense', arrays: { sum_of_weights: f8(2), sum_of_weights_squared: f8(4), values: f8(5), variances: f8(0) } } };
    const m = mergeHistograms(a, b).storage.arrays;
    expect([m.sum_of_weights!.data[0], m.sum_of_weights_squared!.data[0]]).toEqual([5, 9]);
    expect(m.values!.data[0]).toBeCloseTo(3, 14);
    expect(m.variances!.data[0]).toBeCloseTo(5, 13);
  });

  it('an empty group leaves the other unchanged; int storage adds exactly in int64', () => {
    const a: Histogram = { axes: [reg], storage: { type: 'mean', layout: 'dense', arrays: { counts: f8(0), values: f8(0), variances: f8(0) } } };
    const b: Histogram = { axes: [reg], storage: { type: 'mean', layout: 'dense', arrays: { counts: f8(4), values: f8(7), variances: f8(1.5) } } };
    const m = mergeHistograms(a, b).storage.arrays;
    expect([m.counts!.data[0], m.values!.data[0], m.variances!.data[0]]).toEqual([4, 7, 1.5]);
    const i = (v: bigint): Histogram => ({ axes: [reg], storage: { type: 'int', layout: 'dense', arrays: { values: ndarray('i8', [1], BigInt64Array.of(v)) } } });
    expect(mergeHistograms(i(2n ** 62n), i(2n ** 61n + 1n)).storage.arrays.values!.data[0]).toBe(2n ** 62n + 2n ** 61n + 1n);
  });

  it('refuses different axes or storages, naming the difference', () => {
    const d = (bins: number, type: 'double' | 'weighted' = 'double'): Histogram => ({
      axes: [{ ...reg, bins }],
      storage: type === 'double' ? { type, layout: 'dense', arrays: { values: f8(...new Array<number>(bins).fill(1)) } } : { type, layout: 'dense', arrays: { values: f8(...new Array<number>(bins).fill(1)), variances: f8(...new Array<number>(bins).fill(1)) } },
    });
    expect(() => mergeHistograms(d(1), d(2), 'h')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'Cannot add histogram "h": axis 0 differs: regular 1 bins [0, 1) vs regular 2 bins [0, 1)' }));
    expect(() => mergeHistograms(d(1), d(1, 'weighted'), 'h')).toThrow(/storage types differ: double vs weighted/);
  });
});

describe('compareDocuments', () => {
  const h = (v: number[], label = 'x'): Histogram => ({ axes: [{ ...reg, bins: v.length }], storage: { type: 'double', layout: 'dense', arrays: { values: f8(...v) } }, metadata: { label } });
  it('tolerances follow numpy.isclose; NaN equals NaN; bins listed with their index', () => {
    const a = createDocument({ h: h([1, 2, NaN, 4]) });
    const b = createDocument({ h: h([1, 2 + 1e-9, NaN, 5]) });
    const exact = compareDocuments(a, b);
    expect(exact.same).toBe(false);
    expect(exact.differences).toEqual([{ histogram: 'h', kind: 'values', field: 'values', count: 2, maxAbsDiff: 1, message: 'values: 2 of 4 bins differ', bins: [{ index: [1], a: 2, b: 2 + 1e-9 }, { index: [3], a: 4, b: 5 }] }]);
    expect(compareDocuments(a, b, { rtol: 1e-6 }).differences[0]!.count).toBe(1);
    expect(compareDocuments(a, b, { atol: 1 }).same).toBe(true);
  });
  it('reports missing histograms, metadata and axes', () => {
    const c = compareDocuments(createDocument({ a: h([1], 'x'), b: h([1]) }), createDocument({ a: h([1], 'y'), c: h([1, 2]) }));
    expect(c.differences.map((d) => [d.histogram, d.kind])).toEqual([['a', 'metadata'], ['b', 'only-in-a'], ['c', 'only-in-b']]);
    expect(compareDocuments(createDocument({ a: h([1], 'x') }), createDocument({ a: h([1], 'y') }), { metadata: false }).same).toBe(true);
    expect(compareDocuments(createDocument({ a: h([1]) }), createDocument({ a: h([1, 2]) })).differences[0]!.kind).toBe('axes');
  });
});

describeReference('merge and diff on the command line, on uhi-generated files', () => {
  it('merging the JSON, zip and HDF5 copies of every case triples every sum (means pooled); diff says how they differ', async () => {
    for (const { name, kase } of CASES) {
      if (kase.summary.layout === 'empty') continue;
      const files = [kase.files.json.path, kase.files.zip.path, (kase.files as { h5?: { path: string } }).h5?.path].filter(Boolean).map((p) => ref('uhi-generated', p!));
      const out = join(dir, `${name}.hsb`);
      const r = runBuiltCli(['merge', ...files, '-o', out]);
      expect(r, name).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^${files.length} file\\(s\\) -> .*${name}\\.hsb \\(hsb\\): 1 histogram\\(s\\)`));
      const [input, merged] = [(await readDocument(files[0]!)).histograms.values().next().value!, (await readDocument(out)).histograms.values().next().value!];
      const sIn = storageSums(input);
      const sOut = storageSums(merged);
      const k = files.length;
      for (const field of Object.keys(sIn) as (keyof typeof sIn)[]) {
        const a = Number(sIn[field]!.total);
        const b = Number(sOut[field]!.total);
        if (field === 'values' && (kase.summary.storage_type === 'mean' || kase.summary.storage_type === 'weighted_mean')) expect(b, `${name} ${field}`).toBeCloseTo(a, 9); // the mean of identical groups
        else if (field === 'variances' && (kase.summary.storage_type === 'mean' || kase.summary.storage_type === 'weighted_mean')) continue; // pooled: checked above by hand
        else expect(b, `${name} ${field}`).toBeCloseTo(k * a, 9);
      }
      // the merged file differs from an input in its contents, and diff exits 1 saying so
      const d = runBuiltCli(['diff', files[0]!, out]);
      expect(d.code, name).toBe(1);
      expect(d.stdout, name).toMatch(/DIFFERENT \(0 histogram\(s\) equal, 1 differ\)/);
      // the three copies of a case are the same histogram
      if (files.length > 1) expect(runBuiltCli(['diff', files[0]!, files[1]!]), name).toMatchObject({ code: 0 });
    }
  });

  it('diff with and without tolerance; --json; refusal of incompatible merges', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const hist = (v: number[]) => ({ h: { uhi_schema: 1, axes: [{ type: 'regular', lower: 0, upper: 2, bins: 2, underflow: false, overflow: false, circular: false }], storage: { type: 'double', values: v } } });
    writeFileSync(a, JSON.stringify(hist([1, 2])));
    writeFileSync(b, JSON.stringify(hist([1, 2.000001])));
    const strict = runBuiltCli(['diff', a, b]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^ {2}h: values: 1 of 2 bins differ \(max \|a-b\| [0-9.e-]+\)$/m);
    expect(strict.stdout).toMatch(/bin \[1\]: 2 vs 2\.000001/);
    expect(runBuiltCli(['diff', a, b, '--rtol', '1e-5'])).toMatchObject({ code: 0 });
    expect(runBuiltCli(['diff', a, b, '--atol', '1e-7'])).toMatchObject({ code: 1 });
    const j = JSON.parse(runBuiltCli(['diff', a, b, '--json']).stdout) as { same: boolean; differences: { bins: { index: number[] }[] }[] };
    expect(j.same).toBe(false);
    expect(j.differences[0]!.bins[0]!.index).toEqual([1]);
    expect(runBuiltCli(['diff', a, b, '-q'])).toMatchObject({ code: 1, stdout: '' });
    const c = join(dir, 'c.json');
    writeFileSync(c, JSON.stringify({ h: { uhi_schema: 1, axes: [{ type: 'regular', lower: 0, upper: 3, bins: 2, underflow: false, overflow: false, circular: false }], storage: { type: 'double', values: [1, 2] } } }));
    const refused = runBuiltCli(['merge', a, c, '-o', join(dir, 'never.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Cannot add histogram "h": axis 0 differs: regular 2 bins \[0, 2\) vs regular 2 bins \[0, 3\)/);
    expect(() => readFileSync(join(dir, 'never.json'))).toThrow();
  });

  it('schema prints each JSON Schema, and lists them', () => {
    const list = runBuiltCli(['schema']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^histogram\thttps:\/\/hist-serial\.github\.io\/schema\/histogram\/1\/histogram\.schema\.json$/m);
    const s = JSON.parse(runBuiltCli(['schema', 'histogram']).stdout) as { $schema: string; $id: string };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toMatch(/histogram\.schema\.json$/);
    expect(runBuiltCli(['schema', 'nope'])).toMatchObject({ code: 2 });
  });
});
