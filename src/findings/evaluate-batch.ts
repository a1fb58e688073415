import type { CompiledRule, Engine, Scope, Status } from '../engine/index.js';
import type { RelationHandle, RelationIndex } from '../inventory/index.js';
import { isDeployed, subscriptionOf, type Resource, type ScanProblem } from '../model/index.js';
import { parseBlock, type RecordParseError, type SourceBatch, type TypeCount } from '../sources/index.js';
import { makeFinding, NamedResource, type Finding, type FindingResource } from './finding.js';
import type { TypeTally } from './type-tally.js';

/** What evaluating one batch produced. */
export interface BlockResult {
  /** Records read: parsed (valid or not) plus skipped for their type. */
  records: number;
  findings: Finding[];
  /** pass, fail, unknown, not-applicable per rule index, flat. */
  counts: Int32Array;
  problems: ScanProblem[];
  error?: RecordParseError;
  /** Resources by type the batch declared (a live scan's counts, or their record in its export). */
  declared?: readonly TypeCount[];
}

const STATUS_SLOT: Record<Status, number> = { pass: 0, fail: 1, unknown: 2, 'not-applicable': 3 };

/** Where the first pass hands resources for the second: the relation index, and the list of resources relational rules will read. */
export interface RelationPass {
  index: RelationIndex;
  retained: Resource[];
  /** What the index handed back for each retained resource (same positions). */
  handles: (RelationHandle | undefined)[];
  /** How the first pass's findings named each retained resource, if it had any (same positions). */
  named: (FindingResource | undefined)[];
}

/**
 * Tallies outcomes into `counts` and turns fail and unknown into findings.
 * A resource's outcomes arrive together, so its findings share one naming
 * of it; the second pass is handed the first pass's naming of a resource
 * (`resume`), so a resource with findings in both passes is named once.
 */
export class OutcomeCollector {
  private last: Resource | undefined;
  private named: FindingResource | undefined;

  constructor(
    private readonly counts: Int32Array,
    private readonly findings: Finding[],
  ) {}

  readonly receive = (rule: CompiledRule, status: Status, scope: Scope): void => {
    this.counts[rule.index * 4 + STATUS_SLOT[status]]!++;
    if (status !== 'fail' && status !== 'unknown') return;
    const resource = scope.resource;
    if (resource !== this.last || !this.named) {
      this.last = resource;
      this.named = new NamedResource(resource);
    }
    this.findings.push(makeFinding(rule, status, resource, rule.explain(scope), this.named));
  };

  /** How the findings of `resource` (the last one evaluated) name it, if it has any. */
  namedOf(resource: Resource): FindingResource | undefined {
    return resource === this.last ? this.named : undefined;
  }

  /** Names the findings about to come for `resource` as `named` (when given). */
  resume(resource: Resource, named: FindingResource | undefined): void {
    this.last = resource;
    this.named = named;
  }
}

/**
 * Parses a batch (if it is raw records) and runs the engine's first pass over
 * its resources; notes each resource's subscription in `scopes`, shows each
 * to the relation index, and counts every record's type (skipped ones too)
 * in `types`.
 */
export function evaluateBatch(
  engine: Engine,
  batch: SourceBatch,
  scopes: Set<string>,
  relations?: RelationPass,
  types?: TypeTally,
): BlockResult {
  const counts = new Int32Array(engine.rules.length * 4);
  const findings: Finding[] = [];
  const collector = new OutcomeCollector(counts, findings);
  const receive = collector.receive;
  if (batch.kind === 'type-counts') return { records: 0, findings, counts, problems: [], declared: batch.counts };
  const evaluate = (resource: Resource): void => {
    types?.add(resource.type);
    // Only deployed resources (live or exported) cover a subscription; a template or
    // plan names one it has not read, and an empty run for it would close live alerts.
    if (isDeployed(resource.origin)) {
      const subscription = resource.subscriptionId;
      if (typeof subscription === 'string' && subscription) scopes.add(subscription.toLowerCase());
      else {
        const parsed = subscriptionOf(resource);
        if (parsed) scopes.add(parsed.toLowerCase());
      }
    }
    engine.evaluate(resource, receive);
    if (relations) {
      const handle = relations.index.observe(resource);
      if (engine.hasRelationalRules(resource.type)) {
        relations.retained.push(engine.retainedCopy(resource));
        relations.handles.push(handle);
        relations.named.push(collector.namedOf(resource));
      }
    }
  };
  if (batch.kind === 'resources') {
    for (const resource of batch.resources) evaluate(resource);
    return { records: batch.resources.length, findings, counts, problems: [] };
  }
  if (types && batch.skippedTypes) types.addAll(batch.skippedTypes);
  const parsed = parseBlock(batch, evaluate);
  return {
    ...(parsed.typeCounts ? { declared: parsed.typeCounts } : {}),
    records: parsed.resources + parsed.problems.length + batch.skipped,
    findings,
    counts,
    problems: parsed.problems,
    ...(parsed.error ? { error: parsed.error } : {}),
  };
}
