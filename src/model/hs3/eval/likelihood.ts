/**
 * −2 ln L of an HS3 likelihood as a function of its parameters: the {@link Objective} the fit
 * machinery minimises. Terms, one per (distribution, data) pair of the likelihood and one per
 * auxiliary distribution:
 * - unbinned data: −2 Σᵢ wᵢ ln pdf(xᵢ), plus 2 (ν − N ln ν + ln Γ(N+1)) when the distribution is
 *   extended (N = Σ wᵢ);
 * - binned data (one axis): with pᵢ = ∫_binᵢ pdf, extended: Poisson 2 Σ (νpᵢ − nᵢ ln νpᵢ + ln Γ(nᵢ+1));
 *   not extended: the multinomial −2 Σ nᵢ ln pᵢ (without its constant);
 * - inline numbers and `point` data: −2 ln pdf(value);
 * - `aux_distributions`: −2 ln pdf at the parameters named by its observables.
 * Parameters are what the distributions ask for; their values come from the parameter point
 * (`const` ones are fixed), their bounds from the analysis' domains.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { HistSerialError, pointer } from '../../../errors.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';
import type { AsimovCapable } from '../../../fit/infer.js';
import type { Objective } from '../../../fit/objective.js';
import { cholesky, choleskyLogDet, choleskyQuadraticForm } from '../../../fit/linalg.js';
import { binProbabilities, type EvalDistribution } from './distributions.js';
import { asArray, Hs3Scope, indexHs3, type Hs3Index } from './scope.js';

type Json = Record<string, unknown>;

/** Which likelihood and parameter values. */
export interface Hs3LikelihoodOptions {
  /** The analysis (its likelihood, domains, parameters of interest and `init` point). Default: the first, if any. */
  analysis?: string;
  /** The likelihood (default: the analysis' one, else the first). */
  likelihood?: string;
  /** Parameter point of the starting values (default: the analysis' `init`, else `default`, else the first). */
  parameterPoint?: string;
  /** Values overriding (or adding to) the parameter point. */
  parameters?: Readonly<Record<string, number>>;
}

/** An HS3 likelihood ready to be evaluated and minimised. */
export interface Hs3Likelihood extends Objective {
  readonly likelihood: string;
  readonly analysis: string | undefined;
  readonly parameterPoint: string;
  /** Index of the (first) parameter of interest in `names`, null when the analysis names none. */
  readonly poiIndex: number | null;
  /** Parameters of interest named by the analysis. */
  readonly parametersOfInterest: readonly string[];
  /** Number of entries (unbinned), bins (binned) and inline values in the likelihood. */
  readonly observations: number;
  /** −2 ln L at named values (the others at their starting values). */
  twiceNllAt(values: Readonly<Record<string, number>>): number;
  /** Present when every term can make Asimov data (see {@link AsimovCapable}): binned, 1-d unbinned, inline Gaussian or Poisson. */
  expectedMain?(x: ArrayLike<number>): Float64Array;
  expectedAux?(x: ArrayLike<number>): Float64Array;
  withData?(main: Float64Array, aux: Float64Array): Hs3Likelihood & AsimovCapable;
}

type Term =
  | { kind: 'unbinned'; dist: string; path: string; columns: Float64Array[]; weights: Float64Array | undefined; sumWeights: number; buffer: Float64Array }
  /** `axes`: bin edges per data axis; `order[k]`: the data axis of the distribution's observable k; contents row-major (last axis fastest). */
  | { kind: 'binned'; dist: string; path: string; axes: Float64Array[]; order: number[]; counts: Float64Array; gaussian?: GaussianBins }
  | { kind: 'value'; dist: string; path: string; value: number }
  | { kind: 'aux'; dist: string; path: string };

/** Gaussian uncertainties of binned data: the Cholesky factor of their covariance and ln det(2πC). */
interface GaussianBins {
  L: Float64Array;
  logDet: number;
}

/**
 * The `uncertainty` of binned data (`gaussian_uncertainty`: `sigma` per bin, `correlation` a matrix
 * or 0) as the covariance's Cholesky factor; undefined without one.
 */
function gaussianBins(ds: Json, dsPath: string, n: number): GaussianBins | undefined {
  const u = ds.uncertainty;
  if (u === undefined) return undefined;
  const at = pointer(dsPath, 'uncertainty');
  if (typeof u !== 'object' || u === null || (u as Json).type !== 'gaussian_uncertainty') throw new HistSerialError('UNSUPPORTED_OPERATION', M.uncertaintyType(at), { path: at });
  const { sigma, correlation } = u as Json;
  if (!Array.isArray(sigma) || sigma.length !== n || sigma.some((v) => typeof v !== 'number' || !(v > 0))) throw new HistSerialError('SCHEMA', M.uncertaintySigma(pointer(at, 'sigma'), n), { path: pointer(at, 'sigma') });
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) C[i * n + i] = (sigma[i] as number) ** 2;
  if (correlation !== undefined && correlation !== 0) {
    const R = correlation as unknown[][];
    if (!Array.isArray(R) || R.length !== n || R.some((row) => !Array.isArray(row) || row.length !== n || row.some((v) => typeof v !== 'number'))) {
      throw new HistSerialError('SCHEMA', M.uncertaintySigma(pointer(at, 'correlation'), n), { path: pointer(at, 'correlation') });
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) C[i * n + j] = (R[i]![j] as number) * (sigma[i] as number) * (sigma[j] as number);
  }
  const L = cholesky(C, n);
  if (!L) throw new HistSerialError('BAD_MODEL', M.mvnNotPositive(at), { path: at });
  return { L, logDet: n * Math.log(2 * Math.PI) + choleskyLogDet(L, n) };
}

/** (r ᵀ C⁻¹ r) + ln det(2πC) with C = L Lᵀ (`r` is overwritten). */
const gaussianTerm = (g: GaussianBins, r: Float64Array): number => choleskyQuadraticForm(g.L, r.length, r, r) + g.logDet;

/** ln n! (ln Γ(n + 1), also for non-integer counts). */
const lnFactorial = (n: number): number => gammaln(n + 1);

/** Select an analysis, its likelihood and parameter point. */
function select(doc: Json, options: Hs3LikelihoodOptions) {
  const analyses = asArray(doc.analyses);
  let analysis: Json | undefined;
  if (options.analysis !== undefined) {
    analysis = analyses.find((a) => a.name === options.analysis);
    if (!analysis) throw new HistSerialError('NOT_FOUND', M.unknownAnalysis(options.analysis));
  } else if (options.likelihood === undefined) {
    analysis = analyses[0];
  } else {
    analysis = analyses.find((a) => a.likelihood === options.likelihood);
  }
  const likelihoods = asArray(doc.likelihoods);
  const lhName = options.likelihood ?? (typeof analysis?.likelihood === 'string' ? analysis.likelihood : undefined);
  const li = lhName === undefined ? 0 : likelihoods.findIndex((l) => l.name === lhName);
  const likelihood = likelihoods[li];
  if (!likelihood) throw new HistSerialError('NOT_FOUND', M.unknownLikelihood(lhName ?? '(first)'));

  const points = asArray(doc.parameter_points);
  const pointName =
    options.parameterPoint ??
    (typeof analysis?.init === 'string' ? analysis.init : points.some((p) => p.name === 'default') ? 'default' : String(points[0]?.name ?? 'default'));
  const point = points.find((p) => p.name === pointName);
  if (!point && (options.parameterPoint !== undefined || typeof analysis?.init === 'string')) throw new HistSerialError('NOT_FOUND', M.unknownPoint(pointName));

  // Domains: the analysis' (`domain`, or the `domains` list some producers write), else all.
  const wanted = analysis ? [analysis.domain, ...(Array.isArray(analysis.domains) ? analysis.domains : [])].filter((d): d is string => typeof d === 'string') : [];
  const domains = asArray(doc.domains).filter((d) => !analysis || wanted.length === 0 || wanted.includes(String(d.name)));
  const bounds = new Map<string, [number, number]>();
  for (const d of domains) {
    for (const a of asArray(d.axes)) {
      if (typeof a.name === 'string') bounds.set(a.name, [typeof a.min === 'number' ? a.min : -Infinity, typeof a.max === 'number' ? a.max : Infinity]);
    }
  }
  const pois = Array.isArray(analysis?.parameters_of_interest) ? (analysis.parameters_of_interest as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  return { analysis, likelihood, likelihoodPath: pointer('', 'likelihoods', li), pointName, point, bounds, pois };
}

/** The bin edges of each axis of binned data with `bins` contents (the count checked before anything is allocated). */
function binnedAxes(ds: Json, path: string, bins: number): Float64Array[] {
  const axes = asArray(ds.axes);
  const bad = () => new HistSerialError('SCHEMA', M.binnedAxes(path), { path: pointer(path, 'axes') });
  const counts = axes.map((a) => (Array.isArray(a.edges) ? a.edges.length - 1 : a.nbins));
  if (axes.length === 0 || counts.some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > bins) || counts.reduce((p: number, n) => p * (n as number), 1) !== bins) throw bad();
  return axes.map((a, k) => {
    if (Array.isArray(a.edges)) {
      const e = Float64Array.from(a.edges as number[]);
      for (let i = 1; i < e.length; i++) if (!(e[i]! > e[i - 1]!)) throw bad();
      return e;
    }
    const n = counts[k] as number;
    if (typeof a.min !== 'number' || typeof a.max !== 'number' || !(a.max > a.min)) throw bad();
    return Float64Array.from({ length: n + 1 }, (_, i) => (a.min as number) + (((a.max as number) - (a.min as number)) * i) / n);
  });
}

/** Number of bins of per-axis edges. */
const binCount = (axes: readonly Float64Array[]): number => axes.reduce((p, e) => p * (e.length - 1), 1);

/**
 * The probability of each bin of a binned term (row-major over the data axes): one axis through the
 * distribution's bin loop; several through its per-observable bin probabilities (a product of
 * one-dimensional factors).
 */
function termProbabilities(dist: EvalDistribution, axes: readonly Float64Array[], order: readonly number[]): Float64Array {
  const out = new Float64Array(binCount(axes));
  if (axes.length === 1) {
    binProbabilities(dist, axes[0]!, out);
    return out;
  }
  // strides of the data axes, row-major; the distribution's observable k runs along data axis order[k]
  const strides = axes.map((_, j) => axes.slice(j + 1).reduce((p, e) => p * (e.length - 1), 1));
  dist.gridProbabilities!(order.map((j) => axes[j]!), order.map((j) => strides[j]!), out);
  return out;
}

/**
 * Make the objective of an HS3 likelihood (unbinned, binned and inline data, aux distributions).
 *
 * @example
 * ```ts
 * const lh = createHs3Likelihood(doc, { analysis: 'A' });
 * lh.value(lh.init); // −2 ln L at the starting values
 * ```
 */
export function createHs3Likelihood(doc: Json, options: Hs3LikelihoodOptions = {}): Hs3Likelihood {
  const index: Hs3Index = indexHs3(doc);
  const sel = select(doc, options);
  const start = new Map<string, number>();
  const constant = new Set<string>();
  for (const p of asArray(sel.point?.parameters)) {
    if (typeof p.name !== 'string' || typeof p.value !== 'number') continue;
    start.set(p.name, p.value);
    if (p.const === true) constant.add(p.name);
  }
  for (const [k, v] of Object.entries(options.parameters ?? {})) start.set(k, v);

  // Recording pass: build every term at the starting values; what the lookup is asked for are the parameters.
  const names: string[] = [];
  const seen = new Map<string, number>();
  const record = (name: string, path: string): number => {
    const v = start.get(name);
    if (v === undefined) throw new HistSerialError('UNKNOWN_PARAMETER', M.unknownParameter(name, path, sel.pointName), { path });
    if (!seen.has(name)) {
      seen.set(name, names.length);
      names.push(name);
    }
    return v;
  };
  const scope = new Hs3Scope(index, record);
  const terms = compileTerms(doc, sel.likelihood, sel.likelihoodPath, scope);
  const x0 = new Float64Array(names.length);
  names.forEach((n, i) => (x0[i] = start.get(n)!));
  return likelihoodOver(terms, scope, { names, seen, x0, constant, sel });
}

interface Frame {
  names: string[];
  seen: Map<string, number>;
  x0: Float64Array;
  constant: Set<string>;
  sel: ReturnType<typeof select>;
}

/** Number of bins of the Asimov grid that stands for an unbinned data set (as RooFit's binned Asimov data). */
export const ASIMOV_GRID_BINS = 400;

/** The objective over `terms`; with the Asimov methods when every term can be binned. */
function likelihoodOver(terms: Term[], scope: Hs3Scope, f: Frame): Hs3Likelihood {
  const { names, seen, x0, sel } = f;
  let observations = 0;
  for (const t of terms) observations += t.kind === 'unbinned' ? (t.columns[0]?.length ?? 0) : t.kind === 'binned' ? t.counts.length : t.kind === 'value' ? 1 : 0;

  let current: Float64Array = x0;
  const lookup = (name: string, path: string): number => {
    const i = seen.get(name);
    if (i === undefined) throw new HistSerialError('UNKNOWN_PARAMETER', M.unknownParameter(name, path, sel.pointName), { path });
    return current[i]!;
  };
  const at = (x: ArrayLike<number>) => {
    current = Float64Array.from(x);
    scope.reset(lookup);
  };
  const value = (x: Float64Array): number => {
    at(x);
    let total = 0;
    for (const t of terms) total += termValue(t, scope);
    return Number.isNaN(total) ? Infinity : total;
  };

  // Asimov data: binned terms keep their bins; a one-dimensional unbinned term is binned on a grid.
  const grids = terms.map((t) => {
    if (t.kind === 'binned') return t.axes;
    if (t.kind !== 'unbinned' || t.columns.length !== 1) return undefined;
    const dist = scope.distribution(t.dist, t.path);
    if (!dist.probability) return undefined;
    const [a, b] = scope.domain(dist.observables[0]!, t.path);
    return [Float64Array.from({ length: ASIMOV_GRID_BINS + 1 }, (_, i) => a + ((b - a) * i) / ASIMOV_GRID_BINS)];
  });
  const asimov = terms.every((t, k) => t.kind === 'aux' || t.kind === 'value' || grids[k] !== undefined);
  const observed = (t: Term) => (t.kind === 'binned' ? t.counts.reduce((p, q) => p + q, 0) : t.kind === 'unbinned' ? t.sumWeights : 0);

  const poiIndex = sel.pois.length ? names.indexOf(sel.pois[0]!) : -1;
  const lh: Hs3Likelihood = {
    names,
    init: x0,
    lower: Float64Array.from(names, (n) => sel.bounds.get(n)?.[0] ?? -Infinity),
    upper: Float64Array.from(names, (n) => sel.bounds.get(n)?.[1] ?? Infinity),
    fixed: names.map((n) => f.constant.has(n)),
    scale: 2,
    value,
    likelihood: String(sel.likelihood.name),
    analysis: sel.analysis ? String(sel.analysis.name) : undefined,
    parameterPoint: sel.pointName,
    poiIndex: poiIndex < 0 ? null : poiIndex,
    parametersOfInterest: sel.pois,
    observations,
    twiceNllAt(values) {
      const x = Float64Array.from(x0);
      for (const [k, v] of Object.entries(values)) {
        const i = seen.get(k);
        if (i !== undefined) x[i] = v;
      }
      return value(x);
    },
  };
  if (!asimov) return lh;
  return Object.assign(lh, {
    expectedMain(x: ArrayLike<number>): Float64Array {
      at(x);
      const out: number[] = [];
      terms.forEach((t, k) => {
        const axes = grids[k];
        if (!axes) return;
        const dist = scope.distribution(t.dist, t.path);
        const nu = dist.expectedEvents ?? observed(t);
        for (const p of termProbabilities(dist, axes, t.kind === 'binned' ? t.order : [0])) out.push(nu * p);
      });
      return Float64Array.from(out);
    },
    expectedAux(x: ArrayLike<number>): Float64Array {
      at(x);
      return Float64Array.from(
        terms.filter((t) => t.kind === 'value').map((t) => {
          const dist = scope.distribution(t.dist, t.path);
          if (dist.center === undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', M.asimovAux(dist.type, t.path), { path: t.path });
          return dist.center;
        }),
      );
    },
    withData(main: Float64Array, aux: Float64Array): Hs3Likelihood & AsimovCapable {
      let m = 0;
      let a = 0;
      const next: Term[] = terms.map((t, k): Term => {
        const axes = grids[k];
        if (axes) {
          const n = binCount(axes);
          const counts = main.slice(m, m + n);
          m += n;
          return t.kind === 'binned' ? { ...t, counts } : { kind: 'binned', dist: t.dist, path: t.path, axes, order: [0], counts };
        }
        if (t.kind === 'value') return { ...t, value: aux[a++]! };
        return t;
      });
      return likelihoodOver(next, scope, f) as Hs3Likelihood & AsimovCapable;
    },
  });
}

function compileTerms(doc: Json, lh: Json, lpath: string, scope: Hs3Scope): Term[] {
  const data = asArray(doc.data);
  const distNames = Array.isArray(lh.distributions) ? (lh.distributions as unknown[]) : [];
  const dataRefs = Array.isArray(lh.data) ? (lh.data as unknown[]) : [];
  const terms: Term[] = [];
  distNames.forEach((dn, k) => {
    const path = pointer(lpath, 'distributions', k);
    const dist = scope.distribution(String(dn), path);
    const ref = dataRefs[k];
    const dataPath = pointer(lpath, 'data', k);
    if (typeof ref === 'number') {
      if (dist.observables.length !== 1) throw new HistSerialError('SCHEMA', M.inlineData(dataPath, ref), { path: dataPath });
      terms.push({ kind: 'value', dist: dist.name, path, value: ref });
      return;
    }
    if (typeof ref !== 'string') throw new HistSerialError('SCHEMA', M.inlineData(dataPath, ref), { path: dataPath });
    const di = data.findIndex((d) => d.name === ref);
    const ds = data[di];
    if (!ds) throw new HistSerialError('DANGLING_REFERENCE', M.unknownData(ref, dataPath), { path: dataPath });
    const dsPath = pointer('', 'data', di);
    if (dist.type === 'histfactory_dist') throw new HistSerialError('UNSUPPORTED_OPERATION', M.histfactoryMixed(path), { path });
    switch (ds.type) {
      case 'unbinned':
        terms.push(unbinnedTerm(ds, dsPath, dist, path));
        return;
      case 'binned': {
        const contents = Array.isArray(ds.contents) ? (ds.contents as unknown[]) : [];
        if (contents.some((c) => typeof c !== 'number')) throw new HistSerialError('SCHEMA', M.binnedAxes(dsPath), { path: pointer(dsPath, 'contents') });
        const axes = binnedAxes(ds, dsPath, contents.length);
        const names = asArray(ds.axes).map((a) => a.name);
        const order = dist.observables.map((o) => names.indexOf(o));
        const usable = axes.length === 1 ? dist.observables.length === 1 && dist.probability !== undefined : dist.gridProbabilities !== undefined;
        if (!usable || order.length !== axes.length || order.some((j) => j < 0)) throw new HistSerialError('UNSUPPORTED_OPERATION', M.binnedDistribution(dist.type, dsPath), { path: dsPath });
        const gaussian = gaussianBins(ds, dsPath, contents.length);
        terms.push({ kind: 'binned', dist: dist.name, path, axes, order, counts: Float64Array.from(contents as number[]), ...(gaussian ? { gaussian } : {}) });
        return;
      }
      case 'point':
        if (typeof ds.value !== 'number' || dist.observables.length !== 1) throw new HistSerialError('SCHEMA', M.inlineData(pointer(dsPath, 'value'), ds.value), { path: pointer(dsPath, 'value') });
        terms.push({ kind: 'value', dist: dist.name, path, value: ds.value });
        return;
      default:
        throw new HistSerialError('UNSUPPORTED_OPERATION', M.dataType(ds.type, pointer(dsPath, 'type')), { path: pointer(dsPath, 'type') });
    }
  });
  const aux = Array.isArray(lh.aux_distributions) ? (lh.aux_distributions as unknown[]) : [];
  aux.forEach((dn, k) => {
    const path = pointer(lpath, 'aux_distributions', k);
    const dist = scope.distribution(String(dn), path);
    const t: Term = { kind: 'aux', dist: dist.name, path };
    termValue(t, scope); // records the parameters its observables name
    terms.push(t);
  });
  return terms;
}

function unbinnedTerm(ds: Json, dsPath: string, dist: EvalDistribution, path: string): Term {
  const axes = asArray(ds.axes).map((a) => a.name);
  const cols = dist.observables.map((o) => {
    const j = axes.indexOf(o);
    if (j < 0) throw new HistSerialError('SCHEMA', M.missingAxis(o, pointer(dsPath, 'axes')), { path: pointer(dsPath, 'axes') });
    return j;
  });
  const entries = Array.isArray(ds.entries) ? (ds.entries as unknown[]) : [];
  const columns = cols.map(() => new Float64Array(entries.length));
  entries.forEach((e, i) => {
    if (!Array.isArray(e) || e.length !== axes.length) throw new HistSerialError('SCHEMA', M.entryShape(pointer(dsPath, 'entries', i), axes.length), { path: pointer(dsPath, 'entries', i) });
    cols.forEach((j, c) => {
      const v = e[j];
      if (typeof v !== 'number') throw new HistSerialError('SCHEMA', M.entryShape(pointer(dsPath, 'entries', i, j), axes.length), { path: pointer(dsPath, 'entries', i, j) });
      columns[c]![i] = v;
    });
  });
  let weights: Float64Array | undefined;
  let sumWeights = entries.length;
  if (ds.weights !== undefined) {
    const w = Array.isArray(ds.weights) ? (ds.weights as unknown[]) : [];
    if (w.length !== entries.length || w.some((x) => typeof x !== 'number')) throw new HistSerialError('SCHEMA', M.weightsShape(pointer(dsPath, 'weights'), entries.length), { path: pointer(dsPath, 'weights') });
    weights = Float64Array.from(w as number[]);
    sumWeights = weights.reduce((a, b) => a + b, 0);
  }
  return { kind: 'unbinned', dist: dist.name, path, columns, weights, sumWeights, buffer: new Float64Array(entries.length) };
}

/**
 * Σ wᵢ ln xᵢ with Neumaier's compensated summation: with 1e6 events the naive sum's rounding noise
 * (~1e-7 absolute) would hide the changes of −2 ln L the minimiser must resolve near its minimum.
 */
function sumOfLogs(x: Float64Array, w: Float64Array | undefined): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = w ? w[i]! * Math.log(x[i]!) : Math.log(x[i]!);
    const u = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - u + v : v - u + s;
    s = u;
  }
  return s + c;
}

function termValue(t: Term, scope: Hs3Scope): number {
  const dist = scope.distribution(t.dist, t.path);
  switch (t.kind) {
    case 'unbinned': {
      const buf = t.buffer;
      dist.densities(t.columns, buf);
      let total = -2 * sumOfLogs(buf, t.weights);
      const nu = dist.expectedEvents;
      if (nu !== undefined) total += 2 * (nu - t.sumWeights * Math.log(nu) + lnFactorial(t.sumWeights));
      return total;
    }
    case 'binned': {
      const nu = dist.expectedEvents;
      let total = 0;
      const probs = termProbabilities(dist, t.axes, t.order);
      if (t.gaussian) {
        // data with Gaussian uncertainties: −2 ln N(n | ν pᵢ, C), ν the expected events (else the observed total)
        const scale = nu ?? t.counts.reduce((a, b) => a + b, 0);
        return gaussianTerm(t.gaussian, Float64Array.from(t.counts, (n, i) => n - scale * probs[i]!));
      }
      for (let i = 0; i < t.counts.length; i++) {
        const n = t.counts[i]!;
        const p = probs[i]!;
        if (nu === undefined) {
          if (n !== 0) total -= 2 * n * Math.log(p);
        } else {
          const mu = nu * p;
          total += 2 * (mu - (n === 0 ? 0 : n * Math.log(mu)) + lnFactorial(n));
        }
      }
      return total;
    }
    case 'value':
      return -2 * Math.log(dist.density([t.value]));
    case 'aux':
      return -2 * Math.log(dist.density(dist.observables.map((o) => scope.parameter(o, t.path))));
  }
}
