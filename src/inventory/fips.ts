import { typeKey, type Resource } from '../model/index.js';
import { fipsEntry, STORE_TYPES, type FipsLevelEntry, type StoreKind, type StoreType } from './key-stores.js';
import { canonicalUnknown, readPath } from './read.js';
import type { KeyLink } from './relation-types.js';

/** A level, `unknown` when a record leaves it open, undefined when there is none to establish. */
export type Level = FipsLevelEntry | 'unknown' | undefined;

export const STORE_BY_TYPE: ReadonlyMap<string, StoreType> = new Map(STORE_TYPES.map((store) => [store.type, store]));

/**
 * Store kinds whose every store type is at one level whatever its record
 * says: a key in such a store has that level even when the store itself is
 * not in the scan (every Managed HSM key is HSM-protected).
 */
const KIND_LEVELS: ReadonlyMap<StoreKind, FipsLevelEntry> = (() => {
  const levels = new Map<StoreKind, FipsLevelEntry>();
  const mixed = new Set<StoreKind>();
  for (const store of STORE_TYPES) {
    const fixed = store.fips.path === undefined && store.fips.otherwise !== undefined ? store.fips.otherwise : undefined;
    const known = levels.get(store.kind);
    if (fixed === undefined || (known && known.id !== fixed)) mixed.add(store.kind);
    else levels.set(store.kind, fipsEntry(fixed));
  }
  for (const kind of mixed) levels.delete(kind);
  return levels;
})();

/** The level a store provides, by its type's row in `STORE_TYPES`; `unknown` when its tier is only known at deployment. */
export function storeLevel(store: Resource, type: StoreType | undefined = STORE_BY_TYPE.get(typeKey(store))): Level {
  const fips = type?.fips;
  if (!fips) return undefined;
  if (fips.path === undefined) return fips.otherwise === undefined ? undefined : fipsEntry(fips.otherwise);
  const read = readPath(store, fips.path, canonicalUnknown(store.unknown));
  if (!read.known) return 'unknown';
  if (typeof read.value === 'string') {
    for (const option of fips.cases ?? []) if (option.match.test(read.value)) return fipsEntry(option.level);
  }
  return fips.otherwise === undefined ? undefined : fipsEntry(fips.otherwise);
}

/**
 * The level a link's key is held at. Key Vault Premium holds software and
 * HSM-protected keys side by side: there the key's `kty` and HSM platform
 * decide.
 */
export function keyLevel(link: KeyLink): Level {
  const fixed = link.storeKind ? KIND_LEVELS.get(link.storeKind) : undefined;
  if (fixed) return fixed;
  if (!link.store) return undefined;
  const store = storeLevel(link.store);
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

/** The `fips-level` tag a resource carries (the raw value; `maxLevel` judges it). */
export function requiredTag(resource: Resource): unknown {
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
