import type { ExtensionMapping, ResourceMapping } from '../mapping-types.js';
import { commonProperties } from './common.js';
import { diskEncryptionSet, kubernetesCluster, managedDisk } from './compute.js';
import { containerRegistry } from './container-registry.js';
import { cosmosdbAccount } from './cosmosdb-account.js';
import { mysqlFlexibleServer, postgresqlFlexibleServer } from './flexible-servers.js';
import { keyVault } from './key-vault.js';
import { keyVaultKey } from './key-vault-key.js';
import { managedHsm } from './managed-hsm.js';
import { mssqlServer, mssqlServerTransparentDataEncryption } from './mssql-server.js';
import { storageAccount, storageAccountCustomerManagedKey } from './storage-account.js';

export { commonProperties };

/** Every `azurerm` type that becomes an Azure resource, in documentation order. */
export const resourceMappings: readonly ResourceMapping[] = [
  keyVault,
  keyVaultKey,
  managedHsm,
  storageAccount,
  mssqlServer,
  cosmosdbAccount,
  managedDisk,
  diskEncryptionSet,
  kubernetesCluster,
  postgresqlFlexibleServer,
  mysqlFlexibleServer,
  containerRegistry,
];

/** Every `azurerm` type that sets properties of another. */
export const extensionMappings: readonly ExtensionMapping[] = [storageAccountCustomerManagedKey, mssqlServerTransparentDataEncryption];
