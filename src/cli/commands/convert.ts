/**
 * `hist-serial convert IN OUT`: one call to {@link convertFile}.
 * @module
 */
import { Command, Option } from 'commander';
import { convertFile } from '../../io/files.js';
import type { CliContext } from '../context.js';

interface ConvertCliOptions {
  to?: string;
  from?: string;
  select?: string[];
  compression?: 'store' | 'deflate';
  level?: number;
  nonFinite: 'python' | 'error';
  quiet?: boolean;
}

export function convertCommand(ctx: CliContext): Command {
  return new Command('convert')
    .description('Convert histograms between formats (the output format comes from --to or the OUT extension)')
    .argument('<input>', 'file to read (format detected from its content)')
    .argument('<output>', 'file to write (written atomically: temp file, then rename)')
    .option('-t, --to <format>', 'output format (see `hist-serial formats`)')
    .option('-f, --from <format>', 'input format, when the content is ambiguous')
    .option('-s, --select <name...>', 'only these histograms, in this order')
    .addOption(new Option('--compression <method>', 'zip: store arrays (default) or deflate them').choices(['store', 'deflate']))
    .option('--level <n>', 'compression level 0-9 (zip deflate: default 6)', (v) => Number.parseInt(v, 10))
    .addOption(new Option('--non-finite <policy>', 'JSON output: NaN/Infinity as Python tokens, or refuse them (strict RFC 8259)').choices(['python', 'error']).default('python'))
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText('after', '\nExamples:\n  hist-serial convert histos.json copy.json\n  hist-serial convert all.json h1.json --select reg1d_int\n  hist-serial convert in.json out.json --non-finite error\n  hist-serial convert in.json out.zip --compression deflate --level 1')
    .action(async (input: string, output: string, opts: ConvertCliOptions) => {
      const result = await convertFile(input, output, {
        registry: ctx.registry,
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.select ? { select: opts.select } : {}),
        options: {
          nonFinite: opts.nonFinite,
          ...(opts.compression ? { zipCompression: opts.compression } : {}),
          ...(opts.level !== undefined ? { zipLevel: opts.level } : {}),
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
