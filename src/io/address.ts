/**
 * File addresses with a place inside the file: `histos.h5:/analysis/hists` is the group
 * `/analysis/hists` of the file `histos.h5`.
 *
 * A name is split at `:/` only when what comes before is a file that exists or ends in an extension
 * of a format with inner locations (`.h5`, `.hdf5`, `.hdf`, `.root`), and the whole name is not itself
 * an existing file; after `.root` the slash may be left out, as uproot writes it (`h.root:dir/h1` is
 * location `/dir/h1`). So `C:/data/h.json` (a Windows drive), `run:/x.json` (a colon in a folder name) and
 * files whose names contain `:/` keep working as plain paths.
 * @module
 */
import { statSync } from 'node:fs';

/** File name endings of formats whose files have inner locations. */
export const LOCATION_EXTENSIONS: readonly string[] = ['.h5', '.hdf5', '.hdf', '.root'];

/** A file and, when the address names one, a place inside it. */
export interface FileAddress {
  path: string;
  /** Absolute path inside the file (`/analysis/hists`), or undefined for the whole file. */
  location?: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Split `FILE:/inner` into the file and the inner location (see the module comment).
 *
 * @example
 * ```ts
 * parseAddress('out.h5:/analysis/hists'); // { path: 'out.h5', location: '/analysis/hists' }
 * parseAddress('C:/data/h.json');         // { path: 'C:/data/h.json' }
 * ```
 */
export function parseAddress(address: string, exists: (path: string) => boolean = isFile): FileAddress {
  if (!address.includes(':') || exists(address)) return { path: address };
  for (let i = address.indexOf(':'); i > 0; i = address.indexOf(':', i + 1)) {
    const path = address.slice(0, i);
    const lower = path.toLowerCase();
    const inner = address.slice(i + 1);
    // `file.root:dir/h` (uproot's spelling) needs no slash after the colon; other files do
    if (lower.endsWith('.root') && inner !== '') return { path, location: inner.startsWith('/') ? inner : `/${inner}` };
    if (inner.startsWith('/') && (LOCATION_EXTENSIONS.some((ext) => lower.endsWith(ext)) || exists(path))) return { path, location: inner };
  }
  return { path: address };
}

/** The address text of a file and location (inverse of {@link parseAddress}). */
export function formatAddress(a: FileAddress): string {
  return a.location === undefined ? a.path : `${a.path}:${a.location}`;
}
