import { describe, expect, it } from 'vitest';
import {
  createDocument,
  decodeDocument,
  denseShape,
  edgesOf,
  encodeDocument,
  extent,
  storageSums,
  toDense,
  toSparse,
  type Histogram,
} from '../src/index.js';

const h2d = (): Histogram => ({
  axes: [
    { type: 'regular', lower: 0, upper: 2, bins: 2, underflow: true, overflow: true, circular: false },
    { type: 'category_str', categories: ['a', 'b'], flow: false },
  ],
  storage: {
    type: 'weighted',
    layout: 'dense',
    arrays: {
      values: { dtype: 'f8', shape: [4, 2], data: new Float64Array([0, 1, 2, 0, 0, 0, 3, 4]) },
      variances: { dtype: 'f8', shape: [4, 2], data: new Float64Array([0, 1, 4, 0, 0, 0, 9, NaN]) },
    },
  },
  metadata: { name: 'h' },
});

describe('axes', () => {
  it('extent counts flow bins per axis type', () => {
    expect(extent({ type: 'regular', lower: 0, upper: 1, bins: 10, underflow: true, overflow: false, circular: false })).toBe(11);
    expect(extent({ type: 'variable', edges: new Float64Array([0, 1, 5]), underflow: true, overflow: true, circular: false })).toBe(4);
    expect(extent({ type: 'category_str', categories: ['a'], flow: true })).toBe(2);
    expect(extent({ type: 'category_int', categories: new Float64Array([3, 1]), flow: false })).toBe(2);
    expect(extent({ type: 'boolean' })).toBe(2);
  });

  it('regular edges follow boost-histogram: (1 - i/n) * lower + (i/n) * upper', () => {
    const e = edgesOf({ type: 'regular', lower: 0, upper: 0.3, bins: 3, underflow: false, overflow: false, circular: false })!;
    expect(Array.from(e)).toEqual([0, 0.09999999999999999, 0.19999999999999998, 0.3]);
    const f = edgesOf({ type: 'regular', lower: -2.5, upper: 2.5, bins: 5, underflow: true, overflow: true, circular: false })!;
    expect(Array.from(f)).toEqual([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
  });
});

describe('storage', () => {
  it('sums with and without flow, NaN skipped and counted', () => {
    const s = storageSums(h2d());
    // rows 0 and 3 of axis 0 are underflow and overflow: inner bins are rows 1 and 2
    expect(s.values).toEqual({ total: 10, inner: 2, nanCount: 0 });
    expect(s.variances).toEqual({ total: 14, inner: 4, nanCount: 1 });
  });

  it('dense → sparse → dense is exact and uses uhi index layout', () => {
    const h = h2d();
    const shape = denseShape(h);
    const sparse = toSparse(h.storage, shape);
    expect(sparse.layout).toBe('sparse');
    expect(sparse.index!.shape).toEqual([2, 4]);
    expect(Array.from(sparse.index!.data as BigInt64Array)).toEqual([0n, 1n, 3n, 3n, 1n, 0n, 0n, 1n]);
    expect(Array.from(sparse.arrays.values!.data as Float64Array)).toEqual([1, 2, 3, 4]);
    const dense = toDense(sparse, shape);
    expect(Array.from(dense.arrays.values!.data as Float64Array)).toEqual(Array.from(h.storage.arrays.values!.data as Float64Array));
    expect(Array.from(dense.arrays.variances!.data as Float64Array)).toEqual(Array.from(h.storage.arrays.variances!.data as Float64Array));
  });
});

describe('int storage holds the full int64 range', () => {
  it('2^63 - 1 and -2^63 survive JSON write and read exactly', async () => {
    const values = new BigInt64Array([9223372036854775807n, -9223372036854775808n, 9007199254740993n]);
    const doc = createDocument({
      big: {
        axes: [{ type: 'regular', lower: 0, upper: 3, bins: 3, underflow: false, overflow: false, circular: false }],
        storage: { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [3], data: values } } },
      },
    });
    const bytes = await encodeDocument(doc, { format: 'uhi-json' });
    expect(Buffer.from(bytes).toString()).toContain('[9223372036854775807,-9223372036854775808,9007199254740993]');
    const back = await decodeDocument(bytes);
    expect(back.histograms.get('big')!.storage.arrays.values!.data).toEqual(values);
    expect(storageSums(back.histograms.get('big')!).values!.total).toBe('9007199254740992');
  });
});

describe('writer_info', () => {
  it('is stamped with hist-serial version on write, other writers kept', async () => {
    const h = h2d();
    h.writer_info = { 'boost-histogram': { version: '1.6.1' } };
    const back = await decodeDocument(await encodeDocument(createDocument({ h }), { format: 'uhi-json' }));
    const { VERSION } = await import('../src/index.js');
    expect(back.histograms.get('h')!.writer_info).toEqual({ 'boost-histogram': { version: '1.6.1' }, 'hist-serial': { version: VERSION } });
    expect(h.writer_info).toEqual({ 'boost-histogram': { version: '1.6.1' } });
  });
});

describe('histogram names', () => {
  it('"__proto__" is an ordinary histogram name in every format', async () => {
    const { createDocument, decodeDocument, encodeDocument } = await import('../src/index.js');
    const h = (v: number): Histogram => ({
      axes: [],
      storage: { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [], data: new Float64Array([v]) } } },
    });
    const doc = createDocument([
      ['__proto__', h(1.5)],
      ['b', h(2.5)],
    ]);
    for (const format of ['uhi-json', 'uhi-zip', 'hsb', 'hsj', 'bson']) {
      const back = await decodeDocument(await encodeDocument(doc, { format }));
      expect([...back.histograms.keys()], format).toEqual(['__proto__', 'b']);
      expect(back.histograms.get('__proto__')!.storage.arrays.values!.data[0], format).toBe(1.5);
    }
  });
});
