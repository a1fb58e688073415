import type { Resource } from '../model/index.js';
import type { ExampleOutcome, ParameterValues, RuleDefinition, RuleExample } from '../rules/index.js';
import { scopeFor } from './engine.js';
import { CompiledRule, type Status } from './rule.js';

/** One example run: what the rule file promised and what the engine said. */
export interface ExampleResult {
  ruleId: string;
  example: string;
  expected: ExampleOutcome;
  actual: Status;
  ok: boolean;
}

const STATUS_OF: Record<ExampleOutcome, Status> = {
  pass: 'pass',
  fail: 'fail',
  notApplicable: 'not-applicable',
  unknown: 'unknown',
};

/**
 * Runs every example of a rule through the real engine (`keyscope rules test`).
 * An example's own `parameters` are laid over the rule's values for that run.
 */
export function runExamples(definition: RuleDefinition, parameters: ParameterValues): ExampleResult[] {
  const results: ExampleResult[] = [];
  const base = new CompiledRule(definition, parameters);
  for (const expected of ['pass', 'fail', 'notApplicable', 'unknown'] as const) {
    for (const example of definition.examples[expected] ?? []) {
      const rule = example.parameters ? new CompiledRule(definition, { ...parameters, ...example.parameters }) : base;
      const resource = exampleResource(definition, example);
      const applies = rule.types.includes(resource.type.toLowerCase());
      const actual: Status = applies ? rule.outcome(scopeFor(resource)) : 'not-applicable';
      results.push({ ruleId: definition.id, example: example.name, expected, actual, ok: actual === STATUS_OF[expected] });
    }
  }
  return results;
}

/** An example's resource with the fields it left out filled in. */
export function exampleResource(definition: RuleDefinition, example: RuleExample): Resource {
  const record = example.resource;
  const type = typeof record['type'] === 'string' ? record['type'] : definition.resource[0]!;
  const name = typeof record['name'] === 'string' ? record['name'] : 'example';
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  let id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/examples/providers/${namespace}`;
  types.forEach((segment, i) => {
    id += `/${segment}/${names[i] ?? names[names.length - 1] ?? 'example'}`;
  });
  return {
    id,
    ...record,
    type,
    name,
    origin: { kind: 'example', file: definition.source.file, example: example.name },
  };
}
