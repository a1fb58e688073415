import { fixture, runInProcess } from '../helpers.js';

/**
 * The service rules against real payloads: each fixture under
 * fixtures/services/real-payloads/ holds response bodies of the Azure REST API
 * specification's examples (Azure/azure-rest-api-specs), as Resource Graph
 * returns them: the example's `id`, `name`, `type`, `location`, `properties`,
 * `identity` and `sku`. Where two examples share one id, the later one's name
 * (and the id's last segment) gets a suffix so that each record is a resource
 * of its own; properties irrelevant to encryption that run long (extensions,
 * user data, inputs and outputs) are left out. Where no example shows a shape
 * (a customer key offered in preview API versions only, a default the examples
 * leave unstated), the record is an example's body with the block the API
 * definition names, and the case's comment says so.
 *
 * Each case names the status each record must get from its rule, and for the
 * records on a customer-managed key the key references cmk.key-resolvable must
 * follow (the fixtures hold no key store, so it reports them unknown:
 * store-not-in-scan, naming each reference as the payload spells it).
 */

type Status = 'pass' | 'fail' | 'unknown' | 'notApplicable';

interface Case {
  rule: string;
  file: string;
  /** Resource id (as the record spells it) to the rule's status. */
  expect: Record<string, Status>;
  /** Resource id to the references cmk.key-resolvable names (sorted, unique); records absent here have none. */
  keys: Record<string, string[]>;
  /**
   * Resource id to the identities cmk.key-access-scoped names as unwrapping its key (a user-assigned identity's
   * resource id, `principal:<id>` for a system-assigned one, `unresolved identity` where the record carries no
   * principal id for it); absent: not checked.
   */
  identities?: Record<string, string[]>;
}

const SUB = '/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers';

const RSV = (group: string, name: string): string =>
  `/subscriptions/77777777-b0c6-47a2-b37c-d8e65a629c18/resourceGroups/${group}/providers/Microsoft.RecoveryServices/vaults/${name}`;

const SEARCH = (name: string): string => `/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Search/searchServices/${name}`;

const IOT = (tail: string): string =>
  `/subscriptions/91d12660-3dec-467a-be2a-213b5544ddc0/resourceGroups/myResourceGroup/providers/Microsoft.Devices/${tail}`;

const IOT_IDENTITY =
  '/subscriptions/91d12660-3dec-467a-be2a-213b5544ddc0/resourcegroups/testrg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testidentity';

const STORAGE = '/subscriptions/{subscription-id}/resourceGroups/resource-group-name/providers/Microsoft.Storage/storageAccounts';

const SA = (name: string): string =>
  `/subscriptions/{subscription-id}/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/${name}`;

const ANF = (name: string): string =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myRG/providers/Microsoft.NetApp/netAppAccounts/${name}`;

const HPC = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/scgroup/providers/Microsoft.StorageCache';

const LOAD = (name: string): string =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dummyrg/providers/Microsoft.LoadTestService/loadTests/${name}`;

const ASA = (name: string): string =>
  `/subscriptions/56b5e0a9-b645-407d-99b0-c64f86013e3d/resourceGroups/sjrg3276/providers/Microsoft.StreamAnalytics/streamingjobs/${name}`;

const ALERT = (name: string): string =>
  `/subscriptions/dd4bfc94-a096-412b-9c43-4bd13e35afbc/resourcegroups/QueryResourceGroupName/providers/microsoft.insights/scheduledqueryrules/${name}`;

const CASES: Case[] = [
  {
    rule: 'cmk.virtual-machine',
    file: 'virtual-machine.json',
    // ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/:
    //   myVM      VirtualMachine_Create_WithDiskEncryptionSetResource.json, 200 body (same shape in
    //             Microsoft.Compute/stable/2019-07-01/examples/CreateAVmWithDiskEncryptionSetResource.json)
    //   myVM-201  the same file's 201 body: the OS disk names no set, the data disks do
    //   myVM-cvm  VirtualMachine_Create_WithSecurityTypeConfidentialVMWithCustomerManagedKeys.json, 200 body
    //   myVM-get  VirtualMachine_Get.json: platform-managed keys, managedDisk holds only the disk id and type
    expect: {
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM`]: 'pass',
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM-201`]: 'fail',
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM-cvm`]: 'pass',
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM-get`]: 'fail',
    },
    keys: {
      // The example spells the set's name in two cases; Azure ids are case-insensitive, keyscope keeps both spellings.
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM`]: [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskencryptionset-name}`,
      ],
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM-201`]: [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
      ],
      [`${SUB}/Microsoft.Compute/virtualMachines/myVM-cvm`]: [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
      ],
    },
  },
  {
    rule: 'cmk.vm-scale-set',
    file: 'vm-scale-set.json',
    // ComputeRP/stable/2024-07-01/examples/virtualMachineScaleSetExamples/:
    //   {vmss-name}                  VirtualMachineScaleSet_Create_WithDiskEncryptionSetResource.json, 200 body
    //   {vmss-name}-encryptionathost VirtualMachineScaleSet_Create_WithEncryptionAtHost.json, 200 body: encryption
    //                                at host on platform keys (securityProfile.encryptionAtHost, no set) fails
    expect: {
      [`${SUB}/Microsoft.Compute/virtualMachineScaleSets/{vmss-name}`]: 'pass',
      [`${SUB}/Microsoft.Compute/virtualMachineScaleSets/{vmss-name}-encryptionathost`]: 'fail',
    },
    keys: {
      [`${SUB}/Microsoft.Compute/virtualMachineScaleSets/{vmss-name}`]: [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
      ],
    },
  },
  {
    rule: 'cmk.snapshot',
    file: 'snapshot.json',
    // DiskRP/stable/2024-03-02/examples/:
    //   mySnapshot  snapshotExamples/Snapshot_Get.json: encryption.type EncryptionAtRestWithPlatformKey beside
    //               Azure Disk Encryption settings (encryptionSettingsCollection, a guest-OS key, not the
    //               snapshot's encryption at rest)
    //   mySnapshot-diskencryptionset  the same body without the ADE settings, its `encryption` as
    //               diskExamples/Disk_Create_WithDiskEncryptionSet.json returns it (no snapshot example names
    //               a set; snapshots and disks share the Encryption definition): a set id and no `type`
    // Microsoft.Compute/stable/2018-06-01/examples/GetInformationAboutASnapshot.json:
    //   mySnapshot-2018-06-01  the older shape: no `encryption` at all, ADE in encryptionSettings
    expect: {
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/snapshots/mySnapshot': 'fail',
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/snapshots/mySnapshot-diskencryptionset':
        'pass',
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/snapshots/mySnapshot-2018-06-01': 'fail',
    },
    keys: {
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/snapshots/mySnapshot-diskencryptionset': [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
      ],
    },
  },
  {
    rule: 'cmk.image',
    file: 'image.json',
    // ComputeRP/stable/2024-07-01/examples/imageExamples/:
    //   .../resourceGroups/disk/.../myImage           Image_CreateFromAManagedDiskWithDiskEncryptionSet.json, 200 body
    //   .../resourceGroups/myResourceGroup/.../myImage Image_Get.json: no set on the OS or the data disk image
    // ComputeRP/stable/2017-12-01/examples/GetInformationAboutAnImage.json (myImage-2017-12-01): the same without zoneResilient
    expect: {
      '/subscriptions/{subscription-id}/resourceGroups/disk/providers/Microsoft.Compute/images/myImage': 'pass',
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/images/myImage': 'fail',
      '/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/images/myImage-2017-12-01': 'fail',
    },
    keys: {
      '/subscriptions/{subscription-id}/resourceGroups/disk/providers/Microsoft.Compute/images/myImage': [
        `${SUB}/Microsoft.Compute/diskEncryptionSets/{existing-diskEncryptionSet-name}`,
      ],
    },
  },
  {
    rule: 'cmk.recovery-services-vault',
    file: 'recovery-services-vault.json',
    // recoveryservices/resource-manager/Microsoft.RecoveryServices/stable/:
    //   .../Default-RecoveryServices-ResourceGroup/.../swaggerExample  2025-02-01/examples/PUTVault_WithCMK.json, 200 body
    //   .../swaggerExample-get  2025-02-01/examples/GETVault.json: no encryption block at all
    //   .../HelloWorld/.../swaggerExample  2021-08-01/examples/PatchVault_WithCMK2.json, 200 body: the key through
    //                           kekIdentity.useSystemAssignedIdentity true
    expect: {
      [RSV('Default-RecoveryServices-ResourceGroup', 'swaggerExample')]: 'pass',
      [RSV('Default-RecoveryServices-ResourceGroup', 'swaggerExample-get')]: 'fail',
      [RSV('HelloWorld', 'swaggerExample')]: 'pass',
    },
    keys: {
      [RSV('Default-RecoveryServices-ResourceGroup', 'swaggerExample')]: ['cmk2xkv.vault.azure.net/keys/key1'],
      [RSV('HelloWorld', 'swaggerExample')]: ['cmk2xkv.vault.azure.net/keys/key1'],
    },
    identities: {
      [RSV('Default-RecoveryServices-ResourceGroup', 'swaggerExample')]: [
        '/subscriptions/85bf5e8c-3084-4f42-add2-746ebb7e97b2/resourcegroups/defaultrg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/examplemsi',
      ],
      // kekIdentity.useSystemAssignedIdentity, but the example's body carries only a user-assigned identity: no principal to name.
      [RSV('HelloWorld', 'swaggerExample')]: ['unresolved identity'],
    },
  },
  {
    rule: 'cmk.search-service',
    file: 'search-service.json',
    // search/resource-manager/Microsoft.Search/stable/ (no key reference: each index names its key in the data plane):
    //   mysearchservice                2025-05-01/examples/SearchCreateOrUpdateServiceWithCmkEnforcement.json, 200 body
    //   mysearchservice-get            2025-05-01/examples/SearchGetService.json: no encryptionWithCmk
    //   mysearchservice-2022-09-01     2022-09-01/examples/SearchCreateOrUpdateService.json, 200 body: the same, older
    //   mysearchservice-2022-09-01-cmk 2022-09-01/examples/SearchUpdateServiceWithCmkEnforcement.json, 200 body
    expect: {
      [SEARCH('mysearchservice')]: 'pass',
      [SEARCH('mysearchservice-get')]: 'fail',
      [SEARCH('mysearchservice-2022-09-01')]: 'fail',
      [SEARCH('mysearchservice-2022-09-01-cmk')]: 'pass',
    },
    keys: {},
  },
  {
    rule: 'cmk.iot-hub',
    file: 'iot-hub.json',
    // iothub/resource-manager/Microsoft.Devices/stable/2023-06-30/examples/iothub_get.json (testHub): no encryption.
    // No example shows a customer key (preview API versions only): testHub-cmk is that body with the encryption block
    // of the 2023-06-30-preview model (iothub.json EncryptionPropertiesDescription: keySource, keyVaultProperties[]
    // of keyIdentifier and identity.userAssignedIdentity) and the identity it names.
    expect: {
      [IOT('IotHubs/testHub')]: 'fail',
      [IOT('IotHubs/testHub-cmk')]: 'pass',
    },
    keys: { [IOT('IotHubs/testHub-cmk')]: ['contoso-kv.vault.azure.net/keys/iothub-cmk'] },
    identities: { [IOT('IotHubs/testHub-cmk')]: [IOT_IDENTITY] },
  },
  {
    rule: 'cmk.iot-dps',
    file: 'iot-dps.json',
    // deviceprovisioningservices/.../DeviceProvisioningServices/examples/2026-08-01/DPSGet.json (myFirstProvisioningService,
    // type spelled Microsoft.Devices/ProvisioningServices): no encryption. The -cmk record adds the encryption block of the
    // 2020-09-01-preview model (encryption.identity.userAssignedIdentity, keySource, keyVaultProperties[].keyIdentifier),
    // removed from the stable versions since 2021-10-15.
    expect: {
      [IOT('ProvisioningServices/myFirstProvisioningService')]: 'fail',
      [IOT('ProvisioningServices/myFirstProvisioningService-cmk')]: 'pass',
    },
    keys: { [IOT('ProvisioningServices/myFirstProvisioningService-cmk')]: ['contoso-kv.vault.azure.net/keys/dps-cmk'] },
    // The DPS names one identity for all its keys, beside the key list (encryption.identity).
    identities: { [IOT('ProvisioningServices/myFirstProvisioningService-cmk')]: [IOT_IDENTITY] },
  },
  {
    rule: 'cmk.log-analytics-workspace',
    file: 'log-analytics-workspace.json',
    // operationalinsights/resource-manager/Microsoft.OperationalInsights/:
    //   oiautorest6685    OperationalInsights/stable/2025-02-01/examples/WorkspacesGet.json: no `features` at all
    //   TestResourceLock  stable/2020-08-01/examples/WorkspacesGet.json, first member: the older shape, no cluster
    // No spec example shows a linked workspace; workspace-name is the Workspaces - Get response (api-version 2020-08-01)
    // that https://learn.microsoft.com/azure/azure-monitor/logs/customer-managed-keys printed after linking a workspace
    // (MicrosoftDocs, "Link workspace to cluster"): features.clusterResourceId names the cluster, and "a workspace that
    // is not linked has no clusterResourceId under features". The key is the cluster's (cmk.log-analytics-cluster).
    expect: {
      '/subscriptions/00000000-0000-0000-0000-00000000000/resourcegroups/oiautorest6685/providers/microsoft.operationalinsights/workspaces/oiautorest6685':
        'fail',
      '/subscriptions/594038b5-1093-476e-a366-482775671c11/resourcegroups/calbot-rg/providers/microsoft.operationalinsights/workspaces/testresourcelock':
        'fail',
      '/subscriptions/subscription-id/resourcegroups/resource-group-name/providers/microsoft.operationalinsights/workspaces/workspace-name':
        'pass',
    },
    keys: {},
  },
  {
    rule: 'cmk.storage-encryption-scope',
    file: 'storage-encryption-scope.json',
    // storage/resource-manager/Microsoft.Storage/stable/:
    //   accountname/.../{encryption-scope-name}      2024-01-01/examples/StorageAccountPatchEncryptionScope.json
    //   accountname/.../{encryption-scope-name}-put  2024-01-01/examples/StorageAccountPutEncryptionScope.json, 200
    //                                                body: source Microsoft.Storage
    //   {storage-account-name}/.../{encryption-scope-name}  2019-06-01/examples/StorageAccountPatchEncryptionScope.json:
    //                                                the older shape, keyUri without currentVersionedKeyIdentifier
    // The examples' key host (testvault.vault.core.windows.net) is no Key Vault host: cmk.key-resolvable names the key
    // and reports it unknown as an external key store.
    expect: {
      [`${STORAGE}/accountname/encryptionScopes/{encryption-scope-name}`]: 'pass',
      [`${STORAGE}/accountname/encryptionScopes/{encryption-scope-name}-put`]: 'fail',
      [`${STORAGE}/{storage-account-name}/encryptionScopes/{encryption-scope-name}`]: 'pass',
    },
    keys: {
      [`${STORAGE}/accountname/encryptionScopes/{encryption-scope-name}`]: ['testvault.vault.core.windows.net/keys/key1'],
      [`${STORAGE}/{storage-account-name}/encryptionScopes/{encryption-scope-name}`]: ['testvault.vault.core.windows.net/keys/key1'],
    },
  },
  {
    rule: 'cmk.storage-queue-table',
    file: 'storage-queue-table.json',
    // storage/resource-manager/Microsoft.Storage/stable/2024-01-01/examples/:
    //   sto8596      StorageAccountEnableCMK.json, 200 body: keySource Microsoft.Keyvault (lower-case keyvaultproperties),
    //                services blob and file only: queues and tables stay on the service key
    //   sto8596-queue-table  the same body with queue and table at keyType Account, as an account created with
    //                the account encryption key shows them (learn.microsoft.com/azure/storage/common/account-encryption-key-create)
    //   sto8596-get  StorageAccountGetProperties.json: keySource Microsoft.Storage, not applicable (cmk.storage-account fails it)
    expect: {
      [SA('sto8596')]: 'fail',
      [SA('sto8596-queue-table')]: 'pass',
      [SA('sto8596-get')]: 'notApplicable',
    },
    keys: {
      [SA('sto8596')]: ['myvault8569.vault.azure.net/keys/wrappingkey'],
      [SA('sto8596-queue-table')]: ['myvault8569.vault.azure.net/keys/wrappingkey'],
    },
    identities: {
      [SA('sto8596')]: ['principal:911871cc-ffd1-4fc4-ac11-7a316433ea66'],
      [SA('sto8596-queue-table')]: ['principal:911871cc-ffd1-4fc4-ac11-7a316433ea66'],
    },
  },
  {
    rule: 'cmk.netapp-account',
    file: 'netapp-account.json',
    // netapp/resource-manager/Microsoft.NetApp/stable/2025-06-01/examples/Accounts_Get.json (account1): no encryption block.
    // No example GETs an account on a customer key. account1-netapp-key is that body with `encryption` as
    // `az netappfiles account show` prints a default account (identity and keyVaultProperties null, keySource
    // Microsoft.NetApp); account1-hsm-key carries the key Accounts_ChangeKeyVault.json moves the account to (a Managed
    // HSM key: keyVaultUri, keyName, keyVaultResourceId) under keySource Microsoft.KeyVault, with a user-assigned
    // identity in encryption.identity (AccountEncryption definition of 2025-06-01).
    expect: {
      [ANF('account1')]: 'fail',
      [ANF('account1-netapp-key')]: 'fail',
      [ANF('account1-hsm-key')]: 'pass',
    },
    keys: { [ANF('account1-hsm-key')]: ['my-key-vault.managedhsm.azure.net/keys/rsakey'] },
    identities: {
      [ANF('account1-hsm-key')]: [
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myRG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/anf-cmk',
      ],
    },
  },
  {
    rule: 'cmk.redis-enterprise',
    file: 'redis-enterprise.json',
    // redisenterprise/resource-manager/Microsoft.Cache/stable/:
    //   subid/.../cache1                2025-04-01/examples/RedisEnterpriseCreate.json, 201 body: customerManagedKeyEncryption
    //   e7b5a9d2-.../cache1             2025-04-01/examples/RedisEnterpriseGet.json: no encryption block
    //   subid/.../cache1-2023-11-01     2023-11-01/examples/RedisEnterpriseCreate.json, 200 body: the older shape, none either
    expect: {
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1': 'pass',
      '/subscriptions/e7b5a9d2-6b6a-4d2f-9143-20d9a10f5b8f/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1': 'fail',
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1-2023-11-01': 'fail',
    },
    keys: {
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1': ['your-kv.vault.azure.net/keys/your-key'],
    },
    identities: {
      '/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1': [
        '/subscriptions/your-subscription/resourceGroups/your-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/your-identity',
      ],
    },
  },
  {
    rule: 'cmk.hpc-cache',
    file: 'hpc-cache.json',
    // storagecache/resource-manager/Microsoft.StorageCache/stable/:
    //   sc1             2025-07-01/examples/Caches_Get.json: encryptionSettings.keyEncryptionKey (keyUrl, sourceVault.id)
    //   sc1-2019-11-01  2019-11-01/examples/Caches_Get.json: the older shape, no encryptionSettings (Microsoft-managed keys)
    // The examples' bodies spell the type Microsoft.StorageCache/Cache; Resource Graph names the type from the id
    // (microsoft.storagecache/caches), which these records carry (see the report of audit b).
    expect: {
      [`${HPC}/caches/sc1`]: 'pass',
      [`${HPC}/caches/sc1-2019-11-01`]: 'fail',
    },
    keys: { [`${HPC}/caches/sc1`]: ['keyvault-cmk.vault.azure.net/keys/key2048'] },
  },
  {
    rule: 'cmk.managed-lustre',
    file: 'managed-lustre.json',
    // storagecache/resource-manager/Microsoft.StorageCache/stable/:
    //   fs1  2025-07-01/examples/amlFilesystems_Get.json (type spelled Microsoft.StorageCache/amlFilesystem in the body;
    //        the record carries Resource Graph's microsoft.storagecache/amlfilesystems); hsm and CSI blocks left out
    //   fs2  2024-03-01/examples/amlFilesystems_List.json, second member: the older api-version, same shape
    //   fs1-microsoft-key  every example names a key: fs1 without encryptionSettings and its identity, as a file
    //        system created without a customer key is
    expect: {
      [`${HPC}/amlFilesystems/fs1`]: 'pass',
      [`${HPC}/amlFilesystems/fs2`]: 'pass',
      [`${HPC}/amlFilesystems/fs1-microsoft-key`]: 'fail',
    },
    keys: {
      [`${HPC}/amlFilesystems/fs1`]: ['keyvault-cmk.vault.azure.net/keys/key2048'],
      [`${HPC}/amlFilesystems/fs2`]: ['examplekv.vault.azure.net/keys/kvk'],
    },
  },
  {
    rule: 'cmk.load-testing',
    file: 'load-testing.json',
    // loadtestservice/resource-manager/Microsoft.LoadTestService/stable/2022-12-01/examples/:
    //   myLoadTest      LoadTests_CreateOrUpdate.json, 200 body: encryption.keyUrl and a user-assigned encryption.identity
    //   myLoadTest-get  LoadTests_Get.json: no encryption block
    expect: {
      [LOAD('myLoadTest')]: 'pass',
      [LOAD('myLoadTest-get')]: 'fail',
    },
    keys: { [LOAD('myLoadTest')]: ['dummy.vault.azure.net/keys/dummykey1'] },
    identities: {
      [LOAD('myLoadTest')]: [
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dummyrg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
      ],
    },
  },
  {
    rule: 'cmk.stream-analytics',
    file: 'stream-analytics.json',
    // streamanalytics/resource-manager/Microsoft.StreamAnalytics/stable/2020-03-01/examples/StreamingJob_Create_CompleteJob.json
    // (sj7804, 200 body without its inputs, transformation and outputs; 2021-10-01-preview returns the same): no
    // contentStoragePolicy, the SystemAccount default. No example shows the other values; the two others set them as
    // the StreamingJobProperties definition of 2020-03-01 names them (contentStoragePolicy SystemAccount, and
    // JobStorageAccount with jobStorageAccount.accountName and authenticationMode Msi).
    expect: {
      [ASA('sj7804')]: 'fail',
      [ASA('sj7804-system-account')]: 'fail',
      [ASA('sj7804-job-storage')]: 'pass',
    },
    keys: {},
  },
  {
    rule: 'cmk.log-search-alert',
    file: 'log-search-alert.json',
    // monitor/resource-manager/Microsoft.Insights/stable/ (no `kind` in any of these bodies: the rule applies):
    //   perf             2023-12-01/examples/createOrUpdateScheduledQueryRule.json, 200 body: checkWorkspaceAlertsStorageConfigured true
    //   perf-2021-08-01  2021-08-01/examples/getScheduledQueryRule.json: the same flag, an older api-version
    //   logalertfoo      2018-04-16/examples/getScheduledQueryRules.json: the legacy shape (source, schedule, action), no flag
    expect: {
      [ALERT('perf')]: 'pass',
      [ALERT('perf-2021-08-01')]: 'pass',
      '/subscriptions/b67f7fec-69fc-4974-9099-a26bd6ffeda3/resourceGroups/Rac46PostSwapRG/providers/microsoft.insights/scheduledQueryRules/logalertfoo':
        'fail',
    },
    keys: {},
  },
  {
    rule: 'cmk.vmware-private-cloud',
    file: 'vmware-private-cloud.json',
    // vmware/resource-manager/Microsoft.AVS/stable/ (endpoints and identity sources left out):
    //   00000000-.../cloud1     2024-09-01/examples/PrivateClouds_Get.json: encryption Enabled, keyVaultUrl with a
    //                           trailing slash, keyName, keyVersion; the system-assigned identity unwraps the key
    //   {subscription-id}/.../cloud1  2021-12-01/examples/PrivateClouds_Get.json: the older shape, no encryption
    expect: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/group1/providers/Microsoft.AVS/privateClouds/cloud1': 'pass',
      '/subscriptions/{subscription-id}/resourceGroups/group1/providers/Microsoft.AVS/privateClouds/cloud1': 'fail',
    },
    keys: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/group1/providers/Microsoft.AVS/privateClouds/cloud1': [
        'keyvault1-kmip-kvault.vault.azure.net/keys/keyname1',
      ],
    },
    identities: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/group1/providers/Microsoft.AVS/privateClouds/cloud1': [
        'principal:881e5573-063f-49e4-8c08-79d7df0169d8',
      ],
    },
  },
];

interface Finding {
  ruleId: string;
  status: Status;
  resource: { id: string };
  evidence: { related?: { kind: string; id: string } }[];
}

interface Document {
  summary: { byRule: Record<string, Record<Status, number>> };
  findings: Finding[];
}

async function scan(file: string): Promise<Document> {
  const result = await runInProcess([
    'scan',
    '--input',
    fixture('services', 'real-payloads', file),
    '--format',
    'json',
    '--fail-on',
    'none',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Document;
}

/**
 * The rule's findings (fail, unknown) by resource, and its four counts: with
 * every record of the fixture in `expect`, they pin each record's status (a
 * record without a finding is a pass, or not applicable where the counts say so).
 */
function verdicts(document: Document, rule: string): { findings: Record<string, Status>; counts: Record<Status, number> } {
  const findings = Object.fromEntries(document.findings.filter((f) => f.ruleId === rule).map((f) => [f.resource.id, f.status]));
  const { pass, fail, unknown, notApplicable } = document.summary.byRule[rule]!;
  return { findings, counts: { pass, fail, unknown, notApplicable } };
}

function expected(c: Case): { findings: Record<string, Status>; counts: Record<Status, number> } {
  const counts: Record<Status, number> = { pass: 0, fail: 0, unknown: 0, notApplicable: 0 };
  const findings: Record<string, Status> = {};
  for (const [id, status] of Object.entries(c.expect)) {
    counts[status] += 1;
    if (status === 'fail' || status === 'unknown') findings[id] = status;
  }
  return { findings, counts };
}

/** For each resource with a finding of `rule`, the ids of the related resources of `kind` its evidence names. */
function related(document: Document, rule: string, kind: string, ids: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const finding of document.findings) {
    if (finding.ruleId !== rule || !ids.includes(finding.resource.id)) continue;
    const named = finding.evidence.flatMap((item) => (item.related?.kind === kind ? [item.related.id] : []));
    out[finding.resource.id] = [...new Set(named)].sort();
  }
  return out;
}

describe('service rules on real REST payloads (audit b)', () => {
  test.each(CASES.map((c) => [c.rule, c] as const))('%s gives the status the payload implies and follows its key', async (_rule, c) => {
    const document = await scan(c.file);
    const ids = Object.keys(c.expect);
    expect(verdicts(document, c.rule)).toEqual(expected(c));
    expect(related(document, 'cmk.key-resolvable', 'key', ids)).toEqual(c.keys);
    if (c.identities) expect(related(document, 'cmk.key-access-scoped', 'identity', ids)).toEqual(c.identities);
    // No fixture holds a key store: every key reference is unknown, never a pass or a dangling failure.
    for (const finding of document.findings.filter((f) => f.ruleId === 'cmk.key-resolvable')) expect(finding.status).toBe('unknown');
  });
});
