/**
 * The bundled fixtures (written by scripts/make-fixtures.mjs with hist-serial) checked by an
 * independent reader: Debian's Python json + jsonschema against uhi's own schema.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocument, storageSums } from '../src/index.js';
import { PROJECT_DIR, describeReference, ref } from './helpers/reference.js';
import { requirePython } from './helpers/python.js';

interface Manifest {
  native: Record<string, { sha256: string; same_as: string }>;
  files: Record<string, { sha256: string; histograms: Record<string, { storage: string; layout: string; shape: number[]; sums: Record<string, { total: number; nan_count: number }> }> }>;
}
const FIXTURES = join(PROJECT_DIR, 'fixtures');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
const files = Object.keys(manifest.files);

describe('bundled fixtures', () => {
  it.each(files)('%s matches its sha256 and reads back with the recorded sums', async (file) => {
    const bytes = readFileSync(join(FIXTURES, file));
    const entry = manifest.files[file]!;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    const doc = await readDocument(join(FIXTURES, file));
    expect([...doc.histograms.keys()]).toEqual(Object.keys(entry.histograms));
    for (const [name, expected] of Object.entries(entry.histograms)) {
      const h = doc.histograms.get(name)!;
      expect(h.storage.type).toBe(expected.storage);
      expect(h.storage.layout).toBe(expected.layout);
      const sums = storageSums(h);
      for (const [field, s] of Object.entries(expected.sums)) {
        const got = sums[field as keyof typeof sums]!;
        expect(Number(got.total)).toBe(s.total);
        expect(got.nanCount).toBe(s.nan_count);
      }
    }
  });
});

describe('bundled native fixtures', () => {
  it.each(Object.keys(manifest.native))('%s matches its sha256 and holds the same sums as its JSON twin', async (file) => {
    const entry = manifest.native[file]!;
    expect(createHash('sha256').update(readFileSync(join(FIXTURES, file))).digest('hex')).toBe(entry.sha256);
    const doc = await readDocument(join(FIXTURES, file));
    const twin = manifest.files[entry.same_as]!;
    for (const [name, expected] of Object.entries(twin.histograms)) {
      const sums = storageSums(doc.histograms.get(name)!);
      for (const [field, s] of Object.entries(expected.sums)) expect(Number(sums[field as keyof typeof sums]!.total)).toBe(s.total);
    }
  });
});

describeReference('bundled fixtures read by Python (json + jsonschema, uhi schema)', () => {
  it('every fixture is valid for uhi and has the recorded sums', () => {
    const python = requirePython(['jsonschema']);
    if (!python) return;
    const r = spawnSync(python, [join(PROJECT_DIR, 'tests/python/read_fixtures.py'), ref('uhi/histogram.schema.json'), ...files.map((f) => join(FIXTURES, f))], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, { schema_errors: string[]; histograms: Record<string, Record<string, { total: number; nan_count: number; ints: boolean }>> }>;
    for (const file of files) {
      expect(report[file]!.schema_errors, file).toEqual([]);
      for (const [name, expected] of Object.entries(manifest.files[file]!.histograms)) {
        for (const [field, s] of Object.entries(expected.sums)) {
          const got = report[file]!.histograms[name]![field]!;
          expect(got.total, `${file} ${name} ${field}`).toBeCloseTo(s.total, 9);
          expect(got.nan_count).toBe(s.nan_count);
          expect(got.ints).toBe(expected.storage === 'int');
        }
      }
    }
  });
});
