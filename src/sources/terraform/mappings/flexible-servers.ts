import type { PropertyMapping, ResourceMapping } from '../mapping-types.js';

/**
 * PostgreSQL and MySQL flexible servers describe customer-managed keys the
 * same way, in a `customer_managed_key` block and `properties.dataEncryption`.
 */
const dataEncryption: readonly PropertyMapping[] = [
  {
    to: 'properties.dataEncryption.type',
    from: 'customer_managed_key',
    convert: { present: 'AzureKeyVault', absent: 'SystemManaged' },
    note: 'a `customer_managed_key` block means Key Vault keys; without one the service manages them',
  },
  {
    to: 'properties.dataEncryption.primaryKeyURI',
    from: ['customer_managed_key[0].key_vault_key_id', 'customer_managed_key[0].managed_hsm_key_id'],
    presentWhenUnknown: true,
  },
  { to: 'properties.dataEncryption.primaryUserAssignedIdentityId', from: 'customer_managed_key[0].primary_user_assigned_identity_id' },
  {
    to: 'properties.dataEncryption.geoBackupKeyURI',
    from: 'customer_managed_key[0].geo_backup_key_vault_key_id',
    presentWhenUnknown: true,
  },
  {
    to: 'properties.dataEncryption.geoBackupUserAssignedIdentityId',
    from: 'customer_managed_key[0].geo_backup_user_assigned_identity_id',
  },
];

export const postgresqlFlexibleServer: ResourceMapping = {
  terraform: 'azurerm_postgresql_flexible_server',
  azure: 'Microsoft.DBforPostgreSQL/flexibleServers',
  id: { kind: 'resource-group', provider: 'Microsoft.DBforPostgreSQL/flexibleServers' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/postgresql_flexible_server',
  properties: [{ to: 'sku.name', from: 'sku_name' }, { to: 'properties.version', from: 'version' }, ...dataEncryption],
};

export const mysqlFlexibleServer: ResourceMapping = {
  terraform: 'azurerm_mysql_flexible_server',
  azure: 'Microsoft.DBforMySQL/flexibleServers',
  id: { kind: 'resource-group', provider: 'Microsoft.DBforMySQL/flexibleServers' },
  idAttribute: 'id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/mysql_flexible_server',
  properties: [{ to: 'sku.name', from: 'sku_name' }, { to: 'properties.version', from: 'version' }, ...dataEncryption],
};
