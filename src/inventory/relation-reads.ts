import { CONSUMER_TYPES, KEY_SWITCH_TYPES } from './key-references.js';
import { STORE_TYPES } from './key-stores.js';

/** Role assignments: read only when a rule reads an identity's grants. */
export const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';
/** Role definitions: what a custom role an assignment names lets it do. */
export const ROLE_DEFINITION_TYPE = 'microsoft.authorization/roledefinitions';
/** Subscriptions: their management-group ancestry places management-group-scoped assignments. */
export const SUBSCRIPTION_TYPE = 'microsoft.resources/subscriptions';

/** The types that tell who may use a key: read only when a rule reads an identity's grants. */
export const GRANT_TYPES: ReadonlySet<string> = new Set([ROLE_ASSIGNMENT_TYPE, ROLE_DEFINITION_TYPE, SUBSCRIPTION_TYPE]);

/**
 * What the relation index reads of each type (canonical paths), so a live
 * scan fetches it even when no rule reads the type itself.
 */
export const RELATION_READS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...STORE_TYPES.map((store): [string, readonly string[]] => [store.type, ['properties', 'sku', 'tags']]),
  ...STORE_TYPES.filter((store) => store.keyType).map((store): [string, readonly string[]] => [
    store.keyType!,
    ['properties.attributes', 'properties.keyuri', 'properties.kty', 'tags'],
  ]),
  [ROLE_ASSIGNMENT_TYPE, ['properties']],
  [ROLE_DEFINITION_TYPE, ['properties']],
  [SUBSCRIPTION_TYPE, ['properties']],
  ...CONSUMER_TYPES.map((consumer): [string, readonly string[]] => [consumer.type, ['identity', 'properties', 'tags']]),
  // The posture reads their switch.
  ...[...KEY_SWITCH_TYPES.values()].map((switched): [string, readonly string[]] => [switched.type, [switched.switch.path.toLowerCase()]]),
]);

/** Every type the index reads (lower-case, sorted): sources must not skip them. */
export const RELATION_TYPES: readonly string[] = [...RELATION_READS.keys()].sort();

/** Key stores and their keys: the records `related: keyStore` and `related: key` conditions read, by type. */
export const RELATED_RECORD_KINDS: ReadonlyMap<string, 'key' | 'keyStore'> = new Map<string, 'key' | 'keyStore'>([
  ...STORE_TYPES.map((store): [string, 'keyStore'] => [store.type, 'keyStore']),
  ...STORE_TYPES.filter((store) => store.keyType).map((store): [string, 'key'] => [store.keyType!, 'key']),
]);

/**
 * What the index itself reads of a key store's or a key's record (canonical):
 * with what rules read through `related:`, all it keeps of one until the scan ends.
 */
export const INDEX_RECORD_READS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ...STORE_TYPES.map((store): [string, readonly string[]] => [
    store.type,
    [
      'name',
      'tags',
      'sku.name',
      'properties.sku.name',
      'properties.enablerbacauthorization',
      'properties.accesspolicies',
      ...(store.uriPath ? [store.uriPath.toLowerCase()] : []),
    ],
  ]),
  ...STORE_TYPES.filter((store) => store.keyType).map((store): [string, readonly string[]] => [
    store.keyType!,
    ['name', 'tags', 'properties.kty', 'properties.attributes.exp', 'properties.attributes.hsmplatform'],
  ]),
]);
