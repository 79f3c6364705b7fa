/**
 * Where distributions are built: a document's distributions, functions and observable domains, and
 * one parameter point. A scope builds each distribution and function once (by name, cycles
 * refused); `reset` forgets them so the same scope serves the next point of a fit.
 */
import { HistSerialError, LimitError, pointer } from '../../../errors.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';
import { buildDistribution, type BuildContext, type EvalDistribution } from './distributions.js';
import { compileExpression, type CompiledExpression } from './expression.js';

type Json = Record<string, unknown>;

interface Entry {
  json: Json;
  path: string;
}

/** A document indexed once: objects by name, observable domains from the data sets' axes. */
export interface Hs3Index {
  readonly doc: Json;
  readonly distributions: ReadonlyMap<string, Entry>;
  readonly functions: ReadonlyMap<string, Entry>;
  /** Axis domain of each observable (the first data set declaring it wins). */
  readonly axes: ReadonlyMap<string, readonly [number, number]>;
}

/**
 * The objects of a list, by their position: anything else in it (null, numbers) stands as an empty
 * object, which has no name to find, so positions (JSON paths, data columns) stay those of the document.
 */
export const asArray = (v: unknown): Json[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : {})) : []);

function byName(list: Json[], key: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  list.forEach((json, i) => {
    if (typeof json.name === 'string' && !out.has(json.name)) out.set(json.name, { json, path: pointer('', key, i) });
  });
  return out;
}

/** Index a parsed HS3 document. */
export function indexHs3(doc: Json): Hs3Index {
  const axes = new Map<string, readonly [number, number]>();
  for (const data of asArray(doc.data)) {
    for (const axis of asArray(data.axes)) {
      if (typeof axis.name === 'string' && typeof axis.min === 'number' && typeof axis.max === 'number' && !axes.has(axis.name)) {
        axes.set(axis.name, [axis.min, axis.max]);
      }
    }
  }
  return { doc, distributions: byName(asArray(doc.distributions), 'distributions'), functions: byName(asArray(doc.functions), 'functions'), axes };
}

/** Value of a parameter by name; throws (with the path asking for it) when it has none. */
export type ParameterLookup = (name: string, path: string) => number;

const ALL: readonly [number, number] = [-Infinity, Infinity];

/** Batched density evaluations over fewer points are not cached (copying would cost what it saves). */
const CACHE_MIN_POINTS = 4096;

/** Deepest chain of distributions and functions built inside one another (a deeper one is refused, not a stack overflow). */
export const MAX_NESTING = 200;

/** Builds distributions and function values of an indexed document at one parameter point. */
export class Hs3Scope implements BuildContext {
  private readonly built = new Map<string, EvalDistribution>();
  private readonly values = new Map<string, number>();
  private readonly building = new Set<string>();
  private readonly expressions = new Map<string, CompiledExpression>();
  /** The parameters each distribution (and function, `function:NAME`) read while it was built, through everything it built. */
  private readonly deps = new Map<string, Set<string>>();
  /** Last batched densities of each distribution, with the parameter values and data they were computed for. */
  private readonly cache = new Map<string, { column: Float64Array | undefined; key: Float64Array; out: Float64Array }>();

  constructor(
    readonly index: Hs3Index,
    private lookup: ParameterLookup,
  ) {}

  /** Forget what was built; with `lookup`, use other parameter values from now on. */
  reset(lookup?: ParameterLookup): void {
    this.built.clear();
    this.values.clear();
    if (lookup) this.lookup = lookup;
  }

  /** What is being built depends on `names`. */
  private depend(names: Iterable<string>): void {
    if (this.building.size === 0) return;
    for (const b of this.building) {
      let set = this.deps.get(b);
      if (!set) this.deps.set(b, (set = new Set()));
      for (const n of names) set.add(n);
    }
  }

  parameter(name: string, path: string): number {
    const fn = this.index.functions.get(name);
    if (!fn) {
      this.depend([name]);
      return this.lookup(name, path);
    }
    const key = `function:${name}`;
    const done = this.values.get(name);
    if (done !== undefined) {
      this.depend(this.deps.get(key) ?? []);
      return done;
    }
    const v = this.inFunction(name, path, () => this.functionTerm(fn, null)(Number.NaN));
    this.values.set(name, v);
    return v;
  }

  domain(variable: string, path: string, unbounded = false): readonly [number, number] {
    const d = this.index.axes.get(variable);
    if (d) return d;
    if (unbounded) return ALL;
    throw new HistSerialError('UNSUPPORTED_OPERATION', M.noDomain(variable, path), { path });
  }

  /**
   * `dist` whose batched densities are reused while the parameters it was built from keep their
   * values: a numerical gradient moves one parameter at a time, so the other summands of a mixture
   * need not be evaluated again over every event.
   */
  private cached(name: string, path: string, dist: EvalDistribution): EvalDistribution {
    const names = [...(this.deps.get(name) ?? [])];
    const inner = dist.densities;
    const densities = (columns: readonly Float64Array[], out: Float64Array): void => {
      if (out.length < CACHE_MIN_POINTS) return inner(columns, out);
      const key = Float64Array.from(names, (n) => this.lookup(n, path));
      const column = columns[0];
      const hit = this.cache.get(name);
      if (hit && hit.column === column && hit.out.length === out.length && hit.key.length === key.length && hit.key.every((v, i) => Object.is(v, key[i]))) {
        out.set(hit.out);
        return;
      }
      inner(columns, out);
      if (hit && hit.out.length === out.length) {
        hit.out.set(out);
        hit.key = key;
        hit.column = column;
      } else this.cache.set(name, { column, key, out: Float64Array.from(out) });
    };
    return { ...dist, densities };
  }

  /** Refuse to build deeper than {@link MAX_NESTING}. */
  private nested(path: string): void {
    if (this.building.size >= MAX_NESTING) throw new LimitError(M.nesting(path, MAX_NESTING), { path });
  }

  isObservable(name: string): boolean {
    return this.index.axes.has(name);
  }

  /** A compiled expression, compiled once per scope (parameters change, the source does not). */
  expression(source: string, path: string): CompiledExpression {
    let c = this.expressions.get(path);
    if (!c || c.source !== source) {
      c = compileExpression(source, path);
      this.expressions.set(path, c);
    }
    return c;
  }

  distribution(name: string, path: string): EvalDistribution {
    const done = this.built.get(name);
    if (done) {
      this.depend(this.deps.get(name) ?? []);
      return done;
    }
    const entry = this.index.distributions.get(name);
    if (!entry) throw new HistSerialError('DANGLING_REFERENCE', M.unknownDistribution(name, path), { path });
    if (this.building.has(name)) throw new HistSerialError('BAD_MODEL', M.cycle(name), { path });
    this.nested(path);
    this.building.add(name);
    try {
      const dist = this.cached(name, path, buildDistribution(entry.json, this, entry.path));
      this.built.set(name, dist);
      return dist;
    } finally {
      this.building.delete(name);
    }
  }

  /**
   * Function `name` of one observable, for the distributions defined by a function (density_function,
   * log_density_function, rate_density, bincounts_density, efficiency_product): generic_function,
   * polynomial, sum and product of such, parameters and numbers. Parameters take their current
   * values; the result is a function of the observable.
   */
  observableFunction(name: string, path: string): { variable: string; f: (x: number) => number } {
    const variables = new Set<string>();
    const f = this.observableTerm(name, path, variables);
    if (variables.size !== 1) throw new HistSerialError('UNSUPPORTED_OPERATION', M.genericObservables(path, [...variables]), { path });
    return { variable: [...variables][0]!, f };
  }

  /**
   * A term of a function: a number, a parameter (its current value), a function, or — with
   * `variables` — an observable (recorded there); without `variables` (functions of parameters) an
   * observable is refused.
   */
  private observableTerm(v: unknown, path: string, variables: Set<string> | null): (x: number) => number {
    if (typeof v === 'number') return () => v;
    if (typeof v !== 'string') throw new HistSerialError('SCHEMA', M.badValue(v, path), { path });
    const fn = this.index.functions.get(v);
    if (this.index.axes.has(v) && !fn) {
      if (!variables) throw new HistSerialError('UNSUPPORTED_OPERATION', M.observableFunction(v, path), { path });
      variables.add(v);
      return (x) => x;
    }
    if (!fn || !variables) {
      // a parameter, or a function of parameters: its (cached) value
      const value = this.parameter(v, path);
      return () => value;
    }
    return this.inFunction(v, path, () => this.functionTerm(fn, variables));
  }

  /** Run `build` with function `name` on the building stack (cycles and nesting refused, dependencies recorded). */
  private inFunction<T>(name: string, path: string, build: () => T): T {
    const key = `function:${name}`;
    if (this.building.has(key)) throw new HistSerialError('BAD_MODEL', M.cycle(name), { path });
    this.nested(path);
    this.building.add(key);
    try {
      return build();
    } finally {
      this.building.delete(key);
    }
  }

  /** sum, product, polynomial and generic_function (spec 2.2) as a function of the observable (constant without `variables`). */
  private functionTerm(fn: Entry, variables: Set<string> | null): (x: number) => number {
    const f = fn.json;
    const at = fn.path;
    const terms = (key: string) => {
      const list = f[key];
      if (!Array.isArray(list)) throw new HistSerialError('SCHEMA', M.missingKey(key, at), { path: pointer(at, key) });
      return list.map((item, i) => this.observableTerm(item, pointer(at, key, i), variables));
    };
    switch (f.type) {
      case 'sum': {
        const t = terms('summands');
        return (x) => t.reduce((acc, g) => acc + g(x), 0);
      }
      case 'product': {
        const t = terms('factors');
        return (x) => t.reduce((acc, g) => acc * g(x), 1);
      }
      case 'polynomial': {
        const xv = this.observableTerm(f.x, pointer(at, 'x'), variables);
        const c = terms('coefficients');
        return (x) => {
          const u = xv(x);
          return c.reduceRight((acc, g) => acc * u + g(x), 0);
        };
      }
      case 'generic_function': {
        if (typeof f.expression !== 'string') throw new HistSerialError('SCHEMA', M.missingKey('expression', at), { path: pointer(at, 'expression') });
        const ePath = pointer(at, 'expression');
        const c = this.expression(f.expression, ePath);
        const parts = c.symbols.map((sym) => this.observableTerm(sym, ePath, variables));
        const values = new Float64Array(parts.length);
        return (x) => {
          for (let i = 0; i < parts.length; i++) values[i] = parts[i]!(x);
          return c.evaluate(values);
        };
      }
      default:
        throw new HistSerialError('UNSUPPORTED_OPERATION', M.unknownFunctionType(f.type, pointer(at, 'type')), { path: pointer(at, 'type') });
    }
  }
}
