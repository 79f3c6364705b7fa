/**
 * Safe resolution of the relative URIs that split formats use for their sidecar files: only plain
 * relative paths inside the main file's folder. Absolute paths, `..` segments, backslashes, schemes
 * (`file:`, `http:` …) and symlinks leading out of the folder are refused with a PARSE error.
 * @module
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Check a sidecar URI's form and return the path it names, relative to the main file's folder. */
export function checkSidecarUri(uri: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    throw new HistSerialError('PARSE', MESSAGES.sidecarEscape(uri));
  }
  const bad =
    decoded.length === 0 ||
    SCHEME.test(uri) ||
    isAbsolute(decoded) ||
    decoded.includes('\\') ||
    decoded.includes('\0') ||
    decoded.split('/').some((part) => part === '..' || part === '');
  if (bad) throw new HistSerialError('PARSE', MESSAGES.sidecarEscape(uri));
  return decoded;
}

/** Absolute path of a sidecar of `mainFile`, refusing anything outside the main file's folder (symlinks included). */
export async function resolveSidecar(mainFile: string, uri: string): Promise<string> {
  const rel = checkSidecarUri(uri);
  const folder = dirname(resolve(mainFile));
  const target = resolve(folder, rel);
  const realFolder = await realpath(folder);
  let realTarget: string;
  try {
    realTarget = await realpath(target);
  } catch {
    return target; // does not exist (yet): the reader reports it, the writer creates it inside the folder
  }
  const inside = relative(realFolder, realTarget);
  if (inside.startsWith('..' + sep) || inside === '..' || isAbsolute(inside)) {
    throw new HistSerialError('PARSE', MESSAGES.sidecarEscape(uri));
  }
  return target;
}
