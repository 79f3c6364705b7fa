import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDocument, ndarray, writeDocument, writeFileAtomic, type Histogram } from '../src/index.js';
import { CLI } from './helpers/cli.js';
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

/**
 * A process killed with SIGKILL in the middle of a big convert (no handler, no cleanup can run): the
 * file that was there before is intact, and no partial file ever sits under the final name.
 * The temporary file (`.<name>.<pid>.<random>.tmp` beside the target) may stay behind; it never
 * shadows the target.
 */
describe('atomic writes under SIGKILL', () => {
  const BINS = 4_000_000; // 64 MB of payload: the write takes tens of milliseconds, long enough to kill it inside
  const input = join(dir, 'big.hsb');
  const makeInput = async () => {
    if (existsSync(input)) return;
    const n = BINS + 2;
    const values = new Float64Array(n).map((_, i) => i % 1000);
    const variances = new Float64Array(n).map((_, i) => (i % 1000) * 2);
    const h: Histogram = {
      axes: [{ type: 'regular', lower: 0, upper: 1, bins: BINS, underflow: true, overflow: true, circular: false }],
      storage: { type: 'weighted', layout: 'dense', arrays: { values: ndarray('f8', [n], values), variances: ndarray('f8', [n], variances) } },
    };
    await writeDocument(input, createDocument({ big: h }));
  };

  /** Start `convert input target`, SIGKILL it as soon as its temp file holds data; resolves when the process is gone. */
  async function killMidWrite(target: string): Promise<{ tmpBytesAtKill: number; signal: NodeJS.Signals | null }> {
    const child = spawn(process.execPath, [CLI, 'convert', input, target, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const prefix = `.${basename(target)}.`;
    const deadline = Date.now() + 60_000;
    let tmpBytesAtKill = -1;
    while (Date.now() < deadline && child.exitCode === null) {
      const tmp = readdirSync(dirname(target)).find((f) => f.startsWith(prefix) && f.endsWith('.tmp'));
      const size = tmp ? statSync(join(dirname(target), tmp), { throwIfNoEntry: false })?.size ?? 0 : 0;
      if (size > 0) {
        child.kill('SIGKILL');
        tmpBytesAtKill = size;
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
    return { tmpBytesAtKill, signal: await exited };
  }

  for (const ext of ['.hsb', '.zip', '.h5']) {
    it(`killed while writing ${ext}: the old file is intact, nothing partial under the final name`, async () => {
      await makeInput();
      const target = join(dir, `victim${ext}`);
      const old = Buffer.from(`the previous ${ext} file, which must survive`);
      writeFileSync(target, old);
      const { tmpBytesAtKill, signal } = await killMidWrite(target);
      expect(signal).toBe('SIGKILL'); // killed, not finished
      expect(tmpBytesAtKill).toBeGreaterThan(0); // it was writing when killed
      expect(readFileSync(target).equals(old)).toBe(true);
      // a new target: after the kill, the final name does not exist at all
      const fresh = join(dir, `fresh${ext}`);
      const second = await killMidWrite(fresh);
      expect(second.signal).toBe('SIGKILL');
      expect(existsSync(fresh)).toBe(false);
    }, 120_000);
  }
});
