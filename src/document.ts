/**
 * Bytes ⇄ documents, with no filesystem: detect the format, decode, validate (schema then semantics),
 * select histograms; and the reverse. The IO layer (`src/io/`) adds files on top.
 * @module
 */
import type { Bytes, Codec, CodecEntry, DecodeContext, EncodedFile, EncodeOptions } from './codecs/codec.js';
import { SNIFF_BYTES } from './codecs/codec.js';
import { createDefaultRegistry, type CodecRegistry } from './codecs/registry.js';
import { checkFitModel, detectKind, type DocumentKind } from './document-kind.js';
import { checkFitResult } from './fit-result/check.js';
import { checkDocumentFitResults } from './fit-result/document.js';
import { checkHS3 } from './model/hs3/check.js';
import { HistSerialError, ValidationError, issue, type Issue } from './errors.js';
import { resolveLimits, type Limits } from './limits.js';
import { MESSAGES } from './messages.js';
import { fromUHI, isSingleHistogram } from './model/from-uhi.js';
import type { HistDocument, Histogram } from './model/histogram.js';
import { toUHI } from './model/to-uhi.js';
import type { RawDocument } from './raw.js';
import { validateSchema } from './schema/validator.js';

/** Options for decoding and reading. */
export interface DecodeOptions {
  registry?: CodecRegistry;
  /** Format name; by default the content decides. */
  format?: string;
  /** Keep only these histograms (in this order); an unknown name is a NOT_FOUND error. */
  select?: readonly string[];
  limits?: Partial<Limits>;
  /** File name, for messages and for naming a histogram stored directly at the top level. */
  file?: string;
  /** Name for a histogram stored directly at the top level (default: the file's stem, else `histogram`). */
  singleName?: string;
  /** Verify stored checksums (default true). Turning it off trades corruption detection for speed. */
  verifyChecksums?: boolean;
}

/** Result of {@link checkBytes}: every issue, and the document when there was no error. */
export interface CheckResult {
  /** The format that decoded the bytes, when one was found. */
  format?: string;
  issues: Issue[];
  document?: HistDocument;
  /** Set for fit models (`hs3`, `pyhf`), which are checked by their own rules and have no histograms. */
  kind?: DocumentKind;
  /** The parsed JSON of a fit model (see `kind`), valid or not. */
  model?: unknown;
}

/** Issues of a section checked on its own, with paths moved under `base`. */
function prefixed(issues: Issue[], base: string): Issue[] {
  return issues.map((i) => ({ ...i, path: base + i.path }));
}

/** Validate a raw document (schema, then semantics) and build the model. */
export function rawToDocument(raw: RawDocument, options: { singleName?: string } = {}): { document?: HistDocument; issues: Issue[] } {
  const json = raw.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const kind = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
    return { issues: [issue('SCHEMA', '', MESSAGES.jsonNotObject(kind))] };
  }
  // ajv walks every element of inline arrays; the model checks them anyway, so validate a view with
  // the big numeric arrays emptied, and only when that fails validate the original for exact issues.
  if (validateSchema('histograms', withoutBulkArrays(json as Record<string, unknown>)).length) {
    const schemaIssues = validateSchema('histograms', json);
    if (schemaIssues.length) return { issues: schemaIssues };
  }
  return fromUHI(raw, options);
}

const BULK_FIELDS = ['values', 'variances', 'counts', 'sum_of_weights', 'sum_of_weights_squared'];
const BULK_MIN = 1024;

/** Is `a` a (nested) array of numbers, all integers when `ints`? Iterative, stops at the first miss. */
function isNumericArray(a: unknown[], ints: boolean): boolean {
  const stack: unknown[][] = [a];
  while (stack.length) {
    const arr = stack.pop()!;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === 'number') {
        if (ints && !Number.isInteger(v)) return false;
      } else if (Array.isArray(v)) stack.push(v);
      else return false;
    }
  }
  return true;
}

/** A shallow copy of a UHI JSON file in which large, provably numeric storage arrays are `[]`. */
function withoutBulkArrays(json: Record<string, unknown>): unknown {
  const lighten = (h: unknown): unknown => {
    const storage = (h as { storage?: Record<string, unknown> } | null)?.storage;
    if (typeof storage !== 'object' || storage === null) return h;
    let light: Record<string, unknown> | undefined;
    for (const f of BULK_FIELDS) {
      const v = storage[f];
      if (Array.isArray(v) && v.length >= BULK_MIN && isNumericArray(v, storage.type === 'int')) (light ??= { ...storage })[f] = [];
    }
    return light ? { ...(h as object), storage: light } : h;
  };
  if (isSingleHistogram(json)) return lighten(json);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(json)) Object.defineProperty(out, name, { value: lighten(json[name]), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * The decoding pipeline shared by bytes and files: detect the format from `head`, load the codec,
 * let `decode` produce the raw document, then validate and select. Content problems (including an
 * undetectable format) become issues; an unknown explicit format name throws.
 */
export async function decodeWith(
  head: Uint8Array,
  options: DecodeOptions,
  decode: (codec: Codec, ctx: DecodeContext) => Promise<RawDocument>,
  extraContext: Partial<DecodeContext> = {},
): Promise<CheckResult> {
  const registry = options.registry ?? createDefaultRegistry();
  const limits = resolveLimits(options.limits);
  const file = options.file ?? '<bytes>';
  if (options.format) registry.entry(options.format);
  let entry: CodecEntry;
  let raw: RawDocument;
  try {
    entry = registry.detectInput(head.subarray(0, SNIFF_BYTES), file, options.format);
    const codec = await registry.load(entry.name);
    raw = await decode(codec, { file, limits, verifyChecksums: options.verifyChecksums ?? true, ...extraContext });
  } catch (err) {
    if (err instanceof ValidationError) return { issues: [...err.issues] };
    if (err instanceof HistSerialError) return { issues: [issue(err.code, err.path, err.message)] };
    throw err;
  }
  // Fit models (HS3, pyhf) and fit results are JSON documents too, recognised by content (src/document-kind.ts).
  if (entry.name === 'uhi-json') {
    const kind = detectKind(raw.json);
    if (kind === 'hs3' || kind === 'pyhf') return { format: kind, kind, issues: checkFitModel(kind, raw.json), model: raw.json };
    if (kind === 'fit-result') return { format: kind, kind, issues: checkFitResult(raw.json), model: raw.json };
  }
  const result = rawToDocument(raw, { singleName: options.singleName ?? stem(options.file) });
  if (!result.document) return { format: entry.name, issues: result.issues };
  // sections beside the histograms in a container get their own rules (spec.md 6, 7)
  const extraIssues = [...checkDocumentFitResults(result.document), ...(result.document.extras?.hs3 !== undefined ? prefixed(checkHS3(result.document.extras.hs3), '/hs3') : [])];
  if (extraIssues.some((i) => i.severity === 'error')) return { format: entry.name, issues: [...result.issues, ...extraIssues] };
  try {
    const document = options.select ? selectHistograms(result.document, options.select) : result.document;
    return { format: entry.name, issues: [...result.issues, ...extraIssues], document };
  } catch (err) {
    if (err instanceof HistSerialError) err.file ??= options.file;
    throw err;
  }
}

/**
 * Decode and validate bytes, collecting every issue instead of throwing for bad content.
 * Throws only for an unknown explicit format name or an unknown selected histogram.
 *
 * @example
 * ```ts
 * const { issues } = await checkBytes(bytes, { file: 'h.json' });
 * ```
 */
export async function checkBytes(bytes: Uint8Array, options: DecodeOptions = {}): Promise<CheckResult> {
  const limits = resolveLimits(options.limits);
  if (bytes.length > limits.maxInputBytes) {
    return { issues: [issue('LIMIT_EXCEEDED', '', MESSAGES.inputTooLarge(bytes.length, limits.maxInputBytes))] };
  }
  return decodeWith(bytes, options, (codec, ctx) => codec.decode(bytes, ctx));
}

/**
 * Decode and validate bytes into histograms; throws a {@link ValidationError} (all issues attached)
 * or another {@link HistSerialError} when the bytes are not a valid document.
 *
 * @example
 * ```ts
 * const doc = await decodeDocument(new TextEncoder().encode(text));
 * doc.histograms.get('h1');
 * ```
 */
export async function decodeDocument(bytes: Uint8Array, options: DecodeOptions = {}): Promise<HistDocument> {
  const { document, issues } = await checkBytes(bytes, options);
  if (!document) throw new ValidationError(issues, options.file === undefined ? {} : { file: options.file });
  return document;
}

/** Options for encoding and writing. */
export interface EncodeDocumentOptions {
  registry?: CodecRegistry;
  /** Format name. Required for bytes; for files the extension may decide. */
  format?: string;
  /** Codec options (e.g. `nonFinite` for JSON). */
  options?: EncodeOptions;
  file?: string;
}

/** Resolve the codec for an output and convert the document to the raw form it wants. */
export async function prepareEncode(
  doc: HistDocument,
  options: EncodeDocumentOptions,
): Promise<{ codec: Codec; raw: RawDocument; warnings: Issue[] }> {
  const registry = options.registry ?? createDefaultRegistry();
  const entry = registry.detectOutput(options.file ?? '', options.format);
  const codec = await registry.load(entry.name);
  if (doc.histograms.size === 0) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.emptySelection());
  const warnings: Issue[] = [];
  const extras = Object.keys(doc.extras ?? {});
  if (extras.length && !codec.keepsExtras) {
    warnings.push(issue('EXTRAS_DROPPED', '', MESSAGES.extrasDropped(codec.name, extras), 'warning'));
    const { extras: _dropped, ...rest } = doc;
    return { codec, raw: toUHI(rest, { arrays: codec.arrays }), warnings };
  }
  return { codec, raw: toUHI(doc, { arrays: codec.arrays }), warnings };
}

/**
 * Encode histograms in a format: the main file and, for split formats, its sidecar files.
 *
 * @example
 * ```ts
 * const { main } = await encodeDocumentFiles(doc, { format: 'uhi-json' });
 * ```
 */
export async function encodeDocumentFiles(doc: HistDocument, options: EncodeDocumentOptions & { format: string }): Promise<EncodedFile> {
  const { codec, raw } = await prepareEncode(doc, options);
  if (!codec.encode) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.needsFile(codec.name));
  const ctx = { options: options.options ?? {}, ...(options.file === undefined ? {} : { file: options.file }) };
  return codec.encode(raw, ctx);
}

/**
 * Encode histograms in a single-file format, as one buffer.
 *
 * @example
 * ```ts
 * const bytes = await encodeDocument(doc, { format: 'uhi-json' });
 * ```
 */
export async function encodeDocument(doc: HistDocument, options: EncodeDocumentOptions & { format: string }): Promise<Uint8Array> {
  const out = await encodeDocumentFiles(doc, options);
  if (out.sidecars?.size) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.needsFile(options.format));
  return concatBytes(out.main);
}

/** One buffer from {@link Bytes} (a copy only when there are several chunks). */
export function concatBytes(bytes: Bytes): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes.length === 1) return bytes[0]!;
  return Buffer.concat(bytes as Uint8Array[]);
}

/**
 * A document with only the named histograms, in the order given.
 *
 * @example
 * ```ts
 * const one = selectHistograms(doc, ['h1']);
 * ```
 */
export function selectHistograms(doc: HistDocument, names: readonly string[]): HistDocument {
  const histograms = new Map<string, Histogram>();
  for (const name of names) {
    const h = doc.histograms.get(name);
    if (!h) throw new HistSerialError('NOT_FOUND', MESSAGES.notFound(name, [...doc.histograms.keys()]));
    histograms.set(name, h);
  }
  return { histograms };
}

function stem(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const base = file.split(/[\\/]/).pop()!;
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
