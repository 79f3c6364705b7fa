/**
 * numpy dtype descriptors (`<f8`, `|u1`, `>i4` …) ⇄ hist-serial dtypes, and byte views of arrays.
 * @module
 */
import { allocate, itemSize, sizeOf, viewOf, type Dtype, type NDArray, type TypedArray } from '../model/ndarray.js';

const BY_CHAR: Record<string, Dtype> = {
  b1: 'b1', i1: 'i1', u1: 'u1', i2: 'i2', u2: 'u2', i4: 'i4', u4: 'u4', i8: 'i8', u8: 'u8', f4: 'f4', f8: 'f8',
};

/** Little-endian numpy descriptor of a dtype (`|` for one-byte types). */
export function toDescr(dtype: Dtype): string {
  return (itemSize(dtype) === 1 ? '|' : '<') + dtype;
}

/** Parse a numpy descriptor; undefined when it is not one hist-serial supports. */
export function fromDescr(descr: string): { dtype: Dtype; bigEndian: boolean } | undefined {
  const m = /^([<>|=])?([biuf][1248])$/.exec(descr);
  if (!m) return undefined;
  const dtype = BY_CHAR[m[2]!];
  if (!dtype) return undefined;
  return { dtype, bigEndian: m[1] === '>' && itemSize(dtype) > 1 };
}

/** The bytes of an array's data (a view, no copy). */
export function bytesOf(a: { data: TypedArray }): Uint8Array {
  return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

/**
 * An NDArray over `bytes` (little-endian): a zero-copy view when the bytes are aligned for the
 * dtype, else a copy. The caller has checked that `bytes.length` matches dtype and shape.
 */
export function arrayFromBytes(dtype: Dtype, shape: readonly number[], bytes: Uint8Array): NDArray {
  const n = sizeOf(shape);
  if (bytes.byteOffset % itemSize(dtype) === 0) return { dtype, shape: [...shape], data: viewOf(dtype, bytes.buffer, bytes.byteOffset, n) };
  const data = allocate(dtype, n);
  new Uint8Array(data.buffer).set(bytes);
  return { dtype, shape: [...shape], data };
}
