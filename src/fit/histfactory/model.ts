/**
 * The HistFactory likelihood as an {@link Objective}: −2 ln L exactly as pyhf defines it (constants
 * included) and its analytic gradient.
 *
 * λ_b = Σ_samples (nominal_b + Σ_histosys δ_b(α)) × Π_scalar f(θ) × Π_per-bin γ_b, then
 * −2 ln L = −2 Σ_b [n_b ln λ_b − λ_b − lnΓ(n_b + 1)] − 2 Σ_aux ln p(a | θ), with a Gaussian
 * N(a | θ, σ) for normsys, histosys, lumi and staterror and a continuous Poisson Pois(a | γ τ) for shapesys.
 * No IO here.
 * @module
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { HistSerialError, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import type { Objective } from '../objective.js';
import type { CompiledModel, ParameterSet } from './build.js';
import { BASIS_SIZE, FACTOR_DATA_SIZE, additiveCoefficients, normsysFactor } from './interpolation.js';

const LN_2PI = Math.log(2 * Math.PI);

/** A HistFactory channel: its name and its main bins [start, end) in {@link HistFactoryModel.mainData}. */
export interface HistFactoryChannel {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * A HistFactory model with its data: −2 ln L of the parameters, with pyhf's parameter names, order,
 * initial values, bounds and fixed flags. Make one with `buildHistFactory` (pyhf workspace) or
 * `histFactoryFromHS3` (HS3 document).
 *
 * @example
 * ```ts
 * const model = buildHistFactory(workspace);
 * const grad = new Float64Array(model.names.length);
 * const twiceNll = model.valueAndGradient(model.init, grad);
 * const asimov = model.withData(model.expectedMain(model.init), model.expectedAux(model.init));
 * ```
 */
export class HistFactoryModel implements Objective {
  /** Parameter names in pyhf's order (`name[i]` for per-bin parameters). */
  readonly names: readonly string[];
  readonly init: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly fixed: readonly boolean[];
  /** −2 ln L: a change of 1 is one standard deviation. */
  readonly scale = 2 as const;
  /** Index of the parameter of interest, undefined when the measurement has none (`"poi": ""`). */
  readonly poiIndex: number | undefined;
  readonly poiName: string | undefined;
  /** The measurement (pyhf) or analysis (HS3) the model was built for. */
  readonly measurement: string;
  /** Parameter sets (modifier parameters) in order, with their place in the parameter vector. */
  readonly parameterSets: readonly ParameterSet[];
  /** Channels in pyhf's order (sorted by name), with their main bins. */
  readonly channels: readonly HistFactoryChannel[];
  /** Observed counts of the main bins, channel after channel. */
  readonly mainData: Float64Array;
  /** Auxiliary data, one per component of each constrained parameter set (pyhf's `config.auxdata`). */
  readonly auxData: Float64Array;
  readonly nMainBins: number;
  readonly nAux: number;
  /** What building the model lost or approximated (HS3 conversion warnings). */
  readonly warnings: readonly Issue[];

  readonly #c: CompiledModel;
  readonly #auxConst: number;
  readonly #mainConst: number;
  // scratch
  readonly #lam: Float64Array;
  readonly #w: Float64Array;
  readonly #entBase: Float64Array;
  readonly #entGamma: Float64Array;
  readonly #f: Float64Array;
  readonly #df: Float64Array;
  readonly #coef: Float64Array;
  readonly #dcoef: Float64Array;
  readonly #prefix: Float64Array;
  readonly #tmp = new Float64Array(2);
  readonly #gam: Float64Array;

  /** @internal Use `buildHistFactory` or `histFactoryFromHS3`. */
  constructor(compiled: CompiledModel, mainData: Float64Array = compiled.mainData, auxData: Float64Array = compiled.auxData, warnings: readonly Issue[] = []) {
    const c = compiled;
    if (mainData.length !== c.nBins) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfDataLength('main data', mainData.length, c.nBins));
    if (auxData.length !== c.nAux) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfDataLength('auxiliary data', auxData.length, c.nAux));
    this.#c = c;
    this.names = c.names;
    // copies: a caller that changes them (a minimiser fixing a parameter) changes only this model
    this.init = Float64Array.from(c.init);
    this.lower = Float64Array.from(c.lower);
    this.upper = Float64Array.from(c.upper);
    this.fixed = [...c.fixed];
    this.poiIndex = c.poiIndex;
    this.poiName = c.poiName;
    this.measurement = c.measurement;
    this.parameterSets = c.parameterSets;
    this.channels = c.channels.map(({ name, start, end }) => ({ name, start, end }));
    this.mainData = Float64Array.from(mainData);
    this.auxData = Float64Array.from(auxData);
    this.nMainBins = c.nBins;
    this.nAux = c.nAux;
    this.warnings = warnings;

    let mainConst = 0;
    for (let b = 0; b < c.nBins; b++) mainConst += 2 * gammaln(this.mainData[b]! + 1);
    this.#mainConst = mainConst;
    let auxConst = 0;
    for (let k = 0; k < c.nAux; k++) {
      const width = c.auxWidth[k]!;
      auxConst += c.auxKind[k] === 0 ? 2 * Math.log(width) + LN_2PI : 2 * gammaln(this.auxData[k]! + 1);
    }
    this.#auxConst = auxConst;

    const entries = c.nominal.length;
    this.#lam = new Float64Array(c.nBins);
    this.#w = new Float64Array(c.nBins);
    this.#entBase = new Float64Array(entries);
    this.#entGamma = new Float64Array(entries);
    this.#f = new Float64Array(c.scalarPar.length);
    this.#df = new Float64Array(c.scalarPar.length);
    this.#coef = new Float64Array(BASIS_SIZE * c.addPar.length);
    this.#dcoef = new Float64Array(BASIS_SIZE * c.addPar.length);
    this.#prefix = new Float64Array(c.maxScalars + 1);
    this.#gam = new Float64Array(c.maxGammas);
  }

  /**
   * The same model with other data (Asimov data, toys): main counts in channel order and auxiliary data
   * in the order of {@link auxData}.
   */
  withData(main: Float64Array, aux: Float64Array): HistFactoryModel {
    return new HistFactoryModel(this.#c, main, aux, this.warnings);
  }

  /** Index of a parameter by name (`mu`, `staterror_SR[2]`), −1 when absent. */
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }

  #checkLength(x: ArrayLike<number>): void {
    if (x.length !== this.names.length) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfParamsLength(x.length, this.names.length));
  }

  /** Fill #lam with the expected main rates, and cache per entry the base rate and γ product. */
  #rates(x: ArrayLike<number>): void {
    const c = this.#c;
    const lam = this.#lam;
    const entBase = this.#entBase;
    const entGamma = this.#entGamma;
    const f = this.#f;
    const df = this.#df;
    const coef = this.#coef;
    const dcoef = this.#dcoef;
    const tmp = this.#tmp;
    const { nominal, addData, addOffset, gammaPar, gammaOffset, scalarPar, scalarKind, scalarData, addPar, addCode } = c;
    lam.fill(0);
    for (let k = 0; k < c.nBlocks; k++) {
      const b0 = c.blockBin[k]!;
      const n = c.blockLen[k]!;
      const e0 = c.blockEntry[k]!;
      const s0 = c.scalarStart[k]!;
      const s1 = c.scalarStart[k + 1]!;
      let sf = 1;
      for (let j = s0; j < s1; j++) {
        const kind = scalarKind[j]!;
        const p = x[scalarPar[j]!]!;
        if (kind === 0) {
          f[j] = p;
          df[j] = 1;
        } else {
          normsysFactor(kind, p, scalarData, FACTOR_DATA_SIZE * j, tmp);
          f[j] = tmp[0]!;
          df[j] = tmp[1]!;
        }
        sf *= f[j]!;
      }
      const a0 = c.addStart[k]!;
      const a1 = c.addStart[k + 1]!;
      for (let j = a0; j < a1; j++) additiveCoefficients(addCode[j]!, x[addPar[j]!]!, coef, dcoef, BASIS_SIZE * j);
      const g0 = c.gammaStart[k]!;
      const g1 = c.gammaStart[k + 1]!;
      for (let i = 0; i < n; i++) {
        let base = nominal[e0 + i]!;
        for (let j = a0; j < a1; j++) {
          const o = addOffset[j]! + BASIS_SIZE * i;
          const q = BASIS_SIZE * j;
          base += coef[q]! * addData[o]! + coef[q + 1]! * addData[o + 1]! + coef[q + 2]! * addData[o + 2]! + coef[q + 3]! * addData[o + 3]!;
        }
        let g = 1;
        for (let j = g0; j < g1; j++) g *= x[gammaPar[gammaOffset[j]! + i]!]!;
        entBase[e0 + i] = base;
        entGamma[e0 + i] = g;
        lam[b0 + i]! += sf * g * base;
      }
    }
  }

  /** −2 ln L of the main bins at the rates in #lam. */
  #mainValue(): number {
    const lam = this.#lam;
    const data = this.mainData;
    let v = this.#mainConst;
    for (let b = 0; b < lam.length; b++) {
      const l = lam[b]!;
      const n = data[b]!;
      v += n === 0 ? 2 * l : 2 * (l - n * Math.log(l));
    }
    return v;
  }

  /** −2 ln L of the auxiliary measurements; adds the gradient to `grad` when given. */
  #auxValue(x: ArrayLike<number>, grad?: Float64Array): number {
    const c = this.#c;
    const aux = this.auxData;
    let v = this.#auxConst;
    for (let k = 0; k < c.nAux; k++) {
      const i = c.auxPar[k]!;
      const p = x[i]!;
      const a = aux[k]!;
      const width = c.auxWidth[k]!;
      if (c.auxKind[k] === 0) {
        const d = (a - p) / width;
        v += d * d;
        if (grad) grad[i]! += (2 * (p - a)) / (width * width);
      } else {
        const r = p * width;
        v += a === 0 ? 2 * r : 2 * (r - a * Math.log(r));
        if (grad) grad[i]! += a === 0 ? 2 * width : 2 * (width - a / p);
      }
    }
    return v;
  }

  /** −2 ln L at `x` (all parameters, fixed ones included), constants included as in pyhf. */
  value(x: Float64Array): number {
    this.#checkLength(x);
    this.#rates(x);
    return this.#mainValue() + this.#auxValue(x);
  }

  /** −2 ln L at `x`, and its analytic gradient written into `grad`. */
  valueAndGradient(x: Float64Array, grad: Float64Array): number {
    this.#checkLength(x);
    if (grad.length !== x.length) throw new HistSerialError('INVALID_ARGUMENT', MESSAGES.hfParamsLength(grad.length, x.length));
    this.#rates(x);
    const c = this.#c;
    const lam = this.#lam;
    const data = this.mainData;
    const w = this.#w;
    for (let b = 0; b < lam.length; b++) {
      const n = data[b]!;
      w[b] = n === 0 ? 2 : 2 - (2 * n) / lam[b]!;
    }
    grad.fill(0);
    const value = this.#mainValue() + this.#auxValue(x, grad);

    const entBase = this.#entBase;
    const entGamma = this.#entGamma;
    const f = this.#f;
    const df = this.#df;
    const dcoef = this.#dcoef;
    const prefix = this.#prefix;
    const gam = this.#gam;
    const { addData, addOffset, gammaPar, gammaOffset, scalarPar, addPar } = c;
    for (let k = 0; k < c.nBlocks; k++) {
      const b0 = c.blockBin[k]!;
      const n = c.blockLen[k]!;
      const e0 = c.blockEntry[k]!;
      const s0 = c.scalarStart[k]!;
      const s1 = c.scalarStart[k + 1]!;
      const a0 = c.addStart[k]!;
      const a1 = c.addStart[k + 1]!;
      const g0 = c.gammaStart[k]!;
      const g1 = c.gammaStart[k + 1]!;
      // product of the scalar factors, and of all but one of them (prefix × suffix: a factor may be 0)
      prefix[0] = 1;
      for (let j = s0; j < s1; j++) prefix[j - s0 + 1] = prefix[j - s0]! * f[j]!;
      const sf = prefix[s1 - s0]!;
      if (s1 > s0) {
        let W = 0;
        for (let i = 0; i < n; i++) W += w[b0 + i]! * entBase[e0 + i]! * entGamma[e0 + i]!;
        let suffix = 1;
        for (let j = s1 - 1; j >= s0; j--) {
          grad[scalarPar[j]!]! += W * df[j]! * prefix[j - s0]! * suffix;
          suffix *= f[j]!;
        }
      }
      if (a1 === a0 && g1 === g0) continue;
      for (let i = 0; i < n; i++) {
        const wi = w[b0 + i]! * sf;
        if (wi === 0) continue;
        if (a1 > a0) {
          const wg = wi * entGamma[e0 + i]!;
          for (let j = a0; j < a1; j++) {
            const o = addOffset[j]! + BASIS_SIZE * i;
            const q = BASIS_SIZE * j;
            grad[addPar[j]!]! += wg * (dcoef[q]! * addData[o]! + dcoef[q + 1]! * addData[o + 1]! + dcoef[q + 2]! * addData[o + 2]! + dcoef[q + 3]! * addData[o + 3]!);
          }
        }
        if (g1 > g0) {
          const wb = wi * entBase[e0 + i]!;
          const ng = g1 - g0;
          if (ng === 1) {
            grad[gammaPar[gammaOffset[g0]! + i]!]! += wb;
          } else {
            for (let j = 0; j < ng; j++) gam[j] = x[gammaPar[gammaOffset[g0 + j]! + i]!]!;
            for (let j = 0; j < ng; j++) {
              let others = 1;
              for (let l = 0; l < ng; l++) if (l !== j) others *= gam[l]!;
              grad[gammaPar[gammaOffset[g0 + j]! + i]!]! += wb * others;
            }
          }
        }
      }
    }
    return value;
  }

  /** Expected counts of the main bins at `x` (pyhf's `expected_actualdata`). */
  expectedMain(x: ArrayLike<number>): Float64Array {
    this.#checkLength(x);
    this.#rates(x);
    return Float64Array.from(this.#lam);
  }

  /** Expected auxiliary data at `x` (pyhf's `expected_auxdata`): θ for Gaussian constraints, γ·τ for Poisson ones. */
  expectedAux(x: ArrayLike<number>): Float64Array {
    this.#checkLength(x);
    const c = this.#c;
    const out = new Float64Array(c.nAux);
    for (let k = 0; k < c.nAux; k++) {
      const p = x[c.auxPar[k]!]!;
      out[k] = c.auxKind[k] === 0 ? p : p * c.auxWidth[k]!;
    }
    return out;
  }

  /**
   * Throw a `BAD_MODEL` error when an expected count at `x` is not a finite number ≥ 0, naming the
   * sample (or the channel) and the bin.
   */
  assertRates(x: ArrayLike<number>): void {
    this.#checkLength(x);
    this.#rates(x);
    const c = this.#c;
    for (let k = 0; k < c.nBlocks; k++) {
      const e0 = c.blockEntry[k]!;
      let sf = 1;
      for (let j = c.scalarStart[k]!; j < c.scalarStart[k + 1]!; j++) sf *= this.#f[j]!;
      for (let i = 0; i < c.blockLen[k]!; i++) {
        const r = sf * this.#entBase[e0 + i]! * this.#entGamma[e0 + i]!;
        if (!Number.isFinite(r)) {
          const ch = c.channels.find((ch) => ch.start <= c.blockBin[k]! && c.blockBin[k]! < ch.end)!;
          throw new HistSerialError('BAD_MODEL', MESSAGES.hfRateNotFinite(c.blockPath[k]!, ch.name, c.samples[c.blockSample[k]!]!, i, r), { path: c.blockPath[k]! });
        }
      }
    }
    for (const ch of c.channels) {
      for (let b = ch.start; b < ch.end; b++) {
        const l = this.#lam[b]!;
        if (!Number.isFinite(l)) throw new HistSerialError('BAD_MODEL', MESSAGES.hfRateNotFinite(ch.path, ch.name, undefined, b - ch.start, l), { path: ch.path });
        if (l < 0) throw new HistSerialError('BAD_MODEL', MESSAGES.hfRateNegative(ch.path, ch.name, b - ch.start, l), { path: ch.path });
      }
    }
  }
}

/** A model of compiled structures, checked at its initial point (finite, non-negative rates). @internal */
export function modelWithChecks(compiled: CompiledModel, warnings: readonly Issue[] = []): HistFactoryModel {
  const model = new HistFactoryModel(compiled, compiled.mainData, compiled.auxData, warnings);
  model.assertRates(model.init);
  return model;
}
