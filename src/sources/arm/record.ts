import type { PresentType, Resource, TemplateOrigin, UnknownCause } from '../../model/index.js';
import type { ExpandedResource } from './expand.js';
import { setKey } from './json-text.js';
import { isObject, Lambda, PartialObject, Unknown } from './values.js';

/**
 * Turns an expanded resource into the record every rule reads: shaped as
 * Resource Graph returns a resource, with unknown values taken out and
 * listed as unknown paths (lower-case, dotted, `[*]` for array members).
 */
export function toRecord(resource: ExpandedResource, file: string): Resource {
  const unknown: string[] = [];
  const present: Record<string, PresentType> = {};
  // Causes other than deploy-time (the origin's own) by path: a parameter nobody gave.
  const causes: Record<string, UnknownCause> = {};
  const record: Resource = { id: resource.id, name: resource.name, type: resource.type };
  if (!resource.nameKnown) unknown.push('name');
  const { scope } = resource;
  if (scope.kind === 'resourceGroup' || scope.kind === 'subscription') {
    if (typeof scope.subscriptionId?.value === 'string') record.subscriptionId = scope.subscriptionId.value;
  }
  if (scope.kind === 'resourceGroup' && typeof scope.resourceGroup?.value === 'string') record.resourceGroup = scope.resourceGroup.value;
  for (const [key, value] of resource.fields) {
    const clean = withoutUnknowns(value, key.toLowerCase(), unknown, present, causes);
    if (clean !== undefined) setKey(record, key, clean);
  }
  const origin: TemplateOrigin = {
    kind: 'arm',
    file,
    line: resource.at.line,
    column: resource.at.column,
    pointer: resource.at.pointer ?? '',
    ...(resource.via.length ? { via: resource.via } : {}),
    properties: resource.points,
  };
  record.origin = origin;
  if (unknown.length) record.unknown = [...new Set(unknown)];
  if (Object.keys(present).length) record.present = present;
  if (Object.keys(causes).length) record.unknownCauses = causes;
  return record;
}

/**
 * A copy of the value without its unknowns, whose paths are added to
 * `unknown`. Undefined when the whole value is unknown, as a PartialObject
 * is: Azure may add members an unknown path cannot name, so rules must not
 * read its known members as the whole object.
 */
function withoutUnknowns(
  value: unknown,
  path: string,
  unknown: string[],
  present: Record<string, PresentType>,
  causes: Record<string, UnknownCause>,
): unknown {
  if (value instanceof Unknown || value instanceof Lambda || value instanceof PartialObject) {
    unknown.push(path);
    // A present value is recorded as such; one array member's presence says nothing of the others.
    if (value instanceof Unknown && value.present !== undefined && !path.includes('[*]')) present[path] = value.present;
    if (value instanceof Unknown && value.cause !== 'deploy-time-value') causes[path] = value.cause;
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map((item) => {
      const clean = withoutUnknowns(item, `${path}[*]`, unknown, present, causes);
      return clean === undefined ? null : clean;
    });
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const clean = withoutUnknowns(value[key], `${path}.${key.toLowerCase()}`, unknown, present, causes);
      if (clean !== undefined) setKey(out, key, clean);
    }
    return out;
  }
  return value;
}
