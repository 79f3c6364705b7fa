/**
 * Seeded mutation fuzzing of every reader. Valid encodings of the committed fixtures, in every
 * format, are mutated (bit flips, byte sets, truncations, duplicated chunks, insertions, huge
 * little-endian length fields (big-endian for ROOT); for JSON also deep nesting, wrong types and shape mismatches) and
 * handed to `checkBytes`, which must end in a document or issues: never an exception escaping,
 * never a hang, never an absurd allocation. Deterministic: a case is named by its format and seed,
 * and `FUZZ_SAVE=1` writes the inputs of failing cases to `tests/fuzz-corpus/` (replayed below;
 * `FUZZ_DUMP=<seed>` writes one case), `FUZZ_SCALE=<n>` runs n times the cases, `FUZZ_VERBOSE=1`
 * prints every case and its outcome, `FUZZ_STACK=1` the stack of an escaping exception.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'bson';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listZip, writeZip } from '../src/codecs/zip.js';
import { checkBytes, encodeDocument, readDocument, type DecodeOptions, type EncodeOptions, type HistDocument } from '../src/index.js';
import { PROJECT_DIR } from './helpers/reference.js';

const CORPUS_DIR = join(PROJECT_DIR, 'tests/fuzz-corpus');
const CASE_TIMEOUT_MS = 2_000;
/** FUZZ_SCALE=10 runs ten times the cases (new seeds too) for a longer local hunt. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RSS_LIMIT = 1024 ** 3;

/** mulberry32: a tiny, well-mixed 32-bit PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n); // [0, n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

// ---------------------------------------------------------------- byte mutations

const HUGE_32 = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0x10000000, 0x40000000];
const HUGE_64 = [2n ** 64n - 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 32n, 2n ** 40n, 2n ** 31n];

type ByteMutation = (b: Uint8Array, r: Rng) => [Uint8Array, string];

const BYTE_MUTATIONS: readonly ByteMutation[] = [
  (b, r) => {
    const out = b.slice();
    const n = 1 + r.int(8);
    for (let i = 0; i < n && out.length; i++) out[r.int(out.length)]! ^= 1 << r.int(8);
    return [out, `flip ${n} bits`];
  },
  (b, r) => {
    const out = b.slice();
    const v = r.pick([0x00, 0xff, 0x7f]);
    const n = 1 + r.int(4);
    for (let i = 0; i < n && out.length; i++) out[r.int(out.length)] = v;
    return [out, `set ${n} bytes to ${v}`];
  },
  (b, r) => {
    const at = r.int(b.length + 1);
    return [b.slice(0, at), `truncate at ${at}`];
  },
  (b, r) => {
    const from = r.int(b.length + 1);
    const len = Math.min(b.length - from, 1 + r.int(256));
    const at = r.int(b.length + 1);
    return [concat(b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)), `duplicate ${len} bytes from ${from} at ${at}`];
  },
  (b, r) => {
    const len = 1 + r.int(64);
    const ins = Uint8Array.from({ length: len }, () => r.pick([0x00, 0xff, 0x7f, r.int(256)]));
    const at = r.int(b.length + 1);
    return [concat(b.subarray(0, at), ins, b.subarray(at)), `insert ${len} bytes at ${at}`];
  },
  (b, r) => {
    const from = r.int(b.length + 1);
    const len = 1 + r.int(128);
    return [concat(b.subarray(0, from), b.subarray(from + len)), `delete ${len} bytes at ${from}`];
  },
  (b, r) => {
    const out = b.slice();
    const dv = new DataView(out.buffer);
    if (r.next() < 0.5 && out.length >= 4) {
      const at = 4 * r.int(Math.floor(out.length / 4));
      const v = r.pick(HUGE_32);
      dv.setUint32(at, v, true);
      return [out, `u32 ${v} at ${at}`];
    }
    if (out.length < 8) return [out, 'no room for u64'];
    const at = 8 * r.int(Math.floor(out.length / 8));
    const v = r.pick(HUGE_64);
    dv.setBigUint64(at, v & (2n ** 64n - 1n), true);
    return [out, `u64 ${v} at ${at}`];
  },
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------- JSON mutations

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every container and leaf of a JSON tree, with its parent and key. */
function nodes(root: Json): { parent: Json[] | Record<string, Json> | null; key: string | number; value: Json }[] {
  const out: { parent: Json[] | Record<string, Json> | null; key: string | number; value: Json }[] = [{ parent: null, key: '', value: root }];
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!.value;
    if (Array.isArray(v)) v.forEach((x, k) => out.push({ parent: v, key: k, value: x }));
    else if (isPlain(v)) for (const [k, x] of Object.entries(v)) out.push({ parent: v, key: k, value: x });
  }
  return out;
}

/** A marker for a deeply nested value, expanded in the text after JSON.stringify (which recurses). */
function isPlain(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function deep(depth: number, r: Rng): Json {
  return `\u0001deep:${depth}:${r.pick(['arr', 'obj', 'mix'])}`;
}

/** Expand the first two markers (others, e.g. cloned by "grow 1000", become 0: inputs stay small). */
function expandDeep(text: string): string {
  let expanded = 0;
  return text.replace(/"\\u0001deep:(\d+):([^"]*)"/g, (_m, d: string, kind: string) => {
    if (++expanded > 2) return '0';
    const n = Number(d);
    if (kind === 'arr') return '['.repeat(n) + '0' + ']'.repeat(n);
    if (kind === 'obj') return '{"a":'.repeat(n) + 'null' + '}'.repeat(n);
    const opens: string[] = [];
    for (let i = 0; i < n; i++) opens.push(i % 3 ? '[' : '{"a":');
    return opens.join('') + '1' + opens.reverse().map((o) => (o === '[' ? ']' : '}')).join('');
  });
}

const WRONG_VALUES: readonly Json[] = [
  null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e300, -1e300, '', 'x', 'NaN', '1', [], [0], [[0]], {}, { a: 1 },
];

/** Replace `n` in its parent (the root cannot be replaced in place: the caller gets the new root). */
function replace(root: Json, n: ReturnType<typeof nodes>[number], v: Json): Json {
  if (!n.parent) return v;
  (n.parent as Record<string | number, Json>)[n.key] = v;
  return root;
}

type JsonMutation = (root: Json, r: Rng) => [Json, string];

const JSON_MUTATIONS: readonly JsonMutation[] = [
  (root, r) => {
    const n = r.pick(nodes(root));
    const v = r.pick(WRONG_VALUES);
    return [replace(root, n, structuredClone(v)), `wrong type ${JSON.stringify(v)} at ${String(n.key)}`];
  },
  (root, r) => {
    const d = r.pick([300, 5_000, 50_000]);
    const n = r.pick(nodes(root));
    return [replace(root, n, deep(d, r)), `nest ${d} deep at ${String(n.key)}`];
  },
  (root, r) => {
    // shape mismatch: grow, shrink, wrap or flatten an array
    const arrays = nodes(root).filter((n) => Array.isArray(n.value));
    if (!arrays.length) return [root, 'no array'];
    const n = r.pick(arrays);
    const a = n.value as Json[];
    const how = r.int(5);
    if (how === 0) a.push(a.length ? structuredClone(a[a.length - 1]!) : 0);
    else if (how === 1) a.pop();
    else if (how === 2) a.splice(0, a.length);
    else if (how === 3) return [replace(root, n, [a]), `wrap array at ${String(n.key)}`];
    else for (let i = 0; i < 1000; i++) a.push(a.length ? structuredClone(a[0]!) : 1);
    return [root, `array ${['grow', 'shrink', 'empty', '', 'grow 1000'][how]} at ${String(n.key)}`];
  },
  (root, r) => {
    // numbers off by a little or a lot (bins, byteLength, byteOffset, shape, indices)
    const nums = nodes(root).filter((n) => typeof n.value === 'number');
    if (!nums.length) return [root, 'no number'];
    const n = r.pick(nums);
    const v = n.value as number;
    const w = r.pick([v + 1, v - 1, -v, 0, v * 2 ** 20, 2 ** 32 + v, 2 ** 53, Number.MAX_SAFE_INTEGER, v + 0.5]);
    return [replace(root, n, w), `number ${v} -> ${w} at ${String(n.key)}`];
  },
  (root, r) => {
    const objs = nodes(root).filter((n) => isPlain(n.value));
    if (!objs.length) return [root, 'no object'];
    const o = r.pick(objs).value as Record<string, Json>;
    const keys = Object.keys(o);
    if (keys.length && r.next() < 0.6) {
      const k = r.pick(keys);
      delete o[k];
      return [root, `delete key ${k}`];
    }
    const k = r.pick(['__proto__', 'constructor', 'extra', 'type', 'storage', 'axes', 'values']);
    o[k] = structuredClone(r.pick(WRONG_VALUES));
    return [root, `add key ${k}`];
  },
];

/** A BSON document with its tree mutated (deep-nesting markers become real nesting, at most 2000 levels). */
function mutateBson(bytes: Uint8Array, r: Rng): [Uint8Array, string] {
  const [root, what] = mutateTree(deserialize(bytes) as Json, r);
  const materialize = (v: Json): Json => {
    const m = typeof v === 'string' ? /^\u0001deep:(\d+):/.exec(v) : null;
    if (m) {
      let d: Json = 0;
      for (let i = 0; i < Math.min(Number(m[1]), 2000); i++) d = i % 2 ? [d] : { a: d };
      return d;
    }
    if (Array.isArray(v)) return v.map(materialize);
    if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
    return v;
  };
  const top = materialize(root);
  return [serialize(isPlain(top) ? top : { top }), `bson tree: ${what}`];
}

/**
 * A uhi zip rebuilt (valid framing) with one member mutated: a JSON member's tree or text, or an
 * .npy member's header or data bytes. Written uncompressed or deflated like the base.
 */
async function mutateZip(bytes: Uint8Array, r: Rng): Promise<[Uint8Array, string]> {
  const dir = await listZip(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const members = dir.entries.map((e) => {
    const start = e.offset + 30 + dv.getUint16(e.offset + 26, true) + dv.getUint16(e.offset + 28, true);
    const stored = bytes.subarray(start, start + e.compressedSize);
    return { name: e.name, data: e.method === 8 ? new Uint8Array(inflateRawSync(stored)) : stored, deflated: e.method === 8 };
  });
  const m = r.pick(members);
  let what: string;
  if (m.name.endsWith('.json')) {
    const [t, w] = mutateJsonText(dec.decode(m.data), r);
    m.data = enc.encode(t);
    what = w;
  } else if (r.next() < 0.5) {
    // the .npy header: a dict literal after 10 bytes (v1)
    const text = dec.decode(m.data.subarray(10, Math.min(m.data.length, 10 + new DataView(m.data.buffer, m.data.byteOffset).getUint16(8, true))));
    const edit = r.pick([
      (t: string) => t.replace(/'shape': \([^)]*\)/, `'shape': (${r.pick(['4294967296,', '-1,', '3, 3, 3', '9007199254740993,', '', '0,'])})`),
      (t: string) => t.replace(/'descr': '[^']*'/, `'descr': '${r.pick(['<f16', '|O', '>f8', '<U10', '<i8', '|b1', '<c16', 'x'])}'`),
      (t: string) => t.replace(/'fortran_order': \w+/, "'fortran_order': True"),
      (t: string) => t.slice(0, r.int(t.length)),
    ]);
    const header = enc.encode(edit(text));
    const head = m.data.slice(0, 10);
    new DataView(head.buffer).setUint16(8, header.length, true);
    m.data = concat(head, header, m.data.subarray(10 + text.length));
    what = 'npy header';
  } else {
    const [b, w] = r.pick(BYTE_MUTATIONS)(m.data, r);
    m.data = b;
    what = w;
  }
  const out = writeZip(
    members.map((x) => ({ name: x.name, data: [x.data], ...(x.name.endsWith('.npy') && !x.deflated ? { align: 64 } : {}) })),
    { compression: members.some((x) => x.deflated) ? 'deflate' : 'store' },
  );
  return [concat(...out), `member ${m.name}: ${what}`];
}

/** Text-level JSON mutations that a tree cannot express. */
function textMutation(text: string, r: Rng): [string, string] {
  const how = r.int(4);
  if (how === 0) return ['['.repeat(200_000) + text, 'prefix 200000 ['];
  if (how === 1) return [text.replace(/"/, '"' + '\\u0000\\ud800'), 'lone surrogate'];
  if (how === 2) return [text + ' garbage', 'trailing garbage'];
  const at = r.int(text.length);
  return [text.slice(0, at) + r.pick(['1e999999', '-0', '00', 'NaN', 'Infinity', '"\\x"', '9'.repeat(400)]) + text.slice(at), `inject at ${at}`];
}

function mutateJsonText(text: string, r: Rng): [string, string] {
  if (r.next() < 0.2) return textMutation(text, r);
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return textMutation(text, r);
  }
  const [out, what] = mutateTree(root, r);
  return [expandDeep(JSON.stringify(out)), what];
}

function mutateTree(root: Json, r: Rng): [Json, string] {
  const steps: string[] = [];
  const n = 1 + r.int(2);
  for (let i = 0; i < n; i++) {
    const [next, what] = r.pick(JSON_MUTATIONS)(root, r);
    root = next;
    steps.push(what);
  }
  return [root, steps.join('; ')];
}

// ---------------------------------------------------------------- formats

const enc = new TextEncoder();
const dec = new TextDecoder();

/** .hsb with its JSON chunk replaced (lengths and padding fixed up, binary chunk kept). */
function hsbWithJson(bytes: Uint8Array, edit: (text: string) => string): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = Number(dv.getBigUint64(16, true));
  const json = enc.encode(edit(dec.decode(bytes.subarray(32, 32 + jsonLength))));
  const padded = Math.ceil((32 + json.length) / 64) * 64 - 32;
  const head = bytes.slice(0, 32);
  new DataView(head.buffer).setBigUint64(16, BigInt(padded), true);
  const pad = new Uint8Array(padded - json.length).fill(0x20);
  return concat(head, json, pad, bytes.subarray(32 + jsonLength));
}

interface Target {
  format: string;
  /** Encoding variants (codec options). */
  variants: EncodeOptions[];
  /** Fixtures to start from (all when absent). */
  fixtures?: number;
  cases: number;
  /** Structure-aware mutation, used for part of the cases. */
  structured?: (base: Uint8Array, r: Rng) => [Uint8Array, string] | Promise<[Uint8Array, string]>;
}

const TARGETS: readonly Target[] = [
  { format: 'uhi-json', variants: [{}], cases: 900, structured: (b, r) => {
    const [t, what] = mutateJsonText(dec.decode(b), r);
    return [enc.encode(t), what];
  } },
  { format: 'hsj', variants: [{}, { checksums: false }], cases: 700, structured: (b, r) => {
    const [t, what] = mutateJsonText(dec.decode(b), r);
    return [enc.encode(t), what];
  } },
  { format: 'hsb', variants: [{}, { checksums: false }], cases: 700, structured: (b, r) => {
    let what = '';
    const out = hsbWithJson(b, (text) => {
      const [t, w] = mutateJsonText(text, r);
      what = `json chunk: ${w}`;
      return t;
    });
    return [out, what];
  } },
  { format: 'uhi-zip', variants: [{}, { zipCompression: 'deflate' }], cases: 700, structured: mutateZip },
  { format: 'bson', variants: [{}], cases: 700, structured: mutateBson },
  { format: 'root', variants: [{}, { rootCompression: 'none' }], cases: 700, structured: mutateBigEndianLength },
  { format: 'hdf5', variants: [{}, { hdf5Compression: 'gzip', hdf5CompressMin: 1, hdf5ChunkBytes: 64 }], fixtures: 3, cases: 400 },
];

/** ROOT is big-endian: a huge 32- or 64-bit big-endian value anywhere (key lengths, seeks, byte counts, array sizes). */
function mutateBigEndianLength(b: Uint8Array, r: Rng): [Uint8Array, string] {
  const out = b.slice();
  const dv = new DataView(out.buffer);
  if (r.next() < 0.7 || out.length < 8) {
    const at = r.int(Math.max(1, out.length - 3));
    const v = r.pick(HUGE_32);
    if (out.length >= 4) dv.setUint32(at, v, false);
    return [out, `u32be ${v} at ${at}`];
  }
  const at = r.int(out.length - 7);
  const v = r.pick(HUGE_64);
  dv.setBigUint64(at, v & (2n ** 64n - 1n), false);
  return [out, `u64be ${v} at ${at}`];
}

/** A case's input: seed → (base encoding, mutations). */
async function makeCase(bases: readonly Uint8Array[], target: Target, seed: number): Promise<{ bytes: Uint8Array; what: string }> {
  const r = prng(seed);
  let bytes = r.pick(bases);
  const steps: string[] = [];
  if (target.structured && r.next() < 0.6) {
    const [b, what] = await target.structured(bytes, r);
    bytes = b;
    steps.push(what);
  }
  // structured mutations mostly stand alone: a byte mutation on top usually just breaks the syntax
  const n = steps.length ? (r.next() < 0.2 ? 1 : 0) : 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const [b, what] = r.pick(BYTE_MUTATIONS)(bytes, r);
    bytes = b;
    steps.push(what);
  }
  return { bytes, what: steps.join('; ') };
}

/**
 * Run one input through checkBytes: it must resolve (document or issues) within the time limit and
 * without growing RSS by more than the limit. Returns the failure, if any.
 */
async function runCase(bytes: Uint8Array, options: DecodeOptions, tally?: Map<string, number>): Promise<string | undefined> {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CASE_TIMEOUT_MS)));
  try {
    const result = await Promise.race([checkBytes(bytes, options), timeout]);
    if (result === 'timeout') return `no answer within ${CASE_TIMEOUT_MS} ms`;
    if (!result.document && !result.issues.some((i) => i.severity === 'error')) return 'neither a document nor an error issue';
    const outcome = result.document ? 'document' : result.issues.find((i) => i.severity === 'error')!.code;
    tally?.set(outcome, (tally.get(outcome) ?? 0) + 1);
    if (process.env.FUZZ_VERBOSE) console.log(outcome, result.issues[0]?.message.slice(0, 160));
  } catch (err) {
    if (process.env.FUZZ_STACK) console.log((err as Error).stack);
    return `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300);
  } finally {
    clearTimeout(timer);
  }
  // a synchronous loop blocks the timer above: measure it too
  const ms = performance.now() - t0;
  if (ms > CASE_TIMEOUT_MS) return `took ${Math.round(ms)} ms`;
  const grown = process.memoryUsage().rss - rss0;
  if (grown > RSS_LIMIT) return `RSS grew by ${Math.round(grown / 1024 ** 2)} MiB`;
  return undefined;
}

async function loadFixtures(): Promise<HistDocument[]> {
  const dir = join(PROJECT_DIR, 'fixtures');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'manifest.json').sort();
  return Promise.all(files.map((f) => readDocument(join(dir, f))));
}


describe('mutation fuzzing: every reader ends in a document or issues', () => {
  let docs: HistDocument[] | undefined;
  const fixtures = async () => (docs ??= await loadFixtures());

  TARGETS.forEach((target, t) => {
    it(`${target.format}: ${target.cases} seeded cases`, async () => {
      const all = await fixtures();
      const chosen = all.slice(0, target.fixtures ?? all.length);
      // plain Uint8Array copies: Buffer#slice would be a view, and mutations would corrupt the bases
      const bases: Uint8Array[] = [];
      for (const doc of chosen) for (const options of target.variants) bases.push(new Uint8Array(await encodeDocument(doc, { format: target.format, options })));
      // sanity: the unmutated encodings are valid
      for (const b of bases) expect((await checkBytes(b)).issues.filter((i) => i.severity === 'error')).toEqual([]);

      const failures: string[] = [];
      const tally = new Map<string, number>();
      const t0 = performance.now();
      const cases = Math.round(target.cases * SCALE);
      for (let i = 0; i < cases; i++) {
        const seed = (t + 1) * 1_000_003 + i;
        const { bytes, what } = await makeCase(bases, target, seed);
        // most cases force the codec; every fourth lets the content decide (sniffing), and every
        // fourth skips checksums so that mutated array bytes reach the array readers
        const options: DecodeOptions = i % 4 === 3 ? {} : { format: target.format, ...(i % 4 === 1 ? { verifyChecksums: false } : {}) };
        if (process.env.FUZZ_VERBOSE) console.log(`seed ${seed}: ${what.slice(0, 160)}`);
        const failure = await runCase(bytes, options, tally);
        if (process.env.FUZZ_DUMP === String(seed)) writeFileSync(join(CORPUS_DIR, `${target.format}.${seed}.bin`), bytes);
        if (failure) {
          failures.push(`${target.format} seed ${seed} (${what}): ${failure}`);
          if (process.env.FUZZ_SAVE) {
            mkdirSync(CORPUS_DIR, { recursive: true });
            writeFileSync(join(CORPUS_DIR, `${target.format}.${seed}.bin`), bytes);
          }
        }
      }
      console.log(`fuzz ${target.format}: ${cases} cases, ${bases.length} bases, ${Math.round(performance.now() - t0)} ms, ${failures.length} failures; outcomes ${JSON.stringify(Object.fromEntries([...tally].sort((a, b) => b[1] - a[1])))}`);
      expect(failures).toEqual([]);
      // the reader is not left broken (h5wasm survives its own abort() calls, for instance)
      for (const b of bases) expect((await checkBytes(b)).issues.filter((i) => i.severity === 'error')).toEqual([]);
    });
  });

  it('regression corpus (tests/fuzz-corpus/<format>.<seed>.bin) replays cleanly', async () => {
    const files = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.bin')).sort() : [];
    const failures: string[] = [];
    for (const f of files) {
      const format = f.split('.')[0]!;
      const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, f)));
      for (const fmt of [format, undefined]) {
        const failure = await runCase(bytes, fmt ? { format: fmt, verifyChecksums: false } : {});
        if (failure) failures.push(`${f}${fmt ? '' : ' (sniffed)'}: ${failure}`);
      }
    }
    console.log(`fuzz corpus: ${files.length} files`);
    expect(failures).toEqual([]);
    // and the readers still work (h5wasm after its abort() calls)
    const doc = (await fixtures())[0]!;
    for (const format of TARGETS.map((t) => t.format)) {
      expect((await checkBytes(await encodeDocument(doc, { format }))).issues.filter((i) => i.severity === 'error'), format).toEqual([]);
    }
  });

  it('determinism: a seed always gives the same input', async () => {
    const bases = [enc.encode('{"a":[1,2,3],"b":{"c":"d"}}')];
    const target: Target = { format: 'uhi-json', variants: [{}], cases: 1, structured: (b, r) => [enc.encode(mutateJsonText(dec.decode(b), r)[0]), ''] };
    for (const seed of [1, 2, 3, 12345]) expect((await makeCase(bases, target, seed)).bytes).toEqual((await makeCase(bases, target, seed)).bytes);
  });
});
