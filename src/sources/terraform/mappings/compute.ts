import type { ResourceMapping } from '../mapping-types.js';

const CUSTOMER_KEY = 'EncryptionAtRestWithCustomerKey';

export const diskEncryptionSet: ResourceMapping = {
  terraform: 'azurerm_disk_encryption_set',
  azure: 'Microsoft.Compute/diskEncryptionSets',
  id: { kind: 'resource-group', provider: 'Microsoft.Compute/diskEncryptionSets' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/disk_encryption_set',
  properties: [
    { to: 'properties.encryptionType', from: 'encryption_type', default: CUSTOMER_KEY, note: `provider default \`${CUSTOMER_KEY}\`` },
    { to: 'properties.activeKey.keyUrl', from: ['key_vault_key_id', 'managed_hsm_key_id'], presentWhenUnknown: true },
    {
      to: 'properties.rotationToLatestKeyVersionEnabled',
      from: 'auto_key_rotation_enabled',
      default: false,
      note: 'provider default `false`',
    },
    { to: 'properties.federatedClientId', from: 'federated_client_id' },
  ],
};

export const managedDisk: ResourceMapping = {
  terraform: 'azurerm_managed_disk',
  azure: 'Microsoft.Compute/disks',
  id: { kind: 'resource-group', provider: 'Microsoft.Compute/disks' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/managed_disk',
  properties: [
    { to: 'sku.name', from: 'storage_account_type' },
    { to: 'properties.diskSizeGB', from: 'disk_size_gb' },
    { to: 'properties.encryption.diskEncryptionSetId', from: 'disk_encryption_set_id' },
    {
      to: 'properties.encryption.type',
      from: 'disk_encryption_set_id',
      convert: {
        lookup: {
          types: ['azurerm_disk_encryption_set'],
          attribute: 'encryption_type',
          default: CUSTOMER_KEY,
          outside: CUSTOMER_KEY,
        },
      },
      default: 'EncryptionAtRestWithPlatformKey',
      note:
        'the provider copies the encryption type of the disk encryption set; when that set is outside the plan keyscope assumes ' +
        `\`${CUSTOMER_KEY}\` (a set used this way is one of the two customer-key types); no set: platform keys`,
    },
    {
      to: 'properties.securityProfile.secureVMDiskEncryptionSetId',
      from: 'secure_vm_disk_encryption_set_id',
    },
  ],
};

export const kubernetesCluster: ResourceMapping = {
  terraform: 'azurerm_kubernetes_cluster',
  azure: 'Microsoft.ContainerService/managedClusters',
  id: { kind: 'resource-group', provider: 'Microsoft.ContainerService/managedClusters' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster',
  properties: [
    { to: 'properties.dnsPrefix', from: 'dns_prefix' },
    { to: 'properties.kubernetesVersion', from: 'kubernetes_version' },
    {
      to: 'properties.diskEncryptionSetID',
      from: 'disk_encryption_set_id',
      note: 'node OS and data disks; Resource Graph spells it `diskEncryptionSetID`',
    },
    {
      to: 'properties.securityProfile.azureKeyVaultKms.enabled',
      from: 'key_management_service',
      convert: { present: true },
      note: 'a `key_management_service` block turns on KMS etcd encryption',
    },
    {
      to: 'properties.securityProfile.azureKeyVaultKms.keyId',
      from: 'key_management_service[0].key_vault_key_id',
      presentWhenUnknown: true,
    },
    {
      to: 'properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess',
      from: 'key_management_service[0].key_vault_network_access',
    },
  ],
};
