/**
 * `hist-serial formats`: the registered codecs.
 * @module
 */
import { Command } from 'commander';
import { MODEL_FORMATS } from '../../document-kind.js';
import type { CliContext } from '../context.js';
import { table } from '../table.js';

export function formatsCommand(ctx: CliContext): Command {
  return new Command('formats').description('List the formats this hist-serial reads and writes').action(() => {
    const rows = [['name', 'extensions', 'write', 'description']];
    for (const e of ctx.registry.list()) rows.push([e.name, e.extensions.join(' '), e.writable ? 'yes' : 'no', e.description]);
    ctx.stdout(table(rows) + '\n');
    // fit models are JSON documents recognised by content; `convert --to hs3|pyhf` converts between them
    const models = [['fit model', 'extensions', 'write', 'description']];
    for (const f of MODEL_FORMATS) models.push([f.name, '.json', 'convert --to', f.description]);
    ctx.stdout('\n' + table(models) + '\n');
  });
}
