/**
 * Reading and writing fit results as files: a standalone fit-result JSON file, or the
 * `fit_results` section of a native container (.hsb, .hsj) next to its histograms.
 * @module
 */
import { HistSerialError, ValidationError } from '../errors.js';
import { checkDocumentFitResults, encodeFitResults, fitResultsFromJson, getFitResults, type EncodeFitResultsOptions } from '../fit-result/document.js';
import { isFitResultDocument } from '../fit-result/check.js';
import type { FitResult, FitResults } from '../fit-result/types.js';
import { parseJson } from '../json/parse.js';
import { resolveLimits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import type { DecodeOptions } from '../document.js';
import { writeFileAtomic } from './atomic.js';
import { readBytes, readDocument } from './files.js';

/**
 * The fit results of a file, validated: a standalone fit-result JSON file (recognised by content),
 * or any document a codec reads whose extras hold `fit_results` (the native .hsb and .hsj).
 * Throws a {@link ValidationError} (every issue attached) when they are invalid, and a `NOT_FOUND`
 * error when the file holds none.
 *
 * @example
 * ```ts
 * const fits = await readFitResults('analysis.hsb');
 * const { main } = await readFitResults('fit.json');
 * ```
 */
export async function readFitResults(path: string, options: DecodeOptions = {}): Promise<FitResults> {
  const bytes = await readBytes(path, options.limits?.maxInputBytes);
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* { */) {
    let json: unknown;
    try {
      json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes), { maxDepth: resolveLimits(options.limits).maxJsonDepth }).value;
    } catch {
      json = undefined; // not a JSON fit-result file: let the codecs say what it is
    }
    if (isFitResultDocument(json)) {
      const { results, issues } = fitResultsFromJson(json, options.singleName);
      if (!results) throw new ValidationError(issues, { file: path });
      return results;
    }
  }
  const doc = await readDocument(path, options);
  const issues = checkDocumentFitResults(doc);
  if (issues.some((x) => x.severity === 'error')) throw new ValidationError(issues, { file: path });
  const results = getFitResults(doc);
  if (!results || Object.keys(results).length === 0) throw new HistSerialError('NOT_FOUND', MESSAGES.fitResultsNone(path), { file: path });
  return results;
}

/**
 * Write a standalone fit-result JSON file atomically: one fit result, or a map of them (every array
 * inline). To keep fit results next to histograms, use `setFitResults` and `writeDocument` with a
 * native container (.hsb, .hsj), which stores large arrays out of band.
 *
 * @example
 * ```ts
 * await writeFitResults('fit.json', { main: fit });
 * ```
 */
export async function writeFitResults(path: string, results: FitResult | FitResults, options: EncodeFitResultsOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeFitResults(results, options));
}
