/**
 * The fit model a `fit` subcommand works on: a pyhf workspace or an HS3 document (a JSON file, stdin,
 * or the `hs3` extras of a container, e.g. a benchmark bundle). HS3 likelihoods made of
 * `histfactory_dist` only become the HistFactory model (pyhf's numbers, Asimov data for CLs);
 * any other HS3 likelihood is evaluated by the HS3 runtime (src/model/hs3/eval).
 * @module
 */
import { Option } from 'commander';
import { HistSerialError, ValidationError } from '../../errors.js';
import { histFactoryFromJson, type HistFactoryModel } from '../../fit/histfactory/index.js';
import { createHs3Likelihood, type Hs3Likelihood } from '../../model/hs3/eval/index.js';
import { checkHS3 } from '../../model/hs3/check.js';
import { asArray } from '../../model/hs3/eval/scope.js';
import { HS3_EVAL_MESSAGES, MESSAGES } from '../../messages.js';
import type { CliContext } from '../context.js';
import { checkInput } from '../stdio.js';

type Json = Record<string, unknown>;

/** Which analysis, likelihood and parameter point (`--measurement`/`--analysis`, `--likelihood`, `--parameter-point`). */
export interface ModelSelection {
  measurement?: string;
  analysis?: string;
  likelihood?: string;
  parameterPoint?: string;
}

/** A fit model read from the command line. */
export type FitModelInput = { file: string; format: 'pyhf' | 'hs3'; document: Json } & (
  | { kind: 'histfactory'; model: HistFactoryModel }
  | { kind: 'hs3'; model: Hs3Likelihood }
);

/** The options that select what to fit. */
export const selectionOptions = (): Option[] => [
  new Option('--measurement <name>', 'pyhf: the measurement; HS3: the analysis (default: the first)'),
  new Option('--analysis <name>', 'HS3: the analysis (same as --measurement)'),
  new Option('--likelihood <name>', 'HS3: the likelihood (default: the analysis\' one, else the first)'),
  new Option('--parameter-point <name>', 'HS3: the parameter point of the starting values (default: the analysis\' init, else "default", else the first)'),
];

/** The distributions of the likelihood an HS3 selection picks, by type. */
function likelihoodTypes(doc: Json, sel: ModelSelection, analysis: string | undefined): string[] {
  const analyses = asArray(doc.analyses);
  const likelihoods = asArray(doc.likelihoods);
  const a = analysis === undefined ? analyses[0] : analyses.find((x) => x.name === analysis);
  const name = sel.likelihood ?? a?.likelihood;
  const lh = name === undefined ? likelihoods[0] : likelihoods.find((l) => l.name === name);
  const names = Array.isArray(lh?.distributions) ? (lh.distributions as unknown[]) : [];
  const dists = asArray(doc.distributions);
  return names.map((n) => String(dists.find((d) => d.name === n)?.type));
}

/**
 * Read and validate a fit model (`-` for stdin; a container's `hs3` extras) and build its likelihood.
 */
export async function readFitModel(arg: string, ctx: CliContext, sel: ModelSelection = {}): Promise<FitModelInput> {
  const r = await checkInput(arg, ctx);
  let format: 'pyhf' | 'hs3';
  let document: Json;
  if (r.kind === 'pyhf' || r.kind === 'hs3') {
    if (r.issues.some((i) => i.severity === 'error')) throw new ValidationError(r.issues, { file: r.file });
    format = r.kind;
    document = r.model as Json;
  } else if (!r.kind && r.document?.extras?.hs3 !== undefined) {
    // a container with an HS3 model next to its histograms (a benchmark bundle)
    const issues = checkHS3(r.document.extras.hs3);
    if (issues.some((i) => i.severity === 'error')) throw new ValidationError(issues, { file: r.file });
    format = 'hs3';
    document = r.document.extras.hs3 as Json;
  } else {
    if (!r.document && !r.kind) throw new ValidationError(r.issues, { file: r.file });
    throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hfNotModelFile(r.kind ?? 'histograms'), { file: r.file });
  }
  const analysis = sel.analysis ?? sel.measurement;
  try {
    const types = format === 'hs3' ? likelihoodTypes(document, sel, analysis) : [];
    if (format === 'hs3' && !(Array.isArray(document.likelihoods) && document.likelihoods.length > 0)) {
      throw new HistSerialError('UNSUPPORTED_OPERATION', HS3_EVAL_MESSAGES.noLikelihood());
    }
    if (format === 'hs3' && types.length > 0 && !types.every((t) => t === 'histfactory_dist')) {
      const model = createHs3Likelihood(document, {
        ...(analysis === undefined ? {} : { analysis }),
        ...(sel.likelihood === undefined ? {} : { likelihood: sel.likelihood }),
        ...(sel.parameterPoint === undefined ? {} : { parameterPoint: sel.parameterPoint }),
      });
      return { file: r.file, format, document, kind: 'hs3', model };
    }
    const model = histFactoryFromJson(document, analysis === undefined ? {} : { measurement: analysis });
    return { file: r.file, format, document, kind: 'histfactory', model };
  } catch (err) {
    if (err instanceof HistSerialError) err.file ??= r.file;
    throw err;
  }
}

/** One line saying what is fitted. */
export function describeModel(m: FitModelInput): string {
  if (m.kind === 'histfactory') {
    const model = m.model;
    return `${m.file}: measurement ${JSON.stringify(model.measurement)}, ${model.names.length} parameters, ${model.nMainBins} bins${model.poiName ? `, POI ${model.poiName}` : ''}`;
  }
  const lh = m.model;
  return `${m.file}: likelihood ${JSON.stringify(lh.likelihood)}${lh.analysis === undefined ? '' : ` (analysis ${JSON.stringify(lh.analysis)})`}, ${lh.names.length} parameters, ${lh.observations} observations, parameter point ${JSON.stringify(lh.parameterPoint)}${lh.poiIndex === null ? '' : `, POI ${lh.names[lh.poiIndex]}`}`;
}
