import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UNKNOWN_CAUSES } from '../../src/model/index.js';
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
  'cmk.storage-account': {
    type: ['microsoft.storage/storageaccounts'],
    violates: (r) =>
      lower(r.properties.encryption?.keySource) !== 'microsoft.keyvault' || !set(r.properties.encryption?.keyvaultproperties?.keyname),
  },
  'cmk.sql-server': { type: ['microsoft.sql/servers'], violates: (r) => !set(r.properties.keyId) },
  'cmk.cosmos-db': { type: ['microsoft.documentdb/databaseaccounts'], violates: (r) => !set(r.properties.keyVaultKeyUri) },
  'cmk.managed-disk': {
    type: ['microsoft.compute/disks'],
    // Either its encryption block names a set under a customer-key type, or it is a confidential VM disk
    // whose OS disk and guest state are encrypted with the customer key of the set its securityProfile names.
    violates: (r) =>
      !(
        (oneOf(r.properties.encryption?.type, ['EncryptionAtRestWithCustomerKey', 'EncryptionAtRestWithPlatformAndCustomerKeys']) &&
          set(r.properties.encryption?.diskEncryptionSetId)) ||
        (oneOf(r.properties.securityProfile?.securityType, ['ConfidentialVM_DiskEncryptedWithCustomerKey']) &&
          set(r.properties.securityProfile?.secureVMDiskEncryptionSetId))
      ),
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

type State = 'resolved' | 'not-in-scope' | 'dangling';
interface Link {
  state: State;
  /** Why a link not in scope cannot be followed (docs/findings-format.md). */
  cause?: 'store-not-in-scan' | 'keys-not-listed';
  key?: Row;
  store?: Row;
  /** The identity's principal (the disk encryption set's, through one). */
  principal?: string;
}

/**
 * The relations of a generated inventory, worked out by plain loops from the
 * documented semantics (docs/key-management-models.md), not by the index:
 * a key reference names a vault by host and a key by name; a key missing
 * from a vault whose other keys are in the inventory is dangling; a vault or
 * disk encryption set the inventory lacks is not in scope (the generator's
 * disks and clusters name sets in a subscription whose sets it seldom has).
 */
function relationsOf(rows: Row[]): { links: Map<Row, Link[]>; keyUsers: Map<string, Row[]>; storeUsers: Map<string, Row[]> } {
  const vaults = new Map<string, Row>();
  const keys = new Map<string, Row>();
  const listed = new Set<string>();
  const sets = new Map<string, Row>();
  const setSubscriptions = new Set<string>();
  for (const row of rows) {
    const type = lower(row.type);
    if (type === 'microsoft.keyvault/vaults') vaults.set(new URL(row.properties.vaultUri).hostname.split('.')[0]!, row);
    if (type === 'microsoft.keyvault/vaults/keys') {
      keys.set(lower(row.id), row);
      listed.add(lower(row.id).split('/keys/')[0]!);
    }
    if (type === 'microsoft.compute/diskencryptionsets') {
      sets.set(lower(row.id), row);
      setSubscriptions.add(lower(row.subscriptionId));
    }
  }
  const byUri = (uri: string, principal: string | undefined): Link => {
    const url = new URL(uri);
    const vault = vaults.get(url.hostname.split('.')[0]!);
    if (!vault) return { state: 'not-in-scope', cause: 'store-not-in-scan', principal };
    const name = url.pathname.split('/')[2]!;
    const key = keys.get(`${lower(vault.id)}/keys/${lower(name)}`);
    if (key) return { state: 'resolved', key, store: vault, principal };
    return listed.has(lower(vault.id))
      ? { state: 'dangling', store: vault, principal }
      : { state: 'not-in-scope', cause: 'keys-not-listed', store: vault, principal };
  };
  const principalOf = (row: Row): string | undefined => row.identity?.principalId;
  const desLink = (row: Row): Link => byUri(row.properties.activeKey.keyUrl, principalOf(row));
  const throughSet = (id: string): Link => {
    const set = sets.get(lower(id));
    if (set) return desLink(set);
    return setSubscriptions.has(lower(id.split('/')[2])) ? { state: 'dangling' } : { state: 'not-in-scope', cause: 'store-not-in-scan' };
  };
  const linksOf = (row: Row): Link[] => {
    const p = row.properties;
    switch (lower(row.type)) {
      case 'microsoft.storage/storageaccounts':
        if (lower(p.encryption?.keySource) !== 'microsoft.keyvault') return [];
        return [byUri(`${p.encryption.keyvaultproperties.keyvaulturi}keys/${p.encryption.keyvaultproperties.keyname}`, principalOf(row))];
      case 'microsoft.documentdb/databaseaccounts':
        return set(p.keyVaultKeyUri) ? [byUri(p.keyVaultKeyUri, principalOf(row))] : [];
      case 'microsoft.dbforpostgresql/flexibleservers':
      case 'microsoft.dbformysql/flexibleservers':
        // The generator's identity id names no identity attached to the server: not known.
        return lower(p.dataEncryption?.type) === 'azurekeyvault' ? [byUri(p.dataEncryption.primaryKeyURI, undefined)] : [];
      case 'microsoft.sql/servers':
        return set(p.keyId) ? [byUri(p.keyId, principalOf(row))] : [];
      case 'microsoft.containerregistry/registries':
        // The registry names its identity by a client id no attached identity has: not known.
        return lower(p.encryption?.status) === 'enabled' ? [byUri(p.encryption.keyVaultProperties.keyIdentifier, undefined)] : [];
      case 'microsoft.compute/diskencryptionsets':
        return [desLink(row)];
      case 'microsoft.compute/disks':
        return [
          ...(oneOf(p.encryption?.type, ['EncryptionAtRestWithCustomerKey', 'EncryptionAtRestWithPlatformAndCustomerKeys'])
            ? [throughSet(p.encryption.diskEncryptionSetId)]
            : []),
          // A confidential VM disk under a customer key names its set in securityProfile.
          ...(oneOf(p.securityProfile?.securityType, ['ConfidentialVM_DiskEncryptedWithCustomerKey'])
            ? [throughSet(p.securityProfile.secureVMDiskEncryptionSetId)]
            : []),
        ];
      case 'microsoft.containerservice/managedclusters':
        return set(p.diskEncryptionSetID) ? [throughSet(p.diskEncryptionSetID)] : [];
      default:
        return [];
    }
  };
  const links = new Map<Row, Link[]>();
  const keyUsers = new Map<string, Row[]>();
  const storeUsers = new Map<string, Row[]>();
  for (const row of rows) {
    const found = linksOf(row);
    if (found.length === 0) continue;
    links.set(row, found);
    for (const link of found) {
      if (link.state !== 'resolved') continue;
      keyUsers.set(lower(link.key!.id), [...(keyUsers.get(lower(link.key!.id)) ?? []), row]);
      storeUsers.set(lower(link.store!.id), [...(storeUsers.get(lower(link.store!.id)) ?? []), row]);
    }
  }
  return { links, keyUsers, storeUsers };
}

const tagLevel = (row: Row | undefined): number => Number(row?.tags?.['fips-level'] ?? 0);
const SERVICE_MINIMUM: Record<string, number> = { 'microsoft.sql/servers': 3072 };
/** FIPS level of a resolved key: Standard vault or software key 1, Premium HSM key 2 (platform not recorded). */
const keyLevel = (link: Link): number =>
  lower(link.store!.properties.sku.name) === 'premium' && /-hsm$/i.test(link.key!.properties.kty) ? 2 : 1;

/**
 * The relational rules restated over those relations: each gives the status
 * a resource should get (`fail` or `unknown`), or undefined for pass and
 * not applicable.
 */
function relationalExpectations(rows: Row[]): string[] {
  const { links, keyUsers, storeUsers } = relationsOf(rows);
  const out: string[] = [];
  const add = (rule: string, row: Row, status: string | undefined): void => {
    if (status) out.push(`${rule} ${row.id} ${status}`);
  };
  for (const [row, found] of links) {
    const link = found[0]!;
    add('cmk.key-resolvable', row, link.state === 'dangling' ? 'fail' : link.state === 'not-in-scope' ? 'unknown' : undefined);
    if (link.state === 'dangling') continue; // the other rules leave a dangling key to cmk.key-resolvable
    const store = link.store?.properties;
    add(
      'cmk.key-store-protected',
      row,
      !store ? 'unknown' : store.enableSoftDelete === false || store.enablePurgeProtection !== true ? 'fail' : undefined,
    );
    if (link.state !== 'resolved') {
      add('cmk.key-size-for-service', row, 'unknown');
      add('cmk.key-access-scoped', row, 'unknown');
    } else {
      const key = link.key!.properties;
      const minimum = SERVICE_MINIMUM[lower(row.type)] ?? 2048;
      const sizeOk =
        oneOf(key.kty, ['RSA', 'RSA-HSM']) &&
        key.keySize >= minimum &&
        (lower(row.type) !== 'microsoft.sql/servers' || key.keySize <= 3072);
      add('cmk.key-size-for-service', row, sizeOk ? undefined : 'fail');
      // No role assignments in the inventory: an RBAC vault's grants are not known. An access-policy
      // vault's only entry is for another principal, so the identity holds nothing beyond its need.
      add('cmk.key-access-scoped', row, link.principal && store.enableRbacAuthorization !== true ? undefined : 'unknown');
    }
    const required = Math.max(tagLevel(row), tagLevel(link.store));
    // A Standard vault holds only software keys: its keys are Level 1 even when the key itself was not read.
    const level =
      link.state === 'resolved' ? keyLevel(link) : link.store && lower(link.store.properties.sku.name) === 'standard' ? 1 : undefined;
    if (required > 0) add('cmk.fips-level-for-data', row, level === undefined ? 'unknown' : level >= required ? undefined : 'fail');
  }
  for (const row of rows) {
    const type = lower(row.type);
    if (type === 'microsoft.keyvault/vaults') {
      const required = Math.max(tagLevel(row), ...(storeUsers.get(lower(row.id)) ?? []).map(tagLevel));
      const provided = lower(row.properties.sku.name) === 'premium' ? 2 : 1;
      if (required > 0) add('keystore.fips-level', row, provided >= required ? undefined : 'fail');
    }
    if (type === 'microsoft.keyvault/vaults/keys' && keyUsers.has(lower(row.id))) {
      const ops = row.properties.keyOps;
      const bad = !Array.isArray(ops) || ops.some((op: string) => !oneOf(op, ['wrapKey', 'unwrapKey']));
      add('key.kek-operations', row, bad ? 'fail' : undefined);
    }
  }
  return out;
}

const RELATIONAL_RULES = [
  'cmk.key-resolvable',
  'cmk.key-store-protected',
  'cmk.key-size-for-service',
  'cmk.key-access-scoped',
  'cmk.fips-level-for-data',
  'keystore.fips-level',
  'key.kek-operations',
];

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
      for (const row of rows) if (rule.type.includes(lower(row.type)) && rule.violates(row)) expected.push(`${ruleId} ${row.id} fail`);
    }
    expected.push(...relationalExpectations(rows));
    const result = runCli(['scan', '--input', file, '--format', 'json', '--fail-on', 'none']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      findings: { ruleId: string; status: string; resource: { id: string } }[];
      summary: { resources: number };
    };
    expect(document.summary.resources).toBe(count);
    const checked = (id: string): boolean => id in violations || RELATIONAL_RULES.includes(id);
    const actual = document.findings.filter((f) => checked(f.ruleId)).map((f) => `${f.ruleId} ${f.resource.id} ${f.status}`);
    expect(actual.sort()).toEqual(expected.sort());
    // Only the relational rules can be unknown here: the rest read nothing the generator leaves out.
    expect(document.findings.filter((f) => f.status === 'unknown' && !RELATIONAL_RULES.includes(f.ruleId))).toEqual([]);
    // Every rule with data in the inventory is exercised both ways.
    for (const ruleId of [
      'keyvault.purge-protection',
      'key.rsa-minimum-size',
      'key.kek-operations',
      'cmk.storage-account',
      'cmk.sql-server',
      ...RELATIONAL_RULES,
    ]) {
      expect([ruleId, expected.some((line) => line.startsWith(`${ruleId} `))]).toEqual([ruleId, true]);
    }
    for (const status of ['fail', 'unknown']) {
      expect(expected.some((line) => line.startsWith('cmk.key-resolvable ') && line.endsWith(` ${status}`))).toBe(true);
    }
  });

  test.each([[[]], [['--grants']]])(
    '20,000 resources (seed 11, %j): every unknown says why, and the text report has one line per cause',
    (extra) => {
      const args = [path.join(sharedDir, 'bench', 'gen-inventory.mjs'), '20000', '--seed', '11', ...extra];
      const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
      const file = path.join(dir, `inv-20000-11${extra.join('')}.json`);
      writeFileSync(file, out.stdout);
      const rows = JSON.parse(out.stdout) as Row[];
      const json = runCli(['scan', '--input', file, '--format', 'json', '--fail-on', 'none']);
      const findings = (
        JSON.parse(json.stdout) as { findings: { ruleId: string; status: string; cause?: string; resource: { id: string } }[] }
      ).findings;
      const unknown = findings.filter((f) => f.status === 'unknown');
      expect(unknown.length).toBeGreaterThan(0);
      expect(unknown.filter((f) => !(UNKNOWN_CAUSES as readonly string[]).includes(f.cause ?? ''))).toEqual([]);
      expect(findings.filter((f) => f.status === 'fail' && f.cause !== undefined)).toEqual([]);
      // A key reference that cannot be followed: the cause worked out from the documented semantics.
      const { links } = relationsOf(rows);
      const expected = [...links].filter(([, found]) => found[0]!.cause).map(([row, found]) => `${row.id} ${found[0]!.cause}`);
      const actual = unknown.filter((f) => f.ruleId === 'cmk.key-resolvable').map((f) => `${f.resource.id} ${f.cause}`);
      expect(actual.sort()).toEqual(expected.sort());

      const counts = new Map<string, number>();
      for (const f of unknown) counts.set(f.cause!, (counts.get(f.cause!) ?? 0) + 1);
      const text = runCli(['scan', '--input', file, '--format', 'text', '--fail-on', 'none']).stdout;
      const section = text.slice(text.indexOf('\nUnknown  '));
      const lines = section
        .split('\n')
        .slice(2)
        .filter((line) => /^ {2}[a-z-]+ +\d+ {2}/.test(line));
      expect(section.split('\n')[1]).toBe(`Unknown  ${unknown.length} findings could not be decided, by cause:`);
      expect(lines.map((line) => line.trim().split(/ +/).slice(0, 2).join(' '))).toEqual(
        UNKNOWN_CAUSES.filter((cause) => counts.has(cause)).map((cause) => `${cause} ${counts.get(cause)}`),
      );
    },
  );
});
