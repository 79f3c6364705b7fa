/**
 * Run the CLI on an argv and return the exit code; maps errors to documented exit codes and prints
 * them without a stack trace (unless `--debug`).
 * @module
 */
import { CommanderError } from 'commander';
import { HistSerialError, ValidationError } from '../errors.js';
import { processContext, type CliContext } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { createProgram } from './program.js';

function describeError(err: HistSerialError): string {
  const where = [err.file, err.path ? `at ${err.path}` : ''].filter(Boolean).join(' ');
  let text = `error [${err.code}]${where ? ` ${where}` : ''}: ${err.message}\n`;
  if (err instanceof ValidationError && err.issues.length > 1) {
    for (const i of err.issues.slice(0, 20)) text += `  ${i.severity} ${i.code} at ${i.path || '/'}: ${i.message}\n`;
    if (err.issues.length > 20) text += `  ... ${err.issues.length - 20} more\n`;
  }
  return text;
}

/** Run `hist-serial` with user arguments (without `node` and the script path). */
export async function runCli(args: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = createProgram(ctx).exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  const debug = args.includes('--debug');
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof HistSerialError) ctx.stderr(describeError(err));
    else ctx.stderr(`internal error: ${(err as Error)?.message ?? String(err)} (run with --debug for the stack trace)\n`);
    if (debug && err instanceof Error && err.stack) ctx.stderr(err.stack + '\n');
    return exitCodeFor(err);
  }
}
