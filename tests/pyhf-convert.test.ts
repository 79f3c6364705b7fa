/**
 * pyhf ⇄ HS3: the shared pyhf/ROOT pairs (our pyhf → HS3 against ROOT's HS3, ROOT's HS3 → pyhf
 * against the pyhf twin), exact pyhf → HS3 → pyhf round trips of every reference workspace, the
 * built CLI, and an independent check of every produced workspace by Python's jsonschema against
 * pyhf's own schema.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHS3, checkPyhf, hs3ToPyhf, isHistSerialError, pyhfToHS3, type HS3, type Pyhf } from '../src/index.js';
import { runBuiltCli } from './helpers/cli.js';
import { mutateJson, seededRandom } from './helpers/mutate.js';
import { requirePython } from './helpers/python.js';
import { PROJECT_DIR, describeReference, hasReference, ref, refJson } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

type Json = Record<string, any>;
const dir = tempDir('hist-serial-pyhf-convert-');

function workspaceFiles(): string[] {
  if (!hasReference) return [];
  return ['pyhf/examples/workspaces', 'pyhf/examples/hs3-pairs'].flatMap((d) => readdirSync(ref(d)).filter((f) => f.endsWith('.json')).sort().map((f) => `${d}/${f}`));
}

const PAIRS = ['uncorrelated', 'correlated'].map((k) => ({
  pyhf: `pyhf/examples/hs3-pairs/simplemodel_${k}-background_hifa.json`,
  hs3: `hs3/examples/root-export/simplemodel_${k}-background_hs3.json`,
}));

const byName = (a: { name?: string }, b: { name?: string }) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0);

/** A HistFactory channel without ROOT's additions (the constant Lumi normfactor, sample errors), samples sorted. */
function channelContent(dist: Json): Json {
  const d = structuredClone(dist);
  for (const s of d.samples) {
    s.modifiers = s.modifiers.filter((m: Json) => m.parameter !== 'Lumi');
    delete s.data.errors;
  }
  d.samples.sort(byName);
  return d;
}

/** A workspace with samples sorted and measurement names blanked (ROOT keeps neither). */
function workspaceContent(ws: Json): Json {
  const w = structuredClone(ws);
  for (const c of w.channels) c.samples.sort(byName);
  for (const m of w.measurements) m.name = '';
  return w;
}


describeReference("the pyhf/ROOT pairs: hist-serial's mapping is ROOT's", () => {
  it.each(PAIRS)('pyhf → HS3 of $pyhf has the channels, samples, modifiers, data and POIs of ROOT’s $hs3', ({ pyhf, hs3 }) => {
    const root = refJson<HS3.HS3Document>(hs3);
    const { result: ours, warnings } = pyhfToHS3(refJson(pyhf));
    expect(warnings).toEqual([]);
    expect(checkHS3(ours)).toEqual([]);
    // distributions: ROOT's HistFactory channels are ours, once ROOT's Lumi and sample errors are set aside
    const rootChannels = root.distributions!.filter((d) => d.type === 'histfactory_dist').map(channelContent);
    const ourChannels = ours.distributions!.filter((d) => d.type === 'histfactory_dist').map(channelContent);
    expect(ourChannels).toEqual(rootChannels);
    expect(ours.distributions!.map((d) => d.type)).toEqual(['histfactory_dist']);
    // observed data and the likelihood pairing it with the channel
    const rootObs = root.likelihoods!.find((l) => l.name === 'simPdf_obsData')!;
    expect(ours.likelihoods).toEqual([rootObs]);
    expect(ours.data).toEqual(root.data!.filter((d) => rootObs.data.includes(d.name)));
    // parameters of interest of the analysis on observed data
    const rootAnalysis = root.analyses!.find((a) => a.likelihood === rootObs.name)!;
    expect(ours.analyses!.map((a) => a.parameters_of_interest)).toEqual([rootAnalysis.parameters_of_interest]);
  });

  it.each(PAIRS)('HS3 → pyhf of ROOT’s $hs3 is the workspace $pyhf (up to sample order and the measurement name)', ({ pyhf, hs3 }) => {
    const { result, warnings } = hs3ToPyhf(refJson(hs3));
    expect(checkPyhf(result)).toEqual([]);
    expect(workspaceContent(result)).toEqual(workspaceContent(refJson(pyhf)));
    expect(result.measurements.map((m) => m.name)).toEqual(['simPdf_obsData']);
    // the Asimov analysis is the only thing left behind, and it is reported
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['EXTRAS_DROPPED', '/analyses']]);
    expect(warnings[0]!.message).toContain('simPdf_asimovData');
  });

  it('--analysis picks another analysis: the Asimov data become the observations', () => {
    const { result } = hs3ToPyhf(refJson(PAIRS[0]!.hs3), { analysis: 'simPdf_asimovData' });
    expect(result.observations).toEqual([{ name: 'singlechannel', data: [62, 63] }]);
    let code: string | undefined;
    try {
      hs3ToPyhf(refJson(PAIRS[0]!.hs3), { analysis: 'nope' });
    } catch (err) {
      code = isHistSerialError(err) ? err.code : 'other';
    }
    expect(code).toBe('NOT_FOUND');
  });
});

const ROUND_TRIP_WARNINGS: Record<string, string[][]> = {
  // pyhf ignores the configuration "alpha_syst1" (the modifier is "syst1"): HS3 gets no such parameter, misc keeps it
  'pyhf/examples/workspaces/example_bkgonly.json': [0, 1, 2, 3].map((k) => ['EXTRAS_DROPPED', `/measurements/${k}/config/parameters/2/name`]),
};

describeReference('pyhf → HS3 → pyhf', () => {
  it.each(workspaceFiles())('%s comes back identical; the HS3 is valid without warnings; the input is not mutated', (file) => {
    const ws = refJson<Pyhf.PyhfWorkspace>(file);
    const before = structuredClone(ws);
    const there = pyhfToHS3(ws);
    expect(there.warnings.map((w) => [w.code, w.path])).toEqual(ROUND_TRIP_WARNINGS[file] ?? []);
    expect(checkHS3(there.result)).toEqual([]);
    const back = hs3ToPyhf(there.result);
    expect(back.warnings).toEqual([]);
    expect(back.result).toEqual(ws);
    expect(ws).toEqual(before);
  });

  it('example_bkgonly: lumi becomes a constrained normfactor, staterror the sample errors, measurements analyses', () => {
    const { result } = pyhfToHS3(refJson('pyhf/examples/workspaces/example_bkgonly.json'));
    const channel = result.distributions![0] as HS3.HistFactoryDist;
    expect(channel.samples[1]).toEqual({
      name: 'background1',
      data: { contents: [100, 0], errors: [5.000000074505806, 0] },
      modifiers: [
        { name: 'lumi', type: 'normfactor', parameter: 'lumi', constraint_name: 'lumiConstraint' },
        { name: 'staterror_channel1', type: 'staterror', parameters: ['staterror_channel1_0', 'staterror_channel1_1'], constraint: 'Gauss' },
        { name: 'syst2', type: 'normsys', parameter: 'alpha_syst2', constraint: 'Gauss', data: { hi: 1.05, lo: 0.95 } },
      ],
    });
    expect(result.distributions![1]).toEqual({ name: 'lumiConstraint', type: 'gaussian_dist', x: 'nom_lumi', mean: 'lumi', sigma: 0.1 });
    expect(result.analyses!.map((a) => a.name)).toEqual(['GaussExample', 'GammaExample', 'LogNormExample', 'ConstExample']);
    expect(result.analyses![0]).toEqual({
      name: 'GaussExample',
      likelihood: 'simPdf_obsData',
      parameters_of_interest: ['SigXsecOverSM'],
      domain: 'GaussExample_domain',
      domains: ['GaussExample_domain'],
      init: 'GaussExample_init',
    });
    const point = result.parameter_points![0]!.parameters;
    expect(point.find((p) => p.name === 'lumi')).toEqual({ name: 'lumi', value: 1, const: true });
    expect(point.find((p) => p.name === 'nom_lumi')).toEqual({ name: 'nom_lumi', value: 1, const: true });
    expect(result.domains![0]!.axes.find((a) => a.name === 'SigXsecOverSM')).toEqual({ name: 'SigXsecOverSM', min: 0, max: 3 });
  });
});

/** ROOT-style: Lumi constrained by a Gaussian, a staterror without errors, 2-d axes, a LogNormal normsys. */
const doc = (): Json => ({
  metadata: { hs3_version: '0.2' },
  distributions: [
    {
      name: 'model_SR',
      type: 'histfactory_dist',
      axes: [
        { name: 'x', min: 0, max: 2, nbins: 2 },
        { name: 'y', min: 0, max: 1, edges: [0, 0.5, 1] },
      ],
      samples: [
        {
          name: 'bkg',
          data: { contents: [10, 20, 30, 40] },
          modifiers: [
            { name: 'Lumi', type: 'normfactor', parameter: 'Lumi', constraint_name: 'lumiConstraint' },
            { name: 'staterror', type: 'staterror', parameters: ['gamma_stat_SR_bin_0', 'gamma_stat_SR_bin_1', 'gamma_stat_SR_bin_2', 'gamma_stat_SR_bin_3'], constraint: 'Poisson' },
            { name: 'xsec', type: 'normsys', parameter: 'alpha_xsec', constraint: 'LogNormal', data: { hi: 1.1, lo: 0.9 } },
          ],
        },
      ],
    },
    { name: 'lumiConstraint', type: 'gaussian_dist', x: 'nominalLumi', mean: 'Lumi', sigma: 0.02 },
  ],
  data: [{ name: 'obsData_SR', type: 'binned', axes: [{ name: 'x', min: 0, max: 2, nbins: 2 }, { name: 'y', min: 0, max: 1, edges: [0, 0.5, 1] }], contents: [11, 19, 31, 42] }],
  likelihoods: [{ name: 'L', distributions: ['model_SR'], data: ['obsData_SR'] }],
  domains: [
    {
      name: 'D',
      type: 'product_domain',
      axes: [
        { name: 'Lumi', min: 0.8, max: 1.2 },
        { name: 'alpha_xsec', min: -5, max: 5 },
        ...[0, 1, 2, 3].map((i) => ({ name: `gamma_stat_SR_bin_${i}`, min: 0, max: 5 })),
      ],
    },
  ],
  parameter_points: [{ name: 'P', parameters: [{ name: 'nominalLumi', value: 1, const: true }, { name: 'Lumi', value: 1 }] }],
  analyses: [{ name: 'A', likelihood: 'L', domain: 'D', init: 'P' }],
});

describe('HS3 → pyhf rules', () => {
  it('maps ROOT conventions to pyhf and reports every approximation', () => {
    const input = doc();
    expect(checkHS3(input)).toEqual([]);
    const { result, warnings } = hs3ToPyhf(input);
    expect(result).toEqual({
      channels: [
        {
          name: 'SR',
          samples: [
            {
              name: 'bkg',
              data: [10, 20, 30, 40],
              modifiers: [
                { name: 'lumi', type: 'lumi', data: null },
                { name: 'stat_SR', type: 'staterror', data: [Math.sqrt(10), Math.sqrt(20), Math.sqrt(30), Math.sqrt(40)] },
                { name: 'xsec', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
              ],
            },
          ],
        },
      ],
      measurements: [
        {
          name: 'A',
          config: {
            poi: '',
            parameters: [
              { name: 'lumi', auxdata: [1], sigmas: [0.02], inits: [1], bounds: [[0.8, 1.2]] },
              { name: 'stat_SR', bounds: [[0, 5], [0, 5], [0, 5], [0, 5]] },
            ],
          },
        },
      ],
      observations: [{ name: 'SR', data: [11, 19, 31, 42] }],
      version: '1.0.0',
    });
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['EXTRAS_DROPPED', '/distributions/0/axes'],
      ['NONSTANDARD', '/distributions/0/samples/0/data'],
      ['EXTRAS_DROPPED', '/distributions/0/samples/0/modifiers/1'],
      ['EXTRAS_DROPPED', '/distributions/0/samples/0/modifiers/2'],
    ]);
  });

  it('refuses what a pyhf workspace cannot hold: non-HistFactory distributions, unbinned data', () => {
    const code = (input: unknown) => {
      try {
        hs3ToPyhf(input);
      } catch (err) {
        return isHistSerialError(err) ? [err.code, err.path] : ['other'];
      }
      return ['none'];
    };
    const gauss = doc();
    gauss.distributions.push({ name: 'g', type: 'gaussian_dist', x: 'x', mean: 0, sigma: 1 });
    gauss.data.push({ name: 'u', type: 'unbinned', axes: [{ name: 'x', min: -1, max: 1 }], entries: [[0]] });
    gauss.likelihoods[0].distributions.push('g');
    gauss.likelihoods[0].data.push('u');
    expect(code(gauss)).toEqual(['UNSUPPORTED_OPERATION', '/likelihoods/0/distributions/1']);
    const unbinned = doc();
    unbinned.likelihoods[0].data[0] = 'u';
    unbinned.data.push({ name: 'u', type: 'unbinned', axes: [{ name: 'x', min: -1, max: 1 }], entries: [[0]] });
    expect(code(unbinned)).toEqual(['UNSUPPORTED_OPERATION', '/likelihoods/0/data/0']);
    const invalid = doc();
    invalid.likelihoods[0].data[0] = 'missing';
    expect(code(invalid)).toEqual(['DANGLING_REFERENCE', '/likelihoods/0/data/0']);
  });
});

describeReference('convert with the built CLI', () => {
  it('pyhf → HS3 → pyhf gives back the file; hs3 files refuse other targets', () => {
    const input = ref('pyhf/examples/workspaces/example_bkgonly.json');
    const hs3 = join(dir, 'bkgonly.hs3.json');
    const back = join(dir, 'bkgonly.back.json');
    const a = runBuiltCli(['convert', input, hs3, '--to', 'hs3']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain('(pyhf) -> ');
    expect(a.stderr).toContain('warning [EXTRAS_DROPPED]');
    expect(runBuiltCli(['validate', '--strict', hs3]).code).toBe(0);
    const b = runBuiltCli(['convert', hs3, back, '--to', 'pyhf']);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(readFileSync(back, 'utf8'))).toEqual(JSON.parse(readFileSync(input, 'utf8')));
    const c = runBuiltCli(['convert', ref(PAIRS[1]!.hs3), join(dir, 'root.pyhf.json'), '--to', 'pyhf', '--analysis', 'simPdf_obsData']);
    expect(c.code, c.stderr).toBe(0);
    const d = runBuiltCli(['convert', hs3, join(dir, 'x.zip')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('INVALID_ARGUMENT');
    const e = runBuiltCli(['convert', ref('pyhf/examples/workspaces/2-bin_1-channel.json').replace('2-bin_1-channel.json', 'poiless.json'), join(dir, 'p.hs3.json'), '--to', 'hs3', '--quiet']);
    expect([e.code, e.stdout]).toEqual([0, '']);
  });
});

describeReference('produced workspaces read by Python (jsonschema, pyhf’s own schema)', () => {
  it('every workspace hist-serial wrote is valid for pyhf; a broken one is not', () => {
    const python = requirePython(['jsonschema']);
    if (!python) return;
    // what hs3ToPyhf writes: from every round trip, from ROOT's HS3 twins, from a ROOT-style document
    const produced: string[] = [];
    const write = (name: string, ws: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(ws));
      produced.push(file);
    };
    for (const f of workspaceFiles()) write(`roundtrip-${f.split('/').pop()}`, hs3ToPyhf(pyhfToHS3(refJson(f)).result).result);
    for (const { hs3 } of PAIRS) write(`root-${hs3.split('/').pop()}`, hs3ToPyhf(refJson(hs3)).result);
    write('rules.json', hs3ToPyhf(doc()).result);
    const broken = join(dir, 'broken.json');
    const b = JSON.parse(readFileSync(produced[0]!, 'utf8')) as Json;
    b.channels[0].samples[0].modifiers.push({ name: 'x', type: 'normfactor', data: [1] });
    writeFileSync(broken, JSON.stringify(b));
    const r = spawnSync(python, [join(PROJECT_DIR, 'tests/python/check_pyhf_workspaces.py'), ref('pyhf/schemas/1.0.0/defs.json'), ...produced, broken], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, string[]>;
    for (const f of produced) expect(report[f], f).toEqual([]);
    expect(report[broken]!.length).toBeGreaterThan(0);
  });
});

describeReference('robustness of the pyhf checks and conversions', () => {
  it('mutated workspaces and HS3 documents are checked without throwing; conversions succeed or throw a HistSerialError', () => {
    const random = seededRandom(7);
    const attempt = (fn: () => unknown, what: string) => {
      try {
        fn();
      } catch (err) {
        expect(isHistSerialError(err), `${what}: ${String(err)}`).toBe(true);
      }
    };
    for (const file of [...workspaceFiles(), ...PAIRS.map((p) => p.hs3)]) {
      for (let k = 0; k < 60; k++) {
        const doc = refJson<Json>(file);
        mutateJson(doc, random);
        mutateJson(doc, random);
        if (file.startsWith('pyhf/')) {
          expect(() => checkPyhf(doc)).not.toThrow();
          attempt(() => hs3ToPyhf(pyhfToHS3(doc).result), `${file} #${k}`);
        } else {
          expect(() => checkHS3(doc)).not.toThrow();
          attempt(() => hs3ToPyhf(doc), `${file} #${k}`);
        }
      }
    }
  });
});
