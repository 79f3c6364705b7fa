/**
 * Registry entry of the BSON codec: cheap to import (neither the codec nor the `bson` library is
 * loaded until a BSON file is read or written). A BSON document has no magic number; the codec
 * writes `format: "hist-serial-bson"` as the first element, so every file starts with the same
 * bytes after its 4-byte length, and that fixed prefix is what the sniffer checks.
 * @module
 */
import type { CodecEntry } from './codec.js';

/**
 * Value of the `format` element that opens every hist-serial BSON document.
 *
 * @example
 * ```ts
 * import { deserialize } from 'bson';
 * const isOurs = deserialize(bytes).format === BSON_FORMAT_TAG;
 * ```
 */
export const BSON_FORMAT_TAG = 'hist-serial-bson';

/**
 * Largest BSON document, in bytes: the format's length fields are signed 32-bit integers.
 * Larger documents are refused with `LIMIT_EXCEEDED` (use `.zip`, `.hsb` or `.h5`).
 *
 * @example
 * ```ts
 * const format = payloadBytes < BSON_MAX_BYTES - 1e6 ? 'bson' : 'hsb';
 * ```
 */
export const BSON_MAX_BYTES = 0x7fffffff;

/**
 * Bytes 4… of every hist-serial BSON document: element type 0x02 (string), the key `format`, the
 * string's int32 length (17, NUL included) and `hist-serial-bson\0`.
 */
export const BSON_PREFIX: readonly number[] = [
  0x02,
  ...Buffer.from('format\0', 'latin1'),
  BSON_FORMAT_TAG.length + 1,
  0,
  0,
  0,
  ...Buffer.from(`${BSON_FORMAT_TAG}\0`, 'latin1'),
];

/**
 * Does `head` look like a hist-serial BSON document: the fixed prefix at byte 4, and a declared
 * length (int32 LE at byte 0) at least as long as that prefix plus the closing NUL? The declared
 * length is checked against the real file size when decoding, so that a truncated file is reported
 * as truncated rather than as an unknown format.
 */
export function sniffBson(head: Uint8Array): boolean {
  if (head.length < 4 + BSON_PREFIX.length) return false;
  const declared = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
  if (declared < 4 + BSON_PREFIX.length + 1 || declared > BSON_MAX_BYTES) return false;
  for (let i = 0; i < BSON_PREFIX.length; i++) if (head[4 + i] !== BSON_PREFIX[i]) return false;
  return true;
}

/** The registry entry of the `bson` format (registered by `createDefaultRegistry`). */
export const BSON_ENTRY: CodecEntry = {
  name: 'bson',
  description: 'BSON: one document {format, version, histograms (UHI JSON), buffers (Binary)}; up to 2 GiB',
  extensions: ['.bson'],
  writable: true,
  sniff: sniffBson,
  load: async () => (await import('./bson.js')).BSON_CODEC,
};
