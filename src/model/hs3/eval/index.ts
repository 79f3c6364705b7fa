export { createHs3Evaluator, type EvaluatorOptions, type Hs3Evaluator } from './evaluate.js';
export { buildDistribution, SUPPORTED_TYPES, type BuildContext, type EvalDistribution } from './distributions.js';
export { integrate, QUADRATURE_MAX_INTERVALS, QUADRATURE_REL_TOL, type QuadratureOptions, type QuadratureResult } from './quadrature.js';

