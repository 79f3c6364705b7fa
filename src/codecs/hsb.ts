/**
 * `.hsb`: hist-serial's single-file binary container. A 32-byte header, the JSON envelope, then one
 * binary chunk holding every array, each aligned to 64 bytes so readers get zero-copy typed arrays.
 *
 * ```
 * offset  size  field
 *  0       8    magic  89 48 53 42 0D 0A 1A 0A   ("\x89HSB\r\n\x1a\n")
 *  8       4    uint32 LE  container major version (1)
 * 12       4    uint32 LE  flags (0; reserved)
 * 16       8    uint64 LE  JSON chunk length J (UTF-8, padded with spaces so that 32 + J is a multiple of 64;
 *                           writers reserve room for 10 digits per `crc32`, see `layout`)
 * 24       8    uint64 LE  binary chunk length B (a multiple of 64)
 * 32       J    JSON envelope (schema/native/1/native.schema.json)
 * 32+J     B    binary chunk: buffer 0 (the buffer without a uri)
 * ```
 * 64-bit lengths: files over 4 GiB work (read with `decodeFile`, which never loads the whole file).
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { HistSerialError, LimitError, ParseError } from '../errors.js';
import { stringifyJson } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import type { RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeContext } from './codec.js';
import { loadUriBuffer, readFully, readViewsFromFile, readWithChecksums } from './native-buffers.js';
import {
  ALIGNMENT,
  align,
  bufferChunks,
  buildEnvelope,
  envelopeToRaw,
  fillChecksums,
  parseEnvelope,
  planViews,
  type Envelope,
  type PlannedView,
} from './native-envelope.js';
import { decodeUtf8 } from './uhi-json.js';

/** The 8 magic bytes of a .hsb file. */
export const HSB_MAGIC = Object.freeze([0x89, 0x48, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
export const HSB_HEADER_BYTES = 32;
const HSB_VERSION = 1;
/** Files smaller than this have their binary chunk read into one buffer; larger ones array by array. */
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

/** A document laid out for writing: its views in the binary chunk, and the lengths of both chunks. */
interface Layout {
  views: PlannedView[];
  binLength: number;
  jsonLength: number;
  checksums: boolean;
}

/**
 * Lay a document out. The JSON chunk's length is fixed before any CRC-32 is known: room is reserved
 * for the longest value (10 digits) of every `crc32`, and the envelope written later, with the actual
 * values, is padded with spaces to that length. So `encodeFile` can write the binary chunk first.
 */
function layout(raw: RawDocument, ctx: EncodeContext): Layout {
  const checksums = ctx.options.checksums ?? true;
  const { views, bufferLengths } = planViews(raw, () => 0, false);
  const binLength = align(bufferLengths[0] ?? 0);
  if (checksums) for (const v of views) v.def.crc32 = 0xffffffff;
  const jsonLength = align(HSB_HEADER_BYTES + envelopeJson(raw, views, binLength, ctx).length) - HSB_HEADER_BYTES;
  return { views, binLength, jsonLength, checksums };
}

function envelopeJson(raw: RawDocument, views: PlannedView[], binLength: number, ctx: EncodeContext): Uint8Array {
  const env = buildEnvelope(raw, [{ byteLength: binLength }], views);
  return stringifyJson(env, { nonFinite: ctx.options.nonFinite ?? 'python', indent: '' });
}

/** The 32-byte header and the JSON chunk (the views' CRC-32s, if any, computed by now). */
function headerAndJson(raw: RawDocument, l: Layout, ctx: EncodeContext): Uint8Array {
  const json = envelopeJson(raw, l.views, l.binLength, ctx);
  const header = new Uint8Array(HSB_HEADER_BYTES + l.jsonLength);
  header.set(HSB_MAGIC, 0);
  const dv = new DataView(header.buffer);
  dv.setUint32(8, HSB_VERSION, true);
  dv.setUint32(12, 0, true);
  dv.setBigUint64(16, BigInt(l.jsonLength), true);
  dv.setBigUint64(24, BigInt(l.binLength), true);
  header.set(json, HSB_HEADER_BYTES);
  header.fill(0x20, HSB_HEADER_BYTES + json.length);
  return header;
}

/** Bytes per write of `encodeFile`: each window is checksummed while it is written, and flushed while the next one is. */
const WRITE_WINDOW = 8 << 20;
/** Zero bytes for the gaps between views (each shorter than the alignment). */
const ZEROS = new Uint8Array(ALIGNMENT);

/** A piece of the binary chunk: a slice of a view, or zero bytes between views. */
interface Piece {
  bytes: Uint8Array;
  view?: PlannedView;
}

/** The binary chunk of a layout cut into windows of {@link WRITE_WINDOW} bytes (the last may be shorter), without copying. */
function windowsOf(l: Layout): Piece[][] {
  const windows: Piece[][] = [[]];
  let size = 0;
  const add = (bytes: Uint8Array, view?: PlannedView) => {
    for (let off = 0; off < bytes.length; ) {
      if (size === WRITE_WINDOW) {
        windows.push([]);
        size = 0;
      }
      const piece = bytes.subarray(off, off + WRITE_WINDOW - size);
      windows[windows.length - 1]!.push(view ? { bytes: piece, view } : { bytes: piece });
      size += piece.length;
      off += piece.length;
    }
  };
  let at = 0;
  for (const v of l.views) {
    add(ZEROS.subarray(0, v.def.byteOffset - at));
    add(v.bytes, v);
    at = v.def.byteOffset + v.bytes.length;
  }
  add(ZEROS.subarray(0, l.binLength - at));
  return windows;
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, off, Math.min(bytes.length - off, 1 << 30), position + off);
    off += bytesWritten;
  }
}

/** Write pieces one after the other from `position`: one `pwritev` call, a short write finished piece by piece. */
async function writePieces(handle: FileHandle, pieces: Uint8Array[], position: number): Promise<void> {
  let { bytesWritten: done } = await handle.writev(pieces, position);
  for (const p of pieces) {
    const skip = Math.min(done, p.length);
    if (skip < p.length) await writeAt(handle, p.subarray(skip), position + skip);
    done -= skip;
    position += p.length;
  }
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
   * Reads the header and the JSON, then the binary chunk: files up to {@link WHOLE_FILE_BELOW} into
   * one buffer that every array is a view of (the fastest path), larger ones (and those over 4 GiB,
   * which no Buffer can hold) array by array, each into its own typed array. Either way the data is
   * checksummed window by window as it is read, while it is in the CPU cache.
   */
  async decodeFile(path, ctx) {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const head = new Uint8Array(Math.min(size, HSB_HEADER_BYTES));
      await readFully(handle, head, 0);
      const h = readHeader(head, size, ctx.limits.maxInputBytes);
      const jsonBytes = new Uint8Array(h.jsonLength);
      await readFully(handle, jsonBytes, HSB_HEADER_BYTES);
      const env = parseEnvelope(decodeUtf8(jsonBytes), ctx.limits.maxJsonDepth);
      const binStart = HSB_HEADER_BYTES + h.jsonLength;
      const bin = binaryBufferIndex(env);
      if (size >= WHOLE_FILE_BELOW) return await readViewsFromFile(env, handle, binStart, h.binLength, bin, ctx);
      const chunk = new Uint8Array(h.binLength);
      const verify = ctx.verifyChecksums ?? true;
      const ranges = env.bufferViews.map((v) => (verify && v.buffer === bin && v.crc32 !== undefined ? v : undefined));
      const crcs = readWithChecksums(handle.fd, chunk, binStart, ranges);
      return envelopeToRaw(env, await loadBuffers(env, ctx, () => chunk), verify, crcs);
    } finally {
      await handle.close();
    }
  },

  async encode(raw, ctx) {
    const l = layout(raw, ctx);
    if (l.checksums) fillChecksums(l.views);
    return { main: [headerAndJson(raw, l, ctx), ...bufferChunks(l.views, 0, l.binLength)] };
  },

  /**
   * The same bytes as {@link HSB_CODEC.encode}, written in an order that hides the CRC-32s: the binary
   * chunk first, window by window; each window is checksummed while it is written (libuv's thread
   * pool), and goes to the disk (`fdatasync`) while the next one is written. The header and JSON,
   * which hold the checksums, go last, at offset 0; then the whole file is fsynced.
   */
  async encodeFile(path, raw, ctx) {
    const l = layout(raw, ctx);
    if (l.checksums) for (const v of l.views) v.def.crc32 = 0; // CRC-32 of no bytes, continued window by window
    const windows = windowsOf(l);
    const handle = await open(path, 'w', 0o644);
    try {
      let position = HSB_HEADER_BYTES + l.jsonLength;
      let flushed = Promise.resolve();
      for (const [i, pieces] of windows.entries()) {
        const written = writePieces(handle, pieces.map((p) => p.bytes), position);
        if (l.checksums) for (const { bytes, view } of pieces) if (view) view.def.crc32 = crc32(bytes, view.def.crc32);
        await Promise.all([written, flushed]);
        position += WRITE_WINDOW;
        if (i < windows.length - 1) flushed = handle.datasync();
      }
      await writeAt(handle, headerAndJson(raw, l, ctx), 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
