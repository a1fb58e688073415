import { fixture, runInProcess } from '../helpers.js';

/**
 * The customer-managed-key rules against the response bodies of the services'
 * REST API examples (Azure/azure-rest-api-specs), latest and older stable
 * api-versions, customer-managed key on and off: one fixture per service under
 * fixtures/services/real-payloads/, each record the example's `id`, `name`,
 * `type`, `location`, `properties`, `identity`, `sku` as the example has them.
 * Where two examples share an id, the later record's name (and id) gets a
 * suffix so the export holds distinct resources; where no example sets a key,
 * the record is an example's body with the key block the API definition
 * describes, and the comment says so.
 */

type Status = 'pass' | 'fail' | 'unknown' | 'notApplicable';

/** Encryption model the posture section gives a resource. */
type Model = 'platform-managed' | 'customer-managed-key-vault' | 'customer-managed-managed-hsm' | 'host-your-own' | 'undetermined';

interface Counts {
  pass: number;
  fail: number;
  unknown: number;
  notApplicable: number;
}

interface Finding {
  ruleId: string;
  status: Status;
  cause?: string;
  resource: { id: string; name: string };
  evidence?: { related?: { kind: string; id: string } }[];
}

interface Document {
  summary: { byRule: Record<string, Counts> };
  findings: Finding[];
  posture: { resources: { id: string; model: Model; keyStores: string[] }[] };
}

/** One resource of a fixture: its verdict under the service rule, and for a key, the key the relational rules follow. */
interface Expected {
  status: Status;
  /** Absent: the posture leaves the resource out (a type with no Azure key to follow). */
  model?: Model;
  /** `<vault host>/keys/<name>` as cmk.key-resolvable names it (the key's vault is not in the export, so it is unknown). */
  key?: string;
  /** The cause cmk.key-resolvable gives (store-not-in-scan unless said; none for a fail). */
  keyCause?: string;
  /** cmk.key-resolvable's verdict (unknown unless said: the key's vault is not in the export). */
  keyStatus?: Status;
}

interface ServiceCase {
  rule: string;
  records: Record<string, Expected>;
}

async function scan(name: string): Promise<Document> {
  const file = fixture('services', 'real-payloads', `${name}.json`);
  const result = await runInProcess(['scan', '--input', file, '--format', 'json', '--fail-on', 'none']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Document;
}

/** Runs the checks every service shares: exact verdicts, counts, posture and the key the relational rules reach. */
function describeService(name: string, spec: ServiceCase): void {
  describe(`${spec.rule} on REST-example payloads`, () => {
    let document: Document;
    beforeAll(async () => {
      document = await scan(name);
    });

    test('each record gets the verdict its payload implies', () => {
      const ruleFindings = document.findings.filter((f) => f.ruleId === spec.rule);
      // Passing and not-applicable resources leave no finding; the counts below tell the two apart.
      const actual = Object.fromEntries(
        Object.entries(spec.records).map(([id, expected]) => {
          const finding = ruleFindings.find((f) => f.resource.id === id);
          return [id, finding?.status ?? (expected.status === 'notApplicable' ? 'notApplicable' : 'pass')];
        }),
      );
      expect(actual).toEqual(Object.fromEntries(Object.entries(spec.records).map(([id, e]) => [id, e.status])));
      expect(ruleFindings.every((f) => f.resource.id in spec.records)).toBe(true);
      const counts: Counts = { pass: 0, fail: 0, unknown: 0, notApplicable: 0 };
      for (const e of Object.values(spec.records)) counts[e.status] += 1;
      const { pass, fail, unknown, notApplicable } = document.summary.byRule[spec.rule]!;
      expect({ pass, fail, unknown, notApplicable }).toEqual(counts);
    });

    test('the posture classes each record by its key', () => {
      const models = Object.fromEntries(document.posture.resources.map((r) => [r.id, r.model]));
      expect(models).toEqual(Object.fromEntries(Object.entries(spec.records).flatMap(([id, e]) => (e.model ? [[id, e.model]] : []))));
    });

    test('cmk.key-resolvable follows the key each payload names, and only those', () => {
      const resolvable = document.findings
        .filter((f) => f.ruleId === 'cmk.key-resolvable')
        .map((f) => ({
          id: f.resource.id,
          status: f.status,
          cause: f.cause,
          keys: [...new Set((f.evidence ?? []).flatMap((e) => (e.related?.kind === 'key' ? [e.related.id] : [])))],
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const expected = Object.entries(spec.records)
        .filter(([, e]) => e.key !== undefined)
        .map(([id, e]) => {
          const status = e.keyStatus ?? 'unknown';
          return { id, status, cause: status === 'unknown' ? (e.keyCause ?? 'store-not-in-scan') : e.keyCause, keys: [e.key] };
        })
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(resolvable).toEqual(expected);
    });
  });
}

const CMK: Model = 'customer-managed-key-vault';
const PMK: Model = 'platform-managed';

// Batch. No example of any api-version sets a key: the customer-key records are
// BatchAccountGet's body with the EncryptionProperties/KeyVaultProperties of
// BatchManagement.json (keySource Microsoft.KeyVault, keyIdentifier with or
// without a version, as the definition's description shows); the identity of
// the second is BatchAccountCreate_UserAssignedIdentity's.
//   specification/batch/resource-manager/Microsoft.Batch/stable/2024-07-01/examples/BatchAccountGet.json
//   specification/batch/resource-manager/Microsoft.Batch/stable/2024-07-01/examples/BatchAccountCreate_UserAssignedIdentity.json
//   specification/batch/resource-manager/Microsoft.Batch/stable/2017-09-01/examples/BatchAccountGet.json
describeService('batch-account', {
  rule: 'cmk.batch-account',
  records: {
    '/subscriptions/12345678-1234-1234-1234-123456789012/resourceGroups/default-azurebatch-japaneast/providers/Microsoft.Batch/batchAccounts/sampleacct-cmk':
      { status: 'pass', model: CMK, key: 'mykeyvault.vault.azure.net/keys/testkey' },
    '/subscriptions/subid/resourceGroups/default-azurebatch-japaneast/providers/Microsoft.Batch/batchAccounts/sampleacct-cmk-uai': {
      status: 'pass',
      model: CMK,
      key: 'mykeyvault.vault.azure.net/keys/testkey',
    },
    // BatchAccountGet 2024-07-01 as it is: no encryption block.
    '/subscriptions/12345678-1234-1234-1234-123456789012/resourceGroups/default-azurebatch-japaneast/providers/Microsoft.Batch/batchAccounts/sampleacct':
      { status: 'fail', model: PMK },
    // keySource Microsoft.Batch, the definition's other value.
    '/subscriptions/12345678-1234-1234-1234-123456789012/resourceGroups/default-azurebatch-japaneast/providers/Microsoft.Batch/batchAccounts/sampleacct-batchkey':
      { status: 'fail', model: PMK },
    // BatchAccountGet 2017-09-01: no identity, no encryption.
    '/subscriptions/subid/resourceGroups/default-azurebatch-japaneast/providers/Microsoft.Batch/batchAccounts/sampleacct': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Backup vaults (type spelled Microsoft.DataProtection/Backupvaults in the bodies).
//   specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-07-01/examples/VaultCRUD/GetBackupVaultWithCMK.json
//   specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-07-01/examples/VaultCRUD/GetBackupVault.json (-pmk)
//   specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2022-05-01/examples/VaultCRUD/GetBackupVault.json (-2022)
describeService('backup-vault', {
  rule: 'cmk.backup-vault',
  records: {
    '/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c/resourceGroups/SampleResourceGroup/providers/Microsoft.DataProtection/Backupvaults/swaggerExample':
      { status: 'pass', model: CMK, key: 'cmk2xkv.vault.azure.net/keys/key1' },
    '/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c/resourceGroups/SampleResourceGroup/providers/Microsoft.DataProtection/Backupvaults/swaggerExample-pmk':
      { status: 'fail', model: PMK },
    '/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c/resourceGroups/SampleResourceGroup/providers/Microsoft.DataProtection/Backupvaults/swaggerExample-2022':
      { status: 'fail', model: PMK },
  },
});

// Data Explorer. The examples' vault is https://dummy.keyvault.com, not a Key
// Vault host: the key is followed, in a store keyscope classes as the
// customer's own (host-your-own), so the relational rules say external-key-store.
//   specification/azure-kusto/resource-manager/Microsoft.Kusto/stable/2024-04-13/examples/KustoClustersCreateOrUpdate.json (200 body)
//   specification/azure-kusto/resource-manager/Microsoft.Kusto/stable/2024-04-13/examples/KustoClustersListByResourceGroup.json (KustoClusterRPTest3)
//   specification/azure-kusto/resource-manager/Microsoft.Kusto/stable/2019-09-07/examples/KustoClustersGet.json (KustoClusterRPTest4)
describeService('data-explorer', {
  rule: 'cmk.data-explorer',
  records: {
    '/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/kustorptest/providers/Microsoft.Kusto/Clusters/kustoCluster': {
      status: 'pass',
      model: 'host-your-own',
      key: 'dummy.keyvault.com/keys/keyname',
      keyCause: 'external-key-store',
    },
    '/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/kustorptest/providers/Microsoft.Kusto/Clusters/KustoClusterRPTest3':
      {
        status: 'fail',
        model: PMK,
      },
    '/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/kustorptest/providers/Microsoft.Kusto/Clusters/KustoClusterRPTest4':
      {
        status: 'pass',
        model: 'host-your-own',
        key: 'dummy.keyvault.com/keys/keyname',
        keyCause: 'external-key-store',
      },
  },
});

// HDInsight. No example sets a key: cluster1-cmk is GetLinuxSparkCluster's body
// with cluster.json's DiskEncryptionProperties, holding the vault, key and
// version of RotateLinuxHadoopClusterDiskEncryptionKey and a user-assigned
// identity (msiResourceId) the cluster carries. Encryption at host leaves the
// key fields null: Microsoft-managed keys.
//   specification/hdinsight/resource-manager/Microsoft.HDInsight/HDInsight/stable/2021-06-01/examples/GetLinuxSparkCluster.json
//   specification/hdinsight/resource-manager/Microsoft.HDInsight/stable/2018-06-01-preview/examples/RotateLinuxHadoopClusterDiskEncryptionKey.json
//   specification/hdinsight/resource-manager/Microsoft.HDInsight/stable/2021-06-01/examples/CreateHDInsightClusterWithEncryptionAtHost.json
describeService('hdinsight', {
  rule: 'cmk.hdinsight',
  records: {
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HDInsight/clusters/cluster1-cmk': {
      status: 'pass',
      model: CMK,
      key: 'newkeyvault.vault.azure.net/keys/newkeyname',
    },
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HDInsight/clusters/cluster1': { status: 'fail', model: PMK },
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.HDInsight/clusters/cluster1': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Automation. No example sets a key: the customer-key records are
// getAutomationAccount's body with account.json's EncryptionProperties
// (keySource Microsoft.Keyvault, keyVaultProperties.keyvaultUri/keyName/keyVersion,
// identity.userAssignedIdentity); -pmk carries keySource Microsoft.Automation,
// the definition's other value; myaccount is a listAutomationAccountsByResourceGroup entry.
//   specification/automation/resource-manager/Microsoft.Automation/stable/2024-10-23/examples/getAutomationAccount.json
//   specification/automation/resource-manager/Microsoft.Automation/stable/2024-10-23/examples/listAutomationAccountsByResourceGroup.json
describeService('automation-account', {
  rule: 'cmk.automation-account',
  records: {
    '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myAutomationAccount9-cmk': {
      status: 'pass',
      model: CMK,
      key: 'contoso-automation-kv.vault.azure.net/keys/automation-cmk',
    },
    '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myAutomationAccount9-cmk-sys': {
      status: 'pass',
      model: CMK,
      key: 'contoso-automation-kv.vault.azure.net/keys/automation-cmk',
    },
    '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myAutomationAccount9': {
      status: 'fail',
      model: PMK,
    },
    '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myAutomationAccount9-pmk': {
      status: 'fail',
      model: PMK,
    },
    '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myaccount': { status: 'fail', model: PMK },
  },
});

// Container groups. No containerGroups example sets a key: the first record is
// ContainerGroupsGet_Succeeded's body with the encryptionProperties (vault URL
// with its trailing slash, user-assigned identity) of the container group
// profile example, which shares the EncryptionProperties definition; demo1-cmk
// has no identity (the first-party application unwraps), as in the service's
// template docs.
//   specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable/2025-09-01/examples/ContainerGroupsGet_Succeeded.json
//   specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable/2025-09-01/examples/ContainerGroupProfileCreateOrUpdate_EncryptionProperties.json
//   specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable/2021-10-01/examples/ContainerGroupsGet_Succeeded.json (demo1-2021)
describeService('container-instance', {
  rule: 'cmk.container-instance',
  records: {
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/test-rg/providers/Microsoft.ContainerInstance/containerGroups/demo1':
      {
        status: 'pass',
        model: CMK,
        key: 'testkeyvault.vault.azure.net/keys/test-key',
      },
    '/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ContainerInstance/containerGroups/demo1-cmk': {
      status: 'pass',
      model: CMK,
      key: 'example.vault.azure.net/keys/acikey',
    },
    '/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ContainerInstance/containerGroups/demo1': { status: 'fail', model: PMK },
    '/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ContainerInstance/containerGroups/demo1-2021': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Cosmos DB for PostgreSQL clusters. The only stable api-version (2022-11-08)
// has no dataEncryption; 2023-03-02-preview adds it, SystemManaged by default.
//   specification/postgresqlhsc/resource-manager/Microsoft.DBforPostgreSQL/PostgresqlHsc/preview/2023-03-02-preview/examples/ClusterCreateWithCMK.json (200 body)
//   specification/postgresqlhsc/resource-manager/Microsoft.DBforPostgreSQL/PostgresqlHsc/preview/2023-03-02-preview/examples/ClusterGet.json
//   specification/postgresqlhsc/resource-manager/Microsoft.DBforPostgreSQL/PostgresqlHsc/stable/2022-11-08/examples/ClusterCreateBurstablev1.json (200 body)
describeService('cosmos-postgresql', {
  rule: 'cmk.cosmos-postgresql',
  records: {
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestGroup/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/testcluster-multinode':
      {
        status: 'pass',
        model: CMK,
        key: 'test-kv.vault.azure.net/keys/test-key1',
      },
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestGroup/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/testcluster1':
      {
        status: 'fail',
        model: PMK,
      },
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestResourceGroup/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/testcluster-burstablev1':
      { status: 'fail', model: PMK },
  },
});

// MongoDB vCore clusters. The 2024-07-01 Create and 2025-09-01 Get bodies spell the
// type "/Microsoft.DocumentDB/mongoClusters" (leading slash), which Resource
// Graph does not: the records carry the type without it. The 2025-09-01 CMK
// body names the cluster itself as the key identity (a slip of the example),
// kept as it is: the rule passes on the key, whatever the identity.
//   specification/mongocluster/resource-manager/Microsoft.DocumentDB/MongoCluster/stable/2026-06-01/examples/MongoClusters_Create_CMK.json (200 body)
//   specification/mongocluster/resource-manager/Microsoft.DocumentDB/MongoCluster/stable/2025-09-01/examples/MongoClusters_Create_CMK.json (200 body, -2025)
//   specification/mongocluster/resource-manager/Microsoft.DocumentDB/MongoCluster/stable/2025-09-01/examples/MongoClusters_Get.json (-pmk)
//   specification/mongocluster/resource-manager/Microsoft.DocumentDB/MongoCluster/stable/2024-07-01/examples/MongoClusters_Create.json (200 body, -2024)
describeService('cosmos-mongo-vcore', {
  rule: 'cmk.cosmos-mongo-vcore',
  records: {
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestResourceGroup/providers/Microsoft.DocumentDB/mongoClusters/myMongoCluster':
      {
        status: 'pass',
        model: CMK,
        key: 'myvault.vault.azure.net/keys/mykey',
      },
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestResourceGroup/providers/Microsoft.DocumentDB/mongoClusters/myMongoCluster-2025':
      {
        status: 'pass',
        model: CMK,
        key: 'myvault.vault.azure.net/keys/mykey',
      },
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestResourceGroup/providers/Microsoft.DocumentDB/mongoClusters/myMongoCluster-pmk':
      {
        status: 'fail',
        model: PMK,
      },
    '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/TestResourceGroup/providers/Microsoft.DocumentDB/mongoClusters/myMongoCluster-2024':
      {
        status: 'fail',
        model: PMK,
      },
  },
});

// FHIR services. The Get body's name is the leaf name, as ARM gives it.
// fhirservices1-pmk is the Get body without its encryption block, the shape of
// a service created without a key (FhirServices_Create's request has none).
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31/examples/fhirservices/FhirServices_Get.json
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2021-11-01/examples/fhirservices/FhirServices_Get.json (-2021)
describeService('fhir-service', {
  rule: 'cmk.fhir-service',
  records: {
    '/subscriptions/subid/resourceGroups/testRG/providers/Microsoft.HealthcareApis/workspaces/workspace1/fhirservices/fhirservices1': {
      status: 'pass',
      model: CMK,
      key: 'mykeyvault.vault.azure.net/keys/myencryptionkey',
    },
    '/subscriptions/subid/resourceGroups/testRG/providers/Microsoft.HealthcareApis/workspaces/workspace1/fhirservices/fhirservices1-pmk': {
      status: 'fail',
      model: PMK,
    },
    '/subscriptions/subid/resourceGroups/testRG/providers/Microsoft.HealthcareApis/workspaces/workspace1/fhirservices/fhirservices1-2021': {
      status: 'fail',
      model: PMK,
    },
  },
});

// DICOM services.
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31/examples/dicomservices/DicomServices_Get.json
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2021-11-01/examples/dicomservices/DicomServices_Get.json (-2021)
describeService('dicom-service', {
  rule: 'cmk.dicom-service',
  records: {
    '/subscriptions/subid/resourceGroups/testRG/providers/Microsoft.HealthcareApis/workspaces/workspace1/dicomservices/blue': {
      status: 'pass',
      model: CMK,
      key: 'mykeyvault.vault.azure.net/keys/myencryptionkey',
    },
    '/subscriptions/subid/resourceGroups/testRG/providers/Microsoft.HealthcareApis/workspaces/workspace1/dicomservices/blue-2021': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Azure API for FHIR. The key is set at creation only; a service created
// without one shows cosmosDbConfiguration without keyVaultKeyUri, or with it null.
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31/examples/legacy/ServiceGet.json
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31/examples/legacy/ServiceCreateInDataSovereignRegionWithCmkEnabled.json (200 body, -sovereign; 201 body, -created)
//   specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2021-01-11/examples/ServiceCreateMinimum.json (201 body: keyVaultKeyUri null)
describeService('api-for-fhir', {
  rule: 'cmk.api-for-fhir',
  records: {
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HealthcareApis/services/service1': {
      status: 'pass',
      model: CMK,
      key: 'my-vault.vault.azure.net/keys/my-key',
    },
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HealthcareApis/services/service1-sovereign': {
      status: 'pass',
      model: CMK,
      key: 'my-vault.vault.azure.net/keys/my-key',
    },
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HealthcareApis/services/service1-created': { status: 'fail', model: PMK },
    '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.HealthcareApis/services/service2': { status: 'fail', model: PMK },
  },
});

// SQL Managed Instance enabled by Azure Arc. The example's k8sRaw has no
// security block; the -cmk and -servicemanaged records add
// spec.security.transparentDataEncryption as the Arc data services' custom
// resource spells it. The protector is a Kubernetes secret: no Azure key to
// follow; the posture classes the instances by the catalog's customerKeyWhen
// (the TDE mode): host-your-own when CustomerManaged, else platform-managed.
//   specification/azurearcdata/resource-manager/Microsoft.AzureArcData/stable/2024-01-01/examples/CreateOrUpdateSqlManagedInstance.json (200 body)
describeService('arc-sql-managed-instance', {
  rule: 'cmk.arc-sql-managed-instance',
  records: {
    '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/testrg/providers/Microsoft.AzureArcData/sqlManagedInstances/testsqlManagedInstance-cmk':
      { status: 'pass', model: 'host-your-own' },
    '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/testrg/providers/Microsoft.AzureArcData/sqlManagedInstances/testsqlManagedInstance':
      { status: 'fail', model: PMK },
    '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/testrg/providers/Microsoft.AzureArcData/sqlManagedInstances/testsqlManagedInstance-servicemanaged':
      { status: 'fail', model: PMK },
  },
});

// Azure Bot. Both api-versions' GetBot bodies have isCmekEnabled true and
// cmekKeyVaultUrl "https://myCmekKey", a placeholder that names no key: the
// rule passes on the switch and the URL, and cmk.key-resolvable fails it (the
// posture cannot class a key it cannot read). -kv carries a Key Vault key URL;
// -pmk has the switch off and no URL. -disabled has the switch off and the URL
// left behind: the rule fails it, and the catalog's key reference (`when`
// isCmekEnabled is true, compared by its text) follows no key: platform-managed.
//   specification/botservice/resource-manager/Microsoft.BotService/stable/2022-09-15/examples/GetBot.json
//   specification/botservice/resource-manager/Microsoft.BotService/stable/2021-03-01/examples/GetBot.json (-2021)
describeService('bot-service', {
  rule: 'cmk.bot-service',
  records: {
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.BotService/botServices/samplebotname': {
      status: 'pass',
      model: 'undetermined',
      key: 'https://myCmekKey',
      keyStatus: 'fail',
    },
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.BotService/botServices/samplebotname-2021': {
      status: 'pass',
      model: 'undetermined',
      key: 'https://myCmekKey',
      keyStatus: 'fail',
    },
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.BotService/botServices/samplebotname-kv': {
      status: 'pass',
      model: CMK,
      key: 'contoso-bot-kv.vault.azure.net/keys/bot-cmk',
    },
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.BotService/botServices/samplebotname-pmk': {
      status: 'fail',
      model: PMK,
    },
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.BotService/botServices/samplebotname-disabled':
      {
        status: 'fail',
        model: PMK,
      },
  },
});

// Managed Instance for Apache Cassandra data centers. No example sets a key:
// dc2 and dc3 are the create example's body with DataCenterResourceProperties'
// managedDiskCustomerKeyUri and backupStorageCustomerKeyUri (dc3 the disk key
// only: its backups stay on Microsoft-managed keys, so it fails).
//   specification/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2024-11-15/examples/CosmosDBManagedCassandraDataCenterCreate.json (200 body)
describeService('cassandra-managed-instance', {
  rule: 'cmk.cassandra-managed-instance',
  records: {
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cassandra-prod-rg/providers/Microsoft.DocumentDB/cassandraClusters/cassandra-prod/dataCenters/dc2':
      { status: 'pass', model: CMK, key: 'cassandra-kv.vault.azure.net/keys/cassandra-cmk' },
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cassandra-prod-rg/providers/Microsoft.DocumentDB/cassandraClusters/cassandra-prod/dataCenters/dc1':
      { status: 'fail', model: PMK },
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cassandra-prod-rg/providers/Microsoft.DocumentDB/cassandraClusters/cassandra-prod/dataCenters/dc3':
      { status: 'fail', model: CMK, key: 'cassandra-kv.vault.azure.net/keys/cassandra-cmk' },
  },
});

// Data Box orders. properties.details comes back only with $expand=details
// (JobsGetCmk); Jobs_Create's body has details without keyEncryptionKey
// (TestJobName3, Microsoft-managed); list bodies and the patch response have no
// details at all (TestJobName2): the rule fails such a record whatever its key,
// as no rule can tell a missing expansion from a missing key. The CMK example's
// kekUrl "https://xxx.xxx.xx" is a placeholder naming no key: cmk.key-resolvable fails it.
//   specification/databox/resource-manager/Microsoft.DataBox/stable/2025-02-01/examples/JobsGetCmk.json
//   specification/databox/resource-manager/Microsoft.DataBox/stable/2025-02-01/examples/JobsCreate.json (200 body, renamed TestJobName3)
//   specification/databox/resource-manager/Microsoft.DataBox/stable/2025-02-01/examples/JobsListByResourceGroup.json (TestJobName2)
describeService('data-box', {
  rule: 'cmk.data-box',
  records: {
    '/subscriptions/YourSubscriptionId/resourceGroups/YourResourceGroupName/providers/Microsoft.DataBox/jobs/TestJobName1': {
      status: 'pass',
      model: 'undetermined',
      key: 'https://xxx.xxx.xx',
      keyStatus: 'fail',
    },
    '/subscriptions/YourSubscriptionId/resourceGroups/YourResourceGroupName/providers/Microsoft.DataBox/jobs/TestJobName3': {
      status: 'fail',
      model: PMK,
    },
    '/subscriptions/YourSubscriptionId/resourceGroups/YourResourceGroupName/providers/Microsoft.DataBox/jobs/TestJobName2': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Device Update accounts. contoso-pmk is the create body without its
// encryption block and identity, the shape of an account created without a key.
//   specification/deviceupdate/resource-manager/Microsoft.DeviceUpdate/stable/2023-07-01/examples/Accounts/Accounts_Create.json (201 body)
describeService('device-update', {
  rule: 'cmk.device-update',
  records: {
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test-rg/providers/Microsoft.DeviceUpdate/accounts/contoso': {
      status: 'pass',
      model: CMK,
      key: 'contoso.vault.azure.net/keys/contoso',
    },
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test-rg/providers/Microsoft.DeviceUpdate/accounts/contoso-pmk': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Elastic SAN volume groups. The examples are generated (random id, name and
// type): the records take their ids from the examples' path parameters. The
// 2024-05-01 body keeps keyVaultProperties under EncryptionAtRestWithPlatformKey,
// and fails: the switch decides, not the leftover key. No example uses a
// customer-managed key: -cmk is that body switched to
// EncryptionAtRestWithCustomerManagedKey with a Key Vault key and its identity.
//   specification/elasticsan/resource-manager/Microsoft.ElasticSan/stable/2024-05-01/examples/VolumeGroups_Get_MaximumSet_Gen.json
//   specification/elasticsan/resource-manager/Microsoft.ElasticSan/stable/2023-01-01/examples/VolumeGroups_Get_MaximumSet_Gen.json
describeService('elastic-san-volume-group', {
  rule: 'cmk.elastic-san-volume-group',
  records: {
    '/subscriptions/subscriptionid/resourceGroups/resourcegroupname/providers/Microsoft.ElasticSan/elasticSans/elasticsanname/volumeGroups/volumegroupname-cmk':
      {
        status: 'pass',
        model: CMK,
        key: 'contoso-esan-kv.vault.azure.net/keys/esan-cmk',
      },
    '/subscriptions/subscriptionid/resourceGroups/resourcegroupname/providers/Microsoft.ElasticSan/elasticSans/elasticsanname/volumeGroups/volumegroupname':
      {
        status: 'fail',
        model: PMK,
      },
    '/subscriptions/E721FC62-7162-4E69-B214-347600FAC505/resourceGroups/rgelasticsan/providers/Microsoft.ElasticSan/elasticSans/qjXY/volumeGroups/1UitIu-qVKdf-5g':
      {
        status: 'fail',
        model: PMK,
      },
  },
});

// Fluid Relay servers. The examples' ids lack the "providers" segment; kept as
// they are (keyscope reads the subscription and group from them all the same).
//   specification/fluidrelay/resource-manager/Microsoft.FluidRelay/stable/2022-06-01/examples/FluidRelayServers_CreateWithCmk.json (200 body)
//   specification/fluidrelay/resource-manager/Microsoft.FluidRelay/stable/2022-06-01/examples/FluidRelayServers_ListByResourceGroup.json (renamed -pmk)
describeService('fluid-relay', {
  rule: 'cmk.fluid-relay',
  records: {
    '/subscriptions/xxxx-xxxx-xxxx-xxxx/resourceGroups/myResourceGroup/Microsoft.FluidRelay/fluidRelayServers/myFluidRelayServer': {
      status: 'pass',
      model: CMK,
      key: 'contosovault.vault.azure.net/keys/contosokek',
    },
    '/subscriptions/xxxx-xxxx-xxxx-xxxx/resourceGroups/myResourceGroup/Microsoft.FluidRelay/fluidRelayServers/myFluidRelayServer-pmk': {
      status: 'fail',
      model: PMK,
    },
  },
});

// Health Bots. No example sets a key: -cmk is ResourceCreationPut's body with
// healthbot.json's KeyVaultProperties (keyName, keyVaultUri required; keyVersion,
// userIdentity), naming one of the bot's user-assigned identities.
//   specification/healthbot/resource-manager/Microsoft.HealthBot/stable/2025-05-25/examples/ResourceCreationPut.json (200 body)
//   specification/healthbot/resource-manager/Microsoft.HealthBot/stable/2025-05-25/healthbot.json (KeyVaultProperties)
describeService('health-bot', {
  rule: 'cmk.health-bot',
  records: {
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.HealthBot/healthBots/samplebotname-cmk': {
      status: 'pass',
      model: CMK,
      key: 'contoso-healthbot-kv.vault.azure.net/keys/healthbot-cmk',
    },
    '/subscriptions/subscription-id/resourceGroups/OneResourceGroupName/providers/Microsoft.HealthBot/healthBots/samplebotname': {
      status: 'fail',
      model: PMK,
    },
  },
});
