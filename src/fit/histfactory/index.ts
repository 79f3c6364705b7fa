/**
 * HistFactory likelihoods that agree with pyhf: build one from a pyhf workspace or an HS3 document,
 * evaluate −2 ln L and its gradient, change its data.
 *
 * @example
 * ```ts
 * import { buildHistFactory } from './fit/histfactory/index.js';
 * const model = buildHistFactory(workspace, { measurement: 'GaussExample' });
 * const grad = new Float64Array(model.names.length);
 * model.valueAndGradient(model.init, grad);
 * ```
 * @module
 */
export { HistFactoryModel, type HistFactoryChannel } from './model.js';
export {
  buildHistFactory,
  histFactoryFromJson,
  evaluateNll,
  type HistFactoryFromJsonOptions,
  type NllEvaluation,
} from './histfactory.js';
export { histFactoryFromHS3, hs3InterpolationCode, type HistFactoryFromHS3Options } from './hs3.js';
export { MODIFIER_ORDER, compareCodePoints, type BuildHistFactoryOptions, type ModifierLocation, type ModifierType, type ParameterSet, type ConstraintType } from './build.js';
export { DEFAULT_INTERPOLATION, type InterpolationCode } from './interpolation.js';
