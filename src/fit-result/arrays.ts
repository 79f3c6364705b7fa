/**
 * Reading the array positions of a fit result, whatever holds them: nested lists, an
 * {@link NDArray}, or the key of an out-of-band array. Everything becomes float64.
 * @module
 */
import { issue, type Issue } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { isNDArray } from '../model/extras.js';
import { sizeOf, toFloat64, type NDArray } from '../model/ndarray.js';

/** An array position read as float64: its shape and C-order data. */
export interface Numbers {
  shape: number[];
  data: Float64Array;
}

/** Out-of-band arrays by key, as in {@link RawDocument.resources}. */
export type Resources = ReadonlyMap<string, NDArray>;

/**
 * Read an array position. Problems (a key naming nothing, ragged nested lists, non-numbers) are
 * pushed to `issues` and give `undefined`.
 */
export function readNumbers(value: unknown, path: string, resources: Resources | undefined, issues: Issue[]): Numbers | undefined {
  if (typeof value === 'string') {
    const arr = resources?.get(value);
    if (!arr) {
      issues.push(issue('MISSING_ARRAY', path, MESSAGES.missingArray(path, value)));
      return undefined;
    }
    return { shape: [...arr.shape], data: toFloat64(arr) };
  }
  if (isNDArray(value)) {
    if (value.data.length !== sizeOf(value.shape)) {
      issues.push(issue('SHAPE_MISMATCH', path, MESSAGES.shapeMismatch(path, [value.data.length], value.shape, 'the data do not fill the shape')));
      return undefined;
    }
    return { shape: [...value.shape], data: toFloat64(value) };
  }
  if (typeof value === 'number') return { shape: [], data: Float64Array.of(value) };
  if (!Array.isArray(value)) {
    issues.push(issue('SCHEMA', path, MESSAGES.schema(path, 'must be an array of numbers or the key of an out-of-band array')));
    return undefined;
  }
  return nested(value, path, issues);
}

/** Nested lists → shape and data; ragged rows are a SHAPE_MISMATCH at the first ragged row. */
function nested(value: unknown[], path: string, issues: Issue[]): Numbers | undefined {
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const data = new Float64Array(sizeOf(shape));
  let at = 0;
  const walk = (v: unknown, depth: number, p: string): boolean => {
    if (depth === shape.length) {
      if (typeof v !== 'number') {
        issues.push(issue('SCHEMA', p, MESSAGES.schema(p, 'must be a number')));
        return false;
      }
      data[at++] = v;
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      issues.push(issue('SHAPE_MISMATCH', p, MESSAGES.raggedArray(p)));
      return false;
    }
    for (let i = 0; i < v.length; i++) if (!walk(v[i], depth + 1, `${p}/${i}`)) return false;
    return true;
  };
  return walk(value, 0, path) ? { shape, data } : undefined;
}

/** Nested lists of a float64 array of the given shape (C order). */
export function toNested(shape: readonly number[], data: ArrayLike<number>): unknown {
  if (shape.length === 0) return data[0];
  let at = 0;
  const build = (depth: number): unknown[] => {
    const n = shape[depth]!;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = depth === shape.length - 1 ? data[at++] : build(depth + 1);
    return out;
  };
  return build(0);
}
