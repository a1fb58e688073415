import { canonicalUnknown, readPath } from './read.js';
import { nameOf, unknownCauseOf, type Resource, type UnknownCause } from '../model/index.js';
import { keyLevel, maxLevel, requiredTag, storeLevel } from './fips.js';
import type { Grants } from './grants.js';
import type { ConsumerEntry, KeyLink, RelatedView } from './relation-types.js';

const EVERYTHING_UNKNOWN = ['properties', 'tags', 'sku', 'identity', 'kind', 'location', 'name'];

/** The key and key-store views of one resolved reference, as `related:` conditions read them. */
export function viewsOf(link: KeyLink, entry: ConsumerEntry, asOf: Date): Record<'key' | 'keyStore', RelatedView> {
  const required = maxLevel([entry.fipsTag, link.store ? requiredTag(link.store) : undefined]);
  const level = keyLevel(link);
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
    else keyRelation['expired'] = expiry === undefined ? undefined : expiry <= asOf.getTime();
  }
  // Without the key or its store there is no level to read, but the key may still meet it.
  const levelOpen = level === undefined && link.state !== 'dangling' && (link.state !== 'resolved' || !link.store);
  if (level === 'unknown' || levelOpen) keyUnknown.push('relation.fipslevel');
  keyRelation['cause'] =
    link.cause ?? (levelOpen ? 'store-not-in-scan' : level === 'unknown' ? unknownCauseOf((link.key ?? link.store)!) : undefined);
  const storeLevelEntry = link.store ? storeLevel(link.store) : undefined;
  const storeCause: UnknownCause | undefined = link.store
    ? storeLevelEntry === 'unknown'
      ? unknownCauseOf(link.store)
      : undefined
    : (link.cause ?? 'store-not-in-scan');
  return {
    key: viewOf(link, link.key, keyRelation, link.address ? `${link.address.host}/keys/${link.address.name}` : link.reference, keyUnknown),
    keyStore: viewOf(
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
        cause: storeCause,
      },
      link.address?.host ?? link.reference,
      storeLevelEntry === 'unknown' ? ['relation.fipslevel'] : [],
    ),
  };
}

/** The view of a related record; a stand-in when it is missing (dangling) or was never read (everything unknown). */
function viewOf(
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
  if (link.state === 'dangling') return { resource: stand, unknown: extraUnknown.length ? extraUnknown : undefined, relation, members: [] };
  return { resource: stand, unknown: [...EVERYTHING_UNKNOWN, ...extraUnknown], relation, members: [] };
}

/** The principal that unwraps the key and every grant it holds on it. */
export function identityView(link: KeyLink, grantsTable: Grants): RelatedView {
  const identity = link.identity;
  const stand = (id: string, name: string): Resource => ({ id, type: 'keyscope/identity', name });
  if ('unknown' in identity) {
    return {
      resource: stand('unresolved identity', 'identity'),
      unknown: ['properties'],
      relation: { state: 'unknown', reason: identity.unknown, cause: identity.cause },
      members: [],
    };
  }
  const resource = stand(
    identity.resourceId ?? `principal:${identity.principalId}`,
    identity.resourceId ? nameOf({ id: identity.resourceId, type: '' }) : identity.principalId,
  );
  const grants = grantsTable.grantsOf(link, identity.principalId);
  resource.properties = {
    principalId: identity.principalId,
    identityType: identity.form,
    ...(identity.resourceId ? { userAssignedIdentity: identity.resourceId } : {}),
    ...('why' in grants ? {} : { grants: grants.grants, authorization: grants.authorization }),
  };
  if ('why' in grants)
    return {
      resource,
      unknown: ['properties.grants', 'properties.authorization'],
      relation: { state: 'unknown', reason: grants.why, cause: grants.cause },
      members: [],
    };
  return {
    resource,
    unknown: grants.unknown ? ['properties.grants'] : undefined,
    relation: { state: 'resolved', reason: grants.unknown, cause: grants.unknown ? 'role-definition-unknown' : undefined },
    members: [],
  };
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
