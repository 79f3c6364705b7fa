/**
 * Evaluate an HS3 document at one parameter point: normalised pdfs of its distributions and −2 ln L
 * of its likelihoods (conventions of the HS3 spec 2.1–2.4; see spec.md 8.6 for the choices where
 * the spec is unclear).
 */
import { HistSerialError } from '../../../errors.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';
import type { EvalDistribution } from './distributions.js';
import { createHs3Likelihood } from './likelihood.js';
import { asArray, Hs3Scope, indexHs3 } from './scope.js';

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

/** Make an evaluator for a parsed HS3 document. */
export function createHs3Evaluator(doc: Json, options: EvaluatorOptions = {}): Hs3Evaluator {
  const points = asArray(doc.parameter_points);
  const pointName = options.parameterPoint ?? (points.some((p) => p.name === 'default') ? 'default' : String(points[0]?.name ?? 'default'));
  const point = points.find((p) => p.name === pointName);
  if (!point && options.parameterPoint !== undefined) throw new HistSerialError('NOT_FOUND', M.unknownPoint(pointName));
  const params = new Map<string, number>();
  for (const p of asArray(point?.parameters)) if (typeof p.name === 'string' && typeof p.value === 'number') params.set(p.name, p.value);
  for (const [k, v] of Object.entries(options.parameters ?? {})) params.set(k, v);

  const scope = new Hs3Scope(indexHs3(doc), (name, path) => {
    const v = params.get(name);
    if (v === undefined) throw new HistSerialError('UNKNOWN_PARAMETER', M.unknownParameter(name, path, pointName), { path });
    return v;
  });
  return {
    distribution: (name) => scope.distribution(name, ''),
    pdf: (name, x) => scope.distribution(name, '').density(typeof x === 'number' ? [x] : x),
    twiceNll(name) {
      const lh = createHs3Likelihood(doc, {
        ...(name === undefined ? {} : { likelihood: name }),
        parameterPoint: pointName,
        ...(options.parameters ? { parameters: options.parameters } : {}),
      });
      return lh.value(lh.init);
    },
  };
}
