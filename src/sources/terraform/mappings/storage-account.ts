import type { ExtensionMapping, ResourceMapping } from '../mapping-types.js';

const KEY_SOURCE = 'properties.encryption.keySource';
const KEY_VAULT_URI = 'properties.encryption.keyvaultproperties.keyvaulturi';
const KEY_NAME = 'properties.encryption.keyvaultproperties.keyname';
const KEY_VERSION = 'properties.encryption.keyvaultproperties.keyversion';
const IDENTITY = 'properties.encryption.identity.userAssignedIdentity';

export const storageAccount: ResourceMapping = {
  terraform: 'azurerm_storage_account',
  azure: 'Microsoft.Storage/storageAccounts',
  id: { kind: 'resource-group', provider: 'Microsoft.Storage/storageAccounts' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account',
  properties: [
    { to: 'kind', from: 'account_kind', default: 'StorageV2', note: 'provider default `StorageV2`' },
    {
      to: KEY_SOURCE,
      from: 'customer_managed_key',
      convert: { present: 'Microsoft.Keyvault', absent: 'Microsoft.Storage' },
      note: 'a `customer_managed_key` block means Key Vault keys; without one Azure uses Microsoft-managed keys',
    },
    {
      to: KEY_VAULT_URI,
      from: ['customer_managed_key[0].key_vault_key_id', 'customer_managed_key[0].managed_hsm_key_id'],
      convert: 'key-uri-vault',
      presentWhenUnknown: true,
    },
    {
      to: KEY_NAME,
      from: ['customer_managed_key[0].key_vault_key_id', 'customer_managed_key[0].managed_hsm_key_id'],
      convert: 'key-uri-name',
      presentWhenUnknown: true,
    },
    {
      to: KEY_VERSION,
      from: ['customer_managed_key[0].key_vault_key_id', 'customer_managed_key[0].managed_hsm_key_id'],
      convert: 'key-uri-version',
    },
    { to: IDENTITY, from: 'customer_managed_key[0].user_assigned_identity_id' },
    {
      to: 'properties.encryption.requireInfrastructureEncryption',
      from: 'infrastructure_encryption_enabled',
      default: false,
      note: 'provider default `false`',
    },
    {
      to: 'properties.supportsHttpsTrafficOnly',
      from: ['https_traffic_only_enabled', 'enable_https_traffic_only'],
      default: true,
      note: '`enable_https_traffic_only` before azurerm 4.0; provider default `true`',
    },
    {
      to: 'properties.minimumTlsVersion',
      from: 'min_tls_version',
      default: 'TLS1_2',
      note: 'provider default `TLS1_2` (azurerm 3.0 and later)',
    },
    {
      to: 'properties.publicNetworkAccess',
      from: 'public_network_access_enabled',
      convert: 'enabled-disabled',
      default: 'Enabled',
      note: 'provider default `true`',
    },
  ],
};

export const storageAccountCustomerManagedKey: ExtensionMapping = {
  terraform: 'azurerm_storage_account_customer_managed_key',
  target: { attribute: 'storage_account_id', types: ['azurerm_storage_account'] },
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account_customer_managed_key',
  properties: [
    { to: KEY_SOURCE, value: 'Microsoft.Keyvault', note: 'the resource exists to set Key Vault keys' },
    { to: KEY_NAME, from: 'key_name', presentWhenUnknown: true },
    { to: KEY_NAME, from: 'managed_hsm_key_id', convert: 'key-uri-name', presentWhenUnknown: true },
    {
      to: KEY_VERSION,
      from: 'key_version',
      default: '',
      note: 'unset: automatic rotation to the latest version (`""`, as Azure reports it)',
    },
    { to: KEY_VAULT_URI, from: 'managed_hsm_key_id', convert: 'key-uri-vault', presentWhenUnknown: true },
    {
      to: KEY_VAULT_URI,
      from: 'key_vault_uri',
      note: 'computed from `key_vault_id` by the provider: unknown until apply when only `key_vault_id` is written',
    },
    { to: IDENTITY, from: 'user_assigned_identity_id' },
  ],
  notes: [
    'The provider docs ask for `lifecycle { ignore_changes = [customer_managed_key] }` on the account; keyscope lets this resource decide its encryption.',
  ],
};
