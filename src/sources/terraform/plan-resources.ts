import type { PlanOrigin, PresentType, Resource, SourcePoint } from '../../model/index.js';
import { attributeText, canonicalOf } from './attribute-path.js';
import type { ConfigFiles, LocatedBlock } from './config-files.js';
import { applyEdits, interpret, type Draft, type Edit } from './interpret.js';
import { commonProperties, extensionMappings, resourceMappings } from './mappings/index.js';
import type { PlanDefect, PlanDocument, ResourceChange } from './plan-document.js';
import { PlanGraph, splitAddress, type PlanResource } from './plan-graph.js';
import { ResourceIds } from './resource-ids.js';

const RESOURCE_TABLES = new Map(resourceMappings.map((mapping) => [mapping.terraform, mapping]));
const EXTENSION_TABLES = new Map(extensionMappings.map((mapping) => [mapping.terraform, mapping]));

/** A problem found while building resources: a code, and where in the plan. */
export interface BuildProblem extends PlanDefect {
  code: 'plan-reference-unresolved';
}

/** The resources a plan will leave in Azure, and what was left out. */
export interface PlanResources {
  resources: Resource[];
  problems: BuildProblem[];
  /** Managed resources of types keyscope does not map, by type. */
  skipped: Map<string, number>;
}

/**
 * Whether Azure will hold the resource after apply: created, updated,
 * replaced or kept. Destroyed and forgotten objects, deposed objects and
 * data sources are not evaluated.
 */
function willExist(change: ResourceChange): boolean {
  return (
    change.mode === 'managed' &&
    change.deposed === undefined &&
    change.actions.some((action) => action === 'create' || action === 'update' || action === 'no-op') &&
    change.after !== null &&
    typeof change.after === 'object'
  );
}

/**
 * Turns a plan into resources in the common model: each mapped `azurerm`
 * resource through its table, then the extension types onto the resources
 * they configure, then positions.
 */
export function buildPlanResources(plan: PlanDocument, file: string, configFiles: ConfigFiles | undefined): PlanResources {
  const problems: BuildProblem[] = [];
  const skipped = new Map<string, number>();
  const mapped: PlanResource[] = [];
  const extensions: PlanResource[] = [];
  for (const change of plan.changes) {
    if (!willExist(change)) continue;
    const resource: PlanResource = { change, ...splitAddress(change.address, change.moduleAddress) };
    if (RESOURCE_TABLES.has(change.type)) mapped.push(resource);
    else if (EXTENSION_TABLES.has(change.type)) extensions.push(resource);
    else skipped.set(change.type, (skipped.get(change.type) ?? 0) + 1);
  }

  const ids = new ResourceIds(plan, mapped, (resource) => RESOURCE_TABLES.get(resource.change.type));
  const graph = new PlanGraph([...mapped, ...extensions], plan.configuration, (types, id) => ids.find(types, id));
  ids.attach(graph);

  const drafts = new Map<PlanResource, { draft: Draft; points: Map<string, SourcePoint>; origin: PlanOrigin }>();
  for (const resource of mapped) {
    const table = RESOURCE_TABLES.get(resource.change.type)!;
    const edits = interpret(resource, [...commonProperties, ...table.properties], graph);
    const draft: Draft = { fields: { properties: {} }, unknown: new Set(), present: new Set() };
    applyEdits(draft, edits, false);
    const block = configFiles?.find(resource.modulePath, resource.localAddress);
    const origin = originOf(resource, file, block, plan);
    const points = new Map<string, SourcePoint>();
    addPoints(points, edits, resource, block, plan);
    drafts.set(resource, { draft, points, origin });
  }

  for (const extension of extensions) {
    const table = EXTENSION_TABLES.get(extension.change.type)!;
    const target = graph.resolve(extension, [table.target.attribute], table.target.types);
    if (target.kind === 'outside') continue; // it configures a resource this plan does not hold
    if (target.kind !== 'resource') {
      const reason = target.kind === 'unresolved' ? target.reason : `${table.target.attribute} is not set`;
      problems.push({
        code: 'plan-reference-unresolved',
        message: `${extension.change.address}: cannot tell which ${table.target.types.join(' or ')} it configures (${reason}); that resource is evaluated without it`,
        ...lineOf(plan, extension.change.index),
      });
      continue;
    }
    const built = drafts.get(target.target)!;
    const edits = interpret(extension, table.properties, graph);
    applyEdits(built.draft, edits, true);
    const block = configFiles?.find(extension.modulePath, extension.localAddress);
    const sameFile = built.origin.configFile === undefined ? block === undefined : block?.file === built.origin.configFile;
    if (sameFile) addPoints(built.points, edits, extension, block, plan, true);
    else for (const edit of edits) built.points.delete(canonicalOf(edit.path));
  }

  const resources: Resource[] = [];
  for (const resource of mapped) {
    const table = RESOURCE_TABLES.get(resource.change.type)!;
    const { draft, points, origin } = drafts.get(resource)!;
    const { id, nameUnknown } = ids.idOf(resource);
    const name = (resource.change.after as Record<string, unknown>)['name'];
    if (nameUnknown) draft.unknown.add('name');
    if (points.size) origin.properties = Object.fromEntries([...points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    resources.push({
      id,
      type: table.azure,
      ...(typeof name === 'string' && !nameUnknown ? { name } : {}),
      ...draft.fields,
      origin,
      ...(draft.unknown.size ? { unknown: [...draft.unknown].sort() } : {}),
      ...(draft.present.size ? { present: presentStrings(draft.present) } : {}),
    });
  }
  return { resources, problems, skipped };
}

/** The present-unknown paths, sorted (every one a non-empty string). */
function presentStrings(paths: ReadonlySet<string>): Record<string, PresentType> {
  const out: Record<string, PresentType> = {};
  for (const path of [...paths].sort()) out[path] = 'string';
  return out;
}

/** The line and column of a `resource_changes` entry, for a problem about it. */
function lineOf(plan: PlanDocument, index: number): { line?: number; column?: number } {
  const point = plan.positions.find(['resource_changes', index]);
  return point ? { line: point.line, column: point.column } : {};
}

/** Where a resource is: its block in a `.tf` file when found, else its entry in the plan. */
function originOf(resource: PlanResource, file: string, block: LocatedBlock | undefined, plan: PlanDocument): PlanOrigin {
  const origin: PlanOrigin = { kind: 'terraform', file, address: resource.change.address };
  if (block) return { ...origin, configFile: block.file, line: block.line, column: block.column };
  const point = plan.positions.find(['resource_changes', resource.change.index]);
  return point ? { ...origin, line: point.line, column: point.column } : origin;
}

/**
 * Records where each property a table wrote comes from: the argument in the
 * `.tf` block (or the nested block around it), else the attribute in the
 * plan. A property with no such place (an argument left out of the `.tf`
 * file) has no position: findings on it point at the resource.
 */
function addPoints(
  points: Map<string, SourcePoint>,
  edits: readonly Edit[],
  resource: PlanResource,
  block: LocatedBlock | undefined,
  plan: PlanDocument,
  replace = false,
): void {
  // A property left unset by one mapping may be set by a later one: the setter's position wins.
  const tentative = new Set<string>();
  for (const edit of edits) {
    // Constants have no attribute; an extension's point at its own block, a resource's need none.
    if (!edit.from || (!edit.from.length && !replace)) continue;
    const canonical = canonicalOf(edit.path);
    if (points.has(canonical) && !replace && !tentative.has(canonical)) continue;
    const point = block ? blockPoint(block, edit.from) : planPoint(plan, resource.change.index, edit.from);
    if (edit.kind === 'unset') {
      if (points.has(canonical) && tentative.has(canonical)) continue;
      tentative.add(canonical);
    } else {
      tentative.delete(canonical);
    }
    if (point) points.set(canonical, point);
    else if (replace) points.delete(canonical);
  }
}

/**
 * The position of an attribute in a plan entry: its value in `after`, else
 * its mark in `after_unknown` (unknown values are left out of `after`), else
 * the nearest enclosing attribute in `after`.
 */
function planPoint(plan: PlanDocument, index: number, from: readonly (string | number)[]): SourcePoint | undefined {
  if (!from.length) return plan.positions.find(['resource_changes', index]);
  const change = ['resource_changes', index, 'change'];
  const after = [...change, 'after', ...from];
  const unknown = [...change, 'after_unknown', ...from];
  return (
    plan.positions.find(after, after.length) ??
    plan.positions.find(unknown, unknown.length) ??
    plan.positions.find(after, change.length + 2)
  );
}

/** The position of an argument in a block, or of the nearest enclosing nested block that is written. */
function blockPoint(block: LocatedBlock, from: readonly (string | number)[]): SourcePoint | undefined {
  if (!from.length) return { line: block.line, column: block.column };
  for (let length = from.length; length > 0; length--) {
    const point = block.points.get(attributeText(from.slice(0, length)));
    if (point) return { line: point.line, column: point.column };
  }
  return undefined;
}
