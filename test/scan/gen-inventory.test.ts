import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasShared, runCli, sharedDir } from '../helpers.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
const set = (value: unknown): boolean => value !== undefined && value !== null && value !== '';
const oneOf = (value: unknown, list: string[]): boolean => list.some((item) => lower(item) === lower(value));

/**
 * Each built-in rule restated as a plain predicate over a generated record
 * ("does this resource violate it?"), written from the rule's documentation,
 * not from the engine. The test asserts the engine finds exactly these.
 */
const violations: Record<string, { type: string[]; violates: (r: Row) => boolean }> = {
  'keyvault.soft-delete': { type: ['microsoft.keyvault/vaults'], violates: (r) => r.properties.enableSoftDelete !== true },
  'keyvault.purge-protection': { type: ['microsoft.keyvault/vaults'], violates: (r) => r.properties.enablePurgeProtection !== true },
  'keyvault.soft-delete-retention': {
    type: ['microsoft.keyvault/vaults'],
    violates: (r) =>
      r.properties.enableSoftDelete === true && set(r.properties.softDeleteRetentionInDays) && r.properties.softDeleteRetentionInDays < 90,
  },
  'keyvault.rbac-authorization': { type: ['microsoft.keyvault/vaults'], violates: (r) => r.properties.enableRbacAuthorization !== true },
  'keyvault.access-policy-least-privilege': {
    type: ['microsoft.keyvault/vaults'],
    violates: (r) =>
      (r.properties.accessPolicies ?? []).some((p: Row) => (p.permissions?.keys ?? []).some((k: string) => oneOf(k, ['all', 'purge']))),
  },
  'managedhsm.purge-protection': {
    type: ['microsoft.keyvault/managedhsms'],
    violates: (r) => r.properties.enableSoftDelete !== true || r.properties.enablePurgeProtection !== true,
  },
  'key.rsa-minimum-size': {
    type: ['microsoft.keyvault/vaults/keys'],
    violates: (r) => oneOf(r.properties.kty, ['RSA', 'RSA-HSM']) && !(r.properties.keySize >= 2048),
  },
  'key.ec-allowed-curves': {
    type: ['microsoft.keyvault/vaults/keys'],
    violates: (r) => oneOf(r.properties.kty, ['EC', 'EC-HSM']) && !oneOf(r.properties.curveName, ['P-256', 'P-384', 'P-521']),
  },
  'key.hsm-backed': {
    type: ['microsoft.keyvault/vaults/keys'],
    violates: (r) => !oneOf(r.properties.kty, ['RSA-HSM', 'EC-HSM', 'oct-HSM']),
  },
  'key.expiration-set': { type: ['microsoft.keyvault/vaults/keys'], violates: (r) => !set(r.properties.attributes?.exp) },
  'key.rotation-policy': {
    type: ['microsoft.keyvault/vaults/keys'],
    violates: (r) => !(r.properties.rotationPolicy?.lifetimeActions ?? []).some((a: Row) => lower(a.action?.type) === 'rotate'),
  },
  'key.kek-operations': {
    type: ['microsoft.keyvault/vaults/keys'],
    violates: (r) => !Array.isArray(r.properties.keyOps) || r.properties.keyOps.some((op: string) => !oneOf(op, ['wrapKey', 'unwrapKey'])),
  },
  'cmk.storage-account': {
    type: ['microsoft.storage/storageaccounts'],
    violates: (r) =>
      lower(r.properties.encryption?.keySource) !== 'microsoft.keyvault' || !set(r.properties.encryption?.keyvaultproperties?.keyname),
  },
  'cmk.sql-server': { type: ['microsoft.sql/servers'], violates: (r) => !set(r.properties.keyId) },
  'cmk.cosmos-db': { type: ['microsoft.documentdb/databaseaccounts'], violates: (r) => !set(r.properties.keyVaultKeyUri) },
  'cmk.managed-disk': {
    type: ['microsoft.compute/disks'],
    violates: (r) =>
      !oneOf(r.properties.encryption?.type, ['EncryptionAtRestWithCustomerKey', 'EncryptionAtRestWithPlatformAndCustomerKeys']) ||
      !set(r.properties.encryption?.diskEncryptionSetId),
  },
  'cmk.disk-encryption-set': {
    type: ['microsoft.compute/diskencryptionsets'],
    violates: (r) =>
      !oneOf(r.properties.encryptionType, [
        'EncryptionAtRestWithCustomerKey',
        'EncryptionAtRestWithPlatformAndCustomerKeys',
        'ConfidentialVmEncryptedWithCustomerKey',
      ]) || !set(r.properties.activeKey?.keyUrl),
  },
  'cmk.aks-cluster': { type: ['microsoft.containerservice/managedclusters'], violates: (r) => !set(r.properties.diskEncryptionSetID) },
  'cmk.postgresql-flexible': {
    type: ['microsoft.dbforpostgresql/flexibleservers'],
    violates: (r) => lower(r.properties.dataEncryption?.type) !== 'azurekeyvault' || !set(r.properties.dataEncryption?.primaryKeyURI),
  },
  'cmk.mysql-flexible': {
    type: ['microsoft.dbformysql/flexibleservers'],
    violates: (r) => lower(r.properties.dataEncryption?.type) !== 'azurekeyvault' || !set(r.properties.dataEncryption?.primaryKeyURI),
  },
  'cmk.container-registry': {
    type: ['microsoft.containerregistry/registries'],
    violates: (r) =>
      lower(r.properties.encryption?.status) !== 'enabled' || !set(r.properties.encryption?.keyVaultProperties?.keyIdentifier),
  },
};

const describeShared = hasShared ? describe : describe.skip;

describeShared('scan of a generated inventory (../shared/bench/gen-inventory.mjs)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyscope-gen-'));
  const generate = (count: number, seed: number, ndjson: boolean): { file: string; rows: Row[] } => {
    const args = [
      path.join(sharedDir, 'bench', 'gen-inventory.mjs'),
      String(count),
      '--seed',
      String(seed),
      ...(ndjson ? ['--ndjson'] : []),
    ];
    const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    const file = path.join(dir, `inv-${count}-${seed}.${ndjson ? 'ndjson' : 'json'}`);
    writeFileSync(file, out.stdout);
    const rows = ndjson
      ? out.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Row)
      : (JSON.parse(out.stdout) as Row[]);
    return { file, rows };
  };

  test.each([
    [4000, 7, false],
    [3000, 11, true],
  ])('%i resources (seed %i, ndjson %s): exactly the violating resources, for every rule', (count, seed, ndjson) => {
    const { file, rows } = generate(count, seed, ndjson);
    const expected: string[] = [];
    for (const [ruleId, rule] of Object.entries(violations)) {
      for (const row of rows) if (rule.type.includes(lower(row.type)) && rule.violates(row)) expected.push(`${ruleId} ${row.id}`);
    }
    const result = runCli(['scan', '--input', file, '--format', 'json', '--fail-on', 'none']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      findings: { ruleId: string; status: string; resource: { id: string } }[];
      summary: { resources: number };
    };
    expect(document.summary.resources).toBe(count);
    expect(document.findings.every((f) => f.status === 'fail')).toBe(true);
    const actual = document.findings.filter((f) => f.ruleId in violations).map((f) => `${f.ruleId} ${f.resource.id}`);
    expect(actual.sort()).toEqual(expected.sort());
    // Every rule with data in the inventory is exercised both ways.
    for (const ruleId of [
      'keyvault.purge-protection',
      'key.rsa-minimum-size',
      'key.kek-operations',
      'cmk.storage-account',
      'cmk.sql-server',
    ]) {
      expect(expected.some((line) => line.startsWith(`${ruleId} `))).toBe(true);
    }
  });
});
