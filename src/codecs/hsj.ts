/**
 * `.hsj`: hist-serial's split container. The JSON envelope is the main file; arrays of at least
 * `hsjInlineBelow` bytes (default 4096) go to one sidecar `<stem>.bin` beside it, smaller ones into a
 * base64 `data:` URI buffer inside the JSON. A document with only small arrays is a single file.
 * Sidecar URIs are relative paths inside the JSON's folder; anything else is refused on read.
 * @module
 */
import { basename } from 'node:path';
import { stringifyJson } from '../json/stringify.js';
import type { Bytes, Codec } from './codec.js';
import { loadUriBuffer } from './native-buffers.js';
import { bufferChunks, buildEnvelope, envelopeToRaw, parseEnvelope, planViews, type BufferDef } from './native-envelope.js';
import { decodeUtf8 } from './uhi-json.js';

/** Arrays smaller than this many bytes are embedded as base64 in the JSON. */
export const DEFAULT_INLINE_BELOW = 4096;

/** The sidecar's name for a main file `dir/name.hsj` → `name.bin`. */
export function sidecarName(file: string): string {
  return basename(file).replace(/\.hsj$/i, '') + '.bin';
}

export const HSJ_CODEC: Codec = {
  name: 'hsj',
  extensions: ['.hsj'],
  arrays: 'external',
  keepsExtras: true,

  async decode(bytes, ctx) {
    const env = parseEnvelope(decodeUtf8(bytes), ctx.limits.maxJsonDepth);
    const buffers = await Promise.all(env.buffers.map((b, i) => loadUriBuffer(b, i, ctx)));
    return envelopeToRaw(env, buffers, ctx.verifyChecksums ?? true);
  },

  async encode(raw, ctx) {
    // Without a file name there is nowhere to put a sidecar: everything is embedded.
    const inlineBelow = ctx.file === undefined ? Infinity : (ctx.options.hsjInlineBelow ?? DEFAULT_INLINE_BELOW);
    const hasLarge = [...raw.resources.values()].some((a) => a.data.byteLength >= inlineBelow);
    const SIDECAR = 0;
    const EMBEDDED = hasLarge ? 1 : 0;
    const { views, bufferLengths } = planViews(raw, (_key, n) => (n >= inlineBelow ? SIDECAR : EMBEDDED), ctx.options.checksums ?? true);
    const buffers: BufferDef[] = [];
    const sidecars = new Map<string, Bytes>();
    if (hasLarge) {
      const name = sidecarName(ctx.file!);
      buffers.push({ uri: name, byteLength: bufferLengths[SIDECAR]! });
      sidecars.set(name, bufferChunks(views, SIDECAR, bufferLengths[SIDECAR]!));
    }
    if (views.some((v) => v.def.buffer === EMBEDDED)) {
      const length = bufferLengths[EMBEDDED]!;
      const data = Buffer.concat(bufferChunks(views, EMBEDDED, length));
      buffers.push({ uri: `data:application/octet-stream;base64,${data.toString('base64')}`, byteLength: length });
    }
    const env = buildEnvelope(raw, buffers, views);
    const main = stringifyJson(env, { nonFinite: ctx.options.nonFinite ?? 'python' });
    return sidecars.size ? { main, sidecars } : { main };
  },
};
