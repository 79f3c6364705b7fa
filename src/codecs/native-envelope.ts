/**
 * The native container's JSON envelope (glTF-style): building it from a raw document with the
 * arrays laid out in buffers, and reading arrays back out of it with every bound checked.
 * The container formats (.hsb single file, .hsj split) differ only in where the buffers live.
 * @module
 */
import { crc32 } from 'node:zlib';
import { HistSerialError, ValidationError, pointer } from '../errors.js';
import { parseJson } from '../json/parse.js';
import { MESSAGES } from '../messages.js';
import { itemSize, sizeOf, type NDArray } from '../model/ndarray.js';
import type { RawDocument } from '../raw.js';
import { validateSchema } from '../schema/validator.js';
import { VERSION } from '../version.js';
import { arrayFromBytes, bytesOf, fromDescr, toDescr } from './descr.js';

/** Container layout version written; readers accept any 1.x. */
export const NATIVE_VERSION = '1.0';
/** Every view starts at a multiple of this many bytes (cache line; enough for any dtype). */
export const ALIGNMENT = 64;
/** Extensions this reader understands (none yet: extensions are kept verbatim, never required). */
export const KNOWN_EXTENSIONS: readonly string[] = [];
const ENVELOPE_KEYS = new Set(['asset', 'histograms', 'buffers', 'bufferViews']);

export interface BufferDef {
  byteLength: number;
  uri?: string;
}
export interface BufferViewDef {
  name: string;
  buffer: number;
  byteOffset: number;
  byteLength: number;
  dtype: string;
  shape: number[];
  crc32?: number;
}
export interface Envelope {
  asset: { format: 'hist-serial'; version: string; generator?: string };
  histograms: Record<string, unknown>;
  buffers: BufferDef[];
  bufferViews: BufferViewDef[];
  [extra: string]: unknown;
}

/** Round up to the alignment. */
export const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** A view planned into a buffer: its definition and the bytes to write there. */
export interface PlannedView {
  def: BufferViewDef;
  bytes: Uint8Array;
}

/**
 * Lay the raw document's arrays out: `assign(key, byteLength)` says which buffer a view goes to;
 * views are aligned within their buffer, checksummed, and described in order.
 */
export function planViews(
  raw: RawDocument,
  assign: (key: string, byteLength: number) => number,
  checksums = true,
): { views: PlannedView[]; bufferLengths: number[] } {
  const bufferLengths: number[] = [];
  const views: PlannedView[] = [];
  for (const [name, arr] of raw.resources) {
    const bytes = bytesOf(arr);
    const buffer = assign(name, bytes.length);
    const byteOffset = align(bufferLengths[buffer] ?? 0);
    bufferLengths[buffer] = byteOffset + bytes.length;
    const def: BufferViewDef = { name, buffer, byteOffset, byteLength: bytes.length, dtype: toDescr(arr.dtype), shape: [...arr.shape] };
    views.push({ def, bytes });
  }
  if (checksums) fillChecksums(views);
  return { views, bufferLengths: bufferLengths.map((n) => n ?? 0) };
}

/** Set the CRC-32 of every planned view (writers that compute them late: see the .hsb `encodeFile`). */
export function fillChecksums(views: readonly PlannedView[]): void {
  for (const v of views) v.def.crc32 = crc32(v.bytes);
}

/** The envelope object for a raw document whose arrays were planned into `buffers`. */
export function buildEnvelope(raw: RawDocument, buffers: BufferDef[], views: PlannedView[]): Envelope {
  return {
    asset: { format: 'hist-serial', version: NATIVE_VERSION, generator: `hist-serial ${VERSION}` },
    histograms: raw.json as Record<string, unknown>,
    buffers,
    bufferViews: views.map((v) => v.def),
    ...(raw.extras ?? {}),
  };
}

/** Concatenate planned views of one buffer into chunks with zero padding between them (no copies of data). */
export function bufferChunks(views: readonly PlannedView[], buffer: number, totalLength: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const v of views) {
    if (v.def.buffer !== buffer) continue;
    if (v.def.byteOffset > at) chunks.push(new Uint8Array(v.def.byteOffset - at));
    chunks.push(v.bytes);
    at = v.def.byteOffset + v.def.byteLength;
  }
  if (totalLength > at) chunks.push(new Uint8Array(totalLength - at));
  return chunks;
}

/** Parse and check the envelope JSON: schema, container version, required extensions. */
export function parseEnvelope(text: string, maxDepth: number): Envelope {
  const { value } = parseJson(text, { maxDepth });
  const issues = validateSchema('native', value);
  if (issues.length) throw new ValidationError(issues);
  const env = value as Envelope;
  const major = Number(env.asset.version.split('.')[0]);
  if (major > 1) throw new HistSerialError('UNSUPPORTED_VERSION', MESSAGES.unsupportedContainer(env.asset.version, '1.x'), { path: '/asset/version' });
  const required = ((env.extensionsRequired as string[] | undefined) ?? []).filter((e) => !KNOWN_EXTENSIONS.includes(e));
  if (required.length) throw new HistSerialError('UNSUPPORTED_EXTENSION', MESSAGES.unsupportedExtension(required), { path: '/extensionsRequired' });
  return env;
}

/** Top-level sections of the envelope other than the container's own (`hs3`, `fit_results`, `extensions`, …). */
export function extrasOf(env: Envelope): Record<string, unknown> | undefined {
  const extras = Object.fromEntries(Object.entries(env).filter(([k]) => !ENVELOPE_KEYS.has(k)));
  return Object.keys(extras).length ? extras : undefined;
}

/** Every loaded buffer must hold at least its declared length (`undefined`: not loaded, checked elsewhere). */
export function checkBufferLengths(env: Envelope, buffers: readonly (Uint8Array | undefined)[]): void {
  env.buffers.forEach((b, i) => {
    const have = buffers[i];
    if (have && have.length < b.byteLength) {
      throw new HistSerialError('PARSE', MESSAGES.bufferLength(pointer('/buffers', i), b.byteLength, have.length), { path: pointer('/buffers', i) });
    }
  });
}

/** Verify a view's checksum (when it has one); `known` is the CRC-32 of `bytes` when already computed (while reading). */
export function verifyChecksum(v: BufferViewDef, bytes: Uint8Array, path: string, verify = true, known?: number): void {
  if (!verify || v.crc32 === undefined) return;
  const actual = known ?? crc32(bytes);
  if (actual !== v.crc32) throw new HistSerialError('CHECKSUM_MISMATCH', MESSAGES.checksum(path, v.crc32, actual), { path });
}

/**
 * The raw document of an envelope, given the bytes of each buffer. Checks every bound, size and
 * checksum; `crcs[i]`, when given, is the CRC-32 of view i already computed while reading.
 */
export function envelopeToRaw(env: Envelope, buffers: readonly Uint8Array[], verify = true, crcs: readonly (number | undefined)[] = []): RawDocument {
  checkBufferLengths(env, buffers);
  const resources = new Map<string, NDArray>();
  const seen = new Set<string>();
  env.bufferViews.forEach((v, i) => {
    const path = pointer('/bufferViews', i);
    const { dtype } = checkView(env, v, path, seen);
    const bytes = buffers[v.buffer]!.subarray(v.byteOffset, v.byteOffset + v.byteLength);
    verifyChecksum(v, bytes, path, verify, crcs[i]);
    resources.set(v.name, arrayFromBytes(dtype, v.shape, bytes));
  });
  const extras = extrasOf(env);
  return extras ? { json: env.histograms, resources, extras } : { json: env.histograms, resources };
}

/** Check a view's buffer index, bounds, dtype and size; returns its dtype. Exported for file-based readers. */
export function checkView(env: Envelope, v: BufferViewDef, path: string, seen: Set<string>): { dtype: NonNullable<ReturnType<typeof fromDescr>>['dtype'] } {
  const parsed = fromDescr(v.dtype);
  if (!parsed || parsed.bigEndian) throw new HistSerialError('PARSE', MESSAGES.unsupportedDtype(pointer(path, 'dtype'), v.dtype), { path: pointer(path, 'dtype') });
  if (v.buffer >= env.buffers.length) throw new HistSerialError('PARSE', MESSAGES.badBufferIndex(path, v.buffer, env.buffers.length), { path });
  const end = v.byteOffset + v.byteLength;
  const length = env.buffers[v.buffer]!.byteLength;
  if (end > length) throw new HistSerialError('PARSE', MESSAGES.viewOutOfBounds(path, end, length), { path });
  const expected = sizeOf(v.shape) * itemSize(parsed.dtype);
  if (expected !== v.byteLength) throw new HistSerialError('PARSE', MESSAGES.viewBytes(path, v.byteLength, expected), { path });
  if (seen.has(v.name)) throw new HistSerialError('PARSE', MESSAGES.duplicateView(path, v.name), { path });
  seen.add(v.name);
  return { dtype: parsed.dtype };
}
