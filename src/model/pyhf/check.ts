/**
 * Validation of pyhf JSON workspaces (version 1.0.0): hist-serial's draft 2020-12 equivalent of pyhf's
 * schema, then the rules pyhf enforces when it builds a model (spec.md 6.3): bin counts, unique names,
 * one observation per channel, a POI that is a single parameter of the model, parameter
 * configurations of the right length.
 * @module
 */
import { issue, pointer, type Issue } from '../../errors.js';
import { MESSAGES } from '../../messages.js';
import { validateSchema } from '../../schema/validator.js';
import type { PyhfModifier, PyhfParameterConfig, PyhfWorkspace } from '../../types/generated/pyhf.types.js';

/** pyhf modifier types with one parameter per bin. */
export const PYHF_PER_BIN = new Set(['shapesys', 'staterror', 'shapefactor']);

/** Which parameter-configuration keys each modifier type uses (pyhf's `required_parset`). */
const USED_KEYS: Record<PyhfModifier['type'], readonly string[]> = {
  normfactor: ['inits', 'bounds', 'fixed'],
  shapefactor: ['inits', 'bounds', 'fixed'],
  normsys: ['inits', 'bounds', 'fixed', 'auxdata', 'sigmas'],
  histosys: ['inits', 'bounds', 'fixed', 'auxdata', 'sigmas'],
  lumi: ['inits', 'bounds', 'fixed', 'auxdata', 'sigmas'],
  staterror: ['inits', 'bounds', 'fixed', 'auxdata', 'sigmas'],
  shapesys: ['inits', 'bounds', 'fixed', 'auxdata', 'factors'],
};

/** One parameter (set) of a pyhf model: the modifiers that share a name. */
export interface PyhfParameter {
  name: string;
  type: PyhfModifier['type'];
  /** Number of components (1, or the bins of the channel for per-bin types). */
  size: number;
  /** JSON pointer of the first modifier with this name. */
  path: string;
}

/**
 * The parameters of a (schema-valid) workspace, in pyhf's order of first appearance, keyed by name.
 * normsys and histosys modifiers of the same name share one parameter, as in pyhf.
 */
export function pyhfParameters(ws: PyhfWorkspace): Map<string, PyhfParameter> {
  const out = new Map<string, PyhfParameter>();
  ws.channels.forEach((c, ci) => {
    const nbins = c.samples[0]?.data.length ?? 0;
    c.samples.forEach((s, si) =>
      s.modifiers.forEach((m, mi) => {
        if (!out.has(m.name)) {
          out.set(m.name, { name: m.name, type: m.type, size: PYHF_PER_BIN.has(m.type) ? nbins : 1, path: pointer('', 'channels', ci, 'samples', si, 'modifiers', mi) });
        }
      }),
    );
  });
  return out;
}

/**
 * Validate a pyhf workspace: schema, then semantics. Returns every issue.
 *
 * @example
 * ```ts
 * const issues = checkPyhf(JSON.parse(text));
 * ```
 */
export function checkPyhf(json: unknown): Issue[] {
  const schemaIssues = validateSchema('pyhf', json);
  if (schemaIssues.length) return schemaIssues;
  return semantics(json as PyhfWorkspace);
}

function semantics(ws: PyhfWorkspace): Issue[] {
  const issues: Issue[] = [];
  const error = (code: Issue['code'], path: string, message: string) => issues.push(issue(code, path, message));
  const warn = (code: Issue['code'], path: string, message: string) => issues.push(issue(code, path, message, 'warning'));
  const unique = (names: readonly string[], at: (i: number) => string, scope: string) => {
    const seen = new Map<string, number>();
    names.forEach((n, i) => {
      const first = seen.get(n);
      if (first === undefined) seen.set(n, i);
      else error('DUPLICATE_NAME', at(i), MESSAGES.fitDuplicateName(at(i), n, at(first), scope));
    });
  };

  unique(ws.channels.map((c) => c.name), (i) => pointer('', 'channels', i, 'name'), 'the channels');
  unique(ws.observations.map((o) => o.name), (i) => pointer('', 'observations', i, 'name'), 'the observations');
  unique(ws.measurements.map((m) => m.name), (i) => pointer('', 'measurements', i, 'name'), 'the measurements');

  // bins: every sample of a channel, its modifiers' data and its observation have the same length
  const nbinsOf = new Map<string, number>();
  ws.channels.forEach((c, ci) => {
    const cPath = pointer('', 'channels', ci);
    const nbins = c.samples[0]!.data.length;
    nbinsOf.set(c.name, nbins);
    const why = MESSAGES.fitBinsOfFirstSample(pointer(cPath, 'samples', 0, 'data'));
    const bins = (arr: readonly unknown[], at: string) => {
      if (arr.length !== nbins) error('BIN_COUNT_MISMATCH', at, MESSAGES.fitCountMismatch(at, arr.length, nbins, why));
    };
    unique(c.samples.map((s) => s.name), (i) => pointer(cPath, 'samples', i, 'name'), `the samples of channel ${JSON.stringify(c.name)}`);
    c.samples.forEach((s, si) => {
      const sPath = pointer(cPath, 'samples', si);
      bins(s.data, pointer(sPath, 'data'));
      unique(s.modifiers.map((m) => `${m.type}/${m.name}`), (i) => pointer(sPath, 'modifiers', i, 'name'), `the modifiers of the same type of sample ${JSON.stringify(s.name)}`);
      s.modifiers.forEach((m, mi) => {
        const mPath = pointer(sPath, 'modifiers', mi);
        if (m.type === 'histosys') {
          bins(m.data.hi_data, pointer(mPath, 'data', 'hi_data'));
          bins(m.data.lo_data, pointer(mPath, 'data', 'lo_data'));
        } else if (m.type === 'shapesys' || m.type === 'staterror') bins(m.data, pointer(mPath, 'data'));
      });
    });
  });
  ws.channels.forEach((c, ci) => {
    if (!ws.observations.some((o) => o.name === c.name)) {
      const at = pointer('', 'channels', ci, 'name');
      error('DANGLING_REFERENCE', at, MESSAGES.pyhfNoObservation(at, c.name));
    }
  });
  ws.observations.forEach((o, oi) => {
    const nbins = nbinsOf.get(o.name);
    if (nbins === undefined) {
      const at = pointer('', 'observations', oi, 'name');
      error('DANGLING_REFERENCE', at, MESSAGES.fitDanglingReference(at, 'channel', o.name, [...nbinsOf.keys()]));
    } else if (o.data.length !== nbins) {
      const at = pointer('', 'observations', oi, 'data');
      error('BIN_COUNT_MISMATCH', at, MESSAGES.fitCountMismatch(at, o.data.length, nbins, MESSAGES.pyhfBinsOfChannel(o.name)));
    }
  });

  // names shared by modifiers: only normsys and histosys may share; shapesys never; per-bin sizes agree
  const first = new Map<string, { type: string; size: number; path: string }>();
  ws.channels.forEach((c, ci) => {
    const nbins = nbinsOf.get(c.name)!;
    c.samples.forEach((s, si) =>
      s.modifiers.forEach((m, mi) => {
        const path = pointer('', 'channels', ci, 'samples', si, 'modifiers', mi);
        const size = PYHF_PER_BIN.has(m.type) ? nbins : 1;
        const f = first.get(m.name);
        if (!f) {
          first.set(m.name, { type: m.type, size, path });
          return;
        }
        const compatible = f.type === m.type || (['normsys', 'histosys'].includes(f.type) && ['normsys', 'histosys'].includes(m.type));
        if (!compatible) error('CONFLICTING_DEFINITION', pointer(path, 'type'), MESSAGES.pyhfNameReuse(pointer(path, 'type'), m.name, m.type, f.type, f.path));
        else if (m.type === 'shapesys') error('DUPLICATE_NAME', pointer(path, 'name'), MESSAGES.pyhfShapesysShared(pointer(path, 'name'), m.name, f.path));
        else if (size !== f.size) error('BIN_COUNT_MISMATCH', pointer(path, 'name'), MESSAGES.pyhfSharedSize(pointer(path, 'name'), m.name, size, f.size, f.path));
      }),
    );
  });

  // measurements: the POI and the parameter configurations
  const params = pyhfParameters(ws);
  ws.measurements.forEach((meas, k) => {
    const mPath = pointer('', 'measurements', k, 'config');
    const poi = meas.config.poi;
    if (poi !== '') {
      const p = params.get(poi);
      const at = pointer(mPath, 'poi');
      if (!p) error('DANGLING_REFERENCE', at, MESSAGES.fitDanglingReference(at, 'parameter', poi, [...params.keys()]));
      else if (p.size !== 1) error('CONFLICTING_DEFINITION', at, MESSAGES.pyhfPoiVector(at, poi, p.type, p.size));
    }
    unique(meas.config.parameters.map((p) => p.name), (i) => pointer(mPath, 'parameters', i, 'name'), `the parameter configurations of measurement ${JSON.stringify(meas.name)}`);
    meas.config.parameters.forEach((cfg, i) => {
      const at = pointer(mPath, 'parameters', i);
      const p = params.get(cfg.name);
      if (!p) {
        warn('DANGLING_REFERENCE', pointer(at, 'name'), MESSAGES.pyhfUnusedConfig(pointer(at, 'name'), cfg.name));
        return;
      }
      checkConfig(cfg, p, at, error);
    });
    // lumi has no defaults: pyhf needs them from the measurement
    const lumi = [...params.values()].find((p) => p.type === 'lumi');
    if (lumi) {
      const cfg = meas.config.parameters.find((c) => c.name === lumi.name);
      const missing = ['auxdata', 'sigmas', 'inits', 'bounds'].filter((key) => cfg?.[key as keyof PyhfParameterConfig] === undefined);
      if (missing.length) {
        const at = pointer('', 'measurements', k);
        error('UNDECLARED_PARAMETER', at, MESSAGES.pyhfLumiConfig(at, meas.name, missing));
      }
    }
  });
  return issues;
}

function checkConfig(cfg: PyhfParameterConfig, p: PyhfParameter, at: string, error: (code: Issue['code'], path: string, message: string) => void) {
  const used = USED_KEYS[p.type];
  for (const key of ['inits', 'bounds', 'auxdata', 'sigmas', 'factors'] as const) {
    const v = cfg[key];
    if (v === undefined) continue;
    const kp = pointer(at, key);
    if (!used.includes(key)) {
      error('CONFLICTING_DEFINITION', kp, MESSAGES.pyhfUnusedKey(kp, cfg.name, key, p.type));
      continue;
    }
    if (v.length !== p.size) error('BIN_COUNT_MISMATCH', kp, MESSAGES.fitCountMismatch(kp, v.length, p.size, MESSAGES.pyhfComponents(cfg.name, p.type)));
  }
  cfg.bounds?.forEach((b, i) => {
    const bp = pointer(at, 'bounds', i);
    if (b.length !== 2) error('SHAPE_MISMATCH', bp, MESSAGES.fitCountMismatch(bp, b.length, 2, 'a bound is [min, max]'));
    else if (!(b[0]! <= b[1]!)) error('AXIS_RANGE', bp, MESSAGES.pyhfBoundOrder(bp, b[0]!, b[1]!));
  });
}
