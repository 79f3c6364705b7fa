/**
 * Zip member names of UHI zip histograms and arrays: the percent-escaping of spec.md 4.2 (names that
 * would make unsafe or ambiguous member names), its inverse, and the check that a member name read
 * from an archive is a plain relative path.
 * @module
 */
import { HistSerialError } from '../errors.js';
import { MESSAGES } from '../messages.js';

/** Characters escaped in member names: path separators, control characters, and `%` where it could read as an escape. */
const NEEDS_ESCAPE = /[\x00-\x1f\x7f/\\]|%(?=[0-9A-Fa-f]{2})/g;
/** The escapes {@link escapeMemberName} produces (and only those are decoded). */
const ESCAPED = /%(?:[01][0-9A-Fa-f]|7[Ff]|2[Ff5]|5[Cc])/g;

/**
 * The member-name form of a histogram name or array key: uhi's name itself, except that `/`, `\`,
 * control characters and a `%` followed by two hex digits are percent-escaped (`a/b` → `a%2Fb`), so
 * that no name can leave the archive or be mistaken for an escape. {@link unescapeMemberName}
 * inverts it exactly.
 *
 * @example
 * ```ts
 * escapeMemberName('jets/pt'); // 'jets%2Fpt'
 * ```
 */
export function escapeMemberName(name: string): string {
  return name.replace(NEEDS_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * The histogram name of a member stem (`NAME` of `NAME.json`): undoes {@link escapeMemberName}.
 *
 * @example
 * ```ts
 * unescapeMemberName('jets%2Fpt'); // 'jets/pt'
 * ```
 */
export function unescapeMemberName(stem: string): string {
  return stem.replace(ESCAPED, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
}

/**
 * Is `name` a plain relative path (not absolute, no `..` segment, no backslash, no NUL)?
 *
 * @example
 * ```ts
 * isSafeMemberName('h_storage_values.npy'); // true
 * isSafeMemberName('../x.npy'); // false
 * ```
 */
export function isSafeMemberName(name: string): boolean {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').includes('..');
}

/** A histogram name or array key → member stem, refusing what a zip name cannot hold. */
export function memberStem(name: string): string {
  if (/\p{Cs}/u.test(name)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.zipMemberName(name, MESSAGES.zipNameSurrogate()));
  return escapeMemberName(name);
}
