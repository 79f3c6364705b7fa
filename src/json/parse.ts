/**
 * A JSON reader for the files the Python ecosystem writes:
 * - accepts the bare tokens `NaN`, `Infinity` and `-Infinity` (Python's `json` writes them, uhi does for
 *   empty-bin variances);
 * - keeps integers beyond ±2^53 exact: the parsed value holds the nearest double (so JSON Schema
 *   validation sees a number) and {@link ParsedJson.exact} records the exact bigint per container and key;
 * - refuses nesting deeper than `maxDepth` with a {@link LimitError} instead of overflowing the stack;
 * - keeps `__proto__` as an ordinary key (no prototype pollution).
 * Plain RFC 8259 text without huge integers goes through the native `JSON.parse` (fast path).
 * @module
 */
import { LimitError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';

/** Exact values of integers that a double cannot hold: container → key → bigint. */
export type ExactIntegers = WeakMap<object, Map<string | number, bigint>>;

/** Result of {@link parseJson}. */
export interface ParsedJson {
  value: unknown;
  /** Present when some integer literal was beyond ±2^53. */
  exact?: ExactIntegers;
}

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  /** Deepest nesting of arrays/objects accepted (default 256). */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 256;

/**
 * Parse JSON text as Python writes it.
 *
 * @example
 * ```ts
 * const { value } = parseJson('{"v": [NaN, 1, -Infinity]}');
 * ```
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): ParsedJson {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Fast path: the native parser, when the text has no Python tokens (it would fail on them) and the
  // result holds no integer a double cannot represent exactly (then the exact parser runs instead).
  if (!text.includes('NaN') && !text.includes('Infinity')) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
    if (parsed && checkTree(value, maxDepth, text)) return { value };
  }
  return new Parser(text, maxDepth).parseDocument();
}

const isUnsafeInteger = (x: number) => Number.isInteger(x) && !Number.isSafeInteger(x);

/**
 * Walk an already parsed value (iteratively): refuse nesting deeper than `maxDepth` and report
 * whether every number is exact (false: an integer beyond ±2^53 may have been rounded).
 */
function checkTree(root: unknown, maxDepth: number, text: string): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  let exact = !(typeof root === 'number' && isUnsafeInteger(root));
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > maxDepth) new Parser(text, maxDepth).parseDocument(); // throws, locating the bracket
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        if (typeof child === 'number') {
          if (isUnsafeInteger(child)) exact = false;
        } else if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      }
    } else {
      for (const key in node as object) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === 'number') {
          if (isUnsafeInteger(child)) exact = false;
        } else if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      }
    }
  }
  return exact;
}

/** Python's non-finite tokens, quoted so the native parser accepts a flat array holding them. */
const PY_TOKENS = /-?Infinity|NaN/g;
const PY_VALUES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
/** Characters that mean a slice is not a flat array (nested arrays, objects, strings). */
const NOT_FLAT = /[[{"]/;

const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  QUOTE = 34,
  PLUS = 43,
  COMMA = 44,
  MINUS = 45,
  DOT = 46,
  ZERO = 48,
  NINE = 57,
  COLON = 58,
  UPPER_E = 69,
  I = 73,
  N = 78,
  LBRACKET = 91,
  BACKSLASH = 92,
  RBRACKET = 93,
  LOWER_E = 101,
  F = 102,
  LOWER_N = 110,
  T = 116,
  LBRACE = 123,
  RBRACE = 125,
}

class Parser {
  private i = 0;
  private depth = 0;
  private exact: ExactIntegers | undefined;

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): ParsedJson {
    if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
    this.ws();
    const value = this.value(null, 0);
    this.ws();
    if (this.i < this.s.length) this.fail('unexpected text after the value');
    return this.exact ? { value, exact: this.exact } : { value };
  }

  private position(at: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.s.length; k++) {
      if (this.s.charCodeAt(k) === C.LF) {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: at - lineStart + 1 };
  }

  private fail(what: string, at = this.i): never {
    const { line, column } = this.position(at);
    throw new ParseError(MESSAGES.jsonSyntax(what, line, column));
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === C.SPACE || c === C.LF || c === C.CR || c === C.TAB) i++;
      else break;
    }
    this.i = i;
  }

  private value(container: object | null, key: string | number): unknown {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case C.LBRACE:
        return this.object();
      case C.LBRACKET:
        return this.array();
      case C.QUOTE:
        return this.string();
      case C.T:
        return this.literal('true', true);
      case C.F:
        return this.literal('false', false);
      case C.LOWER_N:
        return this.literal('null', null);
      case C.N:
        return this.literal('NaN', NaN);
      case C.I:
        return this.literal('Infinity', Infinity);
      default:
        if (c === C.MINUS || (c >= C.ZERO && c <= C.NINE)) return this.number(container, key);
        if (Number.isNaN(c)) this.fail('unexpected end of input');
        return this.fail(`unexpected character ${JSON.stringify(this.s[this.i])}`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return value;
    }
    return this.fail(`unexpected token ${JSON.stringify(this.s.slice(this.i, this.i + 8))}`);
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) {
      const { line, column } = this.position(this.i);
      throw new LimitError(MESSAGES.jsonTooDeep(this.maxDepth, line, column));
    }
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.i++;
    const obj: Record<string, unknown> = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === C.RBRACE) {
      this.i++;
      this.depth--;
      return obj;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== C.QUOTE) this.fail('expected a property name in double quotes');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== C.COLON) this.fail("expected ':' after a property name");
      this.i++;
      this.ws();
      const v = this.value(obj, key);
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      else obj[key] = v;
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === C.COMMA) {
        this.i++;
        continue;
      }
      if (c === C.RBRACE) {
        this.i++;
        this.depth--;
        return obj;
      }
      this.fail("expected ',' or '}' in an object");
    }
  }

  private array(): unknown[] {
    this.enter();
    const flat = this.flatNumbers();
    if (flat) {
      this.depth--;
      return flat;
    }
    this.i++;
    const arr: unknown[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === C.RBRACKET) {
      this.i++;
      this.depth--;
      return arr;
    }
    for (;;) {
      this.ws();
      arr.push(this.value(arr, arr.length));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === C.COMMA) {
        this.i++;
        continue;
      }
      if (c === C.RBRACKET) {
        this.i++;
        this.depth--;
        return arr;
      }
      this.fail("expected ',' or ']' in an array");
    }
  }

  /**
   * A flat array of numbers (the bulk of histogram files) parsed natively: Python's tokens are quoted
   * and mapped back. Undefined when the array is not flat, holds an integer a double cannot represent
   * exactly, or is malformed: the character parser then takes over (and reports errors precisely).
   */
  private flatNumbers(): unknown[] | undefined {
    const end = this.s.indexOf(']', this.i);
    if (end < 0) return undefined;
    const slice = this.s.slice(this.i, end + 1);
    if (NOT_FLAT.test(slice.slice(1))) return undefined;
    let values: unknown[];
    try {
      values = JSON.parse(slice.replace(PY_TOKENS, '"$&"')) as unknown[];
    } catch {
      return undefined;
    }
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (typeof v === 'string') values[k] = PY_VALUES[v];
      else if (typeof v !== 'number' || isUnsafeInteger(v)) return undefined; // true/false/null, or inexact
    }
    this.i = end + 1;
    return values;
  }

  private string(): string {
    const s = this.s;
    const start = this.i;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === C.QUOTE) break;
      if (c === C.BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (Number.isNaN(c)) this.fail('unterminated string', start);
      if (c < 0x20) this.fail('control character in a string', i);
      i++;
    }
    this.i = i + 1;
    if (!escaped) return s.slice(start + 1, i);
    try {
      return JSON.parse(s.slice(start, i + 1)) as string;
    } catch {
      return this.fail('invalid escape in a string', start);
    }
  }

  private number(container: object | null, key: string | number): number {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === C.MINUS) {
      i++;
      if (s.startsWith('Infinity', i)) {
        this.i = i + 8;
        return -Infinity;
      }
    }
    const intStart = i;
    let c = s.charCodeAt(i);
    if (c === C.ZERO) i++;
    else if (c > C.ZERO && c <= C.NINE) {
      do c = s.charCodeAt(++i);
      while (c >= C.ZERO && c <= C.NINE);
    } else this.fail('invalid number', start);
    const intDigits = i - intStart;
    let integer = true;
    if (s.charCodeAt(i) === C.DOT) {
      integer = false;
      c = s.charCodeAt(++i);
      if (!(c >= C.ZERO && c <= C.NINE)) this.fail('invalid number: digits expected after the decimal point', start);
      do c = s.charCodeAt(++i);
      while (c >= C.ZERO && c <= C.NINE);
    }
    c = s.charCodeAt(i);
    if (c === C.LOWER_E || c === C.UPPER_E) {
      integer = false;
      c = s.charCodeAt(++i);
      if (c === C.PLUS || c === C.MINUS) c = s.charCodeAt(++i);
      if (!(c >= C.ZERO && c <= C.NINE)) this.fail('invalid number: digits expected in the exponent', start);
      do c = s.charCodeAt(++i);
      while (c >= C.ZERO && c <= C.NINE);
    }
    this.i = i;
    const token = s.slice(start, i);
    const value = Number(token);
    if (integer && intDigits >= 16 && container !== null && !Number.isSafeInteger(value)) {
      this.exact ??= new WeakMap();
      let m = this.exact.get(container);
      if (!m) this.exact.set(container, (m = new Map()));
      m.set(key, BigInt(token));
    }
    return value;
  }
}
