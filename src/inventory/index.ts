export {
  RelationIndex,
  POSTURE_MODELS,
  maxLevel,
  type RelationKind,
  type RelatedView,
  type ResourceRelations,
  type RelationHandle,
  type LinkState,
  type PostureModel,
  type PostureEntry,
  type RelationIndexOptions,
} from './relation-index.js';
export {
  CONSUMER_TYPES,
  CONSUMERS_BY_TYPE,
  SERVICES,
  type ConsumerType,
  type KeyReferenceSpec,
  type KeyLocator,
} from './key-references.js';
export { FIPS_LEVELS, STORE_TYPES, STORE_HOST_SUFFIXES, type FipsLevelEntry, type StoreKind } from './key-stores.js';
export { KEY_ROLES } from './roles.js';
export {
  GRANT_TYPES,
  RELATED_RECORD_KINDS,
  RELATION_READS,
  RELATION_TYPES,
  ROLE_ASSIGNMENT_TYPE,
  ROLE_DEFINITION_TYPE,
  SUBSCRIPTION_TYPE,
} from './relation-reads.js';
