/**
 * Simple fits to histograms: line shapes (Gaussian, Breit-Wigner, relativistic Breit-Wigner,
 * Crystal Ball, exponential, Bernstein polynomials) and their sums, fitted by an extended binned
 * Poisson likelihood or a χ², with automatic starting values, Hesse errors, fit-result documents and
 * SVG plots. No IO here.
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
  type HistFitOptions,
  type HistFitParameter,
  type HistFitResult,
  type HistFitSummary,
  type HistFitToFitResultOptions,
  type HistFitYield,
} from './fit.js';
export { createHistObjective, saturatedOffset, type Chi2Errors, type HistFitStatistic, type HistObjective, type HistObjectiveOptions } from './likelihood.js';
export { COMPONENT_ALIASES, COMPONENT_KINDS, MAX_POLY_DEGREE, parseHistModel, type ComponentKind, type HistModel, type ModelComponent, type ParamKind } from './model.js';
export { formatMeasurement, plotHistFit, type HistFitPlotOptions } from './plot.js';
export {
  bernsteinBasis,
  breitWigner,
  crystalBall,
  exponential,
  gaussian,
  normalCdf,
  normalInterval,
  relativisticBreitWigner,
  type LineShape,
  type ShapeParam,
  type ShapeParamKind,
} from './shapes.js';
export { startingPoint, type BinnedData, type StartingPoint } from './start.js';
