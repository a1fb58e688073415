import { CONSUMER_TYPES } from './key-references.js';
import { STORE_TYPES } from './key-stores.js';

/** Role assignments: read only when a rule reads an identity's grants. */
export const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';

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
  ...CONSUMER_TYPES.map((consumer): [string, readonly string[]] => [consumer.type, ['identity', 'properties', 'tags']]),
]);

/** Every type the index reads (lower-case, sorted): sources must not skip them. */
export const RELATION_TYPES: readonly string[] = [...RELATION_READS.keys()].sort();
