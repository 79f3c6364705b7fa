/**
 * ROOT compressed records. An object record that is smaller on disk than its key's `fObjlen` is a
 * chain of blocks, each with a 9-byte header: a 2-byte algorithm tag (`ZL` zlib, `CS` ROOT's old
 * zlib-era deflate, `XZ` lzma/xz, `L4` lz4, `ZS` zstd), a method byte, then the compressed and the
 * uncompressed size as 3-byte little-endian integers (so a block holds at most 16 MiB; larger objects
 * take several). `L4` blocks start with an 8-byte big-endian xxhash64 of the lz4 block, counted in
 * the compressed size.
 *
 * The whole chain of headers is checked before anything is allocated: the uncompressed sizes must
 * add up to `fObjlen`, which must be within the limits; each block then decompresses into its own
 * slice of one exactly-sized buffer and must fill it exactly. zlib uses `node:zlib` with
 * `maxOutputLength`; lz4 blocks are decoded here (a small, bounds-checked decoder) after their
 * xxhash64 is verified; zstd uses `fzstd` and xz `xz-decompress` (WebAssembly xz-embedded), both
 * loaded only when a file needs them, both streamed so that output beyond the declared size stops
 * them.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { HistSerialError, LimitError, ParseError } from '../errors.js';
import type { Limits } from '../limits.js';
import { MESSAGES } from '../messages.js';

/** Bytes of a block header. */
export const ROOT_BLOCK_HEADER = 9;
/** Bytes of the xxhash64 that starts an lz4 block. */
const LZ4_CHECKSUM_BYTES = 8;
/** DEFLATE cannot expand data by more than this ratio. */
const DEFLATE_MAX_RATIO = 1032;
/** LZ4 cannot expand data by more than ~255:1 (one 255 length byte per 255 output bytes). */
const LZ4_MAX_RATIO = 256;
/** The largest buffer Node can allocate. */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;
/** Largest zstd window / xz dictionary accepted beyond the block's own size (ROOT's presets stay below). */
const MAX_WINDOW_SLACK = 64 * 1024 * 1024;

/** The compression algorithms, by the tag that starts a block. */
export const ROOT_COMPRESSION_TAGS = { ZL: 'zlib', CS: 'zlib (old ROOT)', XZ: 'lzma', L4: 'lz4', ZS: 'zstd' } as const;
export type RootCompressionTag = keyof typeof ROOT_COMPRESSION_TAGS;

/** One compressed block, as its header describes it. */
export interface RootBlock {
  tag: RootCompressionTag;
  method: number;
  /** Offset of the block's header in the record. */
  offset: number;
  /** Compressed bytes after the header (incl. the lz4 checksum). */
  compressedSize: number;
  uncompressedSize: number;
}

/** What {@link decompressRecord} needs to know besides the bytes. */
export interface DecompressContext {
  /** The record, for messages (`key "dir/h;1"`). */
  where: string;
  limits: Limits;
  /** Verify lz4 checksums (default true). */
  verifyChecksums?: boolean;
}

/** Throw unless an object of `objlen` bytes may be allocated under the limits. */
export function checkObjectSize(objlen: number, ctx: DecompressContext): void {
  if (!Number.isSafeInteger(objlen) || objlen < 0) throw new ParseError(MESSAGES.rootReadKey(ctx.where, `its object length ${objlen} is invalid`));
  const limit = Math.min(ctx.limits.maxInputBytes, MAX_BUFFER);
  if (objlen > limit) throw new LimitError(MESSAGES.rootReadObjectTooLarge(ctx.where, objlen, limit));
}

/**
 * Read the chain of block headers of a compressed record until the uncompressed sizes reach
 * `objlen` (ROOT stops there too; bytes after the last block are ignored). Nothing is decompressed.
 */
export function scanBlocks(record: Uint8Array, objlen: number, ctx: DecompressContext): RootBlock[] {
  const blocks: RootBlock[] = [];
  let pos = 0;
  let total = 0;
  while (total < objlen) {
    if (pos + ROOT_BLOCK_HEADER > record.length) {
      if (pos === 0 || pos >= record.length) throw new ParseError(MESSAGES.rootReadBlockSizes(ctx.where, total, objlen));
      throw new ParseError(MESSAGES.rootReadPastEnd('a compressed block header', pos, ROOT_BLOCK_HEADER, record.length - pos, ctx.where));
    }
    const tagText = String.fromCharCode(record[pos]!, record[pos + 1]!);
    if (!Object.hasOwn(ROOT_COMPRESSION_TAGS, tagText)) {
      throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootReadCompression(ctx.where, printable(record.subarray(pos, pos + 2))));
    }
    const tag = tagText as RootCompressionTag;
    const method = record[pos + 2]!;
    const compressedSize = le24(record, pos + 3);
    const uncompressedSize = le24(record, pos + 6);
    const algorithm = ROOT_COMPRESSION_TAGS[tag];
    if ((tag === 'ZL' || tag === 'CS') && method !== 8) {
      throw new ParseError(MESSAGES.rootReadDecompress(algorithm, ctx.where, `block method ${method}, expected 8 (deflate)`));
    }
    if (uncompressedSize === 0 || compressedSize === 0 || (tag === 'L4' && compressedSize <= LZ4_CHECKSUM_BYTES)) {
      throw new ParseError(MESSAGES.rootReadDecompress(algorithm, ctx.where, `a block header at byte ${pos} declares ${compressedSize} compressed and ${uncompressedSize} uncompressed bytes`));
    }
    if (pos + ROOT_BLOCK_HEADER + compressedSize > record.length) {
      throw new ParseError(MESSAGES.rootReadPastEnd(`a ${algorithm} block`, pos + ROOT_BLOCK_HEADER, compressedSize, record.length - pos - ROOT_BLOCK_HEADER, ctx.where));
    }
    const ratio = tag === 'ZL' || tag === 'CS' ? DEFLATE_MAX_RATIO : tag === 'L4' ? LZ4_MAX_RATIO : Infinity;
    if (uncompressedSize > compressedSize * ratio + 64) {
      throw new ParseError(MESSAGES.rootReadBlockRatio(algorithm, ctx.where, uncompressedSize, compressedSize));
    }
    total += uncompressedSize;
    if (total > objlen) throw new ParseError(MESSAGES.rootReadBlockSizes(ctx.where, total, objlen));
    blocks.push({ tag, method, offset: pos, compressedSize, uncompressedSize });
    pos += ROOT_BLOCK_HEADER + compressedSize;
  }
  return blocks;
}

/**
 * The uncompressed object of a record: the record itself when it is stored (`record.length ===
 * objlen`), else its blocks decompressed into one buffer of exactly `objlen` bytes.
 *
 * @example
 * ```ts
 * const record = file.subarray(seekKey + keylen, seekKey + nbytes);
 * const object = await decompressRecord(record, objlen, { where: 'key "h;1"', limits: DEFAULT_LIMITS });
 * ```
 */
export async function decompressRecord(record: Uint8Array, objlen: number, ctx: DecompressContext): Promise<Uint8Array> {
  checkObjectSize(objlen, ctx);
  // ROOT compresses an object only when that makes it smaller: a record as long as the object is stored.
  if (record.length >= objlen) return record.subarray(0, objlen);
  const blocks = scanBlocks(record, objlen, ctx);
  const out = new Uint8Array(objlen);
  let at = 0;
  for (const block of blocks) {
    const src = record.subarray(block.offset + ROOT_BLOCK_HEADER, block.offset + ROOT_BLOCK_HEADER + block.compressedSize);
    const dst = out.subarray(at, at + block.uncompressedSize);
    await decompressBlock(block, src, dst, ctx);
    at += block.uncompressedSize;
  }
  return out;
}

async function decompressBlock(block: RootBlock, src: Uint8Array, dst: Uint8Array, ctx: DecompressContext): Promise<void> {
  const algorithm = ROOT_COMPRESSION_TAGS[block.tag];
  const fail = (reason: string, cause?: unknown) =>
    new ParseError(MESSAGES.rootReadDecompress(algorithm, ctx.where, reason), cause === undefined ? {} : { cause });
  switch (block.tag) {
    case 'ZL':
    case 'CS': {
      let got: Uint8Array;
      try {
        const inflate = block.tag === 'ZL' ? inflateSync : inflateRawSync;
        got = inflate(src, { maxOutputLength: dst.length });
      } catch (err) {
        throw fail(inflateReason(err, dst.length), err);
      }
      if (got.length !== dst.length) throw fail(sizeReason(got.length, dst.length));
      dst.set(got);
      return;
    }
    case 'L4': {
      const expected = src.subarray(0, LZ4_CHECKSUM_BYTES);
      const data = src.subarray(LZ4_CHECKSUM_BYTES);
      if (ctx.verifyChecksums !== false) {
        const actual = xxh64(data);
        const stored = new DataView(expected.buffer, expected.byteOffset, 8).getBigUint64(0);
        if (actual !== stored) {
          throw new HistSerialError('CHECKSUM_MISMATCH', MESSAGES.rootReadChecksum('xxhash64 (lz4)', ctx.where, hex64(stored), hex64(actual)));
        }
      }
      const n = lz4DecodeBlock(data, dst, fail);
      if (n !== dst.length) throw fail(sizeReason(n, dst.length));
      return;
    }
    case 'ZS':
      return zstdBlock(src, dst, fail);
    case 'XZ':
      return xzBlock(src, dst, fail);
  }
}

type Fail = (reason: string, cause?: unknown) => ParseError;

function sizeReason(got: number, declared: number): string {
  return `a block decompresses to ${got} bytes, its header declares ${declared}`;
}

function inflateReason(err: unknown, declared: number): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return `a block decompresses to more than the ${declared} bytes its header declares`;
  return (err as Error).message ?? String(err);
}

// ------------------------------------------------------------------------------------------------
// lz4 block format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md)

/** Decode one lz4 block into `dst`; returns the bytes written. Every offset and length is checked. */
export function lz4DecodeBlock(src: Uint8Array, dst: Uint8Array, fail: Fail): number {
  const n = src.length;
  let s = 0;
  let d = 0;
  for (;;) {
    if (s >= n) throw fail('the lz4 block ends inside a sequence');
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= n) throw fail('the lz4 block ends inside a literal length');
        b = src[s++]!;
        literals += b;
      } while (b === 255);
    }
    if (s + literals > n) throw fail('an lz4 literal run goes past the end of the block');
    if (d + literals > dst.length) throw fail(`the lz4 block decompresses to more than the ${dst.length} bytes its header declares`);
    dst.set(src.subarray(s, s + literals), d);
    s += literals;
    d += literals;
    if (s === n) return d;
    if (s + 2 > n) throw fail('the lz4 block ends inside a match offset');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) throw fail(`an lz4 match refers ${offset} bytes back from output byte ${d}`);
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (s >= n) throw fail('the lz4 block ends inside a match length');
        b = src[s++]!;
        match += b;
      } while (b === 255);
    }
    match += 4;
    if (d + match > dst.length) throw fail(`the lz4 block decompresses to more than the ${dst.length} bytes its header declares`);
    if (offset >= match) {
      dst.copyWithin(d, d - offset, d - offset + match);
      d += match;
    } else {
      for (let i = 0; i < match; i++, d++) dst[d] = dst[d - offset]!;
    }
  }
}

// ------------------------------------------------------------------------------------------------
// xxhash64 (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md), seed 0, on BigInt

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & M64, 31n) * P1) & M64;
const merge = (acc: bigint, v: bigint) => ((((acc ^ round(0n, v)) * P1) & M64) + P4) & M64;

/**
 * xxhash64 of `data` with seed 0 (what ROOT stores, big-endian, before each lz4 block).
 *
 * @example
 * ```ts
 * xxh64(new Uint8Array(0)); // 0xef46db3751d8e999n
 * ```
 */
export function xxh64(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = data.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M64 + 1n - P1) & M64;
    for (; p <= len - 32; p += 32) {
      v1 = round(v1, view.getBigUint64(p, true));
      v2 = round(v2, view.getBigUint64(p + 8, true));
      v3 = round(v3, view.getBigUint64(p + 16, true));
      v4 = round(v4, view.getBigUint64(p + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(len)) & M64;
  for (; p + 8 <= len; p += 8) {
    h ^= round(0n, view.getBigUint64(p, true));
    h = (rotl(h, 27n) * P1 + P4) & M64;
  }
  if (p + 4 <= len) {
    h ^= (BigInt(view.getUint32(p, true)) * P1) & M64;
    h = (rotl(h, 23n) * P2 + P3) & M64;
    p += 4;
  }
  for (; p < len; p++) {
    h ^= (BigInt(data[p]!) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

function hex64(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

// ------------------------------------------------------------------------------------------------
// zstd (fzstd, pure JS)

type Fzstd = typeof import('fzstd');
let fzstd: Promise<Fzstd> | undefined;

/**
 * The zstd frame header, checked before decoding: ROOT writes one frame per block, with the content
 * size in its header. The window (which the decoder allocates) must be plausible for the block.
 */
function checkZstdFrame(src: Uint8Array, declared: number, fail: Fail): void {
  if (src.length < 6 || src[0] !== 0x28 || src[1] !== 0xb5 || src[2] !== 0x2f || src[3] !== 0xfd) {
    throw fail('the block is not a zstd frame (bad magic number)');
  }
  const fhd = src[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if (fhd & 0x08) throw fail('the zstd frame header has its reserved bit set');
  let p = 5;
  let window = 0;
  if (!singleSegment) {
    const wd = src[p++]!;
    const log = 10 + (wd >> 3);
    const base = 2 ** log;
    window = base + (base / 8) * (wd & 7);
  }
  p += [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = fcsFlag === 0 ? singleSegment : [1, 2, 4, 8][fcsFlag]!;
  if (p + fcsBytes > src.length) throw fail('the zstd frame header is truncated');
  let fcs: number | null = null;
  if (fcsBytes > 0) {
    fcs = 0;
    for (let i = fcsBytes - 1; i >= 0; i--) fcs = fcs * 256 + src[p + i]!;
    if (fcsBytes === 2) fcs += 256;
  }
  if (fcs !== null && fcs !== declared) throw fail(`the zstd frame declares ${fcs} bytes, the block header ${declared}`);
  if (!singleSegment && window > declared + MAX_WINDOW_SLACK) throw fail(`the zstd frame asks for a ${window}-byte window for a ${declared}-byte block`);
}

async function zstdBlock(src: Uint8Array, dst: Uint8Array, fail: Fail): Promise<void> {
  checkZstdFrame(src, dst.length, fail);
  const lib = await (fzstd ??= import('fzstd'));
  let at = 0;
  let ended = false;
  const overflow = fail(`the block decompresses to more than the ${dst.length} bytes its header declares`);
  try {
    const stream = new lib.Decompress((chunk, final) => {
      if (ended && chunk.length > 0) throw overflow;
      if (at + chunk.length > dst.length) throw overflow;
      dst.set(chunk, at);
      at += chunk.length;
      if (final) ended = true;
    });
    stream.push(src, true);
  } catch (err) {
    if (err === overflow) throw overflow;
    throw fail(`zstd: ${(err as Error).message ?? String(err)}`, err);
  }
  if (at !== dst.length) throw fail(sizeReason(at, dst.length));
}

// ------------------------------------------------------------------------------------------------
// xz (xz-decompress: xz-embedded compiled to WebAssembly, behind a web ReadableStream)

interface XzModule {
  XzReadableStream: new (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
}
let xzModule: Promise<XzModule> | undefined;

async function loadXz(): Promise<XzModule> {
  const mod = (await import('xz-decompress')) as unknown as { default?: XzModule } & Partial<XzModule>;
  const found = mod.XzReadableStream ? (mod as XzModule) : mod.default;
  if (!found?.XzReadableStream) throw new Error('xz-decompress has no XzReadableStream export');
  return found;
}

/** The LZMA2 dictionary size of the first block of an xz stream, or null when it cannot be found. */
function xzDictionarySize(src: Uint8Array): number | null {
  // Stream header (12 bytes), then the block header: size byte, flags, optional sizes, filter flags.
  if (src.length < 12 + 2) return null;
  let p = 12;
  const headerSize = (src[p]! + 1) * 4;
  if (src[p] === 0 || p + headerSize > src.length) return null;
  const flags = src[p + 1]!;
  p += 2;
  const vli = () => {
    let v = 0;
    for (let i = 0; i < 9 && p < src.length; i++) {
      const b = src[p++]!;
      v += (b & 0x7f) * 2 ** (7 * i);
      if (!(b & 0x80)) return v;
    }
    return -1;
  };
  if (flags & 0x40) vli();
  if (flags & 0x80) vli();
  const filters = (flags & 3) + 1;
  for (let f = 0; f < filters; f++) {
    const id = vli();
    const propsSize = vli();
    if (id === 0x21 && propsSize === 1 && p < src.length) {
      const bits = src[p]! & 0x3f;
      if (bits > 40) return Infinity;
      return bits === 40 ? 2 ** 32 - 1 : (2 | (bits & 1)) * 2 ** (Math.floor(bits / 2) + 11);
    }
    if (propsSize < 0) return null;
    p += propsSize;
  }
  return null;
}

async function xzBlock(src: Uint8Array, dst: Uint8Array, fail: Fail): Promise<void> {
  if (src.length < 6 || src[0] !== 0xfd || src[1] !== 0x37 || src[2] !== 0x7a || src[3] !== 0x58 || src[4] !== 0x5a || src[5] !== 0) {
    throw fail('the block is not an xz stream (bad magic bytes)');
  }
  const dict = xzDictionarySize(src);
  if (dict !== null && dict > Math.max(dst.length, 0) + MAX_WINDOW_SLACK) {
    throw fail(`the xz stream asks for a ${dict}-byte dictionary for a ${dst.length}-byte block`);
  }
  let lib: XzModule;
  try {
    lib = await (xzModule ??= loadXz());
  } catch (err) {
    xzModule = undefined;
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootReadDecompress('lzma', 'this installation', `the xz decoder could not be loaded (${(err as Error).message})`), { cause: err });
  }
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(src.slice());
      controller.close();
    },
  });
  const reader = new lib.XzReadableStream(input).getReader();
  let at = 0;
  let idle = 0;
  let finished = false;
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (err) {
        finished = true; // the stream errored and released its decoder
        throw fail(`xz: ${(err as Error).message ?? String(err)}`, err);
      }
      if (result.done) {
        finished = true;
        break;
      }
      const chunk = result.value;
      if (at + chunk.length > dst.length) throw fail(`the block decompresses to more than the ${dst.length} bytes its header declares`);
      dst.set(chunk, at);
      at += chunk.length;
      idle = chunk.length === 0 ? idle + 1 : 0;
      if (idle > 64) throw fail('the xz decoder makes no progress (truncated stream?)');
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
  if (at !== dst.length) throw fail(sizeReason(at, dst.length));
}

// ------------------------------------------------------------------------------------------------

function le24(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}

function printable(b: Uint8Array): string {
  return Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
}
