import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { Ajv as AjvInstance, ErrorObject, ValidateFunction } from 'ajv';
import { readSchema } from '../package.js';
import { KeyscopeError } from '../errors/index.js';
import type { YamlSource } from './yaml-source.js';

/** Schemas users (and the service catalog) write against; they may refer to each other by `$id`. */
const INPUT_SCHEMAS = [
  'rule.schema.json',
  'profile.schema.json',
  'config.schema.json',
  'exemptions.schema.json',
  'catalog-service.schema.json',
];
let ajv: AjvInstance | undefined;

// ajv is loaded on first use: a scan with the built-in pack and no
// configuration file never validates anything, and loading it is start-up time.
function validatorFor(schemaFile: string): ValidateFunction {
  if (!ajv) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
    for (const file of INPUT_SCHEMAS) ajv.addSchema(readSchema(file), file);
  }
  const validate = ajv.getSchema(schemaFile);
  if (!validate) throw new Error(`unknown schema ${schemaFile}`);
  return validate;
}

/**
 * Validates a parsed YAML document against one of `schemas/`, and turns ajv's
 * error cascade into the few errors a person needs, each at `file:line:col`.
 * Returns an empty list when the document is valid.
 */
export function validateSource(source: YamlSource, schemaFile: string, errorCode: string): KeyscopeError[] {
  const validate = validatorFor(schemaFile);
  if (validate(source.data)) return [];
  return pruneErrors(validate.errors ?? []).map((error) => toKeyscopeError(source, error, errorCode));
}

/** Validates plain data (already known to be JSON) against a schema; returns ajv's pruned messages. */
export function schemaMessages(data: unknown, schemaFile: string): string[] {
  const validate = validatorFor(schemaFile);
  if (validate(data)) return [];
  return pruneErrors(validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${describe(error).message}`);
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if', 'not', 'allOf']);

/**
 * Keeps the errors that say what is wrong. A combinator failure (`oneOf`,
 * `if`) is only kept when nothing more precise was said at or below its path,
 * and errors inside a `oneOf` branch that is not the one the user meant are
 * dropped with it.
 */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const precise = errors.filter((error) => !COMBINATORS.has(error.keyword));
  const kept: ErrorObject[] = [];
  // An unknown key explains every other complaint about the same object.
  const unknownKeyAt = new Set(precise.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
  for (const error of errors) {
    if (unknownKeyAt.has(error.instancePath) && error.keyword !== 'additionalProperties') continue;
    if (COMBINATORS.has(error.keyword)) {
      const explained = precise.some(
        (other) => other.instancePath === error.instancePath || other.instancePath.startsWith(error.instancePath + '/'),
      );
      // `required` errors inside a oneOf are the branches, not the problem.
      const branchOnly = precise.every(
        (other) => other.keyword === 'required' && other.schemaPath.includes('/oneOf/') && other.instancePath === error.instancePath,
      );
      if (explained && !branchOnly) continue;
      if (kept.some((k) => k.instancePath === error.instancePath && COMBINATORS.has(k.keyword))) continue;
      kept.push(error);
      continue;
    }
    if (error.keyword === 'required' && /\/(oneOf|anyOf)\/\d+\/required$/.test(error.schemaPath)) continue;
    if (kept.some((k) => k.instancePath === error.instancePath && k.keyword === error.keyword && k.message === error.message)) continue;
    kept.push(error);
  }
  return kept;
}

function toKeyscopeError(source: YamlSource, error: ErrorObject, code: string): KeyscopeError {
  const path = instancePathToSegments(error.instancePath);
  const { message, hint, key } = describe(error);
  const at = key === undefined ? source.positionOf(path) : source.positionOf([...path, key], true);
  return new KeyscopeError(code, message, {
    position: { file: source.file, line: at.line, column: at.column, pointer: error.instancePath || '/' },
    ...(hint === undefined ? {} : { hint }),
  });
}

function instancePathToSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describe(error: ErrorObject): { message: string; hint?: string; key?: string } {
  const where = error.instancePath ? `'${error.instancePath}'` : 'the document';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: Record<string, unknown> })?.properties ?? {});
      const suggestion = closest(key, allowed);
      const context = allowed.includes('equals') ? 'in a condition' : `in ${where}`;
      return {
        message: `unknown key '${key}' ${context}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
        hint: allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined,
        key,
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { message: `missing required key '${missing}' in ${where}` };
    }
    case 'enum':
      return {
        message: `${where} must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'oneOf':
      if (error.schemaPath.endsWith('/then/oneOf')) {
        return {
          message: `${where}: a field, value or count condition takes exactly one operator`,
          hint: 'operators: equals, notEquals, in, notIn, exists, less, lessOrEquals, greater, greaterOrEquals, contains, notContains, like, notLike, containsKey, notContainsKey',
        };
      }
      if ((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties?.['allOf'] !== undefined) {
        return { message: `${where}: a condition is exactly one of allOf, anyOf, not, field, value or count` };
      }
      return { message: `${where} must match exactly one of its allowed forms` };
    case 'not':
      if (error.schemaPath.includes('/else/')) {
        return { message: `${where}: an operator needs a 'field', 'value' or 'count' to compare` };
      }
      return { message: `${where} ${error.message ?? 'is not allowed'}` };
    case 'pattern':
      return { message: `${where} ${JSON.stringify(error.data)} does not have the expected form (${error.schema as string})` };
    default:
      return { message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/** The allowed word closest to a misspelt one, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
