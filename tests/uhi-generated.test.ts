/**
 * Files written by scikit-hep/uhi's own JSON writer (../shared/reference/uhi-generated): read them,
 * check every value against MANIFEST.json (computed by numpy when the files were made) and against
 * the file itself, then write → read them back and check nothing changed.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  VERSION,
  decodeDocument,
  denseShape,
  encodeDocument,
  parseJson,
  readDocument,
  storageSums,
  type Axis,
  type HistDocument,
  type Histogram,
  type NDArray,
} from '../src/index.js';
import { describeReference, hasReference, ref, refJson } from './helpers/reference.js';

// ---------------------------------------------------------------------------------------------
// MANIFEST.json

interface ManifestAxis {
  type: Axis['type'];
  lower?: number;
  upper?: number;
  bins?: number;
  underflow?: boolean;
  overflow?: boolean;
  circular?: boolean;
  edges?: number[];
  categories?: (string | number)[];
  flow?: boolean;
}

interface ManifestArray {
  /** numpy dtype string ('<i8', '<f8', '<f4'). */
  dtype: string;
  shape: number[];
  nansum: number;
  nan_count: number;
}

interface ManifestCase {
  description: string;
  summary: {
    axes: ManifestAxis[];
    dense_shape: number[];
    storage_type: string;
    layout: 'dense' | 'sparse' | 'empty';
    /** Storage arrays by field, plus `index` for sparse storages. */
    arrays: Record<string, ManifestArray>;
  };
  files: { json: { path: string; schema_errors: string[] } };
}

interface Manifest {
  cases: Record<string, ManifestCase>;
  edge_cases: Record<string, ManifestCase>;
  combined: { 'all.json': { histograms: string[] } };
}

const manifest: Manifest | undefined = hasReference ? refJson<Manifest>('uhi-generated', 'MANIFEST.json') : undefined;
const CASES = manifest
  ? [...Object.entries(manifest.cases), ...Object.entries(manifest.edge_cases)].map(([name, kase]) => ({ name, kase }))
  : [];

// ---------------------------------------------------------------------------------------------
// Helpers

type Json = Record<string, unknown>;

/** The JSON file of a case, parsed independently of the reader under test (NaN tokens allowed). */
function readRawFile(path: string): Json {
  return parseJson(readFileSync(ref('uhi-generated', path), 'utf8')).value as Json;
}

/** Leaves of a nested JSON array (or a bare number: a 0-d array) in C order. */
function leaves(node: unknown): number[] {
  if (typeof node === 'number') return [node];
  if (!Array.isArray(node)) throw new TypeError(`not a number or an array: ${JSON.stringify(node)}`);
  return node.flatMap((x: unknown) => leaves(x));
}

/** A model axis in the manifest's form. */
function axisAsManifest(a: Axis): ManifestAxis {
  switch (a.type) {
    case 'regular':
      return { type: a.type, lower: a.lower, upper: a.upper, bins: a.bins, underflow: a.underflow, overflow: a.overflow, circular: a.circular };
    case 'variable':
      return { type: a.type, edges: Array.from(a.edges), underflow: a.underflow, overflow: a.overflow, circular: a.circular };
    case 'category_str':
      return { type: a.type, categories: [...a.categories], flow: a.flow };
    case 'category_int':
      return { type: a.type, categories: Array.from(a.categories), flow: a.flow };
    case 'boolean':
      return { type: a.type };
  }
}

/** The storage arrays of a histogram by manifest name (`index` first for sparse storages, as uhi orders them). */
function modelArrays(h: Histogram): Record<string, NDArray> {
  return { ...(h.storage.index ? { index: h.storage.index } : {}), ...(h.storage.arrays as Record<string, NDArray>) };
}

/**
 * A JSON-ish dump of any model value in which equal dumps mean identical values: NaN, -0 and ±Infinity
 * are spelled out (so `toStrictEqual` compares numbers as Object.is does), bigints are tagged, typed
 * arrays keep their class, Maps keep their order.
 */
type Dumped = null | boolean | string | number | Dumped[] | { [key: string]: Dumped };
function dump(x: unknown): Dumped {
  switch (typeof x) {
    case 'number':
      if (Number.isNaN(x)) return { $number: 'NaN' };
      if (Object.is(x, -0)) return { $number: '-0' };
      if (!Number.isFinite(x)) return { $number: String(x) };
      return x;
    case 'bigint':
      return { $bigint: x.toString() };
    case 'string':
    case 'boolean':
      return x;
    case 'undefined':
      return null;
    case 'object': {
      if (x === null) return null;
      if (ArrayBuffer.isView(x)) {
        const items = Array.from(x as unknown as ArrayLike<number | bigint>, (v) => dump(v));
        return { [`$${x.constructor.name}`]: items };
      }
      if (x instanceof Map) return { $Map: [...x].map(([k, v]) => [dump(k), dump(v)]) };
      if (Array.isArray(x)) return x.map((v: unknown) => dump(v));
      const out: { [key: string]: Dumped } = {};
      for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = dump(v);
      return out;
    }
    default:
      throw new TypeError(`cannot dump a ${typeof x}`);
  }
}

/** NaN-aware sum of a float array, and its NaN count. */
function nanSum(data: Float64Array): { sum: number; nans: number } {
  let sum = 0;
  let nans = 0;
  for (const v of data) {
    if (Number.isNaN(v)) nans++;
    else sum += v;
  }
  return { sum, nans };
}

/**
 * Hand-picked bin contents, read off the JSON files: [array, flat C-order position, exact value].
 * bigint for int storage and sparse indices, numbers (compared with Object.is) otherwise.
 */
const SPOT_VALUES: Record<string, [string, number, number | bigint][]> = {
  reg1d_int: [['values', 0, 23n], ['values', 6, 77n], ['values', 11, 27n]],
  reg_var_2d_double: [['values', 0, 1.5], ['values', 9, 0], ['values', 16, 8.5], ['values', 34, 0.5]],
  cat_str_int_int: [['values', 0, 17n], ['values', 11, 8n], ['values', 15, 18n]],
  boolean_x_integer_double: [['values', 0, 23], ['values', 7, 11]],
  weighted_circular: [['values', 0, 71.96833381171565], ['values', 8, 0], ['variances', 7, 55.11417980455069]],
  mean_profile: [['counts', 0, 37], ['values', 2, 12.229301430546354], ['variances', 0, 4.421846365459582], ['variances', 2, NaN]],
  weighted_mean_profile: [
    ['sum_of_weights', 1, 3.9000000000000004],
    ['sum_of_weights_squared', 2, 1.3599999999999999],
    ['values', 2, 7.624999999999999],
    ['variances', 0, NaN],
    ['variances', 3, 1.1666666666666667],
  ],
  sparse_int_2d: [['index', 0, 17n], ['index', 11, 47n], ['index', 23, 41n], ['values', 0, 1n]],
  metadata_rich: [['values', 0, 7], ['values', 5, 18]],
  empty_weighted: [],
  double_float32: [['values', 0, 0], ['values', 4, 38], ['values', 6, 1]],
  scalar_0d_weighted: [['values', 0, 2.5], ['variances', 0, 3]],
  two_variable_axes: [['values', 7, 7], ['values', 19, 19]],
};

// ---------------------------------------------------------------------------------------------

describeReference('uhi-generated reference files', () => {
  it('MANIFEST lists the 11 cases and 2 edge cases these tests know', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(SPOT_VALUES).sort());
  });

  describe.each(CASES)('$name', ({ name, kase }) => {
    const { summary } = kase;
    let doc: HistDocument;
    let h: Histogram;
    let rawHist: Json;

    beforeAll(async () => {
      doc = await readDocument(ref('uhi-generated', kase.files.json.path));
      h = doc.histograms.get(name)!;
      rawHist = readRawFile(kase.files.json.path)[name] as Json;
    });

    it('holds exactly this one histogram', () => {
      expect([...doc.histograms.keys()]).toEqual([name]);
      expect(h.uhi_schema).toBe(1);
    });

    it('has the axes and dense shape of the manifest', () => {
      expect(h.axes.map(axisAsManifest)).toStrictEqual(summary.axes);
      for (const a of h.axes) {
        if (a.type === 'variable') expect(a.edges).toBeInstanceOf(Float64Array);
        if (a.type === 'category_int') expect(a.categories).toBeInstanceOf(Float64Array);
      }
      expect(denseShape(h)).toEqual(summary.dense_shape);
    });

    it('has the storage type, layout and arrays of the manifest', () => {
      expect(h.storage.type).toBe(summary.storage_type);
      expect(h.storage.layout).toBe(summary.layout);
      const arrays = modelArrays(h);
      expect(Object.keys(arrays)).toEqual(Object.keys(summary.arrays));
      const sums = storageSums(h) as Record<string, { total: number | string; nanCount: number }>;
      for (const [field, expected] of Object.entries(summary.arrays)) {
        const arr = arrays[field]!;
        expect(arr.shape, field).toEqual(expected.shape);
        // JSON cannot carry a dtype: hist-serial reads int storage and sparse indices as i8 and every
        // other array as f8, whatever the writer had (double_float32 is '<f4' in the manifest because
        // the .npy/HDF5 files keep float32; its JSON has plain numbers).
        const integral = h.storage.type === 'int' || field === 'index';
        expect(arr.dtype, field).toBe(integral ? 'i8' : 'f8');
        expect(expected.dtype, field).toBe(integral ? '<i8' : name === 'double_float32' ? '<f4' : '<f8');
        if (integral) {
          expect(arr.data, field).toBeInstanceOf(BigInt64Array);
          expect(Number.isInteger(expected.nansum), field).toBe(true);
          expect(expected.nan_count, field).toBe(0);
          let sum = 0n;
          for (const v of arr.data as BigInt64Array) sum += v;
          expect(sum, field).toBe(BigInt(expected.nansum));
        } else {
          expect(arr.data, field).toBeInstanceOf(Float64Array);
          const { sum, nans } = nanSum(arr.data as Float64Array);
          expect(nans, field).toBe(expected.nan_count);
          if (Number.isInteger(expected.nansum)) expect(sum, field).toBe(expected.nansum);
          else expect(sum, field).toBeCloseTo(expected.nansum, 12);
        }
        // The library's own sums agree (the index is not a storage field, so it has none).
        if (field !== 'index') {
          const s = sums[field]!;
          expect(s.nanCount, field).toBe(expected.nan_count);
          if (integral) expect(s.total, field).toBe(String(expected.nansum));
          else expect(s.total as number, field).toBeCloseTo(expected.nansum, 12);
        }
      }
    });

    it('has every stored element of the file, exactly (NaN and signed zeros included)', () => {
      const rawStorage = rawHist.storage as Json;
      const arrays = modelArrays(h);
      expect(Object.keys(arrays).sort()).toEqual(Object.keys(rawStorage).filter((k) => k !== 'type').sort());
      const mismatches: string[] = [];
      for (const [field, arr] of Object.entries(arrays)) {
        const expected = leaves(rawStorage[field]);
        expect(arr.data.length, field).toBe(expected.length);
        expected.forEach((want, i) => {
          const got = arr.data[i];
          const same = typeof got === 'bigint' ? Number.isSafeInteger(want) && got === BigInt(want) : Object.is(got, want);
          if (!same) mismatches.push(`${field}[${i}]: file ${want}, model ${String(got)}`);
        });
      }
      expect(mismatches).toEqual([]);
    });

    it('has the hand-picked bin contents', () => {
      const arrays = modelArrays(h);
      for (const [field, flat, want] of SPOT_VALUES[name]!) {
        expect(arrays[field]!.data[flat], `${field}[${flat}]`).toBe(want);
      }
    });

    it("keeps the file's metadata and writer_info (histogram and axes)", () => {
      expect(h.metadata).toStrictEqual(rawHist.metadata);
      expect(h.writer_info).toStrictEqual(rawHist.writer_info);
      const rawAxes = rawHist.axes as Json[];
      expect(h.axes).toHaveLength(rawAxes.length);
      h.axes.forEach((a, i) => {
        expect(a.metadata, `axis ${i}`).toStrictEqual(rawAxes[i]!.metadata);
        expect(a.writer_info, `axis ${i}`).toStrictEqual(rawAxes[i]!.writer_info);
      });
    });

    it('writes UHI JSON that reads back identical, without touching the input document', async () => {
      const before = dump(doc);
      const bytes = await encodeDocument(doc, { format: 'uhi-json' });
      expect(dump(doc)).toStrictEqual(before);

      const back = await decodeDocument(bytes);
      expect([...back.histograms.keys()]).toEqual([name]);
      const h2 = back.histograms.get(name)!;
      // Everything but writer_info: axes (typed edges and categories), storage (dtype, shape, every
      // element as Object.is sees it), metadata, uhi_schema.
      expect(dump({ ...h2, writer_info: undefined })).toStrictEqual(dump({ ...h, writer_info: undefined }));
      // writer_info: the same, plus hist-serial's version (other keys of a hist-serial entry kept).
      const original = h.writer_info ?? {};
      expect(h2.writer_info).toStrictEqual({ ...original, 'hist-serial': { ...original['hist-serial'], version: VERSION } });

      // Writing what was read back gives the same bytes: the output is a fixed point.
      expect(Buffer.from(await encodeDocument(back, { format: 'uhi-json' })).equals(Buffer.from(bytes))).toBe(true);
    });
  });

  it('all.json holds every case, in order, each equal to its own file', async () => {
    const combined = manifest!.combined['all.json'].histograms;
    expect(combined).toEqual(Object.keys(manifest!.cases));
    const all = await readDocument(ref('uhi-generated', 'all.json'));
    expect([...all.histograms.keys()]).toEqual(combined);
    for (const name of combined) {
      const single = await readDocument(ref('uhi-generated', manifest!.cases[name]!.files.json.path));
      // The per-case files and all.json carry the same writer_info, so the whole histogram is compared.
      expect(dump(all.histograms.get(name)), name).toStrictEqual(dump(single.histograms.get(name)));
    }
  });
});
