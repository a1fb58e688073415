/**
 * The shape of the Terraform-to-Azure mapping tables. A table is data: which
 * `azurerm` attribute fills which resource property, how its value converts,
 * and the provider default that applies when it is not set. One generic
 * interpreter (`interpret.ts`) applies every table.
 */

/** A JSON value, as it appears in a plan and in a resource. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A conversion with a name, implemented in `converters.ts` (a key operation name, a key URI's parts...). */
export type NamedConversion =
  | 'key-operations'
  | 'key-uri-vault'
  | 'key-uri-name'
  | 'key-uri-version'
  | 'epoch-seconds'
  | 'enabled-disabled'
  | 'enabled-disabled-lower'
  | 'location'
  | 'keys-of-object'
  | 'key-rotation-policy';

/** An enumeration: Terraform's value (matched case-insensitively) to Azure's. Values not listed pass through. */
export interface MapConversion {
  map: Readonly<Record<string, Json>>;
}

/** A block or attribute whose presence decides the value (a `customer_managed_key` block means Key Vault keys). */
export interface PresenceConversion {
  present: Json;
  absent?: Json;
}

/**
 * A value read from the resource the attribute refers to, when that resource
 * is in the plan (a disk's encryption type is its disk encryption set's).
 */
export interface LookupConversion {
  lookup: {
    /** Terraform types the attribute may refer to. */
    types: readonly string[];
    /** The referred resource's attribute to read. */
    attribute: string;
    /** Its provider default, when the referred resource leaves it unset. */
    default?: Json;
    /** The value to assume when the referred resource is not in the plan; without it the property is unknown. */
    outside?: Json;
  };
}

export type Conversion = NamedConversion | MapConversion | PresenceConversion | LookupConversion;

/**
 * One resource property and where its value comes from. Mappings apply in
 * table order; the first to write a property (or mark it unknown) wins, so
 * an older provider's attribute can follow a newer one's.
 */
export interface PropertyMapping {
  /** Resource path written, e.g. `properties.enablePurgeProtection`; `[*]` pairs with the same `[*]` in `from`. */
  to: string;
  /**
   * Terraform attribute paths in `change.after`, in order of preference
   * (`purge_protection_enabled`, `customer_managed_key[0].key_vault_key_id`,
   * `access_policy[*].key_permissions`). The first that is set is used; an
   * unknown one makes `to` unknown. Absent for a constant.
   */
  from?: string | readonly string[];
  /** How the value converts; as is when absent. */
  convert?: Conversion;
  /** A constant the provider always sends. */
  value?: Json;
  /** The provider's default when no `from` attribute is set (and not unknown): what the provider sends or Azure applies. */
  default?: Json;
  /** Why, for the documentation: where a default comes from, an assumption, a provider version. */
  note?: string;
  /**
   * The property is certainly there, a non-empty string, when its `from`
   * attribute is unknown until apply (`after_unknown`) inside a block the plan
   * does have: the provider requires the attribute, or validates it as a key
   * id or URI. Rules' `exists` and emptiness checks then decide; which value
   * it has stays unknown.
   */
  presentWhenUnknown?: true;
}

/** How the resource id is built when the plan does not know it. */
export type IdRule =
  | {
      /** `/subscriptions/{s}/resourceGroups/{resource_group_name}/providers/{provider}/{name}`. */
      kind: 'resource-group';
      provider: string;
    }
  | {
      /** `{parent id}/{segment}/{name}`, the parent found through `parent.attribute`. */
      kind: 'child';
      parent: { attribute: string; types: readonly string[]; provider: string };
      segment: string;
    };

/** An `azurerm` resource type that becomes an Azure resource. */
export interface ResourceMapping {
  terraform: string;
  /** The Azure type, as Azure spells it (`Microsoft.KeyVault/vaults/keys`). */
  azure: string;
  id: IdRule;
  /** The Terraform attribute that holds the Azure resource id once it exists (`id` for most types). */
  idAttribute?: string;
  properties: readonly PropertyMapping[];
  /** The provider documentation page the table follows. */
  source: string;
  notes?: readonly string[];
}

/**
 * An `azurerm` resource type with no Azure resource of its own: it sets
 * properties of the resource it refers to (a storage account's
 * customer-managed key, a SQL server's TDE protector). Its properties replace
 * the target's; one left unset removes the target's.
 */
export interface ExtensionMapping {
  terraform: string;
  /** The attribute that refers to the resource it extends, and the types that may be. */
  target: { attribute: string; types: readonly string[] };
  properties: readonly PropertyMapping[];
  source: string;
  notes?: readonly string[];
}
