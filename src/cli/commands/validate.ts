/**
 * `hist-serial validate FILE...`: histogram files, HS3 fit models, pyhf workspaces and fit results
 * (recognised by content), one at a time (only a summary of each is kept, so hundreds of files run in
 * bounded memory); globs expanded; reports as text, JSON, GitHub annotations or JUnit XML. Exit 0 when
 * all are valid, 1 when any is invalid, 2 when a file cannot be read.
 * @module
 */
import { Command, Option } from 'commander';
import { HistSerialError, type Issue } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { expandFileArguments } from '../expand.js';
import { githubEntry, junitReport, summarize, summaryLine, textEntry, type ValidateEntry } from '../reporters.js';
import { checkInput } from '../stdio.js';

type ReportFormat = 'text' | 'json' | 'github' | 'junit';

interface ValidateCliOptions {
  format: ReportFormat;
  strict?: boolean;
  inputFormat?: string;
  quiet?: boolean;
}

const strip = ({ code, path, message }: Issue) => ({ code, path, message });

async function checkOne(file: string, ctx: CliContext, opts: ValidateCliOptions): Promise<ValidateEntry> {
  const t0 = performance.now();
  try {
    const r = await checkInput(file, ctx, opts.inputFormat ? { format: opts.inputFormat } : {});
    const errors = r.issues.filter((i) => i.severity === 'error' || opts.strict);
    const warnings = r.issues.filter((i) => i.severity === 'warning' && !opts.strict);
    return {
      file,
      valid: errors.length === 0,
      ...(r.format ? { format: r.format } : {}),
      kind: r.kind ?? 'histograms',
      ...(r.document ? { histograms: r.document.histograms.size } : {}),
      errors: errors.map(strip),
      warnings: warnings.map(strip),
      ms: performance.now() - t0,
    };
  } catch (err) {
    if (!(err instanceof HistSerialError)) throw err;
    return { file, valid: false, unreadable: true, errors: [{ code: err.code, path: err.path, message: err.message }], warnings: [], ms: performance.now() - t0 };
  }
}

export function validateCommand(ctx: CliContext): Command {
  return new Command('validate')
    .description(
      'Check histogram files, HS3 fit models, pyhf workspaces and fit results (recognised by content) against their schema and semantic rules; exit 0 all valid, 1 any invalid, 2 a file unreadable',
    )
    .argument('<files...>', 'files or quoted glob patterns (`results/**/*.{json,h5,root}`); - for stdin')
    .addOption(new Option('--format <format>', 'report: text, json, github (Actions annotations), junit (XML)').choices(['text', 'json', 'github', 'junit']).default('text'))
    .option('--strict', 'warnings make a file invalid')
    .option('--input-format <name>', 'read every file with this format instead of detecting it')
    .option('-q, --quiet', 'text and github: print only the files with problems, and the summary')
    .addHelpText(
      'after',
      "\nA glob that matches no file is an error (exit 2), so a CI job cannot pass by checking nothing.\n\nExamples:\n  hist-serial validate 'results/**/*.{json,h5,root}'\n  hist-serial validate h.json --format json\n  hist-serial validate model.hs3.json workspace.json --strict\n  hist-serial validate 'histos/*.json' --format github     # annotations in a GitHub Actions log\n  hist-serial validate 'histos/*.json' --format junit > validate.xml\n  cat h.json | hist-serial validate -",
    )
    .action(async (patterns: string[], opts: ValidateCliOptions) => {
      const t0 = performance.now();
      const files = await expandFileArguments(patterns);
      const entries: ValidateEntry[] = [];
      for (const file of files) {
        const e = await checkOne(file, ctx, opts);
        // entries keep no document: memory stays bounded whatever the number of files
        entries.push(e);
        if (opts.format === 'text' && !(opts.quiet && e.valid && e.warnings.length === 0)) ctx.stdout(textEntry(e));
        if (opts.format === 'github') ctx.stdout(githubEntry(e));
      }
      ctx.exitCode = entries.some((e) => e.unreadable) ? EXIT.USAGE : entries.some((e) => !e.valid) ? EXIT.INVALID : EXIT.OK;
      const summary = summarize(entries, performance.now() - t0);
      // json: the array of entries (the summary is derivable from it)
      if (opts.format === 'json') ctx.stdout(JSON.stringify(entries.map(({ ms: _ms, ...e }) => e), null, 2) + '\n');
      else if (opts.format === 'junit') ctx.stdout(junitReport(entries, summary));
      else ctx.stdout(`${summaryLine(summary)}\n`);
    });
}
