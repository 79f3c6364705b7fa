/**
 * `hist-serial validate FILE...`: one call to {@link checkFile} per file; exit 0 when all are valid,
 * 1 when any is invalid, 2 when a file cannot be read.
 * @module
 */
import { Command, Option } from 'commander';
import { HistSerialError, type Issue } from '../../errors.js';
import { checkFile } from '../../io/files.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

interface Entry {
  file: string;
  valid: boolean;
  format?: string;
  histograms?: number;
  errors: Omit<Issue, 'severity'>[];
  warnings: Omit<Issue, 'severity'>[];
}

const strip = ({ code, path, message }: Issue) => ({ code, path, message });

export function validateCommand(ctx: CliContext): Command {
  return new Command('validate')
    .description('Check files against the schema and the semantic rules; exit 0 all valid, 1 any invalid, 2 IO/usage error')
    .argument('<files...>', 'files to check')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--strict', 'warnings make a file invalid')
    .option('--input-format <name>', 'read every file with this format instead of detecting it')
    .addHelpText('after', '\nExamples:\n  hist-serial validate results/*.json\n  hist-serial validate h.json --format json')
    .action(async (files: string[], opts: { format: 'text' | 'json'; strict?: boolean; inputFormat?: string }) => {
      const entries: Entry[] = [];
      let code: number = EXIT.OK;
      for (const file of files) {
        try {
          const r = await checkFile(file, { registry: ctx.registry, ...(opts.inputFormat ? { format: opts.inputFormat } : {}) });
          const errors = r.issues.filter((i) => i.severity === 'error' || opts.strict);
          const warnings = r.issues.filter((i) => i.severity === 'warning' && !opts.strict);
          const valid = errors.length === 0;
          entries.push({
            file,
            valid,
            ...(r.format ? { format: r.format } : {}),
            ...(r.document ? { histograms: r.document.histograms.size } : {}),
            errors: errors.map(strip),
            warnings: warnings.map(strip),
          });
          if (!valid) code = Math.max(code, EXIT.INVALID);
        } catch (err) {
          if (!(err instanceof HistSerialError)) throw err;
          entries.push({ file, valid: false, errors: [{ code: err.code, path: err.path, message: err.message }], warnings: [] });
          code = EXIT.USAGE;
        }
      }
      ctx.exitCode = code;
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(entries, null, 2) + '\n');
        return;
      }
      for (const e of entries) {
        const what = e.valid ? `valid (${e.format}, ${e.histograms} histogram(s))` : 'INVALID';
        ctx.stdout(`${e.valid ? 'ok  ' : 'FAIL'} ${e.file}: ${what}\n`);
        for (const i of e.errors) ctx.stdout(`     error   [${i.code}] ${i.message}\n`);
        for (const i of e.warnings) ctx.stdout(`     warning [${i.code}] ${i.message}\n`);
      }
      const bad = entries.filter((e) => !e.valid).length;
      ctx.stdout(`${entries.length} file(s): ${entries.length - bad} valid, ${bad} invalid\n`);
    });
}
