/**
 * Registry entry of the UHI JSON codec: cheap to import (no codec code), sniffs a JSON object.
 * @module
 */
import type { CodecEntry } from './codec.js';
import { firstSignificantByte } from './sniff.js';

export const UHI_JSON_ENTRY: CodecEntry = {
  name: 'uhi-json',
  description: 'UHI JSON: {name: histogram} with arrays inline (uhi, boost-histogram, hist)',
  extensions: ['.json'],
  writable: true,
  sniff: (head) => firstSignificantByte(head) === 0x7b, // '{'
  load: async () => (await import('./uhi-json.js')).UHI_JSON_CODEC,
};
