/**
 * UHI JSON: the layout uhi's `json.dump(..., default=uhi.io.json.default)` writes — an object
 * mapping names to histograms (or one histogram directly), arrays as nested lists.
 * Reads Python's bare NaN/Infinity tokens and integers beyond 2^53 exactly; writes Python-compatible
 * JSON by default, strict RFC 8259 with `nonFinite: 'error'`.
 * @module
 */
import { LimitError, ParseError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { parseJson } from '../json/parse.js';
import { stringifyJsonChunks } from '../json/stringify.js';
import type { Codec } from './codec.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode UTF-8 bytes to a string, with clear errors for bad encoding and V8's string limit. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_STRING_TOO_LONG') {
      throw new LimitError(MESSAGES.inputTooLarge(bytes.length, 0x1fffffe8), { cause: err });
    }
    throw new ParseError('Invalid JSON: the file is not valid UTF-8 text', { cause: err });
  }
}

export const UHI_JSON_CODEC: Codec = {
  name: 'uhi-json',
  extensions: ['.json'],
  arrays: 'inline',
  async decode(bytes, ctx) {
    const { value, exact } = parseJson(decodeUtf8(bytes), { maxDepth: ctx.limits.maxJsonDepth });
    return exact ? { json: value, resources: new Map(), exact } : { json: value, resources: new Map() };
  },
  async encode(raw, ctx) {
    return { main: stringifyJsonChunks(raw.json, { nonFinite: ctx.options.nonFinite ?? 'python' }) };
  },
};
