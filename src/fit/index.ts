/**
 * Fits (`hist-serial/fit`): HistFactory likelihoods built from pyhf workspaces and HS3 documents
 * (−2 ln L as pyhf defines it, analytic gradients), the bounded minimiser (L-BFGS-B, then Newton
 * polishing), Hesse errors, profile scans, asymptotic CLs with q̃μ and upper limits, the saturated
 * goodness of fit, and line shapes fitted to histograms. Results convert to fit-result documents.
 *
 * @example
 * ```ts
 * import { buildHistFactory, fitModel, upperLimit } from 'hist-serial/fit';
 * const model = buildHistFactory(workspace);
 * const result = fitModel(model);        // best fit, Hesse errors, −2 ln L
 * const limit = upperLimit(model);       // { obs, exp: [5 values] }
 * ```
 * @module
 */
export type { Objective } from './objective.js';
export * from './histfactory/index.js';
export { MINIMIZE_STATUS, fixParameters, minimize, type MinimizeOptions, type MinimizeResult, type MinimizeStatus } from './minimize.js';
export { hessian, hesse, type HessianMatrix, type HessianOptions, type HesseResult } from './hesse.js';
export * from './infer.js';
export * from './hist/index.js';
export * from '../model/hs3/eval/index.js';
