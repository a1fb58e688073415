/**
 * Where each data service writes the customer-managed key it uses. One row
 * per consuming resource type; adding a service means adding a row here
 * (and its CMK rule), never a code branch. Paths are field paths as rules
 * write them, matched case-insensitively.
 */

/** How a reference names its key. */
export type KeyLocator =
  /** A key URI, with or without its version (`https://kv.vault.azure.net/keys/k[/v]`). */
  | { uri: string }
  /** A vault URI, a key name and an optional version, written apart. */
  | { vaultUri: string; name: string; version?: string }
  /** The resource id of a disk encryption set, whose `activeKey` is the key. */
  | { encryptionSet: string };

/** How the identity that unwraps the key is named. */
export type IdentityForm =
  /** A user-assigned identity's resource id. */
  | 'resourceId'
  /** A user-assigned identity's client id (looked up in the resource's `identity`). */
  | 'clientId'
  /** Cosmos DB's `defaultIdentity`: `FirstPartyIdentity`, `SystemAssignedIdentity` or `UserAssignedIdentity=<id>`. */
  | 'cosmosDefaultIdentity';

/** One key reference of a consuming type. */
export interface KeyReferenceSpec {
  /** The reference is in force only while this property holds one of these values (case-insensitive). */
  when?: { path: string; in: readonly string[] };
  /** An array (ending `[*]`) whose members each hold a reference; locator and identity paths are then relative to the member. */
  each?: string;
  key: KeyLocator;
  /** The identity the service unwraps with; the resource's system-assigned identity when absent or empty. */
  identity?: { path: string; form: IdentityForm };
}

/** A consuming resource type and its references. */
export interface ConsumerType {
  /** Lower-case resource type. */
  type: string;
  /** The service name rules see as `relation.service` (rule parameters are named after it). */
  service: string;
  references: readonly KeyReferenceSpec[];
}

const KEY_VAULT_SOURCE = ['Microsoft.KeyVault'];

export const CONSUMER_TYPES: readonly ConsumerType[] = [
  {
    type: 'microsoft.storage/storageaccounts',
    service: 'storage',
    references: [
      {
        when: { path: 'properties.encryption.keySource', in: KEY_VAULT_SOURCE },
        key: {
          vaultUri: 'properties.encryption.keyvaultproperties.keyvaulturi',
          name: 'properties.encryption.keyvaultproperties.keyname',
          version: 'properties.encryption.keyvaultproperties.keyversion',
        },
        identity: { path: 'properties.encryption.identity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.documentdb/databaseaccounts',
    service: 'cosmosDb',
    references: [
      { key: { uri: 'properties.keyVaultKeyUri' }, identity: { path: 'properties.defaultIdentity', form: 'cosmosDefaultIdentity' } },
    ],
  },
  {
    type: 'microsoft.dbforpostgresql/flexibleservers',
    service: 'postgresql',
    references: [
      {
        when: { path: 'properties.dataEncryption.type', in: ['AzureKeyVault'] },
        key: { uri: 'properties.dataEncryption.primaryKeyURI' },
        identity: { path: 'properties.dataEncryption.primaryUserAssignedIdentityId', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.dbformysql/flexibleservers',
    service: 'mysql',
    references: [
      {
        when: { path: 'properties.dataEncryption.type', in: ['AzureKeyVault'] },
        key: { uri: 'properties.dataEncryption.primaryKeyURI' },
        identity: { path: 'properties.dataEncryption.primaryUserAssignedIdentityId', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.sql/servers',
    service: 'sql',
    references: [{ key: { uri: 'properties.keyId' }, identity: { path: 'properties.primaryUserAssignedIdentityId', form: 'resourceId' } }],
  },
  {
    type: 'microsoft.sql/managedinstances',
    service: 'sql',
    references: [{ key: { uri: 'properties.keyId' }, identity: { path: 'properties.primaryUserAssignedIdentityId', form: 'resourceId' } }],
  },
  {
    type: 'microsoft.containerregistry/registries',
    service: 'containerRegistry',
    references: [
      {
        when: { path: 'properties.encryption.status', in: ['enabled'] },
        key: { uri: 'properties.encryption.keyVaultProperties.keyIdentifier' },
        identity: { path: 'properties.encryption.keyVaultProperties.identity', form: 'clientId' },
      },
    ],
  },
  {
    type: 'microsoft.eventhub/namespaces',
    service: 'eventHubs',
    references: [
      {
        when: { path: 'properties.encryption.keySource', in: KEY_VAULT_SOURCE },
        each: 'properties.encryption.keyVaultProperties[*]',
        key: { vaultUri: 'keyVaultUri', name: 'keyName', version: 'keyVersion' },
        identity: { path: 'identity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.servicebus/namespaces',
    service: 'serviceBus',
    references: [
      {
        when: { path: 'properties.encryption.keySource', in: KEY_VAULT_SOURCE },
        each: 'properties.encryption.keyVaultProperties[*]',
        key: { vaultUri: 'keyVaultUri', name: 'keyName', version: 'keyVersion' },
        identity: { path: 'identity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.cognitiveservices/accounts',
    service: 'cognitiveServices',
    references: [
      {
        when: { path: 'properties.encryption.keySource', in: KEY_VAULT_SOURCE },
        key: {
          vaultUri: 'properties.encryption.keyVaultProperties.keyVaultUri',
          name: 'properties.encryption.keyVaultProperties.keyName',
          version: 'properties.encryption.keyVaultProperties.keyVersion',
        },
        identity: { path: 'properties.encryption.keyVaultProperties.identityClientId', form: 'clientId' },
      },
    ],
  },
  {
    type: 'microsoft.operationalinsights/clusters',
    service: 'logAnalytics',
    references: [
      {
        key: {
          vaultUri: 'properties.keyVaultProperties.keyVaultUri',
          name: 'properties.keyVaultProperties.keyName',
          version: 'properties.keyVaultProperties.keyVersion',
        },
      },
    ],
  },
  {
    type: 'microsoft.appconfiguration/configurationstores',
    service: 'appConfiguration',
    references: [
      {
        key: { uri: 'properties.encryption.keyVaultProperties.keyIdentifier' },
        identity: { path: 'properties.encryption.keyVaultProperties.identityClientId', form: 'clientId' },
      },
    ],
  },
  {
    type: 'microsoft.datafactory/factories',
    service: 'dataFactory',
    references: [
      {
        key: {
          vaultUri: 'properties.encryption.vaultBaseUrl',
          name: 'properties.encryption.keyName',
          version: 'properties.encryption.keyVersion',
        },
        identity: { path: 'properties.encryption.identity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.synapse/workspaces',
    service: 'synapse',
    references: [
      {
        key: { uri: 'properties.encryption.cmk.key.keyVaultUrl' },
        identity: { path: 'properties.encryption.cmk.kekIdentity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.machinelearningservices/workspaces',
    service: 'machineLearning',
    references: [
      {
        when: { path: 'properties.encryption.status', in: ['Enabled'] },
        key: { uri: 'properties.encryption.keyVaultProperties.keyIdentifier' },
        identity: { path: 'properties.encryption.identity.userAssignedIdentity', form: 'resourceId' },
      },
    ],
  },
  {
    type: 'microsoft.databricks/workspaces',
    service: 'databricks',
    references: [
      {
        when: { path: 'properties.encryption.entities.managedServices.keySource', in: KEY_VAULT_SOURCE },
        key: {
          vaultUri: 'properties.encryption.entities.managedServices.keyVaultProperties.keyVaultUri',
          name: 'properties.encryption.entities.managedServices.keyVaultProperties.keyName',
          version: 'properties.encryption.entities.managedServices.keyVaultProperties.keyVersion',
        },
      },
      {
        when: { path: 'properties.encryption.entities.managedDisk.keySource', in: KEY_VAULT_SOURCE },
        key: {
          vaultUri: 'properties.encryption.entities.managedDisk.keyVaultProperties.keyVaultUri',
          name: 'properties.encryption.entities.managedDisk.keyVaultProperties.keyName',
          version: 'properties.encryption.entities.managedDisk.keyVaultProperties.keyVersion',
        },
      },
    ],
  },
  {
    type: 'microsoft.compute/diskencryptionsets',
    service: 'diskEncryptionSet',
    references: [{ key: { uri: 'properties.activeKey.keyUrl' } }],
  },
  {
    type: 'microsoft.compute/disks',
    service: 'managedDisk',
    references: [
      {
        when: {
          path: 'properties.encryption.type',
          in: ['EncryptionAtRestWithCustomerKey', 'EncryptionAtRestWithPlatformAndCustomerKeys'],
        },
        key: { encryptionSet: 'properties.encryption.diskEncryptionSetId' },
      },
    ],
  },
  {
    type: 'microsoft.containerservice/managedclusters',
    service: 'kubernetes',
    references: [{ key: { encryptionSet: 'properties.diskEncryptionSetID' } }],
  },
];

/** The consuming types, by lower-case type. */
export const CONSUMERS_BY_TYPE: ReadonlyMap<string, ConsumerType> = new Map(CONSUMER_TYPES.map((consumer) => [consumer.type, consumer]));

/** Every service name, sorted (rule parameters and docs list them). */
export const SERVICES: readonly string[] = [...new Set(CONSUMER_TYPES.map((consumer) => consumer.service))].sort();
