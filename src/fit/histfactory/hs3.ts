/**
 * HistFactory models from HS3 documents: the document is converted to a pyhf workspace with
 * hist-serial's converter (`hs3ToPyhf`, ROOT's mapping), and the interpolation each normsys and
 * histosys asks for (`interpolation`, else the distribution's `default_interpolation`, HS3 pull
 * request 103) is kept and applied. Parameter names are the pyhf names the converter gives
 * (`alpha_x` → `x`, `N_0 … N_{n-1}` → `N[0] …`). No IO here.
 * @module
 */
import { HistSerialError, pointer, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { channelName, modifierParameters } from '../../model/hs3/histfactory.js';
import { hs3ToPyhf } from '../../model/pyhf/convert.js';
import type { Analysis, HS3Document, HistFactoryDist, Interpolation, Likelihood } from '../../types/generated/hs3.types.js';
import { compileWorkspace, type BuildHistFactoryOptions } from './build.js';
import { ADDITIVE_CODES, type InterpolationCode } from './interpolation.js';
import { modelWithChecks, type HistFactoryModel } from './model.js';

/** Options of {@link histFactoryFromHS3}. */
export interface HistFactoryFromHS3Options {
  /**
   * The analysis to use (its likelihood, parameters of interest, domain and initial values). Default,
   * as the converter: the first analysis whose data are not named like Asimov data, else the first.
   */
  analysis?: string;
  /** Codes for modifiers that ask for no interpolation (default: pyhf's, normsys code4 and histosys code4p). */
  interpolation?: BuildHistFactoryOptions['interpolation'];
}

/** HS3 interpolation structs (HS3 pull request 103) and the codes they are. */
const HS3_CODES: Readonly<Record<string, InterpolationCode>> = {
  'add:poly1:poly1': 'code0',
  'mult:exp:exp': 'code1',
  'add:poly2:poly1': 'code2',
  'mult:poly6:exp': 'code4',
  'add:poly6:poly1': 'code4p',
};

/**
 * The interpolation code of an HS3 interpolation struct, or undefined when it is none of
 * `{"type": "add", "in": "poly1"}` (code0), `{"type": "mult", "in": "exp"}` (code1),
 * `{"type": "add", "in": "poly2", "out": "poly1"}` (code2), `{"type": "mult", "in": "poly6", "out": "exp"}`
 * (code4) and `{"type": "add", "in": "poly6", "out": "poly1"}` (code4p).
 *
 * @example
 * ```ts
 * hs3InterpolationCode({ type: 'mult', in: 'poly6', out: 'exp' }); // 'code4'
 * ```
 */
export function hs3InterpolationCode(interpolation: Interpolation): InterpolationCode | undefined {
  return HS3_CODES[`${interpolation.type}:${interpolation.in}:${interpolation.out ?? interpolation.in}`];
}

const isAsimov = (lh: Likelihood | undefined) => lh !== undefined && lh.data.some((d) => typeof d === 'string' && /asimov/i.test(d));

/** The analysis the converter uses (the same rule as `hs3ToPyhf`). */
function chosenAnalysis(doc: HS3Document, name: string | undefined): Analysis | undefined {
  const analyses = doc.analyses ?? [];
  if (name !== undefined) return analyses.find((a) => a.name === name);
  const lh = (a: Analysis) => doc.likelihoods?.find((l) => l.name === a.likelihood);
  return analyses.find((a) => !isAsimov(lh(a))) ?? analyses[0];
}

/**
 * Build the HistFactory likelihood of an HS3 document: the same numbers as the pyhf workspace it
 * converts to, with the interpolations the document asks for.
 *
 * @example
 * ```ts
 * const model = histFactoryFromHS3(JSON.parse(readFileSync('model.hs3.json', 'utf8')), { analysis: 'obs' });
 * model.value(model.init); // −2 ln L at the initial point
 * ```
 */
export function histFactoryFromHS3(input: unknown, options: HistFactoryFromHS3Options = {}): HistFactoryModel {
  const { result: workspace, warnings } = hs3ToPyhf(input, options.analysis === undefined ? {} : { analysis: options.analysis });
  const doc = input as HS3Document;
  const analysis = chosenAnalysis(doc, options.analysis);
  const likelihood = analysis ? doc.likelihoods?.find((l) => l.name === analysis.likelihood) : doc.likelihoods?.[0];

  // interpolation per (channel, sample, type, pyhf name)
  const codes = new Map<string, InterpolationCode>();
  const key = (channel: string, sample: string, type: string, name: string) => JSON.stringify([channel, sample, type, name]);
  const distIndex = new Map((doc.distributions ?? []).map((d, i) => [d.name, i]));
  for (const distName of likelihood?.distributions ?? []) {
    const di = distIndex.get(distName);
    if (di === undefined) continue;
    const dist = doc.distributions![di] as unknown as HistFactoryDist;
    if (dist.type !== 'histfactory_dist') continue;
    const nbins = dist.samples[0]?.data.contents.length;
    dist.samples.forEach((s, si) => {
      (s.modifiers ?? []).forEach((m, mi) => {
        if (m.type !== 'normsys' && m.type !== 'histosys') return;
        const interpolation = m.interpolation ?? dist.default_interpolation;
        if (!interpolation) return;
        const at = m.interpolation ? pointer('', 'distributions', di, 'samples', si, 'modifiers', mi, 'interpolation') : pointer('', 'distributions', di, 'default_interpolation');
        const code = hs3InterpolationCode(interpolation);
        if (!code || (m.type === 'histosys' && !ADDITIVE_CODES.has(code))) {
          throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hfHS3Interpolation(at, m.type, JSON.stringify(interpolation)), { path: at });
        }
        const one = modifierParameters(m, nbins, dist.name).names[0] ?? '';
        const name = one.startsWith('alpha_') ? one.slice('alpha_'.length) : one;
        codes.set(key(channelName(dist.name), s.name ?? `sample_${si}`, m.type, name), code);
      });
    });
  }
  const compiled = compileWorkspace(workspace, {
    ...(analysis && workspace.measurements.some((m) => m.name === analysis.name) ? { measurement: analysis.name } : {}),
    ...(options.interpolation ? { interpolation: options.interpolation } : {}),
    ...(codes.size ? { interpolationOf: (w) => codes.get(key(w.channel, w.sample, w.type, w.name)) } : {}),
  });
  // the interpolations are applied here, so the converter's warnings about dropping them do not hold
  const kept: Issue[] = warnings.filter((w) => !w.path.endsWith('/interpolation'));
  return modelWithChecks(compiled, kept);
}
