import type { Resource } from '../../src/model/index.js';
import { TerraformSource } from '../../src/sources/terraform/terraform-source.js';
import { fixture, runInProcess } from '../helpers.js';

// The provider's default for queue_encryption_key_type and table_encryption_key_type: queues and tables on Microsoft-managed keys.
const SERVICE_KEY_TYPES = { queue: { keyType: 'Service' }, table: { keyType: 'Service' } };

async function storageAccount(name: string): Promise<Resource> {
  const source = new TerraformSource(`fixtures/terraform/${name}`, { path: fixture('terraform', name) });
  const resources: Resource[] = [];
  for await (const batch of source.batches({ report: () => undefined })) resources.push(...batch.resources);
  return resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts')!;
}

interface Report {
  summary: { byRule: Record<string, { pass: number; fail: number; unknown: number }> };
  findings: { ruleId: string; status: string; cause?: string; message: string; evidence: { state: string; cause?: string }[] }[];
}

async function scan(name: string): Promise<{ code: number; report: Report }> {
  const result = await runInProcess(['scan', '--plan', `fixtures/terraform/${name}`, '--format', 'json']);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

/**
 * `customer_managed_key { key_vault_key_id = azurerm_key_vault_key.k.id }`, the key created in the same
 * plan: the id is known only after apply, but the provider validates it as a key id, so the account
 * certainly uses a customer-managed key; which key is what stays unknown.
 */
describe('Terraform: a key id known only after apply is present', () => {
  test('the record marks the vault URI and key name present (strings), the optional version only unknown', async () => {
    const account = await storageAccount('storage-key-same-plan.plan.json');
    expect(account.unknown).toEqual([
      'identity.principalid',
      'identity.tenantid',
      'properties.encryption.keyvaultproperties.keyname',
      'properties.encryption.keyvaultproperties.keyvaulturi',
      'properties.encryption.keyvaultproperties.keyversion',
    ]);
    expect(account.present).toEqual({
      'properties.encryption.keyvaultproperties.keyname': 'string',
      'properties.encryption.keyvaultproperties.keyvaulturi': 'string',
    });
    expect((account.properties as { encryption: unknown }).encryption).toEqual({
      keySource: 'Microsoft.Keyvault',
      identity: { userAssignedIdentity: expect.stringMatching(/id-storage$/) as unknown },
      requireInfrastructureEncryption: true,
      services: SERVICE_KEY_TYPES,
    });
  });

  test('cmk.storage-account passes; cmk.key-resolvable stays unknown with cause deploy-time-value', async () => {
    const { code, report } = await scan('storage-key-same-plan.plan.json');
    expect(report.summary.byRule['cmk.storage-account']).toMatchObject({ pass: 1, fail: 0, unknown: 0 });
    expect(report.summary.byRule['cmk.key-resolvable']).toMatchObject({ pass: 0, fail: 0, unknown: 1 });
    expect(report.findings.filter((f) => f.ruleId === 'cmk.key-resolvable').map((f) => [f.status, f.cause, f.message])).toEqual([
      [
        'unknown',
        'deploy-time-value',
        "microsoft.storage/storageaccounts 'stordersdata' could not be evaluated: key '': properties.attributes.enabled is not known (expected notEquals false; the key reference is only known at deployment).",
      ],
    ]);
    expect(report.findings.find((f) => f.ruleId === 'cmk.key-resolvable')!.evidence.map((e) => [e.state, e.cause])).toEqual([
      ['unknown', 'deploy-time-value'],
    ]);
    // The pass decided on the present key id is no unknown: it carries no cause.
    expect(report.findings.some((f) => f.ruleId === 'cmk.storage-account')).toBe(false);
    expect(code).toBe(1); // the unknown critical finding gates, as every unknown does
  });

  test('a customer_managed_key block that is itself unknown proves nothing: cmk.storage-account stays unknown', async () => {
    const account = await storageAccount('storage-cmk-block-unknown.plan.json');
    expect(account.present).toBeUndefined();
    const { report } = await scan('storage-cmk-block-unknown.plan.json');
    expect(report.summary.byRule['cmk.storage-account']).toMatchObject({ pass: 0, fail: 0, unknown: 1 });
  });
});
