/**
 * Atomic file writes: write a temporary file in the target's folder, fsync, then rename over the
 * target. A failed or killed write never leaves a partial file under the final name and never harms
 * an existing one.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How the temporary files of this process for `target` begin (`.NAME.PID.`); they end in `.tmp`. */
export function tempPrefixFor(target: string): string {
  return `.${basename(target)}.${process.pid}.`;
}

/** Temporary name used while writing `target` (same folder, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${tempPrefixFor(target)}${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write bytes (or a list of chunks) to `target` atomically.
 *
 * @example
 * ```ts
 * await writeFileAtomic('out.json', bytes);
 * ```
 */
export async function writeFileAtomic(target: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = tempPathFor(target);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    try {
      const chunks = data instanceof Uint8Array ? [data] : data;
      for (const chunk of chunks) {
        let off = 0;
        while (off < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, off, Math.min(chunk.length - off, 1 << 30));
          off += bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
