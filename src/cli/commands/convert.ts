/**
 * `hist-serial convert IN OUT`: one call to {@link convertFile}.
 * @module
 */
import { Command, Option } from 'commander';
import { convertFile } from '../../io/files.js';
import type { EncodeOptions } from '../../codecs/codec.js';
import type { CliContext } from '../context.js';

interface ConvertCliOptions {
  to?: string;
  from?: string;
  select?: string[];
  compression?: 'store' | 'deflate' | 'gzip';
  level?: number;
  nonFinite: 'python' | 'error';
  quiet?: boolean;
}

/** One --compression flag for every container: each codec reads its own option. */
function compressed(on: boolean): EncodeOptions {
  return { zipCompression: on ? 'deflate' : 'store', hdf5Compression: on ? 'gzip' : 'none', rootCompression: on ? 'zlib' : 'none' };
}

export function convertCommand(ctx: CliContext): Command {
  return new Command('convert')
    .description('Convert histograms between formats (the output format comes from --to or the OUT extension)')
    .argument('<input>', 'file to read (format detected from its content)')
    .argument('<output>', 'file to write (written atomically: temp file, then rename)')
    .option('-t, --to <format>', 'output format (see `hist-serial formats`)')
    .option('-f, --from <format>', 'input format, when the content is ambiguous')
    .option('-s, --select <name...>', 'only these histograms, in this order')
    .addOption(new Option('--compression <method>', 'zip and HDF5: store arrays uncompressed (default), or compress them (deflate and gzip are the same zlib stream); ROOT: zlib unless store').choices(['store', 'deflate', 'gzip']))
    .option('--level <n>', 'compression level 0-9 (default: zip 6, HDF5 4, ROOT 1)', (v) => Number.parseInt(v, 10))
    .addOption(new Option('--non-finite <policy>', 'JSON output: NaN/Infinity as Python tokens, or refuse them (strict RFC 8259)').choices(['python', 'error']).default('python'))
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText('after', '\nExamples:\n  hist-serial convert histos.json copy.json\n  hist-serial convert all.json h1.json --select reg1d_int\n  hist-serial convert in.json out.json --non-finite error\n  hist-serial convert in.json out.zip --compression deflate --level 1\n  hist-serial convert in.json out.h5:/analysis/hists --compression gzip')
    .action(async (input: string, output: string, opts: ConvertCliOptions) => {
      const result = await convertFile(input, output, {
        registry: ctx.registry,
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.select ? { select: opts.select } : {}),
        options: {
          nonFinite: opts.nonFinite,
          ...(opts.compression === undefined ? {} : compressed(opts.compression !== 'store')),
          ...(opts.level !== undefined ? { zipLevel: opts.level, hdf5Level: opts.level, rootLevel: opts.level } : {}),
        },
      });
      for (const w of result.warnings) ctx.stderr(`warning [${w.code}]: ${w.message}\n`);
      if (!opts.quiet) {
        ctx.stdout(
          `${result.input} (${result.from}) -> ${result.output} (${result.to}): ${result.histograms.length} histogram(s) [${result.histograms.join(', ')}], ${result.bytes} bytes\n`,
        );
      }
    });
}
