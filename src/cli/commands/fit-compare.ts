/**
 * `hist-serial fit compare A B`: two fit-result files (JSON or native containers; ours, or converted
 * from another framework's output) compared with {@link compareFitResults}: parameter values (within
 * `--sigma` of their errors, or `--rtol`/`--atol`), errors, MINOS errors, covariance and correlation,
 * the minimum. Exit 0 the same within tolerance, 1 different.
 * @module
 */
import { Command } from 'commander';
import { compareFitResults, type FitResultDifference } from '../../fit-result/compare.js';
import type { FitResult } from '../../fit-result/types.js';
import { readFitResults } from '../../io/fit-results.js';
import { nonNegativeNumber } from '../arguments.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** The pairs to compare: results of the same name; or the only result of each file. */
function pairs(a: Record<string, FitResult>, b: Record<string, FitResult>): { name: string; a?: FitResult; b?: FitResult }[] {
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  if (ka.length === 1 && kb.length === 1) return [{ name: ka[0] === kb[0] ? ka[0]! : `${ka[0]} vs ${kb[0]}`, a: a[ka[0]!], b: b[kb[0]!] }];
  const names = [...new Set([...ka, ...kb])];
  return names.map((name) => ({ name, ...(a[name] ? { a: a[name] } : {}), ...(b[name] ? { b: b[name] } : {}) }));
}

export function fitCompareCommand(ctx: CliContext): Command {
  return new Command('compare')
    .description('Compare two fit-result files (any framework, converted to the fit-result schema): values in units of their errors, errors, correlations, minimum; exit 0 same, 1 different')
    .argument('<a>', 'fit-result file (.json, or .hsb/.hsj holding fit results)')
    .argument('<b>', 'the other one')
    .option('--sigma <s>', 'parameter values agree within S times the larger of their errors', nonNegativeNumber)
    .option('--rtol <x>', 'relative tolerance for everything else: |a-b| <= atol + rtol*|b|', nonNegativeNumber, 1e-5)
    .option('--atol <x>', 'absolute tolerance', nonNegativeNumber, 1e-8)
    .option('--no-minimum', 'do not compare the minimum of −2 ln L (frameworks drop different constants)')
    .option('--format <format>', 'text or json', 'text')
    .addHelpText('after', '\nExamples:\n  hist-serial fit compare ours.json roofit.json --sigma 0.05\n  hist-serial fit compare reference.hsb rerun.json --rtol 1e-3 --format json')
    .action(async (fa: string, fb: string, opts: { sigma?: number; rtol: number; atol: number; minimum: boolean; format: string }) => {
      const [ra, rb] = [await readFitResults(fa), await readFitResults(fb)];
      const report: { name: string; same: boolean; differences: FitResultDifference[] }[] = [];
      for (const p of pairs(ra, rb)) {
        if (!p.a || !p.b) {
          report.push({ name: p.name, same: false, differences: [{ kind: p.a ? 'missing' : 'extra', path: '', message: `fit result ${JSON.stringify(p.name)} is only in ${p.a ? fa : fb}` }] });
          continue;
        }
        const differences = compareFitResults(p.a, p.b, { rtol: opts.rtol, atol: opts.atol, minimum: opts.minimum, ...(opts.sigma === undefined ? {} : { sigma: opts.sigma }) });
        report.push({ name: p.name, same: differences.length === 0, differences });
      }
      const same = report.every((r) => r.same);
      ctx.exitCode = same ? EXIT.OK : EXIT.INVALID;
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ a: fa, b: fb, same, results: report }, null, 2) + '\n');
        return;
      }
      ctx.stdout(`${fa} vs ${fb}: ${same ? 'same within tolerance' : 'DIFFERENT'}\n`);
      for (const r of report) {
        ctx.stdout(`  ${r.name}: ${r.same ? 'same' : `${r.differences.length} difference(s)`}\n`);
        for (const d of r.differences) ctx.stdout(`    ${d.message}\n`);
      }
    });
}
