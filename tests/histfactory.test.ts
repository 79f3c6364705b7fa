/**
 * The HistFactory likelihood against pyhf: parameters, −2 ln L, expected data and gradients for every
 * workspace with a pyhf reference (../shared/reference/pyhf/expected/ and hist-serial's own
 * fixtures/pyhf/, both made by pyhf itself), directly and through HS3; interpolation codes; bad models;
 * `hist-serial fit nll`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHistSerialError, type ErrorCode } from '../src/errors.js';
import {
  HistFactoryModel,
  buildHistFactory,
  evaluateNll,
  histFactoryFromHS3,
  histFactoryFromJson,
  hs3InterpolationCode,
  type BuildHistFactoryOptions,
  type InterpolationCode,
} from '../src/fit/histfactory/index.js';
import { MESSAGES } from '../src/messages.js';
import { pyhfToHS3 } from '../src/model/pyhf/convert.js';
import type { HS3Document, HistFactoryDist, Interpolation } from '../src/types/generated/hs3.types.js';
import type { PyhfWorkspace } from '../src/types/generated/pyhf.types.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { seededRandom } from './helpers/mutate.js';
import { PROJECT_DIR, describeReference, hasReference, ref } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

const FIXTURES = join(PROJECT_DIR, 'fixtures/pyhf');
const readJson = <T = unknown>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface Expected {
  measurement: string;
  poi: string | null;
  par_names: string[];
  init: number[];
  bounds: [number, number][];
  fixed: boolean[];
  n_main_bins: number;
  n_aux: number;
  twice_nll_init: number;
  expected_main_init: number[];
  expected_aux_init: number[];
  mle: { twice_nll: number; values: number[] };
  mle_poi0?: { twice_nll: number; values: number[] } | { error: string };
}

interface PointsFile {
  variants: {
    settings: { normsys: InterpolationCode; histosys: InterpolationCode };
    region: 'wide' | 'inner';
    par_names: string[];
    points: { x: number[]; twice_nll: number; expected_main: number[]; expected_aux: number[] }[];
    logpdf_s: number;
  }[];
}

/** |a − b| ≤ tol · max(1, |b|) for every element. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = ''): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= tol * Math.max(1, Math.abs(b[i]!)))) expect.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} (|diff| ${d})`);
  }
}

/** Relative difference. */
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function expectError(f: () => unknown, code: ErrorCode, path?: string): void {
  try {
    f();
  } catch (err) {
    if (!isHistSerialError(err)) throw err;
    expect(err.code, err.message).toBe(code);
    if (path !== undefined) expect(err.path, err.message).toBe(path);
    return;
  }
  expect.fail(`expected a ${code} error`);
}

/** Random parameter points inside the bounds: α in (−span, span), others within ±40% of their initial value. */
function randomPoints(model: HistFactoryModel, n: number, seed: number, span = 2.5): Float64Array[] {
  const random = seededRandom(seed);
  const alpha = new Set<number>();
  for (const p of model.parameterSets) if (p.type === 'normsys' || p.type === 'histosys') for (let i = 0; i < p.size; i++) alpha.add(p.offset + i);
  return Array.from({ length: n }, () => {
    const x = Float64Array.from(model.init);
    for (let i = 0; i < x.length; i++) {
      const u = random();
      if (alpha.has(i)) x[i] = Math.min(model.upper[i]!, Math.max(model.lower[i]!, span * (2 * u - 1)));
      else {
        const c = model.init[i]! === 0 ? 1 : model.init[i]!;
        x[i] = Math.min(model.upper[i]!, Math.max(model.lower[i]!, c * (0.6 + 0.8 * u)));
      }
    }
    return x;
  });
}

/** The analytic gradient against central differences (step h·max(1, |x|)). */
function checkGradient(model: HistFactoryModel, x: Float64Array, tol = 2e-6): void {
  const grad = new Float64Array(x.length);
  const v = model.valueAndGradient(x, grad);
  expect(v).toBeCloseTo(model.value(x), 9);
  const scale = Math.max(1, ...Array.from(grad, Math.abs));
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] = x[i]! + h;
    xm[i] = x[i]! - h;
    const numeric = (model.value(xp) - model.value(xm)) / (2 * h);
    const d = Math.abs(numeric - grad[i]!);
    if (!(d <= tol * Math.max(Math.abs(numeric), scale * 1e-3, 1))) expect.fail(`d/d${model.names[i]}: analytic ${grad[i]} vs numeric ${numeric}`);
  }
}

/** Every check against one pyhf reference. */
function checkReference(name: string, workspace: () => unknown, expected: () => Expected): void {
  describe(name, () => {
    let ws: unknown;
    let e: Expected;
    let model: HistFactoryModel;
    let fromHS3: HistFactoryModel;
    beforeAll(() => {
      ws = workspace();
      e = expected();
      model = buildHistFactory(ws);
      fromHS3 = histFactoryFromHS3(pyhfToHS3(ws).result);
    });

    it("has pyhf's parameters: names, order, initial values, bounds, fixed flags, POI", () => {
      for (const m of [model, fromHS3]) {
        expect(m.names).toEqual(e.par_names);
        expect(Array.from(m.init)).toEqual(e.init);
        expect(Array.from(m.lower, (l, i) => [l, m.upper[i]])).toEqual(e.bounds);
        expect(m.fixed).toEqual(e.fixed);
        expect(m.nMainBins).toBe(e.n_main_bins);
        expect(m.nAux).toBe(e.n_aux);
        expect(m.poiName).toBe(e.poi ?? undefined);
        expect(m.poiIndex).toBe(e.poi ? e.par_names.indexOf(e.poi) : undefined);
      }
      expect(model.measurement).toBe(e.measurement);
    });

    it('gives −2 ln L at the initial point and at the MLE within 1e-8 of pyhf', () => {
      for (const m of [model, fromHS3]) {
        expect(rel(m.value(m.init), e.twice_nll_init)).toBeLessThan(1e-8);
        expect(rel(m.value(Float64Array.from(e.mle.values)), e.mle.twice_nll)).toBeLessThan(1e-8);
        if (e.mle_poi0 && 'values' in e.mle_poi0) expect(rel(m.value(Float64Array.from(e.mle_poi0.values)), e.mle_poi0.twice_nll)).toBeLessThan(1e-8);
      }
    });

    it('gives the expected main and auxiliary data at the initial point within 1e-10', () => {
      for (const m of [model, fromHS3]) {
        expectClose(m.expectedMain(m.init), e.expected_main_init, 1e-10, 'main');
        expectClose(m.expectedAux(m.init), e.expected_aux_init, 1e-10, 'aux');
        expect(Array.from(m.mainData)).toEqual(Array.from(model.mainData));
        expect(Array.from(m.auxData)).toEqual(Array.from(model.auxData));
      }
    });

    it('gives the same numbers when built from the HS3 conversion, anywhere', () => {
      for (const x of randomPoints(model, 5, 3)) {
        expect(rel(fromHS3.value(x), model.value(x))).toBeLessThan(1e-12);
        expectClose(fromHS3.expectedMain(x), model.expectedMain(x), 1e-12, 'main');
      }
    });

    it('has an analytic gradient that agrees with central differences', () => {
      for (const x of [model.init, ...randomPoints(model, 4, 11)]) checkGradient(model, x);
    });

    it('withData: on its own expected data (Asimov) the gradient vanishes at that point', () => {
      const asimov = model.withData(model.expectedMain(model.init), model.expectedAux(model.init));
      expect(asimov.names).toBe(model.names);
      const grad = new Float64Array(model.names.length);
      asimov.valueAndGradient(model.init, grad);
      for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-9);
      expect(asimov.value(model.init)).toBeLessThan(model.value(model.init) + 1e-9);
    });
  });
}

/** The shared references: pyhf's example workspaces and the pyhf twins of ROOT's HS3 exports. */
const SHARED = hasReference
  ? readdirSync(ref('pyhf/expected'))
      .filter((f) => f.endsWith('.expected.json'))
      .map((f) => f.replace(/\.expected\.json$/, ''))
  : [];
const sharedWorkspace = (name: string) => {
  const p = ref('pyhf/examples/workspaces', `${name}.json`);
  try {
    return readJson(p);
  } catch {
    return readJson(ref('pyhf/examples/hs3-pairs', `${name}.json`));
  }
};

describeReference('HistFactory likelihood vs pyhf (../shared/reference/pyhf/expected)', () => {
  it('covers every reference', () => expect(SHARED.length).toBeGreaterThanOrEqual(7));
  for (const name of SHARED) checkReference(name, () => sharedWorkspace(name), () => readJson<Expected>(ref('pyhf/expected', `${name}.expected.json`)));

  it.each(['simplemodel_correlated-background', 'simplemodel_uncorrelated-background'])("ROOT's own HS3 export %s gives pyhf's numbers for its pyhf twin", (name) => {
    const e = readJson<Expected>(ref('pyhf/expected', `${name}_hifa.expected.json`));
    const model = histFactoryFromHS3(readJson(ref('hs3/examples/root-export', `${name}_hs3.json`)));
    expect(model.names).toEqual(e.par_names);
    expect(Array.from(model.init)).toEqual(e.init);
    expect(rel(model.value(model.init), e.twice_nll_init)).toBeLessThan(1e-8);
    expect(rel(model.value(Float64Array.from(e.mle.values)), e.mle.twice_nll)).toBeLessThan(1e-8);
    expectClose(model.expectedMain(model.init), e.expected_main_init, 1e-10, 'main');
    // its other analysis is on Asimov data: the same model with the data ROOT wrote for it
    const asimov = histFactoryFromHS3(readJson(ref('hs3/examples/root-export', `${name}_hs3.json`)), { analysis: 'simPdf_asimovData' });
    expect(asimov.measurement).toBe('simPdf_asimovData');
    expect(Array.from(asimov.mainData)).toEqual(e.expected_main_init);
    expect(asimov.value(asimov.init)).toBeLessThan(model.value(model.init));
  });
});

/** hist-serial's own workspaces (fixtures/pyhf/make.py), with pyhf_ref.py references. */
const OWN = ['multichannel', 'staterror-shared', 'interpolation'];

describe('HistFactory likelihood vs pyhf (fixtures/pyhf)', () => {
  it('fixtures match the sha256 their generator recorded', () => {
    const manifest = readJson<{ files: Record<string, { sha256: string }> }>(join(FIXTURES, 'manifest.json'));
    expect(Object.keys(manifest.files).length).toBeGreaterThanOrEqual(13);
    for (const [file, { sha256 }] of Object.entries(manifest.files)) expect(createHash('sha256').update(readFileSync(join(FIXTURES, file))).digest('hex'), file).toBe(sha256);
  });
  for (const name of OWN) checkReference(name, () => readJson(join(FIXTURES, `${name}.json`)), () => readJson<Expected>(join(FIXTURES, `${name}.expected.json`)));

  it('multichannel: another measurement changes the POI, fixed flags and initial values', () => {
    const ws = readJson(join(FIXTURES, 'multichannel.json'));
    const a = buildHistFactory(ws);
    const b = buildHistFactory(ws, { measurement: 'meas_mu_fixed' });
    expect(b.measurement).toBe('meas_mu_fixed');
    expect(b.poiName).toBe('mu_ttbar');
    expect(b.names).toEqual(a.names);
    const mu = b.indexOf('mu');
    expect(b.init[mu]).toBe(0.5);
    expect(b.fixed[mu]).toBe(true);
    expect(b.fixed[b.indexOf('lumi')]).toBe(true);
    expect(b.fixed[b.indexOf('xsec')]).toBe(false);
    expect(a.fixed[a.indexOf('xsec')]).toBe(true);
    expect(b.fixed.filter((_, i) => b.names[i]!.startsWith('staterror_SR['))).toEqual([true, true, true]);
    expect(a.fixed.filter((_, i) => a.names[i]!.startsWith('staterror_SR['))).toEqual([false, true, false]);
  });
});

describe('interpolation codes vs pyhf (fixtures/pyhf/*.points.json)', () => {
  const files = ['multichannel', 'staterror-shared', 'interpolation', 'interpolation.normsys-as-histosys', 'large'];
  for (const name of files) {
    const points = readJson<PointsFile>(join(FIXTURES, `${name}.points.json`));
    const ws = readJson(join(FIXTURES, `${name}.json`));
    for (const v of points.variants) {
      const label = `${name}: normsys ${v.settings.normsys}, histosys ${v.settings.histosys} (${v.region} α)`;
      it(`${label}: −2 ln L and expected data at ${v.points.length} points`, () => {
        const model = buildHistFactory(ws, { interpolation: v.settings });
        expect(model.names).toEqual(v.par_names);
        for (const p of v.points) {
          const x = Float64Array.from(p.x);
          expect(rel(model.value(x), p.twice_nll)).toBeLessThan(1e-10);
          expectClose(model.expectedMain(x), p.expected_main, 1e-10, 'main');
          expectClose(model.expectedAux(x), p.expected_aux, 1e-10, 'aux');
        }
        if (name !== 'large') for (const p of v.points.slice(1)) checkGradient(model, Float64Array.from(p.x));
      });
    }
  }
});

/** Set `interpolation` on every normsys/histosys of an HS3 document (in place). */
function setInterpolation(doc: HS3Document, of: { normsys?: Interpolation; histosys?: Interpolation }): HS3Document {
  for (const d of doc.distributions ?? []) {
    if (d.type !== 'histfactory_dist') continue;
    for (const s of (d as unknown as HistFactoryDist).samples) {
      for (const m of s.modifiers ?? []) {
        const i = of[m.type as 'normsys' | 'histosys'];
        if (i) m.interpolation = i;
      }
    }
  }
  return doc;
}

describe('HS3 interpolation (HS3 pull request 103)', () => {
  const ws = readJson(join(FIXTURES, 'interpolation.json'));
  const points = readJson<PointsFile>(join(FIXTURES, 'interpolation.points.json'));
  const asHistosys = readJson<PointsFile>(join(FIXTURES, 'interpolation.normsys-as-histosys.points.json'));
  const variant = (file: PointsFile, normsys: string, histosys: string) => file.variants.find((v) => v.settings.normsys === normsys && v.settings.histosys === histosys)!;
  /** Compare a model with pyhf's points, matching parameters by name. */
  const agrees = (model: HistFactoryModel, v: PointsFile['variants'][number]) => {
    expect([...model.names].sort()).toEqual([...v.par_names].sort());
    for (const p of v.points) {
      const x = Float64Array.from(model.names, (n) => p.x[v.par_names.indexOf(n)]!);
      expect(rel(model.value(x), p.twice_nll)).toBeLessThan(1e-10);
      expectClose(model.expectedMain(x), p.expected_main, 1e-10, 'main');
    }
  };
  const hs3 = () => structuredClone(pyhfToHS3(ws).result);

  it('maps the interpolation structs to codes', () => {
    expect(hs3InterpolationCode({ type: 'add', in: 'poly1' })).toBe('code0');
    expect(hs3InterpolationCode({ type: 'add', in: 'poly1', out: 'poly1' })).toBe('code0');
    expect(hs3InterpolationCode({ type: 'mult', in: 'exp', out: null })).toBe('code1');
    expect(hs3InterpolationCode({ type: 'add', in: 'poly2', out: 'poly1' })).toBe('code2');
    expect(hs3InterpolationCode({ type: 'mult', in: 'poly6', out: 'exp' })).toBe('code4');
    expect(hs3InterpolationCode({ type: 'add', in: 'poly6', out: 'poly1' })).toBe('code4p');
    expect(hs3InterpolationCode({ type: 'add', in: 'poly2' })).toBeUndefined();
    expect(hs3InterpolationCode({ type: 'mult', in: 'poly6', out: 'poly1' })).toBeUndefined();
  });

  it('without interpolation: pyhf defaults (normsys code4, histosys code4p)', () => {
    agrees(histFactoryFromHS3(hs3()), variant(points, 'code4', 'code4p'));
  });

  it('normsys {mult, exp} and histosys {add, poly1} are pyhf code1 and code0', () => {
    const doc = setInterpolation(hs3(), { normsys: { type: 'mult', in: 'exp' }, histosys: { type: 'add', in: 'poly1' } });
    const model = histFactoryFromHS3(doc);
    agrees(model, variant(points, 'code1', 'code0'));
    expect(model.warnings.filter((w) => w.path.endsWith('/interpolation'))).toEqual([]);
  });

  it('default_interpolation of the distribution applies where a modifier has none', () => {
    const doc = setInterpolation(hs3(), { histosys: { type: 'add', in: 'poly6', out: 'poly1' } });
    (doc.distributions![0] as unknown as HistFactoryDist).default_interpolation = { type: 'mult', in: 'exp' };
    agrees(histFactoryFromHS3(doc), variant(points, 'code1', 'code4p'));
  });

  it('histosys {add, poly2, poly1} is code 2 (pyhf agrees inside |α| ≤ 1)', () => {
    const doc = setInterpolation(hs3(), { normsys: { type: 'mult', in: 'poly6', out: 'exp' }, histosys: { type: 'add', in: 'poly2', out: 'poly1' } });
    agrees(histFactoryFromHS3(doc), variant(points, 'code4', 'code2'));
  });

  it.each([
    ['code0', { type: 'add', in: 'poly1' }],
    ['code2', { type: 'add', in: 'poly2', out: 'poly1' }],
    ['code4p', { type: 'add', in: 'poly6', out: 'poly1' }],
  ] as const)('an additive normsys (%s) is the histosys of its scaled nominal, as pyhf computes it', (code, interp) => {
    const doc = setInterpolation(hs3(), { normsys: interp, histosys: interp });
    agrees(histFactoryFromHS3(doc), variant(asHistosys, 'code4', code));
  });

  it('code 2 is continuous at |α| = 1 with linear extrapolation (ROOT and HS3; pyhf#2729 drops the offset)', () => {
    const w = readJson<PyhfWorkspace>(join(FIXTURES, 'interpolation.json'));
    const model = buildHistFactory(w, { interpolation: { histosys: 'code2' } });
    const h1 = model.indexOf('h1');
    const at = (a: number) => {
      const x = Float64Array.from(model.init);
      x[h1] = a;
      return model.expectedMain(x);
    };
    expectClose(at(1 + 1e-12), at(1 - 1e-12), 1e-9, 'at +1');
    expectClose(at(-1 - 1e-12), at(-1 + 1e-12), 1e-9, 'at -1');
    // sample a: nom 40, hi 44, lo 37 in bin 0 → a = 0.5, b = 3.5; α = 2: δ = (b + 2a)(α − 1) + (hi − nom) = 8.5
    const mod = w.channels[0]!.samples;
    const rest = mod[1]!.data[0]!;
    expect(at(2)[0]).toBeCloseTo(40 + 8.5 + rest, 12);
    expect(at(-2)[0]).toBeCloseTo(40 + (3.5 - 1) * -1 + (37 - 40) + rest, 12);
    checkGradient(model, (() => {
      const x = Float64Array.from(model.init);
      x[h1] = 1.7;
      return x;
    })());
  });

  it('an interpolation hist-serial does not evaluate is an error at its path', () => {
    const doc = setInterpolation(hs3(), { histosys: { type: 'mult', in: 'exp' } });
    expectError(() => histFactoryFromHS3(doc), 'UNSUPPORTED_OPERATION', '/distributions/0/samples/0/modifiers/2/interpolation');
    const doc2 = setInterpolation(hs3(), { normsys: { type: 'mult', in: 'poly6', out: 'poly1' } });
    expectError(() => histFactoryFromHS3(doc2), 'UNSUPPORTED_OPERATION', '/distributions/0/samples/0/modifiers/1/interpolation');
    expectError(() => buildHistFactory(ws, { interpolation: { histosys: 'code4' } }), 'UNSUPPORTED_OPERATION', '/channels/0/samples/0/modifiers/2');
  });
});

describe('speed', () => {
  it('evaluates −2 ln L in microseconds (example-sized) and a ~1000-parameter model well under pyhf', () => {
    const time = (model: HistFactoryModel, withGradient: boolean) => {
      const x = Float64Array.from(model.init);
      const g = new Float64Array(x.length);
      const run = (n: number) => {
        const t0 = performance.now();
        for (let k = 0; k < n; k++) {
          x[0] = model.init[0]! + 1e-9 * (k & 1);
          if (withGradient) model.valueAndGradient(x, g);
          else model.value(x);
        }
        return (performance.now() - t0) / n;
      };
      run(200);
      return Math.min(run(500), run(500)) * 1000; // µs
    };
    const small = buildHistFactory(readJson(join(FIXTURES, 'multichannel.json')));
    const large = buildHistFactory(readJson(join(FIXTURES, 'large.json')));
    const pyhfLarge = readJson<PointsFile>(join(FIXTURES, 'large.points.json')).variants[0]!.logpdf_s * 1e6;
    const t = { small: time(small, false), smallGrad: time(small, true), large: time(large, false), largeGrad: time(large, true) };
    console.log(
      `-2 ln L: multichannel (${small.names.length} parameters) ${t.small.toFixed(2)} µs, with gradient ${t.smallGrad.toFixed(2)} µs; ` +
        `large (${large.names.length} parameters, ${large.nMainBins} bins) ${t.large.toFixed(1)} µs, with gradient ${t.largeGrad.toFixed(1)} µs; pyhf (numpy) ${pyhfLarge.toFixed(0)} µs`,
    );
    expect(large.names.length).toBeGreaterThanOrEqual(500);
    // generous bounds (shared CI machines): the point is orders of magnitude, not microseconds
    expect(t.small).toBeLessThan(100);
    expect(t.largeGrad).toBeLessThan(5000);
  });
});

describe('bad models', () => {
  const base = (): PyhfWorkspace => structuredClone(readJson<PyhfWorkspace>(join(FIXTURES, 'interpolation.json')));

  it('NaN expected counts: a normsys factor of 0 (its logarithm is −∞) names the sample', () => {
    const ws = base();
    const m = ws.channels[0]!.samples[1]!.modifiers[0]!;
    (m.data as { hi: number }).hi = 0;
    expectError(() => buildHistFactory(ws), 'BAD_MODEL', '/channels/0/samples/1');
  });

  it('negative expected counts at the initial point name the channel', () => {
    const ws = base();
    ws.channels[0]!.samples[0]!.data[2] = -100;
    expectError(() => buildHistFactory(ws), 'BAD_MODEL', '/channels/0');
    try {
      buildHistFactory(ws);
    } catch (err) {
      expect((err as Error).message).toBe(MESSAGES.hfRateNegative('/channels/0', 'ch', 2, -100 + 35));
    }
  });

  it('a lumi modifier whose measurement does not configure it', () => {
    const ws = base();
    ws.channels[0]!.samples[0]!.modifiers.push({ name: 'lumi', type: 'lumi', data: null });
    expectError(() => buildHistFactory(ws), 'UNDECLARED_PARAMETER', '/measurements/0');
  });

  it('an unknown measurement, an invalid workspace, a document that is no model', () => {
    expectError(() => buildHistFactory(base(), { measurement: 'nope' }), 'NOT_FOUND', '/measurements');
    const ws = base();
    ws.observations[0]!.data.pop();
    expectError(() => buildHistFactory(ws), 'BIN_COUNT_MISMATCH', '/observations/0/data');
    expectError(() => histFactoryFromJson({ h: { uhi_schema: 1, axes: [], storage: { type: 'int', values: [1] } } }), 'UNSUPPORTED_OPERATION');
    expectError(() => histFactoryFromHS3(pyhfToHS3(base()).result, { analysis: 'nope' }), 'NOT_FOUND');
  });

  it('a staterror that samples have in different channels', () => {
    const ws: PyhfWorkspace = {
      channels: [
        { name: 'A', samples: [{ name: 's1', data: [1, 2], modifiers: [{ name: 'stat', type: 'staterror', data: [0.1, 0.1] }] }, { name: 's2', data: [1, 2], modifiers: [{ name: 'stat', type: 'staterror', data: [0.1, 0.1] }] }] },
        { name: 'B', samples: [{ name: 's1', data: [1, 2], modifiers: [{ name: 'stat', type: 'staterror', data: [0.1, 0.1] }] }] },
      ],
      observations: [
        { name: 'A', data: [2, 4] },
        { name: 'B', data: [1, 2] },
      ],
      measurements: [{ name: 'm', config: { poi: '', parameters: [] } }],
      version: '1.0.0',
    };
    expectError(() => buildHistFactory(ws), 'BAD_MODEL');
  });

  it('wrong lengths of parameters and data, unknown parameter names', () => {
    const model = buildHistFactory(base());
    expectError(() => model.value(new Float64Array(2)), 'INVALID_ARGUMENT');
    expectError(() => model.withData(new Float64Array(3), new Float64Array(model.nAux)), 'INVALID_ARGUMENT');
    expectError(() => model.withData(model.mainData, new Float64Array(model.nAux + 1)), 'INVALID_ARGUMENT');
    expectError(() => evaluateNll(model, { nope: 1 }), 'UNKNOWN_PARAMETER', '/nope');
    expectError(() => evaluateNll(model, { mu: Number.NaN }), 'INVALID_ARGUMENT', '/mu');
  });

  it('does not change its input', () => {
    const ws = base();
    const copy = structuredClone(ws);
    buildHistFactory(ws, { interpolation: { normsys: 'code0' } } satisfies BuildHistFactoryOptions);
    const doc = pyhfToHS3(ws).result;
    const docCopy = structuredClone(doc);
    histFactoryFromHS3(doc);
    expect(ws).toEqual(copy);
    expect(doc).toEqual(docCopy);
  });
});

describe('evaluateNll', () => {
  it('sets the named parameters, keeps the others at their initial values', () => {
    const model = buildHistFactory(readJson(join(FIXTURES, 'multichannel.json')));
    const r = evaluateNll(model, { mu: 0.3, 'qcd_sf[1]': 1.2 });
    const x = Float64Array.from(model.init);
    x[model.indexOf('mu')] = 0.3;
    x[model.indexOf('qcd_sf[1]')] = 1.2;
    expect(r.twice_nll).toBe(model.value(x));
    expect(r.expected).toEqual(Array.from(model.expectedMain(x)));
    expect(Object.keys(r.parameters)).toEqual(model.names);
    expect(r.parameters.mu).toBe(0.3);
  });
});

describe('hist-serial fit nll (built CLI)', () => {
  const dir = tempDir();
  const multichannel = join(FIXTURES, 'multichannel.json');
  const e = readJson<Expected>(join(FIXTURES, 'multichannel.expected.json'));
  const json = (args: string[]) => {
    const r = runBuiltCli(['fit', 'nll', ...args, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { twice_nll: number; parameters: Record<string, number>; expected: number[] };
  };

  it('prints exactly one JSON object: −2 ln L, the parameters and the expected counts', () => {
    expect(readFileSync(CLI, 'utf8').length).toBeGreaterThan(0);
    const out = json([multichannel]);
    expect(Object.keys(out)).toEqual(['twice_nll', 'parameters', 'expected']);
    expect(rel(out.twice_nll, e.twice_nll_init)).toBeLessThan(1e-8);
    expect(Object.keys(out.parameters)).toEqual(e.par_names);
    expectClose(out.expected, e.expected_main_init, 1e-10);
  });

  it('--params: values at the MLE (a plain object, or the parameters of an earlier output)', () => {
    const values = Object.fromEntries(e.par_names.map((n, i) => [n, e.mle.values[i]!]));
    writeFileSync(join(dir, 'mle.json'), JSON.stringify(values));
    expect(rel(json([multichannel, '--params', join(dir, 'mle.json')]).twice_nll, e.mle.twice_nll)).toBeLessThan(1e-8);
    writeFileSync(join(dir, 'out.json'), JSON.stringify({ twice_nll: 0, parameters: Object.fromEntries(e.par_names.map((n, i) => [n, { value: e.mle.values[i]! }])) }));
    expect(rel(json([multichannel, '--params', join(dir, 'out.json')]).twice_nll, e.mle.twice_nll)).toBeLessThan(1e-8);
  });

  it('reads HS3 documents and gives the same numbers; --measurement chooses the measurement (HS3: analysis)', () => {
    const hs3 = join(dir, 'multichannel.hs3.json');
    writeFileSync(hs3, JSON.stringify(pyhfToHS3(readJson(multichannel)).result));
    expect(json([hs3])).toEqual(json([multichannel]));
    const other = buildHistFactory(readJson(multichannel), { measurement: 'meas_mu_fixed' });
    expect(json([multichannel, '--measurement', 'meas_mu_fixed']).twice_nll).toBe(other.value(other.init));
    expect(json([hs3, '--measurement', 'meas_mu_fixed']).twice_nll).toBe(other.value(other.init));
  });

  it('text output', () => {
    const r = runBuiltCli(['fit', 'nll', multichannel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`-2 ln L = ${String(buildHistFactory(readJson(multichannel)).value(Float64Array.from(e.init)))}`);
    expect(r.stdout).toContain('qcd_sf[0]');
    expect(r.stdout).toMatch(/^xsec\s+0\s+fixed$/m);
  });

  it('errors: bad model exit 1, unknown measurement exit 2, not a model exit 1, bad --params exit 2', () => {
    const bad = readJson<PyhfWorkspace>(join(FIXTURES, 'interpolation.json'));
    bad.channels[0]!.samples[0]!.data[2] = -100;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const r1 = runBuiltCli(['fit', 'nll', join(dir, 'bad.json'), '--format', 'json']);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('BAD_MODEL');
    expect(r1.stdout).toBe('');
    expect(runBuiltCli(['fit', 'nll', multichannel, '--measurement', 'nope']).code).toBe(2);
    const r3 = runBuiltCli(['fit', 'nll', join(PROJECT_DIR, 'fixtures/1d.regular.int.json')]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('not a fit model');
    writeFileSync(join(dir, 'params.json'), '[1, 2]');
    expect(runBuiltCli(['fit', 'nll', multichannel, '--params', join(dir, 'params.json')]).code).toBe(2);
    writeFileSync(join(dir, 'params.json'), '{"nope": 1}');
    expect(runBuiltCli(['fit', 'nll', multichannel, '--params', join(dir, 'params.json')]).code).toBe(1);
  });
});
