/**
 * Entry points: a HistFactory model from a pyhf workspace, or from any fit-model JSON (pyhf or HS3),
 * and −2 ln L of a model at given parameter values. No IO here.
 * @module
 */
import { detectKind } from '../../document-kind.js';
import { HistSerialError, pointer } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { compileWorkspace, type BuildHistFactoryOptions } from './build.js';
import { histFactoryFromHS3 } from './hs3.js';
import { modelWithChecks, type HistFactoryModel } from './model.js';

/**
 * Build the HistFactory likelihood of a pyhf workspace (validated first), for its first measurement or
 * the one named, with pyhf's parameters, data and default interpolations.
 *
 * @example
 * ```ts
 * const model = buildHistFactory(JSON.parse(readFileSync('workspace.json', 'utf8')));
 * model.value(model.init); // −2 ln L, as -2 * pyhf's model.logpdf(init, data)
 * ```
 */
export function buildHistFactory(workspace: unknown, options: BuildHistFactoryOptions = {}): HistFactoryModel {
  return modelWithChecks(compileWorkspace(workspace, options));
}

/** Options of {@link histFactoryFromJson}. */
export interface HistFactoryFromJsonOptions {
  /** pyhf: the measurement; HS3: the analysis. Default: the first (HS3: the first not on Asimov data). */
  measurement?: string;
}

/**
 * Build the HistFactory likelihood of a parsed fit-model document, a pyhf workspace or an HS3 document
 * (told apart by their content, as `detectKind`).
 *
 * @example
 * ```ts
 * const model = histFactoryFromJson(JSON.parse(text), { measurement: 'NormalMeasurement' });
 * ```
 */
export function histFactoryFromJson(json: unknown, options: HistFactoryFromJsonOptions = {}): HistFactoryModel {
  const kind = detectKind(json);
  if (kind === 'pyhf') return buildHistFactory(json, options.measurement === undefined ? {} : { measurement: options.measurement });
  if (kind === 'hs3') return histFactoryFromHS3(json, options.measurement === undefined ? {} : { analysis: options.measurement });
  throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hfNotModel(kind ?? 'unknown'));
}

/** −2 ln L of a model at some parameter values, with the expected main counts. */
export interface NllEvaluation {
  twice_nll: number;
  /** Every parameter by name, in the model's order. */
  parameters: Record<string, number>;
  /** Expected counts of the main bins, channel after channel (pyhf's channel order: sorted by name). */
  expected: number[];
}

/**
 * −2 ln L of a model at its initial values, with the given parameters changed. Unknown names are an
 * `UNKNOWN_PARAMETER` error; values must be finite numbers.
 *
 * @example
 * ```ts
 * evaluateNll(model, { mu: 0 }).twice_nll;
 * ```
 */
export function evaluateNll(model: HistFactoryModel, values: Readonly<Record<string, number>> = {}): NllEvaluation {
  const x = Float64Array.from(model.init);
  for (const [name, v] of Object.entries(values)) {
    const i = model.indexOf(name);
    if (i < 0) throw new HistSerialError('UNKNOWN_PARAMETER', MESSAGES.hfUnknownParameter(name, model.names), { path: pointer('', name) });
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfParameterValue(name, v), { path: pointer('', name) });
    x[i] = v;
  }
  const twice = model.value(x);
  const parameters: Record<string, number> = {};
  model.names.forEach((n, i) => (parameters[n] = x[i]!));
  return { twice_nll: twice, parameters, expected: Array.from(model.expectedMain(x)) };
}
