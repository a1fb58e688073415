import type { Resource } from '../../model/index.js';

/**
 * What Resource Graph does not index, and how Resource Manager gives it.
 * Each entry is data; docs/data-sources.md lists the same table for users.
 */

/**
 * Child resources listed under a parent that Resource Graph holds. The
 * list returns a key's attributes and URI only; its type, size, curve,
 * operations and rotation policy need one GET per key.
 */
export interface ChildEnrichment {
  /** The parent's type in Resource Graph (lower-case). */
  parentType: string;
  /** The children's type (lower-case). */
  childType: string;
  /** The collection below the parent's id: `<parent id>/<collection>`. */
  collection: string;
  apiVersion: string;
  /** Canonical paths (and everything below them) the list returns for each child. */
  listed: readonly string[];
  /** Paths only the GET returns, in Azure's spelling: unknown when the GET fails. */
  detailed: readonly string[];
}

/**
 * A singleton sub-resource merged into its parent's record, such as a SQL
 * server's TDE protector (`.../encryptionProtector/current`).
 */
export interface AttachEnrichment {
  /** The resource type it is merged into (lower-case). */
  type: string;
  /** The path below the resource id. */
  path: string;
  apiVersion: string;
  /** Paths it sets, in Azure's spelling: a rule reading one needs the call; unknown when the call fails. */
  provides: readonly string[];
  /** Merges the response body into the resource. */
  merge(resource: Resource, body: Record<string, unknown>): void;
}

// Resource Manager returns a key's list item and its GET in the same shape,
// the list without the cryptographic properties
// (Microsoft.KeyVault 2024-11-01: Keys_List, Keys_Get, ManagedHsmKeys_List, ManagedHsmKeys_Get).
const KEY_LISTED = [
  'id',
  'name',
  'type',
  'location',
  'tags',
  'subscriptionid',
  'resourcegroup',
  'properties.attributes',
  'properties.keyuri',
];
const KEY_DETAILED = [
  'properties.kty',
  'properties.keySize',
  'properties.curveName',
  'properties.keyOps',
  'properties.keyUriWithVersion',
  'properties.rotationPolicy',
  'properties.release_policy',
];

export const CHILD_ENRICHMENTS: readonly ChildEnrichment[] = [
  {
    parentType: 'microsoft.keyvault/vaults',
    childType: 'microsoft.keyvault/vaults/keys',
    collection: 'keys',
    apiVersion: '2024-11-01',
    listed: KEY_LISTED,
    detailed: KEY_DETAILED,
  },
  {
    parentType: 'microsoft.keyvault/managedhsms',
    childType: 'microsoft.keyvault/managedhsms/keys',
    collection: 'keys',
    apiVersion: '2024-11-01',
    listed: KEY_LISTED,
    detailed: KEY_DETAILED,
  },
];

/**
 * The TDE protector decides which key protects a SQL server's or managed
 * instance's databases. It is recorded whole under
 * `properties.encryptionProtector`, and `properties.keyId` is set from it
 * (the protector's key URI when it is a Key Vault key, absent when it is
 * service-managed), so rules that read `properties.keyId` see what the
 * protector says, not what a template once asked for.
 */
function mergeEncryptionProtector(resource: Resource, body: Record<string, unknown>): void {
  const properties = (resource.properties ??= {});
  const protector =
    body['properties'] !== null && typeof body['properties'] === 'object' ? (body['properties'] as Record<string, unknown>) : {};
  properties['encryptionProtector'] = { ...(typeof body['kind'] === 'string' ? { kind: body['kind'] } : {}), ...protector };
  const keyType = typeof protector['serverKeyType'] === 'string' ? protector['serverKeyType'].toLowerCase() : '';
  const uri = protector['uri'];
  if (keyType === 'azurekeyvault' && typeof uri === 'string' && uri !== '') properties['keyId'] = uri;
  else delete properties['keyId'];
}

const PROTECTOR_PROVIDES = ['properties.keyId', 'properties.encryptionProtector'];

export const ATTACH_ENRICHMENTS: readonly AttachEnrichment[] = [
  {
    type: 'microsoft.sql/managedinstances',
    path: 'encryptionProtector/current',
    apiVersion: '2023-08-01',
    provides: PROTECTOR_PROVIDES,
    merge: mergeEncryptionProtector,
  },
  {
    type: 'microsoft.sql/servers',
    path: 'encryptionProtector/current',
    apiVersion: '2023-08-01',
    provides: PROTECTOR_PROVIDES,
    merge: mergeEncryptionProtector,
  },
];
