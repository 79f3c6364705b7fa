/**
 * Fit results in a document (`HistDocument.extras.fit_results`, kept by the native container next to
 * the histograms and the HS3 model) and as a standalone fit-result JSON file. No IO here.
 * @module
 */
import { HistSerialError, ValidationError, issue, type Issue } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { stringifyJson, type NonFinitePolicy } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import { extrasToRaw } from '../model/extras.js';
import type { HistDocument } from '../model/histogram.js';
import { InlineArray } from '../raw.js';
import { checkFitResult } from './check.js';
import type { FitResult, FitResults } from './types.js';

/** The extras key of the fit results in a document (and the native envelope's top-level key). */
export const FIT_RESULTS_KEY = 'fit_results';

/**
 * The fit results a document carries (`extras.fit_results`), not validated; `undefined` when none.
 * Out-of-band arrays read from a native container are {@link NDArray}s.
 *
 * @example
 * ```ts
 * const fits = getFitResults(await readDocument('analysis.hsb'));
 * fits?.main?.parameters?.find((p) => p.poi);
 * ```
 */
export function getFitResults(doc: HistDocument): FitResults | undefined {
  return doc.extras?.[FIT_RESULTS_KEY] as FitResults | undefined;
}

/**
 * A document with these fit results in its extras (replacing any it had); the input is not modified.
 *
 * @example
 * ```ts
 * await writeDocument('analysis.hsb', setFitResults(doc, { main: fit }));
 * ```
 */
export function setFitResults(doc: HistDocument, results: FitResults): HistDocument {
  return { ...doc, extras: { ...doc.extras, [FIT_RESULTS_KEY]: results } };
}

/**
 * Validate the fit results of a document (paths start with `/fit_results`, as in the native envelope).
 * `[]` when the document has none or they are valid.
 *
 * @example
 * ```ts
 * const issues = checkDocumentFitResults(await readDocument('analysis.hsb'));
 * ```
 */
export function checkDocumentFitResults(doc: HistDocument): Issue[] {
  const fits = doc.extras?.[FIT_RESULTS_KEY];
  if (fits === undefined) return [];
  if (typeof fits !== 'object' || fits === null || Array.isArray(fits) || 'fit_result_schema' in fits) {
    // in a document the section is always a map name -> fit result
    const path = `/${FIT_RESULTS_KEY}`;
    return [issue('SCHEMA', path, MESSAGES.schema(path, 'must be an object mapping names to fit results'))];
  }
  return checkFitResult(fits, undefined, { basePath: `/${FIT_RESULTS_KEY}` });
}

/** Options of {@link decodeFitResults}. */
export interface DecodeFitResultsOptions {
  /** Deepest JSON nesting accepted (default 256). */
  maxDepth?: number;
  /** Name given to a single fit result stored at the top level (default `fit`). */
  singleName?: string;
}

/** Result of {@link decodeFitResults}. */
export interface DecodedFitResults {
  /** The fit results by name, when there was no error. */
  results?: FitResults;
  issues: Issue[];
}

/**
 * Parse and validate a standalone fit-result JSON file (one fit result, or a map of them; Python's
 * NaN/Infinity tokens accepted). Content problems are returned as issues, never thrown.
 *
 * @example
 * ```ts
 * const { results, issues } = decodeFitResults(readFileSync('fit.json'));
 * ```
 */
export function decodeFitResults(input: Uint8Array | string, options: DecodeFitResultsOptions = {}): DecodedFitResults {
  let json: unknown;
  try {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    json = parseJson(text, options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }).value;
  } catch (err) {
    if (err instanceof HistSerialError) return { issues: [issue(err.code, err.path, err.message)] };
    if (err instanceof TypeError) return { issues: [issue('PARSE', '', MESSAGES.fitResultNotUtf8())] };
    throw err;
  }
  return fitResultsFromJson(json, options.singleName);
}

/**
 * Validate a parsed fit-result document and name its fit results (a single fit result gets
 * `singleName`, default `fit`).
 *
 * @example
 * ```ts
 * const { results, issues } = fitResultsFromJson(JSON.parse(text));
 * ```
 */
export function fitResultsFromJson(json: unknown, singleName = 'fit'): DecodedFitResults {
  const issues = checkFitResult(json);
  if (issues.some((i) => i.severity === 'error')) return { issues };
  const obj = json as Record<string, unknown>;
  const results = 'fit_result_schema' in obj ? { [singleName]: obj as unknown as FitResult } : (obj as FitResults);
  return { results, issues };
}

/** Options of {@link encodeFitResults}. */
export interface EncodeFitResultsOptions {
  /** NaN/±Infinity: Python's tokens (default) or refused (strict JSON). */
  nonFinite?: NonFinitePolicy;
}

/**
 * A standalone fit-result JSON file: one fit result (given one) or a map of them. Every array is
 * written inline ({@link NDArray}s as nested lists). Throws a {@link ValidationError} for an invalid input.
 *
 * @example
 * ```ts
 * writeFileSync('fit.json', encodeFitResults({ main: fit }));
 * ```
 */
export function encodeFitResults(results: FitResult | FitResults, options: EncodeFitResultsOptions = {}): Uint8Array {
  const issues = checkFitResult(results);
  if (issues.some((i) => i.severity === 'error')) throw new ValidationError(issues);
  const json = extrasToRaw(results as Record<string, unknown>, (_key, arr) => new InlineArray(arr));
  return stringifyJson(json, { nonFinite: options.nonFinite ?? 'python' });
}
