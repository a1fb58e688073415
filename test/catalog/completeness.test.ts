import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceCatalog } from '../../src/catalog/index.js';
import { builtinRulesDir, loadRules, type ExampleOutcome, type RuleDefinition } from '../../src/rules/index.js';
import { root } from '../helpers.js';

/**
 * The build's completeness check, in the manner of ESLint's own (every rule
 * has docs and tests): a service is one catalog file, one rule with its
 * examples and one doc page, and nothing else has to be edited, so nothing
 * else can be forgotten. Whether the pages are up to date is
 * test/docs/generated.test.ts.
 */
const { rules } = loadRules([builtinRulesDir], { useCache: false });
const byId = new Map(rules.map((rule) => [rule.id, rule]));
const catalog = serviceCatalog();

/** Outcomes every rule must show by example: pass and fail always; unknown, since every field a rule reads can be deploy-time in a template or plan. */
function missingOutcomes(rule: RuleDefinition): string[] {
  const needed: ExampleOutcome[] = ['pass', 'fail', 'unknown', ...(rule.where ? (['notApplicable'] as const) : [])];
  return needed.filter((outcome) => !(rule.examples[outcome]?.length ?? 0));
}

describe('every catalog service is complete', () => {
  test.each(catalog.typesOfClass('cmk').map((entry) => [entry.type, entry] as const))('%s (cmk) has at least one rule', (_type, entry) => {
    expect(entry.rules?.length ?? 0).toBeGreaterThan(0);
  });

  const named = catalog.entries.flatMap((entry) => (entry.rules ?? []).map((id) => [`${entry.type} → ${id}`, entry.key, id] as const));
  test.each(named)('%s: the rule exists and its resource: includes the type', (_label, type, id) => {
    const rule = byId.get(id);
    expect({ id, exists: rule !== undefined }).toEqual({ id, exists: true });
    expect({ id, covers: rule!.resource.includes(type) }).toEqual({ id, covers: true });
  });

  test('every type a built-in rule applies to is in the catalog (else it would be reported as not assessed)', () => {
    const unknown = rules.flatMap((rule) => rule.resource.filter((type) => !catalog.entry(type)).map((type) => `${rule.id}: ${type}`));
    expect(unknown).toEqual([]);
  });

  test('every cmk.* rule for one service is named by the catalog types it applies to', () => {
    const unnamed = rules
      .filter((rule) => rule.id.startsWith('cmk.') && !rule.resourceSet)
      .flatMap((rule) =>
        rule.resource.filter((type) => !(catalog.entry(type)?.rules ?? []).includes(rule.id)).map((type) => `${rule.id}: ${type}`),
      );
    expect(unnamed).toEqual([]);
  });
});

describe('every built-in rule is complete', () => {
  test.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s has examples of each outcome and a doc page with its generated blocks',
    (id, rule) => {
      expect({ id, missing: missingOutcomes(rule) }).toEqual({ id, missing: [] });
      const page = path.join(root, 'docs', 'rules', `${id}.md`);
      expect({ id, page: existsSync(page) }).toEqual({ id, page: true });
      const text = readFileSync(page, 'utf8');
      for (const block of ['header', 'body']) {
        expect({ id, block, present: text.includes(`<!-- generated:${block} -->`) }).toEqual({ id, block, present: true });
      }
      expect({ id, prose: text.includes('\n## What it checks\n') }).toEqual({ id, prose: true });
    },
  );
});
