import type { ResourceMapping } from '../mapping-types.js';

export const containerRegistry: ResourceMapping = {
  terraform: 'azurerm_container_registry',
  azure: 'Microsoft.ContainerRegistry/registries',
  id: { kind: 'resource-group', provider: 'Microsoft.ContainerRegistry/registries' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/container_registry',
  properties: [
    { to: 'sku.name', from: 'sku' },
    { to: 'sku.tier', from: 'sku' },
    { to: 'properties.adminUserEnabled', from: 'admin_enabled', default: false, note: 'provider default `false`' },
    {
      to: 'properties.encryption.status',
      from: 'encryption[0].enabled',
      convert: 'enabled-disabled-lower',
      note: 'azurerm 3.x only, where `enabled` defaults to `false`',
    },
    {
      to: 'properties.encryption.status',
      from: 'encryption',
      convert: { present: 'enabled', absent: 'disabled' },
      note: 'azurerm 4.x: an `encryption` block turns customer-managed keys on',
    },
    { to: 'properties.encryption.keyVaultProperties.keyIdentifier', from: 'encryption[0].key_vault_key_id', presentWhenUnknown: true },
    { to: 'properties.encryption.keyVaultProperties.identity', from: 'encryption[0].identity_client_id' },
    {
      to: 'properties.publicNetworkAccess',
      from: 'public_network_access_enabled',
      convert: 'enabled-disabled',
      default: 'Enabled',
      note: 'provider default `true`',
    },
  ],
};
