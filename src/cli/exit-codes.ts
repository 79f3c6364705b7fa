/**
 * CLI exit codes (documented in README.md):
 * - 0 `OK`: success; for `validate`, every file valid.
 * - 1 `INVALID`: bad content: a file is invalid, cannot be decoded, or cannot be converted as asked.
 * - 2 `USAGE`: bad command line or an IO problem (missing file, permission, unknown format name).
 * - 3 `INTERNAL`: a bug in hist-serial (an unexpected exception); please report it with `--debug` output.
 * @module
 */
import { HistSerialError, type ErrorCode } from '../errors.js';

export const EXIT = { OK: 0, INVALID: 1, USAGE: 2, INTERNAL: 3 } as const;

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['IO', 'INVALID_ARGUMENT', 'UNKNOWN_FORMAT', 'NOT_FOUND']);

/** Exit code for an error that ended a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof HistSerialError) return USAGE_CODES.has(err.code) && !isDetectionFailure(err) ? EXIT.USAGE : EXIT.INVALID;
  return EXIT.INTERNAL;
}

/** A file whose content matches no format is bad content (1), not a bad command line. */
function isDetectionFailure(err: HistSerialError): boolean {
  return err.code === 'UNKNOWN_FORMAT' && err.message.startsWith('Cannot tell the format of');
}
