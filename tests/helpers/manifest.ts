/**
 * ../shared/reference/uhi-generated/MANIFEST.json (computed by numpy when uhi wrote the files) and
 * the helpers the tests use to hold the model against it: manifest types, model → manifest forms,
 * an exact dump for deep equality, NaN-aware sums and hand-picked bin values.
 */
import { readFileSync } from 'node:fs';
import { parseJson, type Axis, type Histogram, type NDArray } from '../../src/index.js';
import { hasReference, ref, refJson } from './reference.js';

export interface ManifestAxis {
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

export interface ManifestArray {
  /** numpy dtype string ('<i8', '<f8', '<f4'). */
  dtype: string;
  shape: number[];
  nansum: number;
  nan_count: number;
}

export interface ManifestCase {
  description: string;
  summary: {
    axes: ManifestAxis[];
    dense_shape: number[];
    storage_type: string;
    layout: 'dense' | 'sparse' | 'empty';
    /** Storage arrays by field, plus `index` for sparse storages. */
    arrays: Record<string, ManifestArray>;
  };
  files: {
    json: { path: string; schema_errors: string[] };
    /** uhi.io.zip's file: its members in archive order. */
    zip: { path: string; members: string[]; schema_errors: string[] };
  };
}

export interface Manifest {
  cases: Record<string, ManifestCase>;
  edge_cases: Record<string, ManifestCase>;
  combined: { 'all.json': { histograms: string[] } };
}

export const manifest: Manifest | undefined = hasReference ? refJson<Manifest>('uhi-generated', 'MANIFEST.json') : undefined;

/** Every case and edge case, as `{name, kase}` for `describe.each`. */
export const CASES: { name: string; kase: ManifestCase }[] = manifest
  ? [...Object.entries(manifest.cases), ...Object.entries(manifest.edge_cases)].map(([name, kase]) => ({ name, kase }))
  : [];

export type Json = Record<string, unknown>;

/** A JSON file under uhi-generated, parsed independently of the reader under test (NaN tokens allowed). */
export function readRawFile(path: string): Json {
  return parseJson(readFileSync(ref('uhi-generated', path), 'utf8')).value as Json;
}

/** Leaves of a nested JSON array (or a bare number: a 0-d array) in C order. */
export function leaves(node: unknown): number[] {
  if (typeof node === 'number') return [node];
  if (!Array.isArray(node)) throw new TypeError(`not a number or an array: ${JSON.stringify(node)}`);
  return node.flatMap((x: unknown) => leaves(x));
}

/** A model axis in the manifest's form. */
export function axisAsManifest(a: Axis): ManifestAxis {
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
export function modelArrays(h: Histogram): Record<string, NDArray> {
  return { ...(h.storage.index ? { index: h.storage.index } : {}), ...(h.storage.arrays as Record<string, NDArray>) };
}

/**
 * A JSON-ish dump of any model value in which equal dumps mean identical values: NaN, -0 and ±Infinity
 * are spelled out (so `toStrictEqual` compares numbers as Object.is does), bigints are tagged, typed
 * arrays keep their class, Maps keep their order.
 */
export type Dumped = null | boolean | string | number | Dumped[] | { [key: string]: Dumped };
export function dump(x: unknown): Dumped {
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
export function nanSum(data: ArrayLike<number>): { sum: number; nans: number } {
  let sum = 0;
  let nans = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isNaN(v)) nans++;
    else sum += v;
  }
  return { sum, nans };
}

/**
 * Hand-picked bin contents, read off the JSON files: [array, flat C-order position, exact value].
 * bigint for int storage and sparse indices, numbers (compared with Object.is) otherwise.
 */
export const SPOT_VALUES: Record<string, [string, number, number | bigint][]> = {
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
