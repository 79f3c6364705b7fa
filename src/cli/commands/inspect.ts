/**
 * `hist-serial inspect FILE`: one call to {@link readDocument}, then a table per histogram
 * (or JSON with `--json`), optionally with a terminal plot (`--plot`) or SVG files (`--svg`).
 * @module
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { HistSerialError, isHistSerialError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { MESSAGES } from '../../messages.js';
import type { HistDocument, Histogram } from '../../model/histogram.js';
import { summarizeDocument, type AxisSummary, type HistogramSummary } from '../../model/summary.js';
import { plotSvg } from '../../plot/svg.js';
import { plotTerminal } from '../../plot/terminal.js';
import type { CliContext } from '../context.js';
import { readInput } from '../stdio.js';
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

interface InspectCliOptions {
  json?: boolean;
  select?: string[];
  plot?: boolean;
  width?: number;
  svg?: string;
}

/** Narrowest --width: below it bars and labels no longer fit. */
const MIN_WIDTH = 20;

function parseWidth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_WIDTH) throw new InvalidArgumentError(`expected an integer of at least ${MIN_WIDTH}`);
  return n;
}

/** Plot title: the histogram's metadata label or name, else its name in the file. */
function titleOf(name: string, h: Histogram): string {
  return String(h.metadata?.label ?? h.metadata?.name ?? name);
}

/** A file name for a histogram name (ROOT paths like dir/h become dir_h), unique within `used`. */
function svgFileName(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 120) || 'histogram';
  let file = `${base}.svg`;
  for (let i = 2; used.has(file.toLowerCase()); i++) file = `${base}-${i}.svg`;
  used.add(file.toLowerCase());
  return file;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function writeSvg(file: string, svg: string): Promise<void> {
  try {
    await writeFileAtomic(file, new TextEncoder().encode(svg));
  } catch (err) {
    throw new HistSerialError('IO', MESSAGES.io('write', file, (err as Error).message), { file, cause: err });
  }
}

/**
 * `--svg PATH`: PATH ending in a slash, or an existing folder, gets one NAME.svg per histogram
 * (histograms that cannot be plotted are skipped with a note); any other PATH gets the first histogram.
 */
async function writeSvgs(target: string, doc: HistDocument, ctx: CliContext): Promise<void> {
  const entries = [...doc.histograms];
  if (target.endsWith('/') || target.endsWith(sep) || isDirectory(target)) {
    await mkdir(target, { recursive: true }).catch((err: unknown) => {
      throw new HistSerialError('IO', MESSAGES.io('create', target, (err as Error).message), { file: target, cause: err });
    });
    const used = new Set<string>();
    for (const [name, h] of entries) {
      let svg: string;
      try {
        svg = plotSvg(h, { title: titleOf(name, h) });
      } catch (err) {
        if (!isHistSerialError(err, 'UNSUPPORTED_OPERATION')) throw err;
        ctx.stderr(MESSAGES.svgSkipped(name, err.message) + '\n');
        continue;
      }
      const file = join(target, svgFileName(name, used));
      await writeSvg(file, svg);
      ctx.stderr(MESSAGES.svgWritten(file, name) + '\n');
    }
    return;
  }
  const first = entries[0];
  if (!first) return;
  const [name, h] = first;
  let svg: string;
  try {
    svg = plotSvg(h, { title: titleOf(name, h) });
  } catch (err) {
    if (isHistSerialError(err, 'UNSUPPORTED_OPERATION')) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.plotCannot(name, err.message), { file: target });
    throw err;
  }
  await writeSvg(target, svg);
  ctx.stderr(MESSAGES.svgWritten(target, name) + '\n');
  if (entries.length > 1) ctx.stderr(MESSAGES.svgFirstOnly(target, name, entries.length - 1) + '\n');
}

/** Line width for --plot: --width, else the terminal's, else 80. */
function plotWidth(opts: InspectCliOptions): number {
  if (opts.width !== undefined) return opts.width;
  return process.stdout.isTTY && process.stdout.columns ? Math.max(MIN_WIDTH, process.stdout.columns) : 80;
}

export function inspectCommand(ctx: CliContext): Command {
  return new Command('inspect')
    .description('Describe every histogram: axes, storage, shape, sums with and without flow, metadata; plot them in the terminal or as SVG')
    .argument('<file>', 'file to read')
    .option('--json', 'print a JSON array of summaries')
    .option('-s, --select <name...>', 'only these histograms')
    .addOption(new Option('--plot', 'draw each 1D/2D histogram after its table: bars or a heat map of Unicode blocks').conflicts('json'))
    .option('--width <columns>', `line width of --plot (default: the terminal's, or 80 when stdout is not a terminal; at least ${MIN_WIDTH})`, parseWidth)
    .option('--svg <path>', 'write an SVG plot of the first histogram to PATH; if PATH ends with / or is a folder, write PATH/NAME.svg for every 1D/2D histogram')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hist-serial inspect histos.json',
        '  hist-serial inspect histos.json --json --select h1',
        '  hist-serial inspect fixtures/1d.regular.int.json --plot',
        '  hist-serial inspect histos.json --plot --width 100 --select mass',
        '  hist-serial inspect fixtures/2d.regular-variable.weighted.json --svg jets.svg',
        '  hist-serial inspect histos.json --svg plots/        # plots/NAME.svg for each histogram',
        '',
        'SVG files are written atomically; in PATH/NAME.svg, characters other than',
        'letters, digits, ".", "_" and "-" become "_". Plots need 1 or 2 axes: --plot',
        'prints a one-line note for other histograms, --svg FILE refuses them (exit 1).',
      ].join('\n'),
    )
    .action(async (file: string, opts: InspectCliOptions) => {
      const doc = await readInput(file, ctx, { ...(opts.select ? { select: opts.select } : {}) });
      const summaries = summarizeDocument(doc);
      if (opts.json) ctx.stdout(JSON.stringify(summaries, null, 2) + '\n');
      else {
        const width = plotWidth(opts);
        const histograms = [...doc.histograms];
        const blocks = summaries.map((s, i) => {
          if (!opts.plot) return render(s);
          const [name, h] = histograms[i]!;
          return `${render(s)}\n\n${plotTerminal(h, { width, title: titleOf(name, h) })}`;
        });
        ctx.stdout(blocks.join('\n\n') + '\n');
      }
      if (opts.svg) await writeSvgs(opts.svg, doc, ctx);
    });
}
