import type { TargetSet } from '../catalog/index.js';
import type { DocumentPath, LineColumn } from '../documents/index.js';

/** Rule severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: critical 4 ... info 0. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

export type Operator =
  | 'equals'
  | 'notEquals'
  | 'in'
  | 'notIn'
  | 'exists'
  | 'less'
  | 'lessOrEquals'
  | 'greater'
  | 'greaterOrEquals'
  | 'contains'
  | 'notContains'
  | 'like'
  | 'notLike'
  | 'containsKey'
  | 'notContainsKey';

export const OPERATORS: readonly Operator[] = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'exists',
  'less',
  'lessOrEquals',
  'greater',
  'greaterOrEquals',
  'contains',
  'notContains',
  'like',
  'notLike',
  'containsKey',
  'notContainsKey',
];

/** A condition as written in a rule file (Azure Policy grammar). */
export type Condition = {
  /** Evaluate the rest of this condition on the resource's related key, key store or identity. */
  related?: 'key' | 'keyStore' | 'identity';
  allOf?: Condition[];
  anyOf?: Condition[];
  not?: Condition;
  field?: string;
  value?: unknown;
  count?: { field: string; where?: Condition };
} & Partial<Record<Operator, unknown>>;

export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

/** A typed rule parameter. */
export interface ParameterSpec {
  type: ParameterType;
  description: string;
  default: unknown;
  items?: { type: Exclude<ParameterType, 'array'> };
  allowedValues?: unknown[];
  minimum?: number;
  maximum?: number;
}

export interface Reference {
  policy?: string;
  mcsb?: string;
  url?: string;
  title?: string;
}

export interface RuleExample {
  name: string;
  resource: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  /** Other resources in scope (the key, its vault, role assignments), for rules that read relations. */
  inventory?: Record<string, unknown>[];
}

export type ExampleOutcome = 'pass' | 'fail' | 'notApplicable' | 'unknown';

export type { DocumentPath, LineColumn };

/** Where a loaded rule came from, able to point at any of its nodes. */
export interface RuleSource {
  file: string;
  positionOf(path: DocumentPath): LineColumn;
}

/**
 * Parameters generated from the service catalog, one per service of the
 * rule's types (`sqlMinimumSize`, `storageMinimumSize`, ...).
 */
export interface ServiceParameterSpec {
  /** The parameter name, `{service}` replaced by the catalog service id. */
  name: string;
  /** The catalog value that gives each service's default. */
  from: 'keyConstraints.minimumSize';
  /** The default when a service's catalog entry gives none. */
  default: number;
  /** Allowed values, narrowed per service to the sizes it documents (`keyConstraints.sizes`). */
  allowedValues?: number[];
  /** `{service}` replaced by the service id. */
  description: string;
}

/** One rule as loaded and schema-validated from its YAML file. */
export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  remediation: { summary?: string; az: string; bicep?: string; arm?: string; terraform?: string };
  references: Reference[];
  tags?: string[];
  /** Lower-case resource types; a `resource: { set: ... }` is expanded from the service catalog. */
  resource: string[];
  /** The catalog set `resource:` names, when it names one (`key-consumers`). */
  resourceSet?: TargetSet;
  /** As written; its parameters are in `parameters`. */
  serviceParameters?: ServiceParameterSpec;
  where?: Condition;
  assert: Condition;
  parameters?: Record<string, ParameterSpec>;
  examples: Partial<Record<ExampleOutcome, RuleExample[]>> & { pass: RuleExample[]; fail: RuleExample[] };
  source: RuleSource;
}
