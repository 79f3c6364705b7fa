/**
 * Evaluate an HS3 document: normalised pdfs of its distributions and −2 ln L of its likelihoods
 * on unbinned data, at one parameter point (conventions of the HS3 spec 2.1–2.4; see
 * ../shared/reference/hs3/evaluation/README.md for the choices where the spec is unclear).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { HistSerialError, pointer } from '../../../errors.js';
import { buildDistribution, type BuildContext, type EvalDistribution } from './distributions.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';

type Json = Record<string, unknown>;

export interface EvaluatorOptions {
  /** Parameter point supplying parameter values (default `"default"`, else the first one). */
  parameterPoint?: string;
  /** Values that override (or add to) the parameter point. */
  parameters?: Readonly<Record<string, number>>;
}

export interface Hs3Evaluator {
  /** The distribution `name`, built and normalised over its observables' axis domain. */
  distribution(name: string): EvalDistribution;
  /** Normalised density of distribution `name` at one point (a number for one observable). */
  pdf(name: string, x: number | readonly number[]): number;
  /** −2 ln L of likelihood `name` (default: the first). */
  twiceNll(name?: string): number;
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** Make an evaluator for a parsed HS3 document. */
export function createHs3Evaluator(doc: Json, options: EvaluatorOptions = {}): Hs3Evaluator {
  const points = asArray(doc.parameter_points);
  const pointName = options.parameterPoint ?? (points.some((p) => p.name === 'default') ? 'default' : String(points[0]?.name ?? 'default'));
  const point = points.find((p) => p.name === pointName);
  if (!point && options.parameterPoint !== undefined) throw new HistSerialError('NOT_FOUND', M.unknownPoint(pointName));
  const params = new Map<string, number>();
  for (const p of asArray(point?.parameters)) if (typeof p.name === 'string' && typeof p.value === 'number') params.set(p.name, p.value);
  for (const [k, v] of Object.entries(options.parameters ?? {})) params.set(k, v);

  const domains = new Map<string, readonly [number, number]>();
  for (const data of asArray(doc.data)) {
    for (const axis of asArray(data.axes)) {
      if (typeof axis.name === 'string' && typeof axis.min === 'number' && typeof axis.max === 'number' && !domains.has(axis.name)) {
        domains.set(axis.name, [axis.min, axis.max]);
      }
    }
  }

  const dists = asArray(doc.distributions);
  const built = new Map<string, EvalDistribution>();
  const building = new Set<string>();

  const ctx: BuildContext = {
    parameter(name, path) {
      const v = params.get(name);
      if (v === undefined) throw new HistSerialError('UNKNOWN_PARAMETER', M.unknownParameter(name, path, pointName), { path });
      return v;
    },
    domain(variable, path) {
      const d = domains.get(variable);
      if (!d) throw new HistSerialError('UNSUPPORTED_OPERATION', M.noDomain(variable, path), { path });
      return d;
    },
    distribution: (name, path) => get(name, path),
  };

  function get(name: string, path: string): EvalDistribution {
    const done = built.get(name);
    if (done) return done;
    const i = dists.findIndex((d) => d.name === name);
    if (i < 0) throw new HistSerialError('DANGLING_REFERENCE', M.unknownDistribution(name, path), { path });
    if (building.has(name)) throw new HistSerialError('BAD_MODEL', M.cycle(name), { path });
    building.add(name);
    try {
      const dist = buildDistribution(dists[i]!, ctx, pointer('', 'distributions', i));
      built.set(name, dist);
      return dist;
    } finally {
      building.delete(name);
    }
  }

  function twiceNll(name?: string): number {
    const lhs = asArray(doc.likelihoods);
    const li = name === undefined ? 0 : lhs.findIndex((l) => l.name === name);
    const lh = lhs[li];
    if (!lh) throw new HistSerialError('NOT_FOUND', M.unknownLikelihood(name ?? '(first)'));
    const lpath = pointer('', 'likelihoods', li);
    const data = asArray(doc.data);
    const distNames = Array.isArray(lh.distributions) ? lh.distributions : [];
    const dataNames = Array.isArray(lh.data) ? lh.data : [];
    let total = 0;
    distNames.forEach((dn, k) => {
      const dist = get(String(dn), pointer(lpath, 'distributions', k));
      const dataPath = pointer(lpath, 'data', k);
      const di = data.findIndex((d) => d.name === dataNames[k]);
      const ds = data[di];
      if (!ds) throw new HistSerialError('DANGLING_REFERENCE', M.unknownData(String(dataNames[k]), dataPath), { path: dataPath });
      const dsPath = pointer('', 'data', di);
      if (ds.type !== 'unbinned') throw new HistSerialError('UNSUPPORTED_OPERATION', M.dataType(ds.type, pointer(dsPath, 'type')), { path: pointer(dsPath, 'type') });
      const axes = asArray(ds.axes).map((a) => a.name);
      const cols = dist.observables.map((o) => {
        const j = axes.indexOf(o);
        if (j < 0) throw new HistSerialError('SCHEMA', M.missingAxis(o, pointer(dsPath, 'axes')), { path: pointer(dsPath, 'axes') });
        return j;
      });
      const entries = Array.isArray(ds.entries) ? (ds.entries as number[][]) : [];
      const weights = Array.isArray(ds.weights) ? (ds.weights as number[]) : undefined;
      const row: number[] = new Array<number>(cols.length);
      let sum = 0;
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e]!;
        for (let c = 0; c < cols.length; c++) row[c] = entry[cols[c]!]!;
        sum += (weights ? weights[e]! : 1) * Math.log(dist.density(row));
      }
      total += -2 * sum;
      if (dist.expectedEvents !== undefined) {
        const nu = dist.expectedEvents;
        const n = entries.length;
        total += 2 * (nu - n * Math.log(nu) + gammaln(n + 1));
      }
    });
    return total;
  }

  return {
    distribution: (name) => get(name, ''),
    pdf: (name, x) => get(name, '').density(typeof x === 'number' ? [x] : x),
    twiceNll,
  };
}
