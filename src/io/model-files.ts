/**
 * Converting fit-model files: pyhf workspace ⇄ HS3 document (JSON in, JSON out). `convertFile`
 * hands over here when the output format is `hs3` or `pyhf`.
 * @module
 */
import { createDefaultRegistry } from '../codecs/registry.js';
import { isModelFormat, type ModelFormat } from '../document-kind.js';
import { HistSerialError, ValidationError, type Issue } from '../errors.js';
import { stringifyJson } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import { hs3ToPyhf, pyhfToHS3 } from '../model/pyhf/convert.js';
import type { HS3Document } from '../types/generated/hs3.types.js';
import type { PyhfWorkspace } from '../types/generated/pyhf.types.js';
import { parseAddress } from './address.js';
import { writeFileAtomic } from './atomic.js';
import { checkFile, type ConvertOptions, type ConvertResult } from './files.js';

/** One line about a fit model, for the CLI. */
function summarize(kind: ModelFormat, json: unknown): string {
  if (kind === 'pyhf') {
    const ws = json as PyhfWorkspace;
    return `${ws.channels.length} channel(s), ${ws.measurements.length} measurement(s)`;
  }
  const doc = json as HS3Document;
  return `${doc.distributions?.length ?? 0} distribution(s), ${doc.data?.length ?? 0} data set(s), ${doc.analyses?.length ?? 0} analysis(es)`;
}

/**
 * Convert a pyhf workspace to HS3 or back (or rewrite a validated model in its own format).
 *
 * @example
 * ```ts
 * await convertModelFile('ws.json', 'model.hs3.json', { to: 'hs3' });
 * ```
 */
export async function convertModelFile(input: string, output: string, options: ConvertOptions & { to: ModelFormat }): Promise<ConvertResult> {
  const registry = options.registry ?? createDefaultRegistry();
  const { path, location } = parseAddress(output);
  if (location !== undefined) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.locationUnsupported(options.to, location));
  const report = await checkFile(input, { ...options, registry, ...(options.from && !isModelFormat(options.from) ? { format: options.from } : {}) });
  const kind = report.kind;
  if (kind !== 'hs3' && kind !== 'pyhf') {
    if (report.issues.some((i) => i.severity === 'error') && !report.document) throw new ValidationError(report.issues, { file: input });
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNotModel(input, options.to), { file: input });
  }
  if (report.issues.some((i) => i.severity === 'error')) throw new ValidationError(report.issues, { file: input });
  let json: unknown = report.model;
  let warnings: Issue[] = [];
  if (kind !== options.to) {
    const converted = options.to === 'hs3' ? pyhfToHS3(report.model) : hs3ToPyhf(report.model, options.analysis === undefined ? {} : { analysis: options.analysis });
    json = converted.result;
    warnings = converted.warnings;
  }
  const bytes = stringifyJson(json, { nonFinite: options.options?.nonFinite ?? 'python' });
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new HistSerialError('IO', MESSAGES.io('write', path, (err as Error).message), { file: path, cause: err });
  }
  return { input, output, from: kind, to: options.to, histograms: [], bytes: bytes.length, warnings, summary: summarize(options.to, json) };
}
