/**
 * `hist-serial merge A B ... -o OUT`: add the histograms of several files (ROOT's hadd rule:
 * same-named histograms are added, the others kept), reading one input at a time.
 * @module
 */
import { Command } from 'commander';
import { readInput, writeOutput } from '../stdio.js';
import { mergeDocuments } from '../../model/merge.js';
import type { CliContext } from '../context.js';

export function mergeCommand(ctx: CliContext): Command {
  return new Command('merge')
    .description('Add histograms with the same names and axes across files (int, double, weighted summed; mean storages pooled) into one output')
    .argument('<inputs...>', 'files to add (any formats; FILE, file.h5:/group, file.root:dir)')
    .requiredOption('-o, --output <file>', 'file to write (format from --to or its extension); - for stdout (needs --to)')
    .option('-t, --to <format>', 'output format')
    .option('-s, --select <name...>', 'only these histograms')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText('after', '\nExamples:\n  hist-serial merge run1.json run2.json run3.h5 -o total.hsb\n  hist-serial merge part-*.root -o all.root --select mass')
    .action(async (inputs: string[], opts: { output: string; to?: string; select?: string[]; quiet?: boolean }) => {
      const read = (f: string) => readInput(f, ctx, opts.select ? { select: opts.select } : {});
      const total = await read(inputs[0]!);
      // one input in memory at a time beside the running total
      for (const f of inputs.slice(1)) mergeDocuments(total, await read(f));
      const r = await writeOutput(opts.output, total, ctx, opts.to ? { format: opts.to } : {});
      for (const w of r.warnings) ctx.stderr(`warning [${w.code}]: ${w.message}\n`);
      if (!opts.quiet) (opts.output === '-' ? ctx.stderr : ctx.stdout)(`${inputs.length} file(s) -> ${opts.output} (${r.format}): ${total.histograms.size} histogram(s) [${[...total.histograms.keys()].join(', ')}], ${r.bytes} bytes\n`);
    });
}
