/**
 * HS3 evaluator against ../shared/reference/hs3/evaluation: for every case, the normalised pdf on
 * the grid, the normalisation integral and −2 ln L at parameter point `default`, all to 1e-9
 * relative (closed-form normalisations, and adaptive G7-K15 quadrature at rel. tol. 1e-12).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isHistSerialError } from '../src/errors.js';
import { createHs3Evaluator, integrate, SUPPORTED_TYPES } from '../src/model/hs3/eval/index.js';
import { describeReference, hasReference, ref, refJson } from './helpers/reference.js';

const DIR = 'hs3/evaluation';
const RTOL = 1e-9;

interface Expected {
  twice_nll: number;
  normalization?: number;
  pdf: Record<string, { x: (number | number[])[]; values: number[] }>;
  likelihood: string;
  parameter_point: string;
}

/** Cases we cannot evaluate yet, with the reason (each is listed as a skipped test). */
const UNSUPPORTED: Record<string, string> = {};

const CASES = hasReference
  ? readdirSync(ref(DIR)).filter((f) => f.endsWith('.hs3.json')).map((f) => f.slice(0, -'.hs3.json'.length)).sort()
  : [];

function close(actual: number, expected: number, rtol = RTOL): void {
  const err = Math.abs(actual - expected);
  if (!(err <= rtol * Math.abs(expected) || (expected === 0 && actual === 0))) {
    expect.fail(`got ${actual}, expected ${expected} (relative error ${err / Math.abs(expected)} > ${rtol})`);
  }
}

describeReference('HS3 evaluator: reference evaluation cases', () => {
  it('finds the cases', () => expect(CASES.length).toBeGreaterThanOrEqual(16));

  for (const [name, reason] of Object.entries(UNSUPPORTED)) {
    it.skip(`${name}: unsupported (${reason})`, () => {});
  }

  describe.each(CASES.filter((c) => !(c in UNSUPPORTED)))('%s', (name) => {
    const doc = refJson<Record<string, unknown>>(DIR, `${name}.hs3.json`);
    const exp = refJson<Expected>(DIR, `${name}.expected.json`);
    const ev = createHs3Evaluator(doc, { parameterPoint: exp.parameter_point });

    it('twice_nll', () => close(ev.twiceNll(exp.likelihood), exp.twice_nll));

    for (const [dist, grid] of Object.entries(exp.pdf)) {
      it(`pdf of ${dist} on the grid`, () => {
        grid.x.forEach((x, i) => close(ev.pdf(dist, x), grid.values[i]!));
      });
      if (exp.normalization !== undefined) {
        it(`normalization of ${dist}`, () => {
          const d = ev.distribution(dist);
          expect(d.normalization).toBeDefined();
          close(d.normalization!, exp.normalization!);
        });
      }
    }
  });
});

describeReference('HS3 evaluator: closed forms agree with quadrature', () => {
  it.each(CASES.filter((c) => !(c in UNSUPPORTED)))('%s', (name) => {
    const doc = refJson<{ distributions: { name: string }[] }>(DIR, `${name}.hs3.json`);
    const ev = createHs3Evaluator(doc);
    for (const { name: dn } of doc.distributions) {
      const d = ev.distribution(dn);
      if (d.observables.length !== 1 || d.normalization === undefined) continue;
      const axes = (doc as unknown as { data: { axes: { name: string; min: number; max: number }[] }[] }).data.flatMap((ds) => ds.axes);
      const axis = axes.find((a) => a.name === d.observables[0])!;
      // ∫ normalised pdf over the domain is 1, whatever way the normalisation was computed.
      const q = integrate((x) => ev.pdf(dn, x), axis.min, axis.max, { relTol: 1e-11 });
      expect(q.converged).toBe(true);
      close(q.value, 1, 1e-9);
    }
  });
});

describe('HS3 evaluator: errors and quadrature', () => {
  const doc = (dist: Record<string, unknown>) => ({
    distributions: [dist],
    data: [{ name: 'd', type: 'unbinned', axes: [{ name: 'x', min: 0, max: 1 }], entries: [[0.5]] }],
    likelihoods: [{ name: 'L', distributions: [dist.name], data: ['d'] }],
    parameter_points: [{ name: 'default', parameters: [{ name: 'c', value: 2 }] }],
  });

  it('unknown type → UNSUPPORTED_OPERATION naming the type and path', () => {
    const ev = createHs3Evaluator(doc({ name: 'w', type: 'weird_dist', x: 'x' }));
    let err: unknown;
    try {
      ev.twiceNll('L');
    } catch (e) {
      err = e;
    }
    expect(isHistSerialError(err, 'UNSUPPORTED_OPERATION')).toBe(true);
    expect((err as { path: string }).path).toBe('/distributions/0/type');
    expect((err as Error).message).toContain('"weird_dist"');
    expect((err as Error).message).toContain('/distributions/0/type');
  });

  it('unknown parameter → UNKNOWN_PARAMETER with its path', () => {
    const ev = createHs3Evaluator(doc({ name: 'e', type: 'exponential_dist', x: 'x', c: 'nope' }));
    expect(() => ev.pdf('e', 0.5)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PARAMETER', path: '/distributions/0/c' }));
  });

  it('inline numbers and names both work', () => {
    const byName = createHs3Evaluator(doc({ name: 'e', type: 'exponential_dist', x: 'x', c: 'c' }));
    const inline = createHs3Evaluator(doc({ name: 'e', type: 'exponential_dist', x: 'x', c: 2 }));
    expect(byName.pdf('e', 0.3)).toBe(inline.pdf('e', 0.3));
    close(inline.pdf('e', 0.3), (2 * Math.exp(-0.6)) / (1 - Math.exp(-2)));
  });

  it('argus with slope ≥ 0 (no closed form here) falls back to quadrature and joins the closed form at 0', () => {
    const argus = (c: number) =>
      createHs3Evaluator({
        ...doc({ name: 'a', type: 'argus_dist', mass: 'x', resonance: 1, slope: c, power: 0.5 }),
      }).distribution('a');
    const closed = argus(-1e-10);
    const quad = argus(1e-10);
    expect(closed.normalizationMethod).toBe('closed-form');
    expect(quad.normalizationMethod).toBe('quadrature');
    // ∫₀¹ m √(1 − m²) dm = 1/3
    close(closed.normalization!, 1 / 3, 1e-9);
    close(quad.normalization!, 1 / 3, 1e-9);
  });

  it('lists its supported types', () => {
    expect(SUPPORTED_TYPES).toEqual(expect.arrayContaining(['gaussian_dist', 'mixture_dist', 'relativistic_breit_wigner_dist']));
  });

  it('G7-K15 integrates known integrals to its tolerance', () => {
    close(integrate(Math.sin, 0, Math.PI).value, 2, 1e-12);
    close(integrate((x) => 1 / (1 + x * x), -100, 100).value, 2 * Math.atan(100), 1e-12);
    close(integrate(Math.sqrt, 0, 1).value, 2 / 3, 1e-11);
  });
});
