import { typeKey, type Resource } from '../model/index.js';
import { maxLevel, STORE_BY_TYPE, storeLevel } from './fips.js';
import { Grants } from './grants.js';
import { ObservedResources } from './observe.js';
import { modelOf, postureOf, type PostureEntry } from './posture.js';
import { ROLE_ASSIGNMENT_TYPE, ROLE_DEFINITION_TYPE, SUBSCRIPTION_TYPE } from './relation-reads.js';
import type { ConsumerEntry, RelatedView, RelationHandle, RelationKind, ResourceRelations } from './relation-types.js';
import { KeyResolver } from './resolve.js';
import { identityView, viewsOf } from './views.js';

export type { LinkState, RelatedView, RelationHandle, RelationKind, ResourceRelations } from './relation-types.js';
export { POSTURE_MODELS, type PostureEntry, type PostureModel } from './posture.js';
export { maxLevel } from './fips.js';

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

/**
 * The relation index: the second stage of a scan. The first pass shows it
 * every resource (`ObservedResources` keeps key stores, keys, disk encryption
 * sets and the key references of data resources; `Grants` the role
 * assignments); `build` resolves each reference to its key and store
 * (`KeyResolver`); the second pass reads the related views (`views.ts`, with
 * levels from `fips.ts`) and the posture (`posture.ts`). This class only
 * wires them together.
 */
export class RelationIndex {
  private readonly observed: ObservedResources;
  private readonly grants = new Grants();
  private readonly resolver: KeyResolver;
  private built = false;

  constructor(private readonly options: RelationIndexOptions) {
    this.observed = new ObservedResources(options.relatedReads);
    this.resolver = new KeyResolver(this.observed);
  }

  /** Shows the index one resource of the first pass; for a data resource, returns the handle `relationsOf` takes. */
  observe(resource: Resource): RelationHandle | undefined {
    const type = typeKey(resource);
    if (type === ROLE_ASSIGNMENT_TYPE) {
      this.grants.addAssignment(resource);
      return undefined;
    }
    if (type === ROLE_DEFINITION_TYPE) {
      this.grants.addRoleDefinition(resource);
      return undefined;
    }
    if (type === SUBSCRIPTION_TYPE) {
      this.grants.addSubscription(resource);
      return undefined;
    }
    return this.observed.observe(resource, type) as unknown as RelationHandle | undefined;
  }

  /** Resolves every reference; call once, after the first pass. */
  build(): void {
    if (this.built) return;
    this.built = true;
    for (const entry of this.observed.consumers) this.resolver.linksOf(entry);
    this.resolver.settle();
  }

  /** The relations of a resource the first pass observed, with the handle `observe` gave for it (call after `build`). */
  relationsOf(resource: Resource, handle: RelationHandle | undefined): ResourceRelations {
    const entry = handle as unknown as ConsumerEntry | undefined;
    if (entry) {
      const links = this.resolver.linksOf(entry);
      // Built once per resource and kind, and dropped with the relations: every relational rule of the
      // resource reads the same views, and none is needed once its rules have run.
      const cache: Partial<Record<RelationKind, RelatedView[]>> = {};
      let views: Record<'key' | 'keyStore', RelatedView>[] | undefined;
      return {
        relation: { service: entry.consumer.service, keyCount: links.length, model: modelOf(links) },
        related: (kind) =>
          (cache[kind] ??=
            kind === 'identity'
              ? links.map((link) => identityView(link, this.grants))
              : (views ??= links.map((link) => viewsOf(link, entry, this.options.asOf))).map((view) => view[kind])),
      };
    }
    const id = resource.id.toLowerCase();
    const type = typeKey(resource);
    const record = this.observed.keysById.get(id) ?? this.observed.storesById.get(id);
    const used = record ? this.resolver.usageOf(record) : undefined;
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
    return postureOf(this.observed.consumers, (entry) => this.resolver.linksOf(entry));
  }
}
