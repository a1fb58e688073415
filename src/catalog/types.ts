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
  /**
   * With `each`: a member that names no key is on platform keys (a VM's data
   * disk without a disk encryption set), not a dangling reference. Without it
   * every member must name one, and an unset one is an empty reference.
   */
  optional?: boolean;
  key: KeyLocator;
  /**
   * The identity the service unwraps with; the resource's system-assigned
   * identity when absent or empty (or `unwrappedBy`, or `firstPartyIdentity`).
   * `fromResource`: with `each`, the path is read from the resource root, not
   * the member (one identity for all the members' keys).
   */
  identity?: { path: string; form: IdentityForm; fromResource?: boolean };
  /**
   * The identity that unwraps when `identity` names none, where it is not the
   * resource's system-assigned identity: `resource-identity`, the one identity
   * of the resource's `identity` block whatever its kind (system-assigned, or
   * its single user-assigned identity); `parent-system-assigned`, the parent
   * resource's system-assigned identity (a child type with no identity of its
   * own), which the relation index does not follow: access is then unknown.
   */
  unwrappedBy?: UnwrappedBy;
  /**
   * A Microsoft first-party application unwraps the key (granted by an access
   * policy or role in the customer's vault), not an identity of the resource,
   * when `identity` names none. Its object id differs per tenant, so who may
   * use the key is unknown: cmk.key-access-scoped reports unknown.
   */
  firstPartyIdentity?: { name: string; applicationId?: string };
}

/** Who unwraps the key when the reference names no identity (KeyReferenceSpec.unwrappedBy). */
export type UnwrappedBy = 'resource-identity' | 'parent-system-assigned';

/**
 * Where a cmk type's key is held when the resource names none itself
 * (CatalogTypeSpec.keyReferencesIn): `data-plane`, set through the service's
 * data-plane API, which keyscope does not read; or another resource whose own
 * key decides (a Stream Analytics job's storage account, a workspace's
 * cluster). Informational: the relational rules do not follow it.
 */
export type KeyHeldElsewhere =
  | 'data-plane'
  | {
      /** The ARM type that holds the key. */
      resource: string;
      /** The property of this type that names that resource. */
      path?: string;
      /** How `path` names it. */
      form?: 'name' | 'resourceId';
      /** The switch that puts the link in force. */
      when?: { path: string; in: readonly string[] };
      /** A linking resource type between the two. */
      via?: string;
    };

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
  /** A cmk type whose key is not an Azure key (a Kubernetes secret): no keyReferences, the relational rules do not apply. Informational. */
  keyLocation?: 'kubernetes-secret';
  /** A cmk type that names no key itself: where the key is held instead. Informational (docs, catalog readers). */
  keyReferencesIn?: KeyHeldElsewhere;
  /**
   * For a cmk type without keyReferences: the switch that says its data is
   * under a customer key, so the posture can class it (`host-your-own` for a
   * key outside Azure's key services, `undetermined` for a key keyscope does
   * not follow, `platform-managed` when off). `in`: the values that mean on
   * (case-insensitive, a boolean by its text); `exists`: set and not empty.
   */
  customerKeyWhen?: { path: string; in?: readonly string[]; exists?: true };
  /** One line: why the type is in its class (no-data, platform-only), shown in docs/services.md. */
  note?: string;
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
