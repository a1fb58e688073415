/**
 * `reference()` and `resourceInfo()` of resources the same template deploys.
 * Azure returns the deployed resource; before deployment its declared
 * values are known, and so are the few read-only properties Azure computes
 * from the name alone (a vault's URI). Everything else stays unknown.
 */
import type { Node } from 'jsonc-parser';
import { DEPLOY_TIME_FUNCTIONS } from './deploy-time.js';
import { evaluateNode, LocatedError, type EvalContext, type Trace } from './evaluate.js';
import { ENVIRONMENT_SUFFIXES, type ResourceLookup } from './functions.js';
import { entries, pointerSegment, setKey } from './json-text.js';
import { typeAndNames } from './resource-ids.js';
import { completedByAzure, getKey, isObject, PartialObject, TemplateError, Unknown } from './values.js';

/** Keys of a resource declaration that steer the deployment and are not part of the resource. */
export const TEMPLATE_ONLY: ReadonlySet<string> = new Set([
  'type',
  'name',
  'condition',
  'copy',
  'dependson',
  'comments',
  'scope',
  'existing',
  'resources',
  'import',
  'parent',
]);

/** A resource declaration as the expander resolved it: enough to find it by id, name or symbolic name, and to evaluate it. */
export interface DeclaredResource {
  node: Node;
  pointer: string;
  /** What its expressions are evaluated against (its frame, its copy loop). */
  context: EvalContext;
  /** Full type as written (`Microsoft.KeyVault/vaults/keys`). */
  type: string;
  /** The full name's segments; an unknown name is one segment, as written. */
  segments: string[];
  nameKnown: boolean;
  /** Its resource id, when the name is known. */
  id?: string;
  /** True when deployed, false when its condition is false, an Unknown when its condition is. */
  deployed: boolean | Unknown;
  /** Language version 2.0: the key it is declared under. */
  symbolic?: string;
  /** In a copy loop: its index there. */
  copyIndex?: number | Unknown;
}

/**
 * Read-only properties Azure computes from a resource's name, by lower-case
 * type. In a pattern `{0}`, `{1}` are the name's segments and any other
 * `{x}` is `environment().suffixes.x`; `unknown` is why Azure alone decides
 * the value. They are added to the declared `properties` (Azure computes
 * them, so they win over a declared value). Azure always returns every one
 * of them, a non-empty string: where its text is unknown, it is present.
 * Sources: the GET examples of Azure/azure-rest-api-specs, e.g.
 * specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/getKey.json
 * and specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/examples/IdentityGet.json.
 */
const DERIVED_PROPERTIES: Readonly<Record<string, Readonly<Record<string, { pattern: string } | { unknown: string }>>>> = {
  'microsoft.keyvault/vaults': {
    vaultUri: { pattern: 'https://{0}{keyvaultDns}/' },
  },
  'microsoft.keyvault/managedhsms': {
    hsmUri: { pattern: 'https://{0}.managedhsm.azure.net/' },
  },
  'microsoft.keyvault/vaults/keys': {
    keyUri: { pattern: 'https://{0}{keyvaultDns}/keys/{1}' },
    keyUriWithVersion: { unknown: 'Azure creates the key version at deployment' },
  },
  'microsoft.keyvault/managedhsms/keys': {
    keyUri: { pattern: 'https://{0}.managedhsm.azure.net/keys/{1}' },
    keyUriWithVersion: { unknown: 'Azure creates the key version at deployment' },
  },
  'microsoft.managedidentity/userassignedidentities': {
    principalId: { unknown: 'Azure creates the service principal at deployment' },
    clientId: { unknown: 'Azure creates the application at deployment' },
    tenantId: { unknown: 'the tenant is known at deployment' },
  },
};

const NESTED_DEPLOYMENT = 'microsoft.resources/deployments';

/** Errors inside a referenced resource are reported where that resource is evaluated for itself, not at each reference. */
const SILENT: Trace = { property: () => undefined, expression: () => undefined, fail: () => undefined };

type Slot = { state: 'evaluating' } | { state: 'done'; value: unknown };

/** The resources one template deploys, found the ways `reference()` accepts. */
export class DeclaredResources implements ResourceLookup {
  private readonly evaluated = new Map<DeclaredResource, Map<string, Slot>>();
  /** The resources by each form of target (`symbol:`, `id:`, `relative:`, `name:`, then the lower-case text): copy loops make many. */
  private readonly index = new Map<string, DeclaredResource[]>();

  constructor(
    resources: readonly DeclaredResource[],
    /** Why a symbolic name that names no evaluated resource cannot be read: an `existing` resource, a false condition. */
    private readonly unresolvable: ReadonlyMap<string, string>,
  ) {
    const add = (key: string, resource: DeclaredResource): void => {
      const list = this.index.get(key);
      if (list) list.push(resource);
      else this.index.set(key, [resource]);
    };
    for (const resource of resources) {
      if (resource.symbolic !== undefined) add(`symbol:${resource.symbolic.toLowerCase()}`, resource);
      if (resource.id !== undefined) add(`id:${resource.id.toLowerCase()}`, resource);
      if (!resource.nameKnown) continue;
      const relative = relativeId(resource);
      if (relative !== undefined) add(`relative:${relative}`, resource);
      add(`name:${resource.segments.join('/').toLowerCase()}`, resource);
    }
  }

  reference(target: string, full: boolean): unknown {
    const resource = this.find(target, 'reference');
    if (resource instanceof Unknown) return resource;
    const subject = describe(resource);
    if (resource.type.toLowerCase() === NESTED_DEPLOYMENT)
      return new Unknown(`reference() of ${subject}: a nested deployment's outputs are only known once it runs`);
    if (!full) return this.properties(resource, subject);
    const members: Record<string, unknown> = {};
    for (const [key] of this.fields(resource)) {
      const lower = key.toLowerCase();
      setKey(
        members,
        key,
        lower === 'properties' ? this.properties(resource, subject) : completedByAzure(this.field(resource, key), subject, key),
      );
    }
    if (!getKey(members, 'properties').found) members['properties'] = this.properties(resource, subject);
    return new PartialObject(members, subject);
  }

  resourceInfo(target: string): unknown {
    const resource = this.find(target, 'resourceInfo');
    if (resource instanceof Unknown) return resource;
    const subject = describe(resource);
    // Unknown, but certainly a name: resourceInfo() always has one (and the id made from it).
    const name = resource.nameKnown
      ? resource.segments.join('/')
      : new Unknown(`the name of ${subject} is only known at deployment`, 'string');
    return new PartialObject({ id: resource.id ?? name, name, type: resource.type }, subject);
  }

  /** The one resource a `reference()` target names and the deployment creates, else why it is unknown. */
  private find(target: string, fn: string): DeclaredResource | Unknown {
    const candidates = this.candidates(target);
    if (candidates instanceof Unknown) return candidates;
    if (candidates.length === 0)
      return new Unknown(`${DEPLOY_TIME_FUNCTIONS[fn.toLowerCase()]}: '${target}' is not deployed by this template`);
    const possible = candidates.filter((resource) => resource.deployed !== false);
    if (possible.length === 0) return new Unknown(`${describe(candidates[0]!)} is not deployed: its condition is false`);
    if (possible.length > 1)
      return new Unknown(`'${target}' names ${possible.length} resources this template may deploy: which one is meant is not known`);
    const [resource] = possible as [DeclaredResource];
    if (resource.deployed instanceof Unknown)
      return new Unknown(`${describe(resource)} is deployed only if its condition holds, which is known at deployment`);
    return resource;
  }

  /**
   * Azure reads the target as a symbolic name (language version 2.0; `name[i]`
   * for one resource of a copy loop), a resource id, `Namespace/type/name`,
   * or a resource name.
   */
  private candidates(target: string): DeclaredResource[] | Unknown {
    const indexed = /^(.+)\[(\d+)\]$/.exec(target);
    const symbol = (indexed ? indexed[1]! : target).toLowerCase();
    const bySymbol = this.lookup('symbol', symbol);
    if (bySymbol.length) {
      if (!indexed) {
        const single = bySymbol.filter((resource) => resource.copyIndex === undefined);
        return single.length ? single : new Unknown(`reference() of the copy loop '${target}' as a whole is only known at deployment`);
      }
      const index = Number(indexed[2]);
      const copy = bySymbol.find((resource) => resource.copyIndex instanceof Unknown);
      if (copy) return copy.copyIndex as Unknown;
      return bySymbol.filter((resource) => resource.copyIndex === index);
    }
    const reason = this.unresolvable.get(symbol);
    if (reason !== undefined) return new Unknown(reason);
    const lower = target.replace(/\/+$/, '').toLowerCase();
    if (lower.startsWith('/')) return this.lookup('id', lower);
    const byTypeAndName = this.lookup('relative', lower);
    if (byTypeAndName.length) return byTypeAndName;
    const byName = this.lookup('name', lower);
    if (new Set(byName.map((resource) => resource.type.toLowerCase())).size > 1)
      return new Unknown(`'${target}' names resources of several types: a resource id says which`);
    return byName;
  }

  private lookup(form: 'symbol' | 'id' | 'relative' | 'name', key: string): DeclaredResource[] {
    return this.index.get(`${form}:${key}`) ?? [];
  }

  /** `properties` as Azure returns it: declared values, derived read-only values, and any other member unknown. */
  private properties(resource: DeclaredResource, subject: string): PartialObject {
    const declared = this.field(resource, 'properties');
    let members: Record<string, unknown> = {};
    let otherwise: Unknown | undefined;
    if (declared instanceof Unknown) otherwise = declared;
    else if (isObject(declared)) members = { ...(completedByAzure(declared, subject, 'properties') as PartialObject).members };
    else if (declared !== undefined && declared !== null) otherwise = new Unknown(`the properties of ${subject} are not an object`);
    for (const [name, value] of Object.entries(derivedProperties(resource, subject))) {
      for (const key of Object.keys(members)) if (key.toLowerCase() === name.toLowerCase()) delete members[key];
      members[name] = value;
    }
    return new PartialObject(members, subject, 'properties', otherwise);
  }

  /** The resource's own keys (location, sku, identity, properties...), as declared. */
  private fields(resource: DeclaredResource): [string, Node][] {
    return entries(resource.node)
      .filter(([key]) => !TEMPLATE_ONLY.has(key.toLowerCase()))
      .map(([key, , value]) => [key, value]);
  }

  /** One declared key's value, evaluated once; undefined when not declared. */
  private field(resource: DeclaredResource, key: string): unknown {
    const lower = key.toLowerCase();
    let slots = this.evaluated.get(resource);
    if (!slots) {
      slots = new Map<string, Slot>();
      this.evaluated.set(resource, slots);
    }
    const slot = slots.get(lower);
    if (slot?.state === 'done') return slot.value;
    if (slot?.state === 'evaluating')
      return new Unknown(`'${key}' of ${describe(resource)} is in a reference() cycle (Azure rejects circular dependencies)`);
    const declared = this.fields(resource).filter(([name]) => name.toLowerCase() === lower);
    if (declared.length === 0) return undefined;
    const [name, node] = declared[declared.length - 1]!;
    slots.set(lower, { state: 'evaluating' });
    let value: unknown;
    try {
      value = evaluateNode(node, resource.pointer + pointerSegment(name), resource.context, lower, SILENT);
    } catch (error) {
      if (!(error instanceof LocatedError)) throw error;
      value = new Unknown(`${describe(resource)}: '${name}' could not be evaluated: ${error.message}`);
    }
    slots.set(lower, { state: 'done', value });
    return value;
  }
}

/** `the Microsoft.KeyVault/vaults 'kv'`: how reasons name a resource (an unknown name as written). */
function describe(resource: DeclaredResource): string {
  return `the ${resource.type} '${resource.segments.join('/')}'`;
}

/** `Microsoft.KeyVault/vaults/kv/keys/k1`: the id without its scope, a form `reference()` accepts. */
function relativeId(resource: DeclaredResource): string | undefined {
  try {
    return typeAndNames(resource.type, resource.segments, false).toLowerCase();
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}

function derivedProperties(resource: DeclaredResource, subject: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(DERIVED_PROPERTIES[resource.type.toLowerCase()] ?? {})) {
    if ('unknown' in rule) out[name] = new Unknown(`'properties.${name}' of ${subject}: ${rule.unknown}`, 'string');
    else if (!resource.nameKnown)
      out[name] = new Unknown(`'properties.${name}' of ${subject} is made from its name, only known at deployment`, 'string');
    else out[name] = fillPattern(rule.pattern, resource.segments, `'properties.${name}' of ${subject}`);
  }
  return out;
}

function fillPattern(pattern: string, segments: readonly string[], what: string): string | Unknown {
  const text = pattern.replace(
    /\{(\w+)\}/g,
    (_, key: string) => (/^\d+$/.test(key) ? segments[Number(key)] : ENVIRONMENT_SUFFIXES[key]) ?? '',
  );
  try {
    // A host name is case-insensitive: written the way URIs are compared, in lower case (the path keeps its case).
    return new URL(text).href;
  } catch {
    return new Unknown(`${what} is not a URI Azure would make ('${text}')`);
  }
}
