/**
 * Every user-facing message of the library, in one place (as vega-lite's `log/message.ts`).
 * Messages say what is wrong, where, and what was expected, and quote the bad value.
 * Tests assert codes and paths; these texts may be reworded freely.
 * @module
 */

/** Render a value for a message: strings quoted, long arrays shortened. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.slice(0, 6).map(quote).join(', ')}${value.length > 6 ? ', ...' : ''}]`;
  if (value === null) return 'null';
  if (typeof value === 'object') return '{...}';
  return String(value);
}

function at(path: string): string {
  return path === '' ? 'the document root' : path;
}

const list = (items: readonly (string | number)[]) => items.map((x) => String(x)).join(', ');

export const MESSAGES = {
  // parsing
  jsonSyntax: (what: string, line: number, column: number) => `Invalid JSON: ${what} at line ${line}, column ${column}`,
  jsonTooDeep: (limit: number, line: number, column: number) =>
    `JSON nesting deeper than ${limit} levels at line ${line}, column ${column}; histogram documents need far fewer`,
  jsonNotObject: (kind: string) => `Expected a JSON object at the document root, found ${kind}`,
  inputTooLarge: (bytes: number, limit: number) =>
    `Input of ${bytes} bytes is larger than the limit of ${limit} bytes (raise it with the maxInputBytes option)`,
  arrayTooLarge: (path: string, n: number, limit: number) =>
    `Array at ${at(path)} has ${n} elements, more than the limit of ${limit}`,
  // schema
  schema: (path: string, message: string) => `${at(path)} ${message}`,
  unsupportedVersion: (path: string, found: unknown, supported: number) =>
    `Unsupported uhi_schema version ${quote(found)} at ${path}; this hist-serial reads versions up to ${supported}`,
  // arrays
  missingArray: (path: string, ref: string) => `Array reference ${quote(ref)} at ${path} names nothing in the file`,
  shapeMismatch: (path: string, found: readonly number[], expected: readonly number[], why: string) =>
    `Array at ${path} has shape [${list(found)}], expected [${list(expected)}] (${why})`,
  raggedArray: (path: string) => `Nested array at ${path} is ragged: its rows have different lengths`,
  dtypeNotAllowed: (path: string, dtype: string, storage: string, allowed: readonly string[]) =>
    `dtype ${quote(dtype)} at ${path} is not allowed in ${storage} storage; expected one of ${list(allowed)}`,
  nonInteger: (path: string, value: unknown, storage: string) =>
    `Non-integer value ${quote(value)} at ${path} in ${storage} storage; expected integers`,
  intOutOfRange: (path: string, value: unknown) =>
    `Integer ${quote(value)} at ${path} does not fit in a signed 64-bit integer`,
  nonFiniteForbidden: (path: string, value: number) =>
    `Non-finite value ${quote(value)} at ${path} cannot be written as strict JSON; use the Python-compatible mode (nonFinite: "python") or a binary format`,
  // axes
  axisBins: (path: string, bins: number) => `Axis at ${path} has ${bins} bins; expected at least 1`,
  axisRange: (path: string, lower: number, upper: number) =>
    `Axis at ${path} has lower ${quote(lower)} and upper ${quote(upper)}; expected finite values with lower < upper`,
  edgesTooFew: (path: string, n: number) => `Variable axis at ${path} has ${n} edge(s); expected at least 2`,
  edgeNotFinite: (path: string, value: number) => `Edge ${quote(value)} at ${path} is not finite`,
  edgeNotIncreasing: (path: string, value: number, previous: number) =>
    `Edge ${quote(value)} at ${path} is not greater than the edge before it (${quote(previous)}); edges must increase strictly`,
  duplicateCategory: (path: string, value: unknown) => `Category ${quote(value)} at ${path} appears more than once`,
  categoryNotInteger: (path: string, value: unknown) =>
    `Category ${quote(value)} at ${path} is not an integer within ±2^53`,
  // sparse
  sparseIndexShape: (path: string, found: readonly number[], naxes: number, nnz: number) =>
    `Sparse index at ${path} has shape [${list(found)}], expected [${naxes}, ${nnz}] (axes x filled bins)`,
  sparseIndexRange: (path: string, value: unknown, extent: number) =>
    `Sparse index ${quote(value)} at ${path} is outside 0..${extent - 1} (the axis has ${extent} bins with flow)`,
  sparseIndexDuplicate: (path: string, bin: readonly number[]) =>
    `Sparse index at ${path} lists bin [${list(bin)}] more than once`,
  // native container
  badMagic: (what: string) => `Not a ${what} file: the magic bytes do not match`,
  truncated: (what: string, need: number, have: number) => `Truncated ${what}: needs ${need} bytes, the file has ${have}`,
  unsupportedContainer: (found: string, supported: string) =>
    `Container version ${quote(found)} is newer than this hist-serial reads (${supported})`,
  unsupportedExtension: (names: readonly string[]) =>
    `The file requires extension(s) ${list(names.map((n) => quote(n)))} that this hist-serial does not know`,
  viewOutOfBounds: (path: string, end: number, length: number) =>
    `Buffer view at ${path} ends at byte ${end}, past the end of its buffer (${length} bytes)`,
  viewBytes: (path: string, byteLength: number, expected: number) =>
    `Buffer view at ${path} has ${byteLength} bytes; its dtype and shape need ${expected}`,
  badBufferIndex: (path: string, index: number, count: number) =>
    `Buffer view at ${path} names buffer ${index}, but the file has ${count} buffer(s)`,
  duplicateView: (path: string, name: string) => `Buffer view name ${quote(name)} at ${path} is used twice`,
  bufferLength: (path: string, declared: number, actual: number) =>
    `Buffer at ${path} declares ${declared} bytes but has ${actual}`,
  badDataUri: (path: string) => `Buffer at ${path} has a data: URI that is not base64 application/octet-stream`,
  binaryChunkMissing: (path: string) => `Buffer at ${path} has no uri, but only a .hsb file has a binary chunk`,
  checksum: (path: string, expected: number, actual: number) =>
    `CRC-32 of the buffer view at ${path} is ${actual}, the file says ${expected}: the data is corrupt`,
  unsupportedDtype: (path: string, dtype: string) => `Unsupported dtype ${quote(dtype)} at ${path}`,
  // api, io, formats
  unknownFormat: (name: string, known: readonly string[]) =>
    `Unknown format ${quote(name)}; expected one of ${list(known)}`,
  cannotDetectInput: (file: string) =>
    `Cannot tell the format of ${file} from its content; name it with --format (formats: see \`hist-serial formats\`)`,
  cannotDetectOutput: (file: string) => `Cannot tell the output format from the name ${file}; name it with --to`,
  cannotEncode: (format: string) => `Format ${quote(format)} can be read but not written`,
  needsFile: (format: string) => `Format ${quote(format)} writes files (or several), not one buffer: use writeDocument with a path`,
  sidecarEscape: (uri: string) =>
    `Referenced file ${quote(uri)} is not a relative path inside the folder of the main file (absolute paths, "..", and schemes are refused)`,
  notFound: (name: string, available: readonly string[]) =>
    `No histogram named ${quote(name)}; the file has ${available.length ? list(available.map((a) => quote(a))) : 'no histograms'}`,
  emptySelection: () => 'Nothing to write: the selection is empty',
  extrasDropped: (format: string, keys: readonly string[]) =>
    `Format ${quote(format)} cannot hold the top-level section(s) ${list(keys.map((k) => quote(k)))}; they are not written (use the native .hsb or .hsj format to keep them)`,
  io: (op: string, file: string, reason: string) => `Cannot ${op} ${file}: ${reason}`,
} as const;
