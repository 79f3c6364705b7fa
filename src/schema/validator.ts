/**
 * JSON Schema validation (ajv, draft 2020-12) of raw documents against the schemas in `schema/`.
 * Compiled once, on first use. Returns every issue, with ajv's noise (failed oneOf branches) removed.
 * @module
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { issue, type Issue } from '../errors.js';
import { MESSAGES } from '../messages.js';
import {
  FIT_RESULT_1_FIT_RESULT_SCHEMA,
  FIT_RESULT_1_FIT_RESULTS_SCHEMA,
  HISTOGRAM_1_HISTOGRAM_SCHEMA,
  HISTOGRAM_1_HISTOGRAMS_SCHEMA,
  HS3_0_2_HS3_SCHEMA,
  NATIVE_1_NATIVE_SCHEMA,
  PYHF_1_0_0_WORKSPACE_SCHEMA,
} from '../types/generated/schemas.js';

/** Names of the schemas the library validates against. */
export type SchemaName = 'histogram' | 'histograms' | 'native' | 'fit-result' | 'fit-results' | 'hs3' | 'pyhf';

const SCHEMAS: Record<SchemaName, { $id: string }> = {
  histogram: HISTOGRAM_1_HISTOGRAM_SCHEMA,
  histograms: HISTOGRAM_1_HISTOGRAMS_SCHEMA,
  native: NATIVE_1_NATIVE_SCHEMA,
  'fit-result': FIT_RESULT_1_FIT_RESULT_SCHEMA,
  'fit-results': FIT_RESULT_1_FIT_RESULTS_SCHEMA,
  hs3: HS3_0_2_HS3_SCHEMA,
  pyhf: PYHF_1_0_0_WORKSPACE_SCHEMA,
};

/** Every {@link SchemaName}, in the order `hist-serial schema` lists them. */
export const SCHEMA_NAMES = Object.keys(SCHEMAS) as SchemaName[];

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (fn) return fn;
  if (!ajv) {
    ajv = new Ajv2020({
      allErrors: true,
      discriminator: true,
      strictNumbers: false, // NaN and ±Infinity are numbers in UHI files
      allowUnionTypes: true,
      strictTuples: false,
    });
    for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema as object);
  }
  fn = ajv.getSchema(SCHEMAS[name].$id)!;
  compiled.set(name, fn);
  return fn;
}

/** The JSON Schema object (as committed in `schema/`) for a name. */
export function getSchema(name: SchemaName): object {
  return SCHEMAS[name];
}

/**
 * Validate a parsed JSON value against one of the schemas.
 *
 * @example
 * ```ts
 * const issues = validateSchema('histograms', JSON.parse(text)); // [] when valid
 * ```
 */
export function validateSchema(name: SchemaName, value: unknown, basePath = ''): Issue[] {
  const fn = validator(name);
  if (fn(value)) return [];
  return simplify(fn.errors ?? []).map((e) => issue('SCHEMA', basePath + e.instancePath, describe(e, basePath)));
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if', 'discriminator']);

/**
 * Drop what a more precise error already explains: combinator errors (failed oneOf branches) and
 * `type` errors of the branches that were not meant, when another error sits at or under the same
 * path. Identical messages are kept once.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const explainedBy = (e: ErrorObject, keep: (o: ErrorObject) => boolean) =>
    errors.some((o) => o !== e && keep(o) && (o.instancePath === e.instancePath || o.instancePath.startsWith(e.instancePath + '/')));
  const kept = errors.filter((e) => {
    if (COMBINATORS.has(e.keyword) && e.keyword !== 'discriminator') return !explainedBy(e, (o) => !COMBINATORS.has(o.keyword));
    if (e.keyword === 'type') return !explainedBy(e, (o) => !COMBINATORS.has(o.keyword) && (o.keyword !== 'type' || o.instancePath !== e.instancePath));
    return true;
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(e: ErrorObject, basePath: string): string {
  const path = basePath + e.instancePath;
  const p = e.params as Record<string, unknown>;
  let text: string;
  switch (e.keyword) {
    case 'required':
      text = `is missing required property "${String(p.missingProperty)}"`;
      break;
    case 'additionalProperties':
      text = `has unknown property "${String(p.additionalProperty)}"`;
      break;
    case 'dependentRequired':
      text = `has "${String(p.property)}" but is missing "${String(p.missingProperty)}"`;
      break;
    case 'discriminator':
      text =
        p.error === 'mapping'
          ? `has unknown type ${JSON.stringify(p.tagValue)}; expected one of the types the schema lists`
          : `must have a string "type"`;
      break;
    case 'enum':
      text = `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      text = `must be ${JSON.stringify(p.allowedValue)}`;
      break;
    default:
      text = e.message ?? e.keyword;
  }
  return MESSAGES.schema(path, text);
}
