import {
  canonicalOf,
  deleteAt,
  fillMembers,
  getAt,
  parseSteps,
  readAttribute,
  setAt,
  type AttributeReading,
  type Step,
} from './attribute-path.js';
import { convertValue } from './converters.js';
import type { Conversion, Json, LookupConversion, PresenceConversion, PropertyMapping } from './mapping-types.js';
import { isUnknownAt, type PlanGraph, type PlanResource } from './plan-graph.js';

/**
 * One change a table makes to a resource: set a property, mark it unknown,
 * or leave it unset (an extension then removes what its target had). `from`
 * is the Terraform attribute it came from, for positions.
 */
export type Edit = { path: (string | number)[]; from?: (string | number)[] } & (
  | { kind: 'set'; value: unknown }
  /** `present`: certainly there, a non-empty string (`presentWhenUnknown`). */
  | { kind: 'unknown'; present?: true }
  | { kind: 'unset' }
  /** A list of this length (members objects when `objects`), so an empty list stays a list. */
  | { kind: 'list'; length: number; objects: boolean }
);

const stepsCache = new Map<string, Step[]>();
function steps(path: string): Step[] {
  let parsed = stepsCache.get(path);
  if (!parsed) {
    parsed = parseSteps(path);
    stepsCache.set(path, parsed);
  }
  return parsed;
}

const isPresence = (conversion: Conversion | undefined): conversion is PresenceConversion =>
  typeof conversion === 'object' && 'present' in conversion;
const isLookup = (conversion: Conversion | undefined): conversion is LookupConversion =>
  typeof conversion === 'object' && 'lookup' in conversion;

/** A block list with members, an object, or any other set value counts as present. */
function isPresent(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}

/** What one reading of one source decides for its property. */
type Decision = { kind: 'set'; value: unknown } | { kind: 'unknown' } | { kind: 'next' };

/**
 * Applies a table's property mappings to one planned resource and returns
 * the edits, in table order. This is the only place tables are read: no
 * resource type has code of its own.
 */
export function interpret(resource: PlanResource, mappings: readonly PropertyMapping[], graph: PlanGraph): Edit[] {
  const edits: Edit[] = [];
  const decided = new Set<string>();
  const key = (path: readonly (string | number)[]): string => JSON.stringify(path);

  for (const mapping of mappings) {
    const to = steps(mapping.to);
    if (mapping.value !== undefined) {
      const path = fillMembers(to, []);
      if (!decided.has(key(path))) {
        decided.add(key(path));
        // A constant comes from the resource itself: `from` is the empty path (its block).
        edits.push({ kind: 'set', path, value: structuredClone(mapping.value), from: [] });
      }
      continue;
    }
    const sources = mapping.from === undefined ? [] : typeof mapping.from === 'string' ? [mapping.from] : mapping.from;
    // Readings of every source, grouped by the list members they stand for.
    const groups = new Map<string, AttributeReading[]>();
    // Readings whose attribute itself is unknown (its block is known): present when the table says so.
    const ownUnknown = new Set<AttributeReading>();
    let listsDone = false;
    for (const source of sources) {
      const { readings, lists } = readAttribute(resource.change.after, resource.change.afterUnknown, steps(source));
      for (const reading of readings) {
        if (reading.unknown === 'whole' && reading.path.length === steps(source).length) ownUnknown.add(reading);
        const group = groups.get(reading.members.join());
        if (group) group.push(reading);
        else groups.set(reading.members.join(), [reading]);
      }
      if (!listsDone && lists.length) {
        listsDone = true;
        for (const list of lists) {
          const path = fillMembers(to, list.members);
          edits.push({ kind: 'list', path, from: list.path, length: list.length, objects: membersAreObjects(to, list.members.length) });
        }
      }
    }
    for (const readings of groups.values()) {
      const path = fillMembers(to, readings[0]!.members);
      if (decided.has(key(path))) continue;
      let decision: Decision = { kind: 'next' };
      let present = false;
      // The attribute that decided, or else the first this provider version has (where a user would write it).
      let from = (readings.find((reading) => reading.present) ?? readings[0]!).path;
      for (const reading of readings) {
        decision = decide(reading, mapping.convert, resource, graph);
        if (decision.kind !== 'next') {
          from = reading.path;
          present = decision.kind === 'unknown' && mapping.presentWhenUnknown === true && ownUnknown.has(reading);
          break;
        }
      }
      if (decision.kind === 'next') {
        const fallback = isPresence(mapping.convert) ? (mapping.convert.absent ?? mapping.default) : mapping.default;
        if (fallback !== undefined) decision = { kind: 'set', value: structuredClone(fallback) };
      }
      // Unset decides nothing: a later mapping of the same property may still set it.
      if (decision.kind === 'set') edits.push({ kind: 'set', path, value: decision.value, from });
      else if (decision.kind === 'unknown') edits.push({ kind: 'unknown', path, from, ...(present ? { present: true as const } : {}) });
      else edits.push({ kind: 'unset', path, from });
      if (decision.kind !== 'next') decided.add(key(path));
    }
  }
  return edits;
}

/** Does the resource path go on past its `depth`-th `[*]` (so the list's members are objects)? */
function membersAreObjects(to: readonly Step[], depth: number): boolean {
  let seen = 0;
  for (let i = 0; i < to.length; i++) {
    if (to[i]!.kind === 'each' && seen++ === depth) return i < to.length - 1;
  }
  return false;
}

/** What one source reading says about its property. */
function decide(reading: AttributeReading, conversion: Conversion | undefined, resource: PlanResource, graph: PlanGraph): Decision {
  if (isLookup(conversion)) return lookup(reading, conversion, resource, graph);
  if (reading.unknown === 'whole') return { kind: 'unknown' };
  if (isPresence(conversion))
    return isPresent(reading.value) ? { kind: 'set', value: structuredClone(conversion.present) } : { kind: 'next' };
  if (reading.unknown === 'partial') return { kind: 'unknown' };
  if (reading.value === undefined) return { kind: 'next' };
  const value = convertValue(conversion, reading.value as Json);
  return value === undefined ? { kind: 'next' } : { kind: 'set', value };
}

/** Reads a property of the resource an attribute refers to (a disk's encryption set). */
function lookup(reading: AttributeReading, conversion: LookupConversion, resource: PlanResource, graph: PlanGraph): Decision {
  if (reading.unknown === 'none' && reading.value === undefined) return { kind: 'next' };
  const { types, attribute, default: fallback, outside } = conversion.lookup;
  const resolution = graph.resolve(resource, reading.path, types);
  if (resolution.kind === 'unset') return { kind: 'next' };
  if (resolution.kind === 'outside') return outside === undefined ? { kind: 'unknown' } : { kind: 'set', value: outside };
  if (resolution.kind === 'unresolved') return { kind: 'unknown' };
  const target = resolution.target.change;
  if (isUnknownAt(target.afterUnknown, [attribute])) return { kind: 'unknown' };
  const value = getAt(target.after, [attribute]);
  if (value !== undefined && value !== null) return { kind: 'set', value };
  return fallback === undefined ? { kind: 'next' } : { kind: 'set', value: fallback };
}

/** A resource being built: its fields and the canonical paths that are unknown. */
export interface Draft {
  fields: Record<string, unknown>;
  unknown: Set<string>;
  /** The unknown paths certainly there, as non-empty strings (`presentWhenUnknown`). */
  present: Set<string>;
}

/**
 * Applies edits to a draft. For an extension (`replace`), an unset property
 * removes the target's value, and a set one clears what was unknown there.
 */
export function applyEdits(draft: Draft, edits: readonly Edit[], replace: boolean): void {
  for (const edit of edits) {
    const canonical = canonicalOf(edit.path);
    switch (edit.kind) {
      case 'list': {
        const existing = getAt(draft.fields, edit.path);
        if (!Array.isArray(existing)) setAt(draft.fields, edit.path, []);
        const list = getAt(draft.fields, edit.path) as unknown[];
        if (edit.objects) for (let i = 0; i < edit.length; i++) list[i] ??= {};
        break;
      }
      case 'set':
        if (replace) {
          clearUnknown(draft.unknown, canonical);
          clearUnknown(draft.present, canonical);
        }
        setAt(draft.fields, edit.path, edit.value);
        break;
      case 'unknown':
        if (replace) deleteAt(draft.fields, edit.path);
        draft.unknown.add(canonical);
        if (edit.present) draft.present.add(canonical);
        else draft.present.delete(canonical);
        break;
      case 'unset':
        if (replace) {
          clearUnknown(draft.unknown, canonical);
          clearUnknown(draft.present, canonical);
          deleteAt(draft.fields, edit.path);
        }
        break;
    }
  }
}

function clearUnknown(unknown: Set<string>, canonical: string): void {
  for (const path of unknown) {
    if (path === canonical || path.startsWith(`${canonical}.`) || path.startsWith(`${canonical}[`)) unknown.delete(path);
  }
}
