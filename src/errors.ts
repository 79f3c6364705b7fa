/**
 * Typed errors. Every error hist-serial throws on purpose is a {@link HistSerialError} with a stable
 * `code` and, where it applies, a JSON-pointer `path` into the document (`/h1/axes/0/edges/3`).
 *
 * @example
 * ```ts
 * try { await readDocument('bad.json'); }
 * catch (err) { if (isHistSerialError(err, 'SHAPE_MISMATCH')) console.error(err.path, err.message); }
 * ```
 * @module
 */

/** Stable error and issue codes. Tests and callers match on these, never on message text. */
export const ERROR_CODES = [
  // reading bytes
  'PARSE',
  'UNKNOWN_FORMAT',
  'UNSUPPORTED_OPERATION',
  'LIMIT_EXCEEDED',
  'EXTRAS_DROPPED',
  // schema and semantics
  'SCHEMA',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_EXTENSION',
  'CHECKSUM_MISMATCH',
  'MISSING_ARRAY',
  'SHAPE_MISMATCH',
  'DTYPE_NOT_ALLOWED',
  'NON_INTEGER_VALUE',
  'NON_FINITE_VALUE',
  'AXIS_BINS',
  'AXIS_RANGE',
  'EDGES_TOO_FEW',
  'EDGES_NOT_FINITE',
  'EDGES_NOT_INCREASING',
  'DUPLICATE_CATEGORY',
  'CATEGORY_NOT_INTEGER',
  'SPARSE_INDEX_SHAPE',
  'SPARSE_INDEX_RANGE',
  'SPARSE_INDEX_DUPLICATE',
  // fit results (spec.md 7)
  'DUPLICATE_PARAMETER',
  'UNKNOWN_PARAMETER',
  'MATRIX_NOT_SYMMETRIC',
  'NEGATIVE_VARIANCE',
  'CORRELATION_RANGE',
  'MINOS_SIGN',
  'INTERVAL_ORDER',
  'PROBABILITY_RANGE',
  'VALUE_OUT_OF_BOUNDS',
  // fit models: HS3 and pyhf (spec.md 6)
  'DANGLING_REFERENCE',
  'DUPLICATE_NAME',
  'BIN_COUNT_MISMATCH',
  'UNKNOWN_TYPE',
  'UNDECLARED_PARAMETER',
  'NONSTANDARD',
  'CONFLICTING_DEFINITION',
  // fit models that cannot be evaluated (src/fit/histfactory/): NaN or negative rates, missing settings
  'BAD_MODEL',
  // api / io
  'NOT_FOUND',
  'INVALID_ARGUMENT',
  'IO',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** How bad an {@link Issue} is: errors make a document invalid, warnings do not (unless `--strict`). */
export type Severity = 'error' | 'warning';

/** One finding of validation. The shape follows ajv's and glTF-Validator's reports. */
export interface Issue {
  code: ErrorCode;
  severity: Severity;
  message: string;
  /** JSON pointer into the document (RFC 6901); `""` is the whole document. */
  path: string;
}

/** Options shared by the error constructors. */
export interface HistSerialErrorOptions {
  path?: string;
  file?: string;
  codec?: string;
  cause?: unknown;
}

/** Base class of every error hist-serial throws on purpose. */
export class HistSerialError extends Error {
  readonly code: ErrorCode;
  /** JSON pointer into the document where the problem is, `""` for the whole document. */
  readonly path: string;
  /** The file being read or written, when known. */
  file: string | undefined;
  /** The codec that was at work, when known. */
  codec: string | undefined;

  constructor(code: ErrorCode, message: string, options: HistSerialErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HistSerialError';
    this.code = code;
    this.path = options.path ?? '';
    this.file = options.file;
    this.codec = options.codec;
  }
}

/** The document is not valid: carries every issue found, not only the first. */
export class ValidationError extends HistSerialError {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[], options: HistSerialErrorOptions = {}) {
    const errors = issues.filter((i) => i.severity === 'error');
    const first = errors[0] ?? issues[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(first?.code ?? 'SCHEMA', `${first?.message ?? 'invalid document'}${more}`, {
      ...options,
      path: first?.path ?? '',
    });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** The bytes are not a well-formed instance of the format (syntax, truncation, bad header). */
export class ParseError extends HistSerialError {
  constructor(message: string, options: HistSerialErrorOptions = {}) {
    super('PARSE', message, options);
    this.name = 'ParseError';
  }
}

/** A size or depth limit would be passed; checked before allocating. */
export class LimitError extends HistSerialError {
  constructor(message: string, options: HistSerialErrorOptions = {}) {
    super('LIMIT_EXCEEDED', message, options);
    this.name = 'LimitError';
  }
}

/**
 * Is `err` a {@link HistSerialError} (optionally with the given code)?
 *
 * @example
 * ```ts
 * if (isHistSerialError(err, 'PARSE')) retryWithOtherFormat();
 * ```
 */
export function isHistSerialError(err: unknown, code?: ErrorCode): err is HistSerialError {
  return err instanceof HistSerialError && (code === undefined || err.code === code);
}

/** Make an error-severity issue. */
export function issue(code: ErrorCode, path: string, message: string, severity: Severity = 'error'): Issue {
  return { code, severity, message, path };
}

/** Escape one JSON-pointer reference token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Join a JSON pointer and more reference tokens. */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  return base + tokens.map((t) => '/' + pointerToken(t)).join('');
}
