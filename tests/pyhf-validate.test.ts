/**
 * pyhf workspace validation: our schema agrees with pyhf's own (draft-06, run by ajv) on the corpus
 * and on broken variants; every reference workspace is valid (warnings listed); a broken variant of
 * each fails through the built CLI; one test per semantic rule.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPyhf, detectKind, getSchema, validateSchema, type ErrorCode, type Issue } from '../src/index.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { PROJECT_DIR, describeReference, hasReference, ref, refJson } from './helpers/reference.js';
import { tempDir } from './helpers/tmp.js';

type Json = Record<string, any>;
const pairs = (issues: readonly Issue[], severity: Issue['severity']) => issues.filter((i) => i.severity === severity).map((i) => [i.code, i.path]);

/** The pyhf workspaces of the reference corpus (patchsets and CLs results are not workspaces). */
function workspaceFiles(): string[] {
  if (!hasReference) return [];
  return ['pyhf/examples/workspaces', 'pyhf/examples/hs3-pairs'].flatMap((dir) => readdirSync(ref(dir)).filter((f) => f.endsWith('.json')).sort().map((f) => `${dir}/${f}`));
}

const EXPECTED_WARNINGS: Record<string, string[][]> = {
  // pyhf's XML import kept ParamSetting "alpha_syst1" although the modifier is "syst1"; pyhf ignores it
  'pyhf/examples/workspaces/example_bkgonly.json': [0, 1, 2, 3].map((k) => ['DANGLING_REFERENCE', `/measurements/${k}/config/parameters/2/name`]),
};

/** pyhf's own schema, draft-06, compiled by ajv (defs.json registered under its $id, as pyhf's loader does). */
function pyhfSchemaValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const draft6 = JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-06.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(draft6);
  const defs = refJson<Json>('pyhf/schemas/1.0.0/defs.json');
  ajv.addSchema(defs);
  return ajv.getSchema(`${defs.$id}#/definitions/workspace`)!;
}

describe('schema/pyhf/1.0.0/workspace.schema.json', () => {
  it('is a valid draft 2020-12 schema and is the embedded one', () => {
    const onDisk = JSON.parse(readFileSync(join(PROJECT_DIR, 'schema/pyhf/1.0.0/workspace.schema.json'), 'utf8'));
    expect(getSchema('pyhf')).toEqual(onDisk);
    const ajv = new Ajv2020({ strict: true, discriminator: true });
    expect(ajv.validateSchema(onDisk), JSON.stringify(ajv.errors)).toBe(true);
  });
});

/** Variants that only a schema can reject (or accept), to compare the two schemas. */
const SCHEMA_MUTATIONS: [string, (ws: Json) => void][] = [
  ['no version', (ws) => delete ws.version],
  ['version 2.0.0', (ws) => (ws.version = '2.0.0')],
  ['an extra top-level key', (ws) => (ws.extra = 1)],
  ['no channels', (ws) => (ws.channels = [])],
  ['a sample without modifiers', (ws) => delete ws.channels[0].samples[0].modifiers],
  ['an unknown modifier type', (ws) => ws.channels[0].samples[0].modifiers.push({ name: 'x', type: 'weird', data: null })],
  ['a normfactor with data', (ws) => ws.channels[0].samples[0].modifiers.push({ name: 'x', type: 'normfactor', data: [1] })],
  ['a lumi modifier not named lumi', (ws) => ws.channels[0].samples[0].modifiers.push({ name: 'L', type: 'lumi', data: null })],
  ['a normsys without lo', (ws) => ws.channels[0].samples[0].modifiers.push({ name: 'x', type: 'normsys', data: { hi: 1.1 } })],
  ['a histosys with an extra key', (ws) => ws.channels[0].samples[0].modifiers.push({ name: 'x', type: 'histosys', data: { hi_data: [1], lo_data: [1], nom: [1] } })],
  ['a string in sample data', (ws) => (ws.channels[0].samples[0].data[0] = '1')],
  ['an empty observation', (ws) => (ws.observations[0].data = [])],
  ['a measurement without parameters', (ws) => delete ws.measurements[0].config.parameters],
  ['a bound of three numbers (accepted by both: pyhf misplaces maxItems)', (ws) => ws.measurements[0].config.parameters.push({ name: 'x', bounds: [[0, 1, 2]] })],
  ['a parameter with an unknown key', (ws) => ws.measurements[0].config.parameters.push({ name: 'x', step: 0.1 })],
  ['fixed as a string', (ws) => ws.measurements[0].config.parameters.push({ name: 'x', fixed: 'yes' })],
];

describeReference('pyhf workspaces of the reference corpus', () => {
  it.each(workspaceFiles())('%s is a pyhf workspace, valid, with exactly the listed warnings', (file) => {
    const json = refJson(file);
    expect(detectKind(json)).toBe('pyhf');
    const issues = checkPyhf(json);
    expect(pairs(issues, 'error')).toEqual([]);
    expect(pairs(issues, 'warning')).toEqual(EXPECTED_WARNINGS[file] ?? []);
  });

  it('our schema and pyhf’s own accept and refuse the same documents', () => {
    const pyhf = pyhfSchemaValidator();
    let refused = 0;
    for (const file of workspaceFiles()) {
      expect(pyhf(refJson(file)), file).toBe(true);
      for (const [what, mutate] of SCHEMA_MUTATIONS) {
        const ws = refJson<Json>(file);
        mutate(ws);
        const theirs = pyhf(ws);
        expect(validateSchema('pyhf', ws).length === 0, `${file}: ${what}`).toBe(theirs);
        if (!theirs) refused++;
      }
    }
    expect(refused).toBe(workspaceFiles().length * (SCHEMA_MUTATIONS.length - 1));
  });

  it.each(['patchsets/example_patchset.json', 'results/hypotest_results.json', 'results/tail_probs_hypotest_results.json'])('%s is not a workspace', (file) => {
    const json = refJson(`pyhf/examples/${file}`);
    expect(detectKind(json)).toBeUndefined();
    expect(pyhfSchemaValidator()(json)).toBe(false);
  });
});

// ------------------------------------------------------------------------- broken variants, by the CLI

function breakWorkspace(ws: Json, kind: 'missing key' | 'dangling reference' | 'bin-count mismatch' | 'duplicate name'): { code: ErrorCode; path: string } {
  const c = ws.channels[0];
  switch (kind) {
    case 'missing key':
      delete ws.version;
      return { code: 'SCHEMA', path: '' };
    case 'dangling reference':
      ws.measurements[0].config.poi = 'no_such_parameter';
      return { code: 'DANGLING_REFERENCE', path: '/measurements/0/config/poi' };
    case 'bin-count mismatch': {
      if (c.samples.length > 1) {
        c.samples[c.samples.length - 1].data.push(1);
        return { code: 'BIN_COUNT_MISMATCH', path: `/channels/0/samples/${c.samples.length - 1}/data` };
      }
      const k = ws.observations.findIndex((o: Json) => o.name === c.name);
      ws.observations[k].data.push(1);
      return { code: 'BIN_COUNT_MISMATCH', path: `/observations/${k}/data` };
    }
    case 'duplicate name':
      if (c.samples.length > 1) {
        c.samples[1].name = c.samples[0].name;
        return { code: 'DUPLICATE_NAME', path: '/channels/0/samples/1/name' };
      }
      ws.measurements.push(structuredClone(ws.measurements[0]));
      return { code: 'DUPLICATE_NAME', path: `/measurements/${ws.measurements.length - 1}/name` };
  }
}

describeReference('broken pyhf workspaces', () => {
  const dir = tempDir('hist-serial-pyhf-');
  const variants: { file: string; kind: string; code: ErrorCode; path: string }[] = [];

  beforeAll(() => {
    for (const file of workspaceFiles()) {
      for (const kind of ['missing key', 'dangling reference', 'bin-count mismatch', 'duplicate name'] as const) {
        const ws = refJson<Json>(file);
        const expected = breakWorkspace(ws, kind);
        const out = join(dir, `${file.split('/').pop()!.replace(/\.json$/, '')}.${kind.replace(/ /g, '-')}.json`);
        writeFileSync(out, JSON.stringify(ws));
        variants.push({ file: out, kind, ...expected });
      }
    }
  });

  it('each breakage is an error at the defect (library)', () => {
    expect(variants).toHaveLength(workspaceFiles().length * 4);
    for (const v of variants) expect(pairs(checkPyhf(JSON.parse(readFileSync(v.file, 'utf8'))), 'error'), v.file).toContainEqual([v.code, v.path]);
  });

  it('the built CLI exits 1 and reports the code and path of each', () => {
    if (!existsSync(CLI)) throw new Error(`built CLI missing at ${CLI}: run npm run build`);
    const r = runBuiltCli(['validate', '--format', 'json', ...variants.map((v) => v.file)]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { file: string; valid: boolean; kind?: string; errors: { code: string; path: string }[] }[];
    report.forEach((entry, i) => {
      const v = variants[i]!;
      expect(entry.file).toBe(v.file);
      expect(entry.valid).toBe(false);
      expect(entry.kind).toBe('pyhf');
      expect(entry.errors.map((e) => [e.code, e.path]), `${v.kind}: ${v.file}`).toContainEqual([v.code, v.path]);
    });
  });

  it('the built CLI accepts the corpus (exit 0) and refuses patchsets and results (exit 1)', () => {
    const ok = runBuiltCli(['validate', ...workspaceFiles().map((f) => ref(f))]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('valid (pyhf)');
    expect(runBuiltCli(['validate', ref('pyhf/examples/patchsets/example_patchset.json')]).code).toBe(1);
  });
});

// ------------------------------------------------------------------------- one test per rule

/** A small valid workspace, built here. */
function workspace(): Json {
  return {
    channels: [
      {
        name: 'SR',
        samples: [
          { name: 'signal', data: [5, 6], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
          {
            name: 'bkg',
            data: [50, 60],
            modifiers: [
              { name: 'jes', type: 'histosys', data: { hi_data: [55, 66], lo_data: [45, 54] } },
              { name: 'jes', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
              { name: 'stat_SR', type: 'staterror', data: [5, 6] },
              { name: 'unc', type: 'shapesys', data: [3, 4] },
            ],
          },
        ],
      },
      { name: 'CR', samples: [{ name: 'bkg', data: [100], modifiers: [{ name: 'jes', type: 'normsys', data: { hi: 1.2, lo: 0.8 } }] }] },
    ],
    observations: [
      { name: 'SR', data: [52, 66] },
      { name: 'CR', data: [101] },
    ],
    measurements: [{ name: 'meas', config: { poi: 'mu', parameters: [{ name: 'mu', bounds: [[0, 5]], inits: [1] }] } }],
    version: '1.0.0',
  };
}

function expectIssue(ws: Json, code: ErrorCode, path: string, severity: Issue['severity'] = 'error') {
  const issues = checkPyhf(ws);
  const found = issues.find((i) => i.code === code && i.path === path);
  expect(found, JSON.stringify(issues.map((i) => [i.severity, i.code, i.path]))).toBeDefined();
  expect(found!.severity).toBe(severity);
  expect(found!.message).toContain(path);
}

describe('pyhf semantic rules', () => {
  it('the base workspace is valid and detected as pyhf', () => {
    expect(checkPyhf(workspace())).toEqual([]);
    expect(detectKind(workspace())).toBe('pyhf');
  });

  it('SCHEMA errors name the modifier type that was meant', () => {
    const ws = workspace();
    ws.channels[0].samples[1].modifiers[1].data = { hi: 1.1 };
    expect(pairs(checkPyhf(ws), 'error')).toEqual([['SCHEMA', '/channels/0/samples/1/modifiers/1/data']]);
  });

  it('BIN_COUNT_MISMATCH for samples, modifier data and observations', () => {
    const ws = workspace();
    const bkg = ws.channels[0].samples[1];
    bkg.data.push(1);
    bkg.modifiers[0].data.lo_data.pop();
    bkg.modifiers[2].data.push(1);
    bkg.modifiers[3].data.push(1);
    ws.observations[1].data.push(1);
    for (const path of ['/channels/0/samples/1/data', '/channels/0/samples/1/modifiers/0/data/lo_data', '/channels/0/samples/1/modifiers/2/data', '/channels/0/samples/1/modifiers/3/data', '/observations/1/data']) {
      expectIssue(ws, 'BIN_COUNT_MISMATCH', path);
    }
  });

  it('DUPLICATE_NAME for channels, samples, modifiers of one type, observations, measurements, configurations and a shared shapesys', () => {
    const a = workspace();
    a.channels[1].name = 'SR';
    a.observations[1].name = 'SR';
    expectIssue(a, 'DUPLICATE_NAME', '/channels/1/name');
    expectIssue(a, 'DUPLICATE_NAME', '/observations/1/name');
    const b = workspace();
    b.channels[0].samples[1].modifiers.push({ name: 'jes', type: 'normsys', data: { hi: 1, lo: 1 } });
    expectIssue(b, 'DUPLICATE_NAME', '/channels/0/samples/1/modifiers/4/name');
    const c = workspace();
    c.measurements[0].config.parameters.push({ name: 'mu', fixed: true });
    c.measurements.push(structuredClone(c.measurements[0]));
    expectIssue(c, 'DUPLICATE_NAME', '/measurements/0/config/parameters/1/name');
    expectIssue(c, 'DUPLICATE_NAME', '/measurements/1/name');
    const d = workspace();
    d.channels[0].samples[0].modifiers.push({ name: 'unc', type: 'shapesys', data: [1, 1] });
    expectIssue(d, 'DUPLICATE_NAME', '/channels/0/samples/1/modifiers/3/name');
  });

  it('DANGLING_REFERENCE for a channel without observation, an observation of no channel, a POI not in the model; an unused configuration only warns', () => {
    const a = workspace();
    a.observations[1].name = 'VR';
    expectIssue(a, 'DANGLING_REFERENCE', '/channels/1/name');
    expectIssue(a, 'DANGLING_REFERENCE', '/observations/1/name');
    const b = workspace();
    b.measurements[0].config.poi = 'nu';
    expectIssue(b, 'DANGLING_REFERENCE', '/measurements/0/config/poi');
    const c = workspace();
    c.measurements[0].config.parameters.push({ name: 'alpha_jes', fixed: true });
    expectIssue(c, 'DANGLING_REFERENCE', '/measurements/0/config/parameters/1/name', 'warning');
    const d = workspace();
    d.measurements[0].config.poi = '';
    expect(checkPyhf(d)).toEqual([]);
  });

  it('CONFLICTING_DEFINITION for a name on two kinds of modifier, a per-bin POI, a configuration key the type does not use', () => {
    const a = workspace();
    a.channels[1].samples[0].modifiers.push({ name: 'mu', type: 'normsys', data: { hi: 1, lo: 1 } });
    expectIssue(a, 'CONFLICTING_DEFINITION', '/channels/1/samples/0/modifiers/1/type');
    const b = workspace();
    b.measurements[0].config.poi = 'unc';
    expectIssue(b, 'CONFLICTING_DEFINITION', '/measurements/0/config/poi');
    const c = workspace();
    c.measurements[0].config.parameters[0].auxdata = [1];
    expectIssue(c, 'CONFLICTING_DEFINITION', '/measurements/0/config/parameters/0/auxdata');
  });

  it('BIN_COUNT_MISMATCH for configurations of the wrong length and per-bin modifiers shared by channels of other binning', () => {
    const a = workspace();
    a.measurements[0].config.parameters.push({ name: 'unc', inits: [1, 1, 1] });
    expectIssue(a, 'BIN_COUNT_MISMATCH', '/measurements/0/config/parameters/1/inits');
    const b = workspace();
    b.channels[1].samples[0].modifiers.push({ name: 'stat_SR', type: 'staterror', data: [1] });
    expectIssue(b, 'BIN_COUNT_MISMATCH', '/channels/1/samples/0/modifiers/1/name');
  });

  it('SHAPE_MISMATCH and AXIS_RANGE for bounds that are not [min, max]', () => {
    const ws = workspace();
    ws.measurements[0].config.parameters[0].bounds = [[0, 1, 2]];
    expectIssue(ws, 'SHAPE_MISMATCH', '/measurements/0/config/parameters/0/bounds/0');
    ws.measurements[0].config.parameters[0].bounds = [[5, 1]];
    expectIssue(ws, 'AXIS_RANGE', '/measurements/0/config/parameters/0/bounds/0');
  });

  it('UNDECLARED_PARAMETER when lumi is used but a measurement does not configure it', () => {
    const ws = workspace();
    ws.channels[0].samples[0].modifiers.push({ name: 'lumi', type: 'lumi', data: null });
    expectIssue(ws, 'UNDECLARED_PARAMETER', '/measurements/0');
    ws.measurements[0].config.parameters.push({ name: 'lumi', auxdata: [1], sigmas: [0.02], inits: [1], bounds: [[0.9, 1.1]] });
    expect(checkPyhf(ws)).toEqual([]);
  });
});
