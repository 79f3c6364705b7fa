/**
 * `hist-serial fit …`: likelihood fits of fit models (pyhf workspaces and HS3 documents, recognised by
 * content). Subcommands:
 * - `fit nll MODEL [--params FILE]`: −2 ln L and the expected counts at the initial (or given) parameters.
 * - `fit [mle] MODEL [-o result.json]`: the maximum-likelihood fit with Hesse errors (and its fit-result document).
 * - `fit cls MODEL --poi-value X`: asymptotic CLs (q̃μ), observed and expected.
 * - `fit limit MODEL [--cl 0.95]`: the asymptotic CLs upper limit on the POI.
 * - `fit hist FILE[:NAME] --model gauss+expo [--svg fit.svg]`: a line-shape fit to a 1-d histogram.
 *
 * Each subcommand is made by one function of this file and listed in {@link FIT_SUBCOMMANDS}; they read
 * their model with {@link readModel}.
 * @module
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { HistSerialError, pointer } from '../../errors.js';
import { evaluateNll } from '../../fit/histfactory/index.js';
import type { FitResult } from '../../fit-result/types.js';
import type { Hs3Likelihood } from '../../model/hs3/eval/index.js';
import { describeModel, readFitModel, selectionOptions, type FitModelInput, type ModelSelection } from './fit-model.js';
import { fitModel, hypotest, likelihoodScanEntry, profileScan, toFitResult, upperLimit, type AsimovCapable } from '../../fit/infer.js';
import { fitHistogram, formatMeasurement, histFitToFitResult, histFitToHs3, plotHistFit, summarizeHistFit, type Chi2Errors } from '../../fit/hist/index.js';
import { parseAddress } from '../../io/address.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { writeFitResults } from '../../io/fit-results.js';
import { writeDocument } from '../../io/files.js';
import { setFitResults } from '../../fit-result/document.js';
import { createDocument } from '../../model/histogram.js';
import { MESSAGES } from '../../messages.js';
import type { CliContext } from '../context.js';
import { STDIO, readInput } from '../stdio.js';
import { fitCompareCommand } from './fit-compare.js';
import { num, table } from '../table.js';

/** Output formats of the fit subcommands. */
export type FitOutputFormat = 'text' | 'json';

/** The `--format` option every fit subcommand has. */
export const formatOption = () => new Option('--format <format>', 'output: text or json (exactly one JSON object)').choices(['text', 'json']).default('text');

/**
 * Parameter values from a JSON file: `{"name": value}`, or an object with such a `parameters` member
 * (the output of `fit nll --format json`); a value may be `{"value": v}` (the output of `fit`).
 */
export async function readParameterValues(file: string): Promise<Record<string, number>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new HistSerialError('IO', MESSAGES.io('read', file, (err as Error).message), { file, cause: err });
    throw new HistSerialError('PARSE', MESSAGES.hfParamsFile(file, (err as Error).message), { file, cause: err });
  }
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(json)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfParamsFile(file, 'not a JSON object'), { file });
  const values = isObject(json.parameters) ? json.parameters : json;
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) {
    const x = isObject(v) ? v.value : v;
    if (typeof x !== 'number') throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfParamsFile(file, `the value of ${JSON.stringify(name)} is not a number`), { file, path: pointer('', name) });
    out[name] = x;
  }
  return out;
}

interface NllCliOptions extends ModelSelection {
  params?: string;
  format: FitOutputFormat;
}

/** Add the model-selection options to a subcommand. */
const withSelection = (cmd: Command): Command => {
  for (const o of selectionOptions()) cmd.addOption(o);
  return cmd;
};

const MODEL_ARGUMENT = 'pyhf workspace or HS3 document (JSON; - for stdin; or a container with an HS3 model, e.g. a benchmark bundle)';

function warn(m: FitModelInput, ctx: CliContext): void {
  if (m.kind === 'histfactory') for (const w of m.model.warnings) ctx.stderr(`warning: ${w.message}\n`);
}

function nllCommand(ctx: CliContext): Command {
  return withSelection(new Command('nll'))
    .description('−2 ln L of a fit model at its initial or given parameters: HistFactory models (pyhf workspace or HS3) with pyhf\'s constants and the expected counts per bin; any other HS3 likelihood as spec.md 8.6 defines it')
    .argument('<model>', MODEL_ARGUMENT)
    .option('--params <file>', 'JSON file of parameter values {"name": value}; the others stay at their initial values')
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nHistFactory parameters have pyhf\'s names (per-bin ones "name[i]"); bins are in pyhf\'s order (channels sorted by name).\n\nExamples:\n  hist-serial fit nll workspace.json\n  hist-serial fit nll model.hs3.json --params values.json --format json\n  hist-serial fit nll unbinned.hs3.json --analysis A --parameter-point default',
    )
    .action(async (file: string, opts: NllCliOptions) => {
      const m = await readFitModel(file, ctx, opts);
      const values = opts.params ? await readParameterValues(opts.params) : {};
      warn(m, ctx);
      if (m.kind === 'hs3') {
        const lh = m.model;
        const unknown = Object.keys(values).find((k) => !lh.names.includes(k));
        if (unknown !== undefined) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfUnknownParameter(unknown, lh.names));
        const twice_nll = lh.twiceNllAt(values);
        const parameters = Object.fromEntries(lh.names.map((n, i) => [n, values[n] ?? lh.init[i]!]));
        if (opts.format === 'json') {
          ctx.stdout(JSON.stringify({ twice_nll, likelihood: lh.likelihood, parameters }, null, 2) + '\n');
          return;
        }
        const lines = [describeModel(m), `-2 ln L = ${String(twice_nll)}`, '', table([['parameter', 'value', ''], ...lh.names.map((n, i) => [n, String(parameters[n]), lh.fixed[i] ? 'fixed' : ''])])];
        ctx.stdout(lines.join('\n') + '\n');
        return;
      }
      const model = m.model;
      const r = evaluateNll(model, values);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const lines = [
        describeModel(m),
        `-2 ln L = ${String(r.twice_nll)}`,
        '',
        table([['parameter', 'value', ''], ...model.names.map((n, i) => [n, String(r.parameters[n]), model.fixed[i] ? 'fixed' : ''])]),
        '',
        table([['channel', 'expected counts'], ...model.channels.map((c) => [c.name, r.expected.slice(c.start, c.end).map((v) => num(v)).join(' ')])]),
      ];
      ctx.stdout(lines.join('\n') + '\n');
    });
}

interface MleCliOptions extends ModelSelection {
  output?: string;
  format: FitOutputFormat;
}

const shellWord = (a: string) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a));

/** The selection options as they were given, for the recorded command line. */
const selectionArgs = (opts: ModelSelection): string[] =>
  (
    [
      ['--measurement', opts.measurement],
      ['--analysis', opts.analysis],
      ['--likelihood', opts.likelihood],
      ['--parameter-point', opts.parameterPoint],
    ] as const
  ).flatMap(([flag, v]) => (v === undefined ? [] : [flag, v]));

/** `fit [mle] MODEL`: the maximum-likelihood fit with Hesse errors; the default subcommand of `fit`. */
function mleCommand(ctx: CliContext): Command {
  return withSelection(new Command('mle'))
    .description('Maximum-likelihood fit of a fit model (the default: hist-serial fit MODEL): best-fit values, Hesse errors, −2 ln L at the minimum')
    .argument('<model>', MODEL_ARGUMENT)
    .option('-o, --output <file>', 'write the fit-result document (fit_result_schema 1, JSON): covariance, correlation, minimum, status, goodness of fit, provenance')
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nErrors are √diag of (H/2)⁻¹, H the Hessian of −2 ln L in the parameters themselves (as pyhf\'s reference).\nHS3 parameters are free unless "const" in the parameter point; bounds come from the analysis\' domains.\n\nExamples:\n  hist-serial fit workspace.json\n  hist-serial fit model.hs3.json -o result.json --format json\n  hist-serial fit bundle.hsb -o refit.json && hist-serial fit compare refit.json bundle.hsb',
    )
    .action(async (file: string, opts: MleCliOptions) => {
      const m = await readFitModel(file, ctx, opts);
      const model = m.model;
      const selection = m.kind === 'histfactory' ? m.model.measurement : (m.model.analysis ?? m.model.likelihood);
      const r = fitModel(model, {
        ...(opts.output
          ? {
              document: {
                model: {
                  format: m.format,
                  ...(m.file !== '(stdin)' ? { uri: m.file } : {}),
                  ...(m.format === 'hs3' ? { analysis: selection } : { measurement: selection }),
                },
                command: ['hist-serial', 'fit', file, ...selectionArgs(opts), '-o', opts.output].map(shellWord).join(' '),
              },
            }
          : {}),
      });
      if (opts.output && r.document) await writeFitResults(opts.output, r.document);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(r.summary, null, 2) + '\n');
        return;
      }
      warn(m, ctx);
      const { minimum } = r;
      const lines = [
        describeModel(m),
        `-2 ln L = ${String(r.summary.twice_nll)} at the minimum; ${minimum.message}`,
        '',
        table([
          ['parameter', 'value', 'error', ''],
          ...model.names.map((n, i) => [n, num(minimum.x[i]!), minimum.fixed[i] ? '' : num(r.summary.parameters[n]!.error), minimum.fixed[i] ? 'fixed' : minimum.atBound[i] ? 'at bound' : '']),
        ]),
      ];
      if (r.goodnessOfFit) {
        const g = r.goodnessOfFit;
        lines.push('', `goodness of fit (saturated model): ${num(g.statistic)} for ${g.ndf} degrees of freedom, p = ${num(g.pValue)}`);
      }
      if (opts.output) lines.push('', `wrote ${opts.output}`);
      ctx.stdout(lines.join('\n') + '\n');
    });
}

interface ClsCliOptions extends ModelSelection {
  poiValue: number;
  format: FitOutputFormat;
}

const finiteNumber = (what: string) => (v: string) => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${what} must be a finite number, got ${JSON.stringify(v)}`);
  return x;
};

/** The model of CLs and limits: one that can make Asimov data. */
function asimovModel(m: FitModelInput): AsimovCapable & { poiName?: string | null } {
  if (m.kind === 'histfactory') return m.model;
  const lh = m.model;
  if (lh.withData && lh.expectedMain && lh.expectedAux && lh.poiIndex !== null) return lh as Hs3Likelihood & AsimovCapable;
  throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.fitNeedsAsimov(m.model.likelihood, m.model.poiIndex !== null), { file: m.file });
}

const poiNameOf = (model: AsimovCapable) => (model.poiIndex === null || model.poiIndex === undefined ? '(none)' : model.names[model.poiIndex]!);

/** `fit cls MODEL --poi-value X`: asymptotic CLs with q̃μ. */
function clsCommand(ctx: CliContext): Command {
  return withSelection(new Command('cls'))
    .description('Asymptotic CLs at a value of the parameter of interest with the q̃μ test statistic: observed and the expected band (−2σ … +2σ), as pyhf\'s hypotest')
    .argument('<model>', MODEL_ARGUMENT)
    .requiredOption('--poi-value <x>', 'the tested value of the parameter of interest', finiteNumber('--poi-value'))
    .addOption(formatOption())
    .addHelpText('after', '\nExamples:\n  hist-serial fit cls workspace.json --poi-value 1\n  hist-serial fit cls model.hs3.json --poi-value 1.5 --format json')
    .action(async (file: string, opts: ClsCliOptions) => {
      const m = await readFitModel(file, ctx, opts);
      const model = asimovModel(m);
      const r = hypotest(model, opts.poiValue);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ CLs_obs: r.clsObs, CLs_exp: r.clsExp }, null, 2) + '\n');
        return;
      }
      warn(m, ctx);
      const lines = [
        `${file}: ${poiNameOf(model)} = ${num(opts.poiValue)}, q̃μ = ${num(r.q)} (Asimov ${num(r.qA)})`,
        '',
        table([
          ['', 'CLs', 'CLs+b', 'CLb'],
          ['observed', num(r.clsObs), num(r.clsbObs), num(r.clbObs)],
          ...['−2σ', '−1σ', 'median', '+1σ', '+2σ'].map((band, b) => [`expected ${band}`, num(r.clsExp[b]!), '', '']),
        ]),
      ];
      ctx.stdout(lines.join('\n') + '\n');
    });
}

interface LimitCliOptions extends ModelSelection {
  cl: number;
  format: FitOutputFormat;
}

/** `fit limit MODEL`: the asymptotic CLs upper limit on the POI. */
function limitCommand(ctx: CliContext): Command {
  return withSelection(new Command('limit'))
    .description('Asymptotic CLs upper limit on the parameter of interest (q̃μ), observed and expected (−2σ … +2σ), by root finding')
    .argument('<model>', MODEL_ARGUMENT)
    .option('--cl <level>', 'confidence level', finiteNumber('--cl'), 0.95)
    .addOption(formatOption())
    .addHelpText('after', '\nExamples:\n  hist-serial fit limit workspace.json\n  hist-serial fit limit model.hs3.json --cl 0.9 --format json')
    .action(async (file: string, opts: LimitCliOptions) => {
      if (!(opts.cl > 0 && opts.cl < 1)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('--cl', opts.cl, 'a confidence level between 0 and 1'));
      const m = await readFitModel(file, ctx, opts);
      const model = asimovModel(m);
      const r = upperLimit(model, { cl: opts.cl });
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ obs: r.obs, exp: r.exp }, null, 2) + '\n');
        return;
      }
      warn(m, ctx);
      const lines = [
        `${file}: ${num(opts.cl * 100)}% CL upper limit on ${poiNameOf(model)} (CLs, q̃μ, asymptotic)`,
        '',
        table([
          ['', 'limit'],
          ['observed', num(r.obs)],
          ...['−2σ', '−1σ', 'median', '+1σ', '+2σ'].map((band, b) => [`expected ${band}`, num(r.exp[b]!)]),
        ]),
      ];
      ctx.stdout(lines.join('\n') + '\n');
    });
}

interface ScanCliOptions extends ModelSelection {
  parameter?: string;
  range?: [number, number];
  points: number;
  output?: string;
  format: FitOutputFormat;
}

/** `LO:HI` (or `LO,HI`) with LO < HI: the `--range` of `fit scan` and `fit hist`. */
const rangeArgument = (v: string): [number, number] => {
  const m = /^\s*([^:,]+)[:,]([^:,]+)\s*$/.exec(v);
  const r = m ? [Number(m[1]), Number(m[2])] : [];
  if (r.length !== 2 || !r.every(Number.isFinite) || !(r[0]! < r[1]!)) throw new InvalidArgumentError(`expected LO:HI with LO < HI, got ${JSON.stringify(v)}`);
  return r as [number, number];
};

const pointCount = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2 || n > 10000) throw new InvalidArgumentError(`--points must be an integer from 2 to 10000, got ${JSON.stringify(v)}`);
  return n;
};

/** `fit scan MODEL --parameter P`: a profile-likelihood scan. */
function scanCommand(ctx: CliContext): Command {
  return withSelection(new Command('scan'))
    .description('Profile-likelihood scan of one parameter: −2Δ ln L on a grid, the other free parameters fitted again at each point; the 68.3% interval where −2Δ ln L crosses 1')
    .argument('<model>', MODEL_ARGUMENT)
    .option('--parameter <name>', 'the scanned parameter (default: the parameter of interest)')
    .option('--range <lo:hi>', 'scan range (default: best fit ± 3 Hesse errors)', rangeArgument)
    .option('--points <n>', 'number of grid points', pointCount, 21)
    .option('-o, --output <file>', 'write the fit-result document with the scan in "scans"')
    .addOption(formatOption())
    .addHelpText('after', '\nExamples:\n  hist-serial fit scan workspace.json --range 0:3 --points 31\n  hist-serial fit scan model.hs3.json --parameter mean --format json')
    .action(async (file: string, opts: ScanCliOptions) => {
      const m = await readFitModel(file, ctx, opts);
      const model = m.model;
      const poi = model.poiIndex ?? null;
      const index = opts.parameter === undefined ? poi : model.names.indexOf(opts.parameter);
      if (index === null || index < 0) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitScanParameter(opts.parameter, model.names));
      const best = fitModel(model);
      const x = best.minimum.x[index]!;
      const err = best.summary.parameters[model.names[index]!]!.error || Math.max(Math.abs(x), 1) * 0.1;
      const [lo, hi] = opts.range ?? [x - 3 * err, x + 3 * err];
      const grid = Array.from({ length: opts.points }, (_, k) => lo + ((hi - lo) * k) / (opts.points - 1));
      const scan = profileScan(model, index, grid, { minimum: best.minimum });
      const interval = crossings(grid, scan.values, x, 1);
      const entry = likelihoodScanEntry(scan);
      if (opts.output) {
        const doc = toFitResult(model, best, { scans: [entry], model: { format: m.format, ...(m.file !== '(stdin)' ? { uri: m.file } : {}) }, command: ['hist-serial', 'fit', 'scan', file, ...selectionArgs(opts), '-o', opts.output].map(shellWord).join(' ') });
        await writeFitResults(opts.output, setFitResultIntervals(doc, scan.parameter, interval));
      }
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ parameter: scan.parameter, best_fit: x, twice_nll_min: best.summary.twice_nll, points: grid, twice_delta_nll: Array.from(scan.values), interval_68: interval }, null, 2) + '\n');
        return;
      }
      warn(m, ctx);
      const lines = [
        describeModel(m),
        `profile scan of ${scan.parameter}: best fit ${num(x)}, 68.3% interval [${interval.map((v) => (v === null ? 'beyond the range' : num(v))).join(', ')}]`,
        '',
        table([[scan.parameter, '−2Δ ln L', ''], ...grid.map((g, k) => [num(g), num(scan.values[k]!), scan.converged[k] ? '' : 'not converged'])]),
      ];
      if (opts.output) lines.push('', `wrote ${opts.output}`);
      ctx.stdout(lines.join('\n') + '\n');
    });
}

/** Where a scan crosses `level` below and above the best fit, by linear interpolation (null: not within the grid). */
function crossings(grid: readonly number[], values: Float64Array, best: number, level: number): [number | null, number | null] {
  let lower: number | null = null;
  let upper: number | null = null;
  for (let k = 0; k + 1 < grid.length; k++) {
    const a = values[k]! - level;
    const b = values[k + 1]! - level;
    if (!(a * b <= 0) || a === b) continue;
    const at = grid[k]! + ((grid[k + 1]! - grid[k]!) * a) / (a - b);
    if (at <= best) lower = at;
    else if (upper === null) upper = at;
  }
  return [lower, upper];
}

/** The scan's interval as the fit result's `intervals` entry. */
function setFitResultIntervals(doc: FitResult, parameter: string, interval: [number | null, number | null]): FitResult {
  if (interval[0] === null && interval[1] === null) return doc;
  return { ...doc, intervals: [...(doc.intervals ?? []), { parameter, method: 'profile_likelihood', cl: 0.6827, lower: interval[0], upper: interval[1] }] };
}

interface HistCliOptions {
  model: string;
  chi2?: boolean;
  chi2Errors?: Chi2Errors;
  range?: [number, number];
  fix: Record<string, number | true>;
  init: Record<string, number>;
  constrain: Record<string, { mean: number; sigma: number }>;
  svg?: string;
  output?: string;
  format: FitOutputFormat;
}

/** `NAME=MEAN,SIGMA` into a record of Gaussian constraints. */
const constraintSetting = (v: string, acc: Record<string, { mean: number; sigma: number }> = {}): Record<string, { mean: number; sigma: number }> => {
  const at = v.lastIndexOf('=');
  const parts = v.slice(at + 1).split(',');
  const [mean, sigma] = parts.map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
  if (at <= 0 || parts.length !== 2 || !Number.isFinite(mean) || !Number.isFinite(sigma) || !(sigma! > 0)) throw new InvalidArgumentError(MESSAGES.fitHistConstraintValue(v));
  return { ...acc, [v.slice(0, at)]: { mean: mean!, sigma: sigma! } };
};

/** `NAME=NUMBER` (or `NAME` alone when `bare` is allowed) into a record. */
const parameterSetting =
  (bare: boolean) =>
  (v: string, acc: Record<string, number | true> = {}): Record<string, number | true> => {
    const at = v.lastIndexOf('=');
    if (at < 0 && bare) return { ...acc, [v]: true };
    const x = Number(v.slice(at + 1));
    if (at <= 0 || v.slice(at + 1).trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(MESSAGES.fitHistParameterValue(v.slice(0, Math.max(0, at)) || v, v.slice(at + 1)));
    return { ...acc, [v.slice(0, at)]: x };
  };

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Read the histogram of `FILE[:NAME]`: `file.h5:/group` and `file.root:dir/h` as everywhere, else
 * `file.json:NAME` picks histogram NAME (when FILE exists and FILE:NAME does not); a file with one
 * histogram needs no NAME.
 */
async function readHistogramArg(arg: string, ctx: CliContext) {
  let file = arg;
  let name: string | undefined;
  const colon = arg.lastIndexOf(':');
  if (arg !== STDIO && parseAddress(arg).location === undefined && !isFile(arg) && colon > 0 && isFile(arg.slice(0, colon))) {
    file = arg.slice(0, colon);
    name = arg.slice(colon + 1);
  }
  const doc = await readInput(file, ctx, name === undefined ? {} : { select: [name] });
  const names = [...doc.histograms.keys()];
  if (names.length !== 1) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.fitHistChoose(file, names));
  return { file, name: names[0]!, histogram: doc.histograms.get(names[0]!)! };
}

/** `fit hist FILE[:NAME] --model gauss+expo`: a line-shape fit to a 1-d histogram. */
function histCommand(ctx: CliContext): Command {
  const collect = (bare: boolean) => parameterSetting(bare);
  return new Command('hist')
    .description(
      'Fit line shapes to a 1-d histogram (extended binned Poisson likelihood, or chi-square): gauss, bw, rbw, voigt, bwint, cb, expo, polyK, sums such as gauss+expo, a Gaussian resolution as bwint*gauss, Gaussian constraints; Hesse errors, an SVG with pulls, a fit-result document',
    )
    .argument('<file>', 'histogram file, FILE:NAME to pick one histogram (file.h5:/group, file.root:dir/h as elsewhere; - for stdin)')
    .requiredOption(
      '-m, --model <model>',
      'line shapes joined by "+": gauss, bw (Breit-Wigner), rbw (relativistic), voigt, bwint (two interfering relativistic Breit-Wigners), cb (Crystal Ball), expo, poly0..poly10 (Bernstein); SHAPE*gauss adds a Gaussian resolution (gauss, bw, rbw, voigt, bwint)',
    )
    .option('--chi2', 'minimise a chi-square instead of the Poisson likelihood')
    .addOption(new Option('--chi2-errors <kind>', 'chi-square bin errors: storage variances (default for weighted storage), neyman (sqrt n, empty bins left out), pearson (sqrt of the fit)').choices(['variances', 'neyman', 'pearson']))
    .option('--range <lo:hi>', 'fit only the bins inside [lo, hi]', rangeArgument)
    .option('--fix <name[=value]>', 'hold a parameter constant, at VALUE or its starting value (repeatable)', collect(true), {})
    .option('--init <name=value>', 'starting value of a parameter (repeatable)', collect(false), {})
    .option('--constrain <name=mean,sigma>', 'Gaussian constraint ((value - MEAN)/SIGMA)^2 added to -2 ln L, e.g. on a resolution (repeatable); the parameter starts at MEAN', constraintSetting, {})
    .option('--svg <file>', 'draw the data, the fit and its components, and the pulls, as SVG')
    .option('-o, --output <file>', 'write the fit-result document (fit_result_schema 1, JSON); to .hsb/.hsj: a benchmark bundle, one native container with the histogram, its fit result and (Poisson fits) the model as HS3, which `hist-serial fit BUNDLE` re-fits')
    .addOption(formatOption())
    .addHelpText(
      'after',
      [
        '',
        'Parameters are COMPONENT.NAME: gauss.mean, gauss.sigma, gauss.yield, expo.lambda, expo.yield,',
        'cb.alpha, cb.n, bw.mass, bw.width, voigt.mean, voigt.sigma, voigt.gamma (Cauchy half width),',
        'bwint.mass1, bwint.width1, bwint.mass2, bwint.width2, bwint.r, bwint.phi (|A1 + r e^(i phi) A2|^2),',
        'poly2.b0..b2 (Bernstein coefficients, as yields); SHAPE*gauss adds SHAPE.resolution (the',
        "Gaussian's sigma); a kind used twice becomes gauss_1, gauss_2. Yields are expected events in the",
        'fitted range. A constrained parameter is reported like the others, with its pull in the fit result.',
        "Quote a model with '*' for the shell. bwint has a mirror solution (other r, phi) of equal likelihood:",
        'the fit returns the one its start leads to (spec.md 8.7; twoBwMirror in the library gives the other).',
        '',
        'Examples:',
        '  hist-serial fit hist histos.json:mass --model gauss+expo',
        '  hist-serial fit hist mass.root:dimuon --model cb+poly2 --svg fit.svg -o fit.json',
        '  hist-serial fit hist histos.h5:/mass --model bw+poly1 --chi2 --range 70:110 --format json',
        "  hist-serial fit hist pipi.json --model 'bwint*gauss' --constrain bwint.resolution=0.008,0.0005 -o fit.json",
      ].join('\n'),
    )
    .action(async (arg: string, opts: HistCliOptions) => {
      const { file, name, histogram } = await readHistogramArg(arg, ctx);
      const fit = fitHistogram(histogram, opts.model, {
        statistic: opts.chi2 ? 'chi2' : 'poisson',
        ...(opts.chi2Errors ? { chi2Errors: opts.chi2Errors } : {}),
        ...(opts.range ? { range: opts.range } : {}),
        fix: opts.fix,
        init: opts.init,
        constraints: opts.constrain,
      });
      if (opts.output) {
        const args = ['hist-serial', 'fit', 'hist', arg, '--model', opts.model, ...(opts.chi2 ? ['--chi2'] : []), ...(opts.chi2Errors ? ['--chi2-errors', opts.chi2Errors] : []), ...(opts.range ? ['--range', opts.range.join(':')] : [])];
        for (const [k, v] of Object.entries(opts.fix)) args.push('--fix', v === true ? k : `${k}=${v}`);
        for (const [k, v] of Object.entries(opts.init)) args.push('--init', `${k}=${v}`);
        for (const [k, c] of Object.entries(opts.constrain)) args.push('--constrain', `${k}=${c.mean},${c.sigma}`);
        const command = [...args, '-o', opts.output].map(shellWord).join(' ');
        const result = histFitToFitResult(fit, { histogram: name, ...(file === STDIO ? {} : { uri: file }), command });
        // a native container (.hsb, .hsj) is a benchmark bundle: the histogram, its fit result and (Poisson fits) the HS3 model; otherwise a fit-result JSON file
        if (/\.(hsb|hsj)$/i.test(opts.output)) {
          let doc = setFitResults(createDocument({ [name]: histogram }), { [name]: result });
          if (fit.statistic === 'poisson') {
            const axis = histogram.axes[0]!.metadata?.name;
            doc = { ...doc, extras: { ...doc.extras, hs3: histFitToHs3(fit, { observable: typeof axis === 'string' && axis ? axis : 'x', data: name }) } };
          }
          await writeDocument(opts.output, doc, { registry: ctx.registry });
        } else await writeFitResults(opts.output, result);
      }
      if (opts.svg) {
        const axis = histogram.axes[0]!.metadata;
        const label = axis?.label ?? axis?.name;
        const svg = plotHistFit(fit, { title: `${String(histogram.metadata?.label ?? name)}: ${opts.model}`, ...(typeof label === 'string' ? { xLabel: label } : {}) });
        try {
          await writeFileAtomic(opts.svg, new TextEncoder().encode(svg));
        } catch (err) {
          throw new HistSerialError('IO', MESSAGES.io('write', opts.svg, (err as Error).message), { file: opts.svg, cause: err });
        }
      }
      for (const w of fit.warnings) ctx.stderr(`warning: ${w}\n`);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(summarizeHistFit(fit), null, 2) + '\n');
        return;
      }
      const stat = fit.statistic === 'poisson' ? 'Poisson likelihood' : `chi-square (${fit.chi2Errors})`;
      const lines = [
        `${file === STDIO ? '(stdin)' : file}: ${JSON.stringify(name)}, ${opts.model}, ${stat}, ${fit.values.length} bins on [${num(fit.range[0])}, ${num(fit.range[1])}]`,
        fit.message,
        '',
        table([
          ['parameter', 'value', 'error', ''],
          ...fit.parameters.map((p) => {
            const c = fit.constraints?.find((k) => k.name === p.name);
            const note = [p.fixed ? 'fixed' : p.atBound ? 'at bound' : '', c ? `constrained ${num(c.mean)} ± ${num(c.sigma)}, pull ${num(c.pull)}` : ''].filter(Boolean).join('; ');
            return [p.name, num(p.value), p.fixed ? '' : num(p.error), note];
          }),
        ]),
        '',
        `yields: ${fit.yields.map((y) => `${y.component} ${formatMeasurement(y.value, y.error)}`).join(', ')}`,
        fit.statistic === 'poisson'
          ? `-2 ln L = ${String(fit.twiceNll)}; deviance ${num(fit.deviance!)} for ${fit.ndf} degrees of freedom, p = ${num(fit.pValue)}`
          : `chi2 = ${num(fit.chi2!)} for ${fit.ndf} degrees of freedom, p = ${num(fit.pValue)}`,
      ];
      if (fit.constraintTerm !== undefined) lines.push(`constraints: ${num(fit.constraintTerm)} of the minimum (not in the goodness of fit)`);
      if (opts.svg) lines.push(`wrote ${opts.svg}`);
      if (opts.output) lines.push(`wrote ${opts.output}`);
      ctx.stdout(lines.join('\n') + '\n');
    });
}

/** The subcommand `hist-serial fit MODEL` runs. */
export const FIT_DEFAULT_SUBCOMMAND = 'mle';

/** The fit subcommands, in the order `fit --help` lists them. */
export const FIT_SUBCOMMANDS: readonly ((ctx: CliContext) => Command)[] = [mleCommand, clsCommand, limitCommand, nllCommand, scanCommand, histCommand, fitCompareCommand];

export function fitCommand(ctx: CliContext): Command {
  const fit = new Command('fit').description('Fits: likelihoods of fit models (pyhf workspaces, HS3 documents: maximum-likelihood fits with errors, CLs, upper limits, −2 ln L) and line shapes fitted to histograms (fit hist)');
  for (const make of FIT_SUBCOMMANDS) {
    // exitOverride: usage errors of a subcommand throw (runCli maps them to exit 2) instead of exiting
    const sub = make(ctx).configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr }).showHelpAfterError().exitOverride();
    // `hist-serial fit MODEL` is `hist-serial fit mle MODEL`
    fit.addCommand(sub, sub.name() === FIT_DEFAULT_SUBCOMMAND ? { isDefault: true } : {});
  }
  fit.addHelpText(
    'after',
    '\nExamples:\n  hist-serial fit workspace.json                       # best fit with Hesse errors (fit mle)\n  hist-serial fit model.hs3.json -o result.json --format json\n  hist-serial fit nll workspace.json --params pars.json --format json\n  hist-serial fit cls workspace.json --poi-value 1 --format json\n  hist-serial fit limit workspace.json --format json\n  hist-serial fit hist histos.json:mass --model gauss+expo --svg fit.svg\n  hist-serial fit compare ours.json theirs.json --sigma 0.05',
  );
  return fit;
}
