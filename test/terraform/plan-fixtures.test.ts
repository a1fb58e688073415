import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { root, runInProcess } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateFindings = ajv.compile(JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as object);

interface Report {
  scan: { complete: boolean; errors: unknown[]; sources: { kind: string; target: string; resources: number }[] };
  summary: { resources: number; byStatus: Record<string, number> };
  findings: { ruleId: string; status: string; resource: { name: string }; location: { address?: string } }[];
}

async function scanPlan(file: string): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await runInProcess(['scan', '--plan', file, '--format', 'json', '--fail-on', 'none']);
  const report = JSON.parse(result.stdout) as Report;
  if (!validateFindings(report)) throw new Error(JSON.stringify(validateFindings.errors, null, 2));
  return { code: result.code, report, stderr: result.stderr };
}

const lines = (report: Report): string[] =>
  report.findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status} ${f.location.address ?? ''}`);

/**
 * One plan per mapped resource type. Each holds a resource that complies
 * (known values), one that violates, and one whose deciding value is known
 * only after apply; the findings are exactly the violations and the unknowns.
 * A key id known only after apply is still certain to be there (the provider
 * validates it as a key id): the service's CMK rule passes on it, and the
 * relational rules, which need to know which key, stay unknown.
 */
const cases: { plan: string; resources: number; byStatus: [number, number, number, number]; findings: string[] }[] = [
  {
    plan: 'key-vault.plan.json',
    resources: 3,
    byStatus: [9, 4, 2, 3],
    findings: [
      'keyvault.access-policy-least-privilege kv-legacy-app fail azurerm_key_vault.violating',
      'keyvault.access-policy-least-privilege kv-orders-prod unknown azurerm_key_vault.deploy_time',
      'keyvault.purge-protection kv-legacy-app fail azurerm_key_vault.violating',
      'keyvault.purge-protection kv-orders-prod unknown azurerm_key_vault.deploy_time',
      'keyvault.rbac-authorization kv-legacy-app fail azurerm_key_vault.violating',
      'keyvault.soft-delete-retention kv-legacy-app fail azurerm_key_vault.violating',
    ],
  },
  {
    plan: 'key-vault-key.plan.json',
    resources: 5,
    byStatus: [16, 4, 1, 9],
    findings: [
      'key.ec-allowed-curves signing-ec fail azurerm_key_vault_key.signing',
      'key.expiration-set cmk-orders unknown azurerm_key_vault_key.pending',
      'key.expiration-set app-key fail azurerm_key_vault_key.legacy',
      'key.hsm-backed app-key fail azurerm_key_vault_key.legacy',
      'key.rotation-policy app-key fail azurerm_key_vault_key.legacy',
    ],
  },
  {
    plan: 'managed-hsm.plan.json',
    resources: 3,
    byStatus: [1, 1, 1, 3],
    findings: [
      'managedhsm.purge-protection mhsm-orders unknown azurerm_key_vault_managed_hardware_security_module.pending',
      'managedhsm.purge-protection mhsm-sandbox fail azurerm_key_vault_managed_hardware_security_module.defaults',
    ],
  },
  {
    // Customer-managed keys inline, through azurerm_storage_account_customer_managed_key (found by
    // reference and by known id), none, and one whose key is created in the same plan.
    plan: 'storage-account.plan.json',
    resources: 5,
    byStatus: [4, 1, 16, 9],
    findings: [
      'cmk.key-access-scoped starchive unknown azurerm_storage_account.archive',
      'cmk.key-access-scoped storderspending unknown azurerm_storage_account.pending_key',
      'cmk.key-access-scoped stpaymentsinline unknown azurerm_storage_account.inline_cmk',
      'cmk.key-access-scoped stpaymentsseparate unknown azurerm_storage_account.separate_cmk',
      'cmk.key-resolvable starchive unknown azurerm_storage_account.archive',
      'cmk.key-resolvable storderspending unknown azurerm_storage_account.pending_key',
      'cmk.key-resolvable stpaymentsinline unknown azurerm_storage_account.inline_cmk',
      'cmk.key-resolvable stpaymentsseparate unknown azurerm_storage_account.separate_cmk',
      'cmk.key-size-for-service starchive unknown azurerm_storage_account.archive',
      'cmk.key-size-for-service storderspending unknown azurerm_storage_account.pending_key',
      'cmk.key-size-for-service stpaymentsinline unknown azurerm_storage_account.inline_cmk',
      'cmk.key-size-for-service stpaymentsseparate unknown azurerm_storage_account.separate_cmk',
      'cmk.key-store-protected starchive unknown azurerm_storage_account.archive',
      'cmk.key-store-protected storderspending unknown azurerm_storage_account.pending_key',
      'cmk.key-store-protected stpaymentsinline unknown azurerm_storage_account.inline_cmk',
      'cmk.key-store-protected stpaymentsseparate unknown azurerm_storage_account.separate_cmk',
      'cmk.storage-account stlegacylogs fail azurerm_storage_account.platform_keys',
    ],
  },
  {
    // The TDE key inline; through azurerm_mssql_server_transparent_data_encryption (unknown key);
    // none; and a TDE resource that turns the server back to service-managed keys.
    plan: 'mssql-server.plan.json',
    resources: 4,
    byStatus: [2, 2, 8, 12],
    findings: [
      'cmk.key-access-scoped sql-orders unknown azurerm_mssql_server.tde_resource',
      'cmk.key-access-scoped sql-payments unknown azurerm_mssql_server.tde_inline',
      'cmk.key-resolvable sql-orders unknown azurerm_mssql_server.tde_resource',
      'cmk.key-resolvable sql-payments unknown azurerm_mssql_server.tde_inline',
      'cmk.key-size-for-service sql-orders unknown azurerm_mssql_server.tde_resource',
      'cmk.key-size-for-service sql-payments unknown azurerm_mssql_server.tde_inline',
      'cmk.key-store-protected sql-orders unknown azurerm_mssql_server.tde_resource',
      'cmk.key-store-protected sql-payments unknown azurerm_mssql_server.tde_inline',
      'cmk.sql-server sql-archive fail azurerm_mssql_server.reverted',
      'cmk.sql-server sql-reporting fail azurerm_mssql_server.service_managed',
    ],
  },
  {
    plan: 'cosmosdb-account.plan.json',
    resources: 3,
    byStatus: [2, 1, 8, 7],
    findings: [
      'cmk.cosmos-db cosmos-catalog fail azurerm_cosmosdb_account.service_managed',
      'cmk.key-access-scoped cosmos-orders unknown azurerm_cosmosdb_account.pending_key',
      'cmk.key-access-scoped cosmos-payments unknown azurerm_cosmosdb_account.cmk',
      'cmk.key-resolvable cosmos-orders unknown azurerm_cosmosdb_account.pending_key',
      'cmk.key-resolvable cosmos-payments unknown azurerm_cosmosdb_account.cmk',
      'cmk.key-size-for-service cosmos-orders unknown azurerm_cosmosdb_account.pending_key',
      'cmk.key-size-for-service cosmos-payments unknown azurerm_cosmosdb_account.cmk',
      'cmk.key-store-protected cosmos-orders unknown azurerm_cosmosdb_account.pending_key',
      'cmk.key-store-protected cosmos-payments unknown azurerm_cosmosdb_account.cmk',
    ],
  },
  {
    // Disks on a set outside the plan, on a double-encryption set in the plan (its type is read
    // through the reference), on no set, and on a set created in the same plan.
    plan: 'managed-disk.plan.json',
    resources: 6,
    byStatus: [4, 1, 21, 10],
    findings: [
      'cmk.key-access-scoped des-double unknown azurerm_disk_encryption_set.double',
      'cmk.key-access-scoped des-new unknown azurerm_disk_encryption_set.new',
      'cmk.key-access-scoped disk-double unknown azurerm_managed_disk.double',
      'cmk.key-access-scoped disk-pending unknown azurerm_managed_disk.pending',
      'cmk.key-access-scoped disk-shared-set unknown azurerm_managed_disk.shared_set',
      'cmk.key-resolvable des-double unknown azurerm_disk_encryption_set.double',
      'cmk.key-resolvable des-new unknown azurerm_disk_encryption_set.new',
      'cmk.key-resolvable disk-double unknown azurerm_managed_disk.double',
      'cmk.key-resolvable disk-pending unknown azurerm_managed_disk.pending',
      'cmk.key-resolvable disk-shared-set unknown azurerm_managed_disk.shared_set',
      'cmk.key-size-for-service des-double unknown azurerm_disk_encryption_set.double',
      'cmk.key-size-for-service des-new unknown azurerm_disk_encryption_set.new',
      'cmk.key-size-for-service disk-double unknown azurerm_managed_disk.double',
      'cmk.key-size-for-service disk-pending unknown azurerm_managed_disk.pending',
      'cmk.key-size-for-service disk-shared-set unknown azurerm_managed_disk.shared_set',
      'cmk.key-store-protected des-double unknown azurerm_disk_encryption_set.double',
      'cmk.key-store-protected des-new unknown azurerm_disk_encryption_set.new',
      'cmk.key-store-protected disk-double unknown azurerm_managed_disk.double',
      'cmk.key-store-protected disk-pending unknown azurerm_managed_disk.pending',
      'cmk.key-store-protected disk-shared-set unknown azurerm_managed_disk.shared_set',
      'cmk.managed-disk disk-pending unknown azurerm_managed_disk.pending',
      'cmk.managed-disk disk-platform fail azurerm_managed_disk.platform',
    ],
  },
  {
    // A valid plan cannot hold a set without a customer key (the provider requires one): the
    // violating case is the rule's own example; here a known key and a key created with the set.
    plan: 'disk-encryption-set.plan.json',
    resources: 2,
    byStatus: [2, 0, 8, 2],
    findings: [
      'cmk.key-access-scoped des-payments unknown azurerm_disk_encryption_set.payments',
      'cmk.key-access-scoped des-pending unknown azurerm_disk_encryption_set.pending',
      'cmk.key-resolvable des-payments unknown azurerm_disk_encryption_set.payments',
      'cmk.key-resolvable des-pending unknown azurerm_disk_encryption_set.pending',
      'cmk.key-size-for-service des-payments unknown azurerm_disk_encryption_set.payments',
      'cmk.key-size-for-service des-pending unknown azurerm_disk_encryption_set.pending',
      'cmk.key-store-protected des-payments unknown azurerm_disk_encryption_set.payments',
      'cmk.key-store-protected des-pending unknown azurerm_disk_encryption_set.pending',
    ],
  },
  {
    plan: 'kubernetes-cluster.plan.json',
    resources: 4,
    byStatus: [2, 1, 13, 8],
    findings: [
      'cmk.aks-cluster aks-orders unknown azurerm_kubernetes_cluster.orders',
      'cmk.aks-cluster aks-sandbox fail azurerm_kubernetes_cluster.sandbox',
      'cmk.key-access-scoped des-aks unknown azurerm_disk_encryption_set.aks',
      'cmk.key-access-scoped aks-orders unknown azurerm_kubernetes_cluster.orders',
      'cmk.key-access-scoped aks-payments unknown azurerm_kubernetes_cluster.payments',
      'cmk.key-resolvable des-aks unknown azurerm_disk_encryption_set.aks',
      'cmk.key-resolvable aks-orders unknown azurerm_kubernetes_cluster.orders',
      'cmk.key-resolvable aks-payments unknown azurerm_kubernetes_cluster.payments',
      'cmk.key-size-for-service des-aks unknown azurerm_disk_encryption_set.aks',
      'cmk.key-size-for-service aks-orders unknown azurerm_kubernetes_cluster.orders',
      'cmk.key-size-for-service aks-payments unknown azurerm_kubernetes_cluster.payments',
      'cmk.key-store-protected des-aks unknown azurerm_disk_encryption_set.aks',
      'cmk.key-store-protected aks-orders unknown azurerm_kubernetes_cluster.orders',
      'cmk.key-store-protected aks-payments unknown azurerm_kubernetes_cluster.payments',
    ],
  },
  {
    plan: 'postgresql-flexible-server.plan.json',
    resources: 3,
    byStatus: [2, 1, 8, 7],
    findings: [
      'cmk.key-access-scoped psql-orders unknown azurerm_postgresql_flexible_server.pending_key',
      'cmk.key-access-scoped psql-payments unknown azurerm_postgresql_flexible_server.cmk',
      'cmk.key-resolvable psql-orders unknown azurerm_postgresql_flexible_server.pending_key',
      'cmk.key-resolvable psql-payments unknown azurerm_postgresql_flexible_server.cmk',
      'cmk.key-size-for-service psql-orders unknown azurerm_postgresql_flexible_server.pending_key',
      'cmk.key-size-for-service psql-payments unknown azurerm_postgresql_flexible_server.cmk',
      'cmk.key-store-protected psql-orders unknown azurerm_postgresql_flexible_server.pending_key',
      'cmk.key-store-protected psql-payments unknown azurerm_postgresql_flexible_server.cmk',
      'cmk.postgresql-flexible psql-catalog fail azurerm_postgresql_flexible_server.service_managed',
    ],
  },
  {
    plan: 'mysql-flexible-server.plan.json',
    resources: 3,
    byStatus: [2, 1, 8, 7],
    findings: [
      'cmk.key-access-scoped mysql-orders unknown azurerm_mysql_flexible_server.pending_key',
      'cmk.key-access-scoped mysql-payments unknown azurerm_mysql_flexible_server.cmk',
      'cmk.key-resolvable mysql-orders unknown azurerm_mysql_flexible_server.pending_key',
      'cmk.key-resolvable mysql-payments unknown azurerm_mysql_flexible_server.cmk',
      'cmk.key-size-for-service mysql-orders unknown azurerm_mysql_flexible_server.pending_key',
      'cmk.key-size-for-service mysql-payments unknown azurerm_mysql_flexible_server.cmk',
      'cmk.key-store-protected mysql-orders unknown azurerm_mysql_flexible_server.pending_key',
      'cmk.key-store-protected mysql-payments unknown azurerm_mysql_flexible_server.cmk',
      'cmk.mysql-flexible mysql-catalog fail azurerm_mysql_flexible_server.service_managed',
    ],
  },
  {
    // azurerm 4.x encryption blocks (set, absent, key unknown) and a 3.x block with enabled = false.
    plan: 'container-registry.plan.json',
    resources: 4,
    byStatus: [2, 2, 8, 12],
    findings: [
      'cmk.container-registry acrlegacy fail azurerm_container_registry.v3_disabled',
      'cmk.container-registry acrsandbox fail azurerm_container_registry.no_encryption',
      'cmk.key-access-scoped acrorders unknown azurerm_container_registry.pending_key',
      'cmk.key-access-scoped acrpayments unknown azurerm_container_registry.cmk',
      'cmk.key-resolvable acrorders unknown azurerm_container_registry.pending_key',
      'cmk.key-resolvable acrpayments unknown azurerm_container_registry.cmk',
      'cmk.key-size-for-service acrorders unknown azurerm_container_registry.pending_key',
      'cmk.key-size-for-service acrpayments unknown azurerm_container_registry.cmk',
      'cmk.key-store-protected acrorders unknown azurerm_container_registry.pending_key',
      'cmk.key-store-protected acrpayments unknown azurerm_container_registry.cmk',
    ],
  },
  {
    // for_each module instances and count instances referring to each other.
    plan: 'modules.plan.json',
    resources: 8,
    byStatus: [33, 3, 0, 12],
    findings: [
      'key.hsm-backed cmk fail module.vault["orders"].azurerm_key_vault_key.cmk',
      'key.hsm-backed team-key fail azurerm_key_vault_key.team[1]',
      'keyvault.purge-protection kv-orders fail module.vault["orders"].azurerm_key_vault.this',
    ],
  },
];

describe('Terraform plan fixtures give exactly the expected findings', () => {
  test.each(cases)('$plan', async ({ plan, resources, byStatus, findings }) => {
    const file = `fixtures/terraform/${plan}`;
    const { code, report } = await scanPlan(file);
    expect(code).toBe(0);
    expect(report.scan.errors).toEqual([]);
    expect(report.scan.sources).toEqual([{ kind: 'terraform', target: file, resources }]);
    const [pass, fail, unknown, notApplicable] = byStatus;
    expect(report.summary.byStatus).toEqual({ pass, fail, unknown, notApplicable });
    expect(lines(report)).toEqual(findings);
  });

  test('every mapped type has a fixture plan', async () => {
    const { resourceMappings, extensionMappings } = await import('../../src/sources/terraform/mappings/index.js');
    const text = cases.map((c) => readFileSync(`${root}/fixtures/terraform/${c.plan}`, 'utf8')).join('\n');
    for (const { terraform } of [...resourceMappings, ...extensionMappings]) expect(text).toContain(`"type": "${terraform}"`);
  });
});
