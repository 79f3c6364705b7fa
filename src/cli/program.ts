/**
 * The commander program. `createProgram()` returns a fresh `Command` each call (tests use
 * `exitOverride()`); there is no module-level program.
 * @module
 */
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { convertCommand } from './commands/convert.js';
import { diffCommand } from './commands/diff.js';
import { fitCommand } from './commands/fit.js';
import { mergeCommand } from './commands/merge.js';
import { schemaCommand } from './commands/schema.js';
import { formatsCommand } from './commands/formats.js';
import { inspectCommand } from './commands/inspect.js';
import { validateCommand } from './commands/validate.js';
import type { CliContext } from './context.js';

export function createProgram(ctx: CliContext): Command {
  const program = new Command('hist-serial')
    .description('Store, convert, compare and check HEP histograms (UHI JSON, UHI zip, .hsb/.hsj, BSON, HDF5, ROOT)')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .addHelpText('after', '\nExit codes: 0 ok, 1 invalid input, 2 usage or IO error, 3 internal error.');
  for (const make of [convertCommand, validateCommand, inspectCommand, diffCommand, mergeCommand, fitCommand, schemaCommand, formatsCommand]) {
    program.addCommand(make(ctx).configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr }).showHelpAfterError());
  }
  return program;
}
