/**
 * Adding histograms (what `hist-serial merge` and ROOT's hadd do): bin by bin, for histograms with
 * the same axes and storage type. Counts and sums add; mean storages combine their means and
 * variances exactly (the pooled formulas, as boost-histogram's accumulators do when added). No IO.
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { sameBinning, type Axis } from './axis.js';
import { denseShape, type HistDocument, type Histogram } from './histogram.js';
import { isBigIntDtype, sizeOf, type NDArray } from './ndarray.js';
import { toDense, type Storage } from './storage.js';

/** Why two histograms cannot be added, or undefined when they can. */
export function mergeProblem(a: Histogram, b: Histogram): string | undefined {
  if (a.axes.length !== b.axes.length) return MESSAGES.mergeAxisCount(a.axes.length, b.axes.length);
  for (let k = 0; k < a.axes.length; k++) {
    if (!sameBinning(a.axes[k]!, b.axes[k]!)) return MESSAGES.mergeAxis(k, describeAxis(a.axes[k]!), describeAxis(b.axes[k]!));
  }
  if (a.storage.type !== b.storage.type) return MESSAGES.mergeStorage(a.storage.type, b.storage.type);
  if ((a.storage.layout === 'empty') !== (b.storage.layout === 'empty')) return MESSAGES.mergeEmpty();
  return undefined;
}

function describeAxis(a: Axis): string {
  switch (a.type) {
    case 'regular':
      return `regular ${a.bins} bins [${a.lower}, ${a.upper})${a.underflow ? ' underflow' : ''}${a.overflow ? ' overflow' : ''}${a.circular ? ' circular' : ''}`;
    case 'variable':
      return `variable ${a.edges.length - 1} bins [${a.edges[0]}, ${a.edges[a.edges.length - 1]}]`;
    case 'category_str':
    case 'category_int':
      return `${a.type} {${Array.from(a.categories as ArrayLike<string | number>).slice(0, 4).join(', ')}${a.categories.length > 4 ? ', ...' : ''}}${a.flow ? ' flow' : ''}`;
    case 'boolean':
      return 'boolean';
  }
}

const f8 = (shape: readonly number[], data: Float64Array): NDArray => ({ dtype: 'f8', shape: [...shape], data });

function asF8(a: NDArray): Float64Array {
  if (a.data instanceof Float64Array) return a.data;
  return Float64Array.from(a.data as ArrayLike<number | bigint>, Number);
}

/** a + b, elementwise: int64 for integer storages (exact), float64 otherwise. */
function add(a: NDArray, b: NDArray, integer: boolean): NDArray {
  const n = a.data.length;
  if (integer) {
    const out = new BigInt64Array(n);
    const big = (x: NDArray) => (isBigIntDtype(x.dtype) ? (x.data as BigInt64Array) : BigInt64Array.from(x.data as ArrayLike<number>, (v) => BigInt(v)));
    const [x, y] = [big(a), big(b)];
    for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, x[i]! + y[i]!);
    return { dtype: 'i8', shape: [...a.shape], data: out };
  }
  const [x, y] = [asF8(a), asF8(b)];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
  return f8(a.shape, out);
}

/**
 * Pooled mean and variance of two groups (sum of weights w, mean m, variance v with denominator
 * `denominator(w, w2)`: w − 1 for `mean`, w − w2/w for `weighted_mean`).
 */
function pool(
  w1: Float64Array, m1: Float64Array, v1: Float64Array,
  w2: Float64Array, m2: Float64Array, v2: Float64Array,
  denom: (i: number, which: 0 | 1 | 2) => number,
  wsum: Float64Array,
): { mean: Float64Array; variance: Float64Array } {
  const n = w1.length;
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = w1[i]!;
    const b = w2[i]!;
    const w = wsum[i]!;
    if (a === 0) {
      mean[i] = m2[i]!;
      variance[i] = v2[i]!;
      continue;
    }
    if (b === 0) {
      mean[i] = m1[i]!;
      variance[i] = v1[i]!;
      continue;
    }
    const m = (a * m1[i]! + b * m2[i]!) / w;
    const d = m1[i]! - m2[i]!;
    // sums of (weighted) squared deviations of each group, then of the union
    const s1 = denom(i, 1) > 0 ? v1[i]! * denom(i, 1) : 0;
    const s2 = denom(i, 2) > 0 ? v2[i]! * denom(i, 2) : 0;
    const s = s1 + s2 + ((a * b) / w) * d * d;
    const dn = denom(i, 0);
    mean[i] = m;
    variance[i] = dn > 0 ? s / dn : 0;
  }
  return { mean, variance };
}

function mergeStorage(a: Storage, b: Storage, shape: readonly number[]): Storage {
  if (a.layout === 'empty') return a;
  const A = toDense(a, shape).arrays;
  const B = toDense(b, shape).arrays;
  switch (a.type) {
    case 'int':
      return { type: 'int', layout: 'dense', arrays: { values: add(A.values!, B.values!, true) } };
    case 'double':
      return { type: 'double', layout: 'dense', arrays: { values: add(A.values!, B.values!, false) } };
    case 'weighted':
      return { type: 'weighted', layout: 'dense', arrays: { values: add(A.values!, B.values!, false), variances: add(A.variances!, B.variances!, false) } };
    case 'mean': {
      const [n1, n2] = [asF8(A.counts!), asF8(B.counts!)];
      const counts = add(A.counts!, B.counts!, false);
      const n = counts.data as Float64Array;
      const { mean, variance } = pool(n1, asF8(A.values!), asF8(A.variances!), n2, asF8(B.values!), asF8(B.variances!), (i, which) => (which === 0 ? n[i]! : which === 1 ? n1[i]! : n2[i]!) - 1, n);
      return { type: 'mean', layout: 'dense', arrays: { counts, values: f8(shape, mean), variances: f8(shape, variance) } };
    }
    case 'weighted_mean': {
      const [w1, w2] = [asF8(A.sum_of_weights!), asF8(B.sum_of_weights!)];
      const [q1, q2] = [asF8(A.sum_of_weights_squared!), asF8(B.sum_of_weights_squared!)];
      const sw = add(A.sum_of_weights!, B.sum_of_weights!, false);
      const sw2 = add(A.sum_of_weights_squared!, B.sum_of_weights_squared!, false);
      const w = sw.data as Float64Array;
      const q = sw2.data as Float64Array;
      const denom = (i: number, which: 0 | 1 | 2) => {
        const [x, y] = which === 0 ? [w[i]!, q[i]!] : which === 1 ? [w1[i]!, q1[i]!] : [w2[i]!, q2[i]!];
        return x === 0 ? 0 : x - y / x;
      };
      const { mean, variance } = pool(w1, asF8(A.values!), asF8(A.variances!), w2, asF8(B.values!), asF8(B.variances!), denom, w);
      return { type: 'weighted_mean', layout: 'dense', arrays: { sum_of_weights: sw, sum_of_weights_squared: sw2, values: f8(shape, mean), variances: f8(shape, variance) } };
    }
  }
}

/**
 * The sum of two histograms with the same axes and storage type (axes, metadata of `a`; dense
 * storage; int storages become int64). Throws INVALID_ARGUMENT naming what differs.
 *
 * @example
 * ```ts
 * const total = mergeHistograms(run1.histograms.get('mass')!, run2.histograms.get('mass')!);
 * ```
 */
export function mergeHistograms(a: Histogram, b: Histogram, name = ''): Histogram {
  const problem = mergeProblem(a, b);
  if (problem) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.mergeRefused(name, problem));
  const shape = denseShape(a);
  if (sizeOf(shape) !== sizeOf(denseShape(b))) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.mergeRefused(name, 'shapes differ'));
  const out: Histogram = { axes: a.axes, storage: mergeStorage(a.storage, b.storage, shape) };
  if (a.metadata) out.metadata = a.metadata;
  return out;
}

/**
 * Add `next` into `total`, histogram by histogram (hadd's rule: same-named histograms are added,
 * the others are kept). Returns `total`, changed in place.
 *
 * @example
 * ```ts
 * let total = await readDocument(files[0]);
 * for (const f of files.slice(1)) mergeDocuments(total, await readDocument(f));
 * ```
 */
export function mergeDocuments(total: HistDocument, next: HistDocument): HistDocument {
  for (const [name, h] of next.histograms) {
    const have = total.histograms.get(name);
    total.histograms.set(name, have ? mergeHistograms(have, h, name) : h);
  }
  return total;
}
