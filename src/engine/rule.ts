import { RuleLoadError } from '../errors/index.js';
import type { ParameterValues, RuleDefinition, Severity } from '../rules/index.js';
import { compileCondition, FALSE, TRUE, UNKNOWN, type CompiledCondition, type Evidence, type Scope } from './compile.js';

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
  private readonly where: CompiledCondition | undefined;
  private readonly assertion: CompiledCondition;

  constructor(
    readonly definition: RuleDefinition,
    readonly parameters: ParameterValues,
    /** Position in the engine's rule list (stable: sorted by id). */
    readonly index = 0,
  ) {
    this.id = definition.id;
    this.severity = definition.severity;
    this.types = definition.resource;
    const reads = new Set<string>();
    const context = {
      reads,
      parameters,
      parameterSpecs: definition.parameters ?? {},
      fail(at: readonly (string | number)[], message: string): never {
        const { line, column } = definition.source.positionOf(at);
        throw new RuleLoadError(message, { file: definition.source.file, line, column });
      },
    };
    this.where = definition.where ? compileCondition(definition.where, ['where'], context) : undefined;
    this.assertion = compileCondition(definition.assert, ['assert'], context);
    this.reads = [...reads].sort();
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
    return evidence;
  }
}
