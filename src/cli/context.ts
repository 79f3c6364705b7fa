/**
 * What CLI commands write to, so tests can run them in-process.
 * @module
 */
import { createDefaultRegistry, type CodecRegistry } from '../codecs/registry.js';

/** Output streams and the codec registry of one CLI run. */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  registry: CodecRegistry;
  /** Set by commands whose outcome is not an exception (validate). */
  exitCode: number;
}

/** A context writing to the process streams. */
export function processContext(): CliContext {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    registry: createDefaultRegistry(),
    exitCode: 0,
  };
}
