import type { ResourceMapping } from '../mapping-types.js';

export const managedHsm: ResourceMapping = {
  terraform: 'azurerm_key_vault_managed_hardware_security_module',
  azure: 'Microsoft.KeyVault/managedHSMs',
  id: { kind: 'resource-group', provider: 'Microsoft.KeyVault/managedHSMs' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault_managed_hardware_security_module',
  properties: [
    { to: 'sku.family', value: 'B', note: 'the only Managed HSM SKU family; the provider always sends it' },
    { to: 'sku.name', from: 'sku_name' },
    { to: 'properties.tenantId', from: 'tenant_id' },
    { to: 'properties.initialAdminObjectIds', from: 'admin_object_ids' },
    { to: 'properties.enableSoftDelete', value: true, note: 'the provider always sends `true`' },
    { to: 'properties.softDeleteRetentionInDays', from: 'soft_delete_retention_days', default: 90, note: 'provider default 90' },
    {
      to: 'properties.enablePurgeProtection',
      from: 'purge_protection_enabled',
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
