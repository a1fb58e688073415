import type { ExtensionMapping, ResourceMapping } from './terraform-mapping.js';

/** What a catalog type is, for the posture and the profiles (docs/catalog.md, "Classes"). */
export type ServiceClass = 'cmk' | 'platform-only' | 'no-data' | 'key-store';

export const SERVICE_CLASSES: readonly ServiceClass[] = ['cmk', 'platform-only', 'no-data', 'key-store'];

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

/** An azurerm resource mapping as a catalog file writes it: the Azure type comes from the catalog type. */
export type CatalogResourceMapping = Omit<ResourceMapping, 'azure'>;

/** One resource type of a catalog file, as written. */
export interface CatalogTypeSpec {
  /** ARM type in Azure's spelling (`Microsoft.Storage/storageAccounts`). */
  type: string;
  displayName: string;
  class: ServiceClass;
  /** The cmk.* rules that require a customer-managed key on this type. */
  rules?: readonly string[];
  /** The seed table's "Key Vault" column. */
  keyVault?: boolean;
  /** The seed table's "Managed HSM" column. */
  managedHsm?: boolean;
  /** Resource Manager does not show the key setting: the rule reports unknown. */
  dataPlaneOnly?: boolean;
  keyReferences?: readonly KeyReferenceSpec[];
  keyConstraints?: { kty?: readonly string[]; sizes?: readonly number[]; minimumSize?: number };
  policies?: readonly { id: string; title: string }[];
  terraform?: { resources?: readonly CatalogResourceMapping[]; extensions?: readonly ExtensionMapping[] };
}

/** One catalog file (`catalog/services/<file>.yaml`), as written. */
export interface CatalogServiceSpec {
  /** camelCase id: `relation.service`, the `<service>MinimumSize` parameter. */
  service: string;
  name: string;
  /** Seed-table rows this service covers whose names differ from `name`. */
  seedRows?: readonly string[];
  docs?: readonly string[];
  restApi?: readonly string[];
  types: readonly CatalogTypeSpec[];
}

/** A catalog service with the file it was read from (relative to the package root, `/`-separated). */
export interface CatalogService extends CatalogServiceSpec {
  file: string;
}

/** A catalog type with its service: what lookups return. */
export interface CatalogEntry extends CatalogTypeSpec {
  /** Lower-case type, the key lookups use. */
  key: string;
  service: CatalogService;
}
