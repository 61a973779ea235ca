// Every snapshot read back (diff) is checked at the door against schema/snapshot.schema.json, the
// same file the tests hold written snapshots to: a foreign or damaged file is one line naming the
// first field that fails, never an internal error deeper in or a negative count printed as data.
// The schema is compiled once, on first use (ajv takes tens of milliseconds over it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { packageRoot } from '../util/version.js';
import { snapshotSchemaId } from './snapshot.js';

let validate: ValidateFunction | undefined;

/** The first reason `value` is not a valid snapshot, as "/sites/3/count must be >= 0"; undefined if valid. */
export function snapshotProblem(value: unknown): string | undefined {
  // A kamheap file of another kind (a diff, a watch) is named as such, not by its first odd field.
  if (isObject(value) && 'schema' in value && value['schema'] !== snapshotSchemaId) return `its schema is ${JSON.stringify(value['schema'])}`;
  validate ??= compileSchema();
  if (validate(value)) return undefined;
  const first = validate.errors?.[0];
  return first === undefined ? 'it does not match the schema' : describeError(first);
}

// The schema file shipped beside the code (package.json "files": schema), compiled strictly.
function compileSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'snapshot.schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

// One ajv error as a short phrase led by the JSON path (a JSON Pointer, "/" for the whole file).
function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${error.instancePath}/${String(params['missingProperty'])} is missing`;
    case 'additionalProperties':
      return `${error.instancePath}/${String(params['additionalProperty'])} is not a field of a snapshot`;
    case 'enum':
      return `${at} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at} must be ${JSON.stringify(params['allowedValue'])}`;
    default:
      return `${at} ${error.message ?? 'is not valid'}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
