export { createHs3Evaluator, type EvaluatorOptions, type Hs3Evaluator } from './evaluate.js';
export { createHs3Likelihood, type Hs3Likelihood, type Hs3LikelihoodOptions } from './likelihood.js';
export { buildDistribution, SUPPORTED_TYPES, type BuildContext, type EvalDistribution } from './distributions.js';
export { compileExpression, EXPRESSION_FUNCTIONS, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, type CompiledExpression } from './expression.js';
export { integrate, QUADRATURE_MAX_INTERVALS, QUADRATURE_REL_TOL, type QuadratureOptions, type QuadratureResult } from './quadrature.js';
