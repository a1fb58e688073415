import type { ResourceMapping } from './mapping-types.js';
import type { PlanDocument } from './plan-document.js';
import { isUnknownAt, type PlanGraph, type PlanResource } from './plan-graph.js';

/** Stands for a subscription the plan does not name (the provider's default subscription). */
export const UNKNOWN_SUBSCRIPTION = 'unknown-subscription';
/** Stands for a resource group whose name is known only after apply. */
export const UNKNOWN_RESOURCE_GROUP = 'unknown-resource-group';
/** Stands for a parent (the vault of a key) the plan cannot name. */
export const UNKNOWN_PARENT = 'unknown-parent';

const SUBSCRIPTION_SEGMENT = /^\/subscriptions\/([^/]+)(\/.*)?$/i;

/** A resource id and whether its name had to be stood in for. */
export interface BuiltId {
  id: string;
  /** The name attribute is known only after apply; the id ends in the Terraform address instead. */
  nameUnknown: boolean;
}

/** Resources of one type by lower-cased id, and those with a stand-in subscription by the rest of their id. */
interface IdIndex {
  exact: Map<string, PlanResource>;
  anySubscription: Map<string, PlanResource>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Deterministic Azure resource ids for planned resources: the real id when
 * the plan knows it (the resource exists), else one built as Azure will
 * build it, with documented stand-ins for what is not known yet.
 */
export class ResourceIds {
  private readonly built = new Map<PlanResource, BuiltId>();
  private readonly indexes = new Map<string, IdIndex>();
  private readonly planSubscription: string | undefined;
  private graph: PlanGraph | undefined;

  constructor(
    private readonly plan: PlanDocument,
    /** The resources ids are built for (and references may point at). */
    private readonly resources: readonly PlanResource[],
    private readonly mappingOf: (resource: PlanResource) => ResourceMapping | undefined,
  ) {
    this.planSubscription = singleSubscription(plan);
  }

  /** The graph follows references by id, and ids of child resources follow references: the two meet here. */
  attach(graph: PlanGraph): void {
    this.graph = graph;
  }

  idOf(resource: PlanResource): BuiltId {
    let id = this.built.get(resource);
    if (!id) {
      id = this.build(resource);
      this.built.set(resource, id);
    }
    return id;
  }

  /**
   * The resource of one of `types` that `id` names: by its known or built id,
   * a stand-in subscription matching any. Each type is indexed once, on first
   * use, so following references stays linear in the size of the plan.
   */
  find(types: readonly string[], id: string): PlanResource | undefined {
    const wanted = id.replace(/\/+$/, '').toLowerCase();
    const withoutSubscription = SUBSCRIPTION_SEGMENT.exec(wanted)?.[2];
    for (const type of types) {
      const index = this.indexOf(type);
      const found = index.exact.get(wanted) ?? (withoutSubscription ? index.anySubscription.get(withoutSubscription) : undefined);
      if (found) return found;
    }
    return undefined;
  }

  private indexOf(type: string): IdIndex {
    let index = this.indexes.get(type);
    if (!index) {
      index = { exact: new Map(), anySubscription: new Map() };
      for (const resource of this.resources) {
        if (resource.change.type !== type) continue;
        const own = this.idOf(resource).id.toLowerCase();
        if (!index.exact.has(own)) index.exact.set(own, resource);
        const match = SUBSCRIPTION_SEGMENT.exec(own);
        if (match?.[1] === UNKNOWN_SUBSCRIPTION && match[2] && !index.anySubscription.has(match[2]))
          index.anySubscription.set(match[2], resource);
      }
      this.indexes.set(type, index);
    }
    return index;
  }

  private build(resource: PlanResource): BuiltId {
    const mapping = this.mappingOf(resource);
    const { after, afterUnknown } = resource.change;
    const known = (attribute: string): string | undefined => {
      const value = isRecord(after) ? after[attribute] : undefined;
      return typeof value === 'string' && value !== '' && !isUnknownAt(afterUnknown, [attribute]) ? value : undefined;
    };
    const existing = mapping?.idAttribute ? known(mapping.idAttribute) : undefined;
    const name = known('name');
    if (existing && SUBSCRIPTION_SEGMENT.test(existing)) return { id: existing, nameUnknown: name === undefined };
    const leaf = name ?? resource.change.address;
    const subscription = this.subscriptionFor(resource) ?? UNKNOWN_SUBSCRIPTION;
    if (!mapping || mapping.id.kind === 'resource-group') {
      const provider = mapping?.id.kind === 'resource-group' ? mapping.id.provider : resource.change.type;
      const group = known('resource_group_name') ?? UNKNOWN_RESOURCE_GROUP;
      return { id: `/subscriptions/${subscription}/resourceGroups/${group}/providers/${provider}/${leaf}`, nameUnknown: !name };
    }
    const { parent, segment } = mapping.id;
    const resolution = this.graph?.resolve(resource, [parent.attribute], parent.types);
    let parentId: string;
    if (resolution?.kind === 'resource') parentId = this.idOf(resolution.target).id;
    else if (resolution?.kind === 'outside') parentId = resolution.id.replace(/\/+$/, '');
    else
      parentId = `/subscriptions/${subscription}/resourceGroups/${UNKNOWN_RESOURCE_GROUP}/providers/${parent.provider}/${UNKNOWN_PARENT}`;
    return { id: `${parentId}/${segment}/${leaf}`, nameUnknown: !name };
  }

  /**
   * The subscription a resource deploys to: its provider configuration's
   * `subscription_id` when the plan records it (a constant or a root
   * variable), else the one subscription every known id in the plan shares.
   */
  private subscriptionFor(resource: PlanResource): string | undefined {
    const key = this.graph?.configOf(resource)?.provider_config_key;
    const config = key ? (this.plan.providerConfig[key] ?? this.plan.providerConfig[key.slice(key.lastIndexOf(':') + 1)]) : undefined;
    const expression = config?.expressions?.['subscription_id'];
    if (isRecord(expression)) {
      if (typeof expression['constant_value'] === 'string' && expression['constant_value']) return expression['constant_value'];
      const references = Array.isArray(expression['references']) ? expression['references'] : [];
      const variable = references.find((ref): ref is string => typeof ref === 'string' && ref.startsWith('var.'));
      const value = variable && !config?.module_address ? this.plan.variables[variable.slice(4)] : undefined;
      if (typeof value === 'string' && value) return value;
    }
    return this.planSubscription;
  }
}

/** The subscription of every known Azure id in the plan, when there is exactly one. */
function singleSubscription(plan: PlanDocument): string | undefined {
  const seen = new Set<string>();
  for (const change of plan.changes) {
    const id = isRecord(change.after) ? change.after['id'] : undefined;
    const match = typeof id === 'string' ? SUBSCRIPTION_SEGMENT.exec(id) : null;
    if (match) seen.add(match[1]!.toLowerCase());
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}
