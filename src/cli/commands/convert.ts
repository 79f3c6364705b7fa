/**
 * `hist-serial convert IN OUT`: one call to {@link convertFile}.
 * @module
 */
import { Command, Option } from 'commander';
import { convertFile } from '../../io/files.js';
import type { EncodeOptions } from '../../codecs/codec.js';
import { parseAddress } from '../../io/address.js';
import type { HistDocument } from '../../model/histogram.js';
import type { CliContext } from '../context.js';
import { startProgress } from '../progress.js';
import { STDIO, readInput, writeOutput } from '../stdio.js';

interface ConvertCliOptions {
  to?: string;
  from?: string;
  select?: string[];
  compression?: 'store' | 'deflate' | 'gzip';
  level?: number;
  nonFinite: 'python' | 'error';
  quiet?: boolean;
  analysis?: string;
}

/** Bytes of bin data in a document: what a binary output file will hold, about (text: 2.4 times). */
function payloadBytes(doc: HistDocument): number {
  let n = 0;
  for (const h of doc.histograms.values()) for (const a of Object.values(h.storage.arrays)) n += a?.data.byteLength ?? 0;
  return n;
}

/** One --compression flag for every container: each codec reads its own option. */
function compressed(on: boolean): EncodeOptions {
  return { zipCompression: on ? 'deflate' : 'store', hdf5Compression: on ? 'gzip' : 'none', rootCompression: on ? 'zlib' : 'none' };
}

export function convertCommand(ctx: CliContext): Command {
  return new Command('convert')
    .description('Convert histograms between formats (the output format comes from --to or the OUT extension), or a fit model between pyhf and HS3 (--to pyhf|hs3)')
    .argument('<input>', 'file to read (format detected from its content); - for stdin')
    .argument('<output>', 'file to write (written atomically: temp file, then rename); - for stdout (needs --to)')
    .option('-t, --to <format>', 'output format (see `hist-serial formats`); hs3 or pyhf convert a fit model (pyhf workspace <-> HS3)')
    .option('-f, --from <format>', 'input format, when the content is ambiguous')
    .option('-s, --select <name...>', 'only these histograms, in this order')
    .addOption(new Option('--compression <method>', 'zip and HDF5: store arrays uncompressed (default), or compress them (deflate and gzip are the same zlib stream); ROOT: zlib unless store').choices(['store', 'deflate', 'gzip']))
    .option('--level <n>', 'compression level 0-9 (default: zip 6, HDF5 4, ROOT 1)', (v) => Number.parseInt(v, 10))
    .addOption(new Option('--non-finite <policy>', 'JSON output: NaN/Infinity as Python tokens, or refuse them (strict RFC 8259)').choices(['python', 'error']).default('python'))
    .option('-q, --quiet', 'print nothing on success (and no progress line)')
    .option('--analysis <name>', 'HS3 -> pyhf: the analysis to convert (default: the first on observed data)')
    .addHelpText('after', '\nExamples:\n  hist-serial convert histos.json copy.json\n  hist-serial convert all.json h1.json --select reg1d_int\n  hist-serial convert in.json out.json --non-finite error\n  hist-serial convert in.json out.zip --compression deflate --level 1\n  hist-serial convert in.json out.h5:/analysis/hists --compression gzip\n  hist-serial convert workspace.json model.hs3.json --to hs3\n  hist-serial convert model.hs3.json workspace.json --to pyhf --analysis obs\n  cat histos.json | hist-serial convert - - --to hsb > histos.hsb\n\nOn a terminal, long conversions draw a progress line on stderr.')
    .action(async (input: string, output: string, opts: ConvertCliOptions) => {
      const options: EncodeOptions = {
        nonFinite: opts.nonFinite,
        ...(opts.compression === undefined ? {} : compressed(opts.compression !== 'store')),
        ...(opts.level !== undefined ? { zipLevel: opts.level, hdf5Level: opts.level, rootLevel: opts.level } : {}),
      };
      if (input === STDIO || output === STDIO) {
        // pipes: standard input (format from the content or --from), standard output (format from --to)
        const doc = await readInput(input, ctx, { ...(opts.from ? { format: opts.from } : {}), ...(opts.select ? { select: opts.select } : {}) });
        const to = opts.to ?? (output === STDIO ? undefined : ctx.registry.detectOutput(parseAddress(output).path).name);
        const r = await writeOutput(output, doc, ctx, { ...(to ? { format: to } : {}), options });
        for (const w of r.warnings) ctx.stderr(`warning [${w.code}]: ${w.message}\n`);
        // with stdout as the output, the report goes to stderr so the data stay clean
        if (!opts.quiet) (output === STDIO ? ctx.stderr : ctx.stdout)(`${input === STDIO ? '(stdin)' : input} (${doc.format}) -> ${output === STDIO ? '(stdout)' : output} (${r.format}): ${doc.histograms.size} histogram(s) [${[...doc.histograms.keys()].join(', ')}], ${r.bytes} bytes\n`);
        return;
      }
      const progress = startProgress(ctx, `${input} -> ${output}`, opts.quiet);
      try {
        const result = await convertFile(input, output, {
          registry: ctx.registry,
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.select ? { select: opts.select } : {}),
          ...(opts.analysis ? { analysis: opts.analysis } : {}),
          options,
          onRead: (doc, out) => {
            const text = /\.(json|hsj)$/i.test(out);
            progress.phase('writing', { target: parseAddress(out).path, expectedBytes: payloadBytes(doc) * (text && !out.endsWith('.hsj') ? 2.4 : 1) });
          },
        });
        progress.stop();
        for (const w of result.warnings) ctx.stderr(`warning [${w.code}]: ${w.message}\n`);
        if (!opts.quiet && result.summary !== undefined) ctx.stdout(`${result.input} (${result.from}) -> ${result.output} (${result.to}): ${result.summary}, ${result.bytes} bytes\n`);
        else if (!opts.quiet) {
          ctx.stdout(
            `${result.input} (${result.from}) -> ${result.output} (${result.to}): ${result.histograms.length} histogram(s) [${result.histograms.join(', ')}], ${result.bytes} bytes\n`,
          );
        }
      } finally {
        progress.stop();
      }
    });
}
