/**
 * The one way tests reach ../shared/reference (files written by other tools).
 * When it is absent the suites that need it are skipped with a printed reason, except in CI
 * (CI=true), where its absence is a failure: those tests must never be skipped there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Folder of the reference files: $HIST_SERIAL_REFERENCE, else ../shared/reference beside the project. */
export const REFERENCE_DIR = process.env.HIST_SERIAL_REFERENCE ?? resolve(PROJECT, '../shared/reference');
/** Folder of the shared tools (uproot, pyhf). */
export const SHARED_TOOLS_DIR = resolve(REFERENCE_DIR, '../tools');

export const hasReference = existsSync(join(REFERENCE_DIR, 'uhi-generated/MANIFEST.json'));

if (!hasReference) {
  const reason = `reference files not found at ${REFERENCE_DIR} (set HIST_SERIAL_REFERENCE or put ../shared beside the project)`;
  if (process.env.CI) throw new Error(`${reason}: in CI these tests must run`);
  console.warn(`SKIPPING reference-file tests: ${reason}`);
}

/** Absolute path of a file under the reference folder. */
export function ref(...parts: string[]): string {
  return join(REFERENCE_DIR, ...parts);
}

/** Parsed JSON file under the reference folder (strict JSON only). */
export function refJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(ref(...parts), 'utf8')) as T;
}

/** `describe` that runs only when the reference files are present (skipped, with a printed reason, otherwise). */
export const describeReference: typeof describe = (hasReference ? describe : describe.skip) as typeof describe;

/** Project root, for tests that run scripts or the built CLI. */
export const PROJECT_DIR = PROJECT;
