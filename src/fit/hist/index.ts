/**
 * Simple fits to histograms: line shapes (Gaussian, Breit-Wigner, relativistic Breit-Wigner, Voigt,
 * two interfering Breit-Wigners, Crystal Ball, exponential, Bernstein polynomials), optionally
 * smeared by a Gaussian resolution, and their sums, fitted by an extended binned Poisson likelihood
 * or a χ² with optional Gaussian constraints, with automatic starting values, Hesse errors,
 * fit-result documents and SVG plots; and the canonical line shapes as functions (`faddeeva`,
 * `voigt`, `bwAmplitude`, …, from `src/fit/lineshapes.ts`). No IO here.
 *
 * @example
 * ```ts
 * import { fitHistogram, histFitToFitResult, plotHistFit } from 'hist-serial';
 * const fit = fitHistogram(doc.histograms.get('mass')!, 'gauss+expo');
 * fit.parameters; // [{ name: 'gauss.mean', value: 5.2, error: 0.004, … }, …]
 * ```
 * @module
 */
export {
  fitBinnedData,
  fitHistogram,
  histFitToFitResult,
  histogramBins,
  summarizeHistFit,
  type HistFitConstraint,
  type HistFitOptions,
  type HistFitParameter,
  type HistFitResult,
  type HistFitSummary,
  type HistFitToFitResultOptions,
  type HistFitYield,
} from './fit.js';
export {
  constraintTerm,
  createHistObjective,
  saturatedOffset,
  type Chi2Errors,
  type HistConstraintTerm,
  type HistFitStatistic,
  type HistObjective,
  type HistObjectiveOptions,
} from './likelihood.js';
export { HIST_FIT_HS3, histFitToHs3, type HistFitToHs3Options } from './hs3.js';
export { COMPONENT_ALIASES, COMPONENT_KINDS, MAX_POLY_DEGREE, RESOLUTION_KINDS, lineShapeFor, parseHistModel, type ComponentKind, type HistModel, type ModelComponent, type ParamKind } from './model.js';
export { formatMeasurement, plotHistFit, type HistFitPlotOptions } from './plot.js';
export { RESOLUTION_PARAM, voigtProfile, withResolution } from './resolution.js';
export {
  bernsteinBasis,
  breitWigner,
  bwInterference,
  crystalBall,
  exponential,
  gaussian,
  normalCdf,
  normalInterval,
  relativisticBreitWigner,
  type LineShape,
  type ShapeCore,
  type ShapeParam,
  type ShapeParamKind,
} from './shapes.js';
export { startingPoint, type BinnedData, type StartingPoint } from './start.js';
export {
  GAUSSIAN_SMEAR_WIDTH,
  breakupMomentum,
  bwAmplitude,
  bwAmplitudeMassDependent,
  bwAmplitudeSmeared,
  cauchy,
  faddeeva,
  gaussianSmear,
  gaussianSmearNodes,
  massDependentWidth,
  twoBwIntensity,
  twoBwMirror,
  voigt,
  type BwParams,
  type Complex,
  type GaussianSmearOptions,
  type TwoBodyChannel,
} from '../lineshapes.js';
