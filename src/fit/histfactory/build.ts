/**
 * A pyhf workspace compiled into flat arrays for fast evaluation, following pyhf's own construction
 * (`pyhf.pdf._ModelConfig`, `_nominal_and_modifiers_from_spec`, the modifier builders):
 * - channels, samples and modifiers sorted by name; the main bins are the channels' bins in that order;
 * - parameter sets in pyhf's `par_order`: by modifier type (histosys, lumi, normfactor, normsys,
 *   shapefactor, shapesys, staterror), within a type in order of first use over channels × samples ×
 *   sorted modifiers (staterror: by name), normsys and histosys of one name sharing the histosys place;
 * - initial values, bounds, fixed flags, auxiliary data and constraint widths as pyhf's modifiers
 *   require them, overridden by the measurement's parameter configurations;
 * - staterror σ per bin = √(Σ_samples σ²)/Σ_samples nominal (0 → fixed, σ set to 1), shapesys
 *   τ = (nominal/σ)² (bins with nominal or σ ≤ 0 fixed, τ = 1).
 * No IO here.
 * @module
 */
import { HistSerialError, ValidationError, pointer } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { checkPyhf } from '../../model/pyhf/check.js';
import type { PyhfModifier, PyhfParameterConfig, PyhfWorkspace } from '../../types/generated/pyhf.types.js';
import {
  ADDITIVE_CODES,
  BASIS_SIZE,
  CODE_ID,
  DEFAULT_INTERPOLATION,
  FACTOR_DATA_SIZE,
  MULTIPLICATIVE_CODES,
  additiveBasis,
  factorData,
  type InterpolationCode,
} from './interpolation.js';

/** Modifier types, in the order pyhf's `histfactory_set` lists them (which orders the parameters). */
export const MODIFIER_ORDER = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'] as const;

/** A HistFactory modifier type. */
export type ModifierType = (typeof MODIFIER_ORDER)[number];

/** Where a modifier sits, for choosing its interpolation. */
export interface ModifierLocation {
  channel: string;
  sample: string;
  /** `normsys` or `histosys`. */
  type: 'normsys' | 'histosys';
  /** The modifier (and parameter) name. */
  name: string;
}

/** Options of {@link compileWorkspace} and `buildHistFactory`. */
export interface BuildHistFactoryOptions {
  /** The measurement to use (default: the first, as pyhf). */
  measurement?: string;
  /**
   * Interpolation codes for all normsys and histosys modifiers (pyhf's `modifier_settings`). Defaults are
   * pyhf's: normsys `code4`, histosys `code4p`. normsys accepts code0, code1, code2, code4 and code4p
   * (the additive codes act on the scaled nominal, as ROOT's FlexibleInterpVar); histosys code0, code2, code4p.
   */
  interpolation?: { normsys?: InterpolationCode; histosys?: InterpolationCode };
  /** A code for one modifier (wins over `interpolation`); undefined: the default. HS3 documents use this. */
  interpolationOf?: (where: ModifierLocation) => InterpolationCode | undefined;
}

/** How a parameter set is constrained. */
export type ConstraintType = 'normal' | 'poisson' | undefined;

/** One parameter set of the model: a scalar parameter or a per-bin vector (`name[i]`). */
export interface ParameterSet {
  name: string;
  type: ModifierType;
  /** Index of its first component in the parameter vector. */
  offset: number;
  /** Number of components. */
  size: number;
  /** A scalar (one parameter named `name`), or a vector named `name[0]`, `name[1]` … */
  isScalar: boolean;
  constraint: ConstraintType;
}

/** Everything the evaluator needs, in flat arrays. Shared by models that differ only in their data. */
export interface CompiledModel {
  names: string[];
  parameterSets: ParameterSet[];
  init: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  fixed: boolean[];
  poiIndex: number | undefined;
  poiName: string | undefined;
  measurement: string;
  /** Channels in pyhf's order with their main bins [start, end) and their place in the workspace. */
  channels: { name: string; start: number; end: number; path: string }[];
  /** Sample names in pyhf's order. */
  samples: string[];
  nBins: number;
  // blocks: one per (channel, sample) that exists
  nBlocks: number;
  blockBin: Int32Array;
  blockLen: Int32Array;
  blockEntry: Int32Array;
  nominal: Float64Array;
  /** For messages: the sample of each block, and its place in the workspace. */
  blockSample: Int32Array;
  blockPath: string[];
  // scalar factors (normfactor, lumi: kind 0; normsys: kind = code id)
  scalarStart: Int32Array;
  scalarPar: Int32Array;
  scalarKind: Uint8Array;
  scalarData: Float64Array;
  // additive modifiers (histosys, normsys with an additive code)
  addStart: Int32Array;
  addPar: Int32Array;
  addCode: Uint8Array;
  addData: Float64Array;
  addOffset: Int32Array;
  // per-bin factors: parameter index per entry
  gammaStart: Int32Array;
  gammaPar: Int32Array;
  gammaOffset: Int32Array;
  maxScalars: number;
  maxAdditive: number;
  maxGammas: number;
  // auxiliary measurements, one per component of a constrained parameter set, in parameter order
  nAux: number;
  auxPar: Int32Array;
  /** 0: Gaussian (width σ), 1: Poisson (rate γ·τ). */
  auxKind: Uint8Array;
  auxWidth: Float64Array;
  /** pyhf's auxiliary data (`model.config.auxdata`). */
  auxData: Float64Array;
  /** Observed main data in channel order. */
  mainData: Float64Array;
}

/** Compare strings by Unicode code points, as Python's `sorted` does. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(compareCodePoints);

interface Occurrence {
  channel: number;
  sample: number;
  modifier: PyhfModifier;
  data: number[];
  path: string;
}

/** What a modifier requires of its parameter set (pyhf's `required_parset`), before user settings. */
interface Requirement {
  type: ModifierType;
  size: number;
  isScalar: boolean;
  inits?: number[];
  bounds?: [number, number][];
  fixed: boolean | boolean[];
  auxdata?: number[];
  sigmas?: number[];
  factors?: number[];
  constraint: ConstraintType;
  path: string;
}

const fill = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

function requirementOf(type: ModifierType, size: number, path: string): Requirement {
  switch (type) {
    case 'normfactor':
      return { type, size: 1, isScalar: true, inits: [1], bounds: [[0, 10]], fixed: false, constraint: undefined, path };
    case 'shapefactor':
      return { type, size, isScalar: false, inits: fill(size, 1), bounds: fill(size, [0, 10]), fixed: false, constraint: undefined, path };
    case 'normsys':
    case 'histosys':
      return { type, size: 1, isScalar: true, inits: [0], bounds: [[-5, 5]], fixed: false, auxdata: [0], constraint: 'normal', path };
    case 'lumi':
      return { type, size: 1, isScalar: true, fixed: false, constraint: 'normal', path };
    default:
      throw new Error(`no plain requirement for ${type}`);
  }
}

/**
 * Compile a pyhf workspace (validated with `checkPyhf` first) for one measurement.
 *
 * @example
 * ```ts
 * const compiled = compileWorkspace(workspace, { measurement: 'GaussExample' });
 * ```
 */
export function compileWorkspace(input: unknown, options: BuildHistFactoryOptions = {}): CompiledModel {
  const issues = checkPyhf(input);
  if (issues.some((i) => i.severity === 'error')) throw new ValidationError(issues, { file: 'pyhf workspace' });
  const ws = input as PyhfWorkspace;

  // the measurement
  const mi = options.measurement === undefined ? 0 : ws.measurements.findIndex((m) => m.name === options.measurement);
  const measurement = ws.measurements[mi];
  if (!measurement) {
    throw new HistSerialError('NOT_FOUND', MESSAGES.hfNoMeasurement(options.measurement ?? '', ws.measurements.map((m) => m.name)), { path: '/measurements' });
  }
  const mPath = pointer('', 'measurements', mi, 'config');

  // channels, samples, modifiers: sorted, as pyhf's _ChannelSummaryMixin
  const channelNames = sortedUnique(ws.channels.map((c) => c.name));
  const channelIndex = new Map(ws.channels.map((c, i) => [c.name, i]));
  const channels: CompiledModel['channels'] = [];
  let nBins = 0;
  for (const name of channelNames) {
    const n = ws.channels[channelIndex.get(name)!]!.samples[0]!.data.length;
    channels.push({ name, start: nBins, end: nBins + n, path: pointer('', 'channels', channelIndex.get(name)!) });
    nBins += n;
  }
  const sampleNames = sortedUnique(ws.channels.flatMap((c) => c.samples.map((s) => s.name)));
  const byKey = (a: { name: string; type: string }, b: { name: string; type: string }) => compareCodePoints(a.name, b.name) || compareCodePoints(a.type, b.type);
  const staterrorNames = sortedUnique(ws.channels.flatMap((c) => c.samples.flatMap((s) => s.modifiers.filter((m) => m.type === 'staterror').map((m) => m.name))));

  // the walk of pyhf's step 3: channels × samples × (name, type)-sorted modifiers that the sample has
  const occurrences: Occurrence[] = [];
  const byBlock = new Map<number, Occurrence[]>();
  const sampleIndex = ws.channels.map((c) => new Map(c.samples.map((s, si) => [s.name, si])));
  const sampleAt = (c: number, s: number) => {
    const ci = channelIndex.get(channelNames[c]!)!;
    const si = sampleIndex[ci]!.get(sampleNames[s]!);
    return si === undefined ? undefined : { sample: ws.channels[ci]!.samples[si]!, path: pointer('', 'channels', ci, 'samples', si) };
  };
  for (let c = 0; c < channelNames.length; c++) {
    for (let s = 0; s < sampleNames.length; s++) {
      const at = sampleAt(c, s);
      if (!at) continue;
      const order = at.sample.modifiers.map((_, k) => k).sort((i, j) => byKey(at.sample.modifiers[i]!, at.sample.modifiers[j]!));
      for (const k of order) {
        const o: Occurrence = { channel: c, sample: s, modifier: at.sample.modifiers[k]!, data: at.sample.data, path: pointer(at.path, 'modifiers', k) };
        occurrences.push(o);
        const key = c * sampleNames.length + s;
        const list = byBlock.get(key);
        if (list) list.push(o);
        else byBlock.set(key, [o]);
      }
    }
  }

  // requirements per builder, in pyhf's order
  const required = new Map<string, Requirement[]>();
  const require = (name: string, r: Requirement) => {
    const list = required.get(name);
    if (list) list.push(r);
    else required.set(name, [r]);
  };
  const staterrorSets = new Map<string, { mask: boolean[]; sigmas: number[]; fixed: boolean[]; path: string }>();
  for (const type of MODIFIER_ORDER) {
    const mine = new Map<string, Requirement>();
    if (type === 'staterror') {
      const byName = new Map<string, Occurrence[]>();
      for (const o of occurrences) {
        if (o.modifier.type !== 'staterror') continue;
        const list = byName.get(o.modifier.name);
        if (list) list.push(o);
        else byName.set(o.modifier.name, [o]);
      }
      for (const name of staterrorNames) {
        const set = staterrorSet(name, byName.get(name)!, channels, sampleNames.length);
        staterrorSets.set(name, set);
        const size = set.sigmas.length;
        mine.set(name, {
          type,
          size,
          isScalar: false,
          inits: fill(size, 1),
          bounds: fill(size, [1e-10, 10]),
          fixed: set.fixed,
          auxdata: fill(size, 1),
          sigmas: set.sigmas,
          constraint: 'normal',
          path: set.path,
        });
      }
    } else {
      for (const o of occurrences) {
        if (o.modifier.type !== type || mine.has(o.modifier.name)) continue;
        const nb = channels[o.channel]!.end - channels[o.channel]!.start;
        if (type === 'shapesys') {
          const unc = o.modifier.data as number[];
          const valid = o.data.map((nom, i) => nom > 0 && unc[i]! > 0);
          const factors = o.data.map((nom, i) => (valid[i] ? (nom * nom) / (unc[i]! * unc[i]!) : 1.0));
          mine.set(o.modifier.name, {
            type,
            size: nb,
            isScalar: false,
            inits: fill(nb, 1),
            bounds: fill(nb, [1e-10, 10]),
            fixed: valid.map((v) => !v),
            auxdata: factors,
            factors,
            constraint: 'poisson',
            path: o.path,
          });
        } else {
          mine.set(o.modifier.name, requirementOf(type, nb, o.path));
        }
      }
    }
    for (const [name, r] of mine) require(name, r);
  }
  if (required.size === 0) throw new HistSerialError('BAD_MODEL', MESSAGES.hfNoParameters(), { path: '/channels' });

  // combine with the measurement's configurations (pyhf's reduce_paramsets_requirements)
  const configs = new Map<string, { cfg: PyhfParameterConfig; path: string }>();
  measurement.config.parameters.forEach((cfg, k) => configs.set(cfg.name, { cfg, path: pointer(mPath, 'parameters', k) }));
  const parameterSets: ParameterSet[] = [];
  const names: string[] = [];
  const init: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const fixed: boolean[] = [];
  const auxPar: number[] = [];
  const auxKind: number[] = [];
  const auxWidth: number[] = [];
  const auxData: number[] = [];
  for (const [name, reqs] of required) {
    const r = reqs[0]!;
    for (const other of reqs.slice(1)) {
      if (other.size !== r.size || other.constraint !== r.constraint) {
        throw new HistSerialError('BAD_MODEL', MESSAGES.hfNameReuse(other.path, name, other.type, r.type), { path: other.path });
      }
    }
    const user = configs.get(name);
    const pick = <K extends 'inits' | 'bounds' | 'auxdata' | 'sigmas' | 'factors'>(key: K): NonNullable<Requirement[K]> | undefined => {
      const v = user?.cfg[key] as NonNullable<Requirement[K]> | undefined;
      if (v !== undefined) {
        if (v.length !== r.size) {
          const at = pointer(user!.path, key);
          throw new HistSerialError('BAD_MODEL', MESSAGES.hfConfigLength(at, name, key, v.length, r.size), { path: at });
        }
        return v;
      }
      return r[key] as NonNullable<Requirement[K]> | undefined;
    };
    const inits = pick('inits');
    const bounds = pick('bounds');
    const aux = r.constraint ? pick('auxdata') : undefined;
    const missing = [...(inits ? [] : ['inits']), ...(bounds ? [] : ['bounds']), ...(r.constraint && !aux ? ['auxdata'] : []), ...(r.type === 'lumi' && !pick('sigmas') ? ['sigmas'] : [])];
    if (missing.length) {
      throw new HistSerialError('BAD_MODEL', MESSAGES.hfConfigMissing(mPath, name, r.type, measurement.name, missing), { path: mPath });
    }
    const fixedFlags = user?.cfg.fixed ?? r.fixed;
    const offset = names.length;
    parameterSets.push({ name, type: r.type, offset, size: r.size, isScalar: r.isScalar, constraint: r.constraint });
    for (let i = 0; i < r.size; i++) {
      names.push(r.isScalar ? name : `${name}[${i}]`);
      init.push(inits![i]!);
      lower.push(bounds![i]![0]);
      upper.push(bounds![i]![1]);
      fixed.push(typeof fixedFlags === 'boolean' ? fixedFlags : fixedFlags[i]!);
    }
    if (r.constraint) {
      const widths = r.constraint === 'normal' ? (pick('sigmas') ?? fill(r.size, 1)) : pick('factors')!;
      for (let i = 0; i < r.size; i++) {
        auxPar.push(offset + i);
        auxKind.push(r.constraint === 'normal' ? 0 : 1);
        auxWidth.push(widths[i]!);
        auxData.push(aux![i]!);
      }
    }
  }
  const setOf = new Map(parameterSets.map((p) => [p.name, p]));

  // the POI
  const poi = measurement.config.poi === '' ? undefined : measurement.config.poi;
  let poiIndex: number | undefined;
  if (poi !== undefined) {
    const p = setOf.get(poi);
    const at = pointer(mPath, 'poi');
    if (!p) throw new HistSerialError('BAD_MODEL', MESSAGES.fitDanglingReference(at, 'parameter', poi, [...setOf.keys()]), { path: at });
    if (!p.isScalar) throw new HistSerialError('BAD_MODEL', MESSAGES.pyhfPoiVector(at, poi, p.type, p.size), { path: at });
    poiIndex = p.offset;
  }

  // blocks: (channel, sample) pairs in pyhf's order, with their modifiers
  const codeFor = (where: ModifierLocation, path: string): number => {
    const code = options.interpolationOf?.(where) ?? options.interpolation?.[where.type] ?? DEFAULT_INTERPOLATION[where.type];
    const allowed = where.type === 'histosys' ? ADDITIVE_CODES.has(code) : ADDITIVE_CODES.has(code) || MULTIPLICATIVE_CODES.has(code);
    if (!allowed) throw new HistSerialError('UNSUPPORTED_OPERATION', MESSAGES.hfInterpolationCode(path, where.type, code), { path });
    return CODE_ID[code];
  };
  const blockBin: number[] = [];
  const blockLen: number[] = [];
  const blockEntry: number[] = [];
  const blockSample: number[] = [];
  const blockPath: string[] = [];
  const nominal: number[] = [];
  const scalarStart: number[] = [0];
  const scalarPar: number[] = [];
  const scalarKind: number[] = [];
  const scalarData: number[] = [];
  const addStart: number[] = [0];
  const addPar: number[] = [];
  const addCode: number[] = [];
  const addOffset: number[] = [];
  const addChunks: Float64Array[] = [];
  let addSize = 0;
  const gammaStart: number[] = [0];
  const gammaPar: number[] = [];
  const gammaOffset: number[] = [];
  let maxScalars = 0;
  let maxAdditive = 0;
  let maxGammas = 0;
  const typeRank = new Map(MODIFIER_ORDER.map((t, i) => [t, i]));
  for (let c = 0; c < channelNames.length; c++) {
    const ch = channels[c]!;
    const nb = ch.end - ch.start;
    for (let s = 0; s < sampleNames.length; s++) {
      const at = sampleAt(c, s);
      if (!at) continue;
      const entry = nominal.length;
      blockBin.push(ch.start);
      blockLen.push(nb);
      blockEntry.push(entry);
      blockSample.push(s);
      blockPath.push(at.path);
      const nom = at.sample.data;
      for (const v of nom) nominal.push(v);
      const mods = [...(byBlock.get(c * sampleNames.length + s) ?? [])].sort((a, b) => typeRank.get(a.modifier.type)! - typeRank.get(b.modifier.type)!);
      let nScalar = 0;
      let nAdd = 0;
      let nGamma = 0;
      for (const o of mods) {
        const m = o.modifier;
        const p = setOf.get(m.name)!;
        switch (m.type) {
          case 'normfactor':
          case 'lumi':
            scalarPar.push(p.offset);
            scalarKind.push(0);
            for (let k = 0; k < FACTOR_DATA_SIZE; k++) scalarData.push(0);
            nScalar++;
            break;
          case 'normsys': {
            const code = codeFor({ channel: ch.name, sample: sampleNames[s]!, type: 'normsys', name: m.name }, o.path);
            if (code === CODE_ID.code1 || code === CODE_ID.code4) {
              const d = new Float64Array(FACTOR_DATA_SIZE);
              factorData(m.data.hi, m.data.lo, d, 0);
              scalarPar.push(p.offset);
              scalarKind.push(code);
              scalarData.push(...d);
              nScalar++;
            } else {
              const chunk = new Float64Array(BASIS_SIZE * nb);
              additiveBasis(code, nom, nom.map((v) => m.data.lo * v), nom.map((v) => m.data.hi * v), chunk, 0);
              addPar.push(p.offset);
              addCode.push(code);
              addOffset.push(addSize);
              addChunks.push(chunk);
              addSize += chunk.length;
              nAdd++;
            }
            break;
          }
          case 'histosys': {
            const code = codeFor({ channel: ch.name, sample: sampleNames[s]!, type: 'histosys', name: m.name }, o.path);
            const chunk = new Float64Array(BASIS_SIZE * nb);
            additiveBasis(code, nom, m.data.lo_data, m.data.hi_data, chunk, 0);
            addPar.push(p.offset);
            addCode.push(code);
            addOffset.push(addSize);
            addChunks.push(chunk);
            addSize += chunk.length;
            nAdd++;
            break;
          }
          case 'shapefactor':
          case 'shapesys': {
            if (nb > p.size) {
              throw new HistSerialError('BAD_MODEL', MESSAGES.hfSharedBins(o.path, m.name, m.type, nb, p.size), { path: o.path });
            }
            gammaOffset.push(gammaPar.length);
            for (let i = 0; i < nb; i++) gammaPar.push(p.offset + i);
            nGamma++;
            break;
          }
          case 'staterror': {
            const set = staterrorSets.get(m.name)!;
            gammaOffset.push(gammaPar.length);
            let k = 0;
            for (let b = 0; b < ch.start; b++) if (set.mask[b]) k++;
            for (let i = 0; i < nb; i++) gammaPar.push(p.offset + k + i);
            nGamma++;
            break;
          }
        }
      }
      scalarStart.push(scalarPar.length);
      addStart.push(addPar.length);
      gammaStart.push(gammaOffset.length);
      maxScalars = Math.max(maxScalars, nScalar);
      maxAdditive = Math.max(maxAdditive, nAdd);
      maxGammas = Math.max(maxGammas, nGamma);
    }
  }
  const addData = new Float64Array(addSize);
  addChunks.forEach((chunk, i) => addData.set(chunk, addOffset[i]!));

  // observed data in channel order
  const mainData = new Float64Array(nBins);
  for (const ch of channels) {
    const obs = ws.observations.find((o) => o.name === ch.name)!;
    mainData.set(obs.data, ch.start);
  }

  return {
    names,
    parameterSets,
    init: Float64Array.from(init),
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
    fixed,
    poiIndex,
    poiName: poi,
    measurement: measurement.name,
    channels,
    samples: sampleNames,
    nBins,
    nBlocks: blockBin.length,
    blockBin: Int32Array.from(blockBin),
    blockLen: Int32Array.from(blockLen),
    blockEntry: Int32Array.from(blockEntry),
    blockSample: Int32Array.from(blockSample),
    blockPath,
    nominal: Float64Array.from(nominal),
    scalarStart: Int32Array.from(scalarStart),
    scalarPar: Int32Array.from(scalarPar),
    scalarKind: Uint8Array.from(scalarKind),
    scalarData: Float64Array.from(scalarData),
    addStart: Int32Array.from(addStart),
    addPar: Int32Array.from(addPar),
    addCode: Uint8Array.from(addCode),
    addData,
    addOffset: Int32Array.from(addOffset),
    gammaStart: Int32Array.from(gammaStart),
    gammaPar: Int32Array.from(gammaPar),
    gammaOffset: Int32Array.from(gammaOffset),
    maxScalars,
    maxAdditive,
    maxGammas,
    nAux: auxPar.length,
    auxPar: Int32Array.from(auxPar),
    auxKind: Uint8Array.from(auxKind),
    auxWidth: Float64Array.from(auxWidth),
    auxData: Float64Array.from(auxData),
    mainData,
  };
}

/**
 * pyhf's staterror builder for one name: the mask of main bins it covers (the same for every sample
 * that has it), and per covered bin σ = √(Σₛ (σₛ/N)²) with N the summed nominal of the samples that
 * have it (0 where N ≤ 0); σ = 0 → fixed, σ set to 1.
 */
function staterrorSet(name: string, mine: readonly Occurrence[], channels: CompiledModel['channels'], nSamples: number) {
  const nBins = channels[channels.length - 1]!.end;
  const bySample = new Map<number, Occurrence[]>();
  for (const o of mine) bySample.set(o.sample, [...(bySample.get(o.sample) ?? []), o]);
  let mask: boolean[] | undefined;
  let maskPath = mine[0]!.path;
  const nomsall = new Float64Array(nBins);
  for (const [, list] of bySample) {
    const m = new Array<boolean>(nBins).fill(false);
    for (const o of list) {
      const ch = channels[o.channel]!;
      for (let i = ch.start; i < ch.end; i++) m[i] = true;
    }
    if (!mask) mask = m;
    else if (m.some((v, i) => v !== mask![i])) {
      maskPath = list[0]!.path;
      throw new HistSerialError('BAD_MODEL', MESSAGES.hfStaterrorChannels(maskPath, name), { path: maskPath });
    }
  }
  // nominal of every sample that has the modifier, in all its channels (pyhf sums the samples whose mask is set)
  for (const list of bySample.values()) {
    for (const o of list) {
      const ch = channels[o.channel]!;
      o.data.forEach((v, i) => (nomsall[ch.start + i]! += v));
    }
  }
  const rel2 = new Float64Array(nBins);
  for (let s = 0; s < nSamples; s++) {
    for (const o of bySample.get(s) ?? []) {
      const ch = channels[o.channel]!;
      const unc = o.modifier.data as number[];
      for (let i = 0; i < unc.length; i++) {
        const n = nomsall[ch.start + i]!;
        if (n > 0) {
          const q = unc[i]! / n;
          rel2[ch.start + i]! += q * q;
        }
      }
    }
  }
  const sigmas: number[] = [];
  const fixed: boolean[] = [];
  for (let b = 0; b < nBins; b++) {
    if (!mask![b]) continue;
    const s = Math.sqrt(rel2[b]!);
    fixed.push(s === 0);
    sigmas.push(s === 0 ? 1.0 : s);
  }
  return { mask: mask!, sigmas, fixed, path: mine[0]!.path };
}
