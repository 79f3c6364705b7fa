/**
 * Independent readers of the HDF5 files hist-serial writes (Debian's HDF5 1.10.8):
 * - tests/python/check_uhi_hdf5.py (python3-h5py): reads every histogram the way uhi.io.hdf5.read
 *   does, checks uhi's layout (int64 uhi_schema, `axes` object references, booleans as h5py's enum,
 *   NUL-terminated UTF-8 strings) and compares every value with the original JSON;
 * - h5dump (hdf5-tools): the full dump (types, attributes, every value) of each file hist-serial
 *   writes from uhi's JSON equals the dump of the file uhi wrote itself, except where JSON cannot say
 *   what uhi's file says (listed below) and hist-serial's own writer_info entry.
 * Files are written contiguous (the CLI) and with gzip, and added to groups of an existing file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION, readDocument, writeDocument } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { manifest } from './helpers/manifest.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const SCRIPT = join(PROJECT_DIR, 'tests/python/check_uhi_hdf5.py');
const PYTHON = requirePython(['h5py', 'numpy']);
const describePython = (PYTHON ? describeReference : describe.skip) as typeof describe;

/** h5dump from Debian's hdf5-tools (required in CI, see .ci/run). */
const H5DUMP = '/usr/bin/h5dump';
const hasH5dump = existsSync(H5DUMP);
if (!hasH5dump) {
  if (process.env.CI) throw new Error(`${H5DUMP} is missing: install the Debian package hdf5-tools (see .ci/run)`);
  console.warn(`SKIPPING h5dump checks: ${H5DUMP} is not installed`);
}
const describeH5dump = (hasH5dump ? describeReference : describe.skip) as typeof describe;

interface Report {
  histograms: string[];
  layout: string[];
  arrays: Record<string, string>;
  equal: boolean;
  diffs: string[];
}

const CASES = hasReference
  ? [
      ...[...Object.entries(manifest!.cases), ...Object.entries(manifest!.edge_cases)].map(([name, c]) => ({
        name,
        json: c.files.json.path,
        h5: ((c.files as unknown as { h5?: { path: string } }).h5?.path ?? c.files.json.path.replace(/\.json$/, '.h5')) as string,
      })),
      { name: 'all', json: 'all.json', h5: 'all.h5' },
    ]
  : [];

/** Run the checker; `version`: hist-serial's writer_info entry must hold it (omit for files others wrote). */
function pythonCheck(pairs: [string, string][], version: string | null = VERSION): Record<string, Report> {
  const r = spawnSync(PYTHON!, [SCRIPT, ...(version ? ['--version', version] : []), ...pairs.flat()], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, Report>;
}

describePython('h5py reads the HDF5 files hist-serial writes as uhi.io.hdf5.read would', () => {
  const dir = tempDir('hist-serial-hdf5-python-');
  const files = new Map<string, string>();
  let reports: Record<string, Report>;

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
    const pairs: [string, string][] = [];
    for (const { name, json } of CASES) {
      const out = join(dir, `${name}.h5`);
      const cli = runBuiltCli(['convert', ref('uhi-generated', json), out]);
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      files.set(name, out);
      pairs.push([ref('uhi-generated', json), out]);
      const gz = join(dir, `${name}.gzip.h5`);
      await writeDocument(gz, await readDocument(ref('uhi-generated', json)), { options: { hdf5Compression: 'gzip', hdf5CompressMin: 0 } });
      pairs.push([ref('uhi-generated', json), gz]);
    }
    // every case added, case by case, to groups of one file
    const shared = join(dir, 'shared.h5');
    for (const { name, json } of CASES.filter((c) => c.name !== 'all')) {
      const cli = runBuiltCli(['convert', ref('uhi-generated', json), `${shared}:/runs/${name}`]);
      expect(cli.code, cli.stderr).toBe(0);
      pairs.push([ref('uhi-generated', json), `${shared}:/runs/${name}`]);
    }
    // big arrays: contiguous ones appended straight to the file, gzip ones compressed by node:zlib
    // and indexed by a 3-level B-tree (chunks of 8 elements)
    const big = join(dir, 'big.json');
    const n = 100_002;
    const values = Array.from({ length: n }, (_, i) => (i % 7) * 0.25 - 1);
    writeFileSync(big, JSON.stringify({ big: { uhi_schema: 1, axes: [{ type: 'regular', lower: 0, upper: 1, bins: n - 2, underflow: true, overflow: true, circular: false }], storage: { type: 'weighted', values, variances: values.map((v) => v * v) } } }));
    for (const [label, options] of [
      ['contiguous', {}],
      ['gzip', { hdf5Compression: 'gzip' as const, hdf5ChunkBytes: 64 }],
    ] as const) {
      const out = join(dir, `big.${label}.h5`);
      await writeDocument(out, await readDocument(big), { options });
      pairs.push([big, out]);
    }
    reports = pythonCheck(pairs);
  });

  it('big arrays written past h5wasm (appended contiguous data, own deflate chunks and B-tree) read exactly', () => {
    for (const label of ['contiguous', 'gzip']) {
      const r = Object.entries(reports).find(([f]) => f.endsWith(`/big.${label}.h5`))![1];
      expect(r.layout, label).toEqual([]);
      expect(r.diffs, label).toEqual([]);
      expect(r.arrays['/big/storage/values'], label).toBe('float64 [100002]');
    }
  });

  it('checks every file it was given', () => {
    expect(Object.keys(reports)).toHaveLength(CASES.length * 2 + CASES.length - 1 + 2);
  });

  it.each(CASES.map((c) => c.name))('%s: layout, values, names and attributes as the original (contiguous, gzip, added to a group)', (name) => {
    const mine = Object.entries(reports).filter(([file]) => file.endsWith(`/${name}.h5`) || file.endsWith(`/${name}.gzip.h5`) || file.endsWith(`:/runs/${name}`));
    expect(mine.length).toBe(name === 'all' ? 2 : 3);
    for (const [file, r] of mine) {
      expect(r.layout, file).toEqual([]);
      expect(r.diffs, file).toEqual([]);
      expect(r.equal, file).toBe(true);
    }
  });

  it('storage arrays have the dtypes JSON implies (int64 for int storage and indices, float64 otherwise)', () => {
    const r = reports[files.get('all')!]!;
    expect(r.arrays['/reg1d_int/storage/values']).toBe('int64 [12]');
    expect(r.arrays['/sparse_int_2d/storage/index']).toBe('int64 [2, 12]');
    expect(r.arrays['/weighted_mean_profile/storage/variances']).toBe('float64 [6]');
    expect(r.arrays['/scalar_0d_weighted/storage/values'] ?? reports[files.get('scalar_0d_weighted')!]!.arrays['/scalar_0d_weighted/storage/values']).toBe('float64 []');
  });

  it("the checker accepts uhi's own files (it mirrors uhi's reader, not hist-serial's writer)", () => {
    const own = pythonCheck(CASES.map((c) => [ref('uhi-generated', c.json), ref('uhi-generated', c.h5)] as [string, string]), null);
    for (const [file, r] of Object.entries(own)) {
      expect(r.layout, file).toEqual([]);
      expect(r.diffs, file).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * h5dump's output as a map from object path (`/h/ref_axes/axis_0`, `/h/storage/values`,
 * `/h/metadata@label`) to the text of that object without its children. Object references print
 * file addresses, which differ between any two files: they are reduced to the path they point to.
 * NaN's sign bit is dropped (`-nan` → `nan`): numpy's 0/0 sets it, JSON's NaN has no sign.
 */
function parseDump(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const stack: { path: string; depth: number }[] = [];
  let depth = 0;
  for (const raw of text.split('\n').slice(1)) {
    const line = raw.replace(/^(\s*)GROUP \d+ "/, '$1REF "').replace(/-nan\b/g, 'nan').trim();
    const m = /^(GROUP|DATASET|ATTRIBUTE) "(.*)" \{$/.exec(line);
    if (m) {
      const parent = stack.length ? stack[stack.length - 1]!.path : '';
      const path = m[1] === 'ATTRIBUTE' ? `${parent}@${m[2]}` : m[2] === '/' ? '/' : `${parent === '/' ? '' : parent}/${m[2]}`;
      stack.push({ path, depth: ++depth });
      blocks.set(path, '');
      continue;
    }
    if (line === '}' || line === '};') {
      if (stack.length && stack[stack.length - 1]!.depth === depth) stack.pop();
      depth--;
      continue;
    }
    if (line.endsWith('{')) depth++;
    const owner = stack[stack.length - 1];
    if (owner) blocks.set(owner.path, `${blocks.get(owner.path)}${line}\n`);
  }
  return blocks;
}

function h5dump(file: string): Map<string, string> {
  const r = spawnSync(H5DUMP, [file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return parseDump(r.stdout);
}

/**
 * Where a file written from uhi's JSON cannot equal the file uhi wrote: JSON does not say whether a
 * number was an int or a float, or whether an array was float32 (spec.md 4.5).
 */
const JSON_CANNOT_SAY: Record<string, Record<string, RegExp>> = {
  // `lumi` is the Python float 139.0 (float64 in uhi's file); JSON's 139 is written as int64
  metadata_rich: { '/metadata_rich/metadata@lumi': /H5T_IEEE_F64LE/ },
  // boost-histogram's Integer axis: uhi wrote lower/upper as int64; regular axes are float64 here
  boolean_x_integer_double: {
    '/boolean_x_integer_double/ref_axes/axis_1@lower': /H5T_STD_I64LE/,
    '/boolean_x_integer_double/ref_axes/axis_1@upper': /H5T_STD_I64LE/,
  },
  // values stored as float32 by uhi; JSON gives float64
  double_float32: { '/double_float32/storage/values': /H5T_IEEE_F32LE/ },
};

describeH5dump("h5dump (HDF5 1.10) dumps hist-serial's files as it dumps uhi's", () => {
  const dir = tempDir('hist-serial-hdf5-dump-');

  it.each(CASES)('$name: every object, attribute, type and value', async ({ name, json, h5 }) => {
    const out = join(dir, `${name}.h5`);
    await writeDocument(out, await readDocument(ref('uhi-generated', json)));
    const ours = h5dump(out);
    const theirs = h5dump(ref('uhi-generated', h5));
    // hist-serial's writer_info entry is the one addition
    const own = [...ours.keys()].filter((k) => /\/writer_info\/hist-serial(@|$)/.test(k));
    expect(own.length).toBeGreaterThan(0);
    for (const k of own) {
      if (k.endsWith('@version')) expect(ours.get(k)).toContain(`"${VERSION}"`);
      ours.delete(k);
    }
    // all.json carries a hist-serial entry of its own: its version differs
    for (const k of [...theirs.keys()].filter((k) => /\/writer_info\/hist-serial(@|$)/.test(k))) theirs.delete(k);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    const allowed = Object.assign({}, ...Object.entries(JSON_CANNOT_SAY).filter(([n]) => n === name || name === 'all').map(([, v]) => v)) as Record<string, RegExp>;
    const differing: string[] = [];
    for (const [path, text] of theirs) {
      if (ours.get(path) === text) continue;
      differing.push(path);
      expect(allowed[path], `${path} differs:\nuhi:\n${text}\nhist-serial:\n${ours.get(path)}`).toBeDefined();
      expect(text).toMatch(allowed[path]!);
    }
    expect(differing.sort()).toEqual(Object.keys(allowed).filter((p) => theirs.has(p)).sort());
  });

  it('the parser sees objects, attributes and values', () => {
    const d = h5dump(ref('uhi-generated', 'h5/reg1d_int.h5'));
    expect(d.get('/reg1d_int@uhi_schema')).toContain('H5T_STD_I64LE');
    expect(d.get('/reg1d_int/ref_axes/axis_0@underflow')).toContain('"TRUE"');
    expect(d.get('/reg1d_int/storage/values')).toMatch(/\(0\): 23, /);
    expect(d.get('/reg1d_int/axes')).toContain('REF "/reg1d_int/ref_axes/axis_0"');
  });
});
