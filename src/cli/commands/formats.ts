/**
 * `hist-serial formats`: the registered codecs.
 * @module
 */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { table } from '../table.js';

export function formatsCommand(ctx: CliContext): Command {
  return new Command('formats').description('List the formats this hist-serial reads and writes').action(() => {
    const rows = [['name', 'extensions', 'write', 'description']];
    for (const e of ctx.registry.list()) rows.push([e.name, e.extensions.join(' '), e.writable ? 'yes' : 'no', e.description]);
    ctx.stdout(table(rows) + '\n');
  });
}
