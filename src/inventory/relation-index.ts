import { interned, keepPaths, keepTree, nameOf, sortByIds, subscriptionOf, typeKey, type Keep, type Resource } from '../model/index.js';
import { CONSUMERS_BY_TYPE, type ConsumerType, type KeyReferenceSpec } from './key-references.js';
import { fipsEntry, STORE_TYPES, type FipsLevelEntry, type StoreKind, type StoreType } from './key-stores.js';
import { hostOfUri, keyAddressOf, parseKeyUri, type KeyAddress } from './key-uri.js';
import { canonicalOf, canonicalUnknown, readPath, text, type Read } from './read.js';
import { INDEX_RECORD_READS, RELATED_RECORD_KINDS } from './relation-reads.js';
import { KEY_ROLES, roleGuidOf } from './roles.js';
import { soleUserAssigned, unwrapperOf } from './unwrapping.js';

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

/** Key-management models, as posture reports them. */
export const POSTURE_MODELS = [
  'platform-managed',
  'customer-managed-key-vault',
  'customer-managed-managed-hsm',
  'host-your-own',
  'undetermined',
] as const;
export type PostureModel = (typeof POSTURE_MODELS)[number];

/** One data resource's key-management posture. */
export interface PostureEntry {
  id: string;
  type: string;
  name: string;
  subscriptionId: string | undefined;
  model: PostureModel;
  /** The key stores behind its customer-managed keys (resource id when in the scan, else the host). */
  keyStores: string[];
  /** The lowest FIPS 140 level of its keys; null when a key's level could not be established. */
  fipsLevel: number | null;
  /** The worst resolution state among its key references. */
  keyState: LinkState | null;
}

/**
 * What `observe` hands back for a data resource, to give `relationsOf` with
 * it: the index finds the resource's references without keeping a map of
 * every data resource by id.
 */
export type RelationHandle = { readonly __relationHandle: unique symbol };

/** Everything the index found out about one key reference. */
interface KeyLink {
  service: string;
  /** The reference as written (key URI, or the disk encryption set id). */
  reference: string;
  state: LinkState;
  reason: string | undefined;
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
type IdentityRef = { principalId: string; form: 'SystemAssigned' | 'UserAssigned'; resourceId?: string } | { unknown: string };

/** A reference as read in the first pass, before anything is resolved. */
interface RawReference {
  spec: KeyReferenceSpec;
  /** The reference text; undefined with `pending` when it is only known at deployment. */
  text: string | undefined;
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
interface ConsumerEntry {
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
}

interface RoleAssignment {
  principalId: string;
  roleGuid: string;
  scope: string;
  id: string;
}

/** Options for building the index. */
export interface RelationIndexOptions {
  /** The date keys' expiry is judged against. */
  asOf: Date;
  /**
   * What rules read of related keys and of related key stores (canonical
   * paths): when given, the index keeps only that of each key and store
   * record, and what it reads itself. Without it, whole records.
   */
  relatedReads?: Readonly<Record<'key' | 'keyStore', readonly string[]>>;
}

const EVERYTHING_UNKNOWN = ['properties', 'tags', 'sku', 'identity', 'kind', 'location', 'name'];
const STORE_BY_TYPE = new Map<string, StoreType>(STORE_TYPES.map((store) => [store.type, store]));
const KEY_TYPES = new Map<string, StoreType>(STORE_TYPES.filter((s) => s.keyType).map((s) => [s.keyType!, s]));
const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';
const ENCRYPTION_SET_TYPE = 'microsoft.compute/diskencryptionsets';
const STATE_RANK: Record<LinkState, number> = { resolved: 0, 'not-in-scope': 1, unknown: 2, dangling: 3 };

/**
 * The relation index: the second stage of a scan. The first pass shows it
 * every resource; it keeps key stores, keys, disk encryption sets, role
 * assignments and the key references of data resources, then resolves each
 * reference to its key, store and granted permissions. Resolution is by the
 * store's host name (its first label is the vault's globally unique name)
 * and the key's name, so a versioned and a versionless reference reach the
 * same key resource.
 */
export class RelationIndex {
  private readonly storesByName = new Map<string, Resource>();
  private readonly storesById = new Map<string, Resource>();
  private readonly keysById = new Map<string, Resource>();
  /** Keys by `<store kind>:<store name>/<key name>`, from their ids: a key whose vault is not in the scan still resolves. */
  private readonly keysByName = new Map<string, Resource>();
  /** Store ids (lower-case) with keys read from a deployed inventory: a missing key there is dangling. */
  private readonly listedStores = new Set<string>();
  private readonly encryptionSets = new Map<string, ConsumerEntry>();
  /** Subscriptions (lower-case) where a deployed inventory held disk encryption sets. */
  private readonly encryptionSetScopes = new Set<string>();
  private readonly assignments = new Map<string, RoleAssignment[]>();
  /** Subscriptions (lower-case) with role assignments read. */
  private readonly assignmentScopes = new Set<string>();
  private readonly consumers: ConsumerEntry[] = [];
  /** Who uses each key and store record: consumer ids as met, a consumer with two references to one key twice. */
  private readonly usage = new Map<Resource, { consumers: string[]; required: unknown[] }>();
  private built = false;
  /** What to keep of each key and store record, by type (none: whole records). */
  private readonly keep: ReadonlyMap<string, Keep> | undefined;

  constructor(private readonly options: RelationIndexOptions) {
    const related = options.relatedReads;
    this.keep = related
      ? new Map([...INDEX_RECORD_READS].map(([type, paths]) => [type, keepTree([...paths, ...related[RELATED_RECORD_KINDS.get(type)!]])]))
      : undefined;
  }

  /** What the index keeps of a key or store record until the scan ends. */
  private kept(resource: Resource, type: string): Resource {
    const keep = this.keep?.get(type);
    return keep ? keepPaths(resource, keep) : resource;
  }

  /** Shows the index one resource of the first pass; for a data resource, returns the handle `relationsOf` takes. */
  observe(resource: Resource): RelationHandle | undefined {
    const type = typeKey(resource);
    const store = STORE_BY_TYPE.get(type);
    if (store) {
      this.addStore(resource, store);
      return undefined;
    }
    const keyStore = KEY_TYPES.get(type);
    if (keyStore) {
      const id = resource.id.toLowerCase();
      const key = this.kept(resource, type);
      this.keysById.set(id, key);
      const named = /\/([^/]+)\/keys\/([^/]+)$/.exec(id);
      if (named) this.keysByName.set(`${keyStore.kind}:${named[1]}/${named[2]}`, key);
      if (isDeployed(resource)) this.listedStores.add(parentOf(id));
      return undefined;
    }
    if (type === ROLE_ASSIGNMENT_TYPE) {
      this.addAssignment(resource);
      return undefined;
    }
    const consumer = CONSUMERS_BY_TYPE.get(type);
    if (!consumer) return undefined;
    const entry: ConsumerEntry = {
      id: resource.id,
      type: consumer.type,
      name: nameOf(resource),
      subscriptionId: interned(subscriptionOf(resource)),
      fipsTag: requiredTag(resource),
      consumer,
      references: readReferences(resource, consumer),
    };
    this.consumers.push(entry);
    if (type === ENCRYPTION_SET_TYPE) {
      this.encryptionSets.set(resource.id.toLowerCase(), entry);
      const subscription = subscriptionOf(resource);
      if (subscription && isDeployed(resource)) this.encryptionSetScopes.add(subscription.toLowerCase());
    }
    return entry as unknown as RelationHandle;
  }

  /** Resolves every reference; call once, after the first pass. */
  build(): void {
    if (this.built) return;
    this.built = true;
    for (const entry of this.consumers) this.linksOf(entry);
    // Exactly sized from here on: they are kept until the scan reports.
    for (const used of this.usage.values()) {
      used.consumers = used.consumers.slice();
      used.required = used.required.slice();
    }
  }

  /** The relations of a resource the first pass observed, with the handle `observe` gave for it (call after `build`). */
  relationsOf(resource: Resource, handle: RelationHandle | undefined): ResourceRelations {
    const entry = handle as unknown as ConsumerEntry | undefined;
    if (entry) {
      const links = this.linksOf(entry);
      // Built once per resource and kind, and dropped with the relations: every relational rule of the
      // resource reads the same views, and none is needed once its rules have run.
      const cache: Partial<Record<RelationKind, RelatedView[]>> = {};
      let views: Record<'key' | 'keyStore', RelatedView>[] | undefined;
      return {
        relation: { service: entry.consumer.service, keyCount: links.length, model: modelOf(links) },
        related: (kind) =>
          (cache[kind] ??=
            kind === 'identity'
              ? links.map((link) => this.identityView(link))
              : (views ??= links.map((link) => this.viewsOf(link, entry))).map((view) => view[kind])),
      };
    }
    const id = resource.id.toLowerCase();
    const type = typeKey(resource);
    const record = this.keysById.get(id) ?? this.storesById.get(id);
    const used = record ? this.usage.get(record) : undefined;
    const usedBy = used ? [...new Set(used.consumers)].sort() : [];
    const relation: Record<string, unknown> = { consumers: usedBy.length, usedBy };
    const store = STORE_BY_TYPE.get(type);
    if (store) {
      // The record the first pass saw: the second pass may hold only part of it.
      const level = storeLevel(record ?? resource, store);
      relation['requiredFipsLevel'] = maxLevel(used?.required ?? []);
      if (level === 'unknown') return { relation, unknown: ['relation.fipslevel'], related: () => [] };
      relation['fipsLevel'] = level?.level;
      relation['fipsSource'] = level?.id;
    }
    return { relation, related: () => [] };
  }

  /**
   * Lets go of what the index worked out for a data resource, once its
   * relational rules have run and the posture is taken: the second pass of a
   * large scan then ends holding findings, not every reference resolved.
   */
  release(handle: RelationHandle | undefined): void {
    const entry = handle as unknown as ConsumerEntry | undefined;
    if (!entry) return;
    entry.links = undefined;
    entry.released = true;
  }

  /** Key-management posture of every data resource the scan read, sorted by id (take it before `release`). */
  posture(): PostureEntry[] {
    const entries = new Array<PostureEntry>(this.consumers.length);
    for (let i = 0; i < this.consumers.length; i++) {
      const entry = this.consumers[i]!;
      const links = this.linksOf(entry);
      let worst: LinkState | null = null;
      let fipsLevel: number | null = links.length === 0 ? null : Infinity;
      const keyStores: string[] = [];
      for (const link of links) {
        if (worst === null || STATE_RANK[link.state] > STATE_RANK[worst]) worst = link.state;
        const level = this.keyLevel(link);
        fipsLevel = level === undefined || level === 'unknown' || fipsLevel === null ? null : Math.min(fipsLevel, level.level);
        const store = link.store ? link.store.id : (link.address?.host ?? link.reference);
        if (store !== '' && !keyStores.includes(store)) keyStores.push(store);
      }
      if (keyStores.length > 1) keyStores.sort();
      entries[i] = {
        id: entry.id,
        type: entry.type,
        name: entry.name,
        subscriptionId: entry.subscriptionId,
        model: modelOf(links),
        keyStores: keyStores.slice(), // exactly sized: the report holds one per data resource
        fipsLevel,
        keyState: worst,
      };
    }
    return sortByIds(entries, (entry) => entry.id);
  }

  private addStore(resource: Resource, store: StoreType): void {
    const kept = this.kept(resource, store.type);
    this.storesById.set(resource.id.toLowerCase(), kept);
    if (store.kind === 'external') return;
    const unknown = canonicalUnknown(resource.unknown);
    const uri = store.uriPath ? text(readPath(resource, store.uriPath, unknown)) : undefined;
    const host = uri ? hostOfUri(uri) : undefined;
    const name = host ? host.slice(0, host.indexOf('.') < 0 ? host.length : host.indexOf('.')) : nameOf(resource).toLowerCase();
    this.storesByName.set(`${store.kind}:${name}`, kept);
  }

  private addAssignment(resource: Resource): void {
    const unknown = canonicalUnknown(resource.unknown);
    const principalId = text(readPath(resource, 'properties.principalId', unknown));
    const roleDefinitionId = text(readPath(resource, 'properties.roleDefinitionId', unknown));
    const scope = text(readPath(resource, 'properties.scope', unknown)) ?? scopeOfAssignmentId(resource.id);
    const subscription = subscriptionOf(resource);
    if (subscription && isDeployed(resource)) this.assignmentScopes.add(subscription.toLowerCase());
    if (!principalId || !roleDefinitionId || !scope) return;
    const guid = roleGuidOf(roleDefinitionId);
    if (KEY_ROLES.get(guid)?.keyPermissions.length === 0) return; // cannot touch keys: no need to keep it
    const list = this.assignments.get(principalId.toLowerCase()) ?? [];
    list.push({ principalId: principalId.toLowerCase(), roleGuid: guid, scope: scope.toLowerCase().replace(/\/+$/, ''), id: resource.id });
    this.assignments.set(principalId.toLowerCase(), list);
  }

  private linksOf(entry: ConsumerEntry): KeyLink[] {
    if (entry.links) return entry.links;
    if (entry.released) throw new Error(`relations of ${entry.id} asked for after release`);
    entry.links = []; // guards against a disk encryption set that names itself
    const links = (entry.references ?? []).map((reference) => this.resolve(entry, reference));
    entry.links = links;
    entry.references = undefined;
    for (const link of links) {
      if (link.state !== 'resolved') continue;
      this.use(link.key!, entry.id, entry.fipsTag);
      if (link.store) this.use(link.store, entry.id, entry.fipsTag);
    }
    return links;
  }

  private use(target: Resource, consumerId: string, required: unknown): void {
    let used = this.usage.get(target);
    if (!used) {
      used = { consumers: [], required: [] };
      this.usage.set(target, used);
    }
    used.consumers.push(consumerId);
    if (required !== undefined) used.required.push(required);
  }

  private resolve(entry: ConsumerEntry, reference: RawReference): KeyLink {
    const link: KeyLink = {
      service: entry.consumer.service,
      reference: reference.text ?? '',
      state: 'unknown',
      reason: undefined,
      storeKind: reference.address?.store.kind,
      address: reference.address,
      key: undefined,
      store: undefined,
      via: undefined,
      identity: reference.identity,
    };
    if (reference.pending) {
      link.reason = 'the key reference is only known at deployment';
      return link;
    }
    if (reference.empty) {
      link.state = 'dangling';
      link.reason = 'customer-managed keys are switched on but no key is named';
      return link;
    }
    if (reference.encryptionSet !== undefined) return this.resolveThroughSet(link, reference.encryptionSet);
    const address = reference.address;
    if (!address) {
      link.state = 'dangling';
      link.reason = `'${reference.text}' is not a key URI`;
      return link;
    }
    if (address.store.kind === 'external') {
      link.state = 'not-in-scope';
      link.reason = `${address.host} is not a Key Vault or Managed HSM host`;
      return link;
    }
    const store = this.storesByName.get(`${address.store.kind}:${address.store.name}`);
    if (!store) {
      // A plan or template can declare a key in a vault it does not manage: the key is there, its vault is not.
      const key = this.keysByName.get(`${address.store.kind}:${address.store.name}/${address.name}`);
      if (key) {
        link.key = key;
        link.state = 'resolved';
        return link;
      }
      link.state = 'not-in-scope';
      link.reason = `the ${address.store.kind === 'managed-hsm' ? 'managed HSM' : 'key vault'} ${address.host} is not in the scan`;
      return link;
    }
    link.store = store;
    const storeId = store.id.toLowerCase();
    const key = this.keysById.get(`${storeId}/keys/${address.name}`);
    if (key) {
      link.key = key;
      link.state = 'resolved';
      return link;
    }
    if (this.listedStores.has(storeId)) {
      link.state = 'dangling';
      link.reason = `${nameOf(store)} holds no key named '${address.name}'`;
    } else {
      link.state = 'not-in-scope';
      link.reason = `the keys of ${nameOf(store)} were not read`;
    }
    return link;
  }

  private resolveThroughSet(link: KeyLink, setId: string): KeyLink {
    const set = this.encryptionSets.get(setId.toLowerCase());
    if (!set) {
      const subscription = /^\/subscriptions\/([^/]+)/i.exec(setId)?.[1]?.toLowerCase();
      const read = subscription !== undefined && this.encryptionSetScopes.has(subscription);
      link.state = read ? 'dangling' : 'not-in-scope';
      link.reason = read
        ? 'the disk encryption set is not among those read from its subscription'
        : 'the disk encryption set is not in the scan';
      return link;
    }
    const inner = this.linksOf(set)[0];
    if (!inner) {
      link.state = 'dangling';
      link.reason = `the disk encryption set ${set.name} names no key`;
      link.via = set.id;
      return link;
    }
    return { ...inner, service: link.service, reference: link.reference, via: set.id };
  }

  private viewsOf(link: KeyLink, entry: ConsumerEntry): Record<'key' | 'keyStore', RelatedView> {
    const required = maxLevel([entry.fipsTag, link.store ? requiredTag(link.store) : undefined]);
    const level = this.keyLevel(link);
    const keyRelation: Record<string, unknown> = {
      state: link.state,
      reason: link.reason,
      reference: link.reference,
      service: link.service,
      storeKind: link.storeKind,
      versioned: link.address ? link.address.version !== undefined : undefined,
      fipsLevel: level === 'unknown' ? undefined : level?.level,
      fipsSource: level === 'unknown' ? undefined : level?.id,
      requiredFipsLevel: required,
      via: link.via,
    };
    const keyUnknown: string[] = [];
    if (link.key) {
      const expiry = expiryOf(link.key);
      if (expiry === 'unknown') keyUnknown.push('relation.expired');
      else keyRelation['expired'] = expiry === undefined ? undefined : expiry <= this.options.asOf.getTime();
    }
    // Without the key or its store there is no level to read, but the key may still meet it.
    if (level === 'unknown' || (level === undefined && link.state !== 'dangling' && (link.state !== 'resolved' || !link.store)))
      keyUnknown.push('relation.fipslevel');
    const storeLevelEntry = link.store ? storeLevel(link.store, STORE_BY_TYPE.get(typeKey(link.store))!) : undefined;
    return {
      key: this.viewOf(
        link,
        link.key,
        keyRelation,
        link.address ? `${link.address.host}/keys/${link.address.name}` : link.reference,
        keyUnknown,
      ),
      keyStore: this.viewOf(
        // A store that is not in the scan may still exist (another subscription): never a dangling one.
        { state: link.store ? 'resolved' : 'not-in-scope' },
        link.store,
        {
          state: link.store ? 'resolved' : link.state === 'unknown' ? 'unknown' : 'not-in-scope',
          reason: link.store ? undefined : link.reason,
          kind: link.storeKind,
          fipsLevel: storeLevelEntry === 'unknown' ? undefined : storeLevelEntry?.level,
          fipsSource: storeLevelEntry === 'unknown' ? undefined : storeLevelEntry?.id,
          requiredFipsLevel: required,
        },
        link.address?.host ?? link.reference,
        storeLevelEntry === 'unknown' ? ['relation.fipslevel'] : [],
      ),
    };
  }

  /** The view of a related record; a stand-in when it is missing (dangling) or was never read (everything unknown). */
  private viewOf(
    link: Pick<KeyLink, 'state'>,
    resource: Resource | undefined,
    relation: Record<string, unknown>,
    reference: string,
    extraUnknown: string[],
  ): RelatedView {
    if (resource) {
      const own = canonicalUnknown(resource.unknown) ?? [];
      const unknown = [...own, ...extraUnknown];
      return { resource, unknown: unknown.length ? unknown : undefined, relation, members: [] };
    }
    const stand: Resource = { id: reference, type: 'keyscope/unresolved', name: reference };
    if (link.state === 'dangling')
      return { resource: stand, unknown: extraUnknown.length ? extraUnknown : undefined, relation, members: [] };
    return { resource: stand, unknown: [...EVERYTHING_UNKNOWN, ...extraUnknown], relation, members: [] };
  }

  /** The principal that unwraps the key and every grant it holds on it. */
  private identityView(link: KeyLink): RelatedView {
    const identity = link.identity;
    const stand = (id: string, name: string): Resource => ({ id, type: 'keyscope/identity', name });
    if ('unknown' in identity) {
      return {
        resource: stand('unresolved identity', 'identity'),
        unknown: ['properties'],
        relation: { state: 'unknown', reason: identity.unknown },
        members: [],
      };
    }
    const resource = stand(
      identity.resourceId ?? `principal:${identity.principalId}`,
      identity.resourceId ? nameOf({ id: identity.resourceId, type: '' }) : identity.principalId,
    );
    const grants = this.grantsOf(link, identity.principalId);
    resource.properties = {
      principalId: identity.principalId,
      identityType: identity.form,
      ...(identity.resourceId ? { userAssignedIdentity: identity.resourceId } : {}),
      ...(typeof grants === 'string' ? {} : { grants: grants.grants, authorization: grants.authorization }),
    };
    if (typeof grants === 'string')
      return {
        resource,
        unknown: ['properties.grants', 'properties.authorization'],
        relation: { state: 'unknown', reason: grants },
        members: [],
      };
    return {
      resource,
      unknown: grants.unknown ? ['properties.grants'] : undefined,
      relation: { state: 'resolved', reason: grants.unknown },
      members: [],
    };
  }

  /** The principal's grants on the key, or why they cannot be known. */
  private grantsOf(
    link: KeyLink,
    principalId: string,
  ): string | { authorization: string; grants: Record<string, unknown>[]; unknown?: string } {
    if (!link.key || !link.store) return 'the key is not in the scan';
    const store = link.store;
    if (typeKey(store) !== 'microsoft.keyvault/vaults')
      return 'Managed HSM grants key access through its local RBAC, which Azure Resource Manager does not show';
    const unknown = canonicalUnknown(store.unknown);
    const rbac = readPath(store, 'properties.enableRbacAuthorization', unknown);
    if (!rbac.known) return 'the vault permission model is only known at deployment';
    if (rbac.value === true || rbac.value === 'true') {
      const subscription = subscriptionOf(store)?.toLowerCase();
      if (!subscription || !this.assignmentScopes.has(subscription))
        return `the role assignments of subscription ${subscription ?? '(unknown)'} were not read`;
      const keyId = link.key.id.toLowerCase();
      const storeId = store.id.toLowerCase();
      const grants: Record<string, unknown>[] = [];
      let unknownRole: string | undefined;
      for (const assignment of this.assignments.get(principalId) ?? []) {
        const level = scopeLevel(assignment.scope, keyId, storeId);
        if (!level) continue;
        const role = KEY_ROLES.get(assignment.roleGuid);
        if (!role) unknownRole = `role definition ${assignment.roleGuid} is not a built-in role keyscope knows`;
        grants.push({
          via: 'roleAssignment',
          id: assignment.id,
          scope: assignment.scope,
          scopeLevel: level,
          role: role?.name ?? assignment.roleGuid,
          ...(role ? { permissions: [...role.keyPermissions] } : {}),
        });
      }
      return {
        authorization: 'rbac',
        grants: sortByIds(grants, (grant) => String(grant['id'])),
        ...(unknownRole ? { unknown: unknownRole } : {}),
      };
    }
    const policies = readPath(store, 'properties.accessPolicies', unknown);
    if (!policies.known) return 'the vault access policies are only known at deployment';
    const grants: Record<string, unknown>[] = [];
    for (const policy of Array.isArray(policies.value) ? policies.value : []) {
      const objectId = text(readPath(policy, 'objectId', undefined));
      if (objectId?.toLowerCase() !== principalId) continue;
      const keys = readPath(policy, 'permissions.keys', undefined);
      grants.push({
        via: 'accessPolicy',
        scope: store.id,
        scopeLevel: 'keyStore',
        permissions: Array.isArray(keys.known ? keys.value : undefined) ? [...(keys as { value: unknown[] }).value] : [],
      });
    }
    return { authorization: 'accessPolicy', grants };
  }

  /** The FIPS level a link's key is held at, `unknown` when a record leaves it open, undefined when there is no key to judge. */
  private keyLevel(link: KeyLink): FipsLevelEntry | 'unknown' | undefined {
    if (link.storeKind === 'managed-hsm') return fipsEntry('managed-hsm');
    if (!link.store) return undefined;
    const store = storeLevel(link.store, STORE_BY_TYPE.get(typeKey(link.store))!);
    if (store === 'unknown' || store === undefined || store.id !== 'key-vault-premium-hsm-platform-1') return store;
    if (!link.key) return undefined;
    const unknown = canonicalUnknown(link.key.unknown);
    const kty = readPath(link.key, 'properties.kty', unknown);
    if (!kty.known) return 'unknown';
    if (typeof kty.value !== 'string' || !/-hsm$/i.test(kty.value)) return fipsEntry('key-vault-software');
    const platform = readPath(link.key, 'properties.attributes.hsmPlatform', unknown);
    if (!platform.known) return 'unknown';
    return String(platform.value) === '2' ? fipsEntry('key-vault-premium-hsm-platform-2') : fipsEntry('key-vault-premium-hsm-platform-1');
  }
}

// Why an identity is not known, for the reasons that name nothing: one object each, shared by every reference.
const REFERENCE_PENDING: IdentityRef = { unknown: 'the reference is only known at deployment' };
const SERVICE_IDENTITY_PENDING: IdentityRef = { unknown: 'the identity the service uses is only known at deployment' };
const COSMOS_FIRST_PARTY: IdentityRef = {
  unknown: 'the account uses the Azure Cosmos DB first-party identity, whose object id differs per tenant',
};
const IDENTITY_BLOCK_PENDING: IdentityRef = { unknown: 'the resource identity is only known at deployment' };
const NO_PRINCIPAL: IdentityRef = {
  unknown: 'the record has no system-assigned principal id (Azure assigns it when it creates the identity)',
};

/** Reads a consumer's key references in the first pass. */
function readReferences(resource: Resource, consumer: ConsumerType): RawReference[] {
  const unknown = canonicalUnknown(resource.unknown);
  const out: RawReference[] = [];
  for (const spec of consumer.references) {
    if (spec.when) {
      const gate = readPath(resource, spec.when.path, unknown);
      if (!gate.known) {
        out.push(pendingReference(spec));
        continue;
      }
      const value = typeof gate.value === 'string' ? gate.value.toLowerCase() : undefined;
      if (!spec.when.in.some((allowed) => allowed.toLowerCase() === value)) continue;
    }
    if (spec.each) {
      const arrayPath = spec.each.slice(0, -3);
      const array = readPath(resource, arrayPath, unknown);
      if (!array.known) {
        out.push(pendingReference(spec));
        continue;
      }
      const members = Array.isArray(array.value) ? array.value : [];
      // Customer-managed keys switched on with an empty list names no key.
      if (members.length === 0 && spec.when) out.push(emptyReference(spec));
      for (const member of members) {
        const reference = readReference(resource, spec, member, unknown, `${canonicalOf(arrayPath)}[*]`, spec.optional !== true);
        if (reference) out.push(reference);
      }
    } else {
      const reference = readReference(resource, spec, resource, unknown, '', spec.when !== undefined);
      if (reference) out.push(reference);
    }
  }
  return out.slice(); // kept until the second pass: exactly sized
}

function pendingReference(spec: KeyReferenceSpec): RawReference {
  return {
    spec,
    text: undefined,
    address: undefined,
    encryptionSet: undefined,
    pending: true,
    empty: false,
    identity: REFERENCE_PENDING,
  };
}

function emptyReference(spec: KeyReferenceSpec): RawReference {
  return { ...pendingReference(spec), text: '', pending: false, empty: true };
}

function readReference(
  resource: Resource,
  spec: KeyReferenceSpec,
  root: unknown,
  unknown: readonly string[] | undefined,
  prefix: string,
  required: boolean,
): RawReference | undefined {
  const identity = identityOf(resource, spec, root, unknown, prefix);
  const base = { spec, address: undefined, encryptionSet: undefined, pending: false, empty: false, identity };
  const key = spec.key;
  const parts: Read[] =
    'uri' in key
      ? [readPath(root, key.uri, unknown, prefix)]
      : 'encryptionSet' in key
        ? [readPath(root, key.encryptionSet, unknown, prefix)]
        : [
            readPath(root, key.vaultUri, unknown, prefix),
            readPath(root, key.name, unknown, prefix),
            ...(key.version ? [readPath(root, key.version, unknown, prefix)] : []),
          ];
  if (parts.some((part) => !part.known)) return { ...base, text: undefined, pending: true };
  const [first, second, third] = parts.map(text);
  if ('encryptionSet' in key || 'uri' in key) {
    if (!first) return required ? { ...base, text: '', empty: true } : undefined;
    return 'uri' in key ? { ...base, text: first, address: parseKeyUri(first) } : { ...base, text: first, encryptionSet: first };
  }
  if (!first || !second) return required || first || second ? { ...base, text: first ?? '', empty: true } : undefined;
  const address = keyAddressOf(first, second, third);
  const textForm = `${first.replace(/\/+$/, '')}/keys/${second}${third ? `/${third}` : ''}`;
  return { ...base, text: textForm, address };
}

function identityOf(
  resource: Resource,
  spec: KeyReferenceSpec,
  root: unknown,
  unknown: readonly string[] | undefined,
  prefix: string,
): IdentityRef {
  let named: string | undefined;
  if (spec.identity) {
    const read = spec.identity.fromResource
      ? readPath(resource, spec.identity.path, unknown)
      : readPath(root, spec.identity.path, unknown, prefix);
    if (!read.known) return SERVICE_IDENTITY_PENDING;
    named = text(read);
    if (named && spec.identity.form === 'cosmosDefaultIdentity') {
      if (/^firstpartyidentity$/i.test(named)) return COSMOS_FIRST_PARTY;
      named = /^userassignedidentity=(.+)$/i.exec(named)?.[1];
    }
  }
  const unwrapper = named ? undefined : unwrapperOf(spec);
  if (unwrapper) return unwrapper;
  const identityUnknown = canonicalUnknown(resource.unknown);
  const identityBlock = readPath(resource, 'identity', identityUnknown);
  if (!identityBlock.known) return IDENTITY_BLOCK_PENDING;
  const block = identityBlock.value;
  if (named) {
    const assigned = readPath(block, 'userAssignedIdentities', undefined);
    const map = assigned.known && assigned.value && typeof assigned.value === 'object' ? (assigned.value as Record<string, unknown>) : {};
    for (const [id, value] of Object.entries(map)) {
      const clientId = text(readPath(value, 'clientId', undefined));
      const matches =
        spec.identity!.form === 'clientId' ? clientId?.toLowerCase() === named.toLowerCase() : id.toLowerCase() === named.toLowerCase();
      if (!matches) continue;
      const principalId = text(readPath(value, 'principalId', undefined));
      return principalId
        ? { principalId: principalId.toLowerCase(), form: 'UserAssigned', resourceId: id }
        : { unknown: `the principal id of ${id} is not in the record` };
    }
    return { unknown: `the user-assigned identity ${named} is not attached to the resource` };
  }
  const principalId = text(readPath(block, 'principalId', undefined));
  if (principalId) return { principalId: principalId.toLowerCase(), form: 'SystemAssigned' };
  return (spec.unwrappedBy === 'resource-identity' && soleUserAssigned(block)) || NO_PRINCIPAL;
}

function isDeployed(resource: Resource): boolean {
  // Examples stand for deployed resources: `rules test` can show a dangling key.
  const kind = resource.origin?.kind;
  return kind === 'export' || kind === 'graph' || kind === 'example';
}

function parentOf(keyId: string): string {
  return keyId.slice(0, keyId.lastIndexOf('/keys/'));
}

function scopeOfAssignmentId(id: string): string | undefined {
  const at = id.toLowerCase().indexOf('/providers/microsoft.authorization/roleassignments/');
  return at >= 0 ? id.slice(0, at) || '/' : undefined;
}

/** How wide a role assignment's scope is, seen from a key; undefined when it does not cover the key. */
function scopeLevel(scope: string, keyId: string, storeId: string): string | undefined {
  if (scope === keyId) return 'key';
  if (scope === storeId) return 'keyStore';
  if (scope === '' || scope === '/') return 'tenant';
  if (scope.includes('/providers/microsoft.management/managementgroups/')) return 'managementGroup';
  if (!keyId.startsWith(`${scope}/`)) return undefined;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return 'resourceGroup';
  return 'other';
}

/** The level a store provides; `unknown` when its tier is only known at deployment. */
function storeLevel(store: Resource, type: StoreType): FipsLevelEntry | 'unknown' | undefined {
  const unknown = canonicalUnknown(store.unknown);
  switch (type.type) {
    case 'microsoft.keyvault/vaults': {
      const sku = readPath(store, 'properties.sku.name', unknown);
      if (!sku.known) return 'unknown';
      const name = typeof sku.value === 'string' ? sku.value.toLowerCase() : undefined;
      if (name === 'premium') return fipsEntry('key-vault-premium-hsm-platform-1');
      if (name === 'standard') return fipsEntry('key-vault-software');
      return undefined;
    }
    case 'microsoft.keyvault/managedhsms':
      return fipsEntry('managed-hsm');
    case 'microsoft.hardwaresecuritymodules/cloudhsmclusters':
      return fipsEntry('cloud-hsm');
    case 'microsoft.hardwaresecuritymodules/dedicatedhsms': {
      const sku = readPath(store, 'sku.name', unknown);
      if (!sku.known) return 'unknown';
      return typeof sku.value === 'string' && /payshield/i.test(sku.value) ? fipsEntry('payment-hsm') : fipsEntry('dedicated-hsm');
    }
    default:
      return undefined;
  }
}

/** The `fips-level` tag a resource carries (the raw value; `maxLevel` judges it). */
function requiredTag(resource: Resource): unknown {
  const tags = resource.tags;
  if (!tags || typeof tags !== 'object') return undefined;
  for (const key of Object.keys(tags)) if (key.toLowerCase() === 'fips-level') return tags[key];
  return undefined;
}

/**
 * The highest level asked for; a value that is not a level 1-4 comes back
 * as written, so a condition comparing it cannot pass.
 */
export function maxLevel(values: readonly unknown[]): unknown {
  let max: number | undefined;
  for (const value of values) {
    if (value === undefined || value === null || value === '') continue;
    const level = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[1-4]\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(level) || level < 1 || level > 4) return value;
    max = max === undefined ? level : Math.max(max, level);
  }
  return max;
}

/** A key's expiry in epoch milliseconds; undefined when it has none, `unknown` when it cannot be read. */
function expiryOf(key: Resource): number | 'unknown' | undefined {
  const read = readPath(key, 'properties.attributes.exp', canonicalUnknown(key.unknown));
  if (!read.known) return 'unknown';
  const value = read.value;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string' && value.trim()) {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value);
    return Number.isNaN(parsed) ? 'unknown' : parsed;
  }
  return undefined;
}

function modelOf(links: readonly KeyLink[]): PostureModel {
  const first = links[0];
  if (!first) return 'platform-managed';
  switch (first.storeKind) {
    case 'key-vault':
      return 'customer-managed-key-vault';
    case 'managed-hsm':
      return 'customer-managed-managed-hsm';
    case 'external':
      return 'host-your-own';
    default:
      return 'undetermined';
  }
}
