import { resourceGroupOf, sortByIds, subscriptionOf, type Resource } from '../../model/index.js';
import type { ResourceManager } from './arm-client.js';
import { mapBounded } from './bounded.js';
import { describeError } from './describe-error.js';
import { within, type ActiveChildEnrichment, type GraphPlan } from './plan.js';

/** Resource Manager calls in flight at once: enough to hide latency, few enough to stay clear of its throttling. */
export const ENRICHMENT_CONCURRENCY = 8;

/** An enrichment call that failed: reported with the resource it was for. */
export interface EnrichmentFailure {
  /** The resource id the call was for. */
  target: string;
  message: string;
}

/** What enriching a page produced. */
export interface EnrichedPage {
  /** Child resources (keys), in a stable order: parent by parent, then by id. */
  children: Resource[];
  failures: EnrichmentFailure[];
  /** Subscriptions (lower-case) where children could not even be listed: not completely read. */
  unlisted: Set<string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads through Resource Manager what Resource Graph does not hold: the
 * keys of vaults and managed HSMs, and the TDE protector of SQL servers
 * and managed instances. A failed call never hides a resource: a key whose
 * GET failed keeps what the list gave and its other properties are marked
 * unknown; a server whose protector could not be read gets its key
 * properties marked unknown; a parent whose keys could not be listed is
 * reported, and its subscription is not counted as read.
 */
export class Enricher {
  constructor(
    private readonly arm: ResourceManager,
    private readonly plan: GraphPlan,
    /** Canonical paths the rules read, by lower-case type (for what a failed GET leaves unknown). */
    private readonly reads: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** Enriches a page's resources in place and returns their children. */
  async enrich(resources: readonly Resource[]): Promise<EnrichedPage> {
    const failures: EnrichmentFailure[] = [];
    const unlisted = new Set<string>();
    await this.attach(resources, failures);
    const children = await this.children(resources, failures, unlisted);
    return { children, failures, unlisted };
  }

  private async attach(resources: readonly Resource[], failures: EnrichmentFailure[]): Promise<void> {
    const work: { resource: Resource; index: number }[] = [];
    for (const resource of resources) {
      const type = resource.type.toLowerCase();
      const index = this.plan.attach.findIndex((enrichment) => enrichment.type === type);
      if (index >= 0) work.push({ resource, index });
    }
    await mapBounded(work, ENRICHMENT_CONCURRENCY, async ({ resource, index }) => {
      const enrichment = this.plan.attach[index]!;
      try {
        const body = await this.arm.get(`${resource.id}/${enrichment.path}`, enrichment.apiVersion);
        enrichment.merge(resource, body);
      } catch (error) {
        resource.unknown = [...(resource.unknown ?? []), ...enrichment.provides];
        failures.push({ target: resource.id, message: `cannot read ${enrichment.path}: ${describeError(error)}` });
      }
    });
  }

  private async children(resources: readonly Resource[], failures: EnrichmentFailure[], unlisted: Set<string>): Promise<Resource[]> {
    const parents: { parent: Resource; active: ActiveChildEnrichment }[] = [];
    for (const active of this.plan.children) {
      for (const resource of resources) {
        if (resource.type.toLowerCase() === active.enrichment.parentType) parents.push({ parent: resource, active });
      }
    }
    // Keys are listed parent by parent, in page order, so the output never depends on timing.
    const listed = await mapBounded(parents, ENRICHMENT_CONCURRENCY, async ({ parent, active }) => {
      const { collection, apiVersion } = active.enrichment;
      try {
        const items = sortByIds(
          (await this.arm.list(`${parent.id}/${collection}`, apiVersion)).filter(
            (item): item is Record<string, unknown> => isObject(item) && typeof item['id'] === 'string',
          ),
          (item) => item['id'] as string,
        );
        return items.map((item) => ({ parent, active, item }));
      } catch (error) {
        failures.push({ target: parent.id, message: `cannot list ${collection}: ${describeError(error)}` });
        const subscription = subscriptionOf(parent);
        if (subscription) unlisted.add(subscription.toLowerCase());
        return [];
      }
    });
    const items = listed.flat();
    const children = await mapBounded(items, ENRICHMENT_CONCURRENCY, async ({ parent, active, item }) => {
      if (!active.detail) return this.child(parent, active, item, undefined);
      try {
        const body = await this.arm.get(item['id'] as string, active.enrichment.apiVersion);
        return this.child(parent, active, body, undefined);
      } catch (error) {
        failures.push({ target: item['id'] as string, message: `cannot read the key: ${describeError(error)}` });
        return this.child(parent, active, item, this.unreadable(active));
      }
    });
    return children;
  }

  /** What a failed GET leaves unknown: the properties only the GET returns, and whatever else rules read beyond the list. */
  private unreadable(active: ActiveChildEnrichment): string[] {
    const { detailed, listed, childType } = active.enrichment;
    const lowered = detailed.map((path) => path.toLowerCase());
    const extra = (this.reads.get(childType) ?? []).filter(
      (path) => !listed.some((prefix) => within(path, prefix)) && !lowered.some((prefix) => within(path, prefix)),
    );
    return [...detailed, ...extra];
  }

  /** A child record shaped like a Resource Graph row, with its parent's subscription and resource group. */
  private child(parent: Resource, active: ActiveChildEnrichment, body: Record<string, unknown>, unknown: string[] | undefined): Resource {
    const subscriptionId = subscriptionOf(parent);
    const id = body['id'] as string;
    const resource: Resource = {
      id,
      name: typeof body['name'] === 'string' ? body['name'] : id.slice(id.lastIndexOf('/') + 1),
      type: typeof body['type'] === 'string' ? body['type'] : active.enrichment.childType,
      ...(typeof body['location'] === 'string' ? { location: body['location'] } : {}),
      ...(subscriptionId ? { subscriptionId } : {}),
      ...(resourceGroupOf(parent) ? { resourceGroup: resourceGroupOf(parent)! } : {}),
      ...(isObject(body['tags']) ? { tags: body['tags'] } : {}),
      properties: isObject(body['properties']) ? body['properties'] : {},
      origin: subscriptionId ? { kind: 'graph', subscriptionId } : { kind: 'graph' },
    };
    if (unknown) {
      resource.unknown = unknown;
      // Listed, but its own GET failed: not the failure of a call that adds to a record.
      resource.unknownCauses = Object.fromEntries(unknown.map((path) => [path, 'unreadable-record' as const]));
    }
    return resource;
  }
}
