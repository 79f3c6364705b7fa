/**
 * Reading, writing, checking and converting histogram files. The only place (with the CLI) that
 * touches the filesystem.
 * @module
 */
import { constants, copyFile, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { SNIFF_BYTES, type Bytes } from '../codecs/codec.js';
import { createDefaultRegistry } from '../codecs/registry.js';
import {
  decodeWith,
  prepareEncode,
  type CheckResult,
  type DecodeOptions,
  type EncodeDocumentOptions,
} from '../document.js';
import { HistSerialError, LimitError, ValidationError, type Issue } from '../errors.js';
import { isModelFormat } from '../document-kind.js';
import { resolveLimits } from '../limits.js';
import { MESSAGES } from '../messages.js';
import type { HistDocument } from '../model/histogram.js';
import { parseAddress } from './address.js';
import { tempPathFor, writeFileAtomic } from './atomic.js';
import { convertModelFile } from './model-files.js';
import { resolveSidecar } from './sidecar.js';

function ioError(op: string, path: string, err: unknown): HistSerialError {
  if (err instanceof HistSerialError) return err;
  return new HistSerialError('IO', MESSAGES.io(op, path, reason(err)), { file: path, cause: err });
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

/** Size of a regular file, with IO errors for missing files and folders. */
async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new HistSerialError('IO', MESSAGES.io('read', path, 'it is a directory'), { file: path });
    return info.size;
  } catch (err) {
    throw ioError('read', path, err);
  }
}

/** Read a whole file, checking its size against the limit first. IO failures become IO errors. */
export async function readBytes(path: string, maxBytes = resolveLimits().maxInputBytes): Promise<Uint8Array> {
  const size = await fileSize(path);
  if (size > maxBytes) throw new HistSerialError('LIMIT_EXCEEDED', MESSAGES.inputTooLarge(size, maxBytes), { file: path });
  try {
    return await readFile(path);
  } catch (err) {
    throw ioError('read', path, err);
  }
}

/** The first `n` bytes of a file (for sniffing). */
async function readHead(path: string, n = SNIFF_BYTES): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await handle.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw ioError('read', path, err);
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
  const limits = resolveLimits(options.limits);
  // `file.h5:/group` reads one place inside the file (src/io/address.ts); `path` is kept for the report
  const { path: file, location } = parseAddress(path);
  await fileSize(file);
  const head = await readHead(file);
  const readSidecar = async (uri: string) => readBytes(await resolveSidecar(file, uri), limits.maxInputBytes);
  const result = await decodeWith(
    head,
    { ...options, file: options.file ?? file },
    async (codec, ctx) => {
      if (location !== undefined && !codec.locations) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.locationUnsupported(codec.name, location));
      if (codec.decodeFile) return codec.decodeFile(file, ctx);
      const size = await fileSize(file);
      if (codec.maxDecodeBytes !== undefined && size > codec.maxDecodeBytes && size <= limits.maxInputBytes) {
        throw new LimitError(MESSAGES.formatTooLarge(codec.name, size, codec.maxDecodeBytes), { file });
      }
      return codec.decode(await readBytes(file, limits.maxInputBytes), ctx);
    },
    { readSidecar, ...(location === undefined ? {} : { location }) },
  );
  return { file: path, ...result, valid: !result.issues.some((i: Issue) => i.severity === 'error') };
}

/**
 * Read histograms from a file (format from the content unless `format` is given).
 *
 * @example
 * ```ts
 * const doc = await readDocument('histos.json');
 * const h = doc.histograms.get('h1');
 * const some = await readDocument('run.h5:/analysis/hists'); // the histograms below one HDF5 group
 * ```
 */
export async function readDocument(path: string, options: DecodeOptions = {}): Promise<HistDocument> {
  const report = await checkFile(path, options);
  if (report.kind) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.notHistograms(path, report.kind), { file: path });
  if (!report.document) throw new ValidationError(report.issues, { file: path });
  return report.document;
}

const chunks = (b: Bytes): readonly Uint8Array[] => (b instanceof Uint8Array ? [b] : b);

/**
 * Write histograms to a file atomically (format from `format`, else the extension). Split formats
 * write their sidecars first, each atomically, then the main file.
 *
 * @example
 * ```ts
 * await writeDocument('out.json', doc);
 * await writeDocument('run.h5:/analysis/hists', doc); // adds to the group, keeps the rest of run.h5
 * ```
 */
export async function writeDocument(address: string, doc: HistDocument, options: EncodeDocumentOptions = {}): Promise<WriteResult> {
  const registry = options.registry ?? createDefaultRegistry();
  // `file.h5:/group` adds the histograms to that group of the file (src/io/address.ts)
  const { path, location } = parseAddress(address);
  const format = registry.detectOutput(path, options.format).name;
  const { codec, raw, warnings } = await prepareEncode(doc, { ...options, registry, format, file: path });
  if (location !== undefined && !codec.locations) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.locationUnsupported(codec.name, location));
  const ctx = { options: options.options ?? {}, file: path, ...(location === undefined ? {} : { location }) };
  if (codec.encodeFile) {
    const tmp = tempPathFor(path);
    try {
      // Adding to an existing file stays atomic: copy it, add to the copy, rename the copy over it.
      if (location !== undefined && (await stat(path).then((s) => s.isFile(), () => false))) {
        await copyFile(path, tmp, constants.COPYFILE_FICLONE);
      }
      await codec.encodeFile(tmp, raw, ctx);
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw ioError('write', path, err);
    }
    return { format, bytes: await fileSize(path), warnings };
  }
  const out = await codec.encode!(raw, ctx);
  let total = 0;
  try {
    for (const [name, bytes] of out.sidecars ?? []) {
      const target = await resolveSidecar(path, name);
      await writeFileAtomic(target, chunks(bytes));
      total += chunks(bytes).reduce((n, c) => n + c.length, 0);
    }
    await writeFileAtomic(path, chunks(out.main));
  } catch (err) {
    throw ioError('write', path, err);
  }
  return { format, bytes: total + chunks(out.main).reduce((n, c) => n + c.length, 0), warnings };
}

/** What {@link writeDocument} wrote. */
export interface WriteResult {
  format: string;
  /** Bytes written, sidecars included. */
  bytes: number;
  /** What could not be written (e.g. sections the format cannot hold). */
  warnings: Issue[];
}

/** Options of {@link convertFile}. */
export interface ConvertOptions extends Omit<DecodeOptions, 'format' | 'file'> {
  /** Input format (default: from the content). */
  from?: string;
  /** Output format (default: from the output extension); `hs3` and `pyhf` convert fit models (spec.md 6.4). */
  to?: string;
  options?: EncodeDocumentOptions['options'];
  /** HS3 → pyhf: the analysis to convert (default: the first one on observed data). */
  analysis?: string;
  /** Called once the input is read, before writing starts (the CLI's progress line uses it). */
  onRead?: (doc: HistDocument, output: string) => void;
}

/** What {@link convertFile} did. */
export interface ConvertResult {
  input: string;
  output: string;
  from: string;
  to: string;
  histograms: string[];
  bytes: number;
  warnings: Issue[];
  /** Fit models: what was written (channels, distributions, …), for the CLI. */
  summary?: string;
}

/**
 * Convert a file from one format to another.
 * With `to: 'hs3'` or `to: 'pyhf'` it converts fit models instead (pyhf workspace ⇄ HS3 document).
 *
 * @example
 * ```ts
 * await convertFile('in.json', 'out.json', { select: ['h1'] });
 * ```
 */
export async function convertFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const registry = options.registry ?? createDefaultRegistry();
  if (isModelFormat(options.to)) return convertModelFile(input, output, { ...options, registry, to: options.to });
  const to = registry.detectOutput(parseAddress(output).path, options.to).name;
  const report = await checkFile(input, { ...options, registry, ...(options.from ? { format: options.from } : {}) });
  if (report.kind) {
    const message = isModelFormat(report.kind) ? MESSAGES.convModelTarget(input, report.kind) : MESSAGES.notHistograms(input, report.kind);
    throw new HistSerialError('INVALID_ARGUMENT', message, { file: input });
  }
  if (!report.document) throw new ValidationError(report.issues, { file: input });
  options.onRead?.(report.document, output);
  const written = await writeDocument(output, report.document, {
    registry,
    format: to,
    ...(options.options ? { options: options.options } : {}),
  });
  return {
    input,
    output,
    from: report.format!,
    to,
    histograms: [...report.document.histograms.keys()],
    bytes: written.bytes,
    warnings: written.warnings,
  };
}
