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
  /** All of standard input, for `-` as an input file (absent: stdin is not available). */
  readStdin?: () => Promise<Uint8Array>;
  /** Write bytes to standard output, for `-` as an output file (waits for the stream to drain). */
  writeStdout?: (chunk: Uint8Array) => Promise<void>;
  /** Is standard error a terminal (progress bars are drawn only then), and how wide? */
  stderrTTY?: { columns: number };
}

async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function writeProcessStdout(chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/** A context writing to the process streams. */
export function processContext(): CliContext {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    registry: createDefaultRegistry(),
    exitCode: 0,
    readStdin: readAllStdin,
    writeStdout: writeProcessStdout,
    ...(process.stderr.isTTY ? { stderrTTY: { columns: process.stderr.columns || 80 } } : {}),
  };
}
