/**
 * Typed n-dimensional arrays: the one container for bin data in the model.
 * Data is always in native (little-endian on every supported platform) byte order and C order.
 * @module
 */

/** numpy-style dtype names without byte order: b1 bool, iN signed, uN unsigned, fN float (N bytes). */
export type Dtype = 'b1' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'f4' | 'f8';

/** All dtypes, in the order used by messages. */
export const DTYPES: readonly Dtype[] = ['b1', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f4', 'f8'];
/** Integer dtypes (bool excluded). */
export const INT_DTYPES: readonly Dtype[] = ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8'];
/** Floating-point dtypes. */
export const FLOAT_DTYPES: readonly Dtype[] = ['f4', 'f8'];

/** Any of the JS typed arrays that back an {@link NDArray}. */
export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A typed n-d array: `data.length === product(shape)`, C order. `shape` `[]` is a scalar. */
export interface NDArray<T extends TypedArray = TypedArray> {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: T;
}

type TypedArrayConstructor = { new (n: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

const CONSTRUCTORS: Record<Dtype, TypedArrayConstructor> = {
  b1: Uint8Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
  f4: Float32Array,
  f8: Float64Array,
};

/**
 * A typed array of `dtype` over existing memory (no copy): `length` elements from `byteOffset`,
 * which must be a multiple of the item size.
 */
export function viewOf(dtype: Dtype, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  const ctor = CONSTRUCTORS[dtype] as unknown as new (b: ArrayBufferLike, o: number, n: number) => TypedArray;
  return new ctor(buffer, byteOffset, length);
}

/** Bytes per element of a dtype. */
export function itemSize(dtype: Dtype): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

/** Is it a 64-bit integer dtype (data are bigints)? */
export function isBigIntDtype(dtype: Dtype): dtype is 'i8' | 'u8' {
  return dtype === 'i8' || dtype === 'u8';
}

/** Is it an integer dtype (bool excluded)? */
export function isIntDtype(dtype: Dtype): boolean {
  return INT_DTYPES.includes(dtype);
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocate a zero-filled typed array for `n` elements of `dtype`. */
export function allocate(dtype: Dtype, n: number): TypedArray {
  return new CONSTRUCTORS[dtype](n);
}

/**
 * Make an NDArray, checking that data length matches the shape.
 *
 * @example
 * ```ts
 * const a = ndarray('f8', [2, 3], new Float64Array(6));
 * ```
 */
export function ndarray<T extends TypedArray>(dtype: Dtype, shape: readonly number[], data: T): NDArray<T> {
  if (data.length !== sizeOf(shape)) {
    throw new RangeError(`ndarray: data has ${data.length} elements, shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
  }
  if (!(data instanceof CONSTRUCTORS[dtype])) {
    throw new TypeError(`ndarray: dtype ${dtype} needs a ${CONSTRUCTORS[dtype].name}, got ${data.constructor.name}`);
  }
  return { dtype, shape: [...shape], data };
}

/** The dtype that matches a typed array's class (Uint8Array maps to u1). */
export function dtypeOf(data: TypedArray): Dtype {
  for (const dtype of DTYPES) if (dtype !== 'b1' && data instanceof CONSTRUCTORS[dtype]) return dtype;
  throw new TypeError(`not a supported typed array: ${(data as object).constructor.name}`);
}

/** Element `i` as a JS number (bigints converted; exact up to 2^53). */
export function numberAt(a: NDArray, i: number): number {
  const v = a.data[i]!;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** All elements as a new Float64Array (bigints converted). */
export function toFloat64(a: NDArray): Float64Array {
  if (a.data instanceof Float64Array) return a.data.slice();
  const out = new Float64Array(a.data.length);
  if (isBigIntDtype(a.dtype)) {
    const d = a.data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]!);
  } else {
    out.set(a.data as Exclude<TypedArray, BigInt64Array | BigUint64Array>);
  }
  return out;
}

/** Convert to another dtype (a copy; values converted as numpy's astype with unsafe casting would). */
export function astype(a: NDArray, dtype: Dtype): NDArray {
  if (a.dtype === dtype) return { dtype, shape: [...a.shape], data: a.data.slice() };
  const out = allocate(dtype, a.data.length);
  const toBig = isBigIntDtype(dtype);
  const fromBig = isBigIntDtype(a.dtype);
  if (!toBig && !fromBig) {
    (out as Float64Array).set(a.data as Float64Array);
  } else {
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i]!;
      if (toBig) (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
      else (out as Float64Array)[i] = Number(v);
    }
  }
  return { dtype, shape: [...a.shape], data: out };
}

/** Strides (in elements) of a C-order shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k]!;
  }
  return strides;
}

/** Multi-index of flat position `flat` in a C-order shape. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    idx[k] = flat % d;
    flat = Math.floor(flat / d);
  }
  return idx;
}
