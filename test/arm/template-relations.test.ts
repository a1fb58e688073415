import { scanJson } from './support.js';

/** Outcome counts of the rules that read relations, by rule id. */
type Tally = Record<string, { pass: number; fail: number; unknown: number; notApplicable: number }>;

const RELATIONAL = [
  'cmk.key-resolvable',
  'cmk.key-store-protected',
  'cmk.key-size-for-service',
  'cmk.key-access-scoped',
  'cmk.fips-level-for-data',
  'keystore.fips-level',
  'key.kek-operations',
];

function relationalRows(byRule: Tally): string[] {
  return RELATIONAL.map((id) => {
    const t = byRule[id]!;
    return `${id} pass=${t.pass} fail=${t.fail} unknown=${t.unknown} n/a=${t.notApplicable}`;
  });
}

describe('relations inside one template', () => {
  test('a vault, a key and a storage account declared together: the key reference resolves to the declared key', async () => {
    const { document } = await scanJson(['--template', 'fixtures/arm/relations/vault-key-storage.json', '--fail-on', 'none']);
    expect(document.scan.errors).toEqual([]);
    // The key is found by the vault's computed URI and the key name: it exists, sits in a premium vault with
    // purge protection, is RSA 3072 and limited to wrap and unwrap. Only the identity's grants wait for deployment.
    expect(relationalRows(document.summary.byRule as Tally)).toEqual([
      'cmk.key-resolvable pass=1 fail=0 unknown=0 n/a=0',
      'cmk.key-store-protected pass=1 fail=0 unknown=0 n/a=0',
      'cmk.key-size-for-service pass=1 fail=0 unknown=0 n/a=0',
      'cmk.key-access-scoped pass=0 fail=0 unknown=1 n/a=0',
      'cmk.fips-level-for-data pass=0 fail=0 unknown=0 n/a=1',
      'keystore.fips-level pass=0 fail=0 unknown=0 n/a=1',
      'key.kek-operations pass=1 fail=0 unknown=0 n/a=0',
    ]);
    const posture = (document as unknown as { posture: { resources: Record<string, unknown>[] } }).posture.resources;
    expect(posture).toEqual([
      {
        id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.Storage/storageAccounts/stcmkdemo',
        type: 'microsoft.storage/storageaccounts',
        name: 'stcmkdemo',
        subscriptionId: '00000000-0000-0000-0000-000000000000',
        model: 'customer-managed-key-vault',
        keyStores: [
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv-cmk-demo',
        ],
        fipsLevel: 2,
        keyState: 'resolved',
      },
    ]);
  });

  test('the Bicep form (symbolic names, language 2.0) resolves the same way', async () => {
    const { document } = await scanJson(['--template', 'fixtures/arm/relations/vault-key-storage.symbolic.json', '--fail-on', 'none']);
    const byRule = document.summary.byRule as Tally;
    expect([byRule['cmk.key-resolvable']!.pass, byRule['cmk.key-store-protected']!.pass, byRule['key.kek-operations']!.pass]).toEqual([
      1, 1, 1,
    ]);
  });

  test('a key in a vault the template does not declare is unknown, never a pass', async () => {
    const { document } = await scanJson(['--template', 'fixtures/arm/relations/key-in-existing-vault.json', '--fail-on', 'none']);
    const byRule = document.summary.byRule as Tally;
    expect(byRule['cmk.key-resolvable']!.pass).toBe(0);
    expect(byRule['cmk.key-resolvable']!.unknown).toBe(1);
  });

  test('what the declared vault and key lack is reported on the resources that depend on them, at their lines', async () => {
    const { code, document } = await scanJson(['--template', 'fixtures/arm/relations/standard-vault-without-purge-protection.json']);
    expect(code).toBe(1);
    expect(relationalRows(document.summary.byRule as Tally)).toEqual([
      'cmk.key-resolvable pass=1 fail=0 unknown=0 n/a=0',
      'cmk.key-store-protected pass=0 fail=1 unknown=0 n/a=0',
      'cmk.key-size-for-service pass=1 fail=0 unknown=0 n/a=0',
      'cmk.key-access-scoped pass=0 fail=0 unknown=1 n/a=0',
      'cmk.fips-level-for-data pass=0 fail=1 unknown=0 n/a=0',
      'keystore.fips-level pass=0 fail=1 unknown=0 n/a=0',
      'key.kek-operations pass=0 fail=1 unknown=0 n/a=0',
    ]);
    const rows = document.findings
      .filter((f) => RELATIONAL.includes(f.ruleId))
      .map((f) => `${f.ruleId} ${f.resource.name} ${f.status} ${f.location.line}:${f.location.column}`);
    expect(rows).toEqual([
      'cmk.fips-level-for-data stweakdemo fail 31:5',
      'cmk.key-access-scoped stweakdemo unknown 41:7',
      'cmk.key-store-protected stweakdemo fail 41:7',
      'key.kek-operations kv-weak-demo/storage-key fail 29:54',
      'keystore.fips-level kv-weak-demo fail 11:5',
    ]);
  });
});
