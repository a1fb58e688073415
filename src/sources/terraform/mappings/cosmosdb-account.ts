import type { ResourceMapping } from '../mapping-types.js';

export const cosmosdbAccount: ResourceMapping = {
  terraform: 'azurerm_cosmosdb_account',
  azure: 'Microsoft.DocumentDB/databaseAccounts',
  id: { kind: 'resource-group', provider: 'Microsoft.DocumentDB/databaseAccounts' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/cosmosdb_account',
  properties: [
    { to: 'kind', from: 'kind', default: 'GlobalDocumentDB', note: 'provider default `GlobalDocumentDB`' },
    { to: 'properties.databaseAccountOfferType', from: 'offer_type' },
    {
      to: 'properties.keyVaultKeyUri',
      from: ['key_vault_key_id', 'managed_hsm_key_id'],
      presentWhenUnknown: true,
      note: 'a versionless key id; unset means service-managed keys',
    },
    { to: 'properties.defaultIdentity', from: 'default_identity_type' },
    {
      to: 'properties.disableLocalAuth',
      from: 'local_authentication_disabled',
      default: false,
      note: 'provider default `false`',
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
