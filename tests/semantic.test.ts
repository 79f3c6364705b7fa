/**
 * One test per semantic error: each asserts the code and the JSON pointer of the defect.
 */
import { describe, expect, it } from 'vitest';
import { checkBytes, decodeDocument, MESSAGES, type ErrorCode } from '../src/index.js';

const reg = (over: Record<string, unknown> = {}) => ({
  type: 'regular', lower: 0, upper: 1, bins: 2, underflow: true, overflow: true, circular: false, ...over,
});
const hist = (axes: unknown[], storage: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ h1: { uhi_schema: 1, axes, storage, ...extra } });

async function issuesOf(json: string) {
  return (await checkBytes(new TextEncoder().encode(json))).issues;
}

async function expectIssue(json: string, code: ErrorCode, path: string) {
  const issues = await issuesOf(json);
  expect(issues.map((i) => [i.code, i.path])).toContainEqual([code, path]);
  const found = issues.find((i) => i.code === code && i.path === path)!;
  expect(found.severity).toBe('error');
  expect(found.message).toContain(path);
  return found;
}

describe('semantic validation', () => {
  it('UNSUPPORTED_VERSION for a uhi_schema newer than supported', async () => {
    const i = await expectIssue(hist([reg()], { type: 'int', values: [1, 2, 3, 4] }, { uhi_schema: 2 }), 'UNSUPPORTED_VERSION', '/h1/uhi_schema');
    expect(i.message).toBe(MESSAGES.unsupportedVersion('/h1/uhi_schema', 2, 1));
  });

  it('AXIS_BINS for a regular axis with 0 bins', async () => {
    await expectIssue(hist([reg({ bins: 0 })], { type: 'int' }), 'AXIS_BINS', '/h1/axes/0/bins');
  });

  it('AXIS_RANGE when lower >= upper or a bound is not finite', async () => {
    await expectIssue(hist([reg({ lower: 1, upper: 1 })], { type: 'int' }), 'AXIS_RANGE', '/h1/axes/0');
    await expectIssue(JSON.stringify({ h1: { axes: [reg()], storage: { type: 'int' } } }).replace('"upper":1', '"upper":Infinity'), 'AXIS_RANGE', '/h1/axes/0');
  });

  it('EDGES_NOT_INCREASING names the first bad edge', async () => {
    const axis = { type: 'variable', edges: [0, 1, 2, 1.5, 3], underflow: false, overflow: false, circular: false };
    const i = await expectIssue(hist([axis], { type: 'int' }), 'EDGES_NOT_INCREASING', '/h1/axes/0/edges/3');
    expect(i.message).toBe(MESSAGES.edgeNotIncreasing('/h1/axes/0/edges/3', 1.5, 2));
  });

  it('EDGES_NOT_FINITE for NaN or infinite edges', async () => {
    const json = hist([{ type: 'variable', edges: [0, 1, 99], underflow: false, overflow: false, circular: false }], { type: 'int' }).replace('99', 'NaN');
    await expectIssue(json, 'EDGES_NOT_FINITE', '/h1/axes/0/edges/2');
  });

  it('EDGES_TOO_FEW for an out-of-band edges array with one value', async () => {
    // inline arrays with one edge are caught by the schema (minItems); this checks the semantic layer directly
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { h1: { axes: [{ type: 'variable', edges: 'e', underflow: false, overflow: false, circular: false }], storage: { type: 'int' } } },
      resources: new Map([['e', { dtype: 'f8', shape: [1], data: new Float64Array([1]) }]]),
    });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['EDGES_TOO_FEW', '/h1/axes/0/edges']]);
  });

  it('DUPLICATE_CATEGORY for repeated int categories given out of band', async () => {
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { h1: { axes: [{ type: 'category_int', categories: 'c', flow: false }], storage: { type: 'int' } } },
      resources: new Map([['c', { dtype: 'i8', shape: [3], data: new BigInt64Array([1n, 2n, 1n]) }]]),
    });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['DUPLICATE_CATEGORY', '/h1/axes/0/categories/2']]);
  });

  it('CATEGORY_NOT_INTEGER for non-integer categories given out of band', async () => {
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { h1: { axes: [{ type: 'category_int', categories: 'c', flow: false }], storage: { type: 'int' } } },
      resources: new Map([['c', { dtype: 'f8', shape: [2], data: new Float64Array([1, 2.5]) }]]),
    });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['CATEGORY_NOT_INTEGER', '/h1/axes/0/categories/1']]);
  });

  it('SHAPE_MISMATCH when the storage shape does not match axes and flow flags', async () => {
    const i = await expectIssue(hist([reg()], { type: 'double', values: [1, 2, 3] }), 'SHAPE_MISMATCH', '/h1/storage/values');
    expect(i.message).toBe(MESSAGES.shapeMismatch('/h1/storage/values', [3], [4], 'one flow-inclusive extent per axis'));
    // flow flags matter: without underflow the extent is 3
    expect(await issuesOf(hist([reg({ underflow: false })], { type: 'double', values: [1, 2, 3] }))).toEqual([]);
  });

  it('SHAPE_MISMATCH for ragged nested arrays', async () => {
    const axes = [reg({ underflow: false, overflow: false }), reg({ underflow: false, overflow: false })];
    await expectIssue(hist(axes, { type: 'double', values: [[1, 2], [3]] }), 'SHAPE_MISMATCH', '/h1/storage/values/1');
  });

  it('SHAPE_MISMATCH when weighted variances differ in shape from values', async () => {
    await expectIssue(hist([reg()], { type: 'weighted', values: [1, 2, 3, 4], variances: [1, 2, 3] }), 'SHAPE_MISMATCH', '/h1/storage/variances');
  });

  it('NON_INTEGER_VALUE for a fraction in int storage given out of band as floats', async () => {
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { h1: { axes: [reg()], storage: { type: 'int', values: 'v' } } },
      resources: new Map([['v', { dtype: 'f8', shape: [4], data: new Float64Array([1, 2, 2.5, 4]) }]]),
    });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['NON_INTEGER_VALUE', '/h1/storage/values/2']]);
  });

  it('integral floats in int storage are accepted as int64, ints in float storage as f8', async () => {
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { a: { axes: [reg()], storage: { type: 'int', values: 'v' } }, b: { axes: [reg()], storage: { type: 'double', values: 'w' } } },
      resources: new Map<string, import('../src/index.js').NDArray>([
        ['v', { dtype: 'f8', shape: [4], data: new Float64Array([1, 2, 3, 4]) }],
        ['w', { dtype: 'i4', shape: [4], data: new Int32Array([1, 2, 3, 4]) }],
      ]),
    });
    expect(r.issues).toEqual([]);
    expect(r.document!.histograms.get('a')!.storage.arrays.values!.data).toEqual(new BigInt64Array([1n, 2n, 3n, 4n]));
    expect(r.document!.histograms.get('b')!.storage.arrays.values!.dtype).toBe('f8');
  });

  it('DTYPE_NOT_ALLOWED for booleans as counts', async () => {
    const { rawToDocument } = await import('../src/index.js');
    const r = rawToDocument({
      json: { h1: { axes: [reg()], storage: { type: 'double', values: 'v' } } },
      resources: new Map([['v', { dtype: 'b1', shape: [4], data: new Uint8Array([1, 0, 1, 0]) }]]),
    });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['DTYPE_NOT_ALLOWED', '/h1/storage/values']]);
  });

  it('MISSING_ARRAY for a reference to nothing', async () => {
    await expectIssue(hist([reg()], { type: 'double', values: 'h1_storage_values.npy' }), 'MISSING_ARRAY', '/h1/storage/values');
  });

  it('SPARSE_INDEX_RANGE for an index past the flow-inclusive extent', async () => {
    await expectIssue(hist([reg()], { type: 'int', index: [[0, 4]], values: [1, 2] }), 'SPARSE_INDEX_RANGE', '/h1/storage/index/0/1');
  });

  it('SPARSE_INDEX_SHAPE when the index rows do not match the axes', async () => {
    await expectIssue(hist([reg(), reg()], { type: 'int', index: [[0, 1]], values: [1, 2] }), 'SPARSE_INDEX_SHAPE', '/h1/storage/index');
  });

  it('SHAPE_MISMATCH when sparse values do not match the number of indexed bins', async () => {
    await expectIssue(hist([reg()], { type: 'weighted', index: [[0, 1]], values: [1, 2], variances: [1] }), 'SHAPE_MISMATCH', '/h1/storage/variances');
  });

  it('SPARSE_INDEX_DUPLICATE for the same bin listed twice', async () => {
    await expectIssue(hist([reg()], { type: 'int', index: [[1, 2, 1]], values: [1, 2, 3] }), 'SPARSE_INDEX_DUPLICATE', '/h1/storage/index/0/2');
  });

  it('NON_INTEGER_VALUE for an int64 overflow in int storage', async () => {
    const i = await expectIssue(hist([reg({ underflow: false, overflow: false, bins: 1 })], { type: 'int', values: [1] }).replace('[1]', '[9223372036854775808]'), 'NON_INTEGER_VALUE', '/h1/storage/values/0');
    expect(i.message).toContain('9223372036854775808');
  });

  it('reports every problem, across histograms, not only the first', async () => {
    const json = JSON.stringify({
      a: { axes: [reg({ bins: 0 })], storage: { type: 'int' } },
      b: { axes: [reg()], storage: { type: 'double', values: [1] } },
    });
    const issues = await issuesOf(json);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['AXIS_BINS', '/a/axes/0/bins'],
      ['SHAPE_MISMATCH', '/b/storage/values'],
    ]);
  });

  it('decodeDocument throws a ValidationError carrying code, path and all issues', async () => {
    const bytes = new TextEncoder().encode(hist([reg()], { type: 'double', values: [1] }));
    await expect(decodeDocument(bytes)).rejects.toMatchObject({ name: 'ValidationError', code: 'SHAPE_MISMATCH', path: '/h1/storage/values', issues: [expect.objectContaining({ code: 'SHAPE_MISMATCH' })] });
  });

  it('paths escape "/" and "~" in histogram names (RFC 6901)', async () => {
    const json = JSON.stringify({ 'dir/h~1': { axes: [reg({ bins: 0 })], storage: { type: 'int' } } });
    expect((await issuesOf(json))[0]!.path).toBe('/dir~1h~01/axes/0/bins');
  });
});
