import {
  interned,
  isDeployed,
  keepPaths,
  keepTree,
  nameOf,
  subscriptionOf,
  unknownCauseOf,
  type Keep,
  type Resource,
  type UnknownCause,
} from '../model/index.js';
import { CONSUMERS_BY_TYPE, KEY_SWITCH_TYPES, type ConsumerType, type KeyReferenceSpec, type KeySwitchType } from './key-references.js';
import { STORE_TYPES, type StoreType } from './key-stores.js';
import { hostOfUri, keyAddressOf, parseKeyUri } from './key-uri.js';
import { identityOf, pathIn, referencePending } from './grants.js';
import { canonicalOf, canonicalUnknown, isOneOf, readPath, text, type Read } from './read.js';
import { INDEX_RECORD_READS, RELATED_RECORD_KINDS } from './relation-reads.js';
import type { ConsumerEntry, RawReference } from './relation-types.js';
import { requiredTag, STORE_BY_TYPE } from './fips.js';

const KEY_TYPES = new Map<string, StoreType>(STORE_TYPES.filter((s) => s.keyType).map((s) => [s.keyType!, s]));
const ENCRYPTION_SET_TYPE = 'microsoft.compute/diskencryptionsets';

/**
 * What the first pass leaves with the index: key stores and keys (only what
 * relations and `related:` conditions read of them), disk encryption sets,
 * and the key references of data resources, read once and kept in place of
 * their records.
 */
export class ObservedResources {
  readonly storesByName = new Map<string, Resource>();
  readonly storesById = new Map<string, Resource>();
  readonly keysById = new Map<string, Resource>();
  /** Keys by `<store kind>:<store name>/<key name>`, from their ids: a key whose vault is not in the scan still resolves. */
  readonly keysByName = new Map<string, Resource>();
  /** Store ids (lower-case) with keys read from a deployed inventory: a missing key there is dangling. */
  readonly listedStores = new Set<string>();
  readonly encryptionSets = new Map<string, ConsumerEntry>();
  /** Subscriptions (lower-case) where a deployed inventory held disk encryption sets. */
  readonly encryptionSetScopes = new Set<string>();
  readonly consumers: ConsumerEntry[] = [];
  /** What to keep of each key and store record, by type (none: whole records). */
  private readonly keep: ReadonlyMap<string, Keep> | undefined;

  constructor(relatedReads: Readonly<Record<'key' | 'keyStore', readonly string[]>> | undefined) {
    this.keep = relatedReads
      ? new Map(
          [...INDEX_RECORD_READS].map(([type, paths]) => [type, keepTree([...paths, ...relatedReads[RELATED_RECORD_KINDS.get(type)!]])]),
        )
      : undefined;
  }

  /**
   * Takes in one resource of a type the index reads (`type` lower-case):
   * returns the entry of a data resource, undefined for anything else.
   */
  observe(resource: Resource, type: string): ConsumerEntry | undefined {
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
      if (isDeployed(resource.origin)) this.listedStores.add(parentOf(id));
      return undefined;
    }
    const consumer = CONSUMERS_BY_TYPE.get(type);
    if (!consumer) {
      const switched = KEY_SWITCH_TYPES.get(type);
      if (switched) this.consumers.push(switchedEntry(resource, switched));
      return undefined;
    }
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
      if (subscription && isDeployed(resource.origin)) this.encryptionSetScopes.add(subscription.toLowerCase());
    }
    return entry;
  }

  /** What the index keeps of a key or store record until the scan ends. */
  private kept(resource: Resource, type: string): Resource {
    const keep = this.keep?.get(type);
    return keep ? keepPaths(resource, keep) : resource;
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
}

/** The posture's entry for a data resource with no key reference to follow: its switch, on, off or unknown. */
function switchedEntry(resource: Resource, switched: KeySwitchType): ConsumerEntry {
  const { path, exists } = switched.switch;
  const read = readPath(resource, path, canonicalUnknown(resource.unknown));
  const value = read.known ? read.value : undefined;
  // `exists`: set and not empty.
  const on = exists ? value !== undefined && value !== null && value !== '' : isOneOf(value, switched.switch.in!);
  return {
    id: resource.id,
    type: switched.type,
    name: nameOf(resource),
    subscriptionId: interned(subscriptionOf(resource)),
    fipsTag: undefined,
    consumer: switched.consumer,
    references: [],
    keySwitch: !read.known ? 'unknown' : on ? 'on' : 'off',
    outsideAzure: switched.outsideAzure,
  };
}

/** Reads a consumer's key references in the first pass. */
export function readReferences(resource: Resource, consumer: ConsumerType): RawReference[] {
  const unknown = canonicalUnknown(resource.unknown);
  const out: RawReference[] = [];
  for (const spec of consumer.references) {
    if (spec.when) {
      const gate = readPath(resource, spec.when.path, unknown);
      if (!gate.known) {
        out.push(pendingReference(spec, unknownCauseOf(resource, canonicalOf(spec.when.path))));
        continue;
      }
      if (!isOneOf(gate.value, spec.when.in)) continue;
    }
    if (spec.each) {
      const arrayPath = spec.each.slice(0, -3);
      const array = readPath(resource, arrayPath, unknown);
      if (!array.known) {
        out.push(pendingReference(spec, unknownCauseOf(resource, canonicalOf(arrayPath))));
        continue;
      }
      const members = Array.isArray(array.value) ? array.value : [];
      // Customer-managed keys switched on with an empty list names no key.
      if (members.length === 0 && spec.when) out.push(emptyReference(spec));
      for (const member of members) {
        // An optional member without a reference is on platform keys (a data disk without an encryption set), not dangling.
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

function pendingReference(spec: KeyReferenceSpec, cause: UnknownCause): RawReference {
  return {
    spec,
    text: undefined,
    cause,
    address: undefined,
    encryptionSet: undefined,
    pending: true,
    empty: false,
    identity: referencePending(cause),
  };
}

function emptyReference(spec: KeyReferenceSpec): RawReference {
  return {
    spec,
    text: '',
    address: undefined,
    encryptionSet: undefined,
    pending: false,
    empty: true,
    identity: referencePending('deploy-time-value'),
  };
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
  const paths =
    'uri' in key
      ? [key.uri]
      : 'encryptionSet' in key
        ? [key.encryptionSet]
        : [key.vaultUri, key.name, ...(key.version ? [key.version] : [])];
  const parts: Read[] = paths.map((path) => readPath(root, path, unknown, prefix));
  const pendingAt = parts.findIndex((part) => !part.known);
  if (pendingAt >= 0)
    return { ...base, text: undefined, pending: true, cause: unknownCauseOf(resource, pathIn(prefix, paths[pendingAt]!)) };
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

function parentOf(keyId: string): string {
  return keyId.slice(0, keyId.lastIndexOf('/keys/'));
}
