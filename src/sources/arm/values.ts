import type { PresentType, UnknownCause } from '../../model/index.js';
import type { Expression } from './expression-ast.js';
import { setKey } from './json-text.js';

/**
 * A value only known at deployment: a `reference()`, a `listKeys()`, a
 * parameter nobody gave. It flows through expressions like any value; a
 * property that ends up holding it becomes an unknown path of the resource.
 */
export class Unknown {
  constructor(
    readonly reason: string,
    /**
     * Set when the value is certain to be there, of this type (a string: not
     * empty): a property Azure always returns, a required parameter. Only the
     * value itself is: anything computed from it is a plain Unknown
     * (`withoutPresence`).
     */
    readonly present?: PresentType,
    /** Why, in the closed list findings report (`parameter-missing` for a parameter nobody gave). */
    readonly cause: UnknownCause = 'deploy-time-value',
  ) {}
}

/**
 * The value, with any presence dropped when it is an Unknown: what a
 * function computes from a present value (its length, a member of it, a
 * branch it decides) is not known to be present. Its cause stays: a value
 * made from a missing parameter is unknown for that reason.
 */
export function withoutPresence(value: unknown): unknown {
  return value instanceof Unknown && value.present !== undefined ? new Unknown(value.reason, undefined, value.cause) : value;
}

/**
 * An object Azure completes when it deploys: the members the template sets
 * are known (each a value, an Unknown or another PartialObject), any other
 * member is unknown, since Azure may fill it in. Reading such a member gives
 * an Unknown rather than an error. `reference()` of a resource the same
 * template deploys returns one.
 */
export class PartialObject {
  constructor(
    /** The members the template determines, as written. */
    readonly members: Readonly<Record<string, unknown>>,
    /** What the object belongs to, for reasons: `the Microsoft.KeyVault/vaults 'kv'`. */
    readonly subject: string,
    /** Where the object sits below its subject (`properties.networkAcls`); '' at the top. */
    readonly path = '',
    /** What every other member is when the object itself is declared with an unknown value; else each gets its own reason. */
    private readonly otherwise?: Unknown,
  ) {}

  /** True when the template sets the member (its value may still be unknown). */
  has(name: string): boolean {
    return getKey(this.members, name).found;
  }

  /** A member, case-insensitively; an Unknown when the template does not set it. */
  member(name: string): unknown {
    const found = getKey(this.members, name);
    if (found.found) return found.value;
    if (this.otherwise) return this.otherwise;
    const path = this.path ? `${this.path}.${name}` : name;
    return new Unknown(`'${path}' of ${this.subject} is not set by the template: Azure fills it in, if at all, at deployment`);
  }

  /** The object as one value: unknown, since only Azure knows all its members. */
  whole(): Unknown {
    return (
      this.otherwise ??
      new Unknown(
        `${this.path ? `'${this.path}' of ` : ''}${this.subject} is completed by Azure at deployment: only some of its members are known`,
      )
    );
  }
}

/**
 * A value read from a resource Azure completes at deployment: every object in
 * it, however deep, becomes a PartialObject; arrays keep their members.
 */
export function completedByAzure(value: unknown, subject: string, path = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => completedByAzure(item, subject, `${path}[*]`));
  if (!isObject(value)) return value;
  const members: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setKey(members, key, completedByAzure(value[key], subject, path ? `${path}.${key}` : key));
  return new PartialObject(members, subject, path);
}

/** A `lambda(...)` value: only the lambda functions (filter, map, reduce...) take one. */
export class Lambda {
  constructor(
    readonly parameters: readonly string[],
    readonly body: Expression,
    /** Where it was written: the evaluator's context, opaque here. */
    readonly context: unknown,
  ) {}
}

/** A template that cannot be evaluated as written: Azure Resource Manager would reject it too. */
export class TemplateError extends Error {
  constructor(
    message: string,
    /** Offset of the culprit inside the expression text, when known. */
    readonly index?: number,
  ) {
    super(message);
  }
}

export const isUnknown = (value: unknown): value is Unknown => value instanceof Unknown;

/** True when the value is unknown or holds an unknown anywhere inside it (a PartialObject always does). */
export function containsUnknown(value: unknown): boolean {
  if (value instanceof Unknown || value instanceof PartialObject) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) {
    for (const key in value) if (containsUnknown(value[key])) return true;
  }
  return false;
}

/** The first unknown found in a value, to carry its reason along. */
export function firstUnknown(value: unknown): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (value instanceof PartialObject) return value.whole();
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const key in value) {
      const found = firstUnknown(value[key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** A JSON object whose members are all there (not an array, not null, not an Unknown, PartialObject or Lambda). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Unknown) &&
    !(value instanceof PartialObject) &&
    !(value instanceof Lambda)
  );
}

/** The template language's name for a value's type, for messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Lambda) return 'lambda';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** Reads an object's key case-insensitively, exact spelling first. */
export function getKey(target: Record<string, unknown>, key: string): { found: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(target, key)) return { found: true, value: target[key] };
  const lower = key.toLowerCase();
  for (const k in target) if (k.toLowerCase() === lower) return { found: true, value: target[k] };
  return { found: false, value: undefined };
}

/** Deep equality as `equals()` compares: strings case-sensitively, object keys case-insensitively. */
export function deepEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEquals(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((key) => {
      const other = getKey(b, key);
      return other.found && deepEquals(a[key], other.value);
    });
  }
  return false;
}

/** Text of a value as `string()` and `format()` produce it (.NET spells booleans True/False). */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
