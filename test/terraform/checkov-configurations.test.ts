import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInProcess, sharedDir } from '../helpers.js';

const checkov = path.join(sharedDir, 'reference', 'peer-fixtures', 'tf', 'checkov');
const available = existsSync(checkov);

/**
 * Checkov's Terraform test configurations and its verdicts (its test files,
 * bridgecrewio/checkov tests/terraform/checks/resource/azure/test_<Check>.py,
 * name them: `pass`/`fail` resources, `test_success*`/`test_failure*` files,
 * `expected.yaml`). Each row: the configuration (a folder, or one file of an
 * `inline_` folder: those files each declare the same resource), the
 * resource, the keyscope rule that judges the same thing, Checkov's verdict,
 * and keyscope's. Where they differ, the rule's page says why (`## Notes`).
 */
const VERDICTS: [string, string, string, 'pass' | 'fail', 'pass' | 'fail' | 'unknown'][] = [
  ['AzureManagedDiskEncryptionSet', 'azurerm_managed_disk.pass', 'cmk.managed-disk', 'pass', 'pass'],
  ['AzureManagedDiskEncryptionSet', 'azurerm_managed_disk.fail', 'cmk.managed-disk', 'fail', 'fail'],
  ['CosmosDBHaveCMK', 'azurerm_cosmosdb_account.pass', 'cmk.cosmos-db', 'pass', 'pass'],
  ['CosmosDBHaveCMK', 'azurerm_cosmosdb_account.fail', 'cmk.cosmos-db', 'fail', 'fail'],
  ['StorageCriticalDataEncryptedCMK', 'azurerm_storage_account.ok_storage_account', 'cmk.storage-account', 'pass', 'pass'],
  // Differs: the inline block names no key (`key_vault_key_id = "azurerm_key_vault.example.id"`, a string); docs/rules/cmk.storage-account.md.
  ['StorageCriticalDataEncryptedCMK', 'azurerm_storage_account.ok_inline', 'cmk.storage-account', 'pass', 'fail'],
  ['StorageCriticalDataEncryptedCMK', 'azurerm_storage_account.not_ok_storage_account', 'cmk.storage-account', 'fail', 'fail'],
  ['inline_AKSUsesDiskEncryptionSet/test_success.tf', 'azurerm_kubernetes_cluster.example', 'cmk.aks-cluster', 'pass', 'pass'],
  ['inline_AKSUsesDiskEncryptionSet/test_failure.tf', 'azurerm_kubernetes_cluster.example', 'cmk.aks-cluster', 'fail', 'fail'],
  ['inline_KeyBackedByHSM/test_success1.tf', 'azurerm_key_vault_key.generated', 'key.hsm-backed', 'pass', 'pass'],
  ['inline_KeyBackedByHSM/test_success2.tf', 'azurerm_key_vault_key.generated', 'key.hsm-backed', 'pass', 'pass'],
  ['inline_KeyBackedByHSM/test_failure.tf', 'azurerm_key_vault_key.generated', 'key.hsm-backed', 'fail', 'fail'],
  ['inline_KeyExpirationDate/test_success.tf', 'azurerm_key_vault_key.generated', 'key.expiration-set', 'pass', 'pass'],
  ['inline_KeyExpirationDate/test_failure.tf', 'azurerm_key_vault_key.generated', 'key.expiration-set', 'fail', 'fail'],
  ['inline_KeyVaultEnablesPurgeProtection/test_success.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'pass', 'pass'],
  ['inline_KeyVaultEnablesPurgeProtection/test_failure.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'fail', 'fail'],
  ['inline_KeyVaultEnablesPurgeProtection/test_failure2.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'fail', 'fail'],
  ['inline_KeyVaultEnablesSoftDelete/test_success.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'pass', 'pass'],
  ['inline_KeyVaultEnablesSoftDelete/test_success2.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'pass', 'pass'],
  ['inline_KeyVaultEnablesSoftDelete/test_failure.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'fail', 'fail'],
  // CKV_AZURE_42 asks for soft delete and purge protection together: two keyscope rules.
  ['inline_KeyVaultRecoveryEnabled/test_success.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'pass', 'pass'],
  ['inline_KeyVaultRecoveryEnabled/test_success.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'pass', 'pass'],
  ['inline_KeyVaultRecoveryEnabled/test_success2.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'pass', 'pass'],
  ['inline_KeyVaultRecoveryEnabled/test_success2.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'pass', 'pass'],
  ['inline_KeyVaultRecoveryEnabled/test_failure.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'fail', 'fail'],
  ['inline_KeyVaultRecoveryEnabled/test_failure2.tf', 'azurerm_key_vault.example', 'keyvault.purge-protection', 'fail', 'fail'],
  ['inline_KeyVaultRecoveryEnabled/test_failure2.tf', 'azurerm_key_vault.example', 'keyvault.soft-delete', 'fail', 'fail'],
];

/**
 * Configurations whose resource types keyscope's azurerm tables do not map:
 * no keyscope verdict (each rule's page says so). Single servers
 * (`azurerm_mysql_server`, `azurerm_postgresql_server`) are retired by Azure;
 * App Configuration, Service Bus and Synapse are judged in templates and live scans.
 */
const NOT_MAPPED: [string, string][] = [
  ['AppConfigEncryption', 'azurerm_app_configuration'],
  ['AppConfigPurgeProtection', 'azurerm_app_configuration'],
  ['AzureServicebusHasCMK', 'azurerm_servicebus_namespace'],
  ['MSQLenablesCustomerManagedKey', 'azurerm_mysql_server'],
  ['PGSQLenablesCustomerManagedKey', 'azurerm_postgresql_server'],
  ['SynapseWorkspaceCMKEncryption', 'azurerm_synapse_workspace'],
];

interface Report {
  findings: { ruleId: string; status: string; location: { address?: string; configFile?: string; line?: number } }[];
}

(available ? describe : describe.skip)("Checkov's Terraform configurations (../shared/reference/peer-fixtures/tf/checkov)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keyscope-checkov-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Scans a configuration folder, or one file of a folder copied alone. */
  const scan = async (configuration: string): Promise<{ stderr: string; report: Report }> => {
    let folder = path.join(checkov, configuration);
    if (configuration.endsWith('.tf')) {
      folder = path.join(dir, configuration.replace(/[/.]/g, '_'));
      mkdirSync(folder, { recursive: true });
      cpSync(path.join(checkov, configuration), path.join(folder, path.basename(configuration)));
    }
    const result = await runInProcess(['scan', '--terraform', folder, '--format', 'json']);
    return { stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
  };

  test('every configuration is listed here', () => {
    const listed = new Set([...VERDICTS.map(([c]) => c.split('/')[0]), ...NOT_MAPPED.map(([c]) => c)]);
    expect(readdirSync(checkov).filter((name) => !listed.has(name))).toEqual([]);
  });

  test.each(VERDICTS)('%s %s %s: Checkov %s, keyscope %s', async (configuration, address, rule, _checkov, keyscope) => {
    const { report } = await scan(configuration);
    const finding = report.findings.find((f) => f.ruleId === rule && f.location.address === address);
    expect(finding?.status ?? 'pass').toBe(keyscope);
    // Findings carry .tf lines.
    if (finding) expect([finding.location.configFile, typeof finding.location.line]).toEqual([expect.stringMatching(/\.tf$/), 'number']);
  });

  test.each(NOT_MAPPED)('%s: %s is not mapped, and the scan says so', async (configuration, type) => {
    const { stderr, report } = await scan(configuration);
    expect(stderr).toMatch(new RegExp(`types keyscope does not map, not evaluated: .*${type} \\(\\d+\\)`));
    expect(report.findings.filter((f) => f.location.address?.startsWith(`${type}.`))).toEqual([]);
  });
});
