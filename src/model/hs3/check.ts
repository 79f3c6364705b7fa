/**
 * Validation of HS3 documents: the JSON Schema (`schema/hs3/0.2/hs3.schema.json`), then the rules a
 * schema cannot express (spec.md 6.2): unique names, references that resolve, bin counts that agree
 * with their axes, parameters declared as analyses require. Every issue carries a JSON pointer to the
 * defect. Unknown distribution, function, data and modifier types are kept and reported as warnings.
 * @module
 */
import { HistSerialError, issue, pointer, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { validateSchema } from '../../schema/validator.js';
import type {
  Analysis,
  AxisBounds,
  BinnedData,
  HS3Document,
  HistFactoryDist,
  HistoSysModifier,
  Modifier1 as Modifier,
  ShapeSysModifier,
  UnbinnedData,
} from '../../types/generated/hs3.types.js';
import {
  CONSTRAINT_TYPES,
  DATA_TYPES,
  DISTRIBUTION_TYPES,
  DOMAIN_TYPES,
  FUNCTION_TYPES,
  MODIFIER_TYPES,
  PER_BIN_MODIFIERS,
  TOP_LEVEL_KEYS,
  isSupportedHS3Version,
  HS3_VERSION,
  type TypeRoles,
} from './catalog.js';
import { effectiveConstraint, histFactoryBinCount, modifierParameters, totalBinCount } from './histfactory.js';
import { compileExpression } from './eval/expression.js';

type Json = Record<string, unknown>;
type Kind = 'distribution' | 'function' | 'data' | 'likelihood' | 'domain' | 'parameter_point' | 'analysis';

const SECTIONS: readonly [keyof HS3Document, Kind][] = [
  ['distributions', 'distribution'],
  ['functions', 'function'],
  ['data', 'data'],
  ['likelihoods', 'likelihood'],
  ['domains', 'domain'],
  ['parameter_points', 'parameter_point'],
  ['analyses', 'analysis'],
];

/** One named object of the document and where it is. */
interface Entry {
  kind: Kind;
  path: string;
  value: Json;
}

/** The parameters a likelihood depends on, with the first place each is used. */
export interface LikelihoodParameters {
  /** Parameter name → JSON pointer of its first use. */
  parameters: Map<string, string>;
  /** False when an unknown type or a generic expression hides some of them. */
  complete: boolean;
}

/**
 * Validate an HS3 document: schema, then semantics. Returns every issue (errors and warnings).
 *
 * @example
 * ```ts
 * const issues = checkHS3(JSON.parse(text));
 * const errors = issues.filter((i) => i.severity === 'error');
 * ```
 */
export function checkHS3(json: unknown): Issue[] {
  const schemaIssues = validateSchema('hs3', json);
  if (schemaIssues.length) {
    // ROOT's layout before HS3 0.2: no metadata, distributions keyed by name
    const j = json as Json;
    const legacy = typeof j === 'object' && j !== null && j.metadata === undefined && typeof j.distributions === 'object' && !Array.isArray(j.distributions);
    return legacy ? [issue('UNSUPPORTED_VERSION', '', MESSAGES.hs3Legacy()), ...schemaIssues] : schemaIssues;
  }
  return new HS3Checker(json as HS3Document).run();
}

/** The symbols of an object's generic expression, or undefined when it has none that compiles. */
function expressionSymbols(o: Json, path: string): readonly string[] | undefined {
  if (typeof o.expression !== 'string') return undefined;
  try {
    return compileExpression(o.expression, pointer(path, 'expression')).symbols;
  } catch {
    return undefined;
  }
}

/** Index of the named objects of a (schema-valid) HS3 document, by kind. */
export class HS3Index {
  readonly byName = new Map<string, Entry>();
  readonly all: Entry[] = [];

  constructor(readonly doc: HS3Document) {
    for (const [key, kind] of SECTIONS) {
      const list = doc[key] as Json[] | undefined;
      list?.forEach((value, i) => {
        const entry = { kind, path: pointer('', key, i), value };
        this.all.push(entry);
        const name = value.name as string;
        // the first definition wins; analyses never shadow other objects (they are not referenced)
        const old = this.byName.get(name);
        if (!old || (old.kind === 'analysis' && kind !== 'analysis')) this.byName.set(name, entry);
      });
    }
  }

  get(name: string, kind: Kind): Entry | undefined {
    const e = this.byName.get(name);
    if (e?.kind === kind) return e;
    return this.all.find((x) => x.kind === kind && x.value.name === name);
  }

  /** Every parameter name a domain axis or a parameter point mentions, with where. */
  declaredParameters(): Map<string, string> {
    const out = new Map<string, string>();
    this.doc.domains?.forEach((d, i) => d.axes.forEach((a, k) => out.has(a.name) || out.set(a.name, pointer('', 'domains', i, 'axes', k))));
    this.doc.parameter_points?.forEach((p, i) =>
      p.parameters.forEach((v, k) => out.has(v.name) || out.set(v.name, pointer('', 'parameter_points', i, 'parameters', k))),
    );
    return out;
  }

  /**
   * The free parameters of a likelihood: names reached from its distributions (and from functions and
   * distributions they name) that are not variates, data axes, functions or distributions.
   */
  likelihoodParameters(likelihoodIndex: number): LikelihoodParameters {
    const lh = this.doc.likelihoods![likelihoodIndex]!;
    const lhPath = pointer('', 'likelihoods', likelihoodIndex);
    const observables = new Set<string>();
    const candidates = new Map<string, string>();
    let complete = true;
    const visited = new Set<string>();
    lh.data.forEach((d) => {
      if (typeof d !== 'string') return;
      const data = this.get(d, 'data')?.value as { axes?: AxisBounds[] } | undefined;
      data?.axes?.forEach((a) => observables.add(a.name));
    });
    const visitName = (name: string, path: string) => {
      const e = this.byName.get(name);
      if (e?.kind === 'distribution') visitDistribution(e);
      else if (e?.kind === 'function') visitFunction(e);
      else if (!candidates.has(name)) candidates.set(name, path);
    };
    const visitInputs = (value: unknown, path: string) => {
      if (typeof value === 'string') visitName(value, path);
      else if (Array.isArray(value)) value.forEach((v, i) => visitInputs(v, pointer(path, i)));
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) if (k !== 'name') visitInputs(v, pointer(path, k));
      }
    };
    const visitObject = (e: Entry, roles: TypeRoles | undefined) => {
      if (!roles) {
        complete = false;
        return;
      }
      if (roles.opaque) {
        // a generic expression that compiles names its symbols: visit them like any other input
        const symbols = expressionSymbols(e.value, e.path);
        if (symbols) symbols.forEach((sym) => visitName(sym, pointer(e.path, 'expression')));
        else complete = false;
      }
      const skip = new Set(['name', 'type', ...(roles.ignore ?? [])]);
      for (const f of roles.variates ?? []) {
        skip.add(f);
        const v = e.value[f];
        for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') observables.add(x);
      }
      for (const f of [...(roles.distributions ?? []), ...(roles.functions ?? [])]) {
        skip.add(f);
        const v = e.value[f];
        (Array.isArray(v) ? v : [v]).forEach((x, i) => {
          if (typeof x === 'string') visitName(x, Array.isArray(v) ? pointer(e.path, f, i) : pointer(e.path, f));
        });
      }
      for (const [k, v] of Object.entries(e.value)) if (!skip.has(k)) visitInputs(v, pointer(e.path, k));
    };
    const visitDistribution = (e: Entry) => {
      const key = `d:${e.path}`;
      if (visited.has(key)) return;
      visited.add(key);
      const type = e.value.type as string;
      if (type === 'histfactory_dist') {
        const dist = e.value as unknown as HistFactoryDist;
        dist.axes?.forEach((a) => observables.add(a.name));
        const nbins = histFactoryBinCount(dist);
        dist.samples.forEach((s, si) =>
          s.modifiers?.forEach((m, mi) => {
            const mPath = pointer(e.path, 'samples', si, 'modifiers', mi);
            if (!(MODIFIER_TYPES as readonly string[]).includes(m.type)) complete = false;
            const { names, source } = modifierParameters(m, nbins, dist.name);
            names.forEach((p, k) => {
              const at = source === 'parameters' ? pointer(mPath, 'parameters', k) : source === 'parameter' ? pointer(mPath, 'parameter') : mPath;
              if (!candidates.has(p)) candidates.set(p, at);
            });
            if (typeof m.constraint_name === 'string') visitName(m.constraint_name, pointer(mPath, 'constraint_name'));
          }),
        );
        return;
      }
      visitObject(e, DISTRIBUTION_TYPES[type]);
    };
    const visitFunction = (e: Entry) => {
      const key = `f:${e.path}`;
      if (visited.has(key)) return;
      visited.add(key);
      visitObject(e, FUNCTION_TYPES[e.value.type as string]);
    };
    lh.distributions.forEach((d, i) => visitName(d, pointer(lhPath, 'distributions', i)));
    lh.aux_distributions?.forEach((d, i) => visitName(d, pointer(lhPath, 'aux_distributions', i)));
    const parameters = new Map<string, string>();
    for (const [name, path] of candidates) if (!observables.has(name)) parameters.set(name, path);
    return { parameters, complete };
  }
}

/** The parameters of interest of an analysis (either spelling). */
export function analysisPOIs(a: Analysis): { names: string[]; key: 'parameters_of_interest' | 'parameter_of_interest' } {
  if (Array.isArray(a.parameters_of_interest)) return { names: a.parameters_of_interest, key: 'parameters_of_interest' };
  const p = a.parameter_of_interest;
  return { names: p === undefined ? [] : Array.isArray(p) ? p : [p], key: 'parameter_of_interest' };
}

/** The domains of an analysis (`domain` and ROOT's `domains`, without repeats). */
export function analysisDomains(a: Analysis): string[] {
  const out = typeof a.domain === 'string' ? [a.domain] : [];
  for (const d of a.domains ?? []) if (!out.includes(d)) out.push(d);
  return out;
}

class HS3Checker {
  private readonly issues: Issue[] = [];
  private readonly index: HS3Index;

  constructor(private readonly doc: HS3Document) {
    this.index = new HS3Index(doc);
  }

  private error(code: Issue['code'], path: string, message: string) {
    this.issues.push(issue(code, path, message));
  }

  private warn(code: Issue['code'], path: string, message: string) {
    this.issues.push(issue(code, path, message, 'warning'));
  }

  run(): Issue[] {
    this.checkTopLevel();
    this.checkNames();
    this.doc.distributions?.forEach((d, i) => this.checkDistribution(d as unknown as Json, pointer('', 'distributions', i)));
    this.doc.functions?.forEach((f, i) => this.checkFunction(f as unknown as Json, pointer('', 'functions', i)));
    this.doc.data?.forEach((d, i) => this.checkData(d as unknown as Json, pointer('', 'data', i)));
    this.doc.domains?.forEach((d, i) => this.checkDomain(d as unknown as Json, pointer('', 'domains', i)));
    this.doc.parameter_points?.forEach((p, i) => this.checkParameterPoint(p as unknown as Json, pointer('', 'parameter_points', i)));
    this.doc.likelihoods?.forEach((_, i) => this.checkLikelihood(i));
    this.checkAnalysesAndParameters();
    return this.issues;
  }

  private checkTopLevel() {
    const version = this.doc.metadata.hs3_version;
    if (!isSupportedHS3Version(version)) this.error('UNSUPPORTED_VERSION', '/metadata/hs3_version', MESSAGES.hs3Version('/metadata/hs3_version', version, HS3_VERSION));
    for (const key of Object.keys(this.doc)) {
      if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) this.warn('NONSTANDARD', pointer('', key), MESSAGES.hs3UnknownTopLevel(pointer('', key), key));
    }
  }

  /** One namespace for all named objects; analyses clashing with another kind only warn (ROOT names them after their likelihood). */
  private checkNames() {
    const seen = new Map<string, Entry>();
    for (const e of this.index.all) {
      const name = e.value.name as string;
      const path = pointer(e.path, 'name');
      const first = seen.get(name);
      if (!first) {
        seen.set(name, e);
        continue;
      }
      const firstPath = pointer(first.path, 'name');
      if ((e.kind === 'analysis') !== (first.kind === 'analysis')) this.warn('DUPLICATE_NAME', path, MESSAGES.hs3AnalysisNameClash(path, name, firstPath));
      else this.error('DUPLICATE_NAME', path, MESSAGES.fitDuplicateName(path, name, firstPath, 'the document'));
    }
  }

  /** Names in `list` (objects with a name, at JSON pointer `at`) must be unique within it. */
  private uniqueWithin(list: readonly { name?: unknown }[] | undefined, at: string, scope: string) {
    const seen = new Map<string, number>();
    list?.forEach((x, i) => {
      if (typeof x.name !== 'string') return;
      const path = pointer(at, i, 'name');
      const first = seen.get(x.name);
      if (first === undefined) seen.set(x.name, i);
      else this.error('DUPLICATE_NAME', path, MESSAGES.fitDuplicateName(path, x.name, pointer(at, first, 'name'), scope));
    });
  }

  /** A name that must refer to an object of `kind`. */
  private reference(value: unknown, path: string, kind: Kind) {
    if (typeof value !== 'string' || this.index.get(value, kind) !== undefined) return;
    const names = this.index.all.filter((e) => e.kind === kind).map((e) => e.value.name as string);
    this.error('DANGLING_REFERENCE', path, MESSAGES.fitDanglingReference(path, kind.replace('_', ' '), value, names));
  }

  private references(e: Json, path: string, roles: TypeRoles) {
    for (const [fields, kind] of [
      [roles.distributions, 'distribution'],
      [roles.functions, 'function'],
    ] as const) {
      for (const f of fields ?? []) {
        const v = e[f];
        if (Array.isArray(v)) v.forEach((x, i) => this.reference(x, pointer(path, f, i), kind));
        else this.reference(v, pointer(path, f), kind);
      }
    }
  }

  private checkDistribution(d: Json, path: string) {
    const type = d.type as string;
    const roles = DISTRIBUTION_TYPES[type];
    if (!roles) {
      this.warn('UNKNOWN_TYPE', pointer(path, 'type'), MESSAGES.hs3UnknownType(pointer(path, 'type'), 'distribution', type));
      return;
    }
    this.references(d, path, roles);
    if (type === 'generic_dist') this.checkExpression(d, path);
    switch (type) {
      case 'histfactory_dist':
        this.checkHistFactory(d as unknown as HistFactoryDist, path);
        break;
      case 'crystalball_dist':
        for (const base of ['alpha', 'n', 'sigma']) {
          for (const side of ['_L', '_R']) {
            if (d[base] !== undefined && d[base + side] !== undefined) {
              this.error('SCHEMA', pointer(path, base + side), MESSAGES.hs3CrystalBallMixed(pointer(path, base + side), base, base + side));
            }
          }
        }
        break;
      case 'mixture_dist':
      case 'mixture_model': {
        const n = (d.summands as unknown[]).length;
        const c = (d.coefficients as unknown[]).length;
        const cPath = pointer(path, 'coefficients');
        if (c !== n && c !== n - 1) this.error('SHAPE_MISMATCH', cPath, MESSAGES.fitCountMismatch(cPath, c, `${n} or ${n - 1}`, 'one coefficient per summand, or one fewer'));
        else if (c === n - 1 && d.extended === true) this.error('SCHEMA', pointer(path, 'extended'), MESSAGES.hs3MixtureExtended(pointer(path, 'extended')));
        break;
      }
      case 'multivariate_normal_dist': {
        const k = (d.x as unknown[]).length;
        if ((d.mean as unknown[]).length !== k) this.error('SHAPE_MISMATCH', pointer(path, 'mean'), MESSAGES.fitCountMismatch(pointer(path, 'mean'), (d.mean as unknown[]).length, k, 'one mean per variate'));
        const cov = d.covariances as unknown[][];
        if (cov.length !== k) this.error('SHAPE_MISMATCH', pointer(path, 'covariances'), MESSAGES.fitCountMismatch(pointer(path, 'covariances'), cov.length, k, 'a k × k matrix'));
        cov.forEach((row, i) => {
          if (row.length !== k) this.error('SHAPE_MISMATCH', pointer(path, 'covariances', i), MESSAGES.fitCountMismatch(pointer(path, 'covariances', i), row.length, k, 'a k × k matrix'));
        });
        break;
      }
      case 'bincounts_extended_dist':
      case 'bincounts_density_dist':
        if (Array.isArray(d.axes)) this.checkAxes(d.axes as AxisBounds[], pointer(path, 'axes'), 'binned');
        break;
    }
  }

  private checkHistFactory(dist: HistFactoryDist, path: string) {
    if (dist.axes) this.checkAxes(dist.axes, pointer(path, 'axes'), 'histfactory');
    const expected = totalBinCount(dist.axes);
    const nbins = expected ?? dist.samples[0]?.data.contents.length;
    const why = expected !== undefined ? MESSAGES.fitBinsOfAxes(pointer(path, 'axes')) : MESSAGES.fitBinsOfFirstSample(pointer(path, 'samples', 0, 'data', 'contents'));
    this.uniqueWithin(dist.samples, pointer(path, 'samples'), `the samples of ${path}`);
    dist.samples.forEach((s, si) => {
      const sPath = pointer(path, 'samples', si);
      const bins = (arr: readonly unknown[] | undefined, at: string) => {
        if (arr && nbins !== undefined && arr.length !== nbins) this.error('BIN_COUNT_MISMATCH', at, MESSAGES.fitCountMismatch(at, arr.length, nbins, why));
      };
      bins(s.data.contents, pointer(sPath, 'data', 'contents'));
      bins(s.data.errors, pointer(sPath, 'data', 'errors'));
      s.modifiers?.forEach((m, mi) => {
        const mPath = pointer(sPath, 'modifiers', mi);
        if (!(MODIFIER_TYPES as readonly string[]).includes(m.type)) {
          this.warn('UNKNOWN_TYPE', pointer(mPath, 'type'), MESSAGES.hs3UnknownType(pointer(mPath, 'type'), 'modifier', m.type));
          return;
        }
        this.checkModifier(m, mPath, nbins, why, dist.name);
      });
    });
  }

  /** Parameter name → constraint and where it was first seen, to check that shared parameters agree. */
  private readonly constraints = new Map<string, { constraint: string; path: string }>();

  private checkModifier(m: Modifier, path: string, nbins: number | undefined, why: string, distName: string) {
    const bins = (arr: readonly unknown[] | undefined, at: string) => {
      if (arr && nbins !== undefined && arr.length !== nbins) this.error('BIN_COUNT_MISMATCH', at, MESSAGES.fitCountMismatch(at, arr.length, nbins, why));
    };
    const perBin = PER_BIN_MODIFIERS.has(m.type);
    if (m.parameter === undefined && m.parameters === undefined && m.name === undefined && m.type !== 'staterror') {
      this.error('SCHEMA', path, MESSAGES.hs3ModifierNoParameter(path));
    }
    if (Array.isArray(m.parameters)) {
      if (perBin) bins(m.parameters, pointer(path, 'parameters'));
      else if (m.parameters.length !== 1) {
        this.error('SHAPE_MISMATCH', pointer(path, 'parameters'), MESSAGES.fitCountMismatch(pointer(path, 'parameters'), m.parameters.length, 1, `a ${m.type} modifier has one parameter`));
      }
    }
    if (m.type === 'histosys') {
      const data = (m as unknown as HistoSysModifier).data;
      bins(data.hi.contents, pointer(path, 'data', 'hi', 'contents'));
      bins(data.lo.contents, pointer(path, 'data', 'lo', 'contents'));
    }
    if (m.type === 'shapesys') bins((m as unknown as ShapeSysModifier).data?.vals, pointer(path, 'data', 'vals'));
    if (typeof m.constraint === 'string' && !(CONSTRAINT_TYPES as readonly string[]).includes(m.constraint)) {
      this.warn('NONSTANDARD', pointer(path, 'constraint'), MESSAGES.hs3Constraint(pointer(path, 'constraint'), m.constraint));
    }
    if (typeof m.constraint_name === 'string') this.reference(m.constraint_name, pointer(path, 'constraint_name'), 'distribution');
    const constraint = m.constraint_name !== undefined ? `distribution ${m.constraint_name}` : effectiveConstraint(m);
    for (const p of modifierParameters(m, nbins, distName).names) {
      const first = this.constraints.get(p);
      if (!first) this.constraints.set(p, { constraint, path });
      else if (first.constraint !== constraint) {
        this.error('CONFLICTING_DEFINITION', path, MESSAGES.hs3ConflictingConstraint(path, p, constraint, first.constraint, first.path));
      }
    }
  }

  private checkFunction(f: Json, path: string) {
    const roles = FUNCTION_TYPES[f.type as string];
    if (!roles) {
      this.warn('UNKNOWN_TYPE', pointer(path, 'type'), MESSAGES.hs3UnknownType(pointer(path, 'type'), 'function', f.type as string));
      return;
    }
    this.references(f, path, roles);
    if (f.type === 'generic_function') this.checkExpression(f, path);
  }

  /** A generic expression must parse (HS3 3.1): its syntax error, with the position, is an error of the document. */
  private checkExpression(o: Json, path: string) {
    if (typeof o.expression !== 'string') return;
    try {
      compileExpression(o.expression, pointer(path, 'expression'));
    } catch (err) {
      if (!(err instanceof HistSerialError)) throw err;
      this.error(err.code === 'UNSUPPORTED_OPERATION' ? 'UNSUPPORTED_OPERATION' : 'SCHEMA', pointer(path, 'expression'), err.message);
    }
  }

  private checkData(d: Json, path: string) {
    const type = d.type as string;
    if (!(DATA_TYPES as readonly string[]).includes(type)) {
      this.warn('UNKNOWN_TYPE', pointer(path, 'type'), MESSAGES.hs3UnknownType(pointer(path, 'type'), 'data', type));
      return;
    }
    if (type === 'binned') {
      const data = d as unknown as BinnedData;
      this.checkAxes(data.axes, pointer(path, 'axes'), 'binned');
      const n = totalBinCount(data.axes);
      const cPath = pointer(path, 'contents');
      const why = MESSAGES.fitBinsOfAxes(pointer(path, 'axes'));
      if (n !== undefined && data.contents.length !== n) this.error('BIN_COUNT_MISMATCH', cPath, MESSAGES.fitCountMismatch(cPath, data.contents.length, n, why));
      const u = data.uncertainty;
      if (u) {
        const m = data.contents.length;
        const sPath = pointer(path, 'uncertainty', 'sigma');
        if (u.sigma.length !== m) this.error('BIN_COUNT_MISMATCH', sPath, MESSAGES.fitCountMismatch(sPath, u.sigma.length, m, MESSAGES.fitOnePerContent()));
        if (Array.isArray(u.correlation)) {
          const cp = pointer(path, 'uncertainty', 'correlation');
          if (u.correlation.length !== m) this.error('SHAPE_MISMATCH', cp, MESSAGES.fitCountMismatch(cp, u.correlation.length, m, 'an n × n matrix, n = length of contents'));
          u.correlation.forEach((row, i) => {
            if (row.length !== m) this.error('SHAPE_MISMATCH', pointer(cp, i), MESSAGES.fitCountMismatch(pointer(cp, i), row.length, m, 'an n × n matrix, n = length of contents'));
          });
        }
      }
      if (d.errors !== undefined) this.warn('NONSTANDARD', pointer(path, 'errors'), MESSAGES.hs3DataErrors(pointer(path, 'errors')));
    } else if (type === 'unbinned') {
      const data = d as unknown as UnbinnedData;
      this.checkAxes(data.axes, pointer(path, 'axes'), 'unbinned');
      const k = data.axes.length;
      data.entries.forEach((row, i) => {
        if (row.length !== k) this.error('SHAPE_MISMATCH', pointer(path, 'entries', i), MESSAGES.fitCountMismatch(pointer(path, 'entries', i), row.length, k, MESSAGES.fitOnePerAxis(pointer(path, 'axes'))));
      });
      const n = data.entries.length;
      for (const key of ['weights', 'entries_uncertainties'] as const) {
        const arr = data[key];
        if (arr && arr.length !== n) this.error('SHAPE_MISMATCH', pointer(path, key), MESSAGES.fitCountMismatch(pointer(path, key), arr.length, n, MESSAGES.fitOnePerEntry()));
      }
    } else if (Array.isArray(d.axes)) {
      this.checkAxes(d.axes as AxisBounds[], pointer(path, 'axes'), 'unbinned');
    }
  }

  private checkAxes(axes: readonly AxisBounds[], path: string, use: 'binned' | 'histfactory' | 'unbinned' | 'domain') {
    this.uniqueWithin(axes, path, `the axes at ${path}`);
    axes.forEach((a, i) => {
      const at = pointer(path, i);
      if ((a as unknown as Json).const !== undefined) this.error('SCHEMA', pointer(at, 'const'), MESSAGES.hs3AxisConst(pointer(at, 'const')));
      const hasMin = typeof a.min === 'number';
      const hasMax = typeof a.max === 'number';
      if (Array.isArray(a.categories)) {
        if (hasMin || hasMax || a.nbins !== undefined || a.edges !== undefined) this.error('AXIS_BINS', at, MESSAGES.hs3AxisCategoriesMixed(at));
        return;
      }
      if (use === 'unbinned' || use === 'domain') {
        if (use === 'unbinned' && (a.nbins !== undefined || a.edges !== undefined)) this.error('AXIS_BINS', at, MESSAGES.hs3AxisForbiddenBinning(at));
        if (!hasMin) this.warn('NONSTANDARD', at, MESSAGES.hs3AxisMissingBound(at, 'min'));
        if (!hasMax) this.warn('NONSTANDARD', at, MESSAGES.hs3AxisMissingBound(at, 'max'));
        if (hasMin && hasMax && !(a.min! <= a.max! && (use === 'domain' || a.min! < a.max!))) this.error('AXIS_RANGE', at, MESSAGES.axisRange(at, a.min!, a.max!));
        return;
      }
      if (a.nbins !== undefined && a.edges !== undefined) this.error('AXIS_BINS', at, MESSAGES.hs3AxisBothBinnings(at));
      else if (a.nbins === undefined && a.edges === undefined) {
        if (use === 'binned') this.error('AXIS_BINS', at, MESSAGES.hs3AxisNoBinning(at));
      }
      if (use === 'binned' && a.edges === undefined) {
        if (!hasMin) this.error('SCHEMA', at, MESSAGES.schema(at, 'is missing required property "min"'));
        if (!hasMax) this.error('SCHEMA', at, MESSAGES.schema(at, 'is missing required property "max"'));
      } else if (use === 'binned' && (!hasMin || !hasMax)) {
        this.warn('NONSTANDARD', at, MESSAGES.hs3AxisMissingBound(at, hasMin ? 'max' : 'min'));
      }
      if (hasMin && hasMax && !(Number.isFinite(a.min) && Number.isFinite(a.max) && a.min! < a.max!)) this.error('AXIS_RANGE', at, MESSAGES.axisRange(at, a.min!, a.max!));
      if (Array.isArray(a.edges)) {
        const e = a.edges;
        for (let k = 1; k < e.length; k++) {
          if (!(e[k]! > e[k - 1]!)) {
            this.error('EDGES_NOT_INCREASING', pointer(at, 'edges', k), MESSAGES.edgeNotIncreasing(pointer(at, 'edges', k), e[k]!, e[k - 1]!));
            break;
          }
        }
        if (hasMin && e[0] !== a.min) this.error('AXIS_RANGE', pointer(at, 'edges', 0), MESSAGES.hs3EdgesBound(pointer(at, 'edges', 0), e[0]!, 'min', a.min!));
        if (hasMax && e[e.length - 1] !== a.max) {
          this.error('AXIS_RANGE', pointer(at, 'edges', e.length - 1), MESSAGES.hs3EdgesBound(pointer(at, 'edges', e.length - 1), e[e.length - 1]!, 'max', a.max!));
        }
      }
    });
  }

  private checkDomain(d: Json, path: string) {
    if (!(DOMAIN_TYPES as readonly string[]).includes(d.type as string)) {
      this.warn('UNKNOWN_TYPE', pointer(path, 'type'), MESSAGES.hs3UnknownType(pointer(path, 'type'), 'domain', d.type as string));
    }
    this.checkAxes(d.axes as AxisBounds[], pointer(path, 'axes'), 'domain');
  }

  private checkParameterPoint(p: Json, path: string) {
    const params = p.parameters as Json[];
    this.uniqueWithin(params as { name: string }[], pointer(path, 'parameters'), `parameter point ${path}`);
    params.forEach((v, i) => {
      for (const key of ['err', 'relErr']) {
        if (v[key] !== undefined) this.warn('NONSTANDARD', pointer(path, 'parameters', i, key), MESSAGES.hs3ParameterExtra(pointer(path, 'parameters', i, key), key));
      }
    });
  }

  private checkLikelihood(i: number) {
    const lh = this.doc.likelihoods![i]!;
    const path = pointer('', 'likelihoods', i);
    lh.distributions.forEach((d, k) => this.reference(d, pointer(path, 'distributions', k), 'distribution'));
    lh.aux_distributions?.forEach((d, k) => this.reference(d, pointer(path, 'aux_distributions', k), 'distribution'));
    lh.data.forEach((d, k) => this.reference(d, pointer(path, 'data', k), 'data'));
    if (lh.data.length !== lh.distributions.length) {
      const at = pointer(path, 'data');
      this.error('SHAPE_MISMATCH', at, MESSAGES.fitCountMismatch(at, lh.data.length, lh.distributions.length, MESSAGES.fitOnePerDistribution(pointer(path, 'distributions'))));
    }
    // a binned data set paired with a HistFactory channel must have its number of bins
    lh.distributions.forEach((name, k) => {
      const dataName = lh.data[k];
      if (typeof dataName !== 'string') return;
      const dist = this.index.get(name, 'distribution')?.value;
      const data = this.index.get(dataName, 'data')?.value;
      if (dist?.type !== 'histfactory_dist' || data?.type !== 'binned') return;
      const expected = histFactoryBinCount(dist as unknown as HistFactoryDist);
      const found = (data as unknown as BinnedData).contents.length;
      if (expected !== undefined && found !== expected) {
        const at = pointer(path, 'data', k);
        this.error('BIN_COUNT_MISMATCH', at, MESSAGES.hs3PairBins(at, dataName, found, name, expected));
      }
    });
  }

  private checkAnalysesAndParameters() {
    const declared = this.index.declaredParameters();
    const covered = new Set<string>();
    const analyses = this.doc.analyses ?? [];
    analyses.forEach((a, i) => {
      const path = pointer('', 'analyses', i);
      this.reference(a.likelihood, pointer(path, 'likelihood'), 'likelihood');
      if (a.domain === undefined && a.domains === undefined) this.error('SCHEMA', path, MESSAGES.hs3AnalysisNoDomain(path));
      else if (a.domain === undefined) this.warn('NONSTANDARD', pointer(path, 'domains'), MESSAGES.hs3AnalysisDomains(pointer(path, 'domains')));
      if (a.domain !== undefined) this.reference(a.domain, pointer(path, 'domain'), 'domain');
      a.domains?.forEach((d, k) => this.reference(d, pointer(path, 'domains', k), 'domain'));
      if (a.init !== undefined) this.reference(a.init, pointer(path, 'init'), 'parameter_point');
      if (a.prior !== undefined) this.reference(a.prior, pointer(path, 'prior'), 'distribution');
      a.aux_likelihood_terms?.forEach((d, k) => this.reference(d, pointer(path, 'aux_likelihood_terms', k), 'distribution'));
      const lhIndex = this.doc.likelihoods?.findIndex((l) => l.name === a.likelihood) ?? -1;
      if (lhIndex < 0) return;
      const { parameters, complete } = this.index.likelihoodParameters(lhIndex);
      for (const p of parameters.keys()) covered.add(p);
      // parameters of interest must be parameters of the likelihood
      const pois = analysisPOIs(a);
      pois.names.forEach((poi, k) => {
        if (parameters.has(poi)) return;
        const at = Array.isArray(a[pois.key]) ? pointer(path, pois.key, k) : pointer(path, pois.key);
        const message = MESSAGES.hs3PoiNotParameter(at, poi, a.likelihood);
        if (complete) this.error('DANGLING_REFERENCE', at, message);
        else this.warn('DANGLING_REFERENCE', at, message);
      });
      // spec 2.7: every parameter is in a domain of the analysis or constant in its init point
      const inDomains = new Set<string>();
      for (const d of analysisDomains(a)) {
        const axes = this.index.get(d, 'domain')?.value.axes as AxisBounds[] | undefined;
        axes?.forEach((x) => inDomains.add(x.name));
      }
      const constant = new Set<string>();
      if (a.init !== undefined) {
        const point = this.index.get(a.init, 'parameter_point')?.value;
        (point?.parameters as { name: string; const?: boolean }[] | undefined)?.forEach((v) => v.const === true && constant.add(v.name));
      }
      for (const [p, usedAt] of parameters) {
        if (inDomains.has(p) || constant.has(p)) continue;
        const elsewhere = declared.get(p);
        const message = MESSAGES.hs3UndeclaredParameter(usedAt, p, path, elsewhere);
        if (elsewhere !== undefined) this.warn('UNDECLARED_PARAMETER', usedAt, message);
        else this.error('UNDECLARED_PARAMETER', usedAt, message);
      }
    });
    // HistFactory parameters no analysis covers should at least be declared somewhere
    this.doc.distributions?.forEach((d, i) => {
      if (d.type !== 'histfactory_dist') return;
      const dist = d as unknown as HistFactoryDist;
      const nbins = histFactoryBinCount(dist);
      const reported = new Set<string>();
      dist.samples.forEach((s, si) =>
        s.modifiers?.forEach((m, mi) => {
          for (const p of modifierParameters(m, nbins, dist.name).names) {
            if (covered.has(p) || declared.has(p) || reported.has(p)) continue;
            reported.add(p);
            const at = pointer('', 'distributions', i, 'samples', si, 'modifiers', mi);
            this.warn('UNDECLARED_PARAMETER', at, MESSAGES.hs3UndeclaredAnywhere(at, p));
          }
        }),
      );
    });
  }
}
