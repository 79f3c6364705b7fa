/**
 * `hist-serial diff A B`: read both files (any formats), compare them with {@link compareDocuments};
 * exit 0 when they are the same, 1 when they differ.
 * @module
 */
import { Command } from 'commander';
import { readInput } from '../stdio.js';
import { compareDocuments, type Difference } from '../../model/compare.js';
import { nonNegativeNumber } from '../arguments.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { num } from '../table.js';

interface DiffCliOptions {
  rtol: number;
  atol: number;
  maxBins: number;
  metadata: boolean;
  writerInfo?: boolean;
  json?: boolean;
  select?: string[];
  quiet?: boolean;
}

function render(d: Difference): string[] {
  const lines = [`  ${d.histogram}: ${d.message}${d.maxAbsDiff !== undefined ? ` (max |a-b| ${num(d.maxAbsDiff)})` : ''}`];
  // bin values in full (shortest round-trip form): rounding would hide the difference
  for (const b of d.bins ?? []) lines.push(`      bin [${b.index.join(', ')}]: ${String(b.a)} vs ${String(b.b)}`);
  if (d.bins && d.count! > d.bins.length) lines.push(`      ... and ${d.count! - d.bins.length} more`);
  return lines;
}

export function diffCommand(ctx: CliContext): Command {
  return new Command('diff')
    .description('Compare two files (any formats): histograms, axes, storage, metadata, bin contents; exit 0 same, 1 different')
    .argument('<a>', 'first file (FILE, file.h5:/group, file.root:dir; - for stdin)')
    .argument('<b>', 'second file')
    .option('--rtol <x>', 'relative tolerance: |a-b| <= atol + rtol*|b|', nonNegativeNumber, 0)
    .option('--atol <x>', 'absolute tolerance', nonNegativeNumber, 0)
    .option('--max-bins <n>', 'differing bins printed per array', (v) => Number.parseInt(v, 10), 10)
    .option('--no-metadata', 'ignore metadata')
    .option('--writer-info', 'compare writer_info too (ignored by default: every writer stamps its own)')
    .option('-s, --select <name...>', 'only these histograms')
    .option('--json', 'print the comparison as JSON')
    .option('-q, --quiet', 'print nothing; the exit code says it')
    .addHelpText(
      'after',
      '\nBin indices include the flow bins: index 0 is the underflow of an axis that has one.\n\nExamples:\n  hist-serial diff histos.json histos.h5\n  hist-serial diff run1.root run2.root --rtol 1e-6\n  hist-serial diff a.json b.zip --json',
    )
    .action(async (a: string, b: string, opts: DiffCliOptions) => {
      const read = (f: string) => readInput(f, ctx, opts.select ? { select: opts.select } : {});
      const [da, db] = [await read(a), await read(b)];
      const c = compareDocuments(da, db, { rtol: opts.rtol, atol: opts.atol, maxBins: opts.maxBins, metadata: opts.metadata, ...(opts.writerInfo ? { writerInfo: true } : {}) });
      ctx.exitCode = c.same ? EXIT.OK : EXIT.INVALID;
      if (opts.quiet) return;
      if (opts.json) {
        ctx.stdout(JSON.stringify({ a, b, ...c }, null, 2) + '\n');
        return;
      }
      const differing = new Set(c.differences.map((d) => d.histogram));
      ctx.stdout(`${a} vs ${b}: ${c.same ? 'same' : 'DIFFERENT'} (${c.equal.length} histogram(s) equal, ${differing.size} differ)\n`);
      for (const d of c.differences) ctx.stdout(render(d).join('\n') + '\n');
    });
}
