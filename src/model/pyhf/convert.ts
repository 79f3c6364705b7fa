/**
 * pyhf workspace ⇄ HS3 document, following the rules ROOT applies when it exports a HistFactory model
 * to HS3 (spec.md 6.4): channel `C` ⇄ `histfactory_dist` `model_C` with axis `obs_x_C` on [0, nbins];
 * observations ⇄ binned data `obsData_C`; normsys/histosys `N` ⇄ parameter `alpha_N`; per-bin
 * modifiers `N` ⇄ parameters `N_0 … N_{n-1}`; staterror data ⇄ sample `errors`; the lumi modifier ⇄ a
 * normfactor constrained by `lumiConstraint`; measurements ⇄ analyses with a domain and an init point.
 * What HS3 cannot hold (pyhf-only parameter settings) is kept under `misc["hist-serial"].pyhf`, so
 * pyhf → HS3 → pyhf gives back the same workspace.
 * @module
 */
import { HistSerialError, ValidationError, issue, pointer, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import type {
  Analysis,
  AxisBounds,
  BinnedData,
  Domain,
  GaussianDist,
  HS3Document,
  HistFactoryDist,
  HistFactorySample,
  HistoSysModifier,
  Likelihood,
  Modifier1 as HS3Modifier,
  NormSysModifier,
  ParameterPoint,
  ShapeSysModifier,
} from '../../types/generated/hs3.types.js';
import type { PyhfMeasurement, PyhfModifier, PyhfParameterConfig, PyhfSample, PyhfWorkspace } from '../../types/generated/pyhf.types.js';
import { VERSION } from '../../version.js';
import type { ConversionResult } from '../hs3/binned.js';
import { HS3_VERSION } from '../hs3/catalog.js';
import { analysisDomains, analysisPOIs, checkHS3 } from '../hs3/check.js';
import { channelName, effectiveConstraint, histFactoryBinCount, modifierParameters } from '../hs3/histfactory.js';
import { checkPyhf, pyhfParameters, type PyhfParameter } from './check.js';

/** Where hist-serial keeps, in an HS3 document, what a pyhf workspace has and HS3 cannot hold. */
export const MISC_KEY = 'hist-serial';

/** What `misc["hist-serial"].pyhf` holds. */
export interface PyhfStash {
  /** The parameter configurations of each measurement, verbatim. */
  measurements?: { name: string; parameters: PyhfParameterConfig[] }[];
  /** Order of the observations, when it is not the order of the channels. */
  observations?: string[];
}


/** Options of {@link hs3ToPyhf}. */
export interface HS3ToPyhfOptions {
  /**
   * The analysis whose likelihood becomes the workspace. Default: the first analysis whose data are not
   * named like Asimov data, else the first analysis, else the first likelihood.
   */
  analysis?: string;
}

const LUMI_CONSTRAINT = 'lumiConstraint';
const NOMINAL_LUMI = 'nom_lumi';
/** ROOT's HistFactory luminosity parameter, which ROOT adds (constant at 1) to every sample. */
const ROOT_LUMI = 'Lumi';

interface ParamDefaults {
  inits: number;
  bounds: [number, number];
}

/** pyhf's defaults (its modifiers' `required_parset`); lumi has none. */
function pyhfDefaults(type: PyhfModifier['type']): ParamDefaults | undefined {
  switch (type) {
    case 'normfactor':
    case 'shapefactor':
      return { inits: 1, bounds: [0, 10] };
    case 'normsys':
    case 'histosys':
      return { inits: 0, bounds: [-5, 5] };
    case 'shapesys':
    case 'staterror':
      return { inits: 1, bounds: [1e-10, 10] };
    case 'lumi':
      return undefined;
  }
}

/** The HS3 parameter names of one pyhf parameter (set). */
export function hs3ParameterNames(p: Pick<PyhfParameter, 'name' | 'type' | 'size'>): string[] {
  switch (p.type) {
    case 'normfactor':
    case 'lumi':
      return [p.name];
    case 'normsys':
    case 'histosys':
      return [`alpha_${p.name}`];
    default:
      return Array.from({ length: p.size }, (_, i) => `${p.name}_${i}`);
  }
}

const clone = <T>(x: T): T => structuredClone(x);
const warning = (path: string, message: string, code: Issue['code'] = 'EXTRAS_DROPPED') => issue(code, path, message, 'warning');

function assertValid(issues: Issue[], what: string): void {
  if (issues.some((i) => i.severity === 'error')) throw new ValidationError(issues, { file: what });
}

// ------------------------------------------------------------------------------------- pyhf → HS3

/**
 * Convert a pyhf workspace to an HS3 document (ROOT's mapping; spec.md 6.4).
 *
 * @example
 * ```ts
 * const { result: hs3, warnings } = pyhfToHS3(JSON.parse(readFileSync('ws.json', 'utf8')));
 * ```
 */
export function pyhfToHS3(input: unknown): ConversionResult<HS3Document> {
  assertValid(checkPyhf(input), 'pyhf workspace');
  const ws = input as PyhfWorkspace;
  const warnings: Issue[] = [];
  const params = pyhfParameters(ws);
  // HS3 names must not collide (a normfactor "alpha_x" and a normsys "x" would)
  const owner = new Map<string, string>();
  for (const p of params.values()) {
    for (const n of hs3ParameterNames(p)) {
      const other = owner.get(n);
      if (other !== undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convParameterClash(n, other, p.name), { path: p.path });
      owner.set(n, p.name);
    }
  }

  const distributions: HS3Document['distributions'] = [];
  const data: BinnedData[] = [];
  ws.channels.forEach((c, ci) => {
    const nbins = c.samples[0]!.data.length;
    const axis = { name: `obs_x_${c.name}`, min: 0, max: nbins, nbins };
    const samples = c.samples.map((s, si) => sampleToHS3(s, pointer('', 'channels', ci, 'samples', si)));
    const dist: HistFactoryDist = { name: `model_${c.name}`, type: 'histfactory_dist', axes: [clone(axis)], samples };
    distributions.push(dist);
    const obs = ws.observations.find((o) => o.name === c.name)!;
    data.push({ name: `obsData_${c.name}`, type: 'binned', axes: [clone(axis)], contents: [...obs.data] });
  });
  const likelihood: Likelihood = { name: 'simPdf_obsData', distributions: distributions.map((d) => d.name), data: data.map((d) => d.name) };

  const lumi = [...params.values()].find((p) => p.type === 'lumi');
  const domains: Domain[] = [];
  const points: ParameterPoint[] = [];
  const analyses: Analysis[] = [];
  let lumiConstraint: GaussianDist | undefined;
  ws.measurements.forEach((m, mi) => {
    const mPath = pointer('', 'measurements', mi, 'config', 'parameters');
    const cfgOf = (name: string) => m.config.parameters.find((c) => c.name === name);
    const axes: AxisBounds[] = [];
    const values: ParameterPoint['parameters'] = [];
    for (const p of params.values()) {
      const cfg = cfgOf(p.name);
      const def = pyhfDefaults(p.type);
      const names = hs3ParameterNames(p);
      const bounds = cfg?.bounds ?? names.map(() => def!.bounds);
      const inits = cfg?.inits ?? names.map(() => def!.inits);
      names.forEach((n, i) => {
        axes.push({ name: n, min: bounds[i]![0]!, max: bounds[i]![1]! });
        values.push({ name: n, value: inits[i]!, ...(cfg?.fixed ? { const: true } : {}) });
      });
      for (const key of ['auxdata', 'sigmas', 'factors'] as const) {
        const unitDefault = (p.type === 'normsys' || p.type === 'histosys') && JSON.stringify(cfg?.[key]) === (key === 'auxdata' ? '[0]' : '[1]');
        if (cfg?.[key] !== undefined && p.type !== 'lumi' && !unitDefault) {
          const at = pointer(mPath, m.config.parameters.indexOf(cfg), key);
          warnings.push(warning(at, MESSAGES.convPyhfOnlySetting(at, p.name, key)));
        }
      }
    }
    if (lumi) {
      const cfg = cfgOf(lumi.name)!;
      values.push({ name: NOMINAL_LUMI, value: cfg.auxdata![0]!, const: true });
      if (!lumiConstraint) lumiConstraint = { name: LUMI_CONSTRAINT, type: 'gaussian_dist', x: NOMINAL_LUMI, mean: lumi.name, sigma: cfg.sigmas![0]! };
      else if (lumiConstraint.sigma !== cfg.sigmas![0]) {
        const at = pointer(mPath, m.config.parameters.indexOf(cfg), 'sigmas');
        warnings.push(warning(at, MESSAGES.convLumiSigma(at, m.name, LUMI_CONSTRAINT)));
      }
    }
    m.config.parameters.forEach((cfg, k) => {
      if (!params.has(cfg.name)) warnings.push(warning(pointer(mPath, k, 'name'), MESSAGES.convUnusedConfig(pointer(mPath, k, 'name'), cfg.name)));
    });
    const domain = `${m.name}_domain`;
    const init = `${m.name}_init`;
    domains.push({ name: domain, type: 'product_domain', axes });
    points.push({ name: init, parameters: values });
    const poi = m.config.poi === '' ? [] : hs3ParameterNames(params.get(m.config.poi)!);
    analyses.push({ name: m.name, likelihood: likelihood.name, parameters_of_interest: poi, domain, domains: [domain], init });
  });
  if (lumiConstraint) distributions.push(lumiConstraint);

  const stash: PyhfStash = {};
  const configured = ws.measurements.filter((m) => m.config.parameters.length > 0);
  if (configured.length) stash.measurements = configured.map((m) => ({ name: m.name, parameters: clone(m.config.parameters) }));
  const observationOrder = ws.observations.map((o) => o.name);
  if (observationOrder.some((n, i) => n !== ws.channels[i]?.name)) stash.observations = observationOrder;
  const misc: Record<string, unknown> = Object.keys(stash).length ? { [MISC_KEY]: { pyhf: stash } } : {};

  const hs3: HS3Document = {
    metadata: { hs3_version: HS3_VERSION, packages: [{ name: 'hist-serial', version: VERSION }] },
    distributions,
    data,
    likelihoods: [likelihood],
    domains,
    parameter_points: points,
    analyses,
    misc,
  };
  assertValid(checkHS3(hs3), 'HS3 document made from the pyhf workspace');
  return { result: hs3, warnings };
}

function sampleToHS3(s: PyhfSample, path: string): HistFactorySample {
  const modifiers: HS3Modifier[] = [];
  let errors: number[] | undefined;
  s.modifiers.forEach((m, mi) => {
    const nbins = s.data.length;
    const perBin = (n: string) => Array.from({ length: nbins }, (_, i) => `${n}_${i}`);
    switch (m.type) {
      case 'normfactor':
        modifiers.push({ name: m.name, type: 'normfactor', parameter: m.name });
        break;
      case 'lumi':
        modifiers.push({ name: m.name, type: 'normfactor', parameter: m.name, constraint_name: LUMI_CONSTRAINT });
        break;
      case 'normsys':
        modifiers.push({ name: m.name, type: 'normsys', parameter: `alpha_${m.name}`, constraint: 'Gauss', data: { hi: m.data.hi, lo: m.data.lo } } as HS3Modifier);
        break;
      case 'histosys':
        modifiers.push({
          name: m.name,
          type: 'histosys',
          parameter: `alpha_${m.name}`,
          constraint: 'Gauss',
          data: { hi: { contents: [...m.data.hi_data] }, lo: { contents: [...m.data.lo_data] } },
        } as HS3Modifier);
        break;
      case 'shapesys':
        modifiers.push({ name: m.name, type: 'shapesys', parameters: perBin(m.name), constraint: 'Poisson', data: { vals: [...m.data] } } as HS3Modifier);
        break;
      case 'staterror':
        if (errors) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convTwoStaterrors(pointer(path, 'modifiers', mi)), { path: pointer(path, 'modifiers', mi) });
        errors = [...m.data];
        modifiers.push({ name: m.name, type: 'staterror', parameters: perBin(m.name), constraint: 'Gauss' });
        break;
      case 'shapefactor':
        modifiers.push({ name: m.name, type: 'shapefactor', parameters: perBin(m.name) });
        break;
    }
  });
  return { name: s.name, data: { contents: [...s.data], ...(errors ? { errors } : {}) }, modifiers };
}

// ------------------------------------------------------------------------------------- HS3 → pyhf

/** Does a likelihood look like ROOT's Asimov data (by the names of its data)? */
const isAsimov = (lh: Likelihood | undefined) =>
  lh !== undefined && lh.data.some((d) => typeof d === 'string' && /asimov/i.test(d));

/** The analysis (if any) and likelihood the conversion uses. */
function chooseLikelihood(doc: HS3Document, options: HS3ToPyhfOptions): { analysis?: Analysis; likelihood: Likelihood; likelihoodIndex: number } {
  const analyses = doc.analyses ?? [];
  const likelihoods = doc.likelihoods ?? [];
  const lhOf = (a: Analysis) => likelihoods.findIndex((l) => l.name === a.likelihood);
  let analysis: Analysis | undefined;
  if (options.analysis !== undefined) {
    analysis = analyses.find((a) => a.name === options.analysis);
    if (!analysis) throw new HistSerialError('NOT_FOUND', MESSAGES.convNoAnalysis(options.analysis, analyses.map((a) => a.name)));
  } else {
    analysis = analyses.find((a) => !isAsimov(likelihoods[lhOf(a)])) ?? analyses[0];
  }
  const likelihoodIndex = analysis ? lhOf(analysis) : 0;
  const likelihood = likelihoods[likelihoodIndex];
  if (!likelihood) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNoLikelihood());
  return { ...(analysis ? { analysis } : {}), likelihood, likelihoodIndex };
}

/** A parameter of the pyhf model being built, with the HS3 parameters that make it up. */
interface BuiltParameter {
  name: string;
  type: PyhfModifier['type'];
  hs3: string[];
  /** ROOT's automatic γ upper bounds (1 + 5 σ_rel per bin), for shapesys and staterror. */
  rootMax?: number[];
  /** lumi: the constraint's nominal value and width, as HS3 values or names. */
  lumi?: { x: number | string; sigma: number | string };
}

/**
 * The pyhf name of a per-bin parameter set: the modifier name `N` when the parameters are `N_0 … N_{n-1}`
 * (hist-serial's and the reference pair's convention), else `B` for ROOT's `gamma_B_bin_0 …`, else
 * `B` for any `B_0 … B_{n-1}`, else the modifier name.
 */
function perBinBase(names: readonly string[], modifierName: string | undefined): string | undefined {
  if (modifierName !== undefined && names.every((n, i) => n === `${modifierName}_${i}`)) return modifierName;
  for (const re of [/^gamma_(.*)_bin_(\d+)$/, /^(.*)_(\d+)$/]) {
    const m = names.map((n) => re.exec(n));
    const base = m[0]?.[1];
    if (base !== undefined && m.every((x, i) => x && x[1] === base && Number(x[2]) === i)) return base;
  }
  return modifierName;
}

/**
 * Convert an HS3 document to a pyhf workspace (ROOT's mapping, reversed; spec.md 6.4). The workspace
 * holds the HistFactory channels of one likelihood; each analysis of that likelihood becomes a
 * measurement.
 *
 * @example
 * ```ts
 * const { result: workspace, warnings } = hs3ToPyhf(JSON.parse(text), { analysis: 'obs' });
 * ```
 */
export function hs3ToPyhf(input: unknown, options: HS3ToPyhfOptions = {}): ConversionResult<PyhfWorkspace> {
  assertValid(checkHS3(input), 'HS3 document');
  const doc = input as HS3Document;
  const warnings: Issue[] = [];
  const { likelihood, likelihoodIndex } = chooseLikelihood(doc, options);
  const lhPath = pointer('', 'likelihoods', likelihoodIndex);
  const analyses = (doc.analyses ?? []).filter((a) => a.likelihood === likelihood.name);
  const skipped = (doc.analyses ?? []).filter((a) => a.likelihood !== likelihood.name).map((a) => a.name);
  if (skipped.length) warnings.push(warning('/analyses', MESSAGES.convSkippedAnalyses(skipped, likelihood.name)));
  if (likelihood.aux_distributions?.length) warnings.push(warning(pointer(lhPath, 'aux_distributions'), MESSAGES.convAuxDropped(pointer(lhPath, 'aux_distributions'))));
  const stash = ((doc.misc as Record<string, unknown> | undefined)?.[MISC_KEY] as { pyhf?: PyhfStash } | undefined)?.pyhf;

  const distIndex = new Map((doc.distributions ?? []).map((d, i) => [d.name, i]));
  const pointNamed = (name: string | undefined) => (name === undefined ? undefined : doc.parameter_points?.find((p) => p.name === name));
  const pointOf = (a: Analysis | undefined) => pointNamed(a?.init ?? 'default_values');
  const valueIn = (point: ParameterPoint | undefined, name: string) => point?.parameters.find((v) => v.name === name);

  // ROOT adds a normfactor "Lumi", constant at 1, to every sample: it has no effect and pyhf lacks it
  const dropRootLumi =
    !stash && (analyses.length ? analyses.map(pointOf) : [pointNamed('default_values')]).every((pt) => {
      const v = valueIn(pt, ROOT_LUMI);
      return v !== undefined && v.const === true && v.value === 1;
    });

  const built = new Map<string, BuiltParameter>();
  const byHS3 = new Map<string, string>();
  const register = (p: BuiltParameter, at: string) => {
    const old = built.get(p.name);
    if (!old) {
      built.set(p.name, p);
      p.hs3.forEach((n) => byHS3.set(n, p.name));
    } else if (old.hs3.join('\u0000') !== p.hs3.join('\u0000') && !(old.type === p.type && PER_BIN.has(p.type))) {
      throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNameClash(at, p.name, old.hs3, p.hs3), { path: at });
    }
  };

  const channels: PyhfWorkspace['channels'] = [];
  const observations: PyhfWorkspace['observations'] = [];
  likelihood.distributions.forEach((distName, k) => {
    const at = pointer(lhPath, 'distributions', k);
    const di = distIndex.get(distName)!;
    const dist = doc.distributions![di]! as unknown as HistFactoryDist;
    const dPath = pointer('', 'distributions', di);
    if (dist.type !== 'histfactory_dist') throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNotHistFactory(at, distName, dist.type), { path: at });
    const dataName = likelihood.data[k];
    const data = typeof dataName === 'string' ? doc.data?.find((d) => d.name === dataName) : undefined;
    if (!data || data.type !== 'binned') {
      const dp = pointer(lhPath, 'data', k);
      throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNotBinnedData(dp, String(dataName)), { path: dp });
    }
    const channel = channelName(dist.name);
    const nbins = histFactoryBinCount(dist) ?? 0;
    const axes = dist.axes ?? [];
    const trivial = axes.length === 0 || (axes.length === 1 && axes[0]!.nbins === nbins && axes[0]!.min === 0 && axes[0]!.max === nbins && axes[0]!.edges === undefined);
    if (!trivial) warnings.push(warning(pointer(dPath, 'axes'), MESSAGES.convBinningDropped(pointer(dPath, 'axes'))));
    // staterror: ROOT's γ bound uses the relative error of the sum of the samples that carry it
    const statTotals = new Map<string, { sum: number[]; sumw2: number[] }>();
    const samples = dist.samples.map((s, si) => {
      const sPath = pointer(dPath, 'samples', si);
      const errors = s.data.errors ?? s.data.contents.map((v) => Math.sqrt(Math.max(v, 0)));
      const modifiers: PyhfModifier[] = [];
      (s.modifiers ?? []).forEach((m, mi) => {
        const mPath = pointer(sPath, 'modifiers', mi);
        const { names } = modifierParameters(m, nbins, dist.name);
        const one = names[0]!;
        const interpolationWarning = (expected: string) => {
          if (m.interpolation) warnings.push(warning(pointer(mPath, 'interpolation'), MESSAGES.convInterpolation(pointer(mPath, 'interpolation'), m.type, expected)));
        };
        switch (m.type) {
          case 'normfactor': {
            if (dropRootLumi && one === ROOT_LUMI && m.constraint_name === undefined) return;
            const c = m.constraint_name === undefined ? undefined : doc.distributions?.find((d) => d.name === m.constraint_name);
            if (c && c.type === 'gaussian_dist' && (c as GaussianDist).mean === one && one.toLowerCase() === 'lumi') {
              const g = c as GaussianDist;
              register({ name: 'lumi', type: 'lumi', hs3: [one], lumi: { x: g.x, sigma: g.sigma } }, mPath);
              modifiers.push({ name: 'lumi', type: 'lumi', data: null });
              return;
            }
            if (m.constraint_name !== undefined) warnings.push(warning(pointer(mPath, 'constraint_name'), MESSAGES.convConstraintDropped(pointer(mPath, 'constraint_name'), one)));
            register({ name: one, type: 'normfactor', hs3: [one] }, mPath);
            modifiers.push({ name: one, type: 'normfactor', data: null });
            return;
          }
          case 'normsys':
          case 'histosys': {
            const name = one.startsWith('alpha_') ? one.slice('alpha_'.length) : one;
            if (effectiveConstraint(m) !== 'Gauss') warnings.push(warning(mPath, MESSAGES.convConstraint(mPath, m.type, effectiveConstraint(m), 'Gauss')));
            register({ name, type: m.type, hs3: [one] }, mPath);
            if (m.type === 'normsys') {
              interpolationWarning('{"type": "mult", "in": "exp"} (pyhf code 1)');
              const d = (m as unknown as NormSysModifier).data;
              modifiers.push({ name, type: 'normsys', data: { hi: d.hi, lo: d.lo } });
            } else {
              interpolationWarning('{"type": "add", "in": "poly1"} (pyhf code 0)');
              const d = (m as unknown as HistoSysModifier).data;
              modifiers.push({ name, type: 'histosys', data: { hi_data: [...d.hi.contents], lo_data: [...d.lo.contents] } });
            }
            return;
          }
          case 'shapesys': {
            const name = perBinBase(names, m.name ?? m.parameter);
            if (name === undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNoPyhfName(mPath), { path: mPath });
            const vals = (m as unknown as ShapeSysModifier).data?.vals;
            if (!vals || m.constraint === 'Const') {
              // unconstrained per-bin factors: pyhf's shapefactor
              register({ name, type: 'shapefactor', hs3: names }, mPath);
              modifiers.push({ name, type: 'shapefactor', data: null });
              return;
            }
            if (effectiveConstraint(m) !== 'Poisson') warnings.push(warning(mPath, MESSAGES.convConstraint(mPath, m.type, effectiveConstraint(m), 'Poisson')));
            register({ name, type: 'shapesys', hs3: names, rootMax: vals.map((v, i) => 1 + (5 * v) / s.data.contents[i]!) }, mPath);
            modifiers.push({ name, type: 'shapesys', data: [...vals] });
            return;
          }
          case 'staterror': {
            const name = perBinBase(names, m.name);
            if (name === undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNoPyhfName(mPath), { path: mPath });
            if (s.data.errors === undefined) warnings.push(warning(pointer(sPath, 'data'), MESSAGES.convStaterrorSqrt(pointer(sPath, 'data')), 'NONSTANDARD'));
            if (effectiveConstraint(m) !== 'Gauss' && m.constraint !== undefined) warnings.push(warning(mPath, MESSAGES.convConstraint(mPath, m.type, m.constraint, 'Gauss')));
            const t = statTotals.get(name) ?? { sum: new Array<number>(nbins).fill(0), sumw2: new Array<number>(nbins).fill(0) };
            s.data.contents.forEach((v, i) => {
              t.sum[i]! += v;
              t.sumw2[i]! += errors[i]! ** 2;
            });
            statTotals.set(name, t);
            register({ name, type: 'staterror', hs3: names }, mPath);
            modifiers.push({ name, type: 'staterror', data: [...errors] });
            return;
          }
          case 'shapefactor': {
            const name = perBinBase(names, m.name ?? m.parameter);
            if (name === undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convNoPyhfName(mPath), { path: mPath });
            register({ name, type: 'shapefactor', hs3: names }, mPath);
            modifiers.push({ name, type: 'shapefactor', data: null });
            return;
          }
          default:
            throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convModifierType(pointer(mPath, 'type'), m.type), { path: pointer(mPath, 'type') });
        }
      });
      return { name: s.name ?? `sample_${si}`, data: [...s.data.contents], modifiers };
    });
    for (const [name, t] of statTotals) {
      const p = built.get(name)!;
      p.rootMax = t.sum.map((v, i) => 1 + (5 * Math.sqrt(t.sumw2[i]!)) / v);
    }
    channels.push({ name: channel, samples });
    observations.push({ name: channel, data: [...(data as BinnedData).contents] });
  });

  if (stash?.observations) {
    const order = stash.observations;
    if (order.length === observations.length && order.every((n) => observations.some((o) => o.name === n))) {
      observations.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    }
  }

  // measurements: one per analysis of the likelihood
  const measurementsFrom: (Analysis | undefined)[] = analyses.length ? analyses : [undefined];
  const measurements: PyhfMeasurement[] = measurementsFrom.map((a) => {
    const aPath = a ? pointer('', 'analyses', (doc.analyses ?? []).indexOf(a)) : lhPath;
    const domainAxes = new Map<string, AxisBounds>();
    for (const d of a ? analysisDomains(a) : []) {
      for (const x of doc.domains?.find((dd) => dd.name === d)?.axes ?? []) if (!domainAxes.has(x.name)) domainAxes.set(x.name, x);
    }
    const point = pointOf(a);
    const parameters = [...built.values()].map((p) => deriveConfig(p, domainAxes, point, doc, aPath, warnings)).filter((c): c is PyhfParameterConfig => c !== undefined);
    const pois = a ? analysisPOIs(a).names : [];
    if (pois.length > 1) warnings.push(warning(pointer(aPath, 'parameters_of_interest'), MESSAGES.convManyPois(pointer(aPath, 'parameters_of_interest'), pois)));
    const poi = pois.length ? (byHS3.get(pois[0]!) ?? pois[0]!) : '';
    const name = a?.name ?? 'measurement';
    const kept = stash?.measurements?.find((m) => m.name === name);
    return { name, config: { poi, parameters: kept ? mergeStash(kept.parameters, parameters, built) : parameters } };
  });

  const workspace: PyhfWorkspace = { channels, measurements, observations, version: '1.0.0' };
  assertValid(checkPyhf(workspace), 'pyhf workspace made from the HS3 document');
  return { result: workspace, warnings };
}

const PER_BIN = new Set(['shapesys', 'staterror', 'shapefactor']);

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/** The pyhf configuration of one parameter: only what differs from pyhf's defaults (and ROOT's automatic γ bounds). */
function deriveConfig(
  p: BuiltParameter,
  domainAxes: Map<string, AxisBounds>,
  point: ParameterPoint | undefined,
  doc: HS3Document,
  aPath: string,
  warnings: Issue[],
): PyhfParameterConfig | undefined {
  const def = pyhfDefaults(p.type);
  const values = p.hs3.map((n) => point?.parameters.find((v) => v.name === n));
  const cfg: PyhfParameterConfig = { name: p.name };
  if (p.type === 'lumi') {
    const resolve = (v: number | string) => (typeof v === 'number' ? v : findValue(doc, point, v));
    const aux = resolve(p.lumi!.x);
    const sigma = resolve(p.lumi!.sigma);
    if (aux === undefined || sigma === undefined) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.convLumiValues(aPath));
    const axis = domainAxes.get(p.hs3[0]!);
    cfg.auxdata = [aux];
    cfg.sigmas = [sigma];
    cfg.inits = [values[0]?.value ?? aux];
    cfg.bounds = [[axis?.min ?? 0, axis?.max ?? 10 * aux]];
    if (values[0]?.const === true) cfg.fixed = true;
    return cfg;
  }
  const bounds = p.hs3.map((n) => {
    const axis = domainAxes.get(n);
    return [axis?.min ?? def!.bounds[0], axis?.max ?? def!.bounds[1]] as [number, number];
  });
  const isDefault = (b: [number, number], i: number) =>
    (close(b[0], def!.bounds[0]) && close(b[1], def!.bounds[1])) || (p.rootMax !== undefined && b[0] === 0 && close(b[1], p.rootMax[i]!));
  if (!bounds.every(isDefault)) cfg.bounds = bounds;
  const inits = values.map((v) => v?.value ?? def!.inits);
  if (!inits.every((v) => v === def!.inits)) cfg.inits = inits;
  const consts = values.map((v) => v?.const === true);
  if (consts.every(Boolean)) cfg.fixed = true;
  else if (consts.some(Boolean)) warnings.push(warning(aPath, MESSAGES.convPartlyConstant(aPath, p.name)));
  return Object.keys(cfg).length > 1 ? cfg : undefined;
}

/** The value of a name in the init point, else in any parameter point. */
function findValue(doc: HS3Document, point: ParameterPoint | undefined, name: string): number | undefined {
  for (const pt of [point, ...(doc.parameter_points ?? [])]) {
    const v = pt?.parameters.find((x) => x.name === name);
    if (v) return v.value;
  }
  return undefined;
}

/**
 * Merge the configurations derived from HS3 with the verbatim ones kept in misc: the kept order and
 * spelling win where they mean the same; what HS3 holds (bounds, inits, fixed) wins where it was
 * changed; what only pyhf has (auxdata, sigmas, factors, configs of unknown parameters) comes from misc.
 */
function mergeStash(kept: readonly PyhfParameterConfig[], derived: readonly PyhfParameterConfig[], built: Map<string, BuiltParameter>): PyhfParameterConfig[] {
  const byName = new Map(derived.map((c) => [c.name, c]));
  const out: PyhfParameterConfig[] = [];
  for (const k of kept) {
    const p = built.get(k.name);
    if (!p) {
      out.push(clone(k));
      continue;
    }
    const d = byName.get(k.name) ?? { name: k.name };
    byName.delete(k.name);
    const merged: PyhfParameterConfig = clone(k);
    const def = pyhfDefaults(p.type);
    const n = p.hs3.length;
    const effective = (c: PyhfParameterConfig, key: 'bounds' | 'inits' | 'fixed'): unknown => {
      if (c[key] !== undefined) return c[key];
      if (key === 'fixed') return false;
      if (!def) return undefined;
      return key === 'bounds' ? Array.from({ length: n }, () => def.bounds) : Array.from({ length: n }, () => def.inits);
    };
    for (const key of ['bounds', 'inits', 'fixed'] as const) {
      if (JSON.stringify(effective(k, key)) === JSON.stringify(effective(d, key))) continue;
      if (d[key] === undefined) delete merged[key];
      else (merged as unknown as Record<string, unknown>)[key] = clone(d[key]);
    }
    if (p.type === 'lumi') {
      for (const key of ['auxdata', 'sigmas'] as const) if (merged[key] === undefined && d[key] !== undefined) merged[key] = clone(d[key]);
    }
    out.push(merged);
  }
  for (const d of byName.values()) out.push(d);
  return out;
}
