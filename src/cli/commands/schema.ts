/**
 * `hist-serial schema [name]`: print one of the JSON Schemas the library validates against (for
 * editors and other languages), or list them.
 * @module
 */
import { Argument, Command } from 'commander';
import { getSchema, SCHEMA_NAMES, type SchemaName } from '../../schema/validator.js';
import type { CliContext } from '../context.js';

export function schemaCommand(ctx: CliContext): Command {
  return new Command('schema')
    .description('Print a JSON Schema (draft 2020-12) hist-serial validates against; without a name, list them')
    .addArgument(new Argument('[name]', 'which schema').choices(SCHEMA_NAMES))
    .addHelpText('after', '\nExamples:\n  hist-serial schema histogram > histogram.schema.json\n  hist-serial schema')
    .action((name?: SchemaName) => {
      if (!name) {
        for (const n of SCHEMA_NAMES) ctx.stdout(`${n}\t${(getSchema(n) as { $id?: string }).$id ?? ''}\n`);
        return;
      }
      ctx.stdout(JSON.stringify(getSchema(name), null, 2) + '\n');
    });
}
