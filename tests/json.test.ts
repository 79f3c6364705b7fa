import { describe, expect, it } from 'vitest';
import { InlineArray, isHistSerialError, parseJson, stringifyJson } from '../src/index.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('parseJson', () => {
  it('reads the bare NaN, Infinity and -Infinity tokens Python writes', () => {
    const { value } = parseJson('{"v": [NaN, Infinity, -Infinity, 1.5, -0.0]}');
    const v = (value as { v: number[] }).v;
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(Infinity);
    expect(v[2]).toBe(-Infinity);
    expect(v[3]).toBe(1.5);
    expect(Object.is(v[4], -0)).toBe(true);
  });

  it('keeps integers beyond 2^53 exact in the side table, as the nearest double in the value', () => {
    const { value, exact } = parseJson('{"v": [9223372036854775807, 1, -9007199254740993]}');
    const v = (value as { v: number[] }).v;
    expect(v[0]).toBe(9223372036854775807);
    expect(exact?.get(v)?.get(0)).toBe(9223372036854775807n);
    expect(exact?.get(v)?.get(2)).toBe(-9007199254740993n);
    expect(exact?.get(v)?.has(1)).toBe(false);
  });

  it('does not treat long fractions or strings as big integers', () => {
    const { value, exact } = parseJson('{"a": 0.12345678901234567890, "b": "12345678901234567890"}');
    expect(exact).toBeUndefined();
    expect(value).toEqual({ a: 0.12345678901234568, b: '12345678901234567890' });
  });

  it('keeps "__proto__" as an ordinary key on both paths', () => {
    for (const src of ['{"__proto__": {"x": 1}}', '{"__proto__": {"x": NaN}}']) {
      const { value } = parseJson(src);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.keys(value as object)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    }
  });

  it('reports syntax errors with line and column', () => {
    try {
      parseJson('{\n  "a": [1, 2,, 3]\n}');
      expect.unreachable();
    } catch (err) {
      expect(isHistSerialError(err, 'PARSE')).toBe(true);
      expect((err as Error).message).toBe("Invalid JSON: unexpected character \",\" at line 2, column 14");
    }
    for (const bad of ['', '{', '[1 2]', '{"a" 1}', '{"a": nan}', '01', '1.', '{"a": "x\ty"}', '[1] x']) {
      expect(() => parseJson(bad), bad).toThrow(expect.objectContaining({ code: 'PARSE' }));
    }
  });

  it('refuses nesting deeper than the limit with LIMIT_EXCEEDED instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJson(deep)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    const deepNaN = '['.repeat(100_000) + 'NaN' + ']'.repeat(100_000);
    expect(() => parseJson(deepNaN)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    expect(() => parseJson('[[[1]]]', { maxDepth: 2 })).toThrow(/nesting deeper than 2 levels at line 1, column 3/);
    expect(parseJson('[[[1]]]', { maxDepth: 3 }).value).toEqual([[[1]]]);
  });
});

describe('stringifyJson', () => {
  const floats = new InlineArray({ dtype: 'f8', shape: [6], data: new Float64Array([1, 0.5, -0, NaN, Infinity, -Infinity]) });

  it('writes Python-compatible tokens by default, floats with a decimal point, -0 as -0.0', () => {
    expect(text(stringifyJson({ v: floats }))).toBe('{\n  "v": [1.0,0.5,-0.0,NaN,Infinity,-Infinity]\n}\n');
  });

  it('refuses non-finite values in strict mode, naming the path', () => {
    try {
      stringifyJson({ h: { v: floats } }, { nonFinite: 'error' });
      expect.unreachable();
    } catch (err) {
      expect(isHistSerialError(err, 'NON_FINITE_VALUE')).toBe(true);
      expect((err as { path: string }).path).toBe('/h/v/3');
    }
    expect(() => stringifyJson({ m: { x: NaN } }, { nonFinite: 'error' })).toThrow(expect.objectContaining({ path: '/m/x' }));
  });

  it('writes 64-bit integers exactly and nested arrays one row per line', () => {
    const ints = new InlineArray({ dtype: 'i8', shape: [2, 2], data: new BigInt64Array([9223372036854775807n, -1n, 0n, 2n]) });
    expect(text(stringifyJson({ v: ints }))).toBe('{\n  "v": [\n    [9223372036854775807,-1],\n    [0,2]\n  ]\n}\n');
    const scalar = new InlineArray({ dtype: 'f8', shape: [], data: new Float64Array([2.5]) });
    expect(text(stringifyJson({ v: scalar }))).toBe('{\n  "v": 2.5\n}\n');
  });

  it('takes the native paths block by block and agrees with element-wise formatting', () => {
    const n = 40_000; // three blocks of 16384
    const mixed = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? i : i + 0.25));
    mixed[20_000] = NaN;
    const integral = Float64Array.from({ length: n }, (_, i) => i - 5);
    const fractional = Float64Array.from({ length: n }, (_, i) => i / 3 + 0.1);
    for (const data of [mixed, integral, fractional]) {
      const out = text(stringifyJson({ v: new InlineArray({ dtype: 'f8', shape: [n], data }) }));
      const expected = Array.from(data, (x) => (Number.isNaN(x) ? 'NaN' : Number.isInteger(x) ? `${x}.0` : String(x))).join(',');
      expect(out).toBe(`{\n  "v": [${expected}]\n}\n`);
    }
    const huge = new InlineArray({ dtype: 'f8', shape: [2], data: new Float64Array([1e21, 2e300]) });
    expect(text(stringifyJson({ v: huge }))).toBe('{\n  "v": [1e+21,2e+300]\n}\n');
  });

  it('round-trips through parseJson value for value', () => {
    const data = new Float64Array([0.1, 1e-300, 1.7976931348623157e308, 123456789.125, -2.5e-7, 1e21, 5e-324]);
    const bytes = stringifyJson({ v: new InlineArray({ dtype: 'f8', shape: [data.length], data }) });
    const back = (parseJson(text(bytes)).value as { v: number[] }).v;
    expect(back).toEqual(Array.from(data));
  });

  it('escapes strings and keeps unicode', () => {
    expect(text(stringifyJson({ 'a"b': 'µ→ℓℓ\n' }))).toBe('{\n  "a\\"b": "µ→ℓℓ\\n"\n}\n');
  });
});

describe('parseJson flat-array fast path', () => {
  it('agrees with the character parser on flat arrays with tokens, literals and odd spacing', () => {
    const cases = [
      '[NaN, Infinity, -Infinity, 1, -0.0, 2.5e-3]',
      '[ 1 ,2\n,\t3 ]',
      '[true, 1, null]',
      '[]',
      '[[1, NaN], [Infinity, 2]]',
      '{"a": [1, 9007199254740993, NaN]}',
    ];
    for (const c of cases) {
      const { value, exact } = parseJson(c + ' ');
      const reference = JSON.parse(c.replace(/-?Infinity|NaN/g, '"$&"'), (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
      expect(value, c).toEqual(reference);
      if (c.includes('9007199254740993')) expect(exact?.get((value as { a: unknown[] }).a)?.get(1)).toBe(9007199254740993n);
    }
  });

  it('reports malformed flat arrays at the right place', () => {
    expect(() => parseJson('[1, NaN, 2,]')).toThrow(/line 1, column 12/);
    expect(() => parseJson('[1, Nan]')).toThrow(/unexpected token/);
  });
});
