/**
 * What hist-serial knows about HS3 v0.2 object types: for each distribution and function type, which
 * components name variates (observables), which name other distributions or functions, and whether
 * its inputs can be listed at all (generic expressions cannot). The semantic checks and the pyhf
 * conversion use this to follow references; types not listed here are kept and reported as unknown.
 * @module
 */

/** The HS3 version whose layout hist-serial reads and writes. */
export const HS3_VERSION = '0.2';

/** Roles of the components of one object type; components not named here are inputs (values or names). */
export interface TypeRoles {
  /** Components holding variate names (a name or an array of names). */
  variates?: readonly string[];
  /** Components naming other distributions (a name or an array of names). */
  distributions?: readonly string[];
  /** Components naming functions. */
  functions?: readonly string[];
  /** Components that are neither references nor inputs (numbers, flags, strings of another kind). */
  ignore?: readonly string[];
  /** The inputs cannot be listed (generic expressions): parameter checks treat the object as opaque. */
  opaque?: boolean;
}

/** Distribution types of HS3 v0.2 (spec 2.1.1 and 2.1.2) and their component roles. */
export const DISTRIBUTION_TYPES: Readonly<Record<string, TypeRoles>> = {
  gaussian_dist: { variates: ['x'] },
  normal_dist: { variates: ['x'] },
  poisson_dist: { variates: ['x'], ignore: ['integer'] },
  lognormal_dist: { variates: ['x'] },
  exponential_dist: { variates: ['x'] },
  uniform_dist: { variates: ['x'] },
  polynomial_dist: { variates: ['x'] },
  chebychev_dist: { variates: ['x'] },
  argus_dist: { variates: ['mass'] },
  crystalball_dist: { variates: ['m'] },
  decay_dist: { variates: ['t'], functions: ['resolutionModel'], ignore: ['decayType'] },
  generalized_normal_dist: { variates: ['x'] },
  generic_dist: { opaque: true, ignore: ['expression'] },
  multivariate_normal_dist: { variates: ['x'] },
  barlow_beeston_lite_poisson_constraint_dist: { variates: ['x'] },
  // the spec calls `mass` "the mass variable", but its formula and hist-serial's evaluation files use it
  // as the resonance mass (a parameter) and `x` as the variate
  relativistic_breit_wigner_dist: { variates: ['x'] },
  histfactory_dist: {}, // handled by the HistFactory rules (axes are the variates, modifiers name parameters)
  mixture_dist: { variates: ['x'], distributions: ['summands'], ignore: ['extended'] },
  mixture_model: { variates: ['x'], distributions: ['summands'], ignore: ['extended'] },
  product_dist: { variates: ['x'], distributions: ['factors'] },
  efficiency_product_pdf_dist: { distributions: ['pdf'], functions: ['eff'] },
  density_function_dist: { functions: ['function'] },
  log_density_function_dist: { functions: ['function'] },
  rate_extended_dist: { distributions: ['dist'] },
  rate_density_dist: { variates: ['x'], functions: ['density'] },
  bincounts_extended_dist: { distributions: ['dist'], ignore: ['axes'] },
  bincounts_density_dist: { variates: ['x'], functions: ['density'], ignore: ['axes'] },
};

/** Function types of HS3 v0.2 (spec 2.2) and their component roles. */
export const FUNCTION_TYPES: Readonly<Record<string, TypeRoles>> = {
  product: {},
  sum: {},
  polynomial: {},
  derivative: { functions: ['function'], ignore: ['order', 'eps', 'normalization'] },
  gauss_model_function: {},
  truth_model_function: {},
  generic_function: { opaque: true, ignore: ['expression'] },
};

/** Data types of HS3 v0.2 (spec 2.3). */
export const DATA_TYPES = ['point', 'unbinned', 'binned'] as const;

/** Domain types of HS3 v0.2 (spec 2.5). */
export const DOMAIN_TYPES = ['product_domain'] as const;

/** HistFactory modifier types (spec, HistFactory part). */
export const MODIFIER_TYPES = ['normfactor', 'normsys', 'histosys', 'shapesys', 'staterror', 'shapefactor'] as const;

/** Modifier types with one parameter per bin. */
export const PER_BIN_MODIFIERS: ReadonlySet<string> = new Set(['shapesys', 'staterror', 'shapefactor']);

/** Constraint names of the spec (ROOT also writes `Const` and `Lognormal`). */
export const CONSTRAINT_TYPES = ['Gauss', 'Poisson', 'LogNormal'] as const;

/** The top-level components of HS3 v0.2. */
export const TOP_LEVEL_KEYS = ['metadata', 'distributions', 'functions', 'data', 'likelihoods', 'domains', 'parameter_points', 'analyses', 'misc'] as const;

/** Is `version` an HS3 version string this hist-serial reads ("0.2" or "0.2.x")? */
export function isSupportedHS3Version(version: string): boolean {
  return /^0\.2(\.\d+)?$/.test(version);
}
