import type { ParameterSpec, RuleDefinition } from './types.js';

/** Parameter values for one rule, by parameter name. */
export type ParameterValues = Readonly<Record<string, unknown>>;

/** An override of one parameter, with where it was written (for error messages). */
export interface ParameterOverride {
  ruleId: string;
  name: string;
  value: unknown;
  /** `keyscope.yaml:12:7`, `--param`, ... */
  origin: string;
}

/** Why a value does not fit a parameter's spec, or undefined when it fits. */
export function parameterProblem(spec: ParameterSpec, value: unknown): string | undefined {
  const typeProblem = typeMismatch(spec.type, value);
  if (typeProblem) return typeProblem;
  if (spec.type === 'array' && spec.items) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const itemProblem = typeMismatch(spec.items.type, items[i]);
      if (itemProblem) return `item ${i}: ${itemProblem}`;
    }
  }
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum) return `${value} is below the minimum ${spec.minimum}`;
    if (spec.maximum !== undefined && value > spec.maximum) return `${value} is above the maximum ${spec.maximum}`;
  }
  if (spec.allowedValues) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!spec.allowedValues.some((allowed) => JSON.stringify(allowed) === JSON.stringify(v))) {
        return `${JSON.stringify(v)} is not one of ${spec.allowedValues.map((a) => JSON.stringify(a)).join(', ')}`;
      }
    }
  }
  return undefined;
}

function typeMismatch(type: ParameterSpec['type'], value: unknown): string | undefined {
  const ok =
    type === 'array'
      ? Array.isArray(value)
      : type === 'integer'
        ? Number.isInteger(value)
        : type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : typeof value === type;
  return ok ? undefined : `expected ${type === 'integer' ? 'an integer' : `a ${type}`}, got ${JSON.stringify(value)}`;
}

/**
 * Reads a `--param` value written as text, by the parameter's type:
 * numbers and booleans as such, arrays as JSON or comma-separated.
 */
export function parseParameterText(spec: ParameterSpec, text: string): unknown {
  const trimmed = text.trim();
  switch (spec.type) {
    case 'integer':
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : text;
    case 'array': {
      if (trimmed.startsWith('[')) {
        try {
          return JSON.parse(trimmed) as unknown;
        } catch {
          return text;
        }
      }
      const items = trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
      const itemType = spec.items?.type;
      return itemType && itemType !== 'string'
        ? items.map((item) => parseParameterText({ type: itemType, description: '', default: null }, item))
        : items;
    }
    default:
      return text;
  }
}

/**
 * Each rule's parameter values: its defaults, then the overrides in order.
 * Throws a message naming the override's origin for an unknown rule or
 * parameter or a value that does not fit.
 */
export function resolveParameters(
  rules: readonly RuleDefinition[],
  overrides: readonly ParameterOverride[],
): Map<string, ParameterValues> {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const values = new Map<string, Record<string, unknown>>();
  for (const rule of rules) {
    const defaults: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(rule.parameters ?? {})) defaults[name] = spec.default;
    values.set(rule.id, defaults);
  }
  for (const override of overrides) {
    const rule = byId.get(override.ruleId);
    if (!rule) throw new ParameterOverrideError(override, `no rule '${override.ruleId}' is loaded`);
    const spec = rule.parameters?.[override.name];
    if (!spec) {
      const names = Object.keys(rule.parameters ?? {});
      throw new ParameterOverrideError(
        override,
        `rule '${rule.id}' has no parameter '${override.name}'${names.length ? ` (its parameters: ${names.join(', ')})` : ' (it takes none)'}`,
      );
    }
    const problem = parameterProblem(spec, override.value);
    if (problem) throw new ParameterOverrideError(override, `${override.ruleId}.${override.name}: ${problem}`);
    values.get(rule.id)![override.name] = override.value;
  }
  return values;
}

/** A parameter override that cannot be applied. */
export class ParameterOverrideError extends Error {
  constructor(
    readonly override: ParameterOverride,
    message: string,
  ) {
    super(message);
  }
}
