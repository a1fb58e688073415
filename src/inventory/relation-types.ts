import type { Resource, UnknownCause } from '../model/index.js';
import type { ConsumerType, KeyReferenceSpec } from './key-references.js';
import type { StoreKind } from './key-stores.js';
import type { KeyAddress } from './key-uri.js';

/** What a `related:` condition can reach from a resource. */
export type RelationKind = 'key' | 'keyStore' | 'identity';

/**
 * How a reference resolved. `dangling`: the scan holds the place the target
 * should be (the vault and its other keys) and the target is not there.
 * `not-in-scope`: the scan never read that place. `unknown`: the reference
 * itself is only known at deployment.
 */
export type LinkState = 'resolved' | 'not-in-scope' | 'dangling' | 'unknown';

/** A related resource as a condition reads it: the record, its unknown paths, and `relation.*` pseudo-fields. */
export interface RelatedView {
  resource: Resource;
  /** Canonical unknown paths (the record's, or everything when it could not be read). */
  unknown: readonly string[] | undefined;
  relation: Record<string, unknown>;
  /** Scratch for `count` members while a condition runs on the view (it is an evaluation scope as it stands). */
  members: unknown[];
}

/** What relational conditions read for one resource. */
export interface ResourceRelations {
  /** The resource's own `relation.*` pseudo-fields. */
  relation: Record<string, unknown>;
  /** Pseudo-fields that cannot be known (canonical, `relation.fipslevel`). */
  unknown?: readonly string[];
  /** Its related resources of a kind, one per key reference. */
  related: (kind: RelationKind) => readonly RelatedView[];
}

/**
 * What `observe` hands back for a data resource, to give `relationsOf` with
 * it: the index finds the resource's references without keeping a map of
 * every data resource by id.
 */
export type RelationHandle = { readonly __relationHandle: unique symbol };

/** Everything the index found out about one key reference. */
export interface KeyLink {
  service: string;
  /** The reference as written (key URI, or the disk encryption set id). */
  reference: string;
  state: LinkState;
  reason: string | undefined;
  /** Why a link that is `unknown` or `not-in-scope` cannot be followed further. */
  cause: UnknownCause | undefined;
  storeKind: StoreKind | undefined;
  address: KeyAddress | undefined;
  key: Resource | undefined;
  store: Resource | undefined;
  /** The id of the disk encryption set a disk or cluster reaches its key through. */
  via: string | undefined;
  /** The consuming identity (the encryption set's, for an indirection). */
  identity: IdentityRef;
}

/** Who unwraps the key: a principal id, or why it is not known. */
export type IdentityRef =
  { principalId: string; form: 'SystemAssigned' | 'UserAssigned'; resourceId?: string } | { unknown: string; cause: UnknownCause };

/** A reference as read in the first pass, before anything is resolved. */
export interface RawReference {
  spec: KeyReferenceSpec;
  /** The reference text; undefined with `pending` when it is only known at deployment. */
  text: string | undefined;
  /** Why a pending reference is not known. */
  cause?: UnknownCause;
  address: KeyAddress | undefined;
  encryptionSet: string | undefined;
  pending: boolean;
  /** In force but names nothing (e.g. keySource Key Vault and no key name). */
  empty: boolean;
  identity: IdentityRef;
}

/**
 * What the index keeps of a data resource: its name and the references
 * read from it, not the record, so a large scan does not hold every
 * consumer's properties until the end.
 */
export interface ConsumerEntry {
  id: string;
  type: string;
  name: string;
  subscriptionId: string | undefined;
  /** Its `fips-level` tag as written. */
  fipsTag: unknown;
  consumer: ConsumerType;
  /** Read in the first pass; dropped once resolved into `links`. */
  references: RawReference[] | undefined;
  links?: KeyLink[];
  /** Set by `release`: its rules have run and its posture is taken. */
  released?: true;
  /**
   * For a type with no key reference to follow (`KEY_SWITCH_TYPES`): its
   * switch, on (a customer key), off, or unknown (only known at deployment).
   */
  keySwitch?: 'on' | 'off' | 'unknown';
  /** With `keySwitch`: the key is held outside Azure's key services. */
  outsideAzure?: boolean;
}
