/**
 * hist-serial's own HS3 distribution type, for models HS3 0.2 has no type for (spec.md 8.6):
 * `hist_serial.lineshape_dist`, a line shape of `hist-serial fit hist` (src/fit/hist) — Breit-Wigner
 * amplitudes and their interference, Voigt, Crystal Ball, Gaussian resolution, Bernstein basis
 * polynomials — normalised over the axis domain, with the same closed-form bin integrals as the
 * histogram fit. Benchmark bundles (`fit hist -o bundle.hsb`) write their models with it.
 */
import { HistSerialError, pointer } from '../../../errors.js';
import { COMPONENT_KINDS, lineShapeFor, type ComponentKind } from '../../../fit/hist/model.js';
import { HS3_EVAL_MESSAGES as M } from '../../../messages.js';
import type { BuildContext, EvalDistribution } from './distributions.js';

type Json = Record<string, unknown>;

/** The type name (namespaced: not an HS3 0.2 type). */
export const LINESHAPE_DIST = 'hist_serial.lineshape_dist';

/**
 * `{"type": "hist_serial.lineshape_dist", "x": "m", "shape": "bwint", "resolution": true,
 *   "parameters": {"mass1": "bwint.mass1", …, "resolution": "bwint.resolution"}}`; for `poly`,
 * `"degree"` and `"basis"` (the Bernstein basis polynomial). Parameters are keyed by the shape's
 * own names; values are numbers or parameter names.
 */
export function buildLineShape(d: Json, ctx: BuildContext, path: string): EvalDistribution {
  const x = d.x;
  if (typeof x !== 'string') throw new HistSerialError('SCHEMA', M.missingKey('x', path), { path: pointer(path, 'x') });
  const kind = d.shape;
  if (typeof kind !== 'string' || !(COMPONENT_KINDS as readonly string[]).includes(kind)) {
    throw new HistSerialError('UNSUPPORTED_OPERATION', M.lineShapeKind(kind, pointer(path, 'shape'), COMPONENT_KINDS), { path: pointer(path, 'shape') });
  }
  const [a, b] = ctx.domain(x, pointer(path, 'x'));
  const integer = (key: string) => {
    const v = d[key] ?? 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new HistSerialError('SCHEMA', M.badValue(v, pointer(path, key)), { path: pointer(path, key) });
    return v;
  };
  const shape = lineShapeFor(kind as ComponentKind, [a, b], { degree: integer('degree'), basis: integer('basis'), resolution: d.resolution === true });
  const given = (typeof d.parameters === 'object' && d.parameters !== null ? d.parameters : {}) as Json;
  const p = shape.params.map((sp) => {
    const at = pointer(path, 'parameters', sp.name);
    const v = given[sp.name];
    if (typeof v === 'number') return v;
    if (typeof v === 'string') return ctx.parameter(v, at);
    throw new HistSerialError('SCHEMA', M.missingKey(sp.name, pointer(path, 'parameters')), { path: at });
  });
  const one = new Float64Array(1);
  const density = (values: readonly number[]) => {
    const v = values[0]!;
    return v < a || v > b ? 0 : shape.density(v, p);
  };
  return {
    name: String(d.name),
    type: LINESHAPE_DIST,
    observables: [x],
    density,
    densities: (columns, out) => {
      const col = columns[0]!;
      for (let i = 0; i < out.length; i++) {
        const v = col[i]!;
        out[i] = v < a || v > b ? 0 : shape.density(v, p);
      }
    },
    probability: (lo, hi) => {
      const l = Math.max(lo, a);
      const h = Math.min(hi, b);
      if (!(h > l)) return 0;
      shape.fractions([l, h], p, one);
      return one[0]!;
    },
    binProbabilities: (edges, out) => shape.fractions(edges, p, out),
  };
}
