/**
 * The one interface every format implements. A codec converts bytes ⇄ {@link RawDocument} and
 * nothing else: it knows no histograms, no files and no CLI.
 * @module
 */
import type { NonFinitePolicy } from '../json/stringify.js';
import type { Limits } from '../limits.js';
import type { ArrayPlacement, RawDocument } from '../raw.js';

/** What a codec gets when decoding. */
export interface DecodeContext {
  /** Name of the file being read, for messages. */
  file?: string;
  limits: Limits;
  /** Verify stored checksums (CRC-32 of .hsb/.hsj views, zip members); default true. */
  verifyChecksums?: boolean;
  /**
   * Read a file that the main file references by a relative URI (split formats). Supplied by the IO
   * layer, which refuses absolute paths, `..` and schemes; absent when decoding bare bytes.
   */
  readSidecar?: (uri: string) => Promise<Uint8Array>;
  /**
   * A place inside the file to read from (`/analysis/hists` of `file.h5:/analysis/hists`), for codecs
   * with {@link Codec.locations}; absent means the whole file.
   */
  location?: string;
}

/** Bytes produced by an encoder: one buffer, or chunks whose total may pass 4 GiB. */
export type Bytes = Uint8Array | readonly Uint8Array[];

/** What an encoder produces: the main file, and for split formats sidecar files by relative name. */
export interface EncodedFile {
  main: Bytes;
  sidecars?: ReadonlyMap<string, Bytes>;
}

/** Options codecs understand when encoding. Unknown keys are ignored by codecs that do not use them. */
export interface EncodeOptions {
  /** JSON codecs: how to write NaN/±Infinity (default `python`). */
  nonFinite?: NonFinitePolicy;
  /** `.hsj`: arrays smaller than this many bytes are embedded as base64 in the JSON (default 4096). */
  hsjInlineBelow?: number;
  /** Native container: write a CRC-32 per array (default true; readers verify it). */
  checksums?: boolean;
  /** Zip: store members uncompressed (default: fastest, arrays read in place) or DEFLATE them. */
  zipCompression?: 'store' | 'deflate';
  /** Zip with DEFLATE: zlib level 0–9 (default 6, zlib's and Python's default). */
  zipLevel?: number;
  /** ROOT: zlib-compressed keys (default, level {@link EncodeOptions.rootLevel}) or uncompressed ones. */
  rootCompression?: 'zlib' | 'none';
  /** ROOT with zlib: level 1–9 (default 1, ROOT's default setting 101); 0 means uncompressed. */
  rootLevel?: number;
  /** HDF5: contiguous datasets (default, fastest) or chunked gzip (deflate) ones. */
  hdf5Compression?: 'none' | 'gzip';
  /** HDF5 with gzip: deflate level 0–9 (default 4, uhi's `compression_opts`). */
  hdf5Level?: number;
  /** HDF5 with gzip: only arrays of at least this many elements are compressed (default 1000, uhi's `min_compress_elements`). */
  hdf5CompressMin?: number;
  /** HDF5 with gzip: bytes per chunk (uncompressed) to aim at (default 1 MiB). */
  hdf5ChunkBytes?: number;
}

/** What a codec gets when encoding. */
export interface EncodeContext {
  /** The output file's path when writing a file (split formats name their sidecars after it). */
  file?: string;
  options: EncodeOptions;
  /**
   * For codecs with {@link Codec.locations}: write the histograms into this group of the file
   * (`/analysis/hists` of `file.h5:/analysis/hists`). When it is set and the IO layer's target file
   * exists, `encodeFile`'s `path` is a copy of that file, to be added to (atomic: the copy is renamed
   * over the target once written).
   */
  location?: string;
}

/** A format. `decode` is required; `encode` is absent for read-only formats. */
export interface Codec {
  /** Stable name, used by `--format`/`--to`. */
  readonly name: string;
  /** File name endings, with the dot, most common first. */
  readonly extensions: readonly string[];
  /** Where the model should put arrays in the raw documents this codec encodes. */
  readonly arrays: ArrayPlacement;
  /** Does the format keep {@link RawDocument.extras} (top-level sections beside the histograms)? */
  readonly keepsExtras?: boolean;
  /**
   * The largest input `decode` can take, when the format itself limits it (UHI JSON: V8's longest
   * string). The IO layer refuses a bigger file before reading it, with a message naming the format.
   */
  readonly maxDecodeBytes?: number;
  /** Does the format address places inside a file (`file.h5:/group`, see `DecodeContext.location`)? */
  readonly locations?: boolean;
  decode(bytes: Uint8Array, ctx: DecodeContext): Promise<RawDocument>;
  encode?(raw: RawDocument, ctx: EncodeContext): Promise<EncodedFile>;
  /**
   * Formats that need random access to a file on disk (HDF5 through h5wasm, archives over 4 GiB)
   * implement these; the IO layer prefers them to `decode`/`encode` when a path is at hand.
   * `encodeFile` writes to `path`, a temporary name that the IO layer renames into place.
   */
  decodeFile?(path: string, ctx: DecodeContext): Promise<RawDocument>;
  encodeFile?(path: string, raw: RawDocument, ctx: EncodeContext): Promise<void>;
}

/**
 * A registry entry: what is needed to find a codec without loading it (name, extensions, sniffing),
 * and a lazy loader, so heavy codecs (HDF5, ROOT) load only when used.
 */
export interface CodecEntry {
  readonly name: string;
  readonly description: string;
  readonly extensions: readonly string[];
  /** Can be written? (known without loading the codec) */
  readonly writable: boolean;
  /** Does `head` (the first bytes of the input, up to {@link SNIFF_BYTES}) look like this format? */
  sniff(head: Uint8Array): boolean;
  load(): Promise<Codec>;
}

/** How many leading bytes are passed to {@link CodecEntry.sniff}. */
export const SNIFF_BYTES = 4096;
