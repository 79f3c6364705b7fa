/**
 * Registry entry of the HDF5 codec: cheap to import (h5wasm and the codec load only when used),
 * sniffs the HDF5 signature.
 * @module
 */
import type { CodecEntry } from './codec.js';
import { hasMagic } from './sniff.js';

/** `\x89HDF\r\n\x1a\n`, at byte 0 or after a user block of 512, 1024, 2048… bytes. */
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Does `head` hold the HDF5 signature where a superblock may start (0, 512, 1024, 2048…)?
 *
 * @example
 * ```ts
 * sniffHdf5(await readHead('file.h5')); // true for an HDF5 file, also one with a user block
 * ```
 */
export function sniffHdf5(head: Uint8Array): boolean {
  for (let at = 0; at + HDF5_MAGIC.length <= head.length; at = at === 0 ? 512 : at * 2) {
    if (hasMagic(head, HDF5_MAGIC, at)) return true;
  }
  return false;
}

/**
 * The registry entry of the HDF5 codec (in {@link createDefaultRegistry}; the codec itself, and
 * h5wasm, load on first use).
 *
 * @example
 * ```ts
 * const codec = await HDF5_ENTRY.load();
 * ```
 */
export const HDF5_ENTRY: CodecEntry = {
  name: 'hdf5',
  description: "HDF5 in uhi's layout (uhi.io.hdf5): a group per histogram, read at any group of a file, added to existing files",
  extensions: ['.h5', '.hdf5', '.hdf'],
  writable: true,
  sniff: sniffHdf5,
  load: async () => (await import('./hdf5.js')).HDF5_CODEC,
};
