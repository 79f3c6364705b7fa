/**
 * Fit-result types: the generated schema types (`schema/fit-result/1/fit-result.schema.json`), with
 * every array position widened to also hold an {@link NDArray}, the in-memory form of an array that
 * a native container stores out of band (spec.md 7.4).
 * @module
 */
import type { NDArray } from '../model/ndarray.js';
import type * as Wire from '../types/generated/fit-result.types.js';

/** A 1-d array position: inline numbers, the key of an out-of-band array, or an {@link NDArray}. */
export type VectorValue = Wire.Vector | NDArray;
/** A 2-d array position (rows of numbers), a key, or an {@link NDArray}. */
export type MatrixValue = Wire.Matrix | NDArray;
/** An n-d array position (nested lists), a key, or an {@link NDArray}. */
export type NumberArrayValue = Wire.NumberArray | NDArray;

/** A square matrix over parameters (covariance, correlation). */
export interface ParameterMatrix extends Omit<Wire.ParameterMatrix, 'values'> {
  values: MatrixValue;
}
/** One scanned parameter and its points. */
export interface ScanAxis extends Omit<Wire.ScanAxis, 'points'> {
  points: VectorValue;
}
/** A 1-d or 2-d likelihood scan. */
export interface LikelihoodScan extends Omit<Wire.Scan, 'axes' | 'values'> {
  axes: ScanAxis[];
  values: NumberArrayValue;
}
/** A CLs scan (hypothesis tests at several points) with its upper limits. */
export interface HypothesisTest extends Omit<Wire.HypothesisTest, 'points' | 'cls_obs' | 'cls_exp' | 'clsb_obs' | 'clb_obs' | 'test_statistic_obs'> {
  points: VectorValue;
  cls_obs?: VectorValue;
  cls_exp?: MatrixValue;
  clsb_obs?: VectorValue;
  clb_obs?: VectorValue;
  test_statistic_obs?: VectorValue;
}

/**
 * One fit result (spec.md 7): the schema's JSON, where an array position may also hold an
 * {@link NDArray}.
 */
export interface FitResult extends Omit<Wire.FitResult, 'covariance' | 'correlation' | 'scans' | 'hypothesis_tests'> {
  covariance?: ParameterMatrix;
  correlation?: ParameterMatrix;
  scans?: LikelihoodScan[];
  hypothesis_tests?: HypothesisTest[];
}

/** Fit results by name: a fit-result file, or the `fit_results` section of a document's extras. */
export type FitResults = Record<string, FitResult>;

export type {
  Bounds,
  Constraint,
  DataReference,
  FitStatus,
  GoodnessOfFit,
  Interval as ConfidenceInterval,
  Minimizer,
  Minimum,
  MinosError,
  ModelReference,
  Parameter as FitParameter,
  Provenance,
  Pull,
  Software,
  UpperLimit,
} from '../types/generated/fit-result.types.js';
