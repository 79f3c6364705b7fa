/**
 * Reading, writing, checking and converting histogram files. The only place (with the CLI) that
 * touches the filesystem.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { createDefaultRegistry } from '../codecs/registry.js';
import {
  checkBytes,
  encodeDocument,
  type CheckResult,
  type DecodeOptions,
  type EncodeDocumentOptions,
} from '../document.js';
import { HistSerialError, ValidationError, type Issue } from '../errors.js';
import { resolveLimits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import type { HistDocument } from '../model/histogram.js';
import { writeFileAtomic } from './atomic.js';

/** Read a whole file, checking its size against the limit first. IO failures become IO errors. */
export async function readBytes(path: string, maxBytes = resolveLimits().maxInputBytes): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new HistSerialError('IO', MESSAGES.io('read', path, 'it is a directory'), { file: path });
    if (info.size > maxBytes) {
      throw new HistSerialError('LIMIT_EXCEEDED', MESSAGES.inputTooLarge(info.size, maxBytes), { file: path });
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof HistSerialError) throw err;
    throw new HistSerialError('IO', MESSAGES.io('read', path, reason(err)), { file: path, cause: err });
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.message ?? String(err);
  }
}

/** Result of checking one file. */
export interface FileReport extends CheckResult {
  file: string;
  valid: boolean;
}

/**
 * Check a file: decode and validate it, collecting every issue. Throws only for IO problems.
 *
 * @example
 * ```ts
 * const report = await checkFile('h.json');
 * if (!report.valid) console.log(report.issues);
 * ```
 */
export async function checkFile(path: string, options: DecodeOptions = {}): Promise<FileReport> {
  const bytes = await readBytes(path, resolveLimits(options.limits).maxInputBytes);
  const result = await checkBytes(bytes, { ...options, file: options.file ?? path });
  return { file: path, ...result, valid: !result.issues.some((i: Issue) => i.severity === 'error') };
}

/**
 * Read histograms from a file (format from the content unless `format` is given).
 *
 * @example
 * ```ts
 * const doc = await readDocument('histos.json');
 * const h = doc.histograms.get('h1');
 * ```
 */
export async function readDocument(path: string, options: DecodeOptions = {}): Promise<HistDocument> {
  const report = await checkFile(path, options);
  if (!report.document) throw new ValidationError(report.issues, { file: path });
  return report.document;
}

/**
 * Write histograms to a file atomically (format from `format`, else the extension).
 *
 * @example
 * ```ts
 * await writeDocument('out.json', doc);
 * ```
 */
export async function writeDocument(path: string, doc: HistDocument, options: EncodeDocumentOptions = {}): Promise<{ format: string; bytes: number }> {
  const registry = options.registry ?? createDefaultRegistry();
  const format = registry.detectOutput(path, options.format).name;
  const bytes = await encodeDocument(doc, { ...options, registry, format, file: path });
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new HistSerialError('IO', MESSAGES.io('write', path, reason(err)), { file: path, cause: err });
  }
  return { format, bytes: bytes.length };
}

/** Options of {@link convertFile}. */
export interface ConvertOptions extends Omit<DecodeOptions, 'format' | 'file'> {
  /** Input format (default: from the content). */
  from?: string;
  /** Output format (default: from the output extension). */
  to?: string;
  options?: EncodeDocumentOptions['options'];
}

/** What {@link convertFile} did. */
export interface ConvertResult {
  input: string;
  output: string;
  from: string;
  to: string;
  histograms: string[];
  bytes: number;
}

/**
 * Convert a file from one format to another.
 *
 * @example
 * ```ts
 * await convertFile('in.json', 'out.json', { select: ['h1'] });
 * ```
 */
export async function convertFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const registry = options.registry ?? createDefaultRegistry();
  const to = registry.detectOutput(output, options.to).name;
  const report = await checkFile(input, { ...options, registry, ...(options.from ? { format: options.from } : {}) });
  if (!report.document) throw new ValidationError(report.issues, { file: input });
  const written = await writeDocument(output, report.document, {
    registry,
    format: to,
    ...(options.options ? { options: options.options } : {}),
  });
  return { input, output, from: report.format!, to, histograms: [...report.document.histograms.keys()], bytes: written.bytes };
}
