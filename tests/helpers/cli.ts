import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_DIR } from './reference.js';

/** Path of the built CLI (npm test builds before running vitest). */
export const CLI = join(PROJECT_DIR, 'dist/cli/bin.js');

/** Run the built CLI as a process. */
export function runBuiltCli(args: string[], options: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? PROJECT_DIR,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
