/**
 * Fits of any HS3 likelihood (src/model/hs3/eval/likelihood.ts) and the CLI on them:
 * - every case of ../shared/reference/hs3/evaluation: `validate` exits 0, `fit nll` gives the
 *   reference −2 ln L to 1e-9, `fit` converges with every generating value within 5σ;
 * - binned data, inline data, aux distributions, functions, const parameters, domains, against
 *   formulas written out here;
 * - CLs and limits of an HS3 counting experiment against the same model as a pyhf workspace
 *   (whose HistFactory route agrees with pyhf, tests/infer.test.ts).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import gammaln from '@stdlib/math-base-special-gammaln';
import { describe, expect, it } from 'vitest';
import { isHistSerialError } from '../src/errors.js';
import { fitModel, hypotest, upperLimit, type AsimovCapable } from '../src/fit/index.js';
import { histFactoryFromJson } from '../src/fit/histfactory/index.js';
import { createHs3Likelihood } from '../src/model/hs3/eval/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { describeReference, hasReference, ref, refJson } from './helpers/reference.js';
import { mutateJson, seededRandom } from './helpers/mutate.js';
import { tempDir } from './helpers/tmp.js';

const DIR = 'hs3/evaluation';
const CASES = hasReference
  ? readdirSync(ref(DIR)).filter((f) => f.endsWith('.hs3.json')).map((f) => f.slice(0, -'.hs3.json'.length)).sort()
  : [];

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const lnFact = (n: number) => gammaln(n + 1);
const tmp = tempDir('hs3-fit-');

describeReference('HS3 evaluation cases through the CLI', () => {
  it('finds the cases', () => expect(CASES.length).toBeGreaterThanOrEqual(16));

  it('validate exits 0 on every case (one call)', () => {
    const r = runBuiltCli(['validate', ...CASES.map((c) => ref(DIR, `${c}.hs3.json`))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const c of CASES) expect(r.stdout).toContain(`ok   ${ref(DIR, `${c}.hs3.json`)}: valid (hs3)`);
    expect(r.stdout).toContain(`${CASES.length} file(s): ${CASES.length} valid, 0 invalid`);
  });

  describe.each(CASES)('%s', (name) => {
    const file = ref(DIR, `${name}.hs3.json`);
    const expected = refJson<{ twice_nll: number; parameter_point: string }>(DIR, `${name}.expected.json`);
    const doc = refJson<{ parameter_points: { name: string; parameters: { name: string; value: number }[] }[] }>(DIR, `${name}.hs3.json`);
    const truth = doc.parameter_points.find((p) => p.name === 'default')!.parameters;

    it('fit nll gives twice_nll to 1e-9', () => {
      const r = runBuiltCli(['fit', 'nll', file, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { twice_nll: number; likelihood: string };
      expect(out.likelihood).toBe('L');
      expect(rel(out.twice_nll, expected.twice_nll)).toBeLessThan(1e-9);
    });

    it('fit converges with every generating value within 5σ', () => {
      const r = runBuiltCli(['fit', file, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { twice_nll: number; converged: boolean; parameters: Record<string, { value: number; error: number }> };
      expect(out.converged).toBe(true);
      expect(out.twice_nll).toBeLessThanOrEqual(expected.twice_nll + 1e-6);
      for (const p of truth) {
        const fitted = out.parameters[p.name]!;
        expect(fitted.error, p.name).toBeGreaterThan(0);
        const pull = (fitted.value - p.value) / fitted.error;
        expect(Math.abs(pull), `${p.name}: fitted ${fitted.value} ± ${fitted.error}, truth ${p.value}`).toBeLessThan(5);
      }
    });
  });
});

describeReference('HS3 runtime on mutated evaluation cases (seeded)', () => {
  it.each(CASES)('%s: 1000 mutants evaluate or fail with a typed error', (name) => {
    const doc = refJson<{ data: { entries?: unknown[]; weights?: unknown[] }[] }>(DIR, `${name}.hs3.json`);
    for (const d of doc.data) {
      if (d.entries) d.entries = d.entries.slice(0, 12);
      if (d.weights) d.weights = d.weights.slice(0, 12);
    }
    const random = seededRandom(name.length * 7919);
    for (let k = 0; k < 1000; k++) {
      const mutant = structuredClone(doc);
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) mutateJson(mutant, random);
      try {
        const lh = createHs3Likelihood(mutant as unknown as Record<string, unknown>);
        const v = lh.value(lh.init);
        expect(typeof v).toBe('number');
        expect(Number.isNaN(v)).toBe(false);
      } catch (err) {
        if (!isHistSerialError(err)) expect.fail(`mutant ${k} of ${name}: ${String(err)}\n${JSON.stringify(mutant).slice(0, 2000)}`);
      }
    }
  });
});

/** A counting experiment with signal strength mu: as HS3 (binned data, extended mixture) and as a pyhf workspace. */
function countingExperiment(n: number, s: number, b: number) {
  const hs3 = {
    metadata: { hs3_version: '0.2' },
    distributions: [
      { name: 'sig', type: 'uniform_dist', x: 'x' },
      { name: 'bkg', type: 'uniform_dist', x: 'x' },
      { name: 'model', type: 'mixture_dist', summands: ['sig', 'bkg'], coefficients: ['nsig', b], extended: true },
    ],
    functions: [{ name: 'nsig', type: 'product', factors: ['mu', s] }],
    data: [{ name: 'obs', type: 'binned', contents: [n], axes: [{ name: 'x', min: 0, max: 1, nbins: 1 }] }],
    likelihoods: [{ name: 'L', distributions: ['model'], data: ['obs'] }],
    parameter_points: [{ name: 'default', parameters: [{ name: 'mu', value: 1 }] }],
    domains: [{ name: 'd', type: 'product_domain', axes: [{ name: 'mu', min: 0, max: 10 }] }],
    analyses: [{ name: 'A', likelihood: 'L', domains: ['d'], parameters_of_interest: ['mu'] }],
  };
  const pyhf = {
    version: '1.0.0',
    channels: [
      {
        name: 'c',
        samples: [
          { name: 'signal', data: [s], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
          { name: 'background', data: [b], modifiers: [] },
        ],
      },
    ],
    observations: [{ name: 'c', data: [n] }],
    measurements: [{ name: 'm', config: { poi: 'mu', parameters: [{ name: 'mu', bounds: [[0, 10]] }] } }],
  };
  return { hs3, pyhf };
}

describe('HS3 likelihoods: terms against their formulas', () => {
  it('binned extended data: Poisson per bin with ν pᵢ', () => {
    const doc = {
      distributions: [
        { name: 'g', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 1 },
        { name: 'e', type: 'rate_extended_dist', dist: 'g', rate: 'nu' },
      ],
      data: [{ name: 'h', type: 'binned', contents: [3, 10, 4], axes: [{ name: 'x', edges: [-2, -0.5, 0.5, 2], min: -2, max: 2 }] }],
      likelihoods: [{ name: 'L', distributions: ['e'], data: ['h'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'm', value: 0.1 }, { name: 'nu', value: 16 }] }],
    };
    const lh = createHs3Likelihood(doc);
    const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
    const edges = [-2, -0.5, 0.5, 2];
    const norm = Phi(2 - 0.1) - Phi(-2 - 0.1);
    let want = 0;
    [3, 10, 4].forEach((k, i) => {
      const mu = (16 * (Phi(edges[i + 1]! - 0.1) - Phi(edges[i]! - 0.1))) / norm;
      want += 2 * (mu - k * Math.log(mu) + lnFact(k));
    });
    expect(rel(lh.value(lh.init), want)).toBeLessThan(1e-12);
    expect(lh.names).toEqual(['m', 'nu']);
    expect(lh.observations).toBe(3);
  });

  it('two-dimensional binned data of a product: Poisson bins of ν·Px(i)·Py(j), contents row-major over the data axes', () => {
    const doc = {
      distributions: [
        { name: 'px', type: 'exponential_dist', x: 'x', c: 0.5 },
        { name: 'py', type: 'uniform_dist', x: 'y' },
        { name: 'p', type: 'product_dist', factors: ['py', 'px'] },
        { name: 'e', type: 'rate_extended_dist', dist: 'p', rate: 'nu' },
      ],
      data: [{ name: 'h', type: 'binned', contents: [1, 2, 3, 4, 5, 6], axes: [{ name: 'x', nbins: 2, min: 0, max: 2 }, { name: 'y', edges: [0, 1, 3, 4], min: 0, max: 4 }] }],
      likelihoods: [{ name: 'L', distributions: ['e'], data: ['h'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'nu', value: 20 }] }],
      analyses: [{ name: 'A', likelihood: 'L', parameters_of_interest: ['nu'] }],
    };
    const lh = createHs3Likelihood(doc);
    const Fx = (x: number) => -Math.expm1(-0.5 * x) / -Math.expm1(-1);
    const px = [Fx(1), 1 - Fx(1)];
    const py = [0.25, 0.5, 0.25];
    let want = 0;
    [1, 2, 3, 4, 5, 6].forEach((n, flat) => {
      const mu = 20 * px[Math.floor(flat / 3)]! * py[flat % 3]!;
      want += 2 * (mu - n * Math.log(mu) + lnFact(n));
    });
    expect(rel(lh.value(lh.init), want)).toBeLessThan(1e-13);
    // the fitted rate is the total count, and Asimov data exist for CLs
    expect(fitModel(lh).minimum.x[0]).toBeCloseTo(21, 6);
    expect(Array.from(lh.expectedMain!(Float64Array.of(20))).reduce((a, b) => a + b, 0)).toBeCloseTo(20, 12);
    const wrong = structuredClone(doc);
    wrong.data[0]!.contents.pop();
    expect(() => createHs3Likelihood(wrong)).toThrow('"contents" must have one value per bin');
  });

  it('binned data with Gaussian uncertainties: −2 ln N(n | νpᵢ, C), uncorrelated and correlated', () => {
    const doc = (correlation?: unknown) => ({
      distributions: [
        { name: 'u', type: 'uniform_dist', x: 'x' },
        { name: 'e', type: 'rate_extended_dist', dist: 'u', rate: 'nu' },
      ],
      data: [{ name: 'h', type: 'binned', contents: [6, 3], axes: [{ name: 'x', nbins: 2, min: 0, max: 2 }], uncertainty: { type: 'gaussian_uncertainty', sigma: [2, 1], ...(correlation === undefined ? {} : { correlation }) } }],
      likelihoods: [{ name: 'L', distributions: ['e'], data: ['h'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'nu', value: 10 }] }],
    });
    const value = (d: Record<string, unknown>) => {
      const lh = createHs3Likelihood(d);
      return lh.value(lh.init);
    };
    // expected [5, 5], residuals [1, −2]
    expect(rel(value(doc()), 1 / 4 + 4 + 2 * Math.log(2 * Math.PI) + Math.log(4))).toBeLessThan(1e-14);
    expect(rel(value(doc(0)), 1 / 4 + 4 + 2 * Math.log(2 * Math.PI) + Math.log(4))).toBeLessThan(1e-14);
    // C = [[4, 1], [1, 1]]: rᵀC⁻¹r = 7, det C = 3
    expect(rel(value(doc([[1, 0.5], [0.5, 1]])), 7 + 2 * Math.log(2 * Math.PI) + Math.log(3))).toBeLessThan(1e-14);
    expect(() => value(doc([[1, 2], [2, 1]]))).toThrow('not positive definite');
    const bad = doc();
    (bad.data[0]!.uncertainty as { type: string }).type = 'poisson_uncertainty';
    expect(() => value(bad)).toThrow('gaussian_uncertainty');
  });

  it('binned data of a non-extended pdf: multinomial −2 Σ nᵢ ln pᵢ', () => {
    const doc = {
      distributions: [{ name: 'e', type: 'exponential_dist', x: 'x', c: 'c' }],
      data: [{ name: 'h', type: 'binned', contents: [5, 2], axes: [{ name: 'x', nbins: 2, min: 0, max: 2 }] }],
      likelihoods: [{ name: 'L', distributions: ['e'], data: ['h'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'c', value: 0.7 }] }],
    };
    const lh = createHs3Likelihood(doc);
    const F = (x: number) => 1 - Math.exp(-0.7 * x);
    const p0 = F(1) / F(2);
    expect(rel(lh.value(lh.init), -2 * (5 * Math.log(p0) + 2 * Math.log(1 - p0)))).toBeLessThan(1e-13);
  });

  it('inline data, point data, aux distributions, functions, generic expressions and const parameters', () => {
    const doc = {
      distributions: [
        { name: 'cons', type: 'gaussian_dist', x: 'alpha_obs', mean: 'alpha', sigma: 1 },
        { name: 'pois', type: 'poisson_dist', x: 'k', mean: 'lam' },
        { name: 'reg', type: 'gaussian_dist', x: 'alpha', mean: 0, sigma: 2 },
        { name: 'mvn', type: 'multivariate_normal_dist', x: ['u', 'v'], mean: ['alpha', 0], covariances: [[1, 0.5], [0.5, 2]] },
        { name: 'gen', type: 'generic_dist', expression: 'exp(-t*lam2)' },
      ],
      functions: [
        { name: 'lam', type: 'sum', summands: ['base', 'lam2', 1] },
        { name: 'lam2', type: 'generic_function', expression: '2*base^2' },
      ],
      data: [
        { name: 'pt', type: 'point', value: 7 },
        { name: 'uv', type: 'unbinned', entries: [[0.5, -1], [1, 2]], axes: [{ name: 'u', min: -5, max: 5 }, { name: 'v', min: -5, max: 5 }] },
        { name: 't', type: 'unbinned', entries: [[0.2], [0.9]], axes: [{ name: 't', min: 0, max: 1 }] },
      ],
      likelihoods: [{ name: 'L', distributions: ['cons', 'pois', 'mvn', 'gen'], data: [0.3, 'pt', 'uv', 't'], aux_distributions: ['reg'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'alpha', value: 0.5 }, { name: 'base', value: 1.5, const: true }] }],
    };
    const lh = createHs3Likelihood(doc);
    expect([...lh.names].sort()).toEqual(['alpha', 'base']);
    expect(lh.fixed[lh.names.indexOf('base')]).toBe(true);
    const lam2 = 2 * 1.5 ** 2;
    const lam = 1.5 + lam2 + 1;
    const gauss = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    // mvn by hand: Σ⁻¹ = [[2, −0.5], [−0.5, 1]] / 1.75, det 1.75
    const mvn = (u: number, v: number) => {
      const du = u - 0.5;
      const q = (2 * du * du - du * v + v * v) / 1.75;
      return Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(1.75));
    };
    const gen = (t: number) => (lam2 * Math.exp(-t * lam2)) / -Math.expm1(-lam2);
    const want =
      -2 * Math.log(gauss(0.3, 0.5, 1)) -
      2 * (7 * Math.log(lam) - lam - lnFact(7)) -
      2 * Math.log(mvn(0.5, -1) * mvn(1, 2)) -
      2 * Math.log(gen(0.2) * gen(0.9)) -
      2 * Math.log(gauss(0.5, 0, 2));
    expect(rel(lh.value(lh.init), want)).toBeLessThan(1e-10);
    expect(rel(lh.twiceNllAt({ alpha: -0.2 }), want)).toBeGreaterThan(1e-3);
  });

  it('distributions defined by functions of the observable equal their closed-form twins', () => {
    const entries = [[0.1], [0.4], [1.3], [1.9]];
    const base = {
      functions: [
        { name: 'f', type: 'generic_function', expression: 'exp(-c*x)' },
        { name: 'logf', type: 'generic_function', expression: '-c*x' },
        { name: 'rate', type: 'product', factors: [5, 'f'] },
        { name: 'eff', type: 'polynomial', x: 'x', coefficients: [1, 0.5] },
      ],
      data: [{ name: 'd', type: 'unbinned', entries, axes: [{ name: 'x', min: 0, max: 2 }] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'c', value: 0.7 }, { name: 'm', value: 1 }, { name: 's', value: 0.6 }] }],
    };
    const nll = (dists: unknown[]) => {
      const lh = createHs3Likelihood({ ...base, distributions: dists, likelihoods: [{ name: 'L', distributions: ['p'], data: ['d'] }] });
      return lh.value(lh.init);
    };
    const expo = nll([{ name: 'p', type: 'exponential_dist', x: 'x', c: 'c' }]);
    expect(rel(nll([{ name: 'p', type: 'density_function_dist', function: 'f' }]), expo)).toBeLessThan(1e-11);
    expect(rel(nll([{ name: 'p', type: 'log_density_function_dist', function: 'logf' }]), expo)).toBeLessThan(1e-11);
    // ν = ∫₀² 5 e^{−cx} dx
    const nu = (5 * -Math.expm1(-1.4)) / 0.7;
    const extended = nll([
      { name: 'e', type: 'exponential_dist', x: 'x', c: 'c' },
      { name: 'p', type: 'rate_extended_dist', dist: 'e', rate: nu },
    ]);
    expect(rel(nll([{ name: 'p', type: 'rate_density_dist', x: 'x', density: 'rate' }]), extended)).toBeLessThan(1e-11);
    expect(rel(extended, expo + 2 * (nu - 4 * Math.log(nu) + lnFact(4)))).toBeLessThan(1e-12);
    const twin = nll([{ name: 'p', type: 'generic_dist', expression: 'exp(-0.5*((x-m)/s)^2)*(1+0.5*x)' }]);
    expect(rel(nll([{ name: 'g', type: 'gaussian_dist', x: 'x', mean: 'm', sigma: 's' }, { name: 'p', type: 'efficiency_product_pdf_dist', pdf: 'g', eff: 'eff' }]), twin)).toBeLessThan(1e-11);
  });

  it('cached batched densities: values at moved parameters equal those of a fresh likelihood, also through shared functions', () => {
    const random = seededRandom(5);
    const entries = Array.from({ length: 10_000 }, () => [10 * random()]);
    const doc = {
      functions: [{ name: 'centre', type: 'sum', summands: ['a', 1] }],
      distributions: [
        { name: 'g', type: 'gaussian_dist', x: 'x', mean: 'centre', sigma: 's' },
        { name: 'h', type: 'generic_dist', expression: 'exp(-abs(x-centre)*c)' },
        { name: 'e', type: 'exponential_dist', x: 'x', c: 'c' },
        { name: 'm', type: 'mixture_dist', summands: ['g', 'h', 'e'], coefficients: ['n1', 'n2', 'n3'], extended: true },
      ],
      data: [{ name: 'd', type: 'unbinned', entries, axes: [{ name: 'x', min: 0, max: 10 }] }],
      likelihoods: [{ name: 'L', distributions: ['m'], data: ['d'] }],
      parameter_points: [{ name: 'default', parameters: Object.entries({ a: 3, s: 0.5, c: 0.3, n1: 3000, n2: 3000, n3: 4000 }).map(([name, value]) => ({ name, value })) }],
    };
    const lh = createHs3Likelihood(doc);
    const points = [[3, 0.5, 0.3, 3000, 3000, 4000], [3.1, 0.5, 0.3, 3000, 3000, 4000], [3.1, 0.5, 0.35, 3000, 3000, 4000], [3.1, 0.5, 0.35, 2900, 3000, 4000], [3, 0.5, 0.3, 3000, 3000, 4000]];
    for (const p of points) {
      const fresh = createHs3Likelihood(doc);
      const x = Float64Array.from(lh.names, (n) => p[['a', 's', 'c', 'n1', 'n2', 'n3'].indexOf(n)]!);
      expect(lh.value(x)).toBe(fresh.value(x));
    }
  });

  it('barlow_beeston_lite_poisson_constraint_dist as an aux distribution: Π Poisson(γᵢτᵢ | τᵢ) at the parameters γᵢ', () => {
    const doc = {
      distributions: [
        { name: 'g', type: 'gaussian_dist', x: 'x', mean: 0, sigma: 1 },
        { name: 'bb', type: 'barlow_beeston_lite_poisson_constraint_dist', x: ['gamma_0', 'gamma_1', 1.1], expected: [100, 25, 4] },
      ],
      data: [{ name: 'd', type: 'unbinned', entries: [[0.2]], axes: [{ name: 'x', min: -5, max: 5 }] }],
      likelihoods: [{ name: 'L', distributions: ['g'], data: ['d'], aux_distributions: ['bb'] }],
      parameter_points: [{ name: 'default', parameters: [{ name: 'gamma_0', value: 1.05 }, { name: 'gamma_1', value: 0.9 }] }],
    };
    const lh = createHs3Likelihood(doc);
    expect(lh.names).toEqual(['gamma_0', 'gamma_1']);
    const logPoisson = (k: number, tau: number) => k * Math.log(tau) - tau - lnFact(k);
    const Z = erf(5 / Math.SQRT2); // the Gaussian's mass inside [−5, 5]
    const gauss = -2 * Math.log(Math.exp(-0.02) / Math.sqrt(2 * Math.PI) / Z);
    const want = gauss - 2 * (logPoisson(105, 100) + logPoisson(22.5, 25) + logPoisson(4.4, 4));
    expect(rel(lh.value(lh.init), want)).toBeLessThan(1e-12);
  });

  it('bounds come from the analysis domains, the POI from parameters_of_interest', () => {
    const { hs3 } = countingExperiment(10, 5, 7);
    const lh = createHs3Likelihood(hs3);
    expect(lh.names).toEqual(['mu']);
    expect([lh.lower[0], lh.upper[0]]).toEqual([0, 10]);
    expect(lh.poiIndex).toBe(0);
    expect(lh.analysis).toBe('A');
    // single bin: −2 ln L = 2 (ν − n ln ν + ln n!), ν = 5μ + 7
    expect(rel(lh.value(Float64Array.of(1)), 2 * (12 - 10 * Math.log(12) + lnFact(10)))).toBeLessThan(1e-13);
    const r = fitModel(lh);
    expect(r.minimum.x[0]).toBeCloseTo(0.6, 6);
  });

  it('hostile documents: deep nesting, a cycle, 1e10 declared bins and a self-referencing function are typed errors, not crashes', () => {
    const axes = [{ name: 'x', min: -1, max: 1 }];
    const data = [{ name: 'd', type: 'unbinned', entries: [[0.5]], axes }];
    const codeOf = (doc: Record<string, unknown>) => {
      try {
        createHs3Likelihood(doc);
        return 'no error';
      } catch (err) {
        return isHistSerialError(err) ? `${err.code} ${err.path}` : `not typed: ${String(err)}`;
      }
    };
    const chain = [{ name: 'd0', type: 'gaussian_dist', x: 'x', mean: 0, sigma: 1 }, ...Array.from({ length: 20_000 }, (_, i) => ({ name: `d${i + 1}`, type: 'mixture_dist', summands: [`d${i}`], coefficients: [] }))];
    expect(codeOf({ distributions: chain, data, likelihoods: [{ name: 'L', distributions: ['d20000'], data: ['d'] }] })).toBe('LIMIT_EXCEEDED /distributions/19801/summands/0');
    const cycle = [{ name: 'a', type: 'mixture_dist', summands: ['b'], coefficients: [] }, { name: 'b', type: 'mixture_dist', summands: ['a'], coefficients: [] }];
    expect(codeOf({ distributions: cycle, data, likelihoods: [{ name: 'L', distributions: ['a'], data: ['d'] }] })).toBe('BAD_MODEL /distributions/1/summands/0');
    const binned = [{ name: 'd', type: 'binned', contents: [1], axes: [{ name: 'x', min: 0, max: 1, nbins: 1e10 }] }];
    expect(codeOf({ distributions: [{ name: 'g', type: 'gaussian_dist', x: 'x', mean: 0, sigma: 1 }], data: binned, likelihoods: [{ name: 'L', distributions: ['g'], data: ['d'] }] })).toBe('SCHEMA /data/0/axes');
    const selfRef = { functions: [{ name: 'f', type: 'sum', summands: ['f'] }], distributions: [{ name: 'g', type: 'gaussian_dist', x: 'x', mean: 'f', sigma: 1 }], data, likelihoods: [{ name: 'L', distributions: ['g'], data: ['d'] }] };
    expect(codeOf(selfRef)).toBe('BAD_MODEL /functions/0/summands/0');
  });

  it('non-objects in lists keep their positions: paths and data columns are those of the document', () => {
    const doc = {
      distributions: [null, { name: 'g', type: 'gaussian_dist', x: 'x', mean: 0, sigma: 1 }],
      data: [null, { name: 'd', type: 'unbinned', entries: [[9, 0.5]], axes: [null, { name: 'x', min: -5, max: 5 }] }],
      likelihoods: [{ name: 'L', distributions: ['g'], data: ['d'] }],
    };
    const lh = createHs3Likelihood(doc);
    // the entry's second column is x
    expect(lh.value(lh.init)).toBeCloseTo(-2 * Math.log(Math.exp(-0.125) / Math.sqrt(2 * Math.PI) / erf(5 / Math.SQRT2)), 12);
    const missing = structuredClone(doc);
    missing.data[1]!.axes[1]!.name = 'y';
    expect(() => createHs3Likelihood(missing)).toThrow('Data set at /data/1/axes has no axis "x"');
  });

  it('unknown types and missing parameters name the type and the path', () => {
    const doc = {
      distributions: [{ name: 'w', type: 'weird_dist', x: 'x' }],
      data: [{ name: 'd', type: 'unbinned', entries: [[1]], axes: [{ name: 'x', min: 0, max: 2 }] }],
      likelihoods: [{ name: 'L', distributions: ['w'], data: ['d'] }],
    };
    try {
      createHs3Likelihood(doc);
      expect.fail('no error');
    } catch (err) {
      expect(isHistSerialError(err) && err.code).toBe('UNSUPPORTED_OPERATION');
      expect((err as Error).message).toContain('"weird_dist" at /distributions/0/type');
    }
    const noParam = { ...doc, distributions: [{ name: 'w', type: 'exponential_dist', x: 'x', c: 'slope' }] };
    expect(() => createHs3Likelihood(noParam)).toThrow('Parameter "slope" at /distributions/0/c has no value in parameter point "default"');
  });
});

describe('HS3 CLs and limits agree with the same model as a pyhf workspace', () => {
  const { hs3, pyhf } = countingExperiment(10, 5, 7);
  const lh = createHs3Likelihood(hs3) as ReturnType<typeof createHs3Likelihood> & AsimovCapable;
  const hf = histFactoryFromJson(pyhf);

  it('CLs at μ = 1 and the upper limit', () => {
    expect(typeof lh.withData).toBe('function');
    const a = hypotest(lh, 1);
    const b = hypotest(hf, 1);
    expect(Math.abs(a.clsObs - b.clsObs)).toBeLessThan(1e-6);
    a.clsExp.forEach((v, i) => expect(Math.abs(v - b.clsExp[i]!)).toBeLessThan(1e-6));
    const la = upperLimit(lh);
    const lb = upperLimit(hf);
    expect(rel(la.obs, lb.obs)).toBeLessThan(1e-5);
  });

  it('through the CLI: fit cls, fit limit, fit scan', () => {
    const file = join(tmp, 'counting.hs3.json');
    writeFileSync(file, JSON.stringify(hs3));
    const cls = runBuiltCli(['fit', 'cls', file, '--poi-value', '1', '--format', 'json']);
    expect(cls.code, cls.stderr).toBe(0);
    expect(Math.abs((JSON.parse(cls.stdout) as { CLs_obs: number }).CLs_obs - hypotest(hf, 1).clsObs)).toBeLessThan(1e-6);
    const lim = runBuiltCli(['fit', 'limit', file, '--format', 'json']);
    expect(lim.code, lim.stderr).toBe(0);
    expect(rel((JSON.parse(lim.stdout) as { obs: number }).obs, upperLimit(hf).obs)).toBeLessThan(1e-5);
    const scan = runBuiltCli(['fit', 'scan', file, '--range', '0:2', '--points', '5', '--format', 'json']);
    expect(scan.code, scan.stderr).toBe(0);
    const s = JSON.parse(scan.stdout) as { parameter: string; best_fit: number; points: number[]; twice_delta_nll: number[]; interval_68: [number, number] };
    expect(s.parameter).toBe('mu');
    expect(s.points).toEqual([0, 0.5, 1, 1.5, 2]);
    // −2Δ ln L of one Poisson bin: 2 (ν − ν̂ − n ln(ν/ν̂)), ν̂ = n = 10
    s.points.forEach((mu, k) => {
      const nu = 5 * mu + 7;
      expect(s.twice_delta_nll[k]).toBeCloseTo(2 * (nu - 10 - 10 * Math.log(nu / 10)), 6);
    });
    expect(s.best_fit).toBeCloseTo(0.6, 5);
  });

  it('an unknown distribution type: exit 1 naming the type and its path', () => {
    const bad = structuredClone(hs3) as typeof hs3;
    (bad.distributions[0] as { type: string }).type = 'mystery_dist';
    const file = join(tmp, 'mystery.hs3.json');
    writeFileSync(file, JSON.stringify(bad));
    const r = runBuiltCli(['fit', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mystery_dist');
    expect(r.stderr).toContain('/distributions/0/type');
  });
});

/** erf by its Taylor series (accurate to rounding for |x| ≤ 3, as here), independent of the code under test. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
