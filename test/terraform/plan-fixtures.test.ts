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
    byStatus: [5, 4, 16, 10],
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
      // queue_encryption_key_type and table_encryption_key_type left to the provider default, Service
      'cmk.storage-queue-table starchive fail azurerm_storage_account.archive',
      'cmk.storage-queue-table storderspending fail azurerm_storage_account.pending_key',
      'cmk.storage-queue-table stpaymentsseparate fail azurerm_storage_account.separate_cmk',
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
    // One resource of each service type the provider has, as it creates it without key arguments (each fails its
    // service rule), and the extensions that put a key on a second one (backup vault, Data Explorer, NetApp) or
    // link it to the resource holding the key (Log Analytics cluster, Stream Analytics job storage account).
    // The Data Explorer key's vault URI is read from a vault outside the plan: unknown.
    plan: 'services.plan.json',
    resources: 45,
    byStatus: [4, 40, 13, 183],
    findings: [
      'cmk.api-for-fhir fhirplain fail azurerm_healthcare_service.plain',
      'cmk.automation-account aa-plain fail azurerm_automation_account.plain',
      'cmk.backup-vault bv-plain fail azurerm_data_protection_backup_vault.plain',
      'cmk.batch-account batchplain fail azurerm_batch_account.plain',
      'cmk.bot-service bot-plain fail azurerm_bot_service_azure_bot.plain',
      'cmk.cassandra-managed-instance dc-plain fail azurerm_cosmosdb_cassandra_datacenter.plain',
      'cmk.container-instance ci-plain fail azurerm_container_group.plain',
      'cmk.cosmos-postgresql pgc-plain fail azurerm_cosmosdb_postgresql_cluster.plain',
      'cmk.data-explorer kustocmk unknown azurerm_kusto_cluster.cmk',
      'cmk.data-explorer kustoplain fail azurerm_kusto_cluster.plain',
      'cmk.device-update adu-plain fail azurerm_iothub_device_update_account.plain',
      'cmk.dicom-service dicomplain fail azurerm_healthcare_dicom_service.plain',
      'cmk.elastic-san-volume-group vg-plain fail azurerm_elastic_san_volume_group.plain',
      'cmk.fhir-service fhirsvcplain fail azurerm_healthcare_fhir_service.plain',
      'cmk.fluid-relay fluid-plain fail azurerm_fluid_relay_server.plain',
      'cmk.hdinsight hdi-hadoop-plain fail azurerm_hdinsight_hadoop_cluster.plain',
      'cmk.hdinsight hdi-hbase-plain fail azurerm_hdinsight_hbase_cluster.plain',
      'cmk.hdinsight hdi-interactivequery-plain fail azurerm_hdinsight_interactive_query_cluster.plain',
      'cmk.hdinsight hdi-kafka-plain fail azurerm_hdinsight_kafka_cluster.plain',
      'cmk.hdinsight hdi-spark-plain fail azurerm_hdinsight_spark_cluster.plain',
      'cmk.health-bot hbot-plain fail azurerm_healthbot.plain',
      'cmk.hpc-cache hpc-plain fail azurerm_hpc_cache.plain',
      'cmk.image img-plain fail azurerm_image.plain',
      'cmk.iot-dps dps-plain fail azurerm_iothub_dps.plain',
      'cmk.iot-hub iot-plain fail azurerm_iothub.plain',
      'cmk.key-access-scoped bv-cmk unknown azurerm_data_protection_backup_vault.cmk',
      'cmk.key-access-scoped kustocmk unknown azurerm_kusto_cluster.cmk',
      'cmk.key-access-scoped anf-cmk unknown azurerm_netapp_account.cmk',
      'cmk.key-resolvable bv-cmk unknown azurerm_data_protection_backup_vault.cmk',
      'cmk.key-resolvable kustocmk unknown azurerm_kusto_cluster.cmk',
      'cmk.key-resolvable anf-cmk unknown azurerm_netapp_account.cmk',
      'cmk.key-size-for-service bv-cmk unknown azurerm_data_protection_backup_vault.cmk',
      'cmk.key-size-for-service kustocmk unknown azurerm_kusto_cluster.cmk',
      'cmk.key-size-for-service anf-cmk unknown azurerm_netapp_account.cmk',
      'cmk.key-store-protected bv-cmk unknown azurerm_data_protection_backup_vault.cmk',
      'cmk.key-store-protected kustocmk unknown azurerm_kusto_cluster.cmk',
      'cmk.key-store-protected anf-cmk unknown azurerm_netapp_account.cmk',
      'cmk.load-testing lt-plain fail azurerm_load_test.plain',
      'cmk.log-analytics-workspace law-plain fail azurerm_log_analytics_workspace.plain',
      'cmk.log-search-alert alert-plain fail azurerm_monitor_scheduled_query_rules_alert_v2.plain',
      'cmk.managed-lustre amlfs-plain fail azurerm_managed_lustre_file_system.plain',
      'cmk.netapp-account anf-plain fail azurerm_netapp_account.plain',
      'cmk.recovery-services-vault rsv-plain fail azurerm_recovery_services_vault.plain',
      'cmk.redis-enterprise redisent-plain fail azurerm_redis_enterprise_cluster.plain',
      'cmk.search-service srch-plain fail azurerm_search_service.plain',
      'cmk.storage-encryption-scope scope-plain fail azurerm_storage_encryption_scope.plain',
      'cmk.stream-analytics asa-plain fail azurerm_stream_analytics_job.plain',
      'cmk.virtual-machine vm-linux-plain fail azurerm_linux_virtual_machine.plain',
      'cmk.virtual-machine vm-windows-plain fail azurerm_windows_virtual_machine.plain',
      'cmk.vm-scale-set vmss-flex-plain fail azurerm_orchestrated_virtual_machine_scale_set.plain',
      'cmk.vm-scale-set vmss-linux-plain fail azurerm_linux_virtual_machine_scale_set.plain',
      'cmk.vm-scale-set vmss-windows-plain fail azurerm_windows_virtual_machine_scale_set.plain',
      'cmk.vmware-private-cloud avs-plain fail azurerm_vmware_private_cloud.plain',
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
