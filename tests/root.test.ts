/**
 * The ROOT codec end to end, against uproot (an independent reader/writer, ../shared/tools/uproot):
 * - every ROOT file under ../shared/reference/root (written by ROOT 5.22–6.28 and by uproot) read
 *   with the codec and written again with ours reads in uproot exactly as the original did;
 * - every ../shared/reference/uhi-generated histogram ROOT can hold, written to ROOT, reads in uproot
 *   with the contents uhi wrote (spec.md 4.6 says what maps to what);
 * - the mapping of a few reference objects into the model, addressing, the CLI, refusals.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binCount, readDocument, underflowBins, writeDocument, type Histogram, type HistDocument } from '../src/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { CASES } from './helpers/manifest.js';
import { describeReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';
import { flat, requireUproot, uprootDump, type UprootDump, type UprootObject } from './helpers/uproot.js';

const dir = tempDir();
const REF_FILES = [
  ...readdirSync(ref('root')).filter((f) => f.endsWith('.root')).map((f) => join('root', f)),
  ...readdirSync(ref('root/uproot-written')).filter((f) => f.endsWith('.root')).map((f) => join('root/uproot-written', f)),
];
const expectedOf = (file: string): UprootDump => JSON.parse(readFileSync(ref(`${file}.expected.json`), 'utf8')) as UprootDump;

/** Equal, or both NaN, or within `rel` relative (profile sums are rebuilt from means: last-bit differences). */
function close(a: number[], b: number[], rel: number): string | undefined {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Object.is(x, y) || x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y), 1e-300)) continue;
    return `[${i}]: ${x} vs ${y}`;
  }
  return undefined;
}

/** Compare what uproot reads from our file with what it read from the original. */
function sameObject(ours: UprootObject, theirs: UprootObject): void {
  const at = theirs.path;
  expect(ours.class, at).toBe(theirs.class);
  expect([ours.name, ours.title, ours.option, ours.dtype], at).toEqual([theirs.name, theirs.title, theirs.option, theirs.dtype]);
  expect(ours.shape_with_flow, at).toEqual(theirs.shape_with_flow);
  expect(ours.axes, at).toEqual(theirs.axes);
  const profile = theirs.profile !== undefined;
  if (!profile) {
    expect(close(flat(ours.values), flat(theirs.values), 0), `${at} values`).toBeUndefined();
    expect(ours.sumw2 === null, `${at} sumw2 presence`).toBe(theirs.sumw2 === null);
    if (theirs.sumw2 !== null) expect(close(flat(ours.sumw2), flat(theirs.sumw2), 0), `${at} sumw2`).toBeUndefined();
    // every member the original has (a ROOT 5 TH1 lacks fBinStatErrOpt and fStatOverflows; we write TH1 v8 with ROOT's defaults)
    expect(Object.fromEntries(Object.keys(theirs.stats).map((k) => [k, ours.stats[k]])), at).toEqual(theirs.stats);
  } else {
    const p = ours.profile!;
    const q = theirs.profile!;
    expect(close(flat(p.bin_entries), flat(q.bin_entries), 0), `${at} bin_entries`).toBeUndefined();
    expect(p.bin_sumw2 === null, `${at} bin_sumw2 presence`).toBe(q.bin_sumw2 === null);
    if (q.bin_sumw2 !== null) expect(close(flat(p.bin_sumw2), flat(q.bin_sumw2), 0), `${at} bin_sumw2`).toBeUndefined();
    // Σwy and Σwy² go through mean and variance (UHI's mean storage) and back
    expect(close(flat(p.sumwy), flat(q.sumwy), 1e-12), `${at} sumwy`).toBeUndefined();
    expect(close(flat(p.sumwy2), flat(q.sumwy2), 1e-9), `${at} sumwy2`).toBeUndefined();
    for (const [k, v] of Object.entries(theirs.stats)) expect(close([ours.stats[k]!], [v], 1e-12), `${at} ${k}`).toBeUndefined();
  }
}

describeReference('ROOT files written by ROOT and uproot → hist-serial → ROOT: uproot reads the same', () => {
  const python = requireUproot();
  it.runIf(python)(`all ${REF_FILES.length} reference files`, async () => {
    const written: [string, string][] = [];
    for (const file of REF_FILES) {
      const doc = await readDocument(ref(file));
      const out = join(dir, file.replace(/\//g, '_'));
      await writeDocument(out, doc);
      written.push([file, out]);
    }
    const dumps = uprootDump(python!, written.map(([, out]) => out));
    let objects = 0;
    for (const [file, out] of written) {
      const theirs = expectedOf(file).objects;
      const ours = dumps[out]!.objects;
      expect(Object.keys(ours).sort(), file).toEqual(Object.keys(theirs).sort());
      for (const key of Object.keys(theirs)) {
        sameObject(ours[key]!, theirs[key]!);
        objects++;
      }
    }
    expect(objects).toBeGreaterThan(150);
  }, 120_000);
});

describeReference('ROOT → model (spec.md 4.6)', () => {
  it('hsimple: TH1F → double, TH2F → double [x][y] with flow, TProfile → mean', async () => {
    const doc = await readDocument(ref('root/uproot-hepdata-example.root'));
    const e = expectedOf('root/uproot-hepdata-example.root').objects;
    expect([...doc.histograms.keys()]).toEqual(['hpx', 'hpxpy', 'hprof']);
    const hpx = doc.histograms.get('hpx')!;
    expect(hpx.axes[0]).toMatchObject({ type: 'regular', lower: -4, upper: 4, bins: 100, underflow: true, overflow: true, metadata: { name: 'xaxis' } }); // an empty title gives no label
    expect(e.hpx!.axes[0]!.title).toBe('');
    expect(hpx.metadata).toEqual({ name: 'hpx', label: 'This is the px distribution' });
    expect(hpx.storage.type).toBe('double');
    expect(Array.from(hpx.storage.arrays.values!.data as Float64Array)).toEqual(flat(e.hpx!.values));
    expect(hpx.writer_info!.root).toMatchObject({ class: 'TH1F', fEntries: e.hpx!.stats.fEntries, fTsumwx: e.hpx!.stats.fTsumwx });
    const hpxpy = doc.histograms.get('hpxpy')!;
    expect(hpxpy.storage.arrays.values!.shape).toEqual([42, 42]);
    expect(Array.from(hpxpy.storage.arrays.values!.data as Float64Array)).toEqual(flat(e.hpxpy!.values)); // [ix][iy], as the dump
    const hprof = doc.histograms.get('hprof')!;
    expect(hprof.storage.type).toBe('mean');
    expect(Array.from(hprof.storage.arrays.counts!.data as Float64Array)).toEqual(flat(e.hprof!.profile!.bin_entries));
    expect(close(Array.from(hprof.storage.arrays.values!.data as Float64Array), flat(e.hprof!.profile!.means), 1e-15)).toBeUndefined();
  });

  it('labelled cutflow → category_str (flow = overflow); Sumw2 → weighted; NaN kept', async () => {
    const cut = (await readDocument(ref('root/uproot-issue33.root'))).histograms.get('cutflow')!;
    const e = expectedOf('root/uproot-issue33.root').objects.cutflow!;
    expect(cut.axes[0]).toMatchObject({ type: 'category_str', categories: e.axes[0]!.labels, flow: true });
    expect(cut.storage.type).toBe('weighted');
    expect(Array.from(cut.storage.arrays.values!.data as Float64Array)).toEqual(flat(e.values).slice(1));
    expect(Array.from(cut.storage.arrays.variances!.data as Float64Array)).toEqual(flat(e.sumw2).slice(1));
    const data = (await readDocument(ref('root/combine-template-analysis-datacard-input.root'))).histograms.get('data_obs')!;
    expect(Number.isNaN(data.storage.arrays.variances!.data[1] as number)).toBe(true);
  });

  it('weighted TProfile (fBinSumw2) → weighted_mean; TProfile2D → mean [x][y]', async () => {
    const doc = await readDocument(ref('root/uproot-written/uw-tprofile-zstd.root'));
    const e = expectedOf('root/uproot-written/uw-tprofile-zstd.root').objects;
    const w = doc.histograms.get('prof_weighted_spread')!;
    expect(w.storage.type).toBe('weighted_mean');
    expect(Array.from(w.storage.arrays.sum_of_weights_squared!.data as Float64Array)).toEqual(flat(e.prof_weighted_spread!.profile!.bin_sumw2));
    expect(w.writer_info!.root).toMatchObject({ class: 'TProfile', fErrorMode: 1 });
    const p2 = doc.histograms.get('prof2d')!;
    expect(p2.storage.type).toBe('mean');
    expect(p2.storage.arrays.values!.shape).toEqual(e.prof2d!.shape_with_flow);
    expect(close(Array.from(p2.storage.arrays.values!.data as Float64Array), flat(e.prof2d!.profile!.means), 1e-15)).toBeUndefined();
  });

  it('addresses: a directory, an object in it, a cycle; unknown → NOT_FOUND', async () => {
    const file = ref('root/uproot-written/uw-th1-flow-zlib.root');
    expect([...(await readDocument(file)).histograms.keys()].sort()).toEqual(['dir/sub/h_in_dir', 'h1d_from_numpy_tuple', 'h1d_weighted', 'h1i_counts']);
    expect([...(await readDocument(`${file}:dir`)).histograms.keys()]).toEqual(['sub/h_in_dir']);
    expect([...(await readDocument(`${file}:dir/sub/h_in_dir`)).histograms.keys()]).toEqual(['h_in_dir']);
    expect([...(await readDocument(`${file}:/h1i_counts;1`)).histograms.keys()]).toEqual(['h1i_counts']);
    expect((await readDocument(`${file}:h1i_counts`)).histograms.get('h1i_counts')!.storage).toMatchObject({ type: 'int', arrays: { values: { dtype: 'i4' } } });
    await expect(readDocument(`${file}:nope`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

// ------------------------------------------------------------------------------------------------
// uhi-generated → ROOT → uproot

/** Put a UHI dense array (C order over the axes' own extents) into ROOT's cells with both flow bins, as nested [ix][iy][iz]. */
function uhiToRootGrid(h: Histogram, data: ArrayLike<number | bigint>): number[] {
  const axes = h.axes;
  const rootExt = axes.map((a) => binCount(a) + 2);
  const uhiExt = h.storage.arrays.values!.shape;
  const offset = axes.map((a) => 1 - underflowBins(a)); // category/boolean axes have no underflow: ROOT index = j + 1
  const out = new Array<number>(rootExt.reduce((p, e) => p * e, 1)).fill(0);
  const n = uhiExt.reduce((p, e) => p * e, 1);
  for (let c = 0; c < n; c++) {
    let rest = c;
    const idx: number[] = [];
    for (let k = axes.length - 1; k >= 0; k--) {
      idx[k] = (rest % uhiExt[k]!) + offset[k]!;
      rest = Math.floor(rest / uhiExt[k]!);
    }
    let r = 0;
    for (let k = 0; k < axes.length; k++) r = r * rootExt[k]! + idx[k]!; // C order of the ROOT grid: [ix][iy][iz]
    out[r] = Number(data[c]!);
  }
  return out;
}

const UNREPRESENTABLE: Record<string, string> = { empty_weighted: 'UNSUPPORTED_OPERATION', scalar_0d_weighted: 'UNSUPPORTED_OPERATION' };

describeReference('uhi-generated histograms → ROOT → uproot', () => {
  const python = requireUproot();
  it.runIf(python)('every representable case reads in uproot with uhi\'s contents; the rest are refused', async () => {
    const docs: [string, HistDocument, string][] = [];
    for (const { name, kase } of CASES) {
      const doc = await readDocument(ref('uhi-generated', kase.files.json.path));
      const out = join(dir, `uhi-${name}.root`);
      if (UNREPRESENTABLE[name]) {
        await expect(writeDocument(out, doc), name).rejects.toMatchObject({ code: UNREPRESENTABLE[name] });
        continue;
      }
      await writeDocument(out, doc);
      docs.push([name, doc, out]);
    }
    expect(docs.length).toBe(CASES.length - Object.keys(UNREPRESENTABLE).filter((n) => CASES.some((c) => c.name === n)).length);
    const dumps = uprootDump(python!, docs.map(([, , out]) => out));
    for (const [name, doc, out] of docs) {
      const [[key, h0]] = [...doc.histograms] as [[string, Histogram]];
      const h = { ...h0, storage: (await import('../src/model/storage.js')).toDense(h0.storage, h0.axes.map((a) => binCount(a) + underflowBins(a) + (a.type === 'boolean' ? 0 : a.type === 'category_str' || a.type === 'category_int' ? Number(a.flow) : Number(a.overflow)))) };
      const o = dumps[out]!.objects[key]!;
      expect(o, name).toBeDefined();
      const A = h.storage.arrays;
      // axes: bins, edges and labels
      h.axes.forEach((a, k) => {
        expect(o.axes[k]!.nbins, `${name} axis ${k}`).toBe(binCount(a));
        if (a.type === 'category_str' || a.type === 'category_int') expect(o.axes[k]!.labels, name).toEqual(Array.from(a.categories as ArrayLike<string | number>, String));
        if (a.type === 'variable') expect(o.axes[k]!.edges, name).toEqual(Array.from(a.edges));
        if (a.type === 'regular') expect([o.axes[k]!.xmin, o.axes[k]!.xmax], name).toEqual([a.lower, a.upper]);
      });
      const grid = (d: ArrayLike<number | bigint>) => uhiToRootGrid(h, d);
      switch (h.storage.type) {
        case 'int':
        case 'double':
          expect(close(flat(o.values), grid(A.values!.data), 0), `${name} values`).toBeUndefined();
          expect(o.sumw2, name).toBeNull();
          break;
        case 'weighted':
          expect(close(flat(o.values), grid(A.values!.data), 0), `${name} values`).toBeUndefined();
          expect(close(flat(o.sumw2), grid(A.variances!.data), 0), `${name} variances`).toBeUndefined();
          break;
        case 'mean':
        case 'weighted_mean': {
          const counts = A.counts ?? A.sum_of_weights!;
          expect(close(flat(o.profile!.bin_entries), grid(counts.data), 0), `${name} counts`).toBeUndefined();
          expect(close(flat(o.profile!.means), grid(A.values!.data), 1e-13), `${name} means`).toBeUndefined();
          if (A.sum_of_weights_squared) expect(close(flat(o.profile!.bin_sumw2), grid(A.sum_of_weights_squared.data), 0), name).toBeUndefined();
          // the variance back from uproot's sums, by boost-histogram's definition
          const sw = flat(o.profile!.bin_entries);
          const sw2 = A.sum_of_weights_squared ? flat(o.profile!.bin_sumw2) : undefined;
          const swy2 = flat(o.profile!.sumwy2);
          const mean = flat(o.profile!.means);
          const variance = sw.map((w, i) => {
            const d = sw2 ? w - sw2[i]! / w : w - 1;
            return w === 0 || !(d > 0) ? 0 : (swy2[i]! - w * mean[i]! * mean[i]!) / d;
          });
          const want = grid(A.variances!.data).map((v, i) => (sw[i]! === 0 || !((sw2 ? sw[i]! - sw2[i]! / sw[i]! : sw[i]! - 1) > 0) ? 0 : v));
          expect(close(variance, want, 1e-9), `${name} variances`).toBeUndefined();
        }
      }
    }
  }, 120_000);
});

describe('ROOT from the CLI', () => {
  it('convert json → root → json keeps the contents; appending to an existing ROOT file is refused; 4-d is refused', async () => {
    const json = join(dir, 'in.json');
    writeFileSync(json, JSON.stringify({ 'dir/h': { uhi_schema: 1, axes: [{ type: 'variable', edges: [0, 1, 3], underflow: true, overflow: true, circular: false }], storage: { type: 'weighted', values: [1, 2, 3, 4], variances: [1, 4, 9, 16] }, metadata: { label: 'a title' } } }));
    const root = join(dir, 'cli.root');
    expect(runBuiltCli(['convert', json, root, '-q'])).toMatchObject({ code: 0 });
    expect(readFileSync(root).subarray(0, 4).toString()).toBe('root');
    const back = join(dir, 'back.json');
    expect(runBuiltCli(['convert', `${root}:dir`, back, '-q'])).toMatchObject({ code: 0 });
    const h = (JSON.parse(readFileSync(back, 'utf8')) as Record<string, { storage: unknown; metadata: unknown }>).h!;
    expect(h.storage).toEqual({ type: 'weighted', values: [1.0, 2.0, 3.0, 4.0], variances: [1.0, 4.0, 9.0, 16.0] });
    expect(h.metadata).toEqual({ name: 'h', label: 'a title' });
    const add = runBuiltCli(['convert', json, `${root}:more`]);
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/cannot add histograms to an existing one/);
    const four = join(dir, 'four.json');
    const ax = { type: 'regular', lower: 0, upper: 1, bins: 1, underflow: false, overflow: false, circular: false };
    writeFileSync(four, JSON.stringify({ h4: { uhi_schema: 1, axes: [ax, ax, ax, ax], storage: { type: 'double', values: [[[[1]]]] } } }));
    const r = runBuiltCli(['convert', four, join(dir, 'four.root')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"h4" has 4 axes; ROOT histograms \(TH1\/TH2\/TH3\) have 1 to 3/);
  });
});
