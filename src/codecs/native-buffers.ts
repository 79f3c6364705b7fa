/**
 * Loading the buffers of a native container: data: URIs, sidecar files (through the IO layer's
 * `readSidecar`, which refuses paths outside the folder), and arrays read straight from a file.
 * @module
 */
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { HistSerialError, pointer } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { allocate, sizeOf, type NDArray } from '../model/ndarray.js';
import type { RawDocument } from '../raw.js';
import type { DecodeContext } from './codec.js';
import { ParseError } from '../errors.js';
import { arrayFromBytes } from './descr.js';
import { checkBufferLengths, checkView, extrasOf, verifyChecksum, type BufferDef, type Envelope } from './native-envelope.js';
import { checkSidecarUri } from '../io/sidecar.js';

const DATA_URI = /^data:application\/(?:octet-stream|gltf-buffer);base64,/;

/** Bytes of a buffer that has a uri: a base64 data: URI or a sidecar file. */
export async function loadUriBuffer(b: BufferDef, index: number, ctx: DecodeContext): Promise<Uint8Array> {
  const path = pointer('/buffers', index);
  const uri = b.uri;
  if (uri === undefined) throw new HistSerialError('PARSE', MESSAGES.binaryChunkMissing(path), { path });
  if (uri.startsWith('data:')) {
    const m = DATA_URI.exec(uri);
    if (!m) throw new HistSerialError('PARSE', MESSAGES.badDataUri(path), { path });
    const bytes = Buffer.from(uri.slice(m[0].length), 'base64');
    if (bytes.length !== b.byteLength) throw new HistSerialError('PARSE', MESSAGES.bufferLength(path, b.byteLength, bytes.length), { path });
    return bytes;
  }
  if (!ctx.readSidecar) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.needsFile('hsj'), { path });
  try {
    checkSidecarUri(uri);
    return await ctx.readSidecar(uri);
  } catch (err) {
    // The IO layer knows files, not the envelope: name the buffer that points there.
    if (err instanceof HistSerialError && err.path === '') throw new HistSerialError(err.code, err.message, { path, cause: err });
    throw err;
  }
}

/**
 * Arrays of an envelope whose binary chunk starts at `binStart` in an open file: each view is read
 * directly into a fresh typed array (no whole-file buffer; works past 4 GiB).
 */
export async function readViewsFromFile(
  env: Envelope,
  handle: FileHandle,
  binStart: number,
  binLength: number,
  binIndex: number,
  ctx: DecodeContext,
): Promise<RawDocument> {
  // Buffers other than the binary chunk (data: URIs, sidecars) are loaded in memory.
  const buffers = await Promise.all(env.buffers.map((b, i) => (i === binIndex ? undefined : loadUriBuffer(b, i, ctx))));
  checkBufferLengths(env, buffers);
  if (binIndex >= 0 && env.buffers[binIndex]!.byteLength > binLength) {
    const path = pointer('/buffers', binIndex);
    throw new HistSerialError('PARSE', MESSAGES.bufferLength(path, env.buffers[binIndex]!.byteLength, binLength), { path });
  }
  const verify = ctx.verifyChecksums ?? true;
  const resources = new Map<string, NDArray>();
  const seen = new Set<string>();
  for (const [i, v] of env.bufferViews.entries()) {
    const path = pointer('/bufferViews', i);
    const { dtype } = checkView(env, v, path, seen);
    if (v.buffer !== binIndex) {
      const bytes = buffers[v.buffer]!.subarray(v.byteOffset, v.byteOffset + v.byteLength);
      verifyChecksum(v, bytes, path, verify);
      resources.set(v.name, arrayFromBytes(dtype, v.shape, bytes));
      continue;
    }
    const data = allocate(dtype, sizeOf(v.shape));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const [crc] = readWithChecksums(handle.fd, bytes, binStart + v.byteOffset, [verify && v.crc32 !== undefined ? { byteOffset: 0, byteLength: bytes.length } : undefined]);
    verifyChecksum(v, bytes, path, verify, crc);
    resources.set(v.name, { dtype, shape: [...v.shape], data });
  }
  const extras = extrasOf(env);
  return extras ? { json: env.histograms, resources, extras } : { json: env.histograms, resources };
}

/** Read exactly `into.length` bytes at `position`, in pieces of at most 1 GiB. */
export async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < into.length) {
    const { bytesRead } = await handle.read(into, off, Math.min(into.length - off, 1 << 30), position + off);
    if (bytesRead === 0) throw new ParseError(MESSAGES.truncated('file', position + into.length, position + off));
    off += bytesRead;
  }
}

/** Bytes per read of {@link readWithChecksums}: few enough that the CRC-32 finds them in the CPU cache. */
const READ_WINDOW = 1 << 18;

/**
 * Read exactly `into.length` bytes at `position` of the file `fd` in windows of {@link READ_WINDOW}
 * bytes, each checksummed right after it is read, while it is still in the CPU cache: the CRC-32s
 * then cost a fraction of a second pass over memory. Returns the CRC-32 of each of `ranges` (the
 * views of `into`, in any order, overlapping or not); `undefined` for a range that is absent or does
 * not lie inside `into`.
 *
 * Synchronous reads, as the zip reader's: reading the next window on libuv's thread pool while this
 * thread checksums the current one measured faster with an idle core (160 MB: ~95 ms against ~120 ms)
 * but much slower when other processes keep a core busy (~170 ms against ~135 ms), as the checksums
 * then read the data from memory.
 */
export function readWithChecksums(
  fd: number,
  into: Uint8Array,
  position: number,
  ranges: readonly ({ byteOffset: number; byteLength: number } | undefined)[],
): (number | undefined)[] {
  const tracked = ranges
    .flatMap((r, i) => (r && r.byteOffset + r.byteLength <= into.length ? [{ i, start: r.byteOffset, end: r.byteOffset + r.byteLength, crc: 0 }] : []))
    .sort((a, b) => a.start - b.start);
  let next = 0; // tracked[next] is the first range not started yet
  let active: typeof tracked = [];
  for (let start = 0; start < into.length; start += READ_WINDOW) {
    const end = Math.min(into.length, start + READ_WINDOW);
    for (let at = start; at < end; ) {
      const n = readSync(fd, into, at, end - at, position + at);
      if (n === 0) throw new ParseError(MESSAGES.truncated('file', position + into.length, position + at));
      at += n;
    }
    for (; next < tracked.length && tracked[next]!.start < end; next++) active.push(tracked[next]!);
    for (const r of active) r.crc = crc32(into.subarray(Math.max(start, r.start), Math.min(end, r.end)), r.crc);
    active = active.filter((r) => r.end > end);
  }
  const crcs: (number | undefined)[] = ranges.map(() => undefined);
  for (const r of tracked) crcs[r.i] = r.crc;
  return crcs;
}
