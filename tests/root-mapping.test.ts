/**
 * ROOT objects ⇄ UHI histograms (src/codecs/root-mapping.ts, spec.md 4.6): cell order, flow bins,
 * labels → categories, storages, profiles, the class chosen when writing, the statistics, refusals.
 */
import { describe, expect, it } from 'vitest';
import { contentsFingerprint, histogramToRoot, profileMoments, rootToHistogram, statsFor } from '../src/codecs/root-mapping.js';
import type { RootAxis, RootHist } from '../src/codecs/root-hist.js';
import { ndarray, type Histogram } from '../src/index.js';

const axis = (nbins: number, xmin: number, xmax: number, extra: Partial<RootAxis> = {}): RootAxis => ({
  name: 'xaxis',
  title: '',
  nbins,
  xmin,
  xmax,
  xbins: null,
  labels: null,
  attributes: {},
  ...extra,
});

function th(className: RootHist['className'], axes: RootAxis[], cells: RootHist['cells'], extra: Partial<RootHist> = {}): RootHist {
  return {
    className,
    path: 'h',
    cycle: 1,
    name: 'h',
    title: 'a title',
    axes: axes.map((a, k) => ({ ...a, name: ['xaxis', 'yaxis', 'zaxis'][k]! })),
    cells,
    sumw2: null,
    profile: null,
    stats: { fEntries: 0, fTsumw: 0, fTsumw2: 0, fTsumwx: 0, fTsumwx2: 0 },
    option: '',
    attributes: {},
    ...extra,
  };
}

describe('ROOT → UHI', () => {
  it('TH1D with Sumw2: weighted storage, both flow bins, regular axis, titles and stats kept', () => {
    const r = th('TH1D', [axis(3, 0, 3, { title: 'x [GeV]' })], Float64Array.of(1, 2, 3, 4, 5), {
      sumw2: Float64Array.of(1, 4, 9, 16, 25),
      stats: { fEntries: 15, fTsumw: 9, fTsumw2: 29, fTsumwx: 14.5, fTsumwx2: 30.25 },
      attributes: { fLineColor: 602, fContour: [1, 2] },
    });
    const h = rootToHistogram(r);
    expect(h.axes).toEqual([{ type: 'regular', lower: 0, upper: 3, bins: 3, underflow: true, overflow: true, circular: false, metadata: { name: 'xaxis', label: 'x [GeV]' } }]);
    expect(h.storage.type).toBe('weighted');
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(h.storage.arrays.variances!.data as Float64Array)).toEqual([1, 4, 9, 16, 25]);
    expect(h.metadata).toEqual({ name: 'h', label: 'a title' });
    expect(h.writer_info!.root).toEqual({
      class: 'TH1D', fEntries: 15, fTsumw: 9, fTsumw2: 29, fTsumwx: 14.5, fTsumwx2: 30.25, fOption: '', fLineColor: 602, fContour: '[1,2]',
      contents_crc32: contentsFingerprint(h.storage.arrays),
    });
  });

  it('TH2: ROOT cells (x fastest) become C order [x][y] with flow', () => {
    // nx = 2, ny = 1: extents 4 × 3; ROOT cell = ix + 4*iy; put the value 10*ix + iy there
    const cells = new Float64Array(12);
    for (let iy = 0; iy < 3; iy++) for (let ix = 0; ix < 4; ix++) cells[ix + 4 * iy] = 10 * ix + iy;
    const h = rootToHistogram(th('TH2D', [axis(2, 0, 1), axis(1, 0, 1)], cells));
    expect(h.storage.arrays.values!.shape).toEqual([4, 3]);
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]);
    expect(h.storage.type).toBe('double');
  });

  it('TH3 with variable axes: C order [x][y][z] and edges from fXbins', () => {
    const ex = 3, ey = 4, ez = 3; // nx 1, ny 2 (variable), nz 1
    const cells = new Float64Array(ex * ey * ez);
    for (let iz = 0; iz < ez; iz++) for (let iy = 0; iy < ey; iy++) for (let ix = 0; ix < ex; ix++) cells[ix + ex * (iy + ey * iz)] = 100 * ix + 10 * iy + iz;
    const h = rootToHistogram(th('TH3D', [axis(1, 0, 1), axis(2, 0, 5, { xbins: Float64Array.of(0, 1, 5) }), axis(1, -1, 1)], cells));
    expect(h.axes[1]).toMatchObject({ type: 'variable', underflow: true, overflow: true });
    expect(Array.from((h.axes[1] as { edges: Float64Array }).edges)).toEqual([0, 1, 5]);
    const v = h.storage.arrays.values!.data;
    expect(h.storage.arrays.values!.shape).toEqual([3, 4, 3]);
    expect(v[0]).toBe(0);
    expect(v[1]).toBe(1); // z fastest
    expect(v[3]).toBe(10); // then y
    expect(v[12]).toBe(100); // x slowest
    expect(v[35]).toBe(232);
  });

  it('integer classes keep their dtype; TH1L holds 64-bit integers', () => {
    expect(rootToHistogram(th('TH1I', [axis(1, 0, 1)], Int32Array.of(0, 7, -1))).storage).toMatchObject({ type: 'int', arrays: { values: { dtype: 'i4' } } });
    expect(rootToHistogram(th('TH1C', [axis(1, 0, 1)], Int8Array.of(0, 7, -1))).storage.arrays.values!.dtype).toBe('i1');
    const big = rootToHistogram(th('TH1L', [axis(1, 0, 1)], BigInt64Array.of(0n, 2n ** 60n + 1n, 0n)));
    expect(big.storage.arrays.values!.data[1]).toBe(2n ** 60n + 1n);
    expect(rootToHistogram(th('TH1F', [axis(1, 0, 1)], Float32Array.of(0, 0.1, 0))).storage.arrays.values!.data[1]).toBe(Math.fround(0.1));
  });

  it('fully and uniquely labelled axis with empty underflow → category_str, flow = ROOT overflow', () => {
    const r = th('TH1D', [axis(3, 0, 3, { labels: ['a', 'b', 'c'] })], Float64Array.of(0, 1, 2, 3, 9));
    const h = rootToHistogram(r);
    expect(h.axes[0]).toMatchObject({ type: 'category_str', categories: ['a', 'b', 'c'], flow: true });
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([1, 2, 3, 9]);
    // back: the same cells, labels, and an empty underflow
    const back = histogramToRoot('h', h);
    expect(Array.from(back.cells as Float64Array)).toEqual([0, 1, 2, 3, 9]);
    expect(back.axes[0]).toMatchObject({ nbins: 3, xmin: 0, xmax: 3, labels: ['a', 'b', 'c'] });
  });

  it('labels that are partial, repeated, or beside a filled underflow keep a numeric axis; labels go to writer_info and come back', () => {
    for (const [labels, cells] of [
      [['a', null, 'c'], [0, 1, 2, 3, 0]],
      [['a', 'a', 'c'], [0, 1, 2, 3, 0]],
      [['a', 'b', 'c'], [5, 1, 2, 3, 0]],
    ] as const) {
      const h = rootToHistogram(th('TH1D', [axis(3, 0, 3, { labels: [...labels] })], Float64Array.from(cells)));
      expect(h.axes[0]!.type).toBe('regular');
      const back = histogramToRoot('h', h);
      expect(back.axes[0]!.labels).toEqual([...labels]);
      expect(Array.from(back.cells as Float64Array)).toEqual([...cells]);
    }
  });

  it('TProfile → mean storage with boost-histogram moments; TProfile with fBinSumw2 → weighted_mean; back to the same sums', () => {
    // bin 1: y = 1, 3 (w = 1) → Σw 2, Σwy 4, Σwy² 10, mean 2, variance 2; bin 2: one entry y = 5
    const r = th('TProfile', [axis(2, 0, 2)], Float64Array.of(0, 4, 5, 0), {
      sumw2: Float64Array.of(0, 10, 25, 0),
      profile: { binEntries: Float64Array.of(0, 2, 1, 0), binSumw2: null, errorMode: 1, min: 0, max: 0 },
    });
    const h = rootToHistogram(r);
    expect(h.storage.type).toBe('mean');
    expect(Array.from(h.storage.arrays.counts!.data as Float64Array)).toEqual([0, 2, 1, 0]);
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([0, 2, 5, 0]);
    expect(Array.from(h.storage.arrays.variances!.data as Float64Array)).toEqual([0, 2, 0, 0]);
    expect(h.writer_info!.root).toMatchObject({ class: 'TProfile', fErrorMode: 1 });
    const back = histogramToRoot('h', h);
    expect(back.className).toBe('TProfile');
    expect(Array.from(back.cells as Float64Array)).toEqual([0, 4, 5, 0]);
    expect(Array.from(back.sumw2!)).toEqual([0, 10, 25, 0]);
    expect(back.profile).toEqual({ binEntries: Float64Array.of(0, 2, 1, 0), binSumw2: null, errorMode: 1, min: 0, max: 0 });

    // weighted: fills (y=1, w=2), (y=3, w=1) → Σw 3, Σw² 5, Σwy 5, Σwy² 11
    const wr = th('TProfile', [axis(1, 0, 1)], Float64Array.of(0, 5, 0), {
      sumw2: Float64Array.of(0, 11, 0),
      profile: { binEntries: Float64Array.of(0, 3, 0), binSumw2: Float64Array.of(0, 5, 0), errorMode: 0, min: 0, max: 0 },
    });
    const wh = rootToHistogram(wr);
    expect(wh.storage.type).toBe('weighted_mean');
    const m = 5 / 3;
    expect(wh.storage.arrays.values!.data[1]).toBeCloseTo(m, 15);
    expect(wh.storage.arrays.variances!.data[1]).toBeCloseTo((11 - 3 * m * m) / (3 - 5 / 3), 14);
    const wback = histogramToRoot('h', wh);
    expect(wback.cells[1]).toBeCloseTo(5, 13);
    expect(wback.sumw2![1]).toBeCloseTo(11, 13);
    expect(Array.from(wback.profile!.binSumw2!)).toEqual([0, 5, 0]);
  });

  it('profileMoments: no entries → 0, one entry → variance 0', () => {
    const { mean, variance } = profileMoments(Float64Array.of(0, 1), Float64Array.of(0, 7), Float64Array.of(0, 49));
    expect(Array.from(mean)).toEqual([0, 7]);
    expect(Array.from(variance)).toEqual([0, 0]);
  });
});

describe('UHI → ROOT', () => {
  const weighted = (axes: Histogram['axes'], values: number[], variances: number[], shape: number[]): Histogram => ({
    axes,
    storage: { type: 'weighted', layout: 'dense', arrays: { values: ndarray('f8', shape, Float64Array.from(values)), variances: ndarray('f8', shape, Float64Array.from(variances)) } },
  });

  it('a round trip ROOT → UHI → ROOT restores class, cells, Sumw2, stats and attributes', () => {
    const r = th('TH2F', [axis(2, 0, 2, { title: 'x', attributes: { fNdivisions: 505 } }), axis(1, 0, 1, { xbins: Float64Array.of(0, 1) })], Float32Array.from({ length: 12 }, (_, i) => i / 4), {
      sumw2: Float64Array.from({ length: 12 }, (_, i) => i),
      attributes: { fLineColor: 2, fMaximum: -1111 },
      option: 'E',
    });
    r.stats = statsFor(r);
    const back = histogramToRoot('h', rootToHistogram(r));
    expect(back.className).toBe('TH2F');
    expect(back.cells).toEqual(r.cells);
    expect(back.sumw2).toEqual(r.sumw2);
    expect(back.stats).toEqual(r.stats);
    expect(back.option).toBe('E');
    expect(back.attributes).toEqual({ fLineColor: 2, fMaximum: -1111 });
    expect(back.axes[0]).toMatchObject({ title: 'x', attributes: { fNdivisions: 505 } });
    expect(back.axes[1]!.xbins).toEqual(Float64Array.of(0, 1));
  });

  it('class: recorded when it holds the values, else TH*I for 32-bit int storage and TH*D for the rest', () => {
    const reg = { type: 'regular', lower: 0, upper: 1, bins: 1, underflow: true, overflow: true, circular: false } as const;
    const int = (v: bigint[]): Histogram => ({ axes: [reg], storage: { type: 'int', layout: 'dense', arrays: { values: ndarray('i8', [3], BigInt64Array.from(v)) } } });
    expect(histogramToRoot('h', int([0n, 5n, 0n])).className).toBe('TH1I');
    expect(histogramToRoot('h', int([0n, 2n ** 40n, 0n])).className).toBe('TH1D');
    expect(histogramToRoot('h', { ...int([0n, 5n, 0n]), writer_info: { root: { class: 'TH1L' } } }).className).toBe('TH1I'); // TH*L is not written
    const f = weighted([reg], [0, 0.1, 0], [0, 1, 0], [3]);
    expect(histogramToRoot('h', f).className).toBe('TH1D');
    expect(histogramToRoot('h', { ...f, writer_info: { root: { class: 'TH1F' } } }).className).toBe('TH1D'); // 0.1 is not a float32
    const g = weighted([reg], [0, 0.5, 0], [0, 1, 0], [3]);
    expect(histogramToRoot('h', { ...g, writer_info: { root: { class: 'TH1F' } } }).className).toBe('TH1F');
    expect(histogramToRoot('h', { ...g, writer_info: { root: { class: 'TH2F' } } }).className).toBe('TH1D'); // wrong dimension
  });

  it('axes without flow get empty ROOT flow cells; category_int and boolean become labelled bins', () => {
    const h: Histogram = {
      axes: [
        { type: 'regular', lower: 0, upper: 2, bins: 2, underflow: false, overflow: false, circular: false },
        { type: 'category_int', categories: Float64Array.of(7, 9), flow: false },
      ],
      storage: { type: 'double', layout: 'dense', arrays: { values: ndarray('f8', [2, 2], Float64Array.of(1, 2, 3, 4)) } },
    };
    const r = histogramToRoot('h', h);
    expect(r.axes[1]).toMatchObject({ nbins: 2, xmin: 0, xmax: 2, labels: ['7', '9'] });
    // extents 4 × 4; [x][c] = (0,0)=1 → cell (1,1)=5; (0,1)=2 → (1,2)=9; (1,0)=3 → (2,1)=6; (1,1)=4 → (2,2)=10
    const expected = new Float64Array(16);
    expected[5] = 1;
    expected[9] = 2;
    expected[6] = 3;
    expected[10] = 4;
    expect(r.cells).toEqual(expected);
    const b = histogramToRoot('b', { axes: [{ type: 'boolean' }], storage: { type: 'double', layout: 'dense', arrays: { values: ndarray('f8', [2], Float64Array.of(3, 4)) } } });
    expect(b.axes[0]!.labels).toEqual(['false', 'true']);
    expect(Array.from(b.cells as Float64Array)).toEqual([0, 3, 4, 0]);
  });

  it('statistics: restored when the contents are unchanged since ROOT (fingerprint), else recomputed from bin centres', () => {
    const reg = { type: 'regular', lower: 0, upper: 2, bins: 2, underflow: true, overflow: true, circular: false } as const;
    const h = weighted([reg], [100, 1, 3, 100], [100, 1, 5, 100], [4]);
    const recorded = { fEntries: 1, fTsumw: 0, fTsumw2: 1, fTsumwx: 1, fTsumwx2: 1 }; // ROOT files do hold such stale stats
    h.writer_info = { root: { ...recorded, contents_crc32: contentsFingerprint(h.storage.arrays) } };
    expect(histogramToRoot('h', h).stats).toEqual(recorded);
    // the same values as int64 (what a JSON round trip gives an int storage) have the same fingerprint
    const asInt = { values: ndarray('i8', [2], BigInt64Array.of(3n, 4n)) };
    expect(contentsFingerprint(asInt)).toBe(contentsFingerprint({ values: ndarray('f8', [2], Float64Array.of(3, 4)) }));
    // changed contents: in range, w = 1 at x = 0.5 and w = 3 at x = 1.5
    (h.storage.arrays.values!.data as Float64Array)[2] = 3.5;
    (h.storage.arrays.values!.data as Float64Array)[2] = 3;
    (h.storage.arrays.variances!.data as Float64Array)[0] = 101;
    expect(histogramToRoot('h', h).stats).toEqual({ fEntries: (204 * 204) / 207, fTsumw: 4, fTsumw2: 6, fTsumwx: 5, fTsumwx2: 0.25 + 3 * 2.25 });
  });

  it('refuses what ROOT cannot hold, with the code and the histogram named', () => {
    const reg = { type: 'regular', lower: 0, upper: 1, bins: 1, underflow: true, overflow: true, circular: false } as const;
    const d = (axes: Histogram['axes'], type: 'double' | 'mean' = 'double'): Histogram => {
      const n = axes.reduce((p) => p * 3, 1);
      const a = ndarray('f8', axes.map(() => 3), new Float64Array(n));
      return { axes, storage: type === 'mean' ? { type, layout: 'dense', arrays: { counts: a, values: a, variances: a } } : { type, layout: 'dense', arrays: { values: a } } };
    };
    expect(() => histogramToRoot('four', d([reg, reg, reg, reg]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OPERATION', message: expect.stringMatching(/"four" has 4 axes/) }));
    expect(() => histogramToRoot('none', d([]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OPERATION' }));
    expect(() => histogramToRoot('p3', d([reg, reg, reg], 'mean'))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OPERATION', message: expect.stringMatching(/TProfile3D/) }));
    expect(() => histogramToRoot('a;1', d([reg]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => histogramToRoot('a//b', d([reg]))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
