/**
 * UHI histogram ⇄ HS3 binned data: exact values both ways, row-major order, what is dropped.
 */
import { describe, expect, it } from 'vitest';
import {
  checkHS3,
  fromHS3BinnedData,
  isHistSerialError,
  toHS3BinnedData,
  type Axis,
  type HS3,
  type Histogram,
  type Storage,
} from '../src/index.js';
import { describeReference, refJson } from './helpers/reference.js';

const f8 = (shape: number[], values: number[]) => ({ dtype: 'f8' as const, shape, data: Float64Array.from(values) });
const regular = (name: string, bins: number, lower: number, upper: number, flow = false): Axis => ({
  type: 'regular', lower, upper, bins, underflow: flow, overflow: flow, circular: false, metadata: { name },
});
const variable = (name: string, edges: number[]): Axis => ({ type: 'variable', edges: Float64Array.from(edges), underflow: false, overflow: false, circular: false, metadata: { name } });
const hist = (axes: Axis[], storage: Storage): Histogram => ({ axes, storage });

/** The binned data wrapped in a minimal HS3 document, to check it against the schema and rules. */
const asDocument = (data: HS3.BinnedData) => ({ metadata: { hs3_version: '0.2' }, data: [data] });

const CASES: [string, Histogram][] = [
  ['1-d regular, double', hist([regular('x', 3, 0, 1.5)], { type: 'double', layout: 'dense', arrays: { values: f8([3], [1.5, 0.1 + 0.2, 1e-300]) } })],
  [
    '2-d regular × variable, weighted',
    hist([regular('x', 2, -1, 1), variable('y', [0, 0.5, 2, 10])], {
      type: 'weighted',
      layout: 'dense',
      arrays: { values: f8([2, 3], [1, 2, 3, 4, 5, 6]), variances: f8([2, 3], [1, 4, 9, 16, 25, 36]) },
    }),
  ],
  ['1-d variable, double, negative and fractional contents', hist([variable('m', [-3, -1, 0.25])], { type: 'double', layout: 'dense', arrays: { values: f8([2], [-0.5, 123456.789]) } })],
];

describe('histogram → HS3 binned data → histogram', () => {
  it.each(CASES)('%s: exact values, valid HS3, and the input is not mutated', (_, h) => {
    const before = structuredClone(h);
    const { result: data, warnings } = toHS3BinnedData(h, 'obsData');
    expect(warnings).toEqual([]);
    expect(checkHS3(asDocument(data))).toEqual([]);
    const back = fromHS3BinnedData(data);
    expect(back.warnings).toEqual([]);
    expect(back.result).toEqual(h);
    expect(h).toEqual(before);
  });

  it('contents are row-major (last axis fastest) and axes keep their names and binning', () => {
    const { result } = toHS3BinnedData(CASES[1]![1], 'd');
    expect(result).toEqual({
      name: 'd',
      type: 'binned',
      contents: [1, 2, 3, 4, 5, 6],
      axes: [
        { name: 'x', min: -1, max: 1, nbins: 2 },
        { name: 'y', min: 0, max: 10, edges: [0, 0.5, 2, 10] },
      ],
      uncertainty: { type: 'gaussian_uncertainty', sigma: [1, 2, 3, 4, 5, 6] },
    });
  });

  it('weighted variances come back as sigma², equal to the last bits', () => {
    const variances = [0.1, 2, 1e-7, 3.3];
    const h = hist([regular('x', 4, 0, 4)], { type: 'weighted', layout: 'dense', arrays: { values: f8([4], [1, 2, 3, 4]), variances: f8([4], variances) } });
    const back = fromHS3BinnedData(toHS3BinnedData(h, 'w').result).result;
    expect(Array.from(back.storage.arrays.values!.data as Float64Array)).toEqual([1, 2, 3, 4]);
    Array.from(back.storage.arrays.variances!.data as Float64Array).forEach((v, i) => expect(Math.abs(v - variances[i]!) / variances[i]!).toBeLessThan(4e-16));
  });

  it('int storage: contents are the counts; {storage: "int"} gives them back as int64', () => {
    const h = hist([regular('n', 3, 0, 3)], { type: 'int', layout: 'dense', arrays: { values: { dtype: 'i8', shape: [3], data: BigInt64Array.from([0n, 7n, 2n ** 52n]) } } });
    const { result } = toHS3BinnedData(h, 'counts');
    expect(result.contents).toEqual([0, 7, 2 ** 52]);
    expect(fromHS3BinnedData(result, { storage: 'int' }).result).toEqual(h);
    expect(fromHS3BinnedData(result).result.storage.type).toBe('double');
    expect(() => fromHS3BinnedData({ ...result, contents: [0.5, 1, 2] }, { storage: 'int' })).toThrow(expect.objectContaining({ code: 'NON_INTEGER_VALUE', path: '/contents/0' }));
  });

  it('flow bins are dropped: a warning when they hold something, the inner bins exact', () => {
    const h = hist([regular('x', 2, 0, 1, true)], { type: 'double', layout: 'dense', arrays: { values: f8([4], [9, 1, 2, 8]) } });
    const { result, warnings } = toHS3BinnedData(h, 'f');
    expect(result.contents).toEqual([1, 2]);
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([['EXTRAS_DROPPED', 'warning']]);
    const empty = hist([regular('x', 2, 0, 1, true)], { type: 'double', layout: 'dense', arrays: { values: f8([4], [0, 1, 2, 0]) } });
    expect(toHS3BinnedData(empty, 'f').warnings).toEqual([]);
  });

  it('sparse storage is read densely', () => {
    const h = hist([regular('x', 3, 0, 3)], { type: 'double', layout: 'sparse', index: { dtype: 'i8', shape: [1, 1], data: BigInt64Array.from([2n]) }, arrays: { values: f8([1], [4]) } });
    expect(toHS3BinnedData(h, 's').result.contents).toEqual([0, 0, 4]);
  });

  it('string categories become a categorical axis (pending HS3 extension, warned) and come back', () => {
    const h = hist([{ type: 'category_str', categories: ['SR', 'CR'], flow: false, metadata: { name: 'region' } }], { type: 'double', layout: 'dense', arrays: { values: f8([2], [3, 4]) } });
    const { result, warnings } = toHS3BinnedData(h, 'c');
    expect(result.axes).toEqual([{ name: 'region', categories: ['SR', 'CR'] }]);
    expect(warnings.map((w) => w.code)).toEqual(['NONSTANDARD']);
    expect(checkHS3(asDocument(result))).toEqual([]);
    expect(fromHS3BinnedData(result).result).toEqual(h);
  });

  it('axis names default to NAME_axisK; axisNames overrides', () => {
    const h = hist([{ ...regular('x', 1, 0, 1), metadata: {} }], { type: 'double', layout: 'dense', arrays: { values: f8([1], [1]) } });
    expect(toHS3BinnedData(h, 'h').result.axes[0]!.name).toBe('h_axis0');
    expect(toHS3BinnedData(h, 'h', { axisNames: ['obs_x_SR'] }).result.axes[0]!.name).toBe('obs_x_SR');
  });

  it('boolean axes, mean storage and empty storage cannot be converted', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isHistSerialError(err) ? err.code : 'other';
      }
      return 'none';
    };
    expect(code(() => toHS3BinnedData(hist([{ type: 'boolean' }], { type: 'double', layout: 'dense', arrays: { values: f8([2], [1, 2]) } }), 'b'))).toBe('UNSUPPORTED_OPERATION');
    const mean: Storage = { type: 'mean', layout: 'dense', arrays: { counts: f8([1], [1]), values: f8([1], [1]), variances: f8([1], [0]) } };
    expect(code(() => toHS3BinnedData(hist([regular('x', 1, 0, 1)], mean), 'm'))).toBe('UNSUPPORTED_OPERATION');
    expect(code(() => toHS3BinnedData(hist([regular('x', 1, 0, 1)], { type: 'double', layout: 'empty', arrays: {} }), 'e'))).toBe('UNSUPPORTED_OPERATION');
  });

  it('a correlation matrix is dropped on the way back, with a warning', () => {
    const data: HS3.BinnedData = {
      name: 'c',
      type: 'binned',
      contents: [1, 2],
      axes: [{ name: 'x', min: 0, max: 2, nbins: 2 }],
      uncertainty: { type: 'gaussian_uncertainty', sigma: [1, 1], correlation: [[1, 0.5], [0.5, 1]] },
    };
    expect(fromHS3BinnedData(data).warnings.map((w) => [w.code, w.path])).toEqual([['EXTRAS_DROPPED', '/uncertainty/correlation']]);
  });
});

describeReference("ROOT's binned data as histograms", () => {
  it('obsData_singlechannel of the ROOT export is a 2-bin histogram on [0, 2]', () => {
    const doc = refJson<HS3.HS3Document>('hs3/examples/root-export/simplemodel_uncorrelated-background_hs3.json');
    const data = doc.data!.find((d) => d.name === 'obsData_singlechannel') as HS3.BinnedData;
    const { result: h } = fromHS3BinnedData(data);
    expect(h.axes).toEqual([regular('obs_x_singlechannel', 2, 0, 2)]);
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual([51, 48]);
    expect(toHS3BinnedData(h, data.name).result).toEqual(data);
  });
});
