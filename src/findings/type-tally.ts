import type { Catalog } from '../catalog/index.js';
import type { TypeCount } from '../sources/index.js';
import { compareText } from './order.js';

/**
 * Resources the scan met, counted by type as spelled, whether a rule read
 * them or not: what the posture's not-assessed and platform-only lists are
 * made of. One map entry per distinct spelling; counting a resource
 * allocates nothing.
 */
export class TypeTally {
  private readonly counts = new Map<string, number>();

  add(type: string, count = 1): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + count);
  }

  addAll(counts: Iterable<readonly [string, number]>): void {
    for (const [type, count] of counts) this.add(type, count);
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  /**
   * These counts, as a source declared them, and the counts of `met` for
   * the types they do not name (any spelling): a live scan counts the
   * `resources` table, but also hands out role assignments and key vault
   * keys, which live elsewhere.
   */
  *over(met: TypeTally): Generator<[string, number]> {
    yield* this.counts.entries();
    const named = new Set<string>();
    for (const type of this.counts.keys()) named.add(type.toLowerCase());
    for (const [type, count] of met.entries()) if (!named.has(type.toLowerCase())) yield [type, count];
  }

  get size(): number {
    return this.counts.size;
  }
}

/** The posture's per-type lists, by what the catalog says of each type. */
export interface TypePosture {
  /** Types the catalog classes `platform-only`: encrypted, but never under a customer's key. */
  platformOnly: TypeCount[];
  /** Types no catalog file names: nothing about their encryption was assessed. */
  notAssessed: TypeCount[];
}

/**
 * Looks every type met up in the catalog (case-insensitively, once per
 * type). Spellings of one type count together under the first spelling in
 * code-unit order, so the same inputs give the same list whatever their
 * order. Sorted by count, descending, then by type.
 */
export function typePosture(tally: TypeTally, catalog: Catalog): TypePosture {
  const byKey = new Map<string, TypeCount>();
  for (const [type, count] of tally.entries()) {
    if (count <= 0) continue;
    const key = type.toLowerCase();
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { type, count });
    else {
      seen.count += count;
      if (type < seen.type) seen.type = type;
    }
  }
  const platformOnly: TypeCount[] = [];
  const notAssessed: TypeCount[] = [];
  for (const [key, entry] of byKey) {
    const serviceClass = catalog.classOf(key);
    if (serviceClass === undefined) notAssessed.push(entry);
    else if (serviceClass === 'platform-only') platformOnly.push(entry);
  }
  return { platformOnly: platformOnly.sort(byCount), notAssessed: notAssessed.sort(byCount) };
}

function byCount(a: TypeCount, b: TypeCount): number {
  return b.count - a.count || compareText(a.type, b.type);
}

/** Resources in a per-type list. */
export function resourcesIn(list: readonly TypeCount[]): number {
  let total = 0;
  for (const entry of list) total += entry.count;
  return total;
}
