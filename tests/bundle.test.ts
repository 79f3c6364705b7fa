/**
 * Benchmark bundles: `fit hist … -o bundle.hsb` writes one native container with the dataset (the
 * histogram), its HS3 model (src/fit/hist/hs3.ts) and the reference fit result. The HS3 runtime gives
 * the histogram fit's −2 ln L from the bundle alone, `hist-serial fit bundle.hsb` re-fits it, and
 * `fit compare` passes against the stored reference (and fails against a shifted one); the bundle
 * survives conversion .hsb → .hsj → .hsb unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHs3Likelihood } from '../src/model/hs3/eval/index.js';
import { fitBinnedData, histFitToHs3, type HistFitResult } from '../src/fit/hist/index.js';
import { readDocument, writeDocument } from '../src/io/files.js';
import { createDocument } from '../src/model/histogram.js';
import type { FitResult } from '../src/fit-result/types.js';
import { runBuiltCli } from './helpers/cli.js';
import { histogramOf, rhoOmega } from './helpers/toys.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('hist-serial-bundle-');
const CONSTRAIN = 'bwint.resolution=0.008,0.0005';
/**
 * Two implementations of one likelihood (the histogram fit's analytic gradients, the HS3 runtime's
 * value differences) agree on values within 1% of σ and on errors and covariances within 0.2%.
 */
const TOLERANCE = ['--sigma', '0.01', '--rtol', '2e-3'];
const pipi = rhoOmega(1, 100_000);

describe('a benchmark bundle of two interfering Breit-Wigners with a constrained resolution', () => {
  const source = join(dir, 'pipi.json');
  const bundle = join(dir, 'bundle.hsb');
  beforeAll(async () => {
    await writeDocument(source, createDocument({ pipi: histogramOf(pipi, { name: 'pipi' }, { name: 'm', label: 'm(ππ) [GeV]' }) }));
    const r = runBuiltCli(['fit', 'hist', source, '--model', 'bwint*gauss', '--constrain', CONSTRAIN, '-o', bundle]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('holds the histogram bit for bit, the HS3 model and the reference fit result; validate exits 0', async () => {
    const doc = await readDocument(bundle);
    const h = doc.histograms.get('pipi')!;
    expect(Array.from(h.storage.arrays.values!.data as Float64Array)).toEqual(Array.from(pipi.values));
    const hs3 = doc.extras?.hs3 as { distributions: { name: string; type: string }[]; data: { contents: number[] }[]; analyses: { name: string }[] };
    expect(hs3.distributions.map((d) => [d.name, d.type])).toEqual([
      ['bwint_shape', 'hist_serial.lineshape_dist'],
      ['model', 'mixture_dist'],
      ['bwint.resolution_constraint', 'gaussian_dist'],
    ]);
    expect(hs3.data[0]!.contents).toEqual(Array.from(pipi.values));
    expect(hs3.analyses.map((a) => a.name)).toEqual(['fit']);
    const results = doc.extras?.fit_results as Record<string, FitResult>;
    expect(Object.keys(results)).toEqual(['pipi']);
    expect(results.pipi!.parameters!.map((p) => p.name)).toEqual(['bwint.mass1', 'bwint.width1', 'bwint.mass2', 'bwint.width2', 'bwint.r', 'bwint.phi', 'bwint.resolution', 'bwint.yield']);
    const v = runBuiltCli(['validate', bundle]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('the HS3 runtime gives the histogram fit\'s −2 ln L at its best fit and start (1e-10 relative)', () => {
    const constraints = { 'bwint.resolution': { mean: 0.008, sigma: 0.0005 } };
    const fit: HistFitResult = fitBinnedData(pipi, 'bwint*gauss', { constraints });
    const hs3 = histFitToHs3(fit, { observable: 'm', data: 'pipi' });
    const best = createHs3Likelihood(hs3, { parameterPoint: 'best_fit' });
    expect(best.names).toEqual(fit.parameters.map((p) => p.name));
    expect(Math.abs(best.value(best.init) - fit.twiceNll!) / Math.abs(fit.twiceNll!)).toBeLessThan(1e-10);
    // the same function elsewhere too: at the starting values
    const start = createHs3Likelihood(hs3);
    expect(start.parameterPoint).toBe('init');
    const x = Float64Array.from(fit.parameters, (p) => p.initial);
    expect(start.init).toEqual(x);
    // bounds: the histogram fit's
    fit.parameters.forEach((p, i) => expect([start.lower[i], start.upper[i]]).toEqual([p.lower, p.upper]));
  });

  it('re-fits from the bundle alone and fit compare passes against the reference; a shifted reference fails', () => {
    const refit = join(dir, 'refit.json');
    const r = runBuiltCli(['fit', bundle, '-o', refit, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { converged: boolean }).converged).toBe(true);
    const same = runBuiltCli(['fit', 'compare', refit, bundle, ...TOLERANCE]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    // a reference whose resonance mass moved by 1σ is a different result
    const ref = JSON.parse(readFileSync(refit, 'utf8')) as FitResult;
    const p = ref.parameters!.find((q) => q.name === 'bwint.mass2')!;
    p.value += p.error!;
    const shifted = join(dir, 'shifted.json');
    writeFileSync(shifted, JSON.stringify(ref));
    const diff = runBuiltCli(['fit', 'compare', shifted, bundle, ...TOLERANCE, '--format', 'json']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('bwint.mass2');
  });

  it('round-trips through .hsj and back to .hsb with the model and result unchanged', async () => {
    const hsj = join(dir, 'bundle.hsj');
    const back = join(dir, 'back.hsb');
    expect(runBuiltCli(['convert', bundle, hsj]).code).toBe(0);
    expect(runBuiltCli(['convert', hsj, back]).code).toBe(0);
    const a = await readDocument(bundle);
    const b = await readDocument(back);
    expect(b.extras).toEqual(a.extras);
    expect(Array.from(b.histograms.get('pipi')!.storage.arrays.values!.data as Float64Array)).toEqual(Array.from(pipi.values));
    const again = runBuiltCli(['fit', 'compare', bundle, back]);
    expect(again.code, again.stdout).toBe(0);
  });
});
