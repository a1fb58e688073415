import { builtinRulesDir, loadRules } from '../../src/rules/index.js';
import { findingRows, scanJson, type FindingsDocument } from './support.js';

/**
 * One template per area and language version holds a compliant and a
 * violating resource for every built-in rule (plus a value only known at
 * deployment). Each row: rule, resource, status, and the line, column and
 * text a finding points at: the property to change when it is written, the
 * nearest written parent when it is missing.
 */
const KEYVAULT_V1: [string, string, string, number, number, string][] = [
  ['key.ec-allowed-curves', 'kv-good/key-ec', 'fail', 62, 9, '"curveName"'],
  ['key.expiration-set', 'kv-good/key-weak', 'fail', 48, 11, '"properties"'],
  ['key.hsm-backed', 'kv-good/key-weak', 'fail', 49, 13, '"kty"'],
  ['key.kek-operations', 'kv-good/key-ec', 'fail', 63, 9, '"keyOps"'],
  ['key.kek-operations', 'kv-good/key-weak', 'fail', 51, 13, '"keyOps"'],
  ['key.rotation-policy', 'kv-good/key-ec', 'fail', 65, 29, '"lifetimeActions"'],
  ['key.rotation-policy', 'kv-good/key-weak', 'fail', 48, 11, '"properties"'],
  ['key.rsa-minimum-size', 'kv-good/key-weak', 'fail', 50, 13, '"keySize"'],
  ['keyvault.access-policy-least-privilege', 'kv-bad', 'fail', 79, 9, '"accessPolicies"'],
  ['keyvault.purge-protection', 'kv-bad', 'fail', 77, 9, '"enablePurgeProtection"'],
  ['keyvault.purge-protection', 'kv-deploy-time', 'unknown', 122, 9, '"enablePurgeProtection"'],
  ['keyvault.rbac-authorization', 'kv-bad', 'fail', 78, 9, '"enableRbacAuthorization"'],
  ['keyvault.soft-delete', 'kv-bad', 'fail', 76, 9, '"EnableSoftDelete"'],
  ['keyvault.soft-delete', 'kv-old-api', 'fail', 107, 7, '"properties"'],
  ['keyvault.soft-delete-retention', 'kv-short-retention', 'fail', 97, 9, '"softDeleteRetentionInDays"'],
  ['managedhsm.purge-protection', 'hsm-bad', 'fail', 165, 9, '"enablePurgeProtection"'],
];

const KEYVAULT_V2: [string, string, string, number, number, string][] = [
  ['key.ec-allowed-curves', 'kv-good/key-ec', 'fail', 72, 9, '"curveName"'],
  ['key.expiration-set', 'kv-good/key-weak', 'fail', 59, 7, '"properties"'],
  ['key.hsm-backed', 'kv-good/key-weak', 'fail', 60, 9, '"kty"'],
  ['key.kek-operations', 'kv-good/key-ec', 'fail', 73, 9, '"keyOps"'],
  ['key.kek-operations', 'kv-good/key-weak', 'fail', 62, 9, '"keyOps"'],
  ['key.rotation-policy', 'kv-good/key-ec', 'fail', 75, 29, '"lifetimeActions"'],
  ['key.rotation-policy', 'kv-good/key-weak', 'fail', 59, 7, '"properties"'],
  ['key.rsa-minimum-size', 'kv-good/key-weak', 'fail', 61, 9, '"keySize"'],
  ['keyvault.access-policy-least-privilege', 'kv-bad', 'fail', 90, 9, '"accessPolicies"'],
  ['keyvault.purge-protection', 'kv-bad', 'fail', 88, 9, '"enablePurgeProtection"'],
  ['keyvault.purge-protection', 'kv-deploy-time', 'unknown', 133, 9, '"enablePurgeProtection"'],
  ['keyvault.rbac-authorization', 'kv-bad', 'fail', 89, 9, '"enableRbacAuthorization"'],
  ['keyvault.soft-delete', 'kv-bad', 'fail', 87, 9, '"EnableSoftDelete"'],
  ['keyvault.soft-delete', 'kv-old-api', 'fail', 118, 7, '"properties"'],
  ['keyvault.soft-delete-retention', 'kv-short-retention', 'fail', 108, 9, '"softDeleteRetentionInDays"'],
  ['managedhsm.purge-protection', 'hsm-bad', 'fail', 180, 9, '"enablePurgeProtection"'],
];

const CMK_V1: [string, string, string, number, number, string][] = [
  ['cmk.aks-cluster', 'aks-bad', 'fail', 35, 7, '"properties"'],
  ['cmk.app-configuration', 'appcs-bad', 'fail', 66, 13, '"keyIdentifier"'],
  ['cmk.cognitive-services', 'cog-bad', 'fail', 99, 7, '"properties"'],
  ['cmk.container-registry', 'acr-bad', 'fail', 130, 11, '"status"'],
  ['cmk.cosmos-db', 'cosmos-bad', 'fail', 151, 7, '"properties"'],
  ['cmk.data-factory', 'adf-bad', 'fail', 172, 7, '"properties"'],
  ['cmk.databricks', 'dbw-bad', 'fail', 224, 7, '"properties"'],
  ['cmk.disk-encryption-set', 'des-bad', 'fail', 251, 7, '"properties"'],
  ['cmk.event-hubs', 'evhns-bad', 'fail', 285, 7, '"properties"'],
  ['cmk.log-analytics-cluster', 'log-bad', 'fail', 321, 7, '"properties"'],
  ['cmk.machine-learning', 'mlw-bad', 'fail', 347, 7, '"properties"'],
  ['cmk.managed-disk', 'disk-bad', 'fail', 384, 11, '"type"'],
  ['cmk.mysql-flexible', 'mysql-bad', 'fail', 410, 11, '"type"'],
  ['cmk.postgresql-flexible', 'psql-bad', 'fail', 434, 7, '"properties"'],
  ['cmk.service-bus', 'sbns-bad', 'fail', 468, 7, '"properties"'],
  ['cmk.sql-managed-instance', 'sqlmi-bad', 'fail', 487, 7, '"properties"'],
  ['cmk.sql-server', 'sql-bad', 'fail', 506, 7, '"properties"'],
  ['cmk.storage-account', 'st-bad', 'fail', 540, 11, '"keySource"'],
  ['cmk.storage-account', 'st-deploy-time', 'unknown', 583, 13, '"keyname"'],
  ['cmk.synapse', 'syn-bad', 'fail', 565, 7, '"properties"'],
];

/** The 2.0 file has one more line above every resource (its `languageVersion`); the rest is the same. */
const CMK_V2 = CMK_V1.map(
  ([rule, name, status, line, column, text]) =>
    [rule, name, status, line + 1, column, text] as [string, string, string, number, number, string],
);

const cases = [
  ['keyvault.v1.json', KEYVAULT_V1],
  ['keyvault.v2.json', KEYVAULT_V2],
  ['cmk.v1.json', CMK_V1],
  ['cmk.v2.json', CMK_V2],
] as const;

const documents = new Map<string, FindingsDocument>();

/**
 * Rules that judge a data resource through the key it uses: these fixtures
 * name keys in vaults they do not declare, so those rules are unknown here.
 * test/arm/template-relations.test.ts covers them on templates.
 */
const THROUGH_THE_KEY = new Set([
  'cmk.key-resolvable',
  'cmk.key-store-protected',
  'cmk.key-size-for-service',
  'cmk.key-access-scoped',
  'cmk.fips-level-for-data',
  'keystore.fips-level',
]);

describe('built-in rules on templates (fixtures/arm/rules)', () => {
  beforeAll(async () => {
    for (const [file] of cases) {
      const { code, document } = await scanJson(['--template', `fixtures/arm/rules/${file}`, '--fail-on', 'none']);
      expect([file, code, document.scan.errors]).toEqual([file, 0, []]);
      documents.set(file, document);
    }
  });

  test.each(cases.map(([file, rows]) => [file, rows]))('%s: exact findings, each at the line to change', (file, rows) => {
    expect(findingRows(documents.get(file)!).filter(([rule]) => !THROUGH_THE_KEY.has(rule))).toEqual(rows);
  });

  test.each(['v1', 'v2'])('languageVersion %s: every built-in rule both passes and fails on some template resource', (version) => {
    const { rules } = loadRules([builtinRulesDir], { useCache: false });
    const tally = new Map<string, { pass: number; fail: number }>();
    for (const file of [`keyvault.${version}.json`, `cmk.${version}.json`]) {
      for (const [id, counts] of Object.entries(documents.get(file)!.summary.byRule)) {
        const seen = tally.get(id) ?? { pass: 0, fail: 0 };
        tally.set(id, { pass: seen.pass + counts.pass, fail: seen.fail + counts.fail });
      }
    }
    const uncovered = rules
      .map((rule) => rule.id)
      .filter((id) => !THROUGH_THE_KEY.has(id))
      .filter((id) => !(tally.get(id)!.pass > 0 && tally.get(id)!.fail > 0));
    expect(uncovered).toEqual([]);
    expect(rules).toHaveLength(31 + THROUGH_THE_KEY.size);
  });

  test('both language versions give the same findings (names, rules, statuses)', () => {
    const strip = (file: string): string[] => findingRows(documents.get(file)!).map(([rule, name, status]) => `${rule} ${name} ${status}`);
    expect(strip('keyvault.v2.json')).toEqual(strip('keyvault.v1.json'));
    expect(strip('cmk.v2.json')).toEqual(strip('cmk.v1.json'));
  });

  test('child resources get their full type and name, nested or declared with a full name', () => {
    const keys = documents
      .get('keyvault.v1.json')!
      .findings.filter((f) => f.ruleId === 'key.kek-operations')
      .map((f) => [f.resource.type, f.resource.name, f.resource.id]);
    expect(keys).toEqual([
      [
        'microsoft.keyvault/vaults/keys',
        'kv-good/key-ec',
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv-good/keys/key-ec',
      ],
      [
        'microsoft.keyvault/vaults/keys',
        'kv-good/key-weak',
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv-good/keys/key-weak',
      ],
    ]);
  });

  test('a soft-delete flag left out means on from API version 2019-09-01, off before it', () => {
    const soft = documents.get('keyvault.v1.json')!.summary.byRule['keyvault.soft-delete']!;
    // kv-good, kv-short-retention ("true" as a string) and kv-deploy-time (flag absent at 2023-07-01) pass;
    // kv-bad (false) and kv-old-api (absent at 2018-02-14) fail.
    expect(soft).toEqual({ severity: 'high', pass: 3, fail: 2, unknown: 0, notApplicable: 0 });
  });
});
