/**
 * Fit results (spec.md 7): types, building, validation, comparison, and their place in documents.
 * No IO here (see `src/io/fit-results.ts`).
 *
 * @example
 * ```ts
 * import { createFitResult, setFitResults, writeDocument } from 'hist-serial';
 * const fit = createFitResult({ parameters: [{ name: 'mu', value: 1.1, error: 0.6, poi: true }] });
 * await writeDocument('analysis.hsb', setFitResults(doc, { main: fit }));
 * ```
 * @module
 */
export * from './types.js';
export type { Numbers as FitArrayNumbers } from './arrays.js';
export { DEFAULT_EXPECTED_BANDS, FIT_RESULT_SCHEMA_VERSION, checkFitResult, isFitResultDocument, type CheckFitResultOptions } from './check.js';
export {
  OUT_OF_BAND_MIN_ELEMENTS,
  correlationFromCovariance,
  createFitResult,
  fitArrayValues,
  hypothesisTestFromPyhf,
  upperLimitFromScan,
  type CreateFitResultOptions,
  type FitResultInput,
  type HypothesisTestFromPyhfOptions,
  type MatrixInput,
  type PyhfHypotestScan,
} from './build.js';
export { compareFitResults, type CompareFitResultsOptions, type FitResultDifference } from './compare.js';
export {
  FIT_RESULTS_KEY,
  checkDocumentFitResults,
  decodeFitResults,
  encodeFitResults,
  fitResultsFromJson,
  getFitResults,
  setFitResults,
  type DecodeFitResultsOptions,
  type DecodedFitResults,
  type EncodeFitResultsOptions,
} from './document.js';
