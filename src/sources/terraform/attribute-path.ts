/**
 * Paths into a planned resource's attributes (`customer_managed_key[0].key_vault_key_id`,
 * `access_policy[*].key_permissions`) and into the resource keyscope builds
 * (`properties.accessPolicies[*].permissions.keys`), and reading them
 * together with `after_unknown`.
 */

/** One step: a name, a fixed index (`[0]`, Terraform's single blocks), or every member (`[*]`). */
export type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'each' };

const STEP = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\*\]|\./gy;

/** Parses a table path; throws on a malformed one (tables are ours, and a test loads every one). */
export function parseSteps(path: string): Step[] {
  const steps: Step[] = [];
  STEP.lastIndex = 0;
  while (STEP.lastIndex < path.length) {
    const match = STEP.exec(path);
    if (!match) throw new Error(`malformed path ${JSON.stringify(path)}`);
    if (match[1] !== undefined) steps.push({ kind: 'name', name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: 'index', index: Number(match[2]) });
    else if (match[0] === '[*]') steps.push({ kind: 'each' });
  }
  if (!steps.length || steps[0]!.kind !== 'name') throw new Error(`malformed path ${JSON.stringify(path)}`);
  return steps;
}

/** How much of a value is known only after apply. */
export type Unknownness = 'none' | 'whole' | 'partial';

/** One concrete reading of a path: `[*]` resolved to member indices. */
export interface AttributeReading {
  /** The concrete path (`access_policy`, 1, `key_permissions`). */
  path: (string | number)[];
  /** The index chosen for each `[*]` passed, in order. */
  members: number[];
  /** The value; undefined when null or absent. */
  value: unknown;
  /** Whether the plan has the attribute at all (null counts): a provider version may lack it. */
  present: boolean;
  /** `whole` also when an enclosing value is unknown; then `members` may be shorter than the path's `[*]` count. */
  unknown: Unknownness;
}

/** A list met at a `[*]`: its members and length, so the resource gets the same (possibly empty) list. */
export interface ListReading {
  /** The list's concrete path. */
  path: (string | number)[];
  members: number[];
  length: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function child(value: unknown, step: string | number): unknown {
  if (typeof step === 'number') return Array.isArray(value) ? (value as unknown[])[step] : undefined;
  return isRecord(value) ? value[step] : undefined;
}

/** Does an `after_unknown` subtree mark anything unknown? */
function hasUnknown(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(hasUnknown);
  if (isRecord(mask)) return Object.values(mask).some(hasUnknown);
  return false;
}

/** Reads a path in `after`, with `after_unknown` alongside. A list absent at a `[*]` yields no reading. */
export function readAttribute(
  after: unknown,
  afterUnknown: unknown,
  steps: readonly Step[],
): { readings: AttributeReading[]; lists: ListReading[] } {
  const readings: AttributeReading[] = [];
  const lists: ListReading[] = [];
  const walk = (value: unknown, mask: unknown, at: number, path: (string | number)[], members: number[], present: boolean): void => {
    if (mask === true) {
      readings.push({ path, members, value: undefined, present: true, unknown: 'whole' });
      return;
    }
    if (at === steps.length) {
      const unknown: Unknownness = hasUnknown(mask) ? 'partial' : 'none';
      readings.push({ path, members, value: value ?? undefined, present, unknown });
      return;
    }
    const step = steps[at]!;
    if (step.kind === 'each') {
      // No list, no members: nothing to read or default.
      if (!Array.isArray(value)) return;
      lists.push({ path, members, length: value.length });
      value.forEach((member: unknown, index) => walk(member, child(mask, index), at + 1, [...path, index], [...members, index], true));
      return;
    }
    const key = step.kind === 'name' ? step.name : step.index;
    const has = typeof key === 'number' ? Array.isArray(value) && key < value.length : isRecord(value) && key in value;
    walk(child(value, key), child(mask, key), at + 1, [...path, key], members, has);
  };
  walk(after, afterUnknown, 0, [], [], true);
  return { readings, lists };
}

/**
 * A resource path with its `[*]` filled by `members`. With fewer members than
 * `[*]`s, the path stops before the first unfilled one (the unknown list itself).
 */
export function fillMembers(steps: readonly Step[], members: readonly number[]): (string | number)[] {
  const path: (string | number)[] = [];
  let next = 0;
  for (const step of steps) {
    if (step.kind === 'name') path.push(step.name);
    else if (step.kind === 'index') path.push(step.index);
    else if (next < members.length) path.push(members[next++]!);
    else break;
  }
  return path;
}

/** The canonical spelling of a resource path for `unknown` and positions: lower case, `[*]` for members. */
export function canonicalOf(path: readonly (string | number)[]): string {
  let text = '';
  for (const step of path) text += typeof step === 'number' ? '[*]' : `${text ? '.' : ''}${step.toLowerCase()}`;
  return text;
}

/** Terraform's spelling of an attribute path: `customer_managed_key[0].key_vault_key_id`. */
export function attributeText(path: readonly (string | number)[]): string {
  let text = '';
  for (const step of path) text += typeof step === 'number' ? `[${step}]` : `${text ? '.' : ''}${step}`;
  return text;
}

/** Reads a value at a concrete path of a built resource. */
export function getAt(target: unknown, path: readonly (string | number)[]): unknown {
  let value = target;
  for (const step of path) value = child(value, step);
  return value;
}

/** Writes a value at a concrete path, creating objects and lists on the way. */
export function setAt(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let container: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    let next = container[step];
    if (next === null || typeof next !== 'object') {
      next = nextIsIndex ? [] : {};
      container[step] = next;
    }
    container = next as Record<string | number, unknown>;
  }
  container[path[path.length - 1]!] = value;
}

/** Removes the value at a concrete path, if there is one. */
export function deleteAt(target: Record<string, unknown>, path: readonly (string | number)[]): void {
  const parent = getAt(target, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (isRecord(parent) && typeof last === 'string') delete parent[last];
}
