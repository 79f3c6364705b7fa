/**
 * Arrays inside a document's extras (`fit_results`, `hs3`, `extensions`, …). In the model, any
 * position of an extras section may hold an {@link NDArray}; in the raw document that position holds
 * a string key into `resources` (or an {@link InlineArray} for codecs that write arrays inline), so
 * the native container stores the array as a buffer view, exactly as it stores histogram arrays.
 *
 * The key of an extras array is its own location: the JSON pointer of its position in the native
 * envelope (`/fit_results/main/covariance/values`). A reader turns a string back into an array only
 * when the string *is* the pointer of the position holding it and names an out-of-band array, so an
 * ordinary string (a parameter name, a label) is never mistaken for a reference. See spec.md 4.4.
 * @module
 */
import { HistSerialError, pointer } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { DTYPES, sizeOf, type NDArray } from './ndarray.js';

/**
 * Is `value` an {@link NDArray} (`{dtype, shape, data}` with a typed array of `product(shape)` elements)?
 *
 * @example
 * ```ts
 * isNDArray({ dtype: 'f8', shape: [2], data: new Float64Array(2) }); // true
 * ```
 */
export function isNDArray(value: unknown): value is NDArray {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Partial<NDArray>;
  return (
    typeof v.dtype === 'string' &&
    DTYPES.includes(v.dtype) &&
    Array.isArray(v.shape) &&
    ArrayBuffer.isView(v.data) &&
    !(v.data instanceof DataView)
  );
}

/** The out-of-band key of the extras array at `path` (a JSON pointer from the envelope's root): the pointer itself. */
export function extrasArrayKey(path: string): string {
  return path;
}

/**
 * A copy of `value` in which every {@link NDArray} is replaced by what `place(key, array)` returns
 * (the key, after putting the array into the resources; or an {@link InlineArray}). Unchanged
 * subtrees are shared, not copied; the input is never modified.
 */
function lower(value: unknown, path: string, place: (key: string, arr: NDArray) => unknown): unknown {
  if (isNDArray(value)) {
    if (value.data.length !== sizeOf(value.shape)) {
      throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.shapeMismatch(path, [value.data.length], value.shape, 'the data do not fill the shape'), { path });
    }
    return place(extrasArrayKey(path), value);
  }
  return mapChildren(value, path, (child, childPath) => lower(child, childPath, place));
}

/** `value` with each child (array item or object property) mapped; `value` itself when no child changed. */
function mapChildren(value: unknown, path: string, fn: (child: unknown, path: string) => unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // arrays of numbers are the bulk of extras: nothing to do inside them
      if (typeof item !== 'object' && typeof item !== 'string') continue;
      const mapped = fn(item, pointer(path, i));
      if (mapped !== item) (out ??= value.slice())[i] = mapped;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const mapped = fn(child, pointer(path, key));
    if (mapped !== child) {
      out ??= { ...(value as Record<string, unknown>) };
      // defineProperty: a key may be "__proto__"
      Object.defineProperty(out, key, { value: mapped, enumerable: true, writable: true, configurable: true });
    }
  }
  return out ?? value;
}

/**
 * Model → raw: the extras with each {@link NDArray} replaced by `place(key, array)`'s result.
 *
 * @example
 * ```ts
 * const resources = new Map();
 * const raw = extrasToRaw(doc.extras, (key, arr) => (resources.set(key, arr), key));
 * ```
 */
export function extrasToRaw(extras: Record<string, unknown>, place: (key: string, arr: NDArray) => unknown): Record<string, unknown> {
  return lower(extras, '', place) as Record<string, unknown>;
}

/**
 * Raw → model: the extras with each out-of-band reference (a string equal to the JSON pointer of its
 * own position, naming an array of `resources`) replaced by that array. Other strings are kept.
 *
 * @example
 * ```ts
 * const extras = extrasFromRaw(raw.extras, raw.resources);
 * ```
 */
export function extrasFromRaw(extras: Record<string, unknown>, resources: ReadonlyMap<string, NDArray>): Record<string, unknown> {
  if (resources.size === 0) return extras;
  const raise = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return value === extrasArrayKey(path) ? (resources.get(value) ?? value) : value;
    return mapChildren(value, path, raise);
  };
  return raise(extras, '') as Record<string, unknown>;
}
