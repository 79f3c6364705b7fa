/**
 * Codec registry: lookup by name, by output extension, and by content for input
 * (magic bytes or JSON keys; never by the extension alone). Pass a registry to the IO
 * functions; there is no global one to mutate.
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import type { Codec, CodecEntry } from './codec.js';
import { BSON_ENTRY } from './bson-entry.js';
import { HDF5_ENTRY } from './hdf5-entry.js';
import { HSB_ENTRY, HSJ_ENTRY } from './native-entry.js';
import { ROOT_ENTRY } from './root-entry.js';
import { UHI_JSON_ENTRY } from './uhi-json-entry.js';
import { UHI_ZIP_ENTRY } from './zip-entry.js';

/** A set of codecs. Sniffing tries entries in registration order: register specific formats first. */
export class CodecRegistry {
  private readonly entries: CodecEntry[] = [];
  private readonly loaded = new Map<string, Promise<Codec>>();

  constructor(entries: Iterable<CodecEntry> = []) {
    for (const e of entries) this.register(e);
  }

  /** Add a codec entry (a later entry with the same name replaces the earlier one). */
  register(entry: CodecEntry): this {
    const i = this.entries.findIndex((e) => e.name === entry.name);
    if (i >= 0) this.entries.splice(i, 1, entry);
    else this.entries.push(entry);
    this.loaded.delete(entry.name);
    return this;
  }

  /** All entries, in registration order. */
  list(): readonly CodecEntry[] {
    return this.entries;
  }

  /** The entry of a format name; throws UNKNOWN_FORMAT. */
  entry(name: string): CodecEntry {
    const e = this.entries.find((x) => x.name === name);
    if (!e) throw new HistSerialError('UNKNOWN_FORMAT', MESSAGES.unknownFormat(name, this.entries.map((x) => x.name)));
    return e;
  }

  /** Load (once) and return the codec of a format name. */
  load(name: string): Promise<Codec> {
    const entry = this.entry(name);
    let p = this.loaded.get(name);
    if (!p) {
      p = entry.load();
      this.loaded.set(name, p);
    }
    return p;
  }

  /** The entry whose extension ends `fileName` (longest match wins), if any. */
  byExtension(fileName: string): CodecEntry | undefined {
    const lower = fileName.toLowerCase();
    let best: CodecEntry | undefined;
    let bestLen = 0;
    for (const e of this.entries) {
      for (const ext of e.extensions) {
        if (lower.endsWith(ext) && ext.length > bestLen) {
          best = e;
          bestLen = ext.length;
        }
      }
    }
    return best;
  }

  /** The first entry whose sniffer accepts `head`, if any. */
  bySniffing(head: Uint8Array): CodecEntry | undefined {
    return this.entries.find((e) => e.sniff(head));
  }

  /** Input format: an explicit name wins, then the content. Throws UNKNOWN_FORMAT when neither decides. */
  detectInput(head: Uint8Array, fileName: string, format?: string): CodecEntry {
    if (format) return this.entry(format);
    const found = this.bySniffing(head);
    if (!found) throw new HistSerialError('UNKNOWN_FORMAT', MESSAGES.cannotDetectInput(fileName));
    return found;
  }

  /** Output format: an explicit name wins, then the file name's extension. */
  detectOutput(fileName: string, format?: string): CodecEntry {
    const e = format ? this.entry(format) : this.byExtension(fileName);
    if (!e) throw new HistSerialError('UNKNOWN_FORMAT', MESSAGES.cannotDetectOutput(fileName));
    if (!e.writable) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.cannotEncode(e.name));
    return e;
  }
}

/**
 * The registry with every built-in codec, loaded lazily.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry();
 * const codec = await registry.load('uhi-json');
 * ```
 */
export function createDefaultRegistry(): CodecRegistry {
  return new CodecRegistry([
    // formats with magic bytes first, then JSON flavours from the most specific to uhi's plain JSON
    HSB_ENTRY,
    // BSON before zip: its 29-byte prefix at byte 4 cannot occur in a zip, but a BSON document of
    // 0x04034b50 bytes starts with "PK\x03\x04" (spec.md 4.3)
    BSON_ENTRY,
    UHI_ZIP_ENTRY, // PK\x03\x04 (spec.md 4.2)
    // after zip: an HDF5 file may start with a user block, and a zip member may hold an HDF5 file
    HDF5_ENTRY, // \x89HDF\r\n\x1a\n at 0, 512, 1024… (spec.md 4.5)
    ROOT_ENTRY, // "root" at 0 (spec.md 4.6)
    HSJ_ENTRY,
    UHI_JSON_ENTRY,
  ]);
}
