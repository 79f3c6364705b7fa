/**
 * ROOT codec: histograms in ROOT files (spec.md 4.6). Reading finds every TH1/TH2/TH3/TProfile/
 * TProfile2D in the file (or under `file.root:dir`, or one object `file.root:dir/h;2`); writing makes a
 * new file with one key per histogram, directories from the names (`dir/h`). The mapping between
 * ROOT objects and UHI histograms is in `root-mapping.ts`; the file format in `root-file-*.ts`.
 * @module
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import { HistSerialError, LimitError, ValidationError } from '../errors.js';
import { MESSAGES } from '../messages.js';
import { fromUHI } from '../model/from-uhi.js';
import type { HistDocument, Histogram } from '../model/histogram.js';
import { toUHI } from '../model/to-uhi.js';
import type { RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeContext } from './codec.js';
import { readRootHistograms } from './root-file-read.js';
import { writeRootFile } from './root-file-write.js';
import { histogramToRoot, rootToHistogram } from './root-mapping.js';

/** The largest file read into memory at once (a Uint8Array's limit in Node 20). */
const MAX_ROOT_FILE_BYTES = 2 ** 32 - 1;

/** `/dir/h` and `dir/h` name the same place; `''` and `/` the whole file. */
function normalizeLocation(location: string | undefined): string | undefined {
  const inner = location?.replace(/^\/+/, '');
  return inner ? inner : undefined;
}

async function decodeRoot(bytes: Uint8Array, ctx: DecodeContext): Promise<RawDocument> {
  const location = normalizeLocation(ctx.location);
  const hists = await readRootHistograms(bytes, {
    limits: ctx.limits,
    ...(ctx.file === undefined ? {} : { file: ctx.file }),
    ...(location === undefined ? {} : { location }),
    verifyChecksums: ctx.verifyChecksums ?? true,
  });
  const doc: HistDocument = { histograms: new Map() };
  const place = location?.replace(/;\d+$/, '').replace(/;\d+\//g, '/');
  for (const r of hists) {
    // an addressed object is named by its own name; below an addressed directory, names are relative to it
    const name = place && r.path === place ? r.path.slice(r.path.lastIndexOf('/') + 1) : place && r.path.startsWith(`${place}/`) ? r.path.slice(place.length + 1) : r.path;
    doc.histograms.set(name, rootToHistogram(r));
  }
  return toUHI(doc, { arrays: 'external', stamp: false });
}

function encodeRoot(raw: RawDocument, ctx: EncodeContext): Uint8Array[] {
  const { document, issues } = fromUHI(raw);
  if (!document) throw new ValidationError(issues);
  const prefix = normalizeLocation(ctx.location);
  const hists = [...document.histograms].map(([name, h]: [string, Histogram]) => histogramToRoot(prefix ? `${prefix}/${name}` : name, h));
  const compression = ctx.options.rootCompression ?? 'zlib';
  const level = ctx.options.rootLevel ?? 1;
  return writeRootFile(hists, compression === 'none' || level === 0 ? { compression: 'none' } : { compression: 'zlib', level });
}

export const ROOT_CODEC: Codec = {
  name: 'root',
  extensions: ['.root'],
  arrays: 'external',
  locations: true,

  decode: decodeRoot,

  /** Reads the whole file into memory (files up to 4 GiB), then decodes it. */
  async decodeFile(path, ctx) {
    const fd = openSync(path, 'r');
    try {
      const { size } = fstatSync(fd);
      const limit = Math.min(ctx.limits.maxInputBytes, MAX_ROOT_FILE_BYTES);
      if (size > limit) throw new LimitError(size > MAX_ROOT_FILE_BYTES ? MESSAGES.rootFileTooLarge(size, MAX_ROOT_FILE_BYTES) : MESSAGES.inputTooLarge(size, limit), { file: path, codec: 'root' });
      const bytes = new Uint8Array(size);
      for (let off = 0; off < size; ) {
        const n = readSync(fd, bytes, off, Math.min(size - off, 1 << 30), off);
        if (n === 0) break;
        off += n;
      }
      return await decodeRoot(bytes, ctx);
    } finally {
      closeSync(fd);
    }
  },

  async encode(raw, ctx) {
    return { main: encodeRoot(raw, ctx) };
  },

  /** A new file only: adding histograms to an existing ROOT file (`out.root:dir` when out.root exists) is refused. */
  async encodeFile(path, raw, ctx) {
    if (ctx.location !== undefined && existsSync(path)) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.rootAppend(ctx.file ?? path));
    const chunks = encodeRoot(raw, ctx);
    const fd = openSync(path, 'w', 0o644);
    try {
      for (const c of chunks) for (let off = 0; off < c.length; ) off += writeSync(fd, c, off, c.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

export { readRootHistograms, listRootKeys, type RootKeyInfo, type RootReadOptions } from './root-file-read.js';
export { writeRootFile, type RootFileWriteOptions } from './root-file-write.js';
export { rootToHistogram, histogramToRoot } from './root-mapping.js';
export type { RootHist, RootAxis, RootStats, RootProfileData, RootHistClass } from './root-hist.js';
