import type { UnknownCause } from './unknown-cause.js';

/**
 * The one record every source produces: an Azure Resource Manager resource as
 * Resource Graph returns it, plus where it came from and what is not known.
 */
export interface Resource {
  id: string;
  /** Resource type as the source spelled it; match with `typeKey()`. */
  type: string;
  name?: string;
  location?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  kind?: string;
  sku?: unknown;
  identity?: unknown;
  tags?: Record<string, unknown> | null;
  properties?: Record<string, unknown> | null;
  /** Where the record came from; reporters turn it into locations. */
  origin?: Origin;
  /**
   * Property paths whose value cannot be known yet (a template `reference()`,
   * a Terraform `after_unknown`, an enrichment call that failed). Dotted,
   * `[*]` for array members, compared case-insensitively. On a record from a
   * template or plan (`origin.kind` `arm` or `terraform`) every one is a
   * deploy-time value; on one from Resource Graph, one that could not be read.
   */
  unknown?: readonly string[];
  /**
   * Unknown paths whose value is certain to be there, by canonical path (each
   * also in `unknown`), with the JSON type it has: a key id the provider
   * requires and validates, a property Azure always returns, a required
   * parameter. Its text is known only at deployment, so `exists`, emptiness
   * and type checks decide on it and comparisons of the value stay unknown.
   * Like every unknown path of a template or plan, it is a deploy-time value.
   */
  present?: Readonly<Record<string, PresentType>>;
  /**
   * Why an `unknown` path is unknown, by the path as written there, when it is
   * not what the origin implies (a missing template parameter, a key whose
   * read failed). See `unknownCauseOf`.
   */
  unknownCauses?: Readonly<Record<string, UnknownCause>>;
  [key: string]: unknown;
}

/**
 * The JSON type of a value known to be present but not its text. A
 * `string` is also known not to be empty.
 */
export type PresentType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** An exported inventory file (JSON array, `az graph query` output, NDJSON). */
export interface ExportOrigin {
  kind: 'export';
  file: string;
  /** 1-based line where the record starts. */
  line: number;
}

/** A live Resource Graph query. */
export interface GraphOrigin {
  kind: 'graph';
  subscriptionId?: string;
}

/** A position in a source file: where a resource or one of its properties is written. */
export interface SourcePoint {
  line: number;
  column: number;
  /** JSON pointer into the file. */
  pointer?: string;
  /** For Bicep: the same place in the template Bicep compiled it to (`pointer` is into that JSON). */
  compiled?: SourcePoint;
}

/**
 * An ARM template, or a Bicep file (positions in the `.bicep` source,
 * `compiled` in the JSON Bicep made of it). `line`/`column`/`pointer` locate the
 * resource; `properties` locates the properties it sets, by canonical path
 * (`properties.enablepurgeprotection`), so a finding can point at the line to change.
 */
export interface TemplateOrigin {
  kind: 'arm';
  file: string;
  line: number;
  column: number;
  /** JSON pointer into `file`; absent for Bicep, whose compiled pointer is in `compiled`. */
  pointer?: string;
  /** For Bicep: where the resource is in the template Bicep compiled (line, column and pointer of that JSON). */
  compiled?: SourcePoint;
  /** The copy loops and nested deployments the resource came through, outermost first. */
  via?: string[];
  properties?: Record<string, SourcePoint>;
}

/** A Terraform plan (`terraform show -json`). */
export interface PlanOrigin {
  kind: 'terraform';
  /** The plan file. */
  file: string;
  /** The resource address, e.g. `azurerm_key_vault.main`. */
  address: string;
  /** Positions (here and in `properties`) are in `configFile` when it is set, else in the plan file. */
  line?: number;
  column?: number;
  /** The `.tf` file that declares the resource, when keyscope found it beside the plan. */
  configFile?: string;
  properties?: Record<string, SourcePoint>;
}

/** A rule's inline example (`keyscope rules test`). */
export interface ExampleOrigin {
  kind: 'example';
  file: string;
  example: string;
}

export type Origin = ExportOrigin | GraphOrigin | TemplateOrigin | PlanOrigin | ExampleOrigin;

/**
 * Does the record show what Azure holds now (a live or exported inventory),
 * rather than what a template or plan declares? Only such records cover a
 * subscription: a key missing from a vault read this way is missing, and a
 * subscription read this way had its role assignments read. A rule's
 * example stands for a deployed resource, so `rules test` can show a
 * dangling key. Takes a finding's location as well as an origin.
 */
export function isDeployed(origin: { readonly kind: string } | undefined): boolean {
  const kind = origin?.kind;
  return kind === 'export' || kind === 'graph' || kind === 'example';
}

/** The lower-cased type used for matching rules to resources. */
export function typeKey(resource: Pick<Resource, 'type'>): string {
  return resource.type.toLowerCase();
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBSCRIPTION_IN_ID = /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\/|$)/i;

/** Is the text a subscription id (a GUID)? */
export function isSubscriptionId(text: string): boolean {
  return GUID.test(text);
}

/** The subscription a text names: a subscription id itself, or a resource id inside one. */
export function subscriptionNamedBy(text: string): string | undefined {
  return GUID.test(text) ? text : SUBSCRIPTION_IN_ID.exec(text)?.[1];
}

/** Subscription id, from the record or parsed out of its resource id. */
export function subscriptionOf(resource: Resource): string | undefined {
  if (typeof resource.subscriptionId === 'string' && resource.subscriptionId) return resource.subscriptionId;
  const match = /^\/subscriptions\/([^/]+)/i.exec(resource.id);
  return match?.[1];
}

/** Resource group, from the record or parsed out of its resource id. */
export function resourceGroupOf(resource: Resource): string | undefined {
  if (typeof resource.resourceGroup === 'string' && resource.resourceGroup) return resource.resourceGroup;
  const match = /\/resourceGroups\/([^/]+)/i.exec(resource.id);
  return match?.[1];
}

/** Name, from the record or the last segment of its resource id. */
export function nameOf(resource: Resource): string {
  if (typeof resource.name === 'string' && resource.name) return resource.name;
  const slash = resource.id.lastIndexOf('/');
  return slash >= 0 ? resource.id.slice(slash + 1) : resource.id;
}

/**
 * Sorts by resource id the way reports order resources: case-insensitively,
 * then by exact spelling so the order is total. Each id is lower-cased once,
 * and positions are sorted rather than the items (a typed array of indices
 * sorts faster than an array of objects).
 */
export function sortByIds<T>(items: readonly T[], idOf: (item: T) => string): T[] {
  const ids = new Array<string>(items.length);
  const keys = new Array<string>(items.length);
  const order = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    ids[i] = idOf(items[i]!);
    keys[i] = ids[i]!.toLowerCase();
    order[i] = i;
  }
  order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    if (x !== y) return x < y ? -1 : 1;
    const p = ids[a]!;
    const q = ids[b]!;
    return p < q ? -1 : p > q ? 1 : a - b;
  });
  const sorted = new Array<T>(items.length);
  for (let i = 0; i < order.length; i++) sorted[i] = items[order[i]!]!;
  return sorted;
}
