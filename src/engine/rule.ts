import { RuleLoadError } from '../errors/index.js';
import type { RelationKind } from '../inventory/index.js';
import type { Condition, ParameterValues, RuleDefinition, RuleSource, Severity } from '../rules/index.js';
import {
  compileCondition,
  FALSE,
  TRUE,
  UNKNOWN,
  type CompileContext,
  type CompiledCondition,
  type Evidence,
  type Scope,
} from './compile.js';

/** A condition a profile adds to where a rule applies (`tags.data-classification in [confidential]`). */
export interface Applicability {
  condition: Condition;
  /** The profile file it is written in, to point errors at it. */
  source: RuleSource;
  /** Its path in that file. */
  at: readonly (string | number)[];
}

function compileApplicability(applicability: Applicability, context: CompileContext): CompiledCondition {
  const own: CompileContext = {
    ...context,
    // Profiles are not rule files: compile errors point into the profile, and parameters are the rule's.
    fail(at, message) {
      const { line, column } = applicability.source.positionOf(at);
      throw new RuleLoadError(message, { file: applicability.source.file, line, column });
    },
  };
  const compiled = compileCondition(applicability.condition, applicability.at, own);
  if (own.relational) context.relational = true;
  for (const kind of own.relationKinds ?? []) (context.relationKinds ??= new Set()).add(kind);
  return compiled;
}

function bothOf(a: CompiledCondition, b: CompiledCondition): CompiledCondition {
  const combine = (x: number, y: number): 0 | 1 | 2 =>
    x === FALSE || y === FALSE ? FALSE : x === UNKNOWN || y === UNKNOWN ? UNKNOWN : TRUE;
  return {
    test: (scope) => {
      const x = a.test(scope);
      return x === FALSE ? FALSE : combine(x, b.test(scope));
    },
    explain: (scope, negated, out) => {
      const x = a.explain(scope, negated, out);
      return combine(x, b.explain(scope, negated, out));
    },
  };
}

/** The outcome of one rule on one resource. */
export type Status = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** A rule compiled once, with its parameter values bound, ready to run on any number of resources. */
export class CompiledRule {
  readonly id: string;
  readonly severity: Severity;
  /** Lower-cased resource types the rule applies to. */
  readonly types: readonly string[];
  /** Canonical paths of every field the rule reads (`properties.encryption.keysource`). */
  readonly reads: readonly string[];
  /** True when the rule reads relations: it runs after the first pass, once the relation index is built. */
  readonly relational: boolean;
  /** The kinds of related resources its `related:` conditions read. */
  readonly relationKinds: readonly RelationKind[];
  /** Canonical paths its `related:` conditions read of the related records, by kind. */
  readonly relatedReads: Readonly<Partial<Record<RelationKind, readonly string[]>>>;
  private readonly where: CompiledCondition | undefined;
  private readonly assertion: CompiledCondition;

  constructor(
    readonly definition: RuleDefinition,
    readonly parameters: ParameterValues,
    /** Position in the engine's rule list (stable: sorted by id). */
    readonly index = 0,
    /** A profile's extra applicability condition, ANDed with the rule's own `where`. */
    applicability?: Applicability,
  ) {
    this.id = definition.id;
    this.severity = definition.severity;
    this.types = definition.resource;
    const reads = new Set<string>();
    const context: CompileContext = {
      reads,
      parameters,
      parameterSpecs: definition.parameters ?? {},
      fail(at: readonly (string | number)[], message: string): never {
        const { line, column } = definition.source.positionOf(at);
        throw new RuleLoadError(message, { file: definition.source.file, line, column });
      },
    };
    const own = definition.where ? compileCondition(definition.where, ['where'], context) : undefined;
    const extra = applicability ? compileApplicability(applicability, context) : undefined;
    this.where = own && extra ? bothOf(own, extra) : (own ?? extra);
    this.assertion = compileCondition(definition.assert, ['assert'], context);
    this.reads = [...reads].sort();
    this.relational = context.relational === true;
    this.relationKinds = [...(context.relationKinds ?? [])].sort();
    this.relatedReads = Object.fromEntries([...(context.relatedReads ?? [])].map(([kind, paths]) => [kind, [...paths].sort()]));
  }

  /** The outcome, computed without building evidence (the hot path). */
  outcome(scope: Scope): Status {
    const applies = this.where ? this.where.test(scope) : TRUE;
    if (applies === FALSE) return 'not-applicable';
    const holds = this.assertion.test(scope);
    if (holds === TRUE) return 'pass';
    return applies === UNKNOWN || holds === UNKNOWN ? 'unknown' : 'fail';
  }

  /** The evidence behind a `fail` or `unknown` outcome. */
  explain(scope: Scope): Evidence[] {
    const evidence: Evidence[] = [];
    if (this.where && this.where.test(scope) === UNKNOWN) this.where.explain(scope, false, evidence);
    this.assertion.explain(scope, false, evidence);
    // A findings list outlives the scan's pass: keep an exactly sized copy, not the
    // pushed-to array with room for 16 more (a large scan holds hundreds of thousands).
    return evidence.slice();
  }
}
