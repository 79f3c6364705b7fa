/**
 * A progress line on standard error for long conversions, drawn only when stderr is a terminal
 * (never in pipes, logs or CI) and only after the first half second (short runs print nothing).
 * Reading shows the phase and the time; writing shows a bar from the size of the file being
 * written (the temporary file beside the target, see io/atomic.ts) against the expected size.
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempPrefixFor } from '../io/atomic.js';
import type { CliContext } from './context.js';

/** A running progress display. */
export interface Progress {
  /** Switch to a phase: `writing` with the file being written and the bytes it should reach. */
  phase(name: string, watch?: { target: string; expectedBytes: number }): void;
  /** Erase the line and stop. */
  stop(): void;
}

const NOOP: Progress = { phase: () => undefined, stop: () => undefined };
const DELAY_MS = 500;
const TICK_MS = 150;

/** Size of the temporary file being written for `target` (`.NAME.PID.RANDOM.tmp`), or of target itself. */
function writtenBytes(target: string): number {
  const prefix = tempPrefixFor(target);
  try {
    const tmp = readdirSync(dirname(target)).find((f) => f.startsWith(prefix) && f.endsWith('.tmp'));
    return tmp ? statSync(join(dirname(target), tmp)).size : 0;
  } catch {
    return 0;
  }
}

function human(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

/** A progress line for `label`, or a no-op when stderr is not a terminal or `quiet`. */
export function startProgress(ctx: CliContext, label: string, quiet = false): Progress {
  if (!ctx.stderrTTY || quiet) return NOOP;
  const width = Math.max(40, ctx.stderrTTY.columns);
  const t0 = Date.now();
  let phase = 'reading';
  let watch: { target: string; expectedBytes: number } | undefined;
  let drawn = false;
  const draw = () => {
    const elapsed = (Date.now() - t0) / 1000;
    if (elapsed * 1000 < DELAY_MS) return;
    let text = `${label}: ${phase}`;
    if (watch && watch.expectedBytes > 0) {
      const done = writtenBytes(watch.target);
      const f = Math.min(1, done / watch.expectedBytes);
      const barWidth = Math.max(10, Math.min(30, width - text.length - 36));
      const full = Math.round(f * barWidth);
      text += ` [${'█'.repeat(full)}${'░'.repeat(barWidth - full)}] ${Math.round(f * 100)}% ${human(done)}`;
    }
    text += ` ${elapsed.toFixed(1)} s`;
    ctx.stderr(`\r${text.slice(0, width - 1).padEnd(width - 1)}`);
    drawn = true;
  };
  const timer = setInterval(draw, TICK_MS);
  timer.unref();
  return {
    phase(name, w) {
      phase = name;
      watch = w;
      draw();
    },
    stop() {
      clearInterval(timer);
      if (drawn) ctx.stderr(`\r${' '.repeat(width - 1)}\r`);
    },
  };
}
