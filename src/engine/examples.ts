import { RelationIndex } from '../inventory/index.js';
import type { Resource } from '../model/index.js';
import type { ExampleOutcome, ParameterValues, RuleDefinition, RuleExample } from '../rules/index.js';
import { relationalScopeFor, scopeFor } from './engine.js';
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

/** The date examples judge key expiry against, so `rules test` gives the same answer every day. */
export const EXAMPLES_AS_OF = new Date('2025-06-01T00:00:00Z');

/**
 * Runs every example of a rule through the real engine (`keyscope rules test`).
 * A rule that reads relations sees the example's `inventory` through a
 * relation index built from it, as a scan would.
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
      let actual: Status = 'not-applicable';
      if (applies && rule.relational) {
        const index = new RelationIndex({ asOf: EXAMPLES_AS_OF });
        const handle = index.observe(resource);
        for (const record of example.inventory ?? []) index.observe(inventoryResource(definition, example, record));
        index.build();
        actual = rule.outcome(relationalScopeFor(resource, index.relationsOf(resource, handle)));
      } else if (applies) {
        actual = rule.outcome(scopeFor(resource));
      }
      results.push({ ruleId: definition.id, example: example.name, expected, actual, ok: actual === STATUS_OF[expected] });
    }
  }
  return results;
}

/** An example's resource with the fields it left out filled in. */
export function exampleResource(definition: RuleDefinition, example: RuleExample): Resource {
  return exampleRecord(definition, example, example.resource, definition.resource[0]!);
}

/** A resource of an example's inventory (its `type` is required by the schema). */
function inventoryResource(definition: RuleDefinition, example: RuleExample, record: Record<string, unknown>): Resource {
  return exampleRecord(definition, example, record, 'unknown/unknown');
}

function exampleRecord(definition: RuleDefinition, example: RuleExample, record: Record<string, unknown>, defaultType: string): Resource {
  const type = typeof record['type'] === 'string' ? record['type'] : defaultType;
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
