/**
 * UHI JSON: the layout uhi's `json.dump(..., default=uhi.io.json.default)` writes — an object
 * mapping names to histograms (or one histogram directly), arrays as nested lists.
 * Reads Python's bare NaN/Infinity tokens and integers beyond 2^53 exactly; writes Python-compatible
 * JSON by default, strict RFC 8259 with `nonFinite: 'error'`.
 * @module
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { LimitError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { parseJson } from '../json/parse.js';
import { streamJson, stringifyJsonChunks } from '../json/stringify.js';
import type { Codec } from './codec.js';

/** V8's longest string (2^29 − 24 UTF-16 units on 64-bit): JSON text is parsed as one string, so no longer file can be read. */
export const MAX_JSON_TEXT_BYTES = 0x1fffffe8;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode UTF-8 bytes to a string, with clear errors for bad encoding and V8's string limit. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_STRING_TOO_LONG') {
      throw new LimitError(MESSAGES.jsonTextTooLarge(bytes.length, MAX_JSON_TEXT_BYTES), { cause: err });
    }
    throw new ParseError('Invalid JSON: the file is not valid UTF-8 text', { cause: err });
  }
}

export const UHI_JSON_CODEC: Codec = {
  name: 'uhi-json',
  extensions: ['.json'],
  arrays: 'inline',
  maxDecodeBytes: MAX_JSON_TEXT_BYTES,
  async decode(bytes, ctx) {
    const { value, exact } = parseJson(decodeUtf8(bytes), { maxDepth: ctx.limits.maxJsonDepth });
    return exact ? { json: value, resources: new Map(), exact } : { json: value, resources: new Map() };
  },
  async encode(raw, ctx) {
    return { main: stringifyJsonChunks(raw.json, { nonFinite: ctx.options.nonFinite ?? 'python' }) };
  },
  /** The same text as `encode`, written to the file chunk by chunk (memory: one chunk, whatever the size). */
  async encodeFile(path, raw, ctx) {
    const fd = openSync(path, 'w', 0o644);
    try {
      streamJson(
        raw.json,
        (chunk) => {
          for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
        },
        { nonFinite: ctx.options.nonFinite ?? 'python' },
      );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};
