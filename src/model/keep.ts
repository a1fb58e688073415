import { interned } from './intern.js';
import { parsePath } from './path.js';
import type { Resource } from './resource.js';

/** Which members to keep, by lower-cased name: `true` keeps the whole value. */
export type Keep = Map<string, Keep | true>;

/** The members of a record `keepPaths` keeps whatever the paths: what names, places and qualifies it. */
const ALWAYS_KEPT = ['id', 'type', 'name', 'subscriptionId', 'resourceGroup', 'origin', 'unknown', 'present', 'unknownCauses'];

/** A tree of what to keep for a list of canonical paths; a path through `[*]` keeps the whole array. */
export function keepTree(paths: readonly string[]): Keep {
  const root: Keep = new Map();
  for (const path of paths) {
    const segments = parsePath(path);
    if (!segments) continue;
    let node: Keep = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment.kind !== 'property') break; // `[*]`: the array above is kept whole
      const last = i === segments.length - 1 || segments[i + 1]!.kind !== 'property';
      const next = node.get(segment.lower);
      if (next === true) break;
      if (last) {
        node.set(segment.lower, true);
        break;
      }
      const child: Keep = next ?? new Map<string, Keep | true>();
      node.set(segment.lower, child);
      node = child;
    }
  }
  return root;
}

/**
 * A copy of a record holding only the members `keep` names (names matched
 * case-insensitively, as rules read them) and what names and places it.
 * Values are shared with the record, not copied: the rest of the record is
 * left to the garbage collector.
 */
export function keepPaths(resource: Resource, keep: Keep): Resource {
  const copy = pick(resource, keep) as Resource;
  for (const member of ALWAYS_KEPT) if (resource[member] !== undefined) copy[member] = resource[member];
  if (typeof copy.subscriptionId === 'string') copy.subscriptionId = interned(copy.subscriptionId);
  if (typeof copy.resourceGroup === 'string') copy.resourceGroup = interned(copy.resourceGroup);
  return copy;
}

function pick(value: unknown, keep: Keep): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const next = keep.get(key.toLowerCase());
    if (next === undefined) continue;
    out[key] = next === true ? record[key] : pick(record[key], next);
  }
  return out;
}
