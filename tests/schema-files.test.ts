import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSchema } from '../src/index.js';
import { PROJECT_DIR } from './helpers/reference.js';

describe('schema/ and generated types', () => {
  it('generated types and embedded schemas are up to date with schema/', () => {
    const out = execFileSync(process.execPath, [join(PROJECT_DIR, 'scripts/generate-types.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('generated types are up to date');
  });

  it('the embedded schemas are the committed schema files', async () => {
    const { readFileSync } = await import('node:fs');
    const onDisk = JSON.parse(readFileSync(join(PROJECT_DIR, 'schema/histogram/1/histogram.schema.json'), 'utf8'));
    expect(getSchema('histogram')).toEqual(onDisk);
  });
});
