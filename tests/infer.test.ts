/**
 * Inference against pyhf itself: every workspace with a reference in
 * ../shared/reference/pyhf/expected/ (made by pyhf_ref.py; its README explains each number), as a
 * pyhf workspace and converted to HS3; then the CLI.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import { checkFitResult } from '../src/fit-result/check.js';
import { buildHistFactory, histFactoryFromHS3 } from '../src/fit/histfactory/index.js';
import {
  AsymptoticCalculator,
  fit,
  fixedPoiFit,
  goodnessOfFit,
  hypotest,
  hypothesisTestEntry,
  likelihoodScanEntry,
  profileScan,
  toFitResult,
  upperLimit,
  type AsimovCapable,
} from '../src/fit/infer.js';
import type { Objective } from '../src/fit/objective.js';
import { pyhfToHS3 } from '../src/model/pyhf/convert.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { describeReference, hasReference, ref, refJson } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

interface Expected {
  workspace: string;
  poi: string | null;
  par_names: string[];
  fixed: boolean[];
  n_main_bins: number;
  mle: { twice_nll: number; values: number[]; errors: number[] | null };
  mle_poi0?: { twice_nll: number; values: number[]; errors: number[] | null } | { error: string };
  hypotest_poi1_qtilde?: { CLs_obs: number; CLs_exp: number[] } | { error: string };
  upper_limit_95?: { obs: number; exp: number[] } | { error: string };
}

const ok = <T extends object>(v: T | { error: string } | undefined): v is T => v !== undefined && !('error' in v);

/** Every reference, with the workspace it was made from. */
function references(): { name: string; expected: Expected; workspace: string }[] {
  if (!hasReference) return [];
  return readdirSync(ref('pyhf/expected'))
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((f) => {
      const expected = refJson<Expected>('pyhf/expected', f);
      const workspace = ['workspaces', 'hs3-pairs'].map((d) => ref('pyhf/examples', d, expected.workspace)).find((p) => existsSync(p))!;
      return { name: f.replace('.expected.json', ''), expected, workspace };
    });
}

const REFS = references();

function models(workspace: string): [string, () => AsimovCapable][] {
  const json = JSON.parse(readFileSync(workspace, 'utf8')) as unknown;
  return [
    ['pyhf', () => buildHistFactory(json)],
    ['HS3', () => histFactoryFromHS3(pyhfToHS3(json).result)],
  ];
}

describeReference.each(REFS)('$name against pyhf', ({ expected, workspace }) => {
  describe.each(models(workspace))('from %s', (_, make) => {
    const model = make();
    const idx = (name: string) => model.names.indexOf(name);
    const refIndex = expected.par_names.map(idx);
    const outcome = fit(model);

    it('has pyhf parameters', () => {
      expect([...model.names].sort()).toEqual([...expected.par_names].sort());
    });

    it('reaches pyhf minimum: −2 ln L within 1e-5, parameters within 0.02σ, Hesse errors within 2%', () => {
      const { minimum, hesse } = outcome;
      expect(minimum.converged).toBe(true);
      expect(Math.abs(minimum.fval - expected.mle.twice_nll)).toBeLessThan(1e-5);
      expected.par_names.forEach((name, k) => {
        const i = refIndex[k]!;
        const sigma = expected.mle.errors?.[k] || hesse!.errors[i]! || 1;
        expect(Math.abs(minimum.x[i]! - expected.mle.values[k]!) / sigma, name).toBeLessThan(0.02);
        if (expected.mle.errors) {
          const e = expected.mle.errors[k]!;
          if (e === 0) expect(hesse!.errors[i], name).toBe(0);
          else expect(Math.abs(hesse!.errors[i]! / e - 1), name).toBeLessThan(0.02);
        }
      });
    });

    it('matches the fit with the POI fixed to 0', () => {
      if (!ok(expected.mle_poi0) || model.poiIndex === undefined || model.poiIndex === null) return;
      const r = fixedPoiFit(model, model.poiIndex, 0);
      const out = fit(model, { x0: r.x, fixed: model.fixed.map((f, i) => f || i === model.poiIndex) });
      expect(Math.abs(r.fval - expected.mle_poi0.twice_nll)).toBeLessThan(1e-5);
      expected.par_names.forEach((name, k) => {
        const i = refIndex[k]!;
        const e = expected.mle_poi0 && ok(expected.mle_poi0) ? expected.mle_poi0.errors?.[k] : undefined;
        const sigma = e || out.hesse!.errors[i]! || 1;
        expect(Math.abs(r.x[i]! - (expected.mle_poi0 as { values: number[] }).values[k]!) / sigma, name).toBeLessThan(0.02);
        if (e) expect(Math.abs(out.hesse!.errors[i]! / e - 1), name).toBeLessThan(0.02);
      });
    });

    it('gives pyhf CLs at POI = 1 (q̃μ) within 1e-4', () => {
      if (!ok(expected.hypotest_poi1_qtilde)) return;
      const r = hypotest(model, 1);
      expect(Math.abs(r.clsObs - expected.hypotest_poi1_qtilde.CLs_obs)).toBeLessThan(1e-4);
      r.clsExp.forEach((v, b) => expect(Math.abs(v - (expected.hypotest_poi1_qtilde as { CLs_exp: number[] }).CLs_exp[b]!)).toBeLessThan(1e-4));
    });

    it('gives pyhf upper limit within 0.5%', () => {
      if (!ok(expected.upper_limit_95)) return;
      const limit = upperLimit(model);
      expect(Math.abs(limit.obs / expected.upper_limit_95.obs - 1)).toBeLessThan(0.005);
      limit.exp.forEach((v, b) => expect(Math.abs(v / (expected.upper_limit_95 as { exp: number[] }).exp[b]! - 1)).toBeLessThan(0.005));
    });

    it('makes a valid fit-result document with goodness of fit', () => {
      const gof = goodnessOfFit(model, outcome.minimum);
      expect(gof.statistic).toBeGreaterThanOrEqual(0);
      expect(gof.ndf).toBeLessThanOrEqual(expected.n_main_bins);
      const doc = toFitResult(model, outcome, { goodnessOfFit: gof, model: { format: 'pyhf', uri: expected.workspace } });
      expect(checkFitResult(doc).filter((i) => i.severity === 'error')).toEqual([]);
      expect(doc.parameters!.map((p) => p.name)).toEqual([...model.names]);
      expect(doc.minimum!.value).toBe(outcome.minimum.fval);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// a toy counting experiment, independent of the HistFactory code: one bin n ~ Pois(μ s + b γ),
// an auxiliary Gaussian measurement of γ (width δ) → analytic checks of the asymptotics

class CountingModel implements AsimovCapable {
  readonly names = ['mu', 'gamma'];
  readonly init = Float64Array.of(1, 1);
  readonly lower = Float64Array.of(0, 1e-6);
  readonly upper = Float64Array.of(10, 10);
  readonly fixed = [false, false];
  readonly scale = 2 as const;
  readonly poiIndex = 0;
  readonly parameterSets = [{ offset: 1, size: 1, constraint: 'normal' }];
  readonly mainData: Float64Array;
  readonly auxData: Float64Array;
  constructor(
    readonly s: number,
    readonly b: number,
    readonly delta: number,
    n: number,
    aux = 1,
  ) {
    this.mainData = Float64Array.of(n);
    this.auxData = Float64Array.of(aux);
  }
  value(x: Float64Array): number {
    const g = new Float64Array(2);
    return this.valueAndGradient(x, g);
  }
  valueAndGradient(x: Float64Array, g: Float64Array): number {
    const nu = x[0]! * this.s + this.b * x[1]!;
    const n = this.mainData[0]!;
    const a = this.auxData[0]!;
    const pull = (a - x[1]!) / this.delta;
    g[0] = 2 * this.s * (1 - n / nu);
    g[1] = 2 * this.b * (1 - n / nu) - (2 * pull) / this.delta;
    return 2 * (nu - (n > 0 ? n * Math.log(nu) : 0)) + pull * pull;
  }
  withData(main: Float64Array, aux: Float64Array): CountingModel {
    return new CountingModel(this.s, this.b, this.delta, main[0]!, aux[0]!);
  }
  expectedMain(x: ArrayLike<number>): Float64Array {
    return Float64Array.of(x[0]! * this.s + this.b * x[1]!);
  }
  expectedAux(x: ArrayLike<number>): Float64Array {
    return Float64Array.of(x[1]!);
  }
}

describe('asymptotics on a toy counting experiment', () => {
  it('has CLs = 1 at μ = 0 and a CLs that falls with μ', () => {
    const model = new CountingModel(10, 50, 0.05, 52);
    const calc = new AsymptoticCalculator(model);
    expect(calc.hypotest(0).clsObs).toBeCloseTo(1, 12);
    const cls = [0.5, 1, 2, 3].map((mu) => calc.hypotest(mu).clsObs);
    for (let k = 1; k < cls.length; k++) expect(cls[k]).toBeLessThan(cls[k - 1]!);
  });

  it('gives q̃μ = −2 ln λ(μ) computed by hand when μ̂ >= 0, and the Asimov σ from the Asimov data', () => {
    const model = new CountingModel(10, 50, 0.05, 60);
    const r = hypotest(model, 2);
    // by hand: the two fits
    const free = fit(model, { errors: false }).minimum;
    const fixed = fixedPoiFit(model, 0, 2);
    expect(r.q).toBeCloseTo(fixed.fval - free.fval, 8);
    expect(free.x[0]).toBeGreaterThan(0);
    // Asimov data at μ = 0: ν = b γ̂(0), aux = γ̂(0)
    const at0 = fixedPoiFit(model, 0, 0);
    const asimov = model.withData(model.expectedMain(at0.x), model.expectedAux(at0.x));
    const qA = fixedPoiFit(asimov, 0, 2).fval - fit(asimov, { errors: false }).minimum.fval;
    expect(r.qA).toBeCloseTo(qA, 8);
    // the p-values of arXiv:1007.1727, eq. (59)/(65), with the q̃μ branch chosen by √q <= √qA
    const Phi = (x: number) => normalCdf(x, 0, 1);
    const sq = Math.sqrt(r.q);
    const sqA = Math.sqrt(r.qA);
    const clsb = sq <= sqA ? 1 - Phi(sq) : 1 - Phi((r.q + r.qA) / (2 * sqA));
    const clb = sq <= sqA ? Phi(sqA - sq) : Phi((r.qA - r.q) / (2 * sqA));
    expect(r.clsbObs).toBeCloseTo(clsb, 10);
    expect(r.clbObs).toBeCloseTo(clb, 10);
    expect(r.clsObs).toBeCloseTo(clsb / clb, 10);
    // the median expected CLs: CLs+b = 1 − Φ(√qA), CLb = 1/2
    expect(r.clsExp[2]).toBeCloseTo((1 - Phi(sqA)) / 0.5, 10);
  });

  it('sets q̃μ = 0 when μ̂ > μ (CLs+b = CLb = 1/2... CLs = 1 up to the Asimov shift)', () => {
    const model = new CountingModel(10, 50, 0.05, 90);
    const r = hypotest(model, 1);
    expect(r.q).toBe(0);
  });

  it('finds the upper limit where CLs = 0.05, observed and expected', () => {
    const model = new CountingModel(10, 50, 0.05, 52);
    const limit = upperLimit(model, { cl: 0.95 });
    const calc = new AsymptoticCalculator(model);
    expect(Math.abs(calc.hypotest(limit.obs).clsObs - 0.05)).toBeLessThan(1e-6);
    limit.exp.forEach((mu, b) => expect(Math.abs(calc.hypotest(mu).clsExp[b]! - 0.05)).toBeLessThan(1e-6));
    // expected limits increase from −2σ to +2σ
    for (let b = 1; b < 5; b++) expect(limit.exp[b]).toBeGreaterThan(limit.exp[b - 1]!);
    expect(limit.tests.length).toBeGreaterThan(3);
    // into a fit-result document, with a profile scan
    const entry = hypothesisTestEntry('mu', limit.tests, limit);
    expect(entry.upper_limit?.obs).toBe(limit.obs);
    const outcome = fit(model);
    const scan = likelihoodScanEntry(profileScan(model, 0, [0, 0.5, 1, 2], { minimum: outcome.minimum }));
    const doc = toFitResult(model, outcome, { hypothesisTests: [entry], scans: [scan], constraints: [undefined, { type: 'gaussian', center: 1, width: 0.05 }] });
    expect(checkFitResult(doc).filter((i) => i.severity === 'error')).toEqual([]);
    expect(doc.pulls).toEqual([{ parameter: 'gamma', pull: (outcome.minimum.x[1]! - 1) / 0.05, pull_error: outcome.hesse!.errors[1]! / 0.05 }]);
    expect(doc.parameters![0]!.poi).toBe(true);
    expect(doc.hypothesis_tests![0]!.upper_limit!.method).toBe('root_finding');
  });

  it('widens the bracket when CLs at the upper bound is still above the level', () => {
    // a tiny signal: the limit lies far above the POI's upper bound of 10
    const model = new CountingModel(0.5, 50, 0.05, 50);
    const limit = upperLimit(model);
    expect(limit.obs).toBeGreaterThan(10);
    const calc = new AsymptoticCalculator(model);
    expect(Math.abs(calc.hypotest(limit.obs).clsObs - 0.05)).toBeLessThan(1e-6);
  });

  it('refuses a model without a POI, a fixed POI and (for q̃μ) a POI not bounded at 0', () => {
    const model = new CountingModel(10, 50, 0.05, 52);
    const noPoi = Object.assign(Object.create(model) as CountingModel, { poiIndex: undefined });
    expect(() => hypotest(noPoi as unknown as AsimovCapable, 1)).toThrow(/no parameter of interest/);
    const fixedPoi = Object.assign(Object.create(model) as CountingModel, { fixed: [true, false] });
    expect(() => hypotest(fixedPoi, 1)).toThrow(/is fixed/);
    const unbounded = Object.assign(Object.create(model) as CountingModel, { lower: Float64Array.of(-5, 1e-6) });
    expect(() => hypotest(unbounded, 1)).toThrow(/bounded below at 0/);
    expect(() => hypotest(unbounded, 1, { testStatistic: 'q' })).not.toThrow();
  });

  it('gives the saturated goodness of fit: 0 for a perfect fit, the Poisson deviance otherwise', () => {
    // 3 bins, one free normalisation: ndf = 2
    const shape = [0.2, 0.5, 0.3];
    const make = (n: number[]): AsimovCapable & Objective => ({
      names: ['norm'],
      init: Float64Array.of(50),
      lower: Float64Array.of(0),
      upper: Float64Array.of(1e6),
      fixed: [false],
      poiIndex: 0,
      mainData: Float64Array.from(n),
      value: (x) => shape.reduce((s, f, b) => s + 2 * (x[0]! * f - n[b]! * Math.log(x[0]! * f)), 0),
      withData: () => {
        throw new Error('unused');
      },
      expectedMain: (x) => Float64Array.from(shape, (f) => x[0]! * f),
      expectedAux: () => new Float64Array(0),
    });
    const perfect = goodnessOfFit(make([20, 50, 30]));
    expect(perfect.statistic).toBeCloseTo(0, 8);
    expect(perfect.ndf).toBe(2);
    expect(perfect.pValue).toBeCloseTo(1, 8);
    const n = [30, 40, 30];
    const gof = goodnessOfFit(make(n));
    // the fitted norm is Σn = 100
    const dev = shape.reduce((s, f, b) => s + 2 * (100 * f - n[b]! + n[b]! * Math.log(n[b]! / (100 * f))), 0);
    expect(gof.statistic).toBeCloseTo(dev, 6);
    // χ² survival with 2 dof: exp(−x/2)
    expect(gof.pValue).toBeCloseTo(Math.exp(-dev / 2), 8);
  });

  it('profile-scans the POI: 0 at μ̂, growing on both sides, and the parameters re-fitted', () => {
    const model = new CountingModel(10, 50, 0.05, 70);
    const scan = profileScan(model, 0, [0, 1, 2, 3, 4]);
    const muhat = scan.minimum.x[0]!;
    expect(muhat).toBeCloseTo(2, 1);
    const k = scan.points.indexOf(2);
    expect(scan.values[k]).toBeLessThan(0.01);
    expect(scan.values[0]).toBeGreaterThan(scan.values[1]!);
    expect(scan.values[4]).toBeGreaterThan(scan.values[3]!);
    expect(scan.parameters[0]![1]).toBeGreaterThan(scan.parameters[4]![1]!);
  });
});

// ---------------------------------------------------------------------------------------------
// the CLI

const BUILT = existsSync(CLI);

(BUILT ? describeReference : describe.skip)('hist-serial fit (built CLI)', () => {
  const dir = tempDir();
  const withLimits = REFS.filter((r) => ok(r.expected.upper_limit_95) && ok(r.expected.hypotest_poi1_qtilde));
  const one = (stdout: string) => {
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    expect(typeof parsed).toBe('object');
    return parsed;
  };

  it.each(REFS)('fits $name and prints one JSON object', ({ expected, workspace }) => {
    const r = runBuiltCli(['fit', workspace, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = one(r.stdout) as { twice_nll: number; converged: boolean; parameters: Record<string, { value: number; error: number }> };
    expect(Object.keys(out).sort()).toEqual(['converged', 'parameters', 'twice_nll']);
    expect(out.converged).toBe(true);
    expect(Math.abs(out.twice_nll - expected.mle.twice_nll)).toBeLessThan(1e-5);
    expected.par_names.forEach((name, k) => {
      const e = expected.mle.errors?.[k];
      expect(Math.abs(out.parameters[name]!.value - expected.mle.values[k]!) / (e || 1), name).toBeLessThan(0.02);
      if (e) expect(Math.abs(out.parameters[name]!.error / e - 1), name).toBeLessThan(0.02);
    });
  });

  it('writes the fit-result document with -o', () => {
    const { workspace } = REFS[0]!;
    const file = join(dir, 'result.json');
    const r = runBuiltCli(['fit', workspace, '-o', file, '--format', 'json']);
    expect(r.code).toBe(0);
    one(r.stdout);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { fit_result_schema: number; covariance?: unknown; minimum?: { value: number } };
    expect(doc.fit_result_schema).toBe(1);
    expect(doc.covariance).toBeDefined();
    expect(checkFitResult(doc as never).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it.each(withLimits)('fit cls and fit limit on $name', ({ expected, workspace }) => {
    const cls = runBuiltCli(['fit', 'cls', workspace, '--poi-value', '1', '--format', 'json']);
    expect(cls.code).toBe(0);
    const c = one(cls.stdout) as { CLs_obs: number; CLs_exp: number[] };
    const h = expected.hypotest_poi1_qtilde as { CLs_obs: number; CLs_exp: number[] };
    expect(Math.abs(c.CLs_obs - h.CLs_obs)).toBeLessThan(1e-4);
    c.CLs_exp.forEach((v, b) => expect(Math.abs(v - h.CLs_exp[b]!)).toBeLessThan(1e-4));
    const lim = runBuiltCli(['fit', 'limit', workspace, '--format', 'json']);
    expect(lim.code).toBe(0);
    const l = one(lim.stdout) as { obs: number; exp: number[] };
    const u = expected.upper_limit_95 as { obs: number; exp: number[] };
    expect(Math.abs(l.obs / u.obs - 1)).toBeLessThan(0.005);
    l.exp.forEach((v, b) => expect(Math.abs(v / u.exp[b]! - 1)).toBeLessThan(0.005));
  });

  it('fails with exit 1 and a clear message for a model without a POI (fit limit)', () => {
    const poiless = REFS.find((r) => r.expected.poi === null);
    if (!poiless) return;
    const r = runBuiltCli(['fit', 'limit', poiless.workspace, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no parameter of interest/);
    expect(r.stdout).toBe('');
  });
});
