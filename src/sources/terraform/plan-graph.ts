import { attributeText } from './attribute-path.js';
import type { ConfigModule, ConfigResource, ResourceChange } from './plan-document.js';

/** A managed resource instance keyscope evaluates, with its place in the module tree. */
export interface PlanResource {
  change: ResourceChange;
  /** `module.a[0].module.b`, or `''` in the root module. */
  moduleAddress: string;
  /** The calls leading to its module, without instance keys: `['a', 'b']`. */
  modulePath: string[];
  /** `type.name`, as the configuration names it inside its module. */
  localAddress: string;
  /** The instance key as written in the address (`[0]`, `["blue"]`), or `''`. */
  instanceKey: string;
}

/** Where an attribute that holds another resource's id points. */
export type Resolution =
  | { kind: 'resource'; target: PlanResource }
  /** A known id of a resource this plan does not hold. */
  | { kind: 'outside'; id: string }
  /** The attribute is not set. */
  | { kind: 'unset' }
  | { kind: 'unresolved'; reason: string };

const INSTANCE_KEY = String.raw`\[(?:\d+|"(?:[^"\\]|\\.)*")\]`;
const MODULE_STEP = new RegExp(String.raw`^module\.([A-Za-z0-9_-]+)(${INSTANCE_KEY})?(?:\.|$)`);
const RESOURCE_PART = new RegExp(String.raw`^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(${INSTANCE_KEY})?$`);
/** A configuration reference to a resource: `type.name`, an instance key, then any attribute (`.id`). */
const REFERENCE = new RegExp(String.raw`^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(${INSTANCE_KEY})?(?:\..*)?$`);

/** Splits a resource instance address into its module path and module-local parts. */
export function splitAddress(
  address: string,
  moduleAddress: string | undefined,
): Pick<PlanResource, 'moduleAddress' | 'modulePath' | 'localAddress' | 'instanceKey'> {
  const modulePath: string[] = [];
  let rest = moduleAddress ?? '';
  for (let match = MODULE_STEP.exec(rest); match && rest; match = MODULE_STEP.exec(rest)) {
    modulePath.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
  const local = moduleAddress ? address.slice(moduleAddress.length + 1) : address;
  const parts = RESOURCE_PART.exec(local);
  return {
    moduleAddress: moduleAddress ?? '',
    modulePath,
    localAddress: parts ? parts[1]! : local,
    instanceKey: parts?.[2] ?? '',
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function step(value: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(value) ? (value as unknown[])[key] : undefined;
  return isRecord(value) ? value[key] : undefined;
}

/** Is the value at `path` (or a value around it) known only after apply? */
export function isUnknownAt(afterUnknown: unknown, path: readonly (string | number)[]): boolean {
  let mask = afterUnknown;
  for (const key of path) {
    if (mask === true) return true;
    mask = step(mask, key);
  }
  return mask === true;
}

/**
 * The resources of one plan, with what the configuration says about how
 * they refer to each other. Terraform does not know a new resource's id
 * until apply, so "this key protects that server" is read from the
 * configuration's references (`azurerm_mssql_server.main.id`) when the value
 * is unknown.
 */
export class PlanGraph {
  private readonly byLocal = new Map<string, PlanResource[]>();
  /** Configuration blocks by module path, then module-local address; built on first use. */
  private readonly configBlocks = new Map<string, Map<string, ConfigResource>>();

  constructor(
    resources: readonly PlanResource[],
    private readonly configuration: ConfigModule | undefined,
    /** The resource of one of the types that an id names (its known id, or the one keyscope builds for it). */
    private readonly findById: (types: readonly string[], id: string) => PlanResource | undefined,
  ) {
    for (const resource of resources) {
      const key = `${resource.moduleAddress}|${resource.localAddress}`;
      const list = this.byLocal.get(key);
      if (list) list.push(resource);
      else this.byLocal.set(key, [resource]);
    }
  }

  /** The configuration block that declares a resource, when the plan has the configuration. */
  configOf(resource: PlanResource): ConfigResource | undefined {
    const key = resource.modulePath.join('.');
    let blocks = this.configBlocks.get(key);
    if (!blocks) {
      blocks = new Map();
      let module = this.configuration;
      for (const call of resource.modulePath) module = module?.module_calls?.[call]?.module;
      for (const block of module?.resources ?? []) {
        if (block.mode !== 'data' && typeof block.address === 'string' && !blocks.has(block.address)) blocks.set(block.address, block);
      }
      this.configBlocks.set(key, blocks);
    }
    return blocks.get(resource.localAddress);
  }

  /** Follows an attribute holding a resource id to the resource of one of `types` it names. */
  resolve(source: PlanResource, path: readonly (string | number)[], types: readonly string[]): Resolution {
    if (!isUnknownAt(source.change.afterUnknown, path)) {
      let value: unknown = source.change.after;
      for (const key of path) value = step(value, key);
      if (typeof value !== 'string' || value === '') return { kind: 'unset' };
      const target = this.findById(types, value);
      return target ? { kind: 'resource', target } : { kind: 'outside', id: value };
    }
    return this.resolveByReference(source, path, types);
  }

  private resolveByReference(source: PlanResource, path: readonly (string | number)[], types: readonly string[]): Resolution {
    let expression: unknown = this.configOf(source)?.expressions;
    for (const key of path) expression = step(expression, key);
    const references = isRecord(expression) && Array.isArray(expression['references']) ? (expression['references'] as unknown[]) : [];
    const named = references
      .filter((ref): ref is string => typeof ref === 'string')
      .map((ref) => {
        if (!types.some((type) => ref.startsWith(`${type}.`))) return undefined;
        const match = REFERENCE.exec(ref);
        return match ? { local: match[1]!, key: match[2] ?? '' } : undefined;
      })
      .filter((ref): ref is { local: string; key: string } => ref !== undefined);
    if (!named.length) {
      return {
        kind: 'unresolved',
        reason: `${attributeText(path)} is known only after apply and refers to no ${types.join(' or ')} in this plan`,
      };
    }
    // `x.y[0]` says more than `x.y`: prefer the most specific reference.
    const best = named.find((ref) => ref.key) ?? named[0]!;
    const instances = this.byLocal.get(`${source.moduleAddress}|${best.local}`) ?? [];
    if (best.key) {
      const exact = instances.find((instance) => instance.instanceKey === best.key);
      if (exact) return { kind: 'resource', target: exact };
    } else if (instances.length === 1) {
      return { kind: 'resource', target: instances[0]! };
    } else if (instances.length > 1 && source.instanceKey && references.some((ref) => ref === 'count.index' || ref === 'each.key')) {
      // `azurerm_x.y[count.index]`: the instance with the same key as the one referring.
      const parallel = instances.find((instance) => instance.instanceKey === source.instanceKey);
      if (parallel) return { kind: 'resource', target: parallel };
    }
    return {
      kind: 'unresolved',
      reason: instances.length
        ? `${attributeText(path)} refers to ${best.local}, which has ${instances.length} instances, and the plan does not say which`
        : `${attributeText(path)} refers to ${best.local}${best.key}, which this plan does not create or keep`,
    };
  }
}
