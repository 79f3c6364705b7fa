/**
 * Registry entries of the native container formats (cheap: no codec code is imported).
 * @module
 */
import type { CodecEntry } from './codec.js';
import { hasMagic } from './sniff.js';

const HSB_MAGIC = [0x89, 0x48, 0x53, 0x42, 0x0d, 0x0a, 0x1a, 0x0a];
/** The envelope writers put `asset` first, with `format` first inside it. */
const HSJ_PREFIX = /^(?:\uFEFF)?\s*\{\s*"asset"\s*:\s*\{\s*"format"\s*:\s*"hist-serial"/;

export const HSB_ENTRY: CodecEntry = {
  name: 'hsb',
  description: 'hist-serial binary container: JSON envelope + aligned binary chunk, one file (64-bit, zero-copy)',
  extensions: ['.hsb'],
  writable: true,
  sniff: (head) => hasMagic(head, HSB_MAGIC),
  load: async () => (await import('./hsb.js')).HSB_CODEC,
};

export const HSJ_ENTRY: CodecEntry = {
  name: 'hsj',
  description: 'hist-serial split container: JSON envelope + .bin sidecar (small arrays as data: URIs)',
  extensions: ['.hsj'],
  writable: true,
  sniff: (head) => HSJ_PREFIX.test(Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1')),
  load: async () => (await import('./hsj.js')).HSJ_CODEC,
};
