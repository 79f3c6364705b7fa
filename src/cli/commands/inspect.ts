/**
 * `hist-serial inspect FILE`: one call to {@link readDocument}, then a table per histogram
 * (or JSON with `--json`).
 * @module
 */
import { Command } from 'commander';
import { readDocument } from '../../io/files.js';
import { summarizeDocument, type AxisSummary, type HistogramSummary } from '../../model/summary.js';
import type { CliContext } from '../context.js';
import { num, table } from '../table.js';

function axisLine(a: AxisSummary, i: number): string[] {
  const name = String(a.metadata?.name ?? a.metadata?.label ?? '');
  let binning: string;
  if (a.range) binning = `${a.bins} bins [${num(a.range[0])}, ${num(a.range[1])})`;
  else {
    const cats = a.categories ?? [];
    const shown = cats.slice(0, 6).map((c) => (typeof c === 'string' ? JSON.stringify(c) : String(c)));
    binning = `${a.bins} categories {${shown.join(', ')}${cats.length > 6 ? ', ...' : ''}}`;
  }
  const flow = [a.underflow ? 'underflow' : '', a.overflow ? (a.range ? 'overflow' : 'flow') : '', a.circular ? 'circular' : '']
    .filter(Boolean)
    .join('+');
  return [`  axis ${i}`, a.type, name, binning, flow || 'no flow'];
}

function render(s: HistogramSummary): string {
  const lines = [`${s.name}: ${s.storage.type} storage (${s.storage.layout}), shape [${s.shape.join(', ')}], ${s.storedBins} stored bins`];
  lines.push(table(s.axes.map(axisLine)));
  const sums = Object.entries(s.sums);
  if (sums.length) {
    const rows = [['  array', 'dtype', 'sum (with flow)', 'sum (no flow)', 'NaN']];
    for (const [field, sum] of sums) rows.push([`  ${field}`, s.storage.dtypes[field as keyof typeof s.storage.dtypes] ?? '', num(sum.total), num(sum.inner), String(sum.nanCount)]);
    lines.push(table(rows));
  } else lines.push('  (no bin data: metadata-only histogram)');
  if (s.metadata && Object.keys(s.metadata).length) {
    lines.push('  metadata: ' + Object.entries(s.metadata).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', '));
  }
  if (s.writer_info) lines.push('  writer_info: ' + Object.keys(s.writer_info).join(', '));
  return lines.join('\n');
}

export function inspectCommand(ctx: CliContext): Command {
  return new Command('inspect')
    .description('Describe every histogram: axes, storage, shape, sums with and without flow, metadata')
    .argument('<file>', 'file to read')
    .option('--json', 'print a JSON array of summaries')
    .option('-s, --select <name...>', 'only these histograms')
    .addHelpText('after', '\nExamples:\n  hist-serial inspect histos.json\n  hist-serial inspect histos.json --json --select h1')
    .action(async (file: string, opts: { json?: boolean; select?: string[] }) => {
      const doc = await readDocument(file, { registry: ctx.registry, ...(opts.select ? { select: opts.select } : {}) });
      const summaries = summarizeDocument(doc);
      ctx.stdout(opts.json ? JSON.stringify(summaries, null, 2) + '\n' : summaries.map(render).join('\n\n') + '\n');
    });
}
