/**
 * uproot (../shared/tools/uproot, an independent ROOT reader) as a test oracle: its canonical dump of
 * every histogram in ROOT files (layout: ../shared/reference/root/README.md, "Expected JSON").
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requirePython } from './python.js';
import { SHARED_TOOLS_DIR } from './reference.js';

/** The Debian packages uproot needs (see ../shared/tools/uproot/README.md and .ci/run). */
export const UPROOT_MODULES = ['numpy', 'packaging', 'fsspec', 'xxhash', 'lz4', 'zstandard'];

/** One object of a dump. Non-finite numbers are the strings "NaN", "Infinity", "-Infinity". */
export interface UprootObject {
  path: string;
  cycle: number;
  compression: string;
  class: string;
  name: string;
  title: string;
  ndim: number;
  shape_with_flow: number[];
  axes: { name: string; title: string; nbins: number; xmin: number; xmax: number; variable: boolean; edges: number[]; labels: (string | null)[] | null }[];
  dtype: string;
  stats: Record<string, number>;
  option: string;
  values: unknown;
  sumw2: unknown;
  profile?: { sumwy: unknown; sumwy2: unknown; bin_entries: unknown; bin_sumw2: unknown; means: unknown; errors: unknown; weighted: boolean };
}

export interface UprootDump {
  root_version: number;
  fCompress: number;
  objects: Record<string, UprootObject>;
}

/** The Python interpreter with uproot's dependencies, or undefined (skip, printed; throws in CI). */
export function requireUproot(): string | undefined {
  return requirePython(UPROOT_MODULES);
}

/** Dump every histogram of each file (one uproot process for all of them). Throws with uproot's stderr when it fails. */
export function uprootDump(python: string, files: readonly string[]): Record<string, UprootDump> {
  const r = spawnSync(python, [join(SHARED_TOOLS_DIR, 'uproot/uproot_dump.py'), ...files, '--compact'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`uproot_dump failed (${r.status}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const parsed = JSON.parse(r.stdout) as UprootDump | Record<string, UprootDump>;
  return files.length === 1 ? { [files[0]!]: parsed as UprootDump } : (parsed as Record<string, UprootDump>);
}

/** Flatten a nested dump array in C order, turning "NaN"/"Infinity" strings into numbers. */
export function flat(x: unknown): number[] {
  if (Array.isArray(x)) return x.flatMap(flat);
  if (typeof x === 'string') return [Number(x)];
  return [x as number];
}
