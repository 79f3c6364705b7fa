/**
 * A histogram fit as an HS3 document: the fitted bins as binned data, each component's line shape
 * as a `hist_serial.lineshape_dist` (src/model/hs3/eval/extensions.ts) in an extended mixture with
 * the yields as coefficients, each `--constrain` as a Gaussian constraint term on inline data,
 * bounds as a domain, the starting values (`init`) and the best fit (`best_fit`) as parameter
 * points. The HS3 runtime gives the same −2 ln L as the histogram fit (same shapes, same bin
 * integrals), so a benchmark bundle re-fits to the same minimum. No IO here.
 * @module
 */
import { HistSerialError } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { LINESHAPE_DIST } from '../../model/hs3/eval/extensions.js';
import { VERSION } from '../../version.js';
import type { HistFitResult } from './fit.js';
import { parseHistModel } from './model.js';

type Json = Record<string, unknown>;

/** Options of {@link histFitToHs3}. */
export interface HistFitToHs3Options {
  /** Name of the observable (default `x`). */
  observable?: string;
  /** Name of the binned data set (default `data`). */
  data?: string;
}

/** Names of the objects {@link histFitToHs3} writes. */
export const HIST_FIT_HS3 = { likelihood: 'L', analysis: 'fit', model: 'model', domain: 'bounds', init: 'init', bestFit: 'best_fit' } as const;

/**
 * The HS3 document of a Poisson histogram fit (a χ² fit has no likelihood to write).
 *
 * @throws HistSerialError `UNSUPPORTED_OPERATION` for a χ² fit.
 * @example
 * ```ts
 * const fit = fitHistogram(h, 'bwint*gauss', { constraints: { 'bwint.resolution': { mean: 0.008, sigma: 0.0005 } } });
 * const doc = histFitToHs3(fit, { observable: 'mass' });
 * createHs3Likelihood(doc).value(...); // the fit's −2 ln L
 * ```
 */
export function histFitToHs3(fit: HistFitResult, options: HistFitToHs3Options = {}): Json {
  if (fit.statistic !== 'poisson') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitHistHs3Chi2());
  const x = options.observable ?? 'x';
  const dataName = options.data ?? 'data';
  const model = parseHistModel(fit.model, fit.range);
  const distributions: Json[] = [];
  const summands: string[] = [];
  const coefficients: string[] = [];
  for (const comp of model.components) {
    comp.shapes.forEach((shape, s) => {
      const name = comp.shapes.length > 1 ? `${comp.name}_b${s}_shape` : `${comp.name}_shape`;
      distributions.push({
        name,
        type: LINESHAPE_DIST,
        x,
        shape: comp.kind,
        ...(comp.kind === 'poly' ? { degree: comp.degree, basis: s } : {}),
        ...(comp.resolution ? { resolution: true } : {}),
        parameters: Object.fromEntries(shape.params.map((p, k) => [p.name, model.names[comp.shapeParams[k]!]!])),
      });
      summands.push(name);
      coefficients.push(model.names[comp.yieldParams[s]!]!);
    });
  }
  distributions.push({ name: HIST_FIT_HS3.model, type: 'mixture_dist', summands, coefficients, extended: true });
  const likelihoodDists: string[] = [HIST_FIT_HS3.model];
  const likelihoodData: (string | number)[] = [dataName];
  for (const c of fit.constraints ?? []) {
    const name = `${c.name}_constraint`;
    distributions.push({ name, type: 'gaussian_dist', x: `${c.name}_nominal`, mean: c.name, sigma: c.sigma });
    likelihoodDists.push(name);
    likelihoodData.push(c.mean);
  }
  const edges = Array.from(fit.edges);
  // ROOT's convention: an infinite bound is left out
  const bounded = fit.parameters.filter((p) => !p.fixed && (Number.isFinite(p.lower) || Number.isFinite(p.upper)));
  return {
    metadata: {
      hs3_version: '0.2',
      packages: [{ name: 'hist-serial', version: VERSION }],
      description: `hist-serial fit hist --model ${fit.model}: extended binned Poisson likelihood on [${fit.range.join(', ')}]`,
    },
    distributions,
    data: [{ name: dataName, type: 'binned', contents: Array.from(fit.values), axes: [{ name: x, min: edges[0], max: edges[edges.length - 1], edges }] }],
    likelihoods: [{ name: HIST_FIT_HS3.likelihood, distributions: likelihoodDists, data: likelihoodData }],
    domains: [{ name: HIST_FIT_HS3.domain, type: 'product_domain', axes: bounded.map((p) => ({ name: p.name, ...(Number.isFinite(p.lower) ? { min: p.lower } : {}), ...(Number.isFinite(p.upper) ? { max: p.upper } : {}) })) }],
    parameter_points: [
      { name: HIST_FIT_HS3.init, parameters: fit.parameters.map((p) => ({ name: p.name, value: p.initial, ...(p.fixed ? { const: true } : {}) })) },
      { name: HIST_FIT_HS3.bestFit, parameters: fit.parameters.map((p) => ({ name: p.name, value: p.value, ...(p.fixed ? { const: true } : {}) })) },
    ],
    analyses: [{ name: HIST_FIT_HS3.analysis, likelihood: HIST_FIT_HS3.likelihood, domain: HIST_FIT_HS3.domain, init: HIST_FIT_HS3.init, parameters_of_interest: [] }],
  };
}
