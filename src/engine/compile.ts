import {
  canonicalPath,
  canonicalizePathText,
  getProperty,
  isUnknownPath,
  parsePath,
  startsWithSegment,
  wildcardPattern,
  unknownCauseOf,
  type PathSegment,
  type PresentType,
  type Resource,
  type UnknownCause,
} from '../model/index.js';
import type { Condition, DocumentPath, Operator, ParameterSpec } from '../rules/index.js';
import type { RelatedView, RelationKind } from '../inventory/index.js';
import { compareOrder, hasKey, looseContains, looseEquals } from './compare.js';
import { isExpression, parseExpression, unescapeLiteral, type ExpressionNode } from './expression.js';

/** Three-valued truth: conditions over unknown values are neither true nor false. */
export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Tri = typeof FALSE | typeof TRUE | typeof UNKNOWN;

/** Why a condition did not hold: the property, what it was, what was expected. */
export interface Evidence {
  /** The field path (or `value` expression, or count field) as the rule wrote it. */
  path: string;
  /** The operator that had to hold, with any enclosing `not` applied. */
  operator: string;
  expected: unknown;
  /** The value found; absent when the property is missing or unknown. */
  actual?: unknown;
  /** `present`: the value is there (of a known type), its text known only at deployment. */
  state: 'value' | 'missing' | 'unknown' | 'present';
  /** Set when `actual` is the number of array members a `count` matched. */
  count?: true | undefined;
  /** For a `related:` condition: the kind and id of the related resource the path was read on. */
  related?: { kind: RelationKind; id: string } | undefined;
  /** Why a related value is not known (`the key vault ... is not in the scan`). */
  reason?: string | undefined;
  /** For an `unknown` item: why, in the closed list (`UNKNOWN_CAUSES`). */
  cause?: UnknownCause | undefined;
}

/** What a condition reads while it runs over one resource. */
export interface Scope {
  resource: Resource;
  /** The resource's unknown paths, canonical; undefined when none. */
  unknown: readonly string[] | undefined;
  /** Those of them certain to be present, canonical, with their type (`Resource.present`); undefined when none. */
  present?: Readonly<Record<string, PresentType>> | undefined;
  /** The current member of each enclosing `count`, outermost first. */
  members: unknown[];
  /** The `relation.*` pseudo-fields (relational evaluation only). */
  relation?: Record<string, unknown> | undefined;
  /** The related resources of a kind (relational evaluation only). */
  related?: ((kind: RelationKind) => readonly RelatedView[]) | undefined;
}

/** A compiled condition: a fast test and an explaining twin run only for findings. */
export interface CompiledCondition {
  test(scope: Scope): Tri;
  /** Runs the test and appends evidence for whatever made it fail (or `negated`: hold) or be unknown. */
  explain(scope: Scope, negated: boolean, out: Evidence[]): Tri;
}

/** What compiling needs: parameter values and a way to report an error at a rule node. */
export interface CompileContext {
  parameters: Readonly<Record<string, unknown>>;
  parameterSpecs: Readonly<Record<string, ParameterSpec>>;
  /** Throws the load error for a node of the rule file. */
  fail(path: DocumentPath, message: string): never;
  /** Receives the canonical path of every field the condition reads (sources use it to fetch only those). */
  reads?: Set<string>;
  /** Set when the condition reads relations (`related:` or `relation.*`): it runs in the second pass. */
  relational?: boolean;
  /** The kinds of `related:` conditions it holds (an identity needs role assignments read). */
  relationKinds?: Set<RelationKind>;
  /** Receives the canonical paths read of related records (below `related:`), by kind, apart from the resource's own. */
  relatedReads?: Map<RelationKind, Set<string>>;
}

const UNKNOWN_VALUE = Symbol('unknown');
/** The root name of pseudo-fields (`relation.state`, `relation.fipsLevel`). */
const RELATION_ROOT = 'relation';
type Operand = (scope: Scope) => unknown;

interface CountFrame {
  canonical: string;
  segments: PathSegment[];
}

const INVERSE: Record<string, string> = {
  equals: 'notEquals',
  notEquals: 'equals',
  in: 'notIn',
  notIn: 'in',
  contains: 'notContains',
  notContains: 'contains',
  like: 'notLike',
  notLike: 'like',
  containsKey: 'notContainsKey',
  notContainsKey: 'containsKey',
  less: 'greaterOrEquals',
  greaterOrEquals: 'less',
  greater: 'lessOrEquals',
  lessOrEquals: 'greater',
  exists: 'exists',
};

const OPERATOR_KEYS = Object.keys(INVERSE) as Operator[];

/**
 * Is the array at `path` (canonical) unknown as a whole: the path itself or
 * one around it? Unknown parts inside its members do not change how many
 * members there are; a `where` that reads them finds them unknown itself.
 */
function isUnknownArray(unknown: readonly string[], path: string): boolean {
  for (const u of unknown) if (u === path || (path.length > u.length && startsWithSegment(path, u))) return true;
  return false;
}

/**
 * The type of the value at `path` when it is known to be present: the path
 * itself, or an object or array around a present path (a block whose member
 * is present is there too). Undefined below a present value, or when nothing
 * says the path is present.
 */
function presentTypeAt(present: Readonly<Record<string, PresentType>>, path: string): PresentType | undefined {
  const exact = present[path];
  if (exact !== undefined) return exact;
  for (const known in present) {
    if (known.length > path.length && startsWithSegment(known, path))
      return known.charCodeAt(path.length) === 91 /* [ */ ? 'array' : 'object';
  }
  return undefined;
}

/**
 * Can a present value of this type never equal `expected` (as `equals`
 * compares)? Only then does a comparison decide without the value's text. A
 * string may equal a number or boolean by its text, so those wait.
 */
function neverEquals(type: PresentType, expected: unknown): boolean {
  if (expected === null || expected === undefined) return true;
  switch (type) {
    case 'string':
      return expected === '' || typeof expected === 'object';
    case 'object':
      return typeof expected !== 'object' || Array.isArray(expected);
    case 'array':
      return !Array.isArray(expected);
    case 'number':
      return (
        typeof expected === 'boolean' ||
        typeof expected === 'object' ||
        (typeof expected === 'string' && (expected.trim() === '' || Number.isNaN(Number(expected))))
      );
    case 'boolean':
      return (
        typeof expected === 'number' || typeof expected === 'object' || (typeof expected === 'string' && !/^(true|false)$/i.test(expected))
      );
  }
}

const neverIn = (type: PresentType, expected: unknown): boolean =>
  (Array.isArray(expected) ? expected : [expected]).every((item) => neverEquals(type, item));

/**
 * How each operator decides on a value known to be present whose text is
 * unknown; operators not listed (like, contains, ordering) stay unknown.
 */
const PRESENT_DECIDERS: Partial<Record<Operator, (type: PresentType, expected: unknown) => Tri>> = {
  exists: (_type, expected) => (looseEquals(true, expected) ? TRUE : FALSE),
  equals: (type, expected) => (neverEquals(type, expected) ? FALSE : UNKNOWN),
  notEquals: (type, expected) => (neverEquals(type, expected) ? TRUE : UNKNOWN),
  in: (type, expected) => (neverIn(type, expected) ? FALSE : UNKNOWN),
  notIn: (type, expected) => (neverIn(type, expected) ? TRUE : UNKNOWN),
};

/** Compiles a condition tree into closures. */
export function compileCondition(condition: Condition, at: DocumentPath, context: CompileContext): CompiledCondition {
  return new Compiler(context).condition(condition, at, []);
}

class Compiler {
  private inRelated = false;

  constructor(private readonly context: CompileContext) {}

  condition(c: Condition, at: DocumentPath, frames: readonly CountFrame[]): CompiledCondition {
    if (c.related !== undefined) {
      if (this.inRelated) return this.context.fail([...at, 'related'], 'a related condition cannot read a further relation');
      const { related: kind, ...rest } = c;
      this.context.relational = true;
      (this.context.relationKinds ??= new Set()).add(kind);
      const reads = this.context.reads;
      // Paths below `related:` are the related resource's, not this type's: fetched and kept for related records.
      const byKind = (this.context.relatedReads ??= new Map<RelationKind, Set<string>>());
      let kindReads = byKind.get(kind);
      if (!kindReads) byKind.set(kind, (kindReads = new Set()));
      this.context.reads = kindReads;
      this.inRelated = true;
      const child = this.condition(rest, at, []);
      this.inRelated = false;
      this.context.reads = reads;
      return related(kind, child);
    }
    if (c.allOf)
      return this.group(
        c.allOf.map((child, i) => this.condition(child, [...at, 'allOf', i], frames)),
        true,
      );
    if (c.anyOf)
      return this.group(
        c.anyOf.map((child, i) => this.condition(child, [...at, 'anyOf', i], frames)),
        false,
      );
    if (c.not) return this.negation(this.condition(c.not, [...at, 'not'], frames));
    const operator = OPERATOR_KEYS.find((key) => key in c);
    if (!operator) return this.context.fail(at, 'a condition needs an operator');
    const operandAt = [...at, operator];
    if (c.count) return this.count(c.count, operator, c[operator], at, operandAt, frames);
    if (c.field !== undefined) return this.field(c.field, operator, c[operator], [...at, 'field'], operandAt, frames);
    return this.value(c.value, operator, c[operator], [...at, 'value'], operandAt, frames);
  }

  private group(children: CompiledCondition[], all: boolean): CompiledCondition {
    const test = all
      ? (scope: Scope): Tri => {
          let result: Tri = TRUE;
          for (const child of children) {
            const r = child.test(scope);
            if (r === FALSE) return FALSE;
            if (r === UNKNOWN) result = UNKNOWN;
          }
          return result;
        }
      : (scope: Scope): Tri => {
          let result: Tri = FALSE;
          for (const child of children) {
            const r = child.test(scope);
            if (r === TRUE) return TRUE;
            if (r === UNKNOWN) result = UNKNOWN;
          }
          return result;
        };
    return {
      test,
      explain(scope, negated, out) {
        const results: Tri[] = [];
        const evidence: Evidence[][] = [];
        for (const child of children) {
          const buffer: Evidence[] = [];
          results.push(child.explain(scope, negated, buffer));
          evidence.push(buffer);
        }
        return deciding(results, evidence, all, negated, out);
      },
    };
  }

  private negation(child: CompiledCondition): CompiledCondition {
    const invert = (r: Tri): Tri => (r === UNKNOWN ? UNKNOWN : r === TRUE ? FALSE : TRUE);
    return {
      test: (scope) => invert(child.test(scope)),
      explain: (scope, negated, out) => invert(child.explain(scope, !negated, out)),
    };
  }

  private field(
    text: string,
    operator: Operator,
    rawOperand: unknown,
    at: DocumentPath,
    operandAt: DocumentPath,
    frames: readonly CountFrame[],
  ): CompiledCondition {
    const accessor = this.accessor(text, at, frames);
    const operand = this.operand(rawOperand, operandAt, frames);
    const check = this.check(operator, rawOperand, operandAt);
    const { canonical, read, multi } = accessor;
    const onPresent = PRESENT_DECIDERS[operator];
    const test = multi
      ? (scope: Scope): Tri => {
          if (scope.unknown && isUnknownPath(scope.unknown, canonical)) return UNKNOWN;
          const expected = operand(scope);
          if (expected === UNKNOWN_VALUE) return UNKNOWN;
          for (const value of read(scope) as unknown[]) if (!check(value, expected)) return FALSE;
          return TRUE;
        }
      : (scope: Scope): Tri => {
          if (scope.unknown && isUnknownPath(scope.unknown, canonical)) {
            // Known to be there, text unknown: presence and type checks decide, comparisons wait.
            const type = scope.present && onPresent ? presentTypeAt(scope.present, canonical) : undefined;
            if (type === undefined) return UNKNOWN;
            const expected = operand(scope);
            return expected === UNKNOWN_VALUE ? UNKNOWN : onPresent!(type, expected);
          }
          const expected = operand(scope);
          if (expected === UNKNOWN_VALUE) return UNKNOWN;
          return check(read(scope), expected) ? TRUE : FALSE;
        };
    const presentAt = multi ? undefined : (scope: Scope): boolean => scope.unknown !== undefined && isUnknownPath(scope.unknown, canonical);
    return leaf(
      test,
      text,
      operator,
      operand,
      (scope) => {
        const value = read(scope);
        if (multi) {
          const expected = operand(scope);
          return (value as unknown[]).filter((member) => !check(member, expected));
        }
        return value;
      },
      false,
      presentAt,
    );
  }

  private value(
    raw: unknown,
    operator: Operator,
    rawOperand: unknown,
    at: DocumentPath,
    operandAt: DocumentPath,
    frames: readonly CountFrame[],
  ): CompiledCondition {
    const subject = this.operand(raw, at, frames);
    const operand = this.operand(rawOperand, operandAt, frames);
    const check = this.check(operator, rawOperand, operandAt);
    const test = (scope: Scope): Tri => {
      const actual = subject(scope);
      const expected = operand(scope);
      if (actual === UNKNOWN_VALUE || expected === UNKNOWN_VALUE) return UNKNOWN;
      return check(actual, expected) ? TRUE : FALSE;
    };
    return leaf(test, typeof raw === 'string' ? raw : JSON.stringify(raw), operator, operand, subject);
  }

  private count(
    spec: { field: string; where?: Condition },
    operator: Operator,
    rawOperand: unknown,
    at: DocumentPath,
    operandAt: DocumentPath,
    frames: readonly CountFrame[],
  ): CompiledCondition {
    const countAt = [...at, 'count', 'field'];
    const segments = parsePath(spec.field);
    if (!segments || segments[segments.length - 1]?.kind !== 'each') {
      return this.context.fail(countAt, `count needs an array path ending in [*], got '${spec.field}'`);
    }
    const arrayAccessor = this.accessor(spec.field.slice(0, -3), countAt, frames);
    const resolved = this.resolve(segments, frames);
    const frame: CountFrame = { canonical: resolved.canonical, segments: resolved.full };
    const depth = frames.length;
    const where = spec.where ? this.condition(spec.where, [...at, 'count', 'where'], [...frames, frame]) : undefined;
    const operand = this.operand(rawOperand, operandAt, frames);
    const check = this.check(operator, rawOperand, operandAt);
    const members = (scope: Scope): unknown[] => {
      const value = arrayAccessor.read(scope);
      const arrays = arrayAccessor.multi ? (value as unknown[]) : [value];
      const all: unknown[] = [];
      for (const array of arrays) if (Array.isArray(array)) all.push(...(array as unknown[]));
      return all;
    };
    const tally = (scope: Scope): { matched: number; undecided: number } | undefined => {
      if (scope.unknown && isUnknownArray(scope.unknown, arrayAccessor.canonical)) return undefined;
      let matched = 0;
      let undecided = 0;
      for (const member of members(scope)) {
        scope.members[depth] = member;
        const r = where ? where.test(scope) : TRUE;
        if (r === TRUE) matched++;
        else if (r === UNKNOWN) undecided++;
      }
      scope.members.length = depth;
      return { matched, undecided };
    };
    const test = (scope: Scope): Tri => {
      const counted = tally(scope);
      const expected = operand(scope);
      if (!counted || expected === UNKNOWN_VALUE) return UNKNOWN;
      const first = check(counted.matched, expected);
      // Members whose `where` is unknown could go either way: the count is a range.
      for (let n = counted.matched + 1; n <= counted.matched + counted.undecided; n++) {
        if (check(n, expected) !== first) return UNKNOWN;
      }
      return first ? TRUE : FALSE;
    };
    return leaf(test, spec.field, operator, operand, (scope) => tally(scope)?.matched, true);
  }

  /** Resolves a field path against the enclosing counts: relative to the current member, or to the resource. */
  private resolve(
    segments: PathSegment[],
    frames: readonly CountFrame[],
  ): { depth: number; rest: PathSegment[]; full: PathSegment[]; canonical: string } {
    for (let depth = frames.length - 1; depth >= 0; depth--) {
      const frame = frames[depth]!;
      const n = frame.segments.length;
      if (segments.length >= n && canonicalPath(segments.slice(0, n)) === frame.canonical) {
        return { depth, rest: segments.slice(n), full: segments, canonical: canonicalPath(segments) };
      }
    }
    return { depth: -1, rest: segments, full: segments, canonical: canonicalPath(segments) };
  }

  private accessor(
    text: string,
    at: DocumentPath,
    frames: readonly CountFrame[],
  ): { canonical: string; multi: boolean; read: (scope: Scope) => unknown } {
    const segments = parsePath(text);
    if (!segments) return this.context.fail(at, `'${text}' is not a field path`);
    const resolved = this.resolve(segments, frames);
    const { depth, canonical } = resolved;
    let { rest } = resolved;
    let root = depth < 0 ? (scope: Scope): unknown => scope.resource : (scope: Scope): unknown => scope.members[depth];
    const first = segments[0];
    if (depth < 0 && first?.kind === 'property' && first.lower === RELATION_ROOT) {
      // `relation.*` are pseudo-fields the relation index computes, not properties of the record.
      this.context.relational = true;
      rest = rest.slice(1);
      root = (scope) => scope.relation;
    } else {
      this.context.reads?.add(canonical);
    }
    const multi = rest.some((segment) => segment.kind === 'each');
    if (!multi) {
      const names = rest.map((s) => (s.kind === 'property' ? s.name : ''));
      const lowers = rest.map((s) => (s.kind === 'property' ? s.lower : ''));
      const length = names.length;
      return {
        canonical,
        multi,
        read(scope) {
          let value = root(scope);
          for (let i = 0; i < length && value !== undefined; i++) value = getProperty(value, names[i]!, lowers[i]!);
          return value;
        },
      };
    }
    const collect = (value: unknown, index: number, out: unknown[]): void => {
      if (value === undefined || value === null) return;
      if (index === rest.length) {
        out.push(value);
        return;
      }
      const segment = rest[index]!;
      if (segment.kind === 'each') {
        if (Array.isArray(value)) for (const member of value) collect(member, index + 1, out);
      } else {
        collect(getProperty(value, segment.name, segment.lower), index + 1, out);
      }
    };
    return {
      canonical,
      multi,
      read(scope) {
        const out: unknown[] = [];
        collect(root(scope), 0, out);
        return out;
      },
    };
  }

  /** An operand: a literal, or an expression evaluated per resource (constant when it reads no field). */
  private operand(raw: unknown, at: DocumentPath, frames: readonly CountFrame[]): Operand {
    if (!isExpression(raw)) {
      const literal = unescapeLiteral(raw);
      return () => literal;
    }
    let tree: ExpressionNode;
    try {
      tree = parseExpression(raw);
    } catch (error) {
      return this.context.fail(at, (error as Error).message);
    }
    return this.expression(tree, raw, at, frames);
  }

  private expression(node: ExpressionNode, text: string, at: DocumentPath, frames: readonly CountFrame[]): Operand {
    if (node.kind === 'literal') {
      const value = node.value;
      return () => value;
    }
    const literalArgument = (): string => {
      const arg = node.args[0];
      if (node.args.length !== 1 || arg?.kind !== 'literal' || typeof arg.value !== 'string') {
        return this.context.fail(at, `${node.name}() takes one quoted name in ${text}`);
      }
      return arg.value;
    };
    switch (node.name) {
      case 'parameters': {
        const arg = node.args[0];
        if (node.args.length === 1 && arg && !(arg.kind === 'literal' && typeof arg.value === 'string')) {
          // A name computed per resource (`parameters(concat(field('relation.service'), 'MinimumSize'))`):
          // one parameter per service without one branch per service. An undeclared name is unknown, never a pass.
          const nameOf = this.expression(arg, text, at, frames);
          const { parameters, parameterSpecs } = this.context;
          return (scope) => {
            const name = nameOf(scope);
            if (typeof name !== 'string' || !Object.hasOwn(parameterSpecs, name)) return UNKNOWN_VALUE;
            return parameters[name];
          };
        }
        const name = literalArgument();
        if (!(name in this.context.parameterSpecs)) {
          const declared = Object.keys(this.context.parameterSpecs);
          return this.context.fail(
            at,
            `parameter '${name}' is not declared by this rule${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`,
          );
        }
        const value = this.context.parameters[name];
        return () => value;
      }
      case 'field': {
        const accessor = this.accessor(literalArgument(), at, frames);
        return (scope) => (scope.unknown && isUnknownPath(scope.unknown, accessor.canonical) ? UNKNOWN_VALUE : accessor.read(scope));
      }
      case 'length':
      case 'toLower':
      case 'toUpper':
      case 'empty': {
        if (node.args.length !== 1) return this.context.fail(at, `${node.name}() takes one argument in ${text}`);
        const arg = this.expression(node.args[0]!, text, at, frames);
        const apply = UNARY[node.name]!;
        return (scope) => {
          const value = arg(scope);
          return value === UNKNOWN_VALUE ? UNKNOWN_VALUE : apply(value);
        };
      }
      case 'max': {
        if (node.args.length === 0) return this.context.fail(at, `max() takes at least one argument in ${text}`);
        const args = node.args.map((arg) => this.expression(arg, text, at, frames));
        return (scope) => {
          let max: number | undefined;
          for (const arg of args) {
            const value = arg(scope);
            if (value === UNKNOWN_VALUE) return UNKNOWN_VALUE;
            if (value === undefined || value === null || value === '') continue;
            const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
            // A value that is not a number (a tag set to "high") cannot be compared: unknown, never a pass.
            if (Number.isNaN(number)) return UNKNOWN_VALUE;
            max = max === undefined ? number : Math.max(max, number);
          }
          return max;
        };
      }
      case 'concat': {
        const args = node.args.map((arg) => this.expression(arg, text, at, frames));
        return (scope) => {
          const values = args.map((arg) => arg(scope));
          if (values.includes(UNKNOWN_VALUE)) return UNKNOWN_VALUE;
          return values.every(Array.isArray) ? values.flat() : values.map(textOf).join('');
        };
      }
      default:
        return this.context.fail(
          at,
          `unknown function '${node.name}' in ${text} (rules may use parameters, field, length, toLower, toUpper, concat, empty, max)`,
        );
    }
  }

  /** The comparison for an operator; a missing value equals nothing. */
  private check(operator: Operator, rawOperand: unknown, at: DocumentPath): (actual: unknown, expected: unknown) => boolean {
    const constant = isExpression(rawOperand) ? undefined : unescapeLiteral(rawOperand);
    switch (operator) {
      case 'equals':
        return (a, e) => a !== undefined && a !== null && looseEquals(a, e);
      case 'notEquals':
        return (a, e) => a === undefined || a === null || !looseEquals(a, e);
      case 'in':
      case 'notIn': {
        if (constant !== undefined && !Array.isArray(constant)) return this.context.fail(at, `${operator} needs an array`);
        const member = (a: unknown, e: unknown): boolean =>
          a !== undefined && a !== null && (Array.isArray(e) ? e : [e]).some((item) => looseEquals(a, item));
        return operator === 'in' ? member : (a, e) => !member(a, e);
      }
      case 'exists':
        return (a, e) => (a !== undefined && a !== null) === looseEquals(true, e);
      case 'less':
        return (a, e) => ordered(a, e, (d) => d < 0);
      case 'lessOrEquals':
        return (a, e) => ordered(a, e, (d) => d <= 0);
      case 'greater':
        return (a, e) => ordered(a, e, (d) => d > 0);
      case 'greaterOrEquals':
        return (a, e) => ordered(a, e, (d) => d >= 0);
      case 'contains':
        return (a, e) => a !== undefined && a !== null && looseContains(a, e);
      case 'notContains':
        return (a, e) => a === undefined || a === null || !looseContains(a, e);
      case 'like':
      case 'notLike': {
        const fixed = typeof constant === 'string' ? wildcardPattern(constant) : undefined;
        const like = (a: unknown, e: unknown): boolean =>
          (typeof a === 'string' || typeof a === 'number') && (fixed ?? wildcardPattern(String(e))).test(String(a));
        return operator === 'like' ? like : (a, e) => !like(a, e);
      }
      case 'containsKey':
        return (a, e) => hasKey(a, String(e));
      case 'notContainsKey':
        return (a, e) => !hasKey(a, String(e));
    }
  }
}

function ordered(a: unknown, e: unknown, holds: (difference: number) => boolean): boolean {
  if (a === undefined || a === null) return false;
  const difference = compareOrder(a, e);
  return difference !== undefined && holds(difference);
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return JSON.stringify(value);
}

const UNARY: Record<string, (value: unknown) => unknown> = {
  length: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  toLower: (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  toUpper: (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  empty: (v) =>
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && Object.keys(v).length === 0),
};

/**
 * Combines the members of an allOf (`all`) or anyOf, and passes on the
 * evidence of the members that decided the result: when the outcome is
 * definite, unknown members did not decide it.
 */
function deciding(results: readonly Tri[], evidence: readonly Evidence[][], all: boolean, negated: boolean, out: Evidence[]): Tri {
  const r = all
    ? results.includes(FALSE)
      ? FALSE
      : results.includes(UNKNOWN)
        ? UNKNOWN
        : TRUE
    : results.includes(TRUE)
      ? TRUE
      : results.includes(UNKNOWN)
        ? UNKNOWN
        : FALSE;
  const failed: Tri = negated ? TRUE : FALSE;
  if (r === UNKNOWN || r === failed) {
    const wanted: Tri = r === UNKNOWN ? UNKNOWN : failed;
    results.forEach((result, i) => {
      if (result === wanted) out.push(...evidence[i]!);
    });
  }
  return r;
}

/**
 * A condition read on related resources: it holds when it holds on every
 * one (a resource with two keys needs both to pass). With none it is false:
 * rules guard with `relation.keyCount` where having no key is fine.
 */
function related(kind: RelationKind, child: CompiledCondition): CompiledCondition {
  // A related view carries everything a scope does: conditions run on it as it is, with no copy.
  const scopes = (scope: Scope): readonly Scope[] => scope.related?.(kind) ?? [];
  return {
    test(scope) {
      const list = scopes(scope);
      if (list.length === 0) return FALSE;
      let result: Tri = TRUE;
      for (const inner of list) {
        const r = child.test(inner);
        if (r === FALSE) return FALSE;
        if (r === UNKNOWN) result = UNKNOWN;
      }
      return result;
    },
    explain(scope, negated, out) {
      const list = scopes(scope);
      if (list.length === 0) {
        if (!negated)
          out.push({
            path: `related ${kind}`,
            operator: 'exists',
            expected: true,
            actual: undefined,
            state: 'missing',
            count: undefined,
            related: undefined,
            reason: undefined,
          });
        return FALSE;
      }
      const results: Tri[] = [];
      const evidence: Evidence[][] = [];
      for (const inner of list) {
        const buffer: Evidence[] = [];
        results.push(child.explain(inner, negated, buffer));
        const why = inner.relation?.['reason'];
        const reason = typeof why === 'string' ? why : undefined;
        const ref = { kind, id: inner.resource.id }; // one per related resource, however many items name it
        evidence.push(buffer.map((item) => ({ ...item, related: ref, reason: item.state === 'unknown' ? reason : undefined })));
      }
      return deciding(results, evidence, true, negated, out);
    },
  };
}

/** A comparison leaf: its explain reports the property, the value found and what was expected. */
function leaf(
  test: (scope: Scope) => Tri,
  path: string,
  operator: Operator,
  operand: Operand,
  actualOf: (scope: Scope) => unknown,
  isCount = false,
  /** True when a decided outcome was decided on an unknown path known to be present. */
  decidedOnPresent?: (scope: Scope) => boolean,
): CompiledCondition {
  // One object shape for all evidence (absent fields undefined, left out of JSON).
  const count = isCount ? (true as const) : undefined;
  return {
    test,
    explain(scope, negated, out) {
      const r = test(scope);
      if (r === UNKNOWN || r === (negated ? TRUE : FALSE)) {
        let expected = operand(scope);
        if (expected === UNKNOWN_VALUE) expected = undefined;
        let effective: string = operator;
        if (negated) {
          if (operator === 'exists') expected = !looseEquals(true, expected);
          else effective = INVERSE[operator]!;
        }
        if (r === UNKNOWN) {
          out.push({
            path,
            operator: effective,
            expected,
            actual: undefined,
            state: 'unknown',
            count,
            related: undefined,
            reason: undefined,
            cause: causeOf(scope, path),
          });
        } else if (decidedOnPresent?.(scope)) {
          out.push({
            path,
            operator: effective,
            expected,
            actual: undefined,
            state: 'present',
            count,
            related: undefined,
            reason: undefined,
          });
        } else {
          const actual = actualOf(scope);
          out.push(
            actual === undefined || actual === null || actual === UNKNOWN_VALUE
              ? { path, operator: effective, expected, actual: undefined, state: 'missing', count, related: undefined, reason: undefined }
              : { path, operator: effective, expected, actual, state: 'value', count, related: undefined, reason: undefined },
          );
        }
      }
      return r;
    },
  };
}

/**
 * Why a path read on a scope is unknown. A path the record itself leaves
 * unknown: the cause its source gave (or its origin implies). Anything else
 * (a `relation.*` pseudo-field, a related record never read): the cause the
 * relation index gave the view, else the record's.
 */
function causeOf(scope: Scope, path: string): UnknownCause {
  const resource = scope.resource;
  const given = scope.relation?.['cause'];
  const relationCause = typeof given === 'string' ? (given as UnknownCause) : undefined;
  const canonical = canonicalizePathText(path);
  if (canonical.startsWith('relation.')) return relationCause ?? unknownCauseOf(resource);
  const own = resource.unknown;
  if (own?.length && isUnknownPath(own.map(canonicalizePathText), canonical)) return unknownCauseOf(resource, canonical);
  return relationCause ?? unknownCauseOf(resource, canonical);
}
