import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runExamples } from '../../src/engine/index.js';
import { SERVICES } from '../../src/inventory/index.js';
import { builtinRulesDir, loadRules, resolveParameters } from '../../src/rules/index.js';
import { root, sharedDir } from '../helpers.js';

const { rules, errors } = loadRules([builtinRulesDir], { useCache: false });
const values = resolveParameters(rules, []);

/**
 * Rule ids are a public contract: once shipped, an id never disappears.
 * Ids may be added without editing this list (a new service's rule is a
 * catalog file, a rule file and a doc page; test/catalog/completeness.test.ts
 * checks those hang together).
 */
const CONTRACT = [
  'keyvault.soft-delete',
  'keyvault.purge-protection',
  'keyvault.soft-delete-retention',
  'keyvault.rbac-authorization',
  'keyvault.access-policy-least-privilege',
  'managedhsm.purge-protection',
  'key.rsa-minimum-size',
  'key.ec-allowed-curves',
  'key.hsm-backed',
  'key.expiration-set',
  'key.rotation-policy',
  'key.kek-operations',
  'cmk.storage-account',
  'cmk.sql-server',
  'cmk.sql-managed-instance',
  'cmk.cosmos-db',
  'cmk.managed-disk',
  'cmk.disk-encryption-set',
  'cmk.aks-cluster',
  'cmk.postgresql-flexible',
  'cmk.mysql-flexible',
  'cmk.container-registry',
  'cmk.event-hubs',
  'cmk.service-bus',
  'cmk.cognitive-services',
  'cmk.databricks',
  'cmk.data-factory',
  'cmk.log-analytics-cluster',
  'cmk.app-configuration',
  'cmk.machine-learning',
  'cmk.synapse',
  'cmk.key-resolvable',
  'cmk.key-store-protected',
  'cmk.key-size-for-service',
  'cmk.key-access-scoped',
  'cmk.fips-level-for-data',
  'keystore.fips-level',
];

describe('the built-in rule pack', () => {
  test('loads without errors, and every contracted id is still there', () => {
    expect(errors).toEqual([]);
    const ids = new Set(rules.map((rule) => rule.id));
    expect(CONTRACT.filter((id) => !ids.has(id))).toEqual([]);
  });

  test.each(rules.map((rule) => [rule.id, rule] as const))('%s: file name, examples, doc page', (id, rule) => {
    expect(path.basename(rule.source.file)).toBe(`${id}.yaml`);
    expect(path.basename(path.dirname(rule.source.file))).toBe(id.split('.')[0]);
    const results = runExamples(rule, values.get(id) ?? {});
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.some((r) => r.expected === 'pass')).toBe(true);
    expect(results.some((r) => r.expected === 'fail')).toBe(true);
    expect(results.some((r) => r.expected === 'unknown')).toBe(true);
    if (rule.where) expect(results.some((r) => r.expected === 'notApplicable')).toBe(true);
    const doc = readFileSync(path.join(root, 'docs', 'rules', `${id}.md`), 'utf8');
    expect(doc).toContain(`<!-- generated:header -->\n# ${id}\n`);
    for (const heading of ['## What it checks', '## Why it matters', '## How to fix', '## Examples', '## References']) {
      expect([id, doc.includes(`\n${heading}`)]).toEqual([id, true]);
    }
    for (const reference of rule.references) if (reference.policy) expect(doc).toContain(reference.policy);
  });

  test('cmk.key-size-for-service has a minimum-size parameter for every service in the relation table', () => {
    const sizes = rules.find((rule) => rule.id === 'cmk.key-size-for-service')!.parameters!;
    expect(SERVICES.map((service) => [service, `${service}MinimumSize` in sizes])).toEqual(SERVICES.map((service) => [service, true]));
    expect(Object.keys(sizes).sort()).toEqual(SERVICES.map((service) => `${service}MinimumSize`).sort());
  });

  test('every rule cites a source for its semantics', () => {
    for (const rule of rules) expect([rule.id, rule.references.some((r) => r.policy || r.url)]).toEqual([rule.id, true]);
  });

  test('no orphan doc pages', () => {
    const pages = readdirSync(path.join(root, 'docs', 'rules')).filter((file) => file !== 'README.md');
    expect(pages.sort()).toEqual(rules.map((rule) => `${rule.id}.md`).sort());
  });

  const policyDir = path.join(sharedDir, 'reference', 'azure-policy');
  (existsSync(policyDir) ? test : test.skip)('every cited Azure Policy definition id names a real built-in (../shared)', () => {
    const known = new Set(
      readdirSync(policyDir)
        .filter((file) => file.endsWith('.json'))
        .map((file) => (JSON.parse(readFileSync(path.join(policyDir, file), 'utf8')) as { name: string }).name),
    );
    const cited = rules.flatMap((rule) => rule.references.filter((r) => r.policy).map((r) => [rule.id, r.policy!] as const));
    const unknown = cited.filter(([, id]) => !known.has(id));
    // Definitions outside the reference copy are allowed, but must be few and deliberate.
    expect(unknown.length).toBeLessThanOrEqual(3);
    expect(cited.length).toBeGreaterThan(20);
  });
});
