/**
 * HistFactory helpers shared by the HS3 checks and the pyhf conversion: the number of bins of an
 * axis list, and the parameters a modifier depends on (explicit, or derived by ROOT's rules).
 * @module
 */
import type { AxisBounds, HistFactoryDist, Modifier1 as Modifier } from '../../types/generated/hs3.types.js';
import { PER_BIN_MODIFIERS } from './catalog.js';

/** Number of bins of one axis (`categories`, `edges` or `nbins`), or undefined when it has no binning. */
export function axisBinCount(axis: AxisBounds): number | undefined {
  if (Array.isArray(axis.categories)) return axis.categories.length;
  if (Array.isArray(axis.edges)) return axis.edges.length - 1;
  if (typeof axis.nbins === 'number') return axis.nbins;
  return undefined;
}

/** Total number of bins of an axis list (product over axes), or undefined when an axis has no binning. */
export function totalBinCount(axes: readonly AxisBounds[] | undefined): number | undefined {
  if (!axes || axes.length === 0) return undefined;
  let n = 1;
  for (const a of axes) {
    const k = axisBinCount(a);
    if (k === undefined) return undefined;
    n *= k;
  }
  return n;
}

/** Bins of a HistFactory distribution: from its axes, else from its first sample. */
export function histFactoryBinCount(dist: HistFactoryDist): number | undefined {
  return totalBinCount(dist.axes) ?? dist.samples[0]?.data.contents.length;
}

/** The channel name ROOT derives from a HistFactory distribution name (`model_` prefix removed). */
export function channelName(distName: string): string {
  return distName.startsWith('model_') ? distName.slice('model_'.length) : distName;
}

/** How the parameters of a modifier were found. */
export type ParameterSource = 'parameter' | 'parameters' | 'derived' | 'none';

/** The parameters one modifier depends on. */
export interface ModifierParameters {
  names: string[];
  source: ParameterSource;
}

/**
 * The parameters a modifier depends on: `parameter` (scalar types), `parameters` (per-bin types), or,
 * when both are missing, the names ROOT derives from the modifier `name`: `alpha_NAME` for normsys and
 * histosys, `NAME` for normfactor, `gamma_NAME_bin_I` for shapesys and shapefactor, and
 * `gamma_stat_CHANNEL_bin_I` for staterror.
 *
 * @example
 * ```ts
 * modifierParameters({ type: 'normsys', name: 'jes' }, 2, 'model_SR').names; // ['alpha_jes']
 * ```
 */
export function modifierParameters(m: Modifier, nbins: number | undefined, distName: string): ModifierParameters {
  if (Array.isArray(m.parameters)) return { names: [...m.parameters], source: 'parameters' };
  const perBin = PER_BIN_MODIFIERS.has(m.type);
  if (typeof m.parameter === 'string') {
    if (!perBin) return { names: [m.parameter], source: 'parameter' };
    if (nbins === undefined) return { names: [], source: 'none' };
    const base = m.parameter;
    return { names: Array.from({ length: nbins }, (_, i) => `gamma_${base}_bin_${i}`), source: 'derived' };
  }
  if (m.type === 'staterror' && nbins !== undefined) {
    return { names: Array.from({ length: nbins }, (_, i) => `gamma_stat_${channelName(distName)}_bin_${i}`), source: 'derived' };
  }
  if (typeof m.name !== 'string') return { names: [], source: 'none' };
  switch (m.type) {
    case 'normfactor':
      return { names: [m.name], source: 'derived' };
    case 'normsys':
    case 'histosys':
      return { names: [`alpha_${m.name}`], source: 'derived' };
    case 'shapesys':
    case 'shapefactor': {
      if (nbins === undefined) return { names: [], source: 'none' };
      const base = m.name;
      return { names: Array.from({ length: nbins }, (_, i) => `gamma_${base}_bin_${i}`), source: 'derived' };
    }
    default:
      return { names: [], source: 'none' };
  }
}

/** The constraint a modifier's parameters get when `constraint` is absent (ROOT's defaults). */
export function effectiveConstraint(m: Modifier): string {
  if (typeof m.constraint === 'string') return m.constraint;
  switch (m.type) {
    case 'normsys':
    case 'histosys':
      return 'Gauss';
    case 'shapesys':
    case 'staterror':
      return 'Poisson';
    default:
      return 'none';
  }
}
