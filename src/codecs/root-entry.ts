/**
 * Registry entry of the ROOT codec: cheap to import (the ROOT reader and writer load only when
 * used), sniffs ROOT's `root` signature.
 * @module
 */
import type { CodecEntry } from './codec.js';
import { hasMagic } from './sniff.js';

/** `root` at byte 0 of every ROOT file. */
const ROOT_MAGIC = [0x72, 0x6f, 0x6f, 0x74];

/**
 * The registry entry of the ROOT codec (in {@link createDefaultRegistry}).
 *
 * @example
 * ```ts
 * const codec = await ROOT_ENTRY.load();
 * ```
 */
export const ROOT_ENTRY: CodecEntry = {
  name: 'root',
  description: 'ROOT files: TH1/TH2/TH3 (C, S, I, L, F, D), TProfile, TProfile2D read from any directory (file.root:dir/h); TH*, TProfile* written with zlib',
  extensions: ['.root'],
  writable: true,
  sniff: (head) => hasMagic(head, ROOT_MAGIC),
  load: async () => (await import('./root.js')).ROOT_CODEC,
};
