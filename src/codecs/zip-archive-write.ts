/**
 * Writing zip archives, a small zip implementation on node:zlib (no jszip, no fflate on the data path):
 * local headers, data, central directory, end record; ZIP64 extra fields and end records whenever a
 * size or an offset reaches 0xFFFFFFFF or there are 65535+ members; STORE by default with members'
 * data aligned on request (a padding extra field, as the UHI zip codec does for each `.npy` member:
 * 64 bytes), DEFLATE on request (each chunk its own full-flushed segment of one stream).
 * {@link writeZip} returns chunks in which the callers' own buffers appear without being copied, so
 * an archive can pass 4 GiB; {@link writeZipFile} writes them to the file while their CRC-32 is
 * computed, then patches it into the local header.
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import {
  CENTRAL_BYTES,
  END_BYTES,
  FLAG_UTF8,
  LOCAL_BYTES,
  METHOD_DEFLATE,
  METHOD_STORE,
  SIG_CENTRAL,
  SIG_END,
  SIG_LOCAL,
  SIG_ZIP64_END,
  SIG_ZIP64_LOCATOR,
  U16_MAX,
  U32_MAX,
  ZIP64_END_BYTES,
  ZIP64_EXTRA,
  ZIP64_LOCATOR_BYTES,
} from './zip-format.js';

/** Extra field id of Android's zipalign padding (`u16 alignment` + zeros), used to align member data. */
const ALIGN_EXTRA = 0xd935;
/** Made by: Unix (3) << 8 | spec version; version needed: 2.0, or 4.5 for ZIP64. */
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = 3 << 8;
/** Every member is dated 1980-01-01 00:00 (the DOS epoch), so the same document gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Regular file, rw-r--r--. */
const EXTERNAL_ATTRIBUTES = 0o100644 * 0x10000;
/** Bytes per write call while the CRC-32 of the same bytes is computed on the main thread. */
const PIPE_WINDOW = 1 << 20;

/** A member to write: its name and its data as chunks (passed through, not copied, when stored). */
export interface ZipMember {
  name: string;
  data: readonly Uint8Array[];
  /** STORE only: start the data at a multiple of this many bytes from the start of the archive. */
  align?: number;
}

/** Options of {@link writeZip}. */
export interface ZipWriteOptions {
  /** `store` (default) or `deflate`. */
  compression?: 'store' | 'deflate';
  /** zlib level for `deflate`, 0–9 (default 6). */
  level?: number;
  /** @internal Write ZIP64 records even when nothing needs them (tests of the ZIP64 path on small files). */
  forceZip64?: boolean;
}

/** A member laid out: its local header (CRC-32 filled in once known), data chunks and directory facts. */
interface Planned {
  name: Buffer;
  flags: number;
  method: number;
  /** Known for DEFLATE (computed while compressing); computed while writing for STORE. */
  crc: number | undefined;
  size: number;
  compressedSize: number;
  offset: number;
  local: Buffer;
  payload: readonly Uint8Array[];
}

/** Offset of the CRC-32 field in a local header. */
const LOCAL_CRC_AT = 14;

function writeU64(b: Buffer, value: number, at: number): void {
  b.writeBigUInt64LE(BigInt(value), at);
}

function checkWriteOptions(options: ZipWriteOptions): { compression: 'store' | 'deflate'; level: number } {
  const compression = options.compression ?? 'store';
  if (compression !== 'store' && compression !== 'deflate') {
    throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('zipCompression', compression, '"store" or "deflate"'));
  }
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('zipLevel', level, 'an integer from 0 to 9'));
  return { compression, level };
}

function crcOfChunks(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  return crc;
}

/** Lay out every member: offsets, local headers, DEFLATE payloads. STORE data is not touched. */
function planZip(members: readonly ZipMember[], options: ZipWriteOptions): { planned: Planned[]; end: number } {
  const { compression, level } = checkWriteOptions(options);
  const force = options.forceZip64 === true;
  const planned: Planned[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const m of members) {
    if (seen.has(m.name)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(m.name, MESSAGES.zipNameTaken()));
    seen.add(m.name);
    const name = Buffer.from(m.name, 'utf8');
    if (name.length > U16_MAX) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(m.name, MESSAGES.zipNameTooLong(name.length)));
    const flags = /[^\x00-\x7f]/.test(m.name) ? FLAG_UTF8 : 0;
    const size = m.data.reduce((n, c) => n + c.length, 0);
    let payload = m.data;
    let method = METHOD_STORE;
    let crc: number | undefined;
    if (compression === 'deflate') {
      crc = crcOfChunks(m.data);
      // Each chunk is its own DEFLATE segment ending in a full flush (the last one finishes the
      // stream): together one valid stream, built without concatenating the chunks first.
      payload = m.data.map((chunk, i) => deflateRawSync(chunk, { level, finishFlush: i === m.data.length - 1 ? zlibConstants.Z_FINISH : zlibConstants.Z_FULL_FLUSH }));
      if (payload.length === 0) payload = [deflateRawSync(new Uint8Array(0), { level })];
      method = METHOD_DEFLATE;
    }
    const compressedSize = payload.reduce((n, c) => n + c.length, 0);
    const zip64 = force || size >= U32_MAX || compressedSize >= U32_MAX;
    const zip64Length = zip64 ? 20 : 0;
    let pad = 0;
    if (method === METHOD_STORE && m.align && m.align > 1) {
      pad = (m.align - ((offset + LOCAL_BYTES + name.length + zip64Length) % m.align)) % m.align;
      if (pad > 0 && pad < 6) pad += m.align; // an extra field needs 4 bytes of header + 2 of alignment
    }
    const local = Buffer.alloc(LOCAL_BYTES + name.length + zip64Length + pad);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc ?? 0, LOCAL_CRC_AT);
    local.writeUInt32LE(zip64 ? U32_MAX : compressedSize, 18);
    local.writeUInt32LE(zip64 ? U32_MAX : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(zip64Length + pad, 28);
    name.copy(local, LOCAL_BYTES);
    let p = LOCAL_BYTES + name.length;
    if (zip64) {
      // The local ZIP64 field holds both sizes.
      local.writeUInt16LE(ZIP64_EXTRA, p);
      local.writeUInt16LE(16, p + 2);
      writeU64(local, size, p + 4);
      writeU64(local, compressedSize, p + 12);
      p += 20;
    }
    if (pad) {
      local.writeUInt16LE(ALIGN_EXTRA, p);
      local.writeUInt16LE(pad - 4, p + 2);
      local.writeUInt16LE(Math.min(m.align!, U16_MAX), p + 4);
    }
    planned.push({ name, flags, method, crc, size, compressedSize, offset, local, payload });
    offset += local.length + compressedSize;
  }
  return { planned, end: offset };
}

/** The central directory and end records of planned members whose CRCs are known. */
function directoryAndEnd(planned: readonly Planned[], directoryOffset: number, force: boolean): Buffer {
  const directory = planned.map((w) => centralRecord(w, force));
  const directorySize = directory.reduce((n, b) => n + b.length, 0);
  const count = planned.length;
  const zip64End = force || count >= U16_MAX || directoryOffset >= U32_MAX || directorySize >= U32_MAX;
  const end = Buffer.alloc((zip64End ? ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES : 0) + END_BYTES);
  let q = 0;
  if (zip64End) {
    end.writeUInt32LE(SIG_ZIP64_END, 0);
    writeU64(end, ZIP64_END_BYTES - 12, 4);
    end.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
    end.writeUInt16LE(VERSION_ZIP64, 14);
    end.writeUInt32LE(0, 16);
    end.writeUInt32LE(0, 20);
    writeU64(end, count, 24);
    writeU64(end, count, 32);
    writeU64(end, directorySize, 40);
    writeU64(end, directoryOffset, 48);
    end.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    end.writeUInt32LE(0, 60);
    writeU64(end, directoryOffset + directorySize, 64);
    end.writeUInt32LE(1, 72);
    q = ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES;
  }
  const countField = zip64End && (force || count >= U16_MAX) ? U16_MAX : count;
  end.writeUInt32LE(SIG_END, q);
  end.writeUInt16LE(0, q + 4);
  end.writeUInt16LE(0, q + 6);
  end.writeUInt16LE(countField, q + 8);
  end.writeUInt16LE(countField, q + 10);
  end.writeUInt32LE(force || directorySize >= U32_MAX ? U32_MAX : directorySize, q + 12);
  end.writeUInt32LE(force || directoryOffset >= U32_MAX ? U32_MAX : directoryOffset, q + 16);
  end.writeUInt16LE(0, q + 20);
  return Buffer.concat([...directory, end]);
}

/**
 * A zip archive as chunks: each member's local header and data, then the central directory and the
 * end records (ZIP64 ones when needed, or always with `forceZip64`). Stored data chunks are the
 * caller's own buffers.
 *
 * @example
 * ```ts
 * const chunks = writeZip([{ name: 'a.txt', data: [new TextEncoder().encode('hi')] }]);
 * ```
 */
export function writeZip(members: readonly ZipMember[], options: ZipWriteOptions = {}): Uint8Array[] {
  const { planned, end } = planZip(members, options);
  const out: Uint8Array[] = [];
  for (const p of planned) {
    if (p.crc === undefined) {
      p.crc = crcOfChunks(p.payload);
      p.local.writeUInt32LE(p.crc, LOCAL_CRC_AT);
    }
    out.push(p.local, ...p.payload);
  }
  out.push(directoryAndEnd(planned, end, options.forceZip64 === true));
  return out;
}

/** Split chunks into windows of at most {@link PIPE_WINDOW} bytes (views). */
function windowsOf(chunks: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) for (let off = 0; off < c.length; off += PIPE_WINDOW) out.push(c.subarray(off, Math.min(c.length, off + PIPE_WINDOW)));
  return out;
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, off, Math.min(bytes.length - off, 1 << 30), position + off);
    off += bytesWritten;
  }
}

/**
 * Write a zip archive to a file: as {@link writeZip}, but the CRC-32 of stored data is computed while
 * the same data is being written (the write runs on libuv's thread pool), then patched into the
 * local header; the file is fsynced before it is closed.
 *
 * @example
 * ```ts
 * await writeZipFile('out.zip', [{ name: 'a.txt', data: [bytes] }]);
 * ```
 */
export async function writeZipFile(path: string, members: readonly ZipMember[], options: ZipWriteOptions = {}): Promise<void> {
  const { planned, end } = planZip(members, options);
  const handle = await open(path, 'w', 0o644);
  try {
    for (const p of planned) {
      let position = p.offset + p.local.length;
      if (p.crc !== undefined) {
        await writeAt(handle, p.local, p.offset);
        for (const c of p.payload) {
          await writeAt(handle, c, position);
          position += c.length;
        }
        continue;
      }
      let crc = 0;
      for (const w of windowsOf(p.payload)) {
        const written = writeAt(handle, w, position);
        crc = crc32(w, crc);
        await written;
        position += w.length;
      }
      p.crc = crc;
      p.local.writeUInt32LE(crc, LOCAL_CRC_AT);
      await writeAt(handle, p.local, p.offset);
    }
    await writeAt(handle, directoryAndEnd(planned, end, options.forceZip64 === true), end);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A central directory record; ZIP64 extra with exactly the saturated fields (size, compressed size, offset). */
function centralRecord(w: Planned, force: boolean): Buffer {
  const bigSize = force || w.size >= U32_MAX;
  const bigCompressed = force || w.compressedSize >= U32_MAX;
  const bigOffset = force || w.offset >= U32_MAX;
  const fields = [bigSize && w.size, bigCompressed && w.compressedSize, bigOffset && w.offset].filter((x): x is number => x !== false);
  const extraLength = fields.length ? 4 + 8 * fields.length : 0;
  const version = fields.length ? VERSION_ZIP64 : VERSION_DEFAULT;
  const b = Buffer.alloc(CENTRAL_BYTES + w.name.length + extraLength);
  b.writeUInt32LE(SIG_CENTRAL, 0);
  b.writeUInt16LE(MADE_BY_UNIX | version, 4);
  b.writeUInt16LE(version, 6);
  b.writeUInt16LE(w.flags, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(w.crc!, 16);
  b.writeUInt32LE(bigCompressed ? U32_MAX : w.compressedSize, 20);
  b.writeUInt32LE(bigSize ? U32_MAX : w.size, 24);
  b.writeUInt16LE(w.name.length, 28);
  b.writeUInt16LE(extraLength, 30);
  // comment length, start disk, internal attributes: 0
  b.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  b.writeUInt32LE(bigOffset ? U32_MAX : w.offset, 42);
  w.name.copy(b, CENTRAL_BYTES);
  if (fields.length) {
    const p = CENTRAL_BYTES + w.name.length;
    b.writeUInt16LE(ZIP64_EXTRA, p);
    b.writeUInt16LE(8 * fields.length, p + 2);
    fields.forEach((x, i) => writeU64(b, x, p + 4 + 8 * i));
  }
  return b;
}
