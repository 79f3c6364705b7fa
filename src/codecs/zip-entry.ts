/**
 * Registry entry of the UHI zip codec: cheap to import (no codec code), sniffs a zip local header.
 * @module
 */
import type { CodecEntry } from './codec.js';
import { hasMagic } from './sniff.js';

/** `PK\x03\x04`: a zip archive that starts with a member (every archive uhi and hist-serial write). */
const ZIP_LOCAL_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export const UHI_ZIP_ENTRY: CodecEntry = {
  name: 'uhi-zip',
  description: 'UHI zip: NAME.json + .npy arrays per histogram, as uhi.io.zip writes it (STORE or DEFLATE, ZIP64)',
  extensions: ['.zip'],
  writable: true,
  sniff: (head) => hasMagic(head, ZIP_LOCAL_MAGIC),
  load: async () => (await import('./zip.js')).UHI_ZIP_CODEC,
};
