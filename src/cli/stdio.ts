/**
 * `-` as a file argument: standard input for reading, standard output for writing (when the format
 * is one file: not `.hsj`, whose arrays go to a sidecar). The format of stdin comes from its
 * content (or `--from`/`--input-format`), the format of stdout from `--to`.
 * @module
 */
import { checkBytes, encodeDocumentFiles, type CheckResult, type DecodeOptions } from '../document.js';
import { HistSerialError, LimitError, ValidationError } from '../errors.js';
import { checkFile, writeDocument, type WriteResult } from '../io/files.js';
import { resolveLimits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import type { HistDocument } from '../model/histogram.js';
import type { EncodeDocumentOptions } from '../document.js';
import type { CliContext } from './context.js';

/** The argument that means standard input/output. */
export const STDIO = '-';

/** Check a file, or standard input for `-`. */
export async function checkInput(arg: string, ctx: CliContext, options: DecodeOptions = {}): Promise<CheckResult & { file: string }> {
  if (arg !== STDIO) return checkFile(arg, { registry: ctx.registry, ...options });
  if (!ctx.readStdin) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.noStdin());
  const bytes = await ctx.readStdin();
  const limit = resolveLimits(options.limits).maxInputBytes;
  if (bytes.length > limit) throw new LimitError(MESSAGES.inputTooLarge(bytes.length, limit));
  return { file: '(stdin)', ...(await checkBytes(bytes, { registry: ctx.registry, file: 'stdin', ...options })) };
}

/** Read histograms from a file, or from standard input for `-`. */
export async function readInput(arg: string, ctx: CliContext, options: DecodeOptions = {}): Promise<HistDocument & { format?: string }> {
  const r = await checkInput(arg, ctx, options);
  if (r.kind) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.notHistograms(r.file, r.kind), { file: r.file });
  if (!r.document) throw new ValidationError(r.issues, { file: r.file });
  return r.format ? { ...r.document, format: r.format } : r.document;
}

/** Write histograms to a file, or to standard output for `-` (then `format` is required). */
export async function writeOutput(arg: string, doc: HistDocument, ctx: CliContext, options: EncodeDocumentOptions = {}): Promise<WriteResult> {
  if (arg !== STDIO) return writeDocument(arg, doc, { registry: ctx.registry, ...options });
  if (!options.format) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.stdoutNeedsFormat());
  if (!ctx.writeStdout) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.noStdout());
  const out = await encodeDocumentFiles(doc, { registry: ctx.registry, ...options, format: options.format });
  if (out.sidecars?.size) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.needsFile(options.format));
  let bytes = 0;
  for (const chunk of Array.isArray(out.main) ? (out.main as Uint8Array[]) : [out.main as Uint8Array]) {
    await ctx.writeStdout(chunk);
    bytes += chunk.length;
  }
  return { format: options.format, bytes, warnings: [] };
}
