import { nameOf, type Resource } from '../model/index.js';
import type { ObservedResources } from './observe.js';
import type { ConsumerEntry, KeyLink, RawReference } from './relation-types.js';

/** Who uses a key or store record: consumer ids as met (one with two references to it twice), and the levels they ask for. */
export interface Usage {
  consumers: string[];
  required: unknown[];
}

/**
 * Resolves key references to keys and stores: by the store host's first
 * label (the vault's globally unique name) and the key's name, so a
 * versioned and a versionless reference reach the same key, and through
 * disk encryption sets for disks and clusters. Notes who uses each record.
 */
export class KeyResolver {
  private readonly usage = new Map<Resource, Usage>();

  constructor(private readonly observed: ObservedResources) {}

  /** A consumer's resolved references, resolved on first ask. */
  linksOf(entry: ConsumerEntry): KeyLink[] {
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

  /** Who uses a key or store record (once every consumer is resolved). */
  usageOf(record: Resource): Usage | undefined {
    return this.usage.get(record);
  }

  /** Sizes the usage lists exactly: they are kept until the scan reports. */
  settle(): void {
    for (const used of this.usage.values()) {
      used.consumers = used.consumers.slice();
      used.required = used.required.slice();
    }
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
      cause: undefined,
      storeKind: reference.address?.store.kind,
      address: reference.address,
      key: undefined,
      store: undefined,
      via: undefined,
      identity: reference.identity,
    };
    if (reference.pending) {
      link.reason = 'the key reference is only known at deployment';
      link.cause = reference.cause ?? 'deploy-time-value';
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
      link.cause = 'external-key-store';
      return link;
    }
    const observed = this.observed;
    const store = observed.storesByName.get(`${address.store.kind}:${address.store.name}`);
    if (!store) {
      // A plan or template can declare a key in a vault it does not manage: the key is there, its vault is not.
      const key = observed.keysByName.get(`${address.store.kind}:${address.store.name}/${address.name}`);
      if (key) {
        link.key = key;
        link.state = 'resolved';
        return link;
      }
      link.state = 'not-in-scope';
      link.reason = `the ${address.store.kind === 'managed-hsm' ? 'managed HSM' : 'key vault'} ${address.host} is not in the scan`;
      link.cause = 'store-not-in-scan';
      return link;
    }
    link.store = store;
    const storeId = store.id.toLowerCase();
    const key = observed.keysById.get(`${storeId}/keys/${address.name}`);
    if (key) {
      link.key = key;
      link.state = 'resolved';
      return link;
    }
    if (observed.listedStores.has(storeId)) {
      link.state = 'dangling';
      link.reason = `${nameOf(store)} holds no key named '${address.name}'`;
    } else {
      link.state = 'not-in-scope';
      link.reason = `the keys of ${nameOf(store)} were not read`;
      link.cause = 'keys-not-listed';
    }
    return link;
  }

  private resolveThroughSet(link: KeyLink, setId: string): KeyLink {
    const set = this.observed.encryptionSets.get(setId.toLowerCase());
    if (!set) {
      const subscription = /^\/subscriptions\/([^/]+)/i.exec(setId)?.[1]?.toLowerCase();
      const read = subscription !== undefined && this.observed.encryptionSetScopes.has(subscription);
      link.state = read ? 'dangling' : 'not-in-scope';
      link.reason = read
        ? 'the disk encryption set is not among those read from its subscription'
        : 'the disk encryption set is not in the scan';
      if (!read) link.cause = 'store-not-in-scan';
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
}
