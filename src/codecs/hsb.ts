/**
 * `.hsb`: hist-serial's single-file binary container. A 32-byte header, the JSON envelope, then one
 * binary chunk holding every array, each aligned to 64 bytes so readers get zero-copy typed arrays.
 *
 * ```
 * offset  size  field
 *  0       8    magic  89 48 53 42 0D 0A 1A 0A   ("\x89HSB\r\n\x1a\n")
 *  8       4    uint32 LE  container major version (1)
 * 12       4    uint32 LE  flags (0; reserved)
 * 16       8    uint64 LE  JSON chunk length J (UTF-8, padded with spaces so that 32 + J is a multiple of 64)
 * 24       8    uint64 LE  binary chunk length B (a multiple of 64)
 * 32       J    JSON envelope (schema/native/1/native.schema.json)
 * 32+J     B    binary chunk: buffer 0 (the buffer without a uri)
 * ```
 * 64-bit lengths: files over 4 GiB work (read with `decodeFile`, which never loads the whole file).
 * @module
 */
import { open } from 'node:fs/promises';
import { HistSerialError, LimitError, ParseError } from '../errors.js';
import { stringifyJson } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import type { RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeContext, EncodedFile } from './codec.js';
import { loadUriBuffer, readFully, readViewsFromFile } from './native-buffers.js';
import { align, bufferChunks, buildEnvelope, envelopeToRaw, parseEnvelope, planViews, type Envelope } from './native-envelope.js';
import { decodeUtf8 } from './uhi-json.js';

/** The 8 magic bytes of a .hsb file. */
export const HSB_MAGIC = Object.freeze([0x89, 0x48, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
export const HSB_HEADER_BYTES = 32;
const HSB_VERSION = 1;
/** Files smaller than this are read whole; larger ones array by array. */
export const WHOLE_FILE_BELOW = 1024 ** 3;

interface Header {
  jsonLength: number;
  binLength: number;
}

function readHeader(head: Uint8Array, fileLength: number, maxInput: number): Header {
  if (head.length < HSB_HEADER_BYTES) throw new ParseError(MESSAGES.truncated('.hsb header', HSB_HEADER_BYTES, head.length));
  if (!HSB_MAGIC.every((b, i) => head[i] === b)) throw new ParseError(MESSAGES.badMagic('.hsb'));
  const dv = new DataView(head.buffer, head.byteOffset, HSB_HEADER_BYTES);
  const version = dv.getUint32(8, true);
  if (version !== HSB_VERSION) {
    throw new HistSerialError('UNSUPPORTED_VERSION', MESSAGES.unsupportedContainer(String(version), String(HSB_VERSION)));
  }
  const jsonLength = dv.getBigUint64(16, true);
  const binLength = dv.getBigUint64(24, true);
  const total = BigInt(HSB_HEADER_BYTES) + jsonLength + binLength;
  if (total > BigInt(fileLength)) throw new ParseError(MESSAGES.truncated('.hsb file', Number(total), fileLength));
  if (jsonLength > BigInt(Math.min(maxInput, 0x1fffffe8))) throw new LimitError(MESSAGES.inputTooLarge(Number(jsonLength), Math.min(maxInput, 0x1fffffe8)));
  return { jsonLength: Number(jsonLength), binLength: Number(binLength) };
}

/** The one buffer without a uri must be the binary chunk, of exactly its declared length. */
function binaryBufferIndex(env: Envelope): number {
  return env.buffers.findIndex((b) => b.uri === undefined);
}

async function loadBuffers(env: Envelope, ctx: DecodeContext, binary: (length: number) => Promise<Uint8Array> | Uint8Array): Promise<Uint8Array[]> {
  const bin = binaryBufferIndex(env);
  return Promise.all(env.buffers.map((b, i) => (i === bin ? binary(b.byteLength) : loadUriBuffer(b, i, ctx))));
}

function encode(raw: RawDocument, ctx: EncodeContext): EncodedFile {
  const { views, bufferLengths } = planViews(raw, () => 0, ctx.options.checksums ?? true);
  const binLength = align(bufferLengths[0] ?? 0);
  const env = buildEnvelope(raw, [{ byteLength: binLength }], views);
  const json = stringifyJson(env, { nonFinite: ctx.options.nonFinite ?? 'python', indent: '' });
  const jsonLength = align(HSB_HEADER_BYTES + json.length) - HSB_HEADER_BYTES;
  const header = new Uint8Array(HSB_HEADER_BYTES + jsonLength);
  header.set(HSB_MAGIC, 0);
  const dv = new DataView(header.buffer);
  dv.setUint32(8, HSB_VERSION, true);
  dv.setUint32(12, 0, true);
  dv.setBigUint64(16, BigInt(jsonLength), true);
  dv.setBigUint64(24, BigInt(binLength), true);
  header.set(json, HSB_HEADER_BYTES);
  header.fill(0x20, HSB_HEADER_BYTES + json.length);
  return { main: [header, ...bufferChunks(views, 0, binLength)] };
}

export const HSB_CODEC: Codec = {
  name: 'hsb',
  extensions: ['.hsb'],
  arrays: 'external',
  keepsExtras: true,

  async decode(bytes, ctx) {
    const h = readHeader(bytes, bytes.length, ctx.limits.maxInputBytes);
    const env = parseEnvelope(decodeUtf8(bytes.subarray(HSB_HEADER_BYTES, HSB_HEADER_BYTES + h.jsonLength)), ctx.limits.maxJsonDepth);
    const start = HSB_HEADER_BYTES + h.jsonLength;
    const buffers = await loadBuffers(env, ctx, () => bytes.subarray(start, start + h.binLength));
    return envelopeToRaw(env, buffers, ctx.verifyChecksums ?? true);
  },

  /**
   * Files up to {@link WHOLE_FILE_BELOW} are read in one call and decoded with zero-copy views (the
   * fastest path); larger ones (and those over 4 GiB, which no Buffer can hold) read the header and
   * JSON, then each array straight into its own typed array.
   */
  async decodeFile(path, ctx) {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size < WHOLE_FILE_BELOW) {
        const bytes = new Uint8Array(size);
        await readFully(handle, bytes, 0);
        return await HSB_CODEC.decode(bytes, ctx);
      }
      const head = new Uint8Array(HSB_HEADER_BYTES);
      await handle.read(head, 0, HSB_HEADER_BYTES, 0);
      const h = readHeader(head, size, ctx.limits.maxInputBytes);
      const jsonBytes = new Uint8Array(h.jsonLength);
      await readFully(handle, jsonBytes, HSB_HEADER_BYTES);
      const env = parseEnvelope(decodeUtf8(jsonBytes), ctx.limits.maxJsonDepth);
      return await readViewsFromFile(env, handle, HSB_HEADER_BYTES + h.jsonLength, h.binLength, binaryBufferIndex(env), ctx);
    } finally {
      await handle.close();
    }
  },

  async encode(raw, ctx) {
    return encode(raw, ctx);
  },
};
