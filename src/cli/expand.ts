/**
 * File arguments: glob patterns (`'results/**\/*.{json,h5,root}'`, quoted so the shell leaves them
 * to us, as CI jobs write them) expand to the matching files, sorted; other arguments (plain paths,
 * container addresses such as `file.h5:/group`) pass through untouched.
 * @module
 */
import { glob, isDynamicPattern } from 'tinyglobby';
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';

/**
 * Expand the glob patterns among `args` (in order, each pattern's matches sorted, duplicates kept
 * once). A pattern that matches nothing is an error: a CI job must not pass by checking no file.
 */
export async function expandFileArguments(args: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-' || !isDynamicPattern(arg)) {
      if (!seen.has(arg)) out.push(arg);
      seen.add(arg);
      continue;
    }
    const matches = (await glob(arg, { cwd, onlyFiles: true, expandDirectories: false, absolute: false })).sort();
    if (matches.length === 0) throw new HistSerialError('NOT_FOUND', MESSAGES.globNoMatch(arg));
    for (const m of matches) {
      if (!seen.has(m)) out.push(m);
      seen.add(m);
    }
  }
  return out;
}
