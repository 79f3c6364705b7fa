import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDocument, writeDocument, writeFileAtomic, type Histogram } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();

const nanHist = (): Histogram => ({
  axes: [],
  storage: { type: 'double', layout: 'dense', arrays: { values: { dtype: 'f8', shape: [], data: new Float64Array([NaN]) } } },
});

describe('atomic writes', () => {
  it('writeFileAtomic replaces the target and leaves no temp file', async () => {
    const target = join(dir, 'a.bin');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, [Buffer.from('new '), Buffer.from('content')]);
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed encode never touches an existing file', async () => {
    const target = join(dir, 'keep.json');
    writeFileSync(target, 'precious');
    await expect(writeDocument(target, createDocument({ h: nanHist() }), { options: { nonFinite: 'error' } })).rejects.toMatchObject({ code: 'NON_FINITE_VALUE', path: '/h/storage/values' });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write (missing folder) is an IO error and creates nothing', async () => {
    const target = join(dir, 'no-such-dir', 'x.json');
    await expect(writeDocument(target, createDocument({ h: nanHist() }))).rejects.toMatchObject({ code: 'IO', file: target });
    expect(existsSync(target)).toBe(false);
  });
});
