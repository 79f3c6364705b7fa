/**
 * The HDF5 file format at the byte level (HDF5 File Format Specification 3.0): the few structures
 * the HDF5 codec reads or touches without the HDF5 library, for three reasons h5wasm cannot serve:
 *
 * - **Writing uhi's booleans.** uhi (h5py) stores booleans as an `H5T_ENUM {int8; FALSE 0; TRUE 1}`
 *   attribute; h5wasm cannot create enum types. The codec writes a placeholder attribute (an int8
 *   array larger than the enum attribute), closes the file, then {@link patchObjectHeaders} replaces
 *   the placeholder's attribute message in place by the exact enum attribute message h5py writes and
 *   turns the space left over into a NIL (free-space) message, fixing the v2 object header checksum
 *   when there is one. The same pass marks variable-length strings NUL-terminated, as h5py does
 *   (h5wasm declares them space-padded).
 * - **Reading fast.** A contiguous dataset is one run of bytes in the file: {@link datasetStorage}
 *   finds it and the codec reads it straight into the array's own buffer (no 2 GiB wasm heap limit,
 *   no copy). Chunked datasets indexed by a version 1 B-tree (the layout h5py and h5wasm write) are
 *   read chunk by chunk and decoded here (deflate with node:zlib, shuffle, Fletcher-32).
 * - **Writing fast, and past 2 GiB.** Large arrays are created by h5wasm as placeholders and their
 *   data appended after the file's HDF5 data: contiguous bytes straight from the arrays, or deflate
 *   chunks (compressed with node:zlib) indexed by a version 1 B-tree written here ({@link chunkBTree});
 *   {@link patchObjectHeaders} then points the placeholders' dataspace and layout at them and
 *   {@link setEndOfFile} moves the file's end past them.
 * - **Checking filters** before h5wasm silently returns garbage for an unknown one.
 *
 * Everything else (other layouts, other index types, big-endian data, fill values) is left to h5wasm.
 * Object addresses come from object references (`hobj_ref_t` is the object header's address).
 * @module
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** The 8-byte signature that starts an HDF5 superblock. */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Filters built into h5wasm (and every HDF5 library): deflate, shuffle, fletcher32, szip, nbit, scaleoffset. */
export const BUILTIN_FILTERS: ReadonlyMap<number, string> = new Map([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
  [4, 'szip'],
  [5, 'nbit'],
  [6, 'scaleoffset'],
]);

/** Header message types used here. */
export const MSG = {
  NIL: 0x0000,
  DATASPACE: 0x0001,
  DATATYPE: 0x0003,
  FILL_VALUE: 0x0005,
  EXTERNAL_FILES: 0x0007,
  LAYOUT: 0x0008,
  FILTERS: 0x000b,
  ATTRIBUTE: 0x000c,
  CONTINUATION: 0x0010,
} as const;

/** What the superblock says about addressing. */
export interface Superblock {
  version: number;
  /** Absolute position of the superblock (0, or after a user block). */
  pos: number;
  /** Offset of the End of File Address field inside the superblock. */
  eofAt: number;
  /** Version 2 and 3 superblocks: a superblock extension exists (then the file's space is not ours to extend). */
  hasExtension: boolean;
  /** K of chunk-index B-tree nodes (a node holds up to 2K chunks): 32 unless a version 1 superblock says otherwise. */
  chunkBTreeK: number;
  /** Bytes per address (`Size of Offsets`) and per length. */
  offsetSize: number;
  lengthSize: number;
  /** Absolute position of address 0 (the superblock's own position, unless a file says otherwise). */
  baseAddress: number;
}

/** A structural problem in the bytes: the caller falls back to the HDF5 library or fails the write. */
export class FormatError extends Error {
  override name = 'FormatError';
}

const UNDEFINED = -1;

/** Byte-level access to an HDF5 file (synchronous: object headers are small and read piecewise). */
export class H5Bytes {
  private constructor(
    private readonly fd: number,
    readonly superblock: Superblock,
  ) {}

  /** Open a file and read its superblock; throws {@link FormatError} when it has none. */
  static open(path: string, writable = false): H5Bytes {
    const fd = openSync(path, writable ? 'r+' : 'r');
    try {
      return new H5Bytes(fd, readSuperblock(fd));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** `length` bytes at absolute position `pos` (short reads are a {@link FormatError}). */
  read(pos: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    readFully(this.fd, buf, pos);
    return buf;
  }

  write(pos: number, bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, pos + off);
  }

  /** Absolute position of a file address. */
  abs(address: number): number {
    return this.superblock.baseAddress + address;
  }

  /** Decode an address (`offsetSize` bytes); {@link UNDEFINED} (-1) for the undefined address. */
  address(buf: Uint8Array, pos: number): number {
    return readUint(buf, pos, this.superblock.offsetSize, true);
  }

  length(buf: Uint8Array, pos: number): number {
    return readUint(buf, pos, this.superblock.lengthSize, false);
  }
}

function readFully(fd: number, buf: Uint8Array, pos: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, Math.min(buf.length - off, 0x40000000), pos + off);
    if (n === 0) throw new FormatError(`unexpected end of file at byte ${pos + off}`);
    off += n;
  }
}

/** Little-endian unsigned integer of 1–8 bytes as a number (an all-ones address is -1). */
export function readUint(buf: Uint8Array, pos: number, size: number, isAddress = false): number {
  if (pos + size > buf.length) throw new FormatError('field runs past the end of its structure');
  let allOnes = true;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < size; i++) {
    const b = buf[pos + i]!;
    if (b !== 0xff) allOnes = false;
    value += b * scale;
    scale *= 256;
  }
  if (isAddress && allOnes) return UNDEFINED;
  if (!Number.isSafeInteger(value)) throw new FormatError('an address or length beyond 2^53');
  return value;
}

function readSuperblock(fd: number): Superblock {
  const head = Buffer.alloc(48);
  for (let at = 0; at < 1 << 30; at = at === 0 ? 512 : at * 2) {
    let n: number;
    try {
      n = readSync(fd, head, 0, head.length, at);
    } catch {
      break;
    }
    if (n < 16) break;
    if (!HDF5_SIGNATURE.every((b, i) => head[i] === b)) continue;
    const version = head[8]!;
    let offsetSize: number;
    let lengthSize: number;
    let basePos: number;
    if (version === 0 || version === 1) {
      offsetSize = head[13]!;
      lengthSize = head[14]!;
      basePos = version === 0 ? 24 : 28;
    } else if (version === 2 || version === 3) {
      offsetSize = head[9]!;
      lengthSize = head[10]!;
      basePos = 12;
    } else {
      throw new FormatError(`superblock version ${version}`);
    }
    if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) throw new FormatError('odd address size');
    const baseAddress = readUint(head, basePos, offsetSize);
    const hasExtension = version >= 2 && readUint(head, basePos + offsetSize, offsetSize, true) !== UNDEFINED;
    const chunkBTreeK = version === 1 ? readUint(head, 24, 2) : 32;
    return { version, pos: at, eofAt: basePos + 2 * offsetSize, hasExtension, chunkBTreeK, offsetSize, lengthSize, baseAddress };
  }
  throw new FormatError('no HDF5 superblock');
}

/* ------------------------------------------------------------------------------------------------
 * Object headers
 * ---------------------------------------------------------------------------------------------- */

/** One chunk of an object header: its bytes as read, and where they live. */
export interface HeaderChunk {
  /** Absolute position of `bytes[0]` in the file. */
  pos: number;
  bytes: Buffer;
  /** Where messages start and end inside `bytes` (v2: before the gap and the checksum). */
  msgStart: number;
  msgEnd: number;
  /** v2 chunks end with a Jenkins lookup3 checksum of everything before it. */
  checksummed: boolean;
  dirty: boolean;
}

/** One header message, located inside its chunk. */
export interface HeaderMessage {
  type: number;
  flags: number;
  chunk: HeaderChunk;
  /** Offset of the message's header and of its data inside `chunk.bytes`. */
  headerAt: number;
  dataAt: number;
  size: number;
}

/** A parsed object header (version 1 or 2) with every message of every chunk. */
export interface ObjectHeader {
  version: 1 | 2;
  /** Absolute position of the header's prefix (v1: the message count lives there). */
  prefixPos: number;
  /** v2: messages carry a 2-byte creation order. */
  trackedOrder: boolean;
  chunks: HeaderChunk[];
  messages: HeaderMessage[];
}

/** The data of a message (a view into its chunk's bytes). */
export function messageData(m: HeaderMessage): Buffer {
  return m.chunk.bytes.subarray(m.dataAt, m.dataAt + m.size);
}

/** Read an object header at a file address, following continuation messages. */
export function readObjectHeader(file: H5Bytes, address: number): ObjectHeader {
  const pos = file.abs(address);
  const sig = file.read(pos, 16);
  const messages: HeaderMessage[] = [];
  const chunks: HeaderChunk[] = [];
  if (sig.toString('latin1', 0, 4) === 'OHDR') {
    const flags = sig[5]!;
    let p = 6;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const width = 1 << (flags & 3);
    const prefix = file.read(pos, p + width);
    const size0 = readUint(prefix, p, width);
    const bytes = file.read(pos, p + width + size0 + 4);
    const trackedOrder = (flags & 0x04) !== 0;
    const first: HeaderChunk = { pos, bytes, msgStart: p + width, msgEnd: p + width + size0, checksummed: true, dirty: false };
    const queue = [first];
    while (queue.length) {
      const chunk = queue.shift()!;
      chunks.push(chunk);
      const hdr = trackedOrder ? 6 : 4;
      let q = chunk.msgStart;
      while (q + hdr <= chunk.msgEnd) {
        const type = chunk.bytes[q]!;
        const size = chunk.bytes.readUInt16LE(q + 1);
        const msg: HeaderMessage = { type, flags: chunk.bytes[q + 3]!, chunk, headerAt: q, dataAt: q + hdr, size };
        if (msg.dataAt + size > chunk.msgEnd) throw new FormatError('header message runs past its chunk');
        messages.push(msg);
        if (type === MSG.CONTINUATION) queue.push(readContinuation(file, msg, 2));
        q = msg.dataAt + size;
      }
    }
    return { version: 2, prefixPos: pos, trackedOrder, chunks, messages };
  }
  if (sig[0] !== 1) throw new FormatError(`object header version ${sig[0]} at address ${address}`);
  const size0 = sig.readUInt32LE(8);
  const first: HeaderChunk = { pos: pos + 16, bytes: file.read(pos + 16, size0), msgStart: 0, msgEnd: size0, checksummed: false, dirty: false };
  const queue = [first];
  while (queue.length) {
    const chunk = queue.shift()!;
    chunks.push(chunk);
    let q = chunk.msgStart;
    while (q + 8 <= chunk.msgEnd) {
      const type = chunk.bytes.readUInt16LE(q);
      const size = chunk.bytes.readUInt16LE(q + 2);
      const msg: HeaderMessage = { type, flags: chunk.bytes[q + 4]!, chunk, headerAt: q, dataAt: q + 8, size };
      if (msg.dataAt + size > chunk.msgEnd) throw new FormatError('header message runs past its chunk');
      messages.push(msg);
      if (type === MSG.CONTINUATION) queue.push(readContinuation(file, msg, 1));
      q = msg.dataAt + size;
    }
  }
  return { version: 1, prefixPos: pos, trackedOrder: false, chunks, messages };
}

function readContinuation(file: H5Bytes, msg: HeaderMessage, version: 1 | 2): HeaderChunk {
  const data = messageData(msg);
  const address = file.address(data, 0);
  const length = file.length(data, file.superblock.offsetSize);
  const pos = file.abs(address);
  const bytes = file.read(pos, length);
  if (version === 1) return { pos, bytes, msgStart: 0, msgEnd: length, checksummed: false, dirty: false };
  if (bytes.toString('latin1', 0, 4) !== 'OCHK') throw new FormatError('continuation chunk without OCHK signature');
  return { pos, bytes, msgStart: 4, msgEnd: length - 4, checksummed: true, dirty: false };
}

/** Write back the chunks a patch changed (recomputing v2 checksums). */
function writeHeader(file: H5Bytes, header: ObjectHeader): void {
  for (const chunk of header.chunks) {
    if (!chunk.dirty) continue;
    if (chunk.checksummed) {
      const end = chunk.bytes.length - 4;
      chunk.bytes.writeUInt32LE(lookup3(chunk.bytes.subarray(0, end)), end);
    }
    file.write(chunk.pos, chunk.bytes);
    chunk.dirty = false;
  }
}

/**
 * Bob Jenkins' lookup3 `hashlittle` with initial value 0: HDF5's metadata checksum
 * (`H5_checksum_lookup3`).
 */
export function lookup3(key: Uint8Array, initval = 0): number {
  let length = key.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  const rot = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
  const word = (i: number) => (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(k)) >>> 0;
    b = (b + word(k + 4)) >>> 0;
    c = (c + word(k + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  // the last 1..12 bytes, zero-padded
  const tail = new Uint8Array(12);
  tail.set(key.subarray(k, k + length));
  const tw = (i: number) => (tail[i]! | (tail[i + 1]! << 8) | (tail[i + 2]! << 16) | (tail[i + 3]! << 24)) >>> 0;
  c = (c + tw(8)) >>> 0;
  b = (b + tw(4)) >>> 0;
  a = (a + tw(0)) >>> 0;
  // final(a, b, c)
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

/* ------------------------------------------------------------------------------------------------
 * Datatypes and attributes
 * ---------------------------------------------------------------------------------------------- */

/** The encoded size of a datatype message starting at `pos` (for walking attribute messages). */
interface AttributeLayout {
  version: number;
  nameAt: number;
  nameSize: number;
  dtAt: number;
  dtSize: number;
  dsAt: number;
  dsSize: number;
  dataAt: number;
}

function attributeLayout(data: Uint8Array): AttributeLayout {
  const version = data[0]!;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const nameSize = view.readUInt16LE(2);
  const dtSize = view.readUInt16LE(4);
  const dsSize = view.readUInt16LE(6);
  const pad = (n: number) => (version === 1 ? (n + 7) & ~7 : n);
  const nameAt = version === 3 ? 9 : 8;
  if (version < 1 || version > 3) throw new FormatError(`attribute message version ${version}`);
  const dtAt = nameAt + pad(nameSize);
  const dsAt = dtAt + pad(dtSize);
  return { version, nameAt, nameSize, dtAt, dtSize, dsAt, dsSize, dataAt: dsAt + pad(dsSize) };
}

/** The name of an attribute message (without its NUL). */
function attributeName(data: Uint8Array, l: AttributeLayout): string {
  const end = l.nameAt + Math.max(l.nameSize - 1, 0);
  return Buffer.from(data.buffer, data.byteOffset + l.nameAt, end - l.nameAt).toString('utf8');
}

/** uhi's (h5py's) boolean type: enum of int8 with members FALSE = 0 and TRUE = 1, version 1 encoding. */
export const H5PY_BOOL_DATATYPE = Uint8Array.from([
  0x18, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // class 8 (enum) v1, 2 members, size 1
  0x10, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, // base: signed 8-bit integer
  0x46, 0x41, 0x4c, 0x53, 0x45, 0x00, 0x00, 0x00, // "FALSE", NUL-padded to 8
  0x54, 0x52, 0x55, 0x45, 0x00, 0x00, 0x00, 0x00, // "TRUE"
  0x00, 0x01, // values
]);

/** An attribute message holding one scalar boolean, in the given attribute message version. */
export function boolAttributeMessage(name: string, value: boolean, version: number): Buffer {
  const nameBytes = Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0])]);
  const dt = H5PY_BOOL_DATATYPE;
  // scalar dataspace: version 1 (rank 0, 8 bytes) inside v1 attribute messages, version 2 otherwise
  const ds = version === 1 ? Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]) : Buffer.from([2, 0, 0, 0]);
  const pad = (n: number) => (version === 1 ? (n + 7) & ~7 : n);
  const head = version === 3 ? 9 : 8;
  const size = head + pad(nameBytes.length) + pad(dt.length) + pad(ds.length) + 1;
  const out = Buffer.alloc(version === 1 ? (size + 7) & ~7 : size);
  out[0] = version;
  out.writeUInt16LE(nameBytes.length, 2);
  out.writeUInt16LE(dt.length, 4);
  out.writeUInt16LE(ds.length, 6);
  if (version === 3) out[8] = 1; // name encoded in UTF-8 (h5py's attribute creation property)
  let p = head;
  out.set(nameBytes, p);
  p += pad(nameBytes.length);
  out.set(dt, p);
  p += pad(dt.length);
  out.set(ds, p);
  p += pad(ds.length);
  out[p] = value ? 1 : 0;
  return out;
}

/**
 * Make a variable-length string datatype (at `at` in `buf`) NUL-terminated, as h5py declares them;
 * h5wasm declares its UTF-8 strings space-padded. Returns true when a byte changed.
 */
function nulTerminateVlenString(buf: Uint8Array, at: number): boolean {
  const cls = buf[at]! & 0x0f;
  if (cls !== 9) return false;
  const bits = buf[at + 1]!;
  if ((bits & 0x0f) !== 1) return false; // a sequence, not a string
  if ((bits & 0xf0) === 0) return false;
  buf[at + 1] = bits & 0x0f;
  return true;
}

/** What to change in one object's header. */
export interface HeaderPatch {
  /** Object header address (from an object reference). */
  address: number;
  /** Placeholder attributes to turn into scalar uhi booleans, by name. */
  booleans?: ReadonlyMap<string, boolean>;
  /** Mark variable-length string attributes (and the dataset's own type) NUL-terminated. */
  nulTerminateStrings?: boolean;
  /** A contiguous placeholder dataset: give it this shape and point it at these bytes. */
  contiguous?: { shape: readonly number[]; address: number; size: number };
  /** An empty chunked placeholder dataset: give it this shape and this chunk index (a version 1 B-tree). */
  chunked?: { shape: readonly number[]; btree: number };
}

/**
 * Apply patches to object headers of a closed file (see the module comment). Throws
 * {@link FormatError} when an expected placeholder is not where it must be (the attribute went to
 * dense storage, or the header has an unknown layout): the caller must then discard the file.
 */
export function patchObjectHeaders(file: H5Bytes, patches: readonly HeaderPatch[]): void {
  for (const patch of patches) {
    const header = readObjectHeader(file, patch.address);
    const pending = new Map(patch.booleans ?? []);
    let removed = 0;
    let placed = 0;
    for (const msg of header.messages) {
      if ((patch.contiguous || patch.chunked) && (msg.type === MSG.DATASPACE || msg.type === MSG.LAYOUT)) {
        placed += patchStorage(file, msg, patch);
        continue;
      }
      if (msg.type === MSG.DATATYPE && patch.nulTerminateStrings) {
        if (nulTerminateVlenString(msg.chunk.bytes, msg.dataAt)) msg.chunk.dirty = true;
        continue;
      }
      if (msg.type !== MSG.ATTRIBUTE) continue;
      const data = messageData(msg);
      const layout = attributeLayout(data);
      const name = attributeName(data, layout);
      const value = pending.get(name);
      if (value !== undefined) {
        replaceMessage(header, msg, boolAttributeMessage(name, value, layout.version));
        pending.delete(name);
        removed++;
      } else if (patch.nulTerminateStrings && nulTerminateVlenString(data, layout.dtAt)) {
        msg.chunk.dirty = true;
      }
    }
    if (pending.size) {
      throw new FormatError(`attribute(s) ${[...pending.keys()].join(', ')} not found in the object header at address ${patch.address} (dense attribute storage?)`);
    }
    if ((patch.contiguous || patch.chunked) && placed !== 2) throw new FormatError(`no dataspace and layout message in the object header at address ${patch.address}`);
    if (removed && header.version === 1) bumpV1MessageCount(file, header, removed);
    writeHeader(file, header);
  }
}

/**
 * Put `replacement` where `msg`'s data is: the message keeps its place and shrinks to the new size,
 * and the bytes it frees become a NIL message (free space), as HDF5 itself does when a message shrinks.
 */
function replaceMessage(header: ObjectHeader, msg: HeaderMessage, replacement: Uint8Array): void {
  const bytes = msg.chunk.bytes;
  const hdr = msg.dataAt - msg.headerAt;
  const rest = msg.size - replacement.length;
  if (rest < 0 || (rest > 0 && rest < hdr)) throw new FormatError('placeholder attribute too small for the boolean attribute');
  bytes.set(replacement, msg.dataAt);
  if (rest > 0) {
    setMessageSize(header, msg, replacement.length);
    const nil = msg.dataAt + replacement.length;
    bytes.fill(0, nil, nil + rest);
    // NIL message header: type 0, size rest - hdr, flags 0 (v2: creation order 0)
    if (header.version === 1) bytes.writeUInt16LE(rest - hdr, nil + 2);
    else bytes.writeUInt16LE(rest - hdr, nil + 1);
  }
  msg.chunk.dirty = true;
}

function setMessageSize(header: ObjectHeader, msg: HeaderMessage, size: number): void {
  const bytes = msg.chunk.bytes;
  if (header.version === 1) bytes.writeUInt16LE(size, msg.headerAt + 2);
  else bytes.writeUInt16LE(size, msg.headerAt + 1);
  msg.size = size;
}

/** v1 headers count their messages in the prefix: each replacement added one NIL message. */
function bumpV1MessageCount(file: H5Bytes, header: ObjectHeader, added: number): void {
  const prefix = file.read(header.prefixPos, 4);
  prefix.writeUInt16LE(prefix.readUInt16LE(2) + added, 2);
  file.write(header.prefixPos, prefix);
}

/**
 * Give a placeholder's dataspace the real shape, or point its layout at the real data: the bytes of
 * a contiguous dataset, or the chunk index of a chunked one. Returns 1 when done.
 */
function patchStorage(file: H5Bytes, msg: HeaderMessage, patch: HeaderPatch): number {
  const data = messageData(msg);
  const L = file.superblock.lengthSize;
  const O = file.superblock.offsetSize;
  const target = (patch.contiguous ?? patch.chunked)!;
  if (msg.type === MSG.DATASPACE) {
    const version = data[0]!;
    const rank = data[1]!;
    const flags = data[2]!;
    if ((version !== 1 && version !== 2) || rank !== target.shape.length) throw new FormatError(`dataspace message version ${version} of rank ${rank}`);
    const dimsAt = version === 1 ? 8 : 4;
    for (let k = 0; k < rank; k++) {
      writeUint(data, dimsAt + k * L, L, target.shape[k]!);
      if (flags & 1) writeUint(data, dimsAt + (rank + k) * L, L, target.shape[k]!);
    }
  } else if (patch.contiguous) {
    if (data[0] !== 3 || data[1] !== 1) throw new FormatError(`layout message version ${data[0]} class ${data[1]}, expected a version 3 contiguous layout`);
    writeUint(data, 2, O, patch.contiguous.address);
    writeUint(data, 2 + O, L, patch.contiguous.size);
  } else {
    if (data[0] !== 3 || data[1] !== 2 || data[2] !== target.shape.length + 1) throw new FormatError(`layout message version ${data[0]} class ${data[1]}, expected a version 3 chunked layout`);
    writeUint(data, 3, O, patch.chunked!.btree);
  }
  msg.chunk.dirty = true;
  return 1;
}

function writeUint(buf: Uint8Array, pos: number, size: number, value: number): void {
  let v = value;
  for (let i = 0; i < size; i++) {
    buf[pos + i] = v % 256;
    v = Math.floor(v / 256);
  }
  if (v !== 0) throw new FormatError(`value ${value} does not fit in ${size} bytes`);
}

/**
 * The file's End of File Address: the first address past its HDF5 data, relative to the base
 * address like every other address (the superblock stores it absolute: relative + base address).
 */
export function endOfFile(file: H5Bytes): number {
  const sb = file.superblock;
  return file.address(file.read(sb.pos + sb.eofAt, sb.offsetSize), 0) - sb.baseAddress;
}

/** Set the End of File Address (relative; re-checksumming version 2 and 3 superblocks). */
export function setEndOfFile(file: H5Bytes, relativeEoa: number): void {
  const sb = file.superblock;
  const eoa = relativeEoa + sb.baseAddress;
  if (sb.version >= 2) {
    const size = 12 + 4 * sb.offsetSize;
    const bytes = file.read(sb.pos, size + 4);
    writeUint(bytes, sb.eofAt, sb.offsetSize, eoa);
    bytes.writeUInt32LE(lookup3(bytes.subarray(0, size)), size);
    file.write(sb.pos, bytes);
  } else {
    const bytes = Buffer.alloc(sb.offsetSize);
    writeUint(bytes, 0, sb.offsetSize, eoa);
    file.write(sb.pos + sb.eofAt, bytes);
  }
}

/** One chunk written to the file, for {@link chunkBTree}. */
export interface WrittenChunk {
  /** Element offset of the chunk along each axis (a multiple of the chunk shape). */
  offset: readonly number[];
  /** File address and stored (filtered) size. */
  address: number;
  size: number;
}

/** Bytes of one raw-data chunk B-tree node (HDF5 reads nodes whole: 2K children and 2K + 1 keys). */
export function chunkBTreeNodeSize(sb: Superblock, rank: number): number {
  const twoK = 2 * sb.chunkBTreeK;
  return 8 + 2 * sb.offsetSize + twoK * sb.offsetSize + (twoK + 1) * (8 + 8 * (rank + 1));
}

/**
 * A version 1 B-tree indexing `chunks` (given in C order of their offsets), as the nodes to write at
 * `start` (one after the other, each {@link chunkBTreeNodeSize} bytes) and the root's address.
 * Leaves hold up to 2K chunks, internal nodes up to 2K children. A key is the chunk's stored size,
 * its filter mask (0) and its offsets with 0 for the datatype dimension; a node's last key is the
 * first key of the next node on its level, and the rightmost one lies one chunk row past the last
 * chunk, which HDF5's lookups (`H5D__btree_cmp3`) treat as the upper bound it is.
 */
export function chunkBTree(sb: Superblock, rank: number, chunkShape: readonly number[], chunks: readonly WrittenChunk[], start: number): { bytes: Uint8Array; root: number } {
  const O = sb.offsetSize;
  const twoK = 2 * sb.chunkBTreeK;
  const keySize = 8 + 8 * (rank + 1);
  const nodeSize = chunkBTreeNodeSize(sb, rank);
  interface Key { size: number; offset: readonly number[] }
  const last = chunks[chunks.length - 1]!;
  const end: Key = { size: 0, offset: last.offset.map((o, d) => (d === 0 ? o + chunkShape[0]! : 0)) };
  // level 0: the chunks; each level above: one entry per node below (its first key, its address)
  let entries: { key: Key; child: number }[] = chunks.map((c) => ({ key: { size: c.size, offset: c.offset }, child: c.address }));
  const nodes: Uint8Array[] = [];
  let level = 0;
  for (;;) {
    const count = Math.ceil(entries.length / twoK);
    const first = start + nodes.length * nodeSize;
    const up: { key: Key; child: number }[] = [];
    for (let n = 0; n < count; n++) {
      const part = entries.slice(n * twoK, (n + 1) * twoK);
      const node = Buffer.alloc(nodeSize);
      node.write('TREE', 0, 'latin1');
      node[4] = 1; // raw data chunks
      node[5] = level;
      node.writeUInt16LE(part.length, 6);
      writeUint(node, 8, O, n > 0 ? first + (n - 1) * nodeSize : 0);
      writeUint(node, 8 + O, O, n < count - 1 ? first + (n + 1) * nodeSize : 0);
      if (n === 0) node.fill(0xff, 8, 8 + O); // undefined left sibling
      if (n === count - 1) node.fill(0xff, 8 + O, 8 + 2 * O); // undefined right sibling
      const right = n < count - 1 ? entries[(n + 1) * twoK]!.key : end;
      let p = 8 + 2 * O;
      const putKey = (k: Key) => {
        node.writeUInt32LE(k.size, p);
        node.writeUInt32LE(0, p + 4);
        for (let d = 0; d <= rank; d++) writeUint(node, p + 8 + 8 * d, 8, d < rank ? k.offset[d]! : 0);
        p += keySize;
      };
      for (const e of part) {
        putKey(e.key);
        writeUint(node, p, O, e.child);
        p += O;
      }
      putKey(right);
      nodes.push(node);
      up.push({ key: part[0]!.key, child: first + n * nodeSize });
    }
    if (count === 1) return { bytes: Buffer.concat(nodes), root: start + (nodes.length - 1) * nodeSize };
    entries = up;
    level++;
  }
}

/**
 * The bytes of one chunk of a C-order array: the chunk at `offset`, `chunkShape` elements, zero
 * beyond the array's edges (HDF5 stores edge chunks whole). The inverse of {@link copyChunk}.
 */
export function extractChunk(src: Uint8Array, shape: readonly number[], chunkShape: readonly number[], offset: readonly number[], itemSize: number): Uint8Array {
  const chunkBytes = chunkShape.reduce((a, b) => a * b, itemSize);
  const extent = shape.map((s, d) => Math.min(chunkShape[d]!, s - offset[d]!));
  // a whole chunk spanning every trailing axis is one run of the source: a view, no copy
  if (extent[0] === chunkShape[0] && chunkShape.every((c, d) => d === 0 || c === shape[d])) {
    const from = offset[0]! * (chunkBytes / chunkShape[0]!);
    return src.subarray(from, from + chunkBytes);
  }
  const out = new Uint8Array(chunkBytes);
  forEachChunkRow(shape, chunkShape, offset, extent, itemSize, (inChunk, inArray, rowBytes) => out.set(src.subarray(inArray, inArray + rowBytes), inChunk));
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Dataset storage (for direct reads)
 * ---------------------------------------------------------------------------------------------- */

/** One filter of a dataset's pipeline, in pipeline (writing) order. */
export interface FilterInfo {
  id: number;
  name: string;
  optional: boolean;
  values: number[];
}

/** Where a dataset's elements are, when this module can read them. */
export type DatasetStorage =
  | { kind: 'contiguous'; pos: number; bytes: number }
  | { kind: 'chunked'; chunkShape: number[]; itemSize: number; filters: FilterInfo[]; chunks: ChunkRecord[] }
  | { kind: 'other'; reason: string };

/** One stored chunk: its element offset per dimension, where its (filtered) bytes are, the skip mask. */
export interface ChunkRecord {
  offset: number[];
  pos: number;
  size: number;
  filterMask: number;
}

/** Parse a filter pipeline message (versions 1 and 2). */
export function parseFilterPipeline(data: Uint8Array): FilterInfo[] {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const version = view[0]!;
  const n = view[1]!;
  const filters: FilterInfo[] = [];
  let p = version === 1 ? 8 : 2;
  if (version !== 1 && version !== 2) throw new FormatError(`filter pipeline version ${version}`);
  for (let i = 0; i < n; i++) {
    const id = view.readUInt16LE(p);
    p += 2;
    let nameLength = 0;
    if (version === 1 || id >= 256) {
      nameLength = view.readUInt16LE(p);
      p += 2;
    }
    const flags = view.readUInt16LE(p);
    const nvalues = view.readUInt16LE(p + 2);
    p += 4;
    let name = BUILTIN_FILTERS.get(id) ?? '';
    if (nameLength) {
      const raw = view.subarray(p, p + nameLength);
      const nul = raw.indexOf(0);
      name = raw.subarray(0, nul < 0 ? raw.length : nul).toString('latin1') || name;
      p += version === 1 ? (nameLength + 7) & ~7 : nameLength;
    }
    const values: number[] = [];
    for (let j = 0; j < nvalues; j++) values.push(view.readUInt32LE(p + 4 * j));
    p += 4 * nvalues;
    if (version === 1 && nvalues % 2) p += 4;
    filters.push({ id, name, optional: (flags & 1) !== 0, values });
  }
  return filters;
}

/**
 * Where a dataset's data are: a contiguous run, chunks indexed by a version 1 B-tree, or `other`
 * (compact, virtual, external files, layout version 4 indexes…) for the HDF5 library to read.
 */
export function datasetStorage(file: H5Bytes, address: number, rank: number): DatasetStorage {
  const header = readObjectHeader(file, address);
  let layout: HeaderMessage | undefined;
  let filters: FilterInfo[] = [];
  for (const m of header.messages) {
    if (m.type === MSG.LAYOUT) layout = m;
    else if (m.type === MSG.FILTERS) filters = parseFilterPipeline(messageData(m));
    else if (m.type === MSG.EXTERNAL_FILES) return { kind: 'other', reason: 'external data files' };
  }
  if (!layout) return { kind: 'other', reason: 'no layout message' };
  const data = messageData(layout);
  const version = data[0]!;
  if (version !== 3 && version !== 4) return { kind: 'other', reason: `layout message version ${version}` };
  const cls = data[1]!;
  if (cls === 1) {
    const pos = file.address(data, 2);
    if (pos === UNDEFINED) return { kind: 'other', reason: 'storage not allocated (fill value)' };
    return { kind: 'contiguous', pos: file.abs(pos), bytes: file.length(data, 2 + file.superblock.offsetSize) };
  }
  if (cls !== 2) return { kind: 'other', reason: cls === 0 ? 'compact layout' : 'virtual layout' };
  if (version !== 3) return { kind: 'other', reason: 'chunk index of layout version 4' };
  const dims = data[2]!;
  if (dims !== rank + 1) throw new FormatError(`chunked layout of ${dims - 1} dimensions for a rank-${rank} dataspace`);
  const btree = file.address(data, 3);
  const at = 3 + file.superblock.offsetSize;
  const chunkShape: number[] = [];
  for (let i = 0; i < rank; i++) chunkShape.push(readUint(data, at + 4 * i, 4));
  const itemSize = readUint(data, at + 4 * rank, 4);
  const chunks: ChunkRecord[] = [];
  if (btree !== UNDEFINED) collectChunks(file, btree, rank, chunks, 0);
  return { kind: 'chunked', chunkShape, itemSize, filters, chunks };
}

function collectChunks(file: H5Bytes, address: number, rank: number, out: ChunkRecord[], depth: number): void {
  if (depth > 64) throw new FormatError('B-tree deeper than 64 levels');
  const O = file.superblock.offsetSize;
  const pos = file.abs(address);
  const head = file.read(pos, 8 + 2 * O);
  if (head.toString('latin1', 0, 4) !== 'TREE' || head[4] !== 1) throw new FormatError('not a raw-data chunk B-tree node');
  const level = head[5]!;
  const entries = head.readUInt16LE(6);
  const keySize = 8 + 8 * (rank + 1);
  const body = file.read(pos + 8 + 2 * O, entries * (keySize + O) + keySize);
  for (let i = 0; i < entries; i++) {
    const k = i * (keySize + O);
    const child = file.address(body, k + keySize);
    if (level > 0) {
      collectChunks(file, child, rank, out, depth + 1);
      continue;
    }
    const offset: number[] = [];
    for (let d = 0; d < rank; d++) offset.push(readUint(body, k + 8 + 8 * d, 8));
    out.push({ offset, pos: file.abs(child), size: body.readUInt32LE(k), filterMask: body.readUInt32LE(k + 4) });
  }
}

/** Reverse HDF5's byte shuffle (all first bytes of the elements, then all second bytes, …). */
export function unshuffle(src: Uint8Array, itemSize: number): Uint8Array {
  if (itemSize <= 1) return src;
  const n = Math.floor(src.length / itemSize);
  const out = new Uint8Array(src.length);
  for (let b = 0; b < itemSize; b++) {
    const base = b * n;
    for (let i = 0, o = b; i < n; i++, o += itemSize) out[o] = src[base + i]!;
  }
  // bytes beyond a whole number of elements are left as they were (HDF5 does the same)
  out.set(src.subarray(n * itemSize), n * itemSize);
  return out;
}

/**
 * HDF5's Fletcher-32 of a chunk (`H5_checksum_fletcher32`): over 16-bit big-endian words, an odd
 * last byte as the high half of a word.
 */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  let len = data.length >> 1;
  let i = 0;
  while (len) {
    let tlen = len > 360 ? 360 : len;
    len -= tlen;
    do {
      sum1 += (data[i]! << 8) | data[i + 1]!;
      sum2 += sum1;
      i += 2;
    } while (--tlen);
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (data.length & 1) {
    sum1 += data[i]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

/**
 * Copy one decoded chunk (full chunk shape, C order) into a C-order array of `shape`, clipping at the
 * dataset's edges. `itemSize` bytes per element.
 */
export function copyChunk(
  chunk: Uint8Array,
  chunkShape: readonly number[],
  offset: readonly number[],
  dest: Uint8Array,
  shape: readonly number[],
  itemSize: number,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dest.set(chunk.subarray(0, itemSize));
    return;
  }
  const extent = shape.map((s, d) => Math.min(chunkShape[d]!, s - offset[d]!));
  if (extent.some((e) => e <= 0)) return;
  forEachChunkRow(shape, chunkShape, offset, extent, itemSize, (inChunk, inArray, rowBytes) => dest.set(chunk.subarray(inChunk, inChunk + rowBytes), inArray));
}

/**
 * Visit the contiguous rows a chunk at `offset` (of `extent` elements per axis, clipped to the array)
 * shares with a C-order array of `shape`: `fn(byte offset in the chunk, byte offset in the array, row
 * bytes)`. Shared by {@link extractChunk} (array → chunk) and {@link copyChunk} (chunk → array).
 */
function forEachChunkRow(
  shape: readonly number[],
  chunkShape: readonly number[],
  offset: readonly number[],
  extent: readonly number[],
  itemSize: number,
  fn: (inChunk: number, inArray: number, rowBytes: number) => void,
): void {
  const rank = shape.length;
  const cStride = new Array<number>(rank);
  const aStride = new Array<number>(rank);
  cStride[rank - 1] = itemSize;
  aStride[rank - 1] = itemSize;
  for (let d = rank - 2; d >= 0; d--) {
    cStride[d] = cStride[d + 1]! * chunkShape[d + 1]!;
    aStride[d] = aStride[d + 1]! * shape[d + 1]!;
  }
  const rowBytes = extent[rank - 1]! * itemSize;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let base = 0;
  for (let d = 0; d < rank; d++) base += offset[d]! * aStride[d]!;
  for (;;) {
    let inChunk = 0;
    let inArray = base;
    for (let d = 0; d < rank - 1; d++) {
      inChunk += idx[d]! * cStride[d]!;
      inArray += idx[d]! * aStride[d]!;
    }
    fn(inChunk, inArray, rowBytes);
    let d = rank - 2;
    while (d >= 0) {
      if (++idx[d]! < extent[d]!) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}
