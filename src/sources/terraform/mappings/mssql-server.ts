import type { ExtensionMapping, ResourceMapping } from '../mapping-types.js';

export const mssqlServer: ResourceMapping = {
  terraform: 'azurerm_mssql_server',
  azure: 'Microsoft.Sql/servers',
  id: { kind: 'resource-group', provider: 'Microsoft.Sql/servers' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/mssql_server',
  properties: [
    { to: 'properties.version', from: 'version' },
    { to: 'properties.administratorLogin', from: 'administrator_login' },
    {
      to: 'properties.keyId',
      from: 'transparent_data_encryption_key_vault_key_id',
      presentWhenUnknown: true,
      note: 'the TDE protector set at creation; unset means service-managed keys',
    },
    { to: 'properties.primaryUserAssignedIdentityId', from: 'primary_user_assigned_identity_id' },
    { to: 'properties.minimalTlsVersion', from: 'minimum_tls_version', default: '1.2', note: 'provider default `1.2`' },
    {
      to: 'properties.publicNetworkAccess',
      from: 'public_network_access_enabled',
      convert: 'enabled-disabled',
      default: 'Enabled',
      note: 'provider default `true`',
    },
  ],
};

export const mssqlServerTransparentDataEncryption: ExtensionMapping = {
  terraform: 'azurerm_mssql_server_transparent_data_encryption',
  target: { attribute: 'server_id', types: ['azurerm_mssql_server'] },
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/mssql_server_transparent_data_encryption',
  properties: [
    {
      to: 'properties.keyId',
      from: ['key_vault_key_id', 'managed_hsm_key_id'],
      presentWhenUnknown: true,
      note: 'neither set: the protector is service-managed, and the server has no `keyId`',
    },
  ],
};
