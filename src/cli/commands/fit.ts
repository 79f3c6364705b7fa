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
import { HistSerialError, ValidationError, pointer } from '../../errors.js';
import { evaluateNll, histFactoryFromJson, type HistFactoryModel } from '../../fit/histfactory/index.js';
import { fitModel, hypotest, upperLimit } from '../../fit/infer.js';
import { fitHistogram, formatMeasurement, histFitToFitResult, plotHistFit, summarizeHistFit, type Chi2Errors } from '../../fit/hist/index.js';
import { parseAddress } from '../../io/address.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { writeFitResults } from '../../io/fit-results.js';
import { writeDocument } from '../../io/files.js';
import { setFitResults } from '../../fit-result/document.js';
import { createDocument } from '../../model/histogram.js';
import { MESSAGES } from '../../messages.js';
import type { CliContext } from '../context.js';
import { STDIO, checkInput, readInput } from '../stdio.js';
import { fitCompareCommand } from './fit-compare.js';
import { num, table } from '../table.js';

/** Output formats of the fit subcommands. */
export type FitOutputFormat = 'text' | 'json';

/** The `--format` option every fit subcommand has. */
export const formatOption = () => new Option('--format <format>', 'output: text or json (exactly one JSON object)').choices(['text', 'json']).default('text');

/** The `--measurement` option: pyhf measurement or HS3 analysis. */
export const measurementOption = () => new Option('--measurement <name>', 'pyhf: the measurement; HS3: the analysis (default: the first)');

/**
 * Read a fit model (pyhf workspace or HS3 document, or `-` for stdin), validate it and build its
 * HistFactory likelihood.
 */
export async function readModel(arg: string, ctx: CliContext, measurement?: string, info?: { kind?: 'pyhf' | 'hs3'; file?: string }): Promise<HistFactoryModel> {
  const r = await checkInput(arg, ctx);
  if (r.kind !== 'pyhf' && r.kind !== 'hs3') {
    if (!r.document && !r.kind) throw new ValidationError(r.issues, { file: r.file });
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hfNotModelFile(r.kind ?? 'histograms'), { file: r.file });
  }
  if (r.issues.some((i) => i.severity === 'error')) throw new ValidationError(r.issues, { file: r.file });
  try {
    if (info) Object.assign(info, { kind: r.kind, file: r.file });
    return histFactoryFromJson(r.model, measurement === undefined ? {} : { measurement });
  } catch (err) {
    if (err instanceof HistSerialError) err.file ??= r.file;
    throw err;
  }
}

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

interface NllCliOptions {
  params?: string;
  measurement?: string;
  format: FitOutputFormat;
}

function nllCommand(ctx: CliContext): Command {
  return new Command('nll')
    .description('−2 ln L of a HistFactory model (pyhf workspace or HS3 document), constants included as in pyhf, and the expected counts per bin, at the initial or given parameters')
    .argument('<model>', 'pyhf workspace or HS3 document (JSON; - for stdin)')
    .option('--params <file>', 'JSON file of parameter values {"name": value}; the others stay at their initial values')
    .addOption(measurementOption())
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nParameters have pyhf\'s names (per-bin ones "name[i]"); bins are in pyhf\'s order (channels sorted by name).\n\nExamples:\n  hist-serial fit nll workspace.json\n  hist-serial fit nll model.hs3.json --params values.json --format json',
    )
    .action(async (file: string, opts: NllCliOptions) => {
      const model = await readModel(file, ctx, opts.measurement);
      const r = evaluateNll(model, opts.params ? await readParameterValues(opts.params) : {});
      for (const w of model.warnings) ctx.stderr(`warning: ${w.message}\n`);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const lines = [
        `${file}: measurement ${JSON.stringify(model.measurement)}, ${model.names.length} parameters, ${model.nMainBins} bins${model.poiName ? `, POI ${model.poiName}` : ''}`,
        `-2 ln L = ${String(r.twice_nll)}`,
        '',
        table([['parameter', 'value', ''], ...model.names.map((n, i) => [n, String(r.parameters[n]), model.fixed[i] ? 'fixed' : ''])]),
        '',
        table([['channel', 'expected counts'], ...model.channels.map((c) => [c.name, r.expected.slice(c.start, c.end).map((v) => num(v)).join(' ')])]),
      ];
      ctx.stdout(lines.join('\n') + '\n');
    });
}

interface MleCliOptions {
  output?: string;
  measurement?: string;
  format: FitOutputFormat;
}

/** `fit [mle] MODEL`: the maximum-likelihood fit with Hesse errors; the default subcommand of `fit`. */
function mleCommand(ctx: CliContext): Command {
  return new Command('mle')
    .description('Maximum-likelihood fit of a HistFactory model (the default: hist-serial fit MODEL): best-fit values, Hesse errors, −2 ln L at the minimum')
    .argument('<model>', 'pyhf workspace or HS3 document (JSON; - for stdin)')
    .option('-o, --output <file>', 'write the fit-result document (fit_result_schema 1, JSON): covariance, correlation, minimum, status, goodness of fit, provenance')
    .addOption(measurementOption())
    .addOption(formatOption())
    .addHelpText(
      'after',
      '\nErrors are √diag of (H/2)⁻¹, H the Hessian of −2 ln L in the parameters themselves (as pyhf\'s reference).\n\nExamples:\n  hist-serial fit workspace.json\n  hist-serial fit model.hs3.json -o result.json --format json',
    )
    .action(async (file: string, opts: MleCliOptions) => {
      const info: { kind?: 'pyhf' | 'hs3'; file?: string } = {};
      const model = await readModel(file, ctx, opts.measurement, info);
      const r = fitModel(model, {
        ...(opts.output
          ? {
              document: {
                model: {
                  format: info.kind ?? 'other',
                  ...(info.file && info.file !== '(stdin)' ? { uri: info.file } : {}),
                  ...(info.kind === 'hs3' ? { analysis: model.measurement } : { measurement: model.measurement }),
                },
                command: ['hist-serial', 'fit', file, ...(opts.measurement === undefined ? [] : ['--measurement', opts.measurement]), '-o', opts.output].map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' '),
              },
            }
          : {}),
      });
      if (opts.output && r.document) await writeFitResults(opts.output, r.document);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify(r.summary, null, 2) + '\n');
        return;
      }
      for (const w of model.warnings) ctx.stderr(`warning: ${w.message}\n`);
      const { minimum } = r;
      const lines = [
        `${file}: measurement ${JSON.stringify(model.measurement)}, ${model.names.length} parameters, ${model.nMainBins} bins${model.poiName ? `, POI ${model.poiName}` : ''}`,
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

interface ClsCliOptions {
  poiValue: number;
  measurement?: string;
  format: FitOutputFormat;
}

const finiteNumber = (what: string) => (v: string) => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`${what} must be a finite number, got ${JSON.stringify(v)}`);
  return x;
};

/** `fit cls MODEL --poi-value X`: asymptotic CLs with q̃μ. */
function clsCommand(ctx: CliContext): Command {
  return new Command('cls')
    .description('Asymptotic CLs at a value of the parameter of interest with the q̃μ test statistic: observed and the expected band (−2σ … +2σ), as pyhf\'s hypotest')
    .argument('<model>', 'pyhf workspace or HS3 document (JSON; - for stdin)')
    .requiredOption('--poi-value <x>', 'the tested value of the parameter of interest', finiteNumber('--poi-value'))
    .addOption(measurementOption())
    .addOption(formatOption())
    .addHelpText('after', '\nExamples:\n  hist-serial fit cls workspace.json --poi-value 1\n  hist-serial fit cls model.hs3.json --poi-value 1.5 --format json')
    .action(async (file: string, opts: ClsCliOptions) => {
      const model = await readModel(file, ctx, opts.measurement);
      const r = hypotest(model, opts.poiValue);
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ CLs_obs: r.clsObs, CLs_exp: r.clsExp }, null, 2) + '\n');
        return;
      }
      for (const w of model.warnings) ctx.stderr(`warning: ${w.message}\n`);
      const lines = [
        `${file}: ${model.poiName} = ${num(opts.poiValue)}, q̃μ = ${num(r.q)} (Asimov ${num(r.qA)})`,
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

interface LimitCliOptions {
  cl: number;
  measurement?: string;
  format: FitOutputFormat;
}

/** `fit limit MODEL`: the asymptotic CLs upper limit on the POI. */
function limitCommand(ctx: CliContext): Command {
  return new Command('limit')
    .description('Asymptotic CLs upper limit on the parameter of interest (q̃μ), observed and expected (−2σ … +2σ), by root finding')
    .argument('<model>', 'pyhf workspace or HS3 document (JSON; - for stdin)')
    .option('--cl <level>', 'confidence level', finiteNumber('--cl'), 0.95)
    .addOption(measurementOption())
    .addOption(formatOption())
    .addHelpText('after', '\nExamples:\n  hist-serial fit limit workspace.json\n  hist-serial fit limit model.hs3.json --cl 0.9 --format json')
    .action(async (file: string, opts: LimitCliOptions) => {
      if (!(opts.cl > 0 && opts.cl < 1)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.invalidOption('--cl', opts.cl, 'a confidence level between 0 and 1'));
      const model = await readModel(file, ctx, opts.measurement);
      const r = upperLimit(model, { cl: opts.cl });
      if (opts.format === 'json') {
        ctx.stdout(JSON.stringify({ obs: r.obs, exp: r.exp }, null, 2) + '\n');
        return;
      }
      for (const w of model.warnings) ctx.stderr(`warning: ${w.message}\n`);
      const lines = [
        `${file}: ${num(opts.cl * 100)}% CL upper limit on ${model.poiName} (CLs, q̃μ, asymptotic)`,
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

interface HistCliOptions {
  model: string;
  chi2?: boolean;
  chi2Errors?: Chi2Errors;
  range?: [number, number];
  fix: Record<string, number | true>;
  init: Record<string, number>;
  svg?: string;
  output?: string;
  format: FitOutputFormat;
}

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
    .description('Fit line shapes to a 1-d histogram (extended binned Poisson likelihood, or chi-square): gauss, bw, rbw, cb, expo, polyK and sums such as gauss+expo; Hesse errors, an SVG with pulls, a fit-result document')
    .argument('<file>', 'histogram file, FILE:NAME to pick one histogram (file.h5:/group, file.root:dir/h as elsewhere; - for stdin)')
    .requiredOption('-m, --model <model>', 'line shapes joined by "+": gauss, bw (Breit-Wigner), rbw (relativistic), cb (Crystal Ball), expo, poly0..poly10 (Bernstein)')
    .option('--chi2', 'minimise a chi-square instead of the Poisson likelihood')
    .addOption(new Option('--chi2-errors <kind>', 'chi-square bin errors: storage variances (default for weighted storage), neyman (sqrt n, empty bins left out), pearson (sqrt of the fit)').choices(['variances', 'neyman', 'pearson']))
    .option('--range <lo:hi>', 'fit only the bins inside [lo, hi]', (v: string) => {
      const m = /^\s*([^:,]+)[:,]([^:,]+)\s*$/.exec(v);
      const r = m ? [Number(m[1]), Number(m[2])] : [];
      if (r.length !== 2 || !r.every(Number.isFinite) || !(r[0]! < r[1]!)) throw new InvalidArgumentError(`expected LO:HI with LO < HI, got ${JSON.stringify(v)}`);
      return r as [number, number];
    })
    .option('--fix <name[=value]>', 'hold a parameter constant, at VALUE or its starting value (repeatable)', collect(true), {})
    .option('--init <name=value>', 'starting value of a parameter (repeatable)', collect(false), {})
    .option('--svg <file>', 'draw the data, the fit and its components, and the pulls, as SVG')
    .option('-o, --output <file>', 'write the fit-result document (fit_result_schema 1, JSON); to .hsb/.hsj: the histogram and its fit result in one native container')
    .addOption(formatOption())
    .addHelpText(
      'after',
      [
        '',
        'Parameters are COMPONENT.NAME: gauss.mean, gauss.sigma, gauss.yield, expo.lambda, expo.yield,',
        'cb.alpha, cb.n, bw.mass, bw.width, poly2.b0..b2 (Bernstein coefficients, as yields); a kind',
        'used twice becomes gauss_1, gauss_2. Yields are expected events in the fitted range.',
        '',
        'Examples:',
        '  hist-serial fit hist histos.json:mass --model gauss+expo',
        '  hist-serial fit hist mass.root:dimuon --model cb+poly2 --svg fit.svg -o fit.json',
        '  hist-serial fit hist histos.h5:/mass --model bw+poly1 --chi2 --range 70:110 --format json',
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
      });
      if (opts.output) {
        const args = ['hist-serial', 'fit', 'hist', arg, '--model', opts.model, ...(opts.chi2 ? ['--chi2'] : []), ...(opts.chi2Errors ? ['--chi2-errors', opts.chi2Errors] : []), ...(opts.range ? ['--range', opts.range.join(':')] : [])];
        for (const [k, v] of Object.entries(opts.fix)) args.push('--fix', v === true ? k : `${k}=${v}`);
        for (const [k, v] of Object.entries(opts.init)) args.push('--init', `${k}=${v}`);
        const command = [...args, '-o', opts.output].map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
        const result = histFitToFitResult(fit, { histogram: name, ...(file === STDIO ? {} : { uri: file }), command });
        // a native container (.hsb, .hsj) holds the histogram and its fit result together; otherwise a fit-result JSON file
        if (/\.(hsb|hsj)$/i.test(opts.output)) await writeDocument(opts.output, setFitResults(createDocument({ [name]: histogram }), { [name]: result }), { registry: ctx.registry });
        else await writeFitResults(opts.output, result);
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
        table([['parameter', 'value', 'error', ''], ...fit.parameters.map((p) => [p.name, num(p.value), p.fixed ? '' : num(p.error), p.fixed ? 'fixed' : p.atBound ? 'at bound' : ''])]),
        '',
        `yields: ${fit.yields.map((y) => `${y.component} ${formatMeasurement(y.value, y.error)}`).join(', ')}`,
        fit.statistic === 'poisson'
          ? `-2 ln L = ${String(fit.twiceNll)}; deviance ${num(fit.deviance!)} for ${fit.ndf} degrees of freedom, p = ${num(fit.pValue)}`
          : `chi2 = ${num(fit.chi2!)} for ${fit.ndf} degrees of freedom, p = ${num(fit.pValue)}`,
      ];
      if (opts.svg) lines.push(`wrote ${opts.svg}`);
      if (opts.output) lines.push(`wrote ${opts.output}`);
      ctx.stdout(lines.join('\n') + '\n');
    });
}

/** The subcommand `hist-serial fit MODEL` runs. */
export const FIT_DEFAULT_SUBCOMMAND = 'mle';

/** The fit subcommands, in the order `fit --help` lists them. */
export const FIT_SUBCOMMANDS: readonly ((ctx: CliContext) => Command)[] = [mleCommand, clsCommand, limitCommand, nllCommand, histCommand, fitCompareCommand];

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
