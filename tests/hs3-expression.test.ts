/**
 * HS3 generic expressions (spec 3.1): exact values of every operator and function, precedence and
 * associativity, symbols, positional evaluation, and the errors for what the language does not have.
 */
import jsep from 'jsep';
import { describe, expect, it } from 'vitest';
import { isHistSerialError, type ErrorCode } from '../src/errors.js';
import { HS3_EVAL_MESSAGES as M } from '../src/messages.js';
import {
  compileExpression,
  EXPRESSION_FUNCTIONS,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
} from '../src/model/hs3/eval/expression.js';

const PATH = '/functions/3/expression';

/** Compile and evaluate with named values. */
function ev(source: string, vars: Record<string, number> = {}): number {
  const e = compileExpression(source, PATH);
  return e.evaluate(e.symbols.map((s) => {
    const v = vars[s];
    if (v === undefined) throw new Error(`test gives no value for ${s}`);
    return v;
  }));
}

/** The same expression with every symbol replaced by its value as a literal (exercises constant folding). */
function literalForm(source: string, vars: Record<string, number>): string {
  return source.replace(/[A-Za-z_][A-Za-z0-9_]*(?!\w|\()/g, (name) => (name in vars ? `(${String(vars[name])})` : name));
}

/** Both the symbolic and the folded form must give exactly `expected`. */
function expectValue(source: string, vars: Record<string, number>, expected: number): void {
  expect(ev(source, vars), source).toBe(expected);
  expect(ev(literalForm(source, vars)), literalForm(source, vars)).toBe(expected);
}

/** The error thrown by compiling `source`. */
function errorOf(source: string): { code: ErrorCode; path: string; message: string } {
  try {
    compileExpression(source, PATH);
  } catch (err) {
    if (isHistSerialError(err)) return { code: err.code, path: err.path, message: err.message };
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}

const approxEqual = (a: number, b: number) => a === b || Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));

describe('literals and constants', () => {
  it.each([
    ['1234', 1234],
    ['123.4', 123.4],
    ['1.234e2', 123.4],
    ['1.234E2', 123.4],
    ['1.5e-3', 0.0015],
    ['TRUE', 1],
    ['FALSE', 0],
    ['PI', Math.PI],
    ['EULER', Math.E],
    ['TRUE + TRUE', 2],
    ['2/3', 2 / 3],
    ['7/2', 3.5],
  ])('%s = %d', (source, expected) => {
    expect(ev(source)).toBe(expected);
  });
});

describe('arithmetic', () => {
  const vars = { a: 0.3, b: 1.7, c: -2.5, d: 4.1 };
  const { a, b, c, d } = vars;
  // every operand kind: symbol, constant, sub-expression, on each side
  const ops: [string, (x: number, y: number) => number][] = [
    ['+', (x, y) => x + y],
    ['-', (x, y) => x - y],
    ['*', (x, y) => x * y],
    ['/', (x, y) => x / y],
    ['^', (x, y) => Math.pow(x, y)],
  ];
  const forms: [string, string, number, number][] = [
    ['a', 'b', a, b],
    ['a', '2', a, 2],
    ['3', 'b', 3, b],
    ['a', '(b*c)', a, b * c],
    ['(b*c)', 'd', b * c, d],
    ['2', '(b*c)', 2, b * c],
    ['(b*c)', '2', b * c, 2],
    ['(a*b)', '(c*d)', a * b, c * d],
    ['(b*d)', '0.5', b * d, 0.5],
  ];
  for (const [op, f] of ops) {
    it.each(forms)(`%s ${op} %s`, (x, y, vx, vy) => {
      expectValue(`${x} ${op} ${y}`, vars, f(vx, vy));
    });
  }

  it('unary minus and plus', () => {
    expectValue('-a', vars, -a);
    expectValue('+a', vars, a);
    expectValue('-(a*b)', vars, -(a * b));
    expectValue('- - a', vars, a);
    expect(Object.is(ev('-x', { x: 0 }), -0)).toBe(true);
  });

  it('x^2 is x*x, and ^ is Math.pow otherwise', () => {
    for (const x of [0.1, 1 / 3, 1.7, -2.5, 1e155]) {
      expect(ev('x^2', { x })).toBe(x * x);
      expect(ev('(x+0)^2', { x })).toBe(x * x);
      expect(ev('x^3', { x })).toBe(Math.pow(x, 3));
      expect(ev('x^y', { x, y: 0.5 })).toBe(Math.pow(x, 0.5));
    }
    expect(ev('(-8)^(1/3)')).toBeNaN();
  });
});

describe('precedence and associativity', () => {
  it.each([
    ['-x^2', { x: 3 }, -9],
    ['(-x)^2', { x: 3 }, 9],
    ['-2^2', {}, -4],
    ['(-2)^2', {}, 4],
    ['2^3^2', {}, 512],
    ['(2^3)^2', {}, 64],
    ['2^-1', {}, 0.5],
    ['2^-1^2', {}, 0.5],
    ['x^-2', { x: 2 }, 0.25],
    ['-x^-2', { x: 2 }, -0.25],
    ['--x^2', { x: 3 }, 9],
    ['2*x^2', { x: 3 }, 18],
    ['x^2*2', { x: 3 }, 18],
    ['-x^2*2', { x: 3 }, -18],
    ['x^2^-1', { x: 4 }, 2],
    ['!x^2', { x: 0 }, 1],
    ['1+2*3', {}, 7],
    ['(1+2)*3', {}, 9],
    ['8/4*2', {}, 4],
    ['8/(4*2)', {}, 1],
    ['10-4-3', {}, 3],
    ['10-(4-3)', {}, 9],
    ['10-4+3', {}, 9],
    ['1 + 2 < 4', {}, 1],
    ['1 < 2 == 1', {}, 1],
    ['3 > 2 > 1', {}, 0],
    ['1 || 0 && 0', {}, 1],
    ['(1 || 0) && 0', {}, 0],
    ['!0 && 0', {}, 0],
    ['!(0 && 0)', {}, 1],
    ['1 + 0 ? 5 : 6', {}, 5],
    ['a ? 1 : b ? 2 : 3', { a: 0, b: 1 }, 2],
    ['a ? 1 : b ? 2 : 3', { a: 0, b: 0 }, 3],
    ['a ? b ? 1 : 2 : 3', { a: 1, b: 0 }, 2],
    ['a ? b ? 1 : 2 : 3', { a: 0, b: 0 }, 3],
    ['x > 0 ? sqrt(x) : -x^2', { x: 4 }, 2],
    ['x > 0 ? sqrt(x) : -x^2', { x: -3 }, -9],
    ['2*(x > 0 ? 1 : -1) + 1', { x: -1 }, -1],
    ['max(1, 2) ^ 2', {}, 4],
    [' 1  +\t2\n* 3 ', {}, 7],
  ] as [string, Record<string, number>, number][])('%s = %d', (source, vars, expected) => {
    expectValue(source, vars, expected);
  });
});

describe('comparisons and logic', () => {
  it('approximately equal within a few ULP, exactly equal bit for bit', () => {
    expect(ev('0.1 + 0.2 == 0.3')).toBe(1);
    expect(ev('0.1 + 0.2 === 0.3')).toBe(0);
    expect(ev('0.1 + 0.2 != 0.3')).toBe(0);
    expect(ev('0.1 + 0.2 !== 0.3')).toBe(1);
    expect(ev('a + b == c', { a: 0.1, b: 0.2, c: 0.3 })).toBe(1);
    expect(ev('a + b === c', { a: 0.1, b: 0.2, c: 0.3 })).toBe(0);
    expect(ev('a == b', { a: 1, b: 1 + 2 * Number.EPSILON })).toBe(1);
    expect(ev('a == b', { a: 1, b: 1 + 1e-14 })).toBe(0);
    expect(ev('a == b', { a: 0, b: 1e-300 })).toBe(0);
    expect(ev('a == b', { a: Infinity, b: Infinity })).toBe(1);
    expect(ev('a == b', { a: NaN, b: NaN })).toBe(0);
    expect(ev('a != b', { a: NaN, b: NaN })).toBe(1);
    expect(ev('a === b', { a: -0, b: 0 })).toBe(1);
  });

  const pairs: [number, number][] = [[1, 2], [2, 1], [2, 2], [-0.5, 0.25], [1e300, 1e300 * (1 + Number.EPSILON)]];
  it.each([
    ['==', (x: number, y: number) => approxEqual(x, y)],
    ['!=', (x: number, y: number) => !approxEqual(x, y)],
    ['===', (x: number, y: number) => x === y],
    ['!==', (x: number, y: number) => x !== y],
    ['<', (x: number, y: number) => x < y],
    ['<=', (x: number, y: number) => x <= y],
    ['>', (x: number, y: number) => x > y],
    ['>=', (x: number, y: number) => x >= y],
    ['&&', (x: number, y: number) => x !== 0 && y !== 0],
    ['||', (x: number, y: number) => x !== 0 || y !== 0],
  ] as [string, (x: number, y: number) => boolean][])('%s', (op, f) => {
    for (const [x, y] of [...pairs, [0, 0], [0, 3], [3, 0]] as [number, number][]) {
      expectValue(`x ${op} y`, { x, y }, f(x, y) ? 1 : 0);
      expectValue(`(x*1) ${op} (y*1)`, { x, y }, f(x, y) ? 1 : 0);
    }
  });

  it('! and truthiness: any non-zero value is true, NaN too (as in C)', () => {
    expectValue('!a', { a: 0 }, 1);
    expectValue('!a', { a: -2.5 }, 0);
    expectValue('!!a', { a: 7 }, 1);
    expect(ev('!(0/0)')).toBe(0);
    expect(ev('(0/0) ? 1 : 2')).toBe(1);
    expect(ev('a ? 1 : 2', { a: NaN })).toBe(1);
    expect(ev('(0/0) && 1')).toBe(1);
    expect(ev('TRUE && FALSE || TRUE')).toBe(1);
    expect(ev('(x > 1) * 10 + (x <= 1) * 20', { x: 2 })).toBe(10);
  });
});

describe('functions', () => {
  it.each([
    ['exp', [1.5], Math.exp(1.5)],
    ['log', [2], Math.log(2)],
    ['sqrt', [2], Math.sqrt(2)],
    ['abs', [-3.25], 3.25],
    ['pow', [2, 0.5], Math.pow(2, 0.5)],
    ['pow', [-2, 3], -8],
    ['min', [1, -2], -2],
    ['max', [1, -2], 1],
    ['sin', [1], Math.sin(1)],
    ['cos', [1], Math.cos(1)],
    ['tan', [1], Math.tan(1)],
    ['asin', [0.5], Math.asin(0.5)],
    ['acos', [0.5], Math.acos(0.5)],
    ['atan', [1], Math.atan(1)],
  ] as [string, number[], number][])('%s(%s)', (name, args, expected) => {
    const names = args.map((_, i) => `u${i}`);
    const vars = Object.fromEntries(names.map((n, i) => [n, args[i] as number]));
    expectValue(`${name}(${names.join(', ')})`, vars, expected);
    expectValue(`${name}(${names.map((n) => `${n}*1`).join(',')})`, vars, expected);
  });

  it('covers the spec list with its argument counts', () => {
    expect(Object.fromEntries(EXPRESSION_FUNCTIONS)).toEqual({
      exp: 1, log: 1, sqrt: 1, abs: 1, pow: 2, min: 2, max: 2, sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1,
    });
  });

  it('nests', () => {
    expectValue('sqrt(pow(a, 2) + pow(b, 2))', { a: 3, b: 4 }, 5);
    expectValue('log(exp(a)) - a', { a: 0.5 }, Math.log(Math.exp(0.5)) - 0.5);
    expectValue('a*exp(-0.5*((x-m)/s)^2)', { a: 2, x: 1.5, m: 0.3, s: 1.2 }, 2 * Math.exp(-0.5 * ((1.5 - 0.3) / 1.2) ** 2));
  });
});

describe('long chains', () => {
  const ops = ['+', '-', '*', '/', '^', '==', '!=', '===', '!==', '<', '<=', '>', '>=', '&&', '||'];
  const apply = (op: string, x: number, y: number): number => {
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return x / y;
      case '^': return Math.pow(x, y);
      case '==': return approxEqual(x, y) ? 1 : 0;
      case '!=': return approxEqual(x, y) ? 0 : 1;
      case '===': return x === y ? 1 : 0;
      case '!==': return x !== y ? 1 : 0;
      case '<': return x < y ? 1 : 0;
      case '<=': return x <= y ? 1 : 0;
      case '>': return x > y ? 1 : 0;
      case '>=': return x >= y ? 1 : 0;
      case '&&': return x !== 0 && y !== 0 ? 1 : 0;
      default: return x !== 0 || y !== 0 ? 1 : 0;
    }
  };

  it('a left-nested chain of every operator evaluates as a left fold', () => {
    for (const shift of [0, 3, 7, 11]) {
      const chain = Array.from({ length: 40 }, (_, i) => ops[(i + shift) % ops.length] as string);
      const vars: Record<string, number> = {};
      for (let i = 0; i <= chain.length; i++) vars[`x${i}`] = [0.5, 2, 0, 1.25, -1, 2][i % 6] as number;
      const source = '('.repeat(chain.length) + 'x0' + chain.map((op, i) => ` ${op} x${i + 1})`).join('');
      let expected = vars.x0 as number;
      chain.forEach((op, i) => (expected = apply(op, expected, vars[`x${i + 1}`] as number)));
      expectValue(source, vars, expected);
    }
  });

  it('a flat sum of thousands of terms is not "deep"', () => {
    const terms = 1900; // 'xK + ' is 5 characters: within the length limit
    const source = Array.from({ length: terms }, (_, i) => `x${i % 7}`).join(' + ');
    const vars = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`x${i}`, i + 0.5]));
    let expected = 0;
    for (let i = 0; i < terms; i++) expected += vars[`x${i % 7}`] as number;
    expect(ev(source, vars)).toBe(expected);
    expect(ev('1+'.repeat(4999) + '1')).toBe(5000);
  });
});

describe('symbols and positional evaluation', () => {
  it('lists free symbols sorted and once, without constants and function names', () => {
    const e = compileExpression('z + a*exp(PI*b) + a - EULER*TRUE + FALSE + pow(b, c_1)', PATH);
    expect(e.symbols).toEqual(['a', 'b', 'c_1', 'z']);
    expect(e.source).toBe('z + a*exp(PI*b) + a - EULER*TRUE + FALSE + pow(b, c_1)');
    expect(compileExpression('PI*2', PATH).symbols).toEqual([]);
    expect(compileExpression('α_1 + β', PATH).symbols).toEqual(['α_1', 'β']);
    expect(compileExpression('Pi + e + pi_2 + PI_2', PATH).symbols).toEqual(['PI_2', 'Pi', 'e', 'pi_2']);
  });

  it('evaluates with values in the order of symbols, from arrays and typed arrays', () => {
    const e = compileExpression('a*exp(-0.5*((x-m)/s)^2)', PATH);
    expect(e.symbols).toEqual(['a', 'm', 's', 'x']);
    const expected = 2 * Math.exp(-0.5 * ((1.5 - 0.3) / 1.2) ** 2);
    expect(e.evaluate([2, 0.3, 1.2, 1.5])).toBe(expected);
    const values = Float64Array.of(2, 0.3, 1.2, 1.5);
    expect(e.evaluate(values)).toBe(expected);
    values[3] = 0.3;
    expect(e.evaluate(values)).toBe(2);
    expect(compileExpression('1 + 1', PATH).evaluate([])).toBe(2);
  });

  it('rejects too few values', () => {
    const e = compileExpression('a + b', PATH);
    expect(() => e.evaluate([1])).toThrowError(M.exprValueCount('a + b', PATH, ['a', 'b'], 1));
    try {
      e.evaluate([1]);
    } catch (err) {
      expect(isHistSerialError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('does not let the caller mutate the result', () => {
    const e = compileExpression('a + b', PATH);
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.symbols)).toBe(true);
  });
});

describe('errors', () => {
  it('syntax errors are SCHEMA and name the expression, the character and the path', () => {
    const cases: [string, number, string][] = [
      ['1 +', 3, 'end of the expression'],
      ['a b', 2, 'near "b"'],
      ['(a', 0, 'Unclosed "("'],
      ['a)', 1, 'Unmatched ")"'],
      ['sin(x', 5, 'Expected )'],
      ['a ? b', 5, 'Expected ":"'],
      ['a : b', 2, 'Unexpected ":"'],
      ['12abc', 2, 'Variable names cannot start with a number'],
      ['1e', 2, 'Expected exponent'],
      ['max(1,)', 7, 'Unexpected token )'],
      ['(a, b)', 2, 'commas only separate function arguments'],
      ['a, b', 1, 'commas only separate function arguments'],
      [';a', 0, 'Unexpected ";"'],
      ['a;b', 1, 'Expected an operator'],
      ['()', 0, 'Empty parentheses'],
      ['x^2^', 4, 'Expected expression after ^'],
      ['−1 + x', 0, 'U+2212'],
      ['a @ b', 2, 'Expected an operator'],
    ];
    for (const [source, at, detail] of cases) {
      const e = errorOf(source);
      expect(e.code, source).toBe('SCHEMA');
      expect(e.path).toBe(PATH);
      expect(e.message).toContain(JSON.stringify(source));
      expect(e.message).toContain(`at character ${at}`);
      expect(e.message).toContain(PATH);
      expect(e.message).toContain(detail);
    }
    expect(errorOf('').message).toBe(M.exprSyntax('', PATH, 0, 'Empty expression'));
    expect(errorOf('   ').code).toBe('SCHEMA');
  });

  it('a space between a function name and "(" is a syntax error', () => {
    expect(errorOf('f (a)')).toEqual({ code: 'SCHEMA', path: PATH, message: M.exprFunctionSpace('f (a)', PATH, 'f', 1) });
    expect(errorOf('1 + exp (x)').message).toBe(M.exprFunctionSpace('1 + exp (x)', PATH, 'exp', 7));
    expect(errorOf('max\t(a, b)').code).toBe('SCHEMA');
    expect(errorOf('sin\n(x)').code).toBe('SCHEMA');
    expect(ev('max(a, b)', { a: 1, b: 2 })).toBe(2);
    expect(ev('max(a,b)', { a: 1, b: 2 })).toBe(2);
  });

  it('unknown functions and wrong argument counts are UNSUPPORTED_OPERATION', () => {
    const supported = [...EXPRESSION_FUNCTIONS.keys()];
    expect(errorOf('1 + foo(x)')).toEqual({ code: 'UNSUPPORTED_OPERATION', path: PATH, message: M.exprUnknownFunction('1 + foo(x)', PATH, 'foo', 4, supported) });
    expect(errorOf('Exp(x)').message).toBe(M.exprUnknownFunction('Exp(x)', PATH, 'Exp', 0, supported));
    expect(errorOf('exp(1, 2)')).toEqual({ code: 'UNSUPPORTED_OPERATION', path: PATH, message: M.exprArity('exp(1, 2)', PATH, 'exp', 0, 1, 2) });
    expect(errorOf('pow(2)').message).toBe(M.exprArity('pow(2)', PATH, 'pow', 0, 2, 1));
    expect(errorOf('x*sin()').message).toBe(M.exprArity('x*sin()', PATH, 'sin', 2, 1, 0));
    expect(errorOf('max(1, 2, 3)').code).toBe('UNSUPPORTED_OPERATION');
  });

  it.each([
    ['a.b', 'Member access', 1],
    ['a[0]', 'Indexing', 1],
    ['[1, 2]', 'array literal', 0],
    ['"s"', 'string literal', 0],
    ["x + 'abc'", 'string literal', 4],
    ['this', '"this"', 0],
    ['(a)(b)', 'A call of something other than a function name', 3],
    ['exp(x)(2)', 'A call of something other than a function name', 6],
    ['2(3)', 'A call of something other than a function name', 1],
    ['PI(2)', 'Calling the constant PI', 0],
    ['exp + 1', 'The function name "exp" used as a value', 0],
    ['a = 1', 'The operator "="', 2],
    ['a += 1', 'The operator "+="', 3],
    ['a % b', 'The operator "%"', 2],
    ['a ** b', 'The operator "**"', 3],
    ['a & b', 'The operator "&"', 2],
    ['a | b', 'The operator "|"', 2],
    ['a << b', 'The operator "<<"', 3],
    ['a >> b', 'The operator ">>"', 3],
    ['~a', 'The operator "~"', 0],
    ['a ?? b', 'The operator "??"', 2],
  ] as [string, string, number][])('%s is UNSUPPORTED_OPERATION', (source, what, at) => {
    const e = errorOf(source);
    expect(e.code).toBe('UNSUPPORTED_OPERATION');
    expect(e.path).toBe(PATH);
    expect(e.message).toContain(what);
    expect(e.message).toContain(`at character ${at}`);
    expect(e.message).toContain(JSON.stringify(source));
    expect(e.message).toContain(PATH);
  });

  it('rejects a non-string expression', () => {
    expect(errorOf(42 as unknown as string)).toEqual({ code: 'SCHEMA', path: PATH, message: M.exprNotString(42, PATH) });
  });
});

describe('limits', () => {
  it(`rejects expressions longer than ${MAX_EXPRESSION_LENGTH} characters`, () => {
    const ok = 'x+'.repeat((MAX_EXPRESSION_LENGTH - 1) / 2) + 'x';
    expect(ok.length).toBe(MAX_EXPRESSION_LENGTH - 1);
    expect(ev(ok, { x: 1 })).toBe((ok.length + 1) / 2);
    const long = ok + '+1';
    expect(errorOf(long)).toEqual({ code: 'LIMIT_EXCEEDED', path: PATH, message: M.exprTooLong(PATH, long.length, MAX_EXPRESSION_LENGTH) });
  });

  it(`accepts ${MAX_EXPRESSION_DEPTH} levels of nesting and rejects more, without overflowing the stack`, () => {
    const n = MAX_EXPRESSION_DEPTH;
    const nested: ((k: number) => string)[] = [
      (k) => '('.repeat(k) + 'x' + ')'.repeat(k),
      (k) => '-'.repeat(k) + 'x',
      (k) => '!'.repeat(k) + 'x',
      (k) => 'abs('.repeat(k) + 'x' + ')'.repeat(k),
      (k) => 'x^'.repeat(k) + 'x',
      (k) => 'x>0?x:'.repeat(k) + 'x',
      (k) => 'x?'.repeat(k) + 'x' + ':x'.repeat(k),
    ];
    for (const make of nested) {
      expect(() => compileExpression(make(n - 1), PATH), make(3)).not.toThrow();
      const e = errorOf(make(n + 1));
      expect(e.code, make(3)).toBe('LIMIT_EXCEEDED');
      expect(e.message).toContain(`deeper than ${MAX_EXPRESSION_DEPTH}`);
      expect(e.path).toBe(PATH);
    }
    // as deep as the length limit allows
    for (const source of ['('.repeat(4999) + 'x' + ')'.repeat(4999), '-'.repeat(9999) + 'x', 'x^'.repeat(4999) + 'x', '-x^'.repeat(3333), 'x?x:'.repeat(2499) + 'x', 'sin('.repeat(1999) + 'x' + ')'.repeat(1999), 'a' + '[a'.repeat(4999)]) {
      expect(['LIMIT_EXCEEDED', 'UNSUPPORTED_OPERATION', 'SCHEMA']).toContain(errorOf(source).code);
    }
    expect(errorOf('('.repeat(4999) + 'x' + ')'.repeat(4999)).code).toBe('LIMIT_EXCEEDED');
    expect(errorOf('x^'.repeat(4999) + 'x').code).toBe('LIMIT_EXCEEDED');
  });
});

describe('jsep is left as it was', () => {
  it('restores jsep configuration after parsing, and ignores what other users configured', () => {
    const J = (jsep as unknown as { Jsep: Record<string, unknown> }).Jsep;
    const before = ['binary_ops', 'unary_ops', 'literals', 'hooks', 'right_associative', 'additional_identifier_chars', 'max_binop_len', 'max_unop_len', 'this_str'].map((k) => J[k]);
    compileExpression('-x^2 + (a ? b : c)', PATH);
    errorOf('a % b');
    errorOf('(a');
    expect(['binary_ops', 'unary_ops', 'literals', 'hooks', 'right_associative', 'additional_identifier_chars', 'max_binop_len', 'max_unop_len', 'this_str'].map((k) => J[k])).toEqual(before);
    // jsep's own defaults still work for others
    expect(jsep('a % b')).toMatchObject({ type: 'BinaryExpression', operator: '%' });
    expect(jsep('-x ** 2')).toMatchObject({ type: 'BinaryExpression', operator: '**' });
    expect(jsep('c ? 1 : 2')).toMatchObject({ type: 'ConditionalExpression' });
    // another user's configuration does not leak into ours
    jsep.addLiteral('foo', 42);
    jsep.addBinaryOp('%%', 10);
    try {
      expect(compileExpression('foo + 1', PATH).symbols).toEqual(['foo']);
      expect(errorOf('a %% b').code).toBe('UNSUPPORTED_OPERATION');
    } finally {
      jsep.removeLiteral('foo');
      jsep.removeBinaryOp('%%');
    }
  });
});
