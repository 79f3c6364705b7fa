/**
 * Fit models for histograms: a model string (`gauss+expo`, `cb+poly2`, `bw+poly1`, `bwint*gauss`)
 * becomes a sum of line shapes with yields, and the expected events per bin Σₖ yieldₖ × ∫_bin pdfₖ
 * (extended likelihood), with derivatives. `SHAPE*gauss` smears a shape with a Gaussian resolution
 * whose width is a fit parameter (`<component>.resolution`). No IO here.
 * @module
 */
import { HistSerialError } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { voigtProfile, withResolution } from './resolution.js';
import { bernsteinBasis, breitWigner, bwInterference, crystalBall, exponential, gaussian, relativisticBreitWigner, type LineShape, type ShapeParamKind } from './shapes.js';

/** Kinds of model components. */
export const COMPONENT_KINDS = ['gauss', 'bw', 'rbw', 'voigt', 'bwint', 'cb', 'expo', 'poly'] as const;
/** One of {@link COMPONENT_KINDS}. */
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** Highest polynomial degree of a `polyK` component. */
export const MAX_POLY_DEGREE = 10;

/** Spellings accepted in model strings, by kind (`polyK` takes a degree 0…10: `poly2`, `pol2`, `bern2`). */
export const COMPONENT_ALIASES: Readonly<Record<ComponentKind, readonly string[]>> = {
  gauss: ['gauss', 'gaus', 'gaussian', 'normal'],
  bw: ['bw', 'breitwigner', 'cauchy', 'lorentz'],
  rbw: ['rbw', 'relbw', 'relbreitwigner'],
  voigt: ['voigt'],
  bwint: ['bwint', 'bwinterference'],
  cb: ['cb', 'crystalball'],
  expo: ['expo', 'exp', 'exponential'],
  poly: ['polyK', 'polK', 'bernK'],
};

/** Which components describe peaks (signal) and which backgrounds; starting values differ. */
export const SIGNAL_KINDS: ReadonlySet<ComponentKind> = new Set(['gauss', 'bw', 'rbw', 'voigt', 'bwint', 'cb']);

/** Kinds that take a Gaussian resolution (`bwint*gauss`): those whose shape is analytic near the real axis. */
export const RESOLUTION_KINDS: readonly ComponentKind[] = ['gauss', 'bw', 'rbw', 'voigt', 'bwint'];

/** What a fit parameter is: a shape parameter of some kind, or a yield. */
export type ParamKind = ShapeParamKind | 'yield';

/** One component of a model: a line shape (or, for `polyK`, K + 1 Bernstein basis shapes) and its yields. */
export interface ModelComponent {
  /** Unique name: the kind (`gauss`, `expo`, `poly2`), with `_1`, `_2` … when a kind repeats. */
  name: string;
  kind: ComponentKind;
  /** Polynomial degree (`poly` only). */
  degree?: number;
  /** Smeared by a Gaussian resolution (`SHAPE*gauss`): the last shape parameter is its width. */
  resolution?: boolean;
  /** Shapes: one, or K + 1 Bernstein basis functions whose yields are the polynomial's coefficients. */
  shapes: LineShape[];
  /** Indices of the shape parameters in the model's parameter vector (shared by all of `shapes`). */
  shapeParams: number[];
  /** Indices of the yields, one per shape; the component's yield is their sum. */
  yieldParams: number[];
}

/** A parsed model bound to a fit range. */
export interface HistModel {
  /** The model string as given. */
  expression: string;
  range: readonly [number, number];
  components: ModelComponent[];
  /** Parameter names: `<component>.<parameter>`, yields `<component>.yield` (`polyK.b0` … `polyK.bK`). */
  names: string[];
  /** What each parameter is. */
  kinds: ParamKind[];
  /**
   * Expected events in each bin of `edges` (inside the range) at parameters `x` into `out`; with `jac`,
   * ∂expected/∂x_k into `jac[k]` (one array per parameter).
   */
  expected(edges: ArrayLike<number>, x: ArrayLike<number>, out: Float64Array, jac?: Float64Array[]): void;
  /** Expected events per unit of the axis at `v` (all components, or only `component`). */
  density(v: number, x: ArrayLike<number>, component?: number): number;
}

const SHAPES: Record<Exclude<ComponentKind, 'poly'>, (range: readonly [number, number]) => LineShape> = {
  gauss: gaussian,
  bw: breitWigner,
  rbw: relativisticBreitWigner,
  voigt: voigtProfile,
  bwint: bwInterference,
  cb: crystalBall,
  expo: exponential,
};

const ALIAS: ReadonlyMap<string, ComponentKind> = new Map(
  (Object.entries(COMPONENT_ALIASES) as [ComponentKind, readonly string[]][]).flatMap(([kind, names]) => names.filter((n) => !n.endsWith('K')).map((n) => [n, kind] as [string, ComponentKind])),
);

/** The main spelling of each kind, for messages. */
function spellings(): string[] {
  return Object.values(COMPONENT_ALIASES).map((names) => names[0]!);
}

/**
 * The line shape of one kind over `range`: for `poly`, Bernstein basis polynomial `basis` of
 * `degree`; with `resolution`, smeared by a Gaussian whose width is an extra last parameter.
 */
export function lineShapeFor(kind: ComponentKind, range: readonly [number, number], options: { degree?: number; basis?: number; resolution?: boolean } = {}): LineShape {
  if (kind === 'poly') return bernsteinBasis(range, options.degree ?? 0, options.basis ?? 0);
  const shape = SHAPES[kind](range);
  return options.resolution ? withResolution(shape) : shape;
}

/** Parse one term of a model string: its kind, for polynomials its degree, and whether it has a resolution (`*gauss`). */
function parseTerm(term: string, expression: string): { kind: ComponentKind; degree?: number; resolution?: boolean } {
  const factors = term.split('*');
  if (factors.length > 1) {
    if (factors.length > 2 || ALIAS.get(factors[1]!.trim().toLowerCase()) !== 'gauss') throw new HistSerialError('UNKNOWN_TYPE', MESSAGES.fitHistResolutionFactor(term.trim(), expression));
    const base = parseTerm(factors[0]!, expression);
    if (!RESOLUTION_KINDS.includes(base.kind)) throw new HistSerialError('UNKNOWN_TYPE', MESSAGES.fitHistNoResolution(term.trim(), expression, RESOLUTION_KINDS));
    return { ...base, resolution: true };
  }
  const t = term.trim().toLowerCase();
  const poly = /^(?:poly|pol|bern)(\d+)$/.exec(t);
  if (poly) {
    const degree = Number(poly[1]);
    if (degree > MAX_POLY_DEGREE) throw new HistSerialError('UNKNOWN_TYPE', MESSAGES.fitHistPolyDegree(term.trim(), expression, MAX_POLY_DEGREE));
    return { kind: 'poly', degree };
  }
  const kind = ALIAS.get(t);
  if (!kind) throw new HistSerialError('UNKNOWN_TYPE', MESSAGES.fitHistUnknownShape(term.trim(), expression, spellings()));
  return { kind };
}

/**
 * Parse a model string such as `gauss+expo`, `cb + poly2`, `gauss+gauss+expo` or `bwint*gauss+poly1`
 * over a fit range. Terms are separated by `+`, spelled as in {@link COMPONENT_ALIASES}
 * (case-insensitive); `SHAPE*gauss` gives a shape of {@link RESOLUTION_KINDS} a Gaussian resolution,
 * with its width as the parameter `<component>.resolution`.
 *
 * @throws HistSerialError `UNKNOWN_TYPE` for an unknown or empty term, or a resolution that is not
 * `*gauss` or on a shape that cannot take one.
 * @example
 * ```ts
 * const m = parseHistModel('gauss+expo', [0, 10]);
 * m.names; // ['gauss.mean', 'gauss.sigma', 'gauss.yield', 'expo.lambda', 'expo.yield']
 * ```
 */
export function parseHistModel(expression: string, range: readonly [number, number]): HistModel {
  const terms = expression.split('+');
  if (terms.some((t) => t.trim() === '')) throw new HistSerialError('UNKNOWN_TYPE', MESSAGES.fitHistEmptyTerm(expression, spellings()));
  const parsed = terms.map((t) => parseTerm(t, expression));
  const base = parsed.map((p) => (p.kind === 'poly' ? `poly${p.degree}` : p.kind));
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  const seen = new Map<string, number>();
  const names: string[] = [];
  const kinds: ParamKind[] = [];
  const components: ModelComponent[] = parsed.map((p, c) => {
    const b = base[c]!;
    const k = (seen.get(b) ?? 0) + 1;
    seen.set(b, k);
    const name = counts.get(b)! > 1 ? `${b}_${k}` : b;
    const shapes =
      p.kind === 'poly'
        ? Array.from({ length: p.degree! + 1 }, (_, nu) => lineShapeFor('poly', range, { degree: p.degree!, basis: nu }))
        : [lineShapeFor(p.kind, range, p.resolution ? { resolution: true } : {})];
    const shapeParams = shapes[0]!.params.map((sp) => {
      names.push(`${name}.${sp.name}`);
      kinds.push(sp.kind);
      return names.length - 1;
    });
    const yieldParams = shapes.map((_, nu) => {
      names.push(p.kind === 'poly' ? `${name}.b${nu}` : `${name}.yield`);
      kinds.push('yield');
      return names.length - 1;
    });
    return { name, kind: p.kind, ...(p.kind === 'poly' ? { degree: p.degree! } : {}), ...(p.resolution ? { resolution: true } : {}), shapes, shapeParams, yieldParams };
  });

  // scratch space, grown on demand
  let frac = new Float64Array(0);
  let dfrac: Float64Array[] = [];
  const scratch = (n: number, np: number) => {
    if (frac.length < n) frac = new Float64Array(n);
    while (dfrac.length < np) dfrac.push(new Float64Array(n));
    if (dfrac.length && dfrac[0]!.length < n) dfrac = dfrac.map(() => new Float64Array(n));
  };
  const gather = (idx: readonly number[], x: ArrayLike<number>) => idx.map((i) => x[i]!);

  return {
    expression,
    range,
    components,
    names,
    kinds,
    expected(edges, x, out, jac) {
      const n = edges.length - 1;
      out.fill(0, 0, n);
      if (jac) for (const j of jac) j.fill(0, 0, n);
      for (const comp of components) {
        const p = gather(comp.shapeParams, x);
        const np = p.length;
        scratch(n, np);
        const f = frac.subarray(0, n);
        const g = jac && np ? dfrac.slice(0, np).map((a) => a.subarray(0, n)) : undefined;
        comp.shapes.forEach((shape, s) => {
          const yi = comp.yieldParams[s]!;
          const y = x[yi]!;
          shape.fractions(edges, p, f, g);
          for (let i = 0; i < n; i++) out[i]! += y * f[i]!;
          if (!jac) return;
          const jy = jac[yi]!;
          for (let i = 0; i < n; i++) jy[i] = f[i]!;
          if (g) {
            comp.shapeParams.forEach((pi, k) => {
              const jp = jac[pi]!;
              const gk = g[k]!;
              for (let i = 0; i < n; i++) jp[i]! += y * gk[i]!;
            });
          }
        });
      }
    },
    density(v, x, component) {
      let sum = 0;
      components.forEach((comp, c) => {
        if (component !== undefined && c !== component) return;
        const p = gather(comp.shapeParams, x);
        comp.shapes.forEach((shape, s) => (sum += x[comp.yieldParams[s]!]! * shape.density(v, p)));
      });
      return sum;
    },
  };
}
