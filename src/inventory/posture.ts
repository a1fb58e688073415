import { sortByIds } from '../model/index.js';
import { keyLevel } from './fips.js';
import type { ConsumerEntry, KeyLink, LinkState } from './relation-types.js';

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

const STATE_RANK: Record<LinkState, number> = { resolved: 0, 'not-in-scope': 1, unknown: 2, dangling: 3 };

/** The posture of each consumer from its resolved references, sorted by id. */
export function postureOf(consumers: readonly ConsumerEntry[], linksOf: (entry: ConsumerEntry) => KeyLink[]): PostureEntry[] {
  const entries = new Array<PostureEntry>(consumers.length);
  for (let i = 0; i < consumers.length; i++) {
    const entry = consumers[i]!;
    const links = linksOf(entry);
    let worst: LinkState | null = null;
    let fipsLevel: number | null = links.length === 0 ? null : Infinity;
    const keyStores: string[] = [];
    for (const link of links) {
      if (worst === null || STATE_RANK[link.state] > STATE_RANK[worst]) worst = link.state;
      const level = keyLevel(link);
      fipsLevel = level === undefined || level === 'unknown' || fipsLevel === null ? null : Math.min(fipsLevel, level.level);
      const store = link.store ? link.store.id : (link.address?.host ?? link.reference);
      // Azure ids are case-insensitive: one store spelled two ways (a VM's disks naming one set) is listed once.
      if (store !== '' && !keyStores.some((listed) => listed.toLowerCase() === store.toLowerCase())) keyStores.push(store);
    }
    if (keyStores.length > 1) keyStores.sort();
    entries[i] = {
      id: entry.id,
      type: entry.type,
      name: entry.name,
      subscriptionId: entry.subscriptionId,
      model: entry.keySwitch ? switchedModel(entry) : modelOf(links),
      keyStores: keyStores.slice(), // exactly sized: the report holds one per data resource
      fipsLevel,
      keyState: worst,
    };
  }
  return sortByIds(entries, (entry) => entry.id);
}

/** The model of a data resource with no key reference to follow, from its switch. */
function switchedModel(entry: ConsumerEntry): PostureModel {
  if (entry.keySwitch === 'off') return 'platform-managed';
  // On: a customer key keyscope does not follow to its store, unless it is held outside Azure altogether.
  return entry.keySwitch === 'on' && entry.outsideAzure ? 'host-your-own' : 'undetermined';
}

/** The model a consumer's keys follow, from the kind of store its first key is in. */
export function modelOf(links: readonly KeyLink[]): PostureModel {
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
