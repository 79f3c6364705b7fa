/**
 * What a JSON document is, judged by its content: histograms (UHI), an HS3 fit model, a pyhf
 * workspace, or a fit result. `hist-serial validate` and `convert` use this to pick the rules.
 * @module
 */
import type { Issue } from './errors.js';
import { isFitResultDocument } from './fit-result/check.js';
import { isSingleHistogram } from './model/from-uhi.js';
import { checkHS3 } from './model/hs3/check.js';
import { checkPyhf } from './model/pyhf/check.js';

/** Kinds of JSON document hist-serial recognises. */
export type DocumentKind = 'histograms' | 'hs3' | 'pyhf' | 'fit-result';

/** The fit-model formats, which `convert --to` accepts besides the histogram formats. */
export const MODEL_FORMATS = [
  { name: 'hs3', description: 'HS3 fit model (HEP Statistics Serialization Standard 0.2), JSON' },
  { name: 'pyhf', description: 'pyhf HistFactory workspace (1.0.0), JSON' },
] as const;

/** Name of a fit-model format. */
export type ModelFormat = (typeof MODEL_FORMATS)[number]['name'];

/**
 * Is `name` one of the {@link MODEL_FORMATS}?
 *
 * @example
 * ```ts
 * isModelFormat('pyhf'); // true; isModelFormat('uhi-json') is false
 * ```
 */
export function isModelFormat(name: string | undefined): name is ModelFormat {
  return MODEL_FORMATS.some((f) => f.name === name);
}

const HS3_SECTIONS = ['distributions', 'functions', 'data', 'likelihoods', 'domains', 'parameter_points', 'analyses'];

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The kind of a parsed JSON document, or undefined when it is none of them. Keys decide, not
 * validity, so a broken document of a kind is still recognised and gets that kind's error messages:
 * - fit result: `fit_result_schema` at the top, or a map of such (`isFitResultDocument`);
 * - pyhf: an array `channels` beside `observations`, `measurements` or `version`;
 * - HS3: `metadata.hs3_version`, or any HS3 top-level section (`distributions`, `likelihoods`, …) that
 *   is an array — a UHI file maps names to histogram objects, never to arrays;
 * - histograms: a histogram with `uhi_schema` at the top, or an object of objects.
 *
 * @example
 * ```ts
 * detectKind({ metadata: { hs3_version: '0.2' } }); // 'hs3'
 * ```
 */
export function detectKind(json: unknown): DocumentKind | undefined {
  if (!isObject(json)) return undefined;
  if (isFitResultDocument(json)) return 'fit-result';
  if (isSingleHistogram(json)) return 'histograms';
  if (Array.isArray(json.channels) && (Array.isArray(json.observations) || Array.isArray(json.measurements) || 'version' in json)) return 'pyhf';
  if ((isObject(json.metadata) && 'hs3_version' in json.metadata) || HS3_SECTIONS.some((k) => Array.isArray(json[k]))) return 'hs3';
  return Object.values(json).every(isObject) ? 'histograms' : undefined;
}

/**
 * Validate a fit model of a known kind (schema, then semantics).
 *
 * @example
 * ```ts
 * const issues = checkFitModel('pyhf', workspace);
 * ```
 */
export function checkFitModel(kind: ModelFormat, json: unknown): Issue[] {
  return kind === 'hs3' ? checkHS3(json) : checkPyhf(json);
}
