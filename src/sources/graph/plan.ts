import { CHILD_ENRICHMENTS, ATTACH_ENRICHMENTS, type AttachEnrichment, type ChildEnrichment } from './enrichments.js';

/** A resource type some rule applies to, and the canonical paths its rules read. */
export interface TypeReads {
  type: string;
  reads: readonly string[];
}

/** A Resource Graph table keyscope queries. */
export type GraphTable = 'resources' | 'resourcecontainers' | 'authorizationresources' | 'elasticsanresources';

/** One query: a table, the types filtered server-side, and the columns projected. */
export interface TableQuery {
  table: GraphTable;
  /** Lower-case, sorted. */
  types: string[];
  /** Columns, in a fixed order. */
  columns: string[];
}

/** A child enrichment in use, and whether its rules read more than the list gives. */
export interface ActiveChildEnrichment {
  enrichment: ChildEnrichment;
  /** True when a rule reads a property only a GET per child returns. */
  detail: boolean;
}

/** Everything a live scan fetches, decided once from the rules. */
export interface GraphPlan {
  /** In the order a batch runs them: those of `AFTER_COUNT` tables after the count by type. */
  queries: TableQuery[];
  /** Types handed to the engine (lower-case); parents fetched only to find children are not. */
  emit: ReadonlySet<string>;
  children: ActiveChildEnrichment[];
  attach: AttachEnrichment[];
}

/**
 * Tables by type prefix. Resource Graph keeps role assignments in
 * `authorizationresources`, subscriptions and resource groups in
 * `resourcecontainers`, and Elastic SAN volume groups (and their volumes) in
 * `elasticsanresources`, where a query of `resources` does not reach them
 * (Microsoft's "Supported tables and resource types" reference for Resource
 * Graph: learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources#elasticsanresources);
 * everything else an Azure Resource Manager provider reports is in
 * `resources`.
 */
const TABLE_BY_PREFIX: readonly (readonly [string, GraphTable])[] = [
  ['microsoft.authorization/', 'authorizationresources'],
  ['microsoft.resources/subscriptions', 'resourcecontainers'],
  ['microsoft.management/managementgroups', 'resourcecontainers'],
  ['microsoft.elasticsan/elasticsans/volumegroups', 'elasticsanresources'],
];

/**
 * The order a batch queries its tables in. A table keyscope learns to read
 * goes last, so the requests a scan already made keep their order and place.
 */
const TABLE_ORDER: readonly GraphTable[] = ['authorizationresources', 'resourcecontainers', 'resources', 'elasticsanresources'];

/**
 * Tables a batch queries after its count by type (which counts `resources`
 * only), for the same reason: the count stays where it was.
 */
export const AFTER_COUNT: ReadonlySet<GraphTable> = new Set<GraphTable>(['elasticsanresources']);

/** The columns each row carries whatever rules read: findings name the resource by them. */
const IDENTITY_COLUMNS = ['id', 'name', 'type', 'subscriptionId', 'resourceGroup'];

/** The other columns of Resource Graph's resource tables, by their lower-case name. */
const DATA_COLUMNS = new Map(
  ['kind', 'location', 'tenantId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'].map((c) => [
    c.toLowerCase(),
    c,
  ]),
);

/** The table a type lives in. */
export function tableOf(type: string): GraphTable {
  for (const [prefix, table] of TABLE_BY_PREFIX) if (type.startsWith(prefix)) return table;
  return 'resources';
}

/**
 * The top-level columns a set of reads needs. Projection stops at the
 * column: KQL's member access is case-sensitive while rules match names
 * case-insensitively and providers spell them inconsistently
 * (`keyvaultproperties` on storage, `keyVaultProperties` elsewhere), so
 * projecting `properties.encryption.keySource` could silently drop a value
 * and turn a failure into a pass.
 */
function columnsFor(reads: Iterable<string>): string[] {
  const wanted = new Set<string>();
  for (const path of reads) {
    const head = /^[^.[]+/.exec(path)?.[0]?.toLowerCase();
    const column = head === undefined ? undefined : DATA_COLUMNS.get(head);
    if (column) wanted.add(column);
  }
  return [...IDENTITY_COLUMNS, ...[...DATA_COLUMNS.values()].filter((column) => wanted.has(column))];
}

/** Whether `path` (canonical) is `prefix` or inside it. */
export function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Plans the queries and enrichments for the types the rules read. */
export function planGraph(wanted: readonly TypeReads[]): GraphPlan {
  const reads = new Map<string, Set<string>>();
  const add = (type: string, paths: Iterable<string>): void => {
    const set = reads.get(type) ?? new Set<string>();
    for (const path of paths) set.add(path);
    reads.set(type, set);
  };
  const emit = new Set<string>();
  const children: ActiveChildEnrichment[] = [];
  const childTypes = new Map(CHILD_ENRICHMENTS.map((enrichment) => [enrichment.childType, enrichment]));
  for (const { type, reads: paths } of wanted) {
    const key = type.toLowerCase();
    emit.add(key);
    const child = childTypes.get(key);
    if (child) {
      // Not in Resource Graph: list the parent's children through Resource Manager.
      const detail = paths.some((path) => !child.listed.some((prefix) => within(path, prefix)));
      children.push({ enrichment: child, detail });
      add(child.parentType, ['id']);
    } else {
      add(key, paths);
    }
  }
  const attach = ATTACH_ENRICHMENTS.filter((enrichment) =>
    wanted.some(
      ({ type, reads: paths }) =>
        type.toLowerCase() === enrichment.type &&
        paths.some((path) => enrichment.provides.some((prefix) => within(path, prefix.toLowerCase()))),
    ),
  );

  const byTable = new Map<GraphTable, string[]>();
  for (const type of [...reads.keys()].sort()) {
    const table = tableOf(type);
    byTable.set(table, [...(byTable.get(table) ?? []), type]);
  }
  const queries = [...byTable.entries()]
    .sort(([a], [b]) => TABLE_ORDER.indexOf(a) - TABLE_ORDER.indexOf(b))
    .map(([table, types]) => ({ table, types, columns: columnsFor(types.flatMap((type) => [...reads.get(type)!])) }));
  children.sort((a, b) => (a.enrichment.childType < b.enrichment.childType ? -1 : 1));
  return { queries, emit, children, attach };
}
