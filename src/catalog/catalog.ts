import { SERVICE_CLASSES, type CatalogEntry, type CatalogService, type ServiceClass } from './types.js';

/** The named target sets a rule's `resource: { set: ... }` can name. */
export const TARGET_SETS = ['key-consumers'] as const;
export type TargetSet = (typeof TARGET_SETS)[number];

/**
 * The service catalog, read: every service and type, looked up by type
 * case-insensitively. Order is the files' (by name), then each file's types.
 */
export class Catalog {
  /** Every type of every service, in catalog order. */
  readonly entries: readonly CatalogEntry[];
  private readonly byType: ReadonlyMap<string, CatalogEntry>;

  /**
   * @param fingerprint a hash of the catalog files' contents: what is derived
   *   from the catalog at build time (the rule bundle) is stale when it differs.
   */
  constructor(
    readonly services: readonly CatalogService[],
    readonly fingerprint = '',
  ) {
    this.entries = services.flatMap((service) =>
      service.types.map((spec): CatalogEntry => ({ ...spec, key: spec.type.toLowerCase(), service })),
    );
    this.byType = new Map(this.entries.map((entry) => [entry.key, entry]));
  }

  /** The entry of a resource type (any case), or undefined when no catalog file names it. */
  entry(type: string): CatalogEntry | undefined {
    return this.byType.get(type.toLowerCase());
  }

  /** The class of a resource type, or undefined when the catalog does not know it (not assessed). */
  classOf(type: string): ServiceClass | undefined {
    return this.entry(type)?.class;
  }

  /** The entries of one class, in catalog order. */
  typesOfClass(serviceClass: ServiceClass): CatalogEntry[] {
    return this.entries.filter((entry) => entry.class === serviceClass);
  }

  /** The types whose key references the relation index follows: the `key-consumers` set. */
  keyConsumers(): CatalogEntry[] {
    return this.entries.filter((entry) => entry.keyReferences !== undefined && entry.keyReferences.length > 0);
  }

  /** The lower-case types of a named target set. */
  targetSet(name: TargetSet): string[] {
    switch (name) {
      case 'key-consumers':
        return this.keyConsumers().map((entry) => entry.key);
    }
  }

  /** The rule ids the types of the given classes name (`rules:`), in catalog order, each once. */
  rulesOfClasses(classes: readonly ServiceClass[]): string[] {
    return [...new Set(this.entries.filter((entry) => classes.includes(entry.class)).flatMap((entry) => entry.rules ?? []))];
  }
}

export function isServiceClass(value: string): value is ServiceClass {
  return (SERVICE_CLASSES as readonly string[]).includes(value);
}
