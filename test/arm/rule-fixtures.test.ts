import { builtinRulesDir, loadRules } from '../../src/rules/index.js';
import { findingRows, scanJson, type FindingsDocument } from './support.js';

/**
 * One template per area and language version holds a compliant and a
 * violating resource for every built-in rule (the new services' are their
 * rule files' first pass and fail examples) (plus a value only known at
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
  ['cmk.api-for-fhir', 'api-for-fhir-bad', 'fail', 626, 9, '"cosmosDbConfiguration"'],
  ['cmk.app-configuration', 'appcs-bad', 'fail', 66, 13, '"keyIdentifier"'],
  ['cmk.arc-sql-managed-instance', 'arc-sql-managed-instance-bad', 'fail', 674, 11, '"spec"'],
  ['cmk.automation-account', 'automation-account-bad', 'fail', 726, 7, '"properties"'],
  ['cmk.backup-vault', 'backup-vault-bad', 'fail', 802, 9, '"securitySettings"'],
  ['cmk.batch-account', 'batch-account-bad', 'fail', 841, 7, '"properties"'],
  ['cmk.bot-service', 'bot-service-bad', 'fail', 887, 9, '"isCmekEnabled"'],
  ['cmk.cassandra-managed-instance', 'cassandra-managed-instance-parent/cassandra-managed-instance-bad', 'fail', 915, 7, '"properties"'],
  ['cmk.cognitive-services', 'cog-bad', 'fail', 99, 7, '"properties"'],
  ['cmk.container-instance', 'container-instance-bad', 'fail', 983, 7, '"properties"'],
  ['cmk.container-registry', 'acr-bad', 'fail', 130, 11, '"status"'],
  ['cmk.cosmos-db', 'cosmos-bad', 'fail', 151, 7, '"properties"'],
  ['cmk.cosmos-mongo-vcore', 'cosmos-mongo-vcore-bad', 'fail', 1063, 7, '"properties"'],
  ['cmk.cosmos-postgresql', 'cosmos-postgresql-bad', 'fail', 1117, 7, '"properties"'],
  ['cmk.data-box', 'data-box-bad', 'fail', 1176, 9, '"details"'],
  ['cmk.data-explorer', 'data-explorer-bad', 'fail', 1229, 7, '"properties"'],
  ['cmk.data-factory', 'adf-bad', 'fail', 172, 7, '"properties"'],
  ['cmk.databricks', 'dbw-bad', 'fail', 224, 7, '"properties"'],
  ['cmk.device-update', 'device-update-bad', 'fail', 1279, 7, '"properties"'],
  ['cmk.dicom-service', 'dicom-service-parent/dicom-service-bad', 'fail', 1322, 7, '"properties"'],
  ['cmk.disk-encryption-set', 'des-bad', 'fail', 251, 7, '"properties"'],
  ['cmk.elastic-san-volume-group', 'elastic-san-volume-group-parent/elastic-san-volume-group-bad', 'fail', 1373, 9, '"encryption"'],
  ['cmk.event-hubs', 'evhns-bad', 'fail', 285, 7, '"properties"'],
  ['cmk.fhir-service', 'fhir-service-parent/fhir-service-bad', 'fail', 1425, 7, '"properties"'],
  ['cmk.fluid-relay', 'fluid-relay-bad', 'fail', 1472, 7, '"properties"'],
  ['cmk.hdinsight', 'hdinsight-bad', 'fail', 1524, 9, '"diskEncryptionProperties"'],
  ['cmk.health-bot', 'health-bot-bad', 'fail', 1567, 7, '"properties"'],
  ['cmk.hpc-cache', 'hpc-cache-bad', 'fail', 1606, 7, '"properties"'],
  ['cmk.image', 'image-bad', 'fail', 1646, 11, '"osDisk"'],
  ['cmk.iot-dps', 'iot-dps-bad', 'fail', 1715, 7, '"properties"'],
  ['cmk.iot-hub', 'iot-hub-bad', 'fail', 1771, 7, '"properties"'],
  ['cmk.load-testing', 'load-testing-bad', 'fail', 1808, 7, '"properties"'],
  ['cmk.log-analytics-cluster', 'log-bad', 'fail', 321, 7, '"properties"'],
  ['cmk.log-analytics-workspace', 'log-analytics-workspace-bad', 'fail', 1846, 9, '"features"'],
  ['cmk.log-search-alert', 'log-search-alert-bad', 'fail', 1880, 7, '"properties"'],
  ['cmk.machine-learning', 'mlw-bad', 'fail', 347, 7, '"properties"'],
  ['cmk.managed-disk', 'disk-bad', 'fail', 384, 11, '"type"'],
  ['cmk.managed-lustre', 'managed-lustre-bad', 'fail', 1931, 7, '"properties"'],
  ['cmk.mysql-flexible', 'mysql-bad', 'fail', 410, 11, '"type"'],
  ['cmk.netapp-account', 'netapp-account-bad', 'fail', 1973, 7, '"properties"'],
  ['cmk.postgresql-flexible', 'psql-bad', 'fail', 434, 7, '"properties"'],
  ['cmk.recovery-services-vault', 'recovery-services-vault-bad', 'fail', 2017, 7, '"properties"'],
  ['cmk.redis-enterprise', 'redis-enterprise-bad', 'fail', 2063, 7, '"properties"'],
  ['cmk.search-service', 'search-service-bad', 'fail', 2102, 7, '"properties"'],
  ['cmk.service-bus', 'sbns-bad', 'fail', 468, 7, '"properties"'],
  ['cmk.snapshot', 'snapshot-bad', 'fail', 2167, 11, '"type"'],
  ['cmk.sql-managed-instance', 'sqlmi-bad', 'fail', 487, 7, '"properties"'],
  ['cmk.sql-server', 'sql-bad', 'fail', 506, 7, '"properties"'],
  ['cmk.storage-account', 'st-bad', 'fail', 540, 11, '"keySource"'],
  ['cmk.storage-account', 'st-deploy-time', 'unknown', 583, 13, '"keyname"'],
  ['cmk.storage-encryption-scope', 'storage-encryption-scope-parent/storage-encryption-scope-bad', 'fail', 2197, 9, '"source"'],
  // The storage accounts with a customer-managed key leave queues and tables on Microsoft-managed keys.
  ['cmk.storage-queue-table', 'st-deploy-time', 'fail', 579, 9, '"encryption"'],
  ['cmk.storage-queue-table', 'st-good', 'fail', 520, 9, '"encryption"'],
  ['cmk.storage-queue-table', 'storage-queue-table-bad', 'fail', 2257, 11, '"services"'],
  ['cmk.stream-analytics', 'stream-analytics-bad', 'fail', 2301, 7, '"properties"'],
  ['cmk.synapse', 'syn-bad', 'fail', 565, 7, '"properties"'],
  ['cmk.virtual-machine', 'virtual-machine-bad', 'fail', 2388, 13, '"managedDisk"'],
  ['cmk.vm-scale-set', 'vm-scale-set-bad', 'fail', 2482, 15, '"managedDisk"'],
  ['cmk.vmware-private-cloud', 'vmware-private-cloud-bad', 'fail', 2546, 11, '"status"'],
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
    expect(rules).toHaveLength(69 + THROUGH_THE_KEY.size);
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
