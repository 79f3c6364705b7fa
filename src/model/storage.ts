/**
 * Storages: the bin contents. Dense arrays include flow bins and follow UHI's layout exactly
 * (C order, one dimension per axis, each of length `extent(axis)`). Sparse storages hold an
 * `index` of shape [axes, filled bins] and 1-d arrays of the filled bins.
 * @module
 */
import { allocate, FLOAT_DTYPES, INT_DTYPES, sizeOf, stridesOf, type Dtype, type NDArray } from './ndarray.js';

/** Storage type names, as in the UHI schema. */
export const STORAGE_TYPES = ['int', 'double', 'weighted', 'mean', 'weighted_mean'] as const;
/** One of {@link STORAGE_TYPES}. */
export type StorageType = (typeof STORAGE_TYPES)[number];

/** The arrays each storage type carries, in UHI's order. */
export const STORAGE_FIELDS = {
  int: ['values'],
  double: ['values'],
  weighted: ['values', 'variances'],
  mean: ['counts', 'values', 'variances'],
  weighted_mean: ['sum_of_weights', 'sum_of_weights_squared', 'values', 'variances'],
} as const satisfies Record<StorageType, readonly string[]>;

/** Name of a storage array (`values`, `variances`, `counts`, `sum_of_weights`, `sum_of_weights_squared`). */
export type StorageField = (typeof STORAGE_FIELDS)[StorageType][number];

/** dtypes allowed per storage type. int storage: integers; the rest: floats. */
export const ALLOWED_DTYPES: Record<StorageType, readonly Dtype[]> = {
  int: INT_DTYPES,
  double: FLOAT_DTYPES,
  weighted: FLOAT_DTYPES,
  mean: FLOAT_DTYPES,
  weighted_mean: FLOAT_DTYPES,
};

/** How bins are held: all of them, only the filled ones, or none (metadata-only histogram). */
export type StorageLayout = 'dense' | 'sparse' | 'empty';

/**
 * Bin contents. `arrays` has every field of {@link STORAGE_FIELDS}[type] unless `layout` is `empty`.
 * Int storage holds `i8` (BigInt64Array) when read from JSON, so counts up to 2^63 - 1 are exact.
 */
export interface Storage {
  type: StorageType;
  layout: StorageLayout;
  /** Sparse only: integer bin indices, shape [number of axes, number of filled bins]; flow bins included. */
  index?: NDArray;
  arrays: Partial<Record<StorageField, NDArray>>;
}

/** The fields of a storage type. */
export function storageFields(type: StorageType): readonly StorageField[] {
  return STORAGE_FIELDS[type];
}

/**
 * Sparse → dense: allocate the full flow-inclusive arrays and scatter the filled bins.
 * Dense and empty storages are returned unchanged.
 */
export function toDense(storage: Storage, shape: readonly number[]): Storage {
  if (storage.layout !== 'sparse') return storage;
  const index = storage.index!;
  const naxes = shape.length;
  const nnz = naxes === 0 ? (storage.arrays.values?.data.length ?? 0) : index.shape[1]!;
  const strides = stridesOf(shape);
  const flat = new Float64Array(nnz);
  for (let j = 0; j < nnz; j++) {
    let f = 0;
    for (let k = 0; k < naxes; k++) f += Number(index.data[k * nnz + j]!) * strides[k]!;
    flat[j] = f;
  }
  const arrays: Storage['arrays'] = {};
  for (const field of storageFields(storage.type)) {
    const src = storage.arrays[field]!;
    const dst = allocate(src.dtype, sizeOf(shape));
    for (let j = 0; j < nnz; j++) (dst as Float64Array)[flat[j]!] = src.data[j] as number;
    arrays[field] = { dtype: src.dtype, shape: [...shape], data: dst };
  }
  return { type: storage.type, layout: 'dense', arrays };
}

/**
 * Dense → sparse: keep the bins where any field is non-zero (NaN counts as non-zero).
 * The index dtype is i8, as uhi's `to_sparse` writes it.
 */
export function toSparse(storage: Storage, shape: readonly number[]): Storage {
  if (storage.layout !== 'dense') return storage;
  const fields = storageFields(storage.type);
  const n = sizeOf(shape);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const field of fields) {
      const v = storage.arrays[field]!.data[i]!;
      if (v !== 0 && v !== 0n) {
        keep.push(i);
        break;
      }
    }
  }
  const naxes = shape.length;
  const nnz = keep.length;
  const index = new BigInt64Array(naxes * nnz);
  const strides = stridesOf(shape);
  for (let j = 0; j < nnz; j++) {
    let rest = keep[j]!;
    for (let k = 0; k < naxes; k++) {
      const q = Math.floor(rest / strides[k]!);
      index[k * nnz + j] = BigInt(q);
      rest -= q * strides[k]!;
    }
  }
  const arrays: Storage['arrays'] = {};
  for (const field of fields) {
    const src = storage.arrays[field]!;
    const dst = allocate(src.dtype, nnz);
    for (let j = 0; j < nnz; j++) (dst as Float64Array)[j] = src.data[keep[j]!] as number;
    arrays[field] = { dtype: src.dtype, shape: [nnz], data: dst };
  }
  return { type: storage.type, layout: 'sparse', index: { dtype: 'i8', shape: [naxes, nnz], data: index }, arrays };
}
