/**
 * UHI zip (`uhi-zip`, `.zip`): the layout of uhi's `uhi.io.zip.write`. Per histogram NAME, a member
 * `NAME.json` holds the histogram's JSON, in which each array position holds the name of a `.npy`
 * member: `NAME_storage_FIELD.npy`, `NAME_axis_I_FIELD.npy`.
 *
 * On a small zip implementation on node:zlib (no jszip, no fflate on the data path):
 * zip-archive-read.ts reads archives (only the members the JSON references are read; STORE arrays are
 * zero-copy views of the input in memory, and from a file (`decodeFile`) each array is read into its
 * own exactly-sized buffer) and zip-archive-write.ts writes them (STORE by default with each `.npy`
 * member's data 64-byte aligned, DEFLATE on request; `encode` returns chunks in which the arrays' own
 * buffers appear without being copied, and `encodeFile` writes them while their CRC-32 is computed).
 *
 * Histogram names that would make unsafe or ambiguous member names are percent-escaped (spec.md 4.2,
 * zip-names.ts).
 * @module
 */
import { HistSerialError, LimitError, ParseError, pointer } from '../errors.js';
import type { ExactIntegers } from '../json/parse.js';
import { parseJson } from '../json/parse.js';
import { stringifyJson, type NonFinitePolicy } from '../json/stringify.js';
import { MESSAGES } from '../messages.js';
import type { NDArray } from '../model/ndarray.js';
import type { RawDocument } from '../raw.js';
import type { Codec, DecodeContext, EncodeOptions } from './codec.js';
import { NPY_ALIGN, encodeNpy } from './npy.js';
import { decodeUtf8 } from './uhi-json.js';
import { Budget, memorySource, openFileSource, readDirectory, readMember, readNpyMember, type ByteSource } from './zip-archive-read.js';
import { writeZip, writeZipFile, type ZipMember, type ZipWriteOptions } from './zip-archive-write.js';
import { memberStem, unescapeMemberName } from './zip-names.js';

export { escapeMemberName, isSafeMemberName, unescapeMemberName } from './zip-names.js';
export { listZip, setStreamInflateThreshold, type ZipDirectory, type ZipEntry } from './zip-archive-read.js';
export { writeZip, writeZipFile, type ZipMember, type ZipWriteOptions } from './zip-archive-write.js';

/** uhi's array keys that may hold a member name in an axis. */
const AXIS_ARRAY_KEYS = ['edges', 'categories'] as const;

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Exact big integers of several parsed JSON members, looked up as one table. */
class MergedExact extends WeakMap<object, Map<string | number, bigint>> {
  constructor(private readonly parts: readonly ExactIntegers[]) {
    super();
  }

  override get(key: object): Map<string | number, bigint> | undefined {
    for (const part of this.parts) {
      const found = part.get(key);
      if (found) return found;
    }
    return undefined;
  }

  override has(key: object): boolean {
    return this.parts.some((part) => part.has(key));
  }
}

/** The out-of-band array positions of a histogram's JSON: storage fields, axis edges and categories. */
function arrayRefs(hist: unknown, path: string): { ref: string; path: string }[] {
  const refs: { ref: string; path: string }[] = [];
  if (!isObject(hist)) return refs;
  if (isObject(hist.storage)) {
    for (const [field, value] of Object.entries(hist.storage)) {
      if (field !== 'type' && typeof value === 'string') refs.push({ ref: value, path: pointer(path, 'storage', field) });
    }
  }
  if (Array.isArray(hist.axes)) {
    hist.axes.forEach((axis: unknown, i) => {
      if (!isObject(axis)) return;
      for (const key of AXIS_ARRAY_KEYS) if (typeof axis[key] === 'string') refs.push({ ref: axis[key], path: pointer(path, 'axes', i, key) });
    });
  }
  return refs;
}

/** Errors of a member's content name the member. */
function inMember(member: string, name: string, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HistSerialError) throw new HistSerialError(err.code, MESSAGES.inZipMember(member, err.message), { path: pointer('', name), cause: err });
    throw err;
  }
}

/** The raw document of a UHI zip: `{name: histogram}` from each `NAME.json`, and the `.npy` members it references keyed by those names. */
async function decodeUhiZip(src: ByteSource, ctx: DecodeContext): Promise<RawDocument> {
  const dir = await readDirectory(src);
  const budget = new Budget(ctx.limits.maxInputBytes, ctx.verifyChecksums ?? true);
  const json: Json = {};
  const memberOf = new Map<string, string>();
  const exact: ExactIntegers[] = [];
  for (const e of dir.entries) {
    if (!e.name.endsWith('.json')) continue;
    const name = unescapeMemberName(e.name.slice(0, -'.json'.length));
    const first = memberOf.get(name);
    if (first !== undefined) throw new ParseError(MESSAGES.zipHistogramTwice(name, first, e.name));
    const bytes = await readMember(src, dir, e, budget);
    const parsed = inMember(e.name, name, () => parseJson(decodeUtf8(bytes), { maxDepth: ctx.limits.maxJsonDepth })) as ReturnType<typeof parseJson>;
    Object.defineProperty(json, name, { value: parsed.value, enumerable: true, writable: true, configurable: true });
    memberOf.set(name, e.name);
    if (parsed.exact) exact.push(parsed.exact);
  }
  if (memberOf.size === 0) throw new ParseError(MESSAGES.zipNoHistogram());
  const resources = new Map<string, NDArray>();
  for (const name of Object.keys(json)) {
    for (const { ref, path } of arrayRefs(json[name], pointer('', name))) {
      const e = dir.byName.get(ref);
      if (resources.has(ref) || !e) continue; // a name without a member: fromUHI reports MISSING_ARRAY there
      resources.set(ref, await readNpyMember(src, dir, e, budget, { what: MESSAGES.zipMember(ref), path }));
    }
  }
  const raw: RawDocument = { json, resources };
  if (exact.length) raw.exact = exact.length === 1 ? exact[0]! : new MergedExact(exact);
  return raw;
}

/** Options of {@link encodeUhiZip}. */
export interface UhiZipOptions extends ZipWriteOptions {
  nonFinite?: NonFinitePolicy;
}

/**
 * A raw document (arrays out of band, keyed as {@link toUHI} keys them) as a UHI zip, in chunks:
 * per histogram its `.npy` members (storage arrays, then axis arrays), then `NAME.json` whose array
 * positions hold those member names.
 *
 * @example
 * ```ts
 * const chunks = encodeUhiZip(toUHI(doc, { arrays: 'external' }));
 * ```
 */
export function encodeUhiZip(raw: RawDocument, options: UhiZipOptions = {}): Uint8Array[] {
  return writeZip(uhiZipMembers(raw, options), options);
}

/** The members of a raw document's UHI zip, in the order they are written. */
function uhiZipMembers(raw: RawDocument, options: UhiZipOptions): ZipMember[] {
  const top = raw.json;
  if (!isObject(top)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.jsonNotObject(Array.isArray(top) ? 'an array' : String(top)));
  const histograms: Json = Object.hasOwn(top, 'uhi_schema') ? { histogram: top } : top; // one histogram at the top level (uhi's rule)
  const members: ZipMember[] = [];
  const memberOfKey = new Map<string, string>();
  for (const name of Object.keys(histograms)) {
    const hist = histograms[name];
    const path = pointer('', name);
    const place = (value: unknown, at: string): unknown => {
      if (typeof value !== 'string') return value;
      const arr = raw.resources.get(value);
      if (!arr) throw new HistSerialError('MISSING_ARRAY', MESSAGES.missingArray(at, value), { path: at });
      let member = memberOfKey.get(value);
      if (member === undefined) {
        member = memberStem(value) + '.npy';
        memberOfKey.set(value, member);
        members.push({ name: member, data: encodeNpy(arr), align: NPY_ALIGN });
      }
      return member;
    };
    let out: unknown = hist;
    if (isObject(hist)) {
      const copy: Json = { ...hist };
      if (isObject(hist.storage)) {
        const storage: Json = { ...hist.storage };
        for (const field of Object.keys(storage)) if (field !== 'type') storage[field] = place(storage[field], pointer(path, 'storage', field));
        copy.storage = storage;
      }
      if (Array.isArray(hist.axes)) {
        copy.axes = hist.axes.map((axis: unknown, i) => {
          if (!isObject(axis)) return axis;
          const a: Json = { ...axis };
          for (const key of AXIS_ARRAY_KEYS) if (typeof a[key] === 'string') a[key] = place(a[key], pointer(path, 'axes', i, key));
          return a;
        });
      }
      out = copy;
    }
    members.push({ name: memberStem(name) + '.json', data: [stringifyJson(out, { nonFinite: options.nonFinite ?? 'python' })] });
  }
  return members;
}

function zipOptions(options: EncodeOptions): UhiZipOptions {
  const { zipCompression, zipLevel, nonFinite } = options;
  return {
    ...(zipCompression === undefined ? {} : { compression: zipCompression }),
    ...(zipLevel === undefined ? {} : { level: zipLevel }),
    ...(nonFinite === undefined ? {} : { nonFinite }),
  };
}

/**
 * The `uhi-zip` codec (zip-entry.ts registers it in the default registry, loaded on first use).
 *
 * @example
 * ```ts
 * const bytes = await encodeDocument(doc, { format: 'uhi-zip', options: { zipCompression: 'deflate' } });
 * ```
 */
export const UHI_ZIP_CODEC: Codec = {
  name: 'uhi-zip',
  extensions: ['.zip'],
  arrays: 'external',
  async decode(bytes, ctx) {
    return decodeUhiZip(memorySource(bytes), ctx);
  },
  async decodeFile(path, ctx) {
    const src = await openFileSource(path);
    try {
      if (src.size > ctx.limits.maxInputBytes) throw new LimitError(MESSAGES.inputTooLarge(src.size, ctx.limits.maxInputBytes), { file: path });
      return await decodeUhiZip(src, ctx);
    } finally {
      await src.close();
    }
  },
  async encode(raw, ctx) {
    return { main: encodeUhiZip(raw, zipOptions(ctx.options)) };
  },
  async encodeFile(path, raw, ctx) {
    const options = zipOptions(ctx.options);
    await writeZipFile(path, uhiZipMembers(raw, options), options);
  },
};
