/**
 * HS3 generic expressions (spec 3.1), as used by `generic_function` and `generic_dist`: parsed with
 * jsep into an AST, checked, and compiled once into a tree of closures. Nothing is ever passed to
 * `eval` or `Function`.
 *
 * The language: number literals (`1234`, `123.4`, `1.234e2`, `1.234E2`), `TRUE`/`FALSE` (1/0), `PI`,
 * `EULER`, `+ - * /`, `^` (exponentiation, right-associative and binding tighter than unary minus:
 * `-x^2` is −(x²), `2^3^2` is 512), `== != === !== < <= > >=`, `! && ||`, `c ? a : b`, parentheses
 * and the functions exp log sqrt abs pow min max sin cos tan asin acos atan. Booleans are the numbers
 * 1 and 0; any non-zero value (NaN too, as in C) counts as true. `a == b` is true when
 * |a − b| ≤ 4·ε·max(|a|, |b|) (4 to 8 units in the last place); `===` compares exactly. Every other
 * name is a free symbol of the model, resolved by the caller.
 *
 * @example
 * ```ts
 * const gauss = compileExpression('a*exp(-0.5*((x-m)/s)^2)', '/functions/0/expression');
 * gauss.symbols; // ['a', 'm', 's', 'x']
 * gauss.evaluate([2, 0, 1, 0.5]); // 2·exp(−0.125)
 * ```
 * @module
 */
import jsep from 'jsep';
import { HistSerialError, LimitError } from '../../../errors.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';

/** A compiled generic expression. */
export interface CompiledExpression {
  /** The source text. */
  readonly source: string;
  /** Free symbols (variables/parameters/functions of the model), sorted, without PI/EULER/TRUE/FALSE and function names. */
  readonly symbols: readonly string[];
  /** Evaluate with symbol values given positionally in the order of `symbols` (fast path for fits: no object lookups per call). */
  evaluate(values: ArrayLike<number>): number;
}

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest nesting accepted (parentheses, calls, unary operators, `?:` branches, `^` chains). */
export const MAX_EXPRESSION_DEPTH = 200;

/** The spec's functions and their argument counts. */
export const EXPRESSION_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ['exp', 1], ['log', 1], ['sqrt', 1], ['abs', 1], ['pow', 2], ['min', 2], ['max', 2],
  ['sin', 1], ['cos', 1], ['tan', 1], ['asin', 1], ['acos', 1], ['atan', 1],
]);

/** The spec's named constants. */
const CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['TRUE', 1], ['FALSE', 0], ['PI', Math.PI], ['EULER', Math.E],
]);

// ---------------------------------------------------------------------------------------------
// Parsing: jsep with our operator table and hooks
// ---------------------------------------------------------------------------------------------

type Node =
  | { type: 'Literal'; value: number; raw: string }
  | { type: 'Identifier'; name: string }
  | { type: 'UnaryExpression'; operator: string; argument: Node; prefix: true }
  | { type: 'BinaryExpression'; operator: string; left: Node; right: Node }
  | { type: 'CallExpression'; callee: { type: 'Identifier'; name: string }; arguments: Node[] }
  | { type: 'ConditionalExpression'; test: Node; consequent: Node; alternate: Node }
  | { type: 'Compound'; body: Node[] };

/** What an open construct allows after an expression: `)` and `,` in a call, `)` in a group, `:` after `?`. */
type Context = 'group' | 'call' | '?';

interface ParseState {
  readonly source: string;
  readonly path: string;
  depth: number;
  readonly open: Context[];
}

/** The parts of a jsep parser instance our hooks use (jsep's typings do not describe the class). */
interface Parser {
  index: number;
  readonly expr: string;
  readonly code: number;
  gobbleSpaces(): void;
  gobbleExpressions(untilICode?: number): Node[];
  gobbleExpression(): Node | false | undefined;
  gobbleToken(): Node | false | undefined;
  gobbleNumericLiteral(): Node;
  gobbleIdentifier(): { type: 'Identifier'; name: string };
  gobbleArguments(untilICode: number): Node[];
  throwError(message: string): never;
  parse(): Node;
  hs3: ParseState;
}

interface HookEnv {
  node?: Node | false;
}
type Hook = (this: Parser, env: HookEnv) => void;

/** jsep's configuration, all of it static on its class. */
interface JsepConfig {
  hooks: unknown;
  unary_ops: Record<string, number>;
  max_unop_len: number;
  binary_ops: Record<string, number>;
  max_binop_len: number;
  right_associative: Set<string>;
  literals: Record<string, unknown>;
  this_str: string;
  additional_identifier_chars: Set<string>;
}
interface JsepClass extends JsepConfig {
  new (expr: string): Parser;
  isIdentifierStart(ch: number): boolean;
}

const Jsep = (jsep as unknown as { Jsep: JsepClass }).Jsep;

const OPAREN = 40;
const CPAREN = 41;
const COMMA = 44;
const PERIOD = 46;
const COLON = 58;
const SEMICOLON = 59;
const QMARK = 63;
const OBRACK = 91;
const CARET = 94;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
const IDENTIFIER_PART = /[\p{ID_Continue}]/u;
/** Operators of JavaScript and C that HS3 does not have, recognised for a clear error. Longest first. */
const FOREIGN_OPERATORS = ['>>>=', '**=', '<<=', '>>=', '>>>', '**', '<<', '>>', '??', '=>', '+=', '-=', '*=', '/=', '%=', '^=', '&=', '|=', '%', '&', '|', '~', '='];
const OPERATOR_CHARS = '*/%&|=<>~^!?+-';

function enter(p: Parser, at: number, context: Context | null): void {
  const s = p.hs3;
  if (++s.depth > MAX_EXPRESSION_DEPTH) throw new LimitError(M.exprTooDeep(s.source, s.path, MAX_EXPRESSION_DEPTH, at), { path: s.path });
  if (context) s.open.push(context);
}

function leave(p: Parser, context: Context | null): void {
  p.hs3.depth--;
  if (context) p.hs3.open.pop();
}

function unsupported(p: Parser, what: string, at: number): never {
  throw new HistSerialError('UNSUPPORTED_OPERATION', M.exprUnsupported(p.hs3.source, p.hs3.path, what, at), { path: p.hs3.path });
}

/** A foreign operator (`**`, `%`, `=`, ...) covering position `at`, starting at `from` or just before it. */
function foreignOperator(expr: string, at: number, from: number): string | undefined {
  let s = from;
  while (s > 0 && OPERATOR_CHARS.includes(expr.charAt(s - 1)) && s > at - 3) s--;
  for (; s <= at; s++) {
    const op = FOREIGN_OPERATORS.find((o) => expr.startsWith(o, s) && s + o.length > at);
    if (op) return op;
  }
  return undefined;
}

/** `base` followed by `^ operand ^ operand ...`, right-associative, without recursion along the chain. */
function gobblePowerTail(p: Parser, base: Node): Node {
  p.gobbleSpaces();
  if (p.code !== CARET) return base;
  const operands = [base];
  while (p.code === CARET) {
    p.index++;
    const operand = p.gobbleToken();
    if (!operand) p.throwError('Expected an operand after "^"');
    operands.push(operand);
    p.gobbleSpaces();
  }
  let node = operands.pop() as Node;
  for (let left = operands.pop(); left; left = operands.pop()) node = { type: 'BinaryExpression', operator: '^', left, right: node };
  return node;
}

/** Reject a name with characters that are not part of an identifier (jsep accepts any non-ASCII). */
function checkName(p: Parser, name: string, start: number): void {
  if (IDENTIFIER.test(name)) return;
  let i = 0;
  for (const ch of name) {
    if (!(i === 0 ? /[\p{ID_Start}_]/u : IDENTIFIER_PART).test(ch)) {
      p.index = start + i;
      p.throwError(`Unexpected character ${JSON.stringify(ch)} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`);
    }
    i += ch.length;
  }
}

/** Hook 'gobble-token': every operand (unary operators, groups, numbers, names, calls) goes through here. */
const gobbleToken: Hook = function (env) {
  const p: Parser = this;
  const ch = p.code;
  const start = p.index;
  if (ch === 45 || ch === 43 || ch === 33) {
    // unary - + !: bind looser than ^ (so -x^2 = -(x^2)), tighter than * /
    const operator = p.expr.charAt(start);
    p.index++;
    enter(p, start, null);
    const operand = p.gobbleToken();
    if (!operand) p.throwError(`Expected an operand after unary "${operator}"`);
    const argument = gobblePowerTail(p, operand);
    leave(p, null);
    env.node = { type: 'UnaryExpression', operator, argument, prefix: true };
  } else if (ch === OPAREN) {
    p.index++;
    enter(p, start, 'group');
    p.gobbleSpaces();
    if (p.code === COMMA || p.code === SEMICOLON) p.throwError(`Unexpected "${p.expr.charAt(p.index)}"`);
    const nodes = p.gobbleExpressions(CPAREN);
    if (p.code !== CPAREN) {
      p.index = start;
      p.throwError('Unclosed "("');
    }
    p.index++;
    leave(p, 'group');
    if (nodes.length !== 1) {
      p.index = start;
      p.throwError(nodes.length === 0 ? 'Empty parentheses' : 'Expected one expression in parentheses');
    }
    env.node = nodes[0] as Node;
  } else if (isDigit(ch) || ch === PERIOD) {
    env.node = p.gobbleNumericLiteral();
  } else if (Jsep.isIdentifierStart(ch)) {
    const { name } = p.gobbleIdentifier();
    checkName(p, name, start);
    if (name === 'this') unsupported(p, '"this"', start);
    if (p.code === OPAREN) {
      const arity = EXPRESSION_FUNCTIONS.get(name);
      if (arity === undefined) {
        if (CONSTANTS.has(name)) unsupported(p, `Calling the constant ${name}`, start);
        const s = p.hs3;
        throw new HistSerialError('UNSUPPORTED_OPERATION', M.exprUnknownFunction(s.source, s.path, name, start, [...EXPRESSION_FUNCTIONS.keys()]), { path: s.path });
      }
      p.index++;
      enter(p, start, 'call');
      const args = p.gobbleArguments(CPAREN);
      leave(p, 'call');
      if (args.length !== arity) {
        const s = p.hs3;
        throw new HistSerialError('UNSUPPORTED_OPERATION', M.exprArity(s.source, s.path, name, start, arity, args.length), { path: s.path });
      }
      env.node = { type: 'CallExpression', callee: { type: 'Identifier', name }, arguments: args };
      return;
    }
    let j = p.index;
    while (isSpace(p.expr.charCodeAt(j))) j++;
    if (j > p.index && p.expr.charCodeAt(j) === OPAREN) {
      const s = p.hs3;
      throw new HistSerialError('SCHEMA', M.exprFunctionSpace(s.source, s.path, name, p.index), { path: s.path });
    }
    if (EXPRESSION_FUNCTIONS.has(name)) unsupported(p, `The function name "${name}" used as a value (call it as ${name}(...))`, start);
    const constant = CONSTANTS.get(name);
    env.node = constant === undefined ? { type: 'Identifier', name } : { type: 'Literal', value: constant, raw: name };
  } else if (ch === 34 || ch === 39) {
    unsupported(p, 'A string literal', start);
  } else if (ch === OBRACK) {
    unsupported(p, 'An array literal', start);
  } else if (OPERATOR_CHARS.includes(p.expr.charAt(start))) {
    const op = foreignOperator(p.expr, start, start);
    if (op) unsupported(p, `The operator "${op}"${op === '**' ? ' (use ^)' : ''}`, start);
  }
  // anything else: jsep reports "Expected expression" / "Unexpected" at this position
};

/** Hook 'after-expression': the ternary operator, then what may follow a complete expression. */
const afterExpression: Hook = function (env) {
  const p: Parser = this;
  if (!env.node) return;
  const s = p.hs3;
  if (p.code === QMARK) {
    const start = p.index;
    if (p.expr.charCodeAt(start + 1) === QMARK) unsupported(p, 'The operator "??"', start);
    p.index++;
    enter(p, start, '?');
    const consequent = p.gobbleExpression();
    if (!consequent) p.throwError('Expected an expression after "?"');
    if (p.expr.charCodeAt(p.index) !== COLON) p.throwError('Expected ":" to complete "?"');
    p.index++;
    leave(p, '?');
    s.depth++; // the alternate is nested as deeply as the consequent
    const alternate = p.gobbleExpression();
    s.depth--;
    if (!alternate) p.throwError('Expected an expression after ":"');
    env.node = { type: 'ConditionalExpression', test: env.node, consequent, alternate };
  }
  if (p.index >= p.expr.length) return;
  const ch = p.code;
  const open = s.open[s.open.length - 1];
  if (open === '?') {
    if (ch !== COLON) p.throwError('Expected ":" to complete "?"');
    return;
  }
  if (ch === CPAREN) {
    if (!open) p.throwError('Unmatched ")"');
    return;
  }
  if (ch === COMMA) {
    if (open !== 'call') p.throwError('Unexpected ","; commas only separate function arguments');
    return;
  }
  if (ch === PERIOD && Jsep.isIdentifierStart(p.expr.charCodeAt(p.index + 1))) unsupported(p, 'Member access', p.index);
  if (ch === OBRACK) unsupported(p, 'Indexing with "[...]"', p.index);
  if (ch === OPAREN) unsupported(p, 'A call of something other than a function name', p.index);
  const op = foreignOperator(p.expr, p.index, p.index);
  if (op) unsupported(p, `The operator "${op}"`, p.index);
  p.throwError(ch === COLON ? 'Unexpected ":" without a "?"' : 'Expected an operator');
};

/** Hook 'before-all': jsep skips leading ',' and ';' as separators; we do not. */
const beforeAll: Hook = function () {
  const p: Parser = this;
  p.gobbleSpaces();
  if (p.code === COMMA || p.code === SEMICOLON) p.throwError(`Unexpected "${p.expr.charAt(p.index)}"`);
};

const HOOK_LISTS: Record<string, Hook[]> = {
  'before-all': [beforeAll],
  'gobble-token': [gobbleToken],
  'after-expression': [afterExpression],
};

/** Our jsep configuration. jsep keeps its configuration in static fields of its class. */
const CONFIG: JsepConfig = {
  hooks: {
    ...HOOK_LISTS,
    run(name: string, env: HookEnv & { context?: Parser }) {
      for (const hook of HOOK_LISTS[name] ?? []) hook.call(env.context as Parser, env);
    },
  },
  unary_ops: {}, // handled by our 'gobble-token' hook
  max_unop_len: 0,
  binary_ops: {
    '||': 1, '&&': 2,
    '==': 6, '!=': 6, '===': 6, '!==': 6,
    '<': 7, '>': 7, '<=': 7, '>=': 7,
    '+': 9, '-': 9,
    '*': 10, '/': 10,
    '^': 12,
  },
  max_binop_len: 3,
  right_associative: new Set(['^']),
  literals: {}, // TRUE, FALSE, PI and EULER are handled by our hook
  this_str: 'this',
  additional_identifier_chars: new Set(['_']),
};
const CONFIG_KEYS = Object.keys(CONFIG) as (keyof JsepConfig)[];

/**
 * Parse with our configuration. jsep has only global (static) configuration, so we install ours
 * for the duration of one synchronous parse and restore whatever was there in `finally`: no other
 * user of jsep in the process can observe it, and plugins they registered do not affect us.
 */
function parse(source: string, path: string): Node {
  const saved: Partial<Record<keyof JsepConfig, unknown>> = {};
  const target = Jsep as unknown as Record<keyof JsepConfig, unknown>;
  for (const key of CONFIG_KEYS) saved[key] = target[key];
  Object.assign(Jsep, CONFIG);
  try {
    const parser = new Jsep(source);
    parser.hs3 = { source, path, depth: 0, open: [] };
    return parser.parse();
  } catch (err) {
    if (err instanceof HistSerialError) throw err;
    if (err instanceof RangeError) throw new LimitError(M.exprTooDeep(source, path, MAX_EXPRESSION_DEPTH), { path, cause: err });
    const { index, description } = err as { index?: number; description?: string };
    if (typeof index === 'number') throw new HistSerialError('SCHEMA', M.exprSyntax(source, path, index, description ?? String(err)), { path, cause: err });
    throw err;
  } finally {
    Object.assign(Jsep, saved);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking: depth and symbols, without recursion
// ---------------------------------------------------------------------------------------------

function children(node: Node): Node[] {
  switch (node.type) {
    case 'UnaryExpression':
      return [node.argument];
    case 'BinaryExpression':
      return [node.left, node.right];
    case 'CallExpression':
      return node.arguments;
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate];
    case 'Compound':
      return node.body;
    default:
      return [];
  }
}

/**
 * Depth of the tree, where a chain of binary operators along left operands (`a + b - c * d + ...`)
 * counts as one level, as it is compiled to a loop; and the sorted free symbols.
 */
function analyse(root: Node): { depth: number; symbols: string[] } {
  const depth = new Map<Node, number>();
  const names = new Set<string>();
  const stack: [Node, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [node, done] = stack.pop() as [Node, boolean];
    const kids = children(node);
    if (!done) {
      stack.push([node, true]);
      for (const kid of kids) stack.push([kid, false]);
      continue;
    }
    if (node.type === 'Identifier') names.add(node.name);
    let d = 0; // a number or a name
    if (node.type === 'BinaryExpression') {
      const left = depth.get(node.left) ?? 0;
      d = Math.max(node.left.type === 'BinaryExpression' ? left : left + 1, (depth.get(node.right) ?? 0) + 1);
    } else {
      for (const kid of kids) d = Math.max(d, (depth.get(kid) ?? 0) + 1);
    }
    depth.set(node, d);
  }
  return { depth: depth.get(root) ?? 0, symbols: [...names].sort() };
}

// ---------------------------------------------------------------------------------------------
// Compiling: closures specialised on whether operands are constants, symbols or sub-expressions
// ---------------------------------------------------------------------------------------------

type Values = ArrayLike<number>;
type Fn = (v: Values) => number;
/** A compiled operand: a constant, a symbol (index into the values) or a closure. */
type Ir = { t: 'c'; k: number } | { t: 's'; i: number } | { t: 'f'; f: Fn };

const EMPTY: Values = new Float64Array(0);
const EPS4 = 4 * Number.EPSILON;

/** `a == b` of the spec: equal within 4·ε·max(|a|, |b|). */
function approxEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= EPS4 * Math.max(Math.abs(a), Math.abs(b));
}

function toFn(x: Ir): Fn {
  if (x.t === 'f') return x.f;
  if (x.t === 'c') {
    const k = x.k;
    return () => k;
  }
  const i = x.i;
  return (v) => v[i] as number;
}

/** Wrap a closure; when every operand is a constant, evaluate it now (constant folding). */
function make(f: Fn, operands: readonly Ir[]): Ir {
  return operands.every((o) => o.t === 'c') ? { t: 'c', k: f(EMPTY) } : { t: 'f', f };
}

function arithmetic(op: string, a: Ir, b: Ir): Fn {
  const ka = a.t === 'c' ? a.k : 0;
  const kb = b.t === 'c' ? b.k : 0;
  const ia = a.t === 's' ? a.i : 0;
  const ib = b.t === 's' ? b.i : 0;
  const fa = toFn(a);
  const fb = toFn(b);
  switch (`${op}${a.t}${b.t}`) {
    case '+ss': return (v) => (v[ia] as number) + (v[ib] as number);
    case '+sc': return (v) => (v[ia] as number) + kb;
    case '+cs': return (v) => ka + (v[ib] as number);
    case '+sf': return (v) => (v[ia] as number) + fb(v);
    case '+fs': return (v) => fa(v) + (v[ib] as number);
    case '+cf': return (v) => ka + fb(v);
    case '+fc': return (v) => fa(v) + kb;
    case '-ss': return (v) => (v[ia] as number) - (v[ib] as number);
    case '-sc': return (v) => (v[ia] as number) - kb;
    case '-cs': return (v) => ka - (v[ib] as number);
    case '-sf': return (v) => (v[ia] as number) - fb(v);
    case '-fs': return (v) => fa(v) - (v[ib] as number);
    case '-cf': return (v) => ka - fb(v);
    case '-fc': return (v) => fa(v) - kb;
    case '*ss': return (v) => (v[ia] as number) * (v[ib] as number);
    case '*sc': return (v) => (v[ia] as number) * kb;
    case '*cs': return (v) => ka * (v[ib] as number);
    case '*sf': return (v) => (v[ia] as number) * fb(v);
    case '*fs': return (v) => fa(v) * (v[ib] as number);
    case '*cf': return (v) => ka * fb(v);
    case '*fc': return (v) => fa(v) * kb;
    case '/ss': return (v) => (v[ia] as number) / (v[ib] as number);
    case '/sc': return (v) => (v[ia] as number) / kb;
    case '/cs': return (v) => ka / (v[ib] as number);
    case '/sf': return (v) => (v[ia] as number) / fb(v);
    case '/fs': return (v) => fa(v) / (v[ib] as number);
    case '/cf': return (v) => ka / fb(v);
    case '/fc': return (v) => fa(v) / kb;
    case '^sc':
    case '^fc':
      if (kb === 2) {
        if (a.t === 's') return (v) => (v[ia] as number) * (v[ia] as number);
        return (v) => {
          const x = fa(v);
          return x * x;
        };
      }
      return (v) => Math.pow(fa(v), kb);
  }
  switch (op) {
    case '+': return (v) => fa(v) + fb(v);
    case '-': return (v) => fa(v) - fb(v);
    case '*': return (v) => fa(v) * fb(v);
    case '/': return (v) => fa(v) / fb(v);
    case '^': return (v) => Math.pow(fa(v), fb(v));
  }
  return comparison(op, fa, fb);
}

function comparison(op: string, fa: Fn, fb: Fn): Fn {
  switch (op) {
    case '==': return (v) => (approxEqual(fa(v), fb(v)) ? 1 : 0);
    case '!=': return (v) => (approxEqual(fa(v), fb(v)) ? 0 : 1);
    case '===': return (v) => (fa(v) === fb(v) ? 1 : 0);
    case '!==': return (v) => (fa(v) !== fb(v) ? 1 : 0);
    case '<': return (v) => (fa(v) < fb(v) ? 1 : 0);
    case '<=': return (v) => (fa(v) <= fb(v) ? 1 : 0);
    case '>': return (v) => (fa(v) > fb(v) ? 1 : 0);
    case '>=': return (v) => (fa(v) >= fb(v) ? 1 : 0);
    case '&&': return (v) => (fa(v) !== 0 && fb(v) !== 0 ? 1 : 0);
    case '||': return (v) => (fa(v) !== 0 || fb(v) !== 0 ? 1 : 0);
  }
  throw new Error(`unreachable: operator ${op}`);
}

function binary(op: string, a: Ir, b: Ir): Ir {
  return make(arithmetic(op, a, b), [a, b]);
}

/** Operators of a long left chain, as small integers for the loop in {@link chain}. */
const OPCODES: Record<string, number> = { '+': 0, '-': 1, '*': 2, '/': 3, '^': 4, '==': 5, '!=': 6, '===': 7, '!==': 8, '<': 9, '<=': 10, '>': 11, '>=': 12, '&&': 13, '||': 14 };
/** Left chains longer than this become one loop instead of nested closures (bounded stack at evaluation). */
const CHAIN_MIN = 16;

function chain(first: Ir, ops: readonly string[], rest: readonly Ir[]): Ir {
  const head = toFn(first);
  const codes = Int32Array.from(ops, (op) => OPCODES[op] ?? -1);
  const fns = rest.map(toFn);
  const n = codes.length;
  const f: Fn = (v) => {
    let acc = head(v);
    for (let i = 0; i < n; i++) {
      const g = fns[i] as Fn;
      switch (codes[i]) {
        case 0: acc += g(v); break;
        case 1: acc -= g(v); break;
        case 2: acc *= g(v); break;
        case 3: acc /= g(v); break;
        case 4: acc = Math.pow(acc, g(v)); break;
        case 5: acc = approxEqual(acc, g(v)) ? 1 : 0; break;
        case 6: acc = approxEqual(acc, g(v)) ? 0 : 1; break;
        case 7: acc = acc === g(v) ? 1 : 0; break;
        case 8: acc = acc !== g(v) ? 1 : 0; break;
        case 9: acc = acc < g(v) ? 1 : 0; break;
        case 10: acc = acc <= g(v) ? 1 : 0; break;
        case 11: acc = acc > g(v) ? 1 : 0; break;
        case 12: acc = acc >= g(v) ? 1 : 0; break;
        case 13: acc = acc !== 0 && g(v) !== 0 ? 1 : 0; break;
        case 14: acc = acc !== 0 || g(v) !== 0 ? 1 : 0; break;
      }
    }
    return acc;
  };
  return make(f, [first, ...rest]);
}

function unary(op: string, a: Ir): Ir {
  if (op === '+') return a;
  if (op === '-') {
    if (a.t === 's') {
      const i = a.i;
      return { t: 'f', f: (v) => -(v[i] as number) };
    }
    const f = toFn(a);
    return make((v) => -f(v), [a]);
  }
  const f = toFn(a);
  return make((v) => (f(v) === 0 ? 1 : 0), [a]);
}

function call(name: string, args: readonly Ir[]): Ir {
  const [a, b] = args.map(toFn) as [Fn, Fn];
  let f: Fn;
  switch (name) {
    case 'exp': f = (v) => Math.exp(a(v)); break;
    case 'log': f = (v) => Math.log(a(v)); break;
    case 'sqrt': f = (v) => Math.sqrt(a(v)); break;
    case 'abs': f = (v) => Math.abs(a(v)); break;
    case 'sin': f = (v) => Math.sin(a(v)); break;
    case 'cos': f = (v) => Math.cos(a(v)); break;
    case 'tan': f = (v) => Math.tan(a(v)); break;
    case 'asin': f = (v) => Math.asin(a(v)); break;
    case 'acos': f = (v) => Math.acos(a(v)); break;
    case 'atan': f = (v) => Math.atan(a(v)); break;
    case 'pow': f = (v) => Math.pow(a(v), b(v)); break;
    case 'min': f = (v) => Math.min(a(v), b(v)); break;
    case 'max': f = (v) => Math.max(a(v), b(v)); break;
    default: throw new Error(`unreachable: function ${name}`);
  }
  return make(f, args);
}

function conditional(test: Ir, yes: Ir, no: Ir): Ir {
  if (test.t === 'c') return test.k !== 0 ? yes : no;
  const [t, a, b] = [toFn(test), toFn(yes), toFn(no)];
  return { t: 'f', f: (v) => (t(v) !== 0 ? a(v) : b(v)) };
}

function compileNode(node: Node, index: ReadonlyMap<string, number>, fail: (what: string) => never): Ir {
  switch (node.type) {
    case 'Literal':
      return { t: 'c', k: node.value };
    case 'Identifier':
      return { t: 's', i: index.get(node.name) as number };
    case 'UnaryExpression':
      return unary(node.operator, compileNode(node.argument, index, fail));
    case 'BinaryExpression': {
      // walk the chain of left operands iteratively: `a + b + ... + z` may be thousands long
      const ops: string[] = [];
      const rights: Node[] = [];
      let cur: Node = node;
      while (cur.type === 'BinaryExpression') {
        ops.push(cur.operator);
        rights.push(cur.right);
        cur = cur.left;
      }
      ops.reverse();
      rights.reverse();
      for (const op of ops) if (!(op in OPCODES)) fail(`The operator "${op}"`);
      let acc = compileNode(cur, index, fail);
      const rest = rights.map((r) => compileNode(r, index, fail));
      if (ops.length > CHAIN_MIN) return chain(acc, ops, rest);
      ops.forEach((op, i) => (acc = binary(op, acc, rest[i] as Ir)));
      return acc;
    }
    case 'CallExpression':
      return call(node.callee.name, node.arguments.map((a) => compileNode(a, index, fail)));
    case 'ConditionalExpression':
      return conditional(compileNode(node.test, index, fail), compileNode(node.consequent, index, fail), compileNode(node.alternate, index, fail));
    default:
      return fail(`A ${(node as { type: string }).type}`);
  }
}

/**
 * Parse and compile; `path` is the JSON pointer of the expression (e.g. /functions/3/expression) used in errors.
 *
 * Throws a {@link HistSerialError} with code `SCHEMA` for syntax errors (the message names the
 * expression, the 0-based character position and `path`), `UNSUPPORTED_OPERATION` for constructs
 * outside the spec (unknown functions, wrong argument counts, member access, strings, arrays,
 * operators such as `%` or `**`, ...), and `LIMIT_EXCEEDED` for expressions longer than
 * {@link MAX_EXPRESSION_LENGTH} characters or nested deeper than {@link MAX_EXPRESSION_DEPTH}.
 * Unknown names are not errors: they are the free `symbols`, for the caller to resolve.
 *
 * @example
 * ```ts
 * const f = compileExpression('x > 0 ? sqrt(x) : -x^2', '/functions/3/expression');
 * const values = new Float64Array(f.symbols.length); // ['x']
 * values[0] = 4;
 * f.evaluate(values); // 2
 * ```
 */
export function compileExpression(source: string, path: string): CompiledExpression {
  if (typeof source !== 'string') throw new HistSerialError('SCHEMA', M.exprNotString(source, path), { path });
  if (source.length > MAX_EXPRESSION_LENGTH) throw new LimitError(M.exprTooLong(path, source.length, MAX_EXPRESSION_LENGTH), { path });
  const ast = parse(source, path);
  if (ast.type === 'Compound') {
    throw new HistSerialError('SCHEMA', M.exprSyntax(source, path, 0, ast.body.length === 0 ? 'Empty expression' : 'Expected one expression'), { path });
  }
  const { depth, symbols } = analyse(ast);
  if (depth > MAX_EXPRESSION_DEPTH) throw new LimitError(M.exprTooDeep(source, path, MAX_EXPRESSION_DEPTH), { path });
  const index = new Map(symbols.map((s, i) => [s, i]));
  const fail = (what: string): never => {
    throw new HistSerialError('UNSUPPORTED_OPERATION', M.exprUnsupported(source, path, what), { path });
  };
  const root = toFn(compileNode(ast, index, fail));
  const n = symbols.length;
  return Object.freeze({
    source,
    symbols: Object.freeze(symbols),
    evaluate(values: ArrayLike<number>): number {
      if (values.length < n) throw new HistSerialError('INVALID_ARGUMENT', M.exprValueCount(source, path, symbols, values.length), { path });
      return root(values);
    },
  });
}
