import type { CompiledRule, Engine, Scope, Status } from '../engine/index.js';
import type { ScanProblem } from '../model/index.js';
import type { InventorySource } from '../sources/index.js';
import { makeFinding, type Finding } from './finding.js';
import { emptyCounts, emptySeverityCounts, type OutcomeCounts, type ScanResult, type SourceSummary } from './result.js';

export interface ScanOptions {
  version: string;
  /** Records start and end times when given; without it the report is a pure function of its inputs. */
  clock?: () => Date;
}

/**
 * Streams every source through the engine. Resources are evaluated as they
 * arrive and dropped; only findings and counts are kept.
 */
export async function runScan(engine: Engine, sources: readonly InventorySource[], options: ScanOptions): Promise<ScanResult> {
  const started = options.clock?.().toISOString() ?? null;
  const counts: OutcomeCounts[] = engine.rules.map(() => emptyCounts());
  const findings: Finding[] = [];
  const errors: ScanProblem[] = [];
  const summaries: SourceSummary[] = [];
  let resources = 0;

  const receive = (rule: CompiledRule, status: Status, scope: Scope): void => {
    const tally = counts[rule.index]!;
    switch (status) {
      case 'pass':
        tally.pass++;
        return;
      case 'not-applicable':
        tally.notApplicable++;
        return;
      case 'fail':
        tally.fail++;
        break;
      case 'unknown':
        tally.unknown++;
        break;
    }
    findings.push(makeFinding(rule, status, scope.resource, rule.explain(scope)));
  };

  for (const source of sources) {
    let fromSource = 0;
    const problemsBefore = errors.length;
    for await (const batch of source.batches((problem) => errors.push(problem))) {
      for (const resource of batch) engine.evaluate(resource, receive);
      fromSource += batch.length;
    }
    resources += fromSource;
    const [kind, ...rest] = source.label.split(':');
    summaries.push({ kind: kind ?? source.label, target: rest.join(':'), resources: fromSource });
    if (fromSource === 0 && errors.length === problemsBefore) {
      // An empty inventory proves nothing: say so rather than report a clean scan.
      errors.push({ code: 'input-empty', message: 'the source held no resources', target: rest.join(':') || source.label });
    }
  }

  findings.sort(compareFindings);
  const byStatus = emptyCounts();
  const bySeverity = emptySeverityCounts();
  const byRule: ScanResult['summary']['byRule'] = {};
  for (const rule of engine.rules) {
    const tally = counts[rule.index]!;
    byStatus.pass += tally.pass;
    byStatus.fail += tally.fail;
    byStatus.unknown += tally.unknown;
    byStatus.notApplicable += tally.notApplicable;
    bySeverity[rule.severity] += tally.fail + tally.unknown;
    byRule[rule.id] = { severity: rule.severity, ...tally };
  }
  return {
    tool: { name: 'keyscope', version: options.version },
    scan: {
      sources: summaries,
      started,
      ended: options.clock?.().toISOString() ?? null,
      complete: errors.length === 0,
      errors: errors.sort(compareProblems),
    },
    summary: { resources, byStatus, bySeverity, byRule },
    findings,
    rules: engine.rules,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rule id, then resource id (case-insensitive), then where it was found: a total, stable order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.resource.id.toLowerCase(), b.resource.id.toLowerCase()) ||
    compareText(a.resource.id, b.resource.id) ||
    compareText(JSON.stringify(a.location), JSON.stringify(b.location))
  );
}

function compareProblems(a: ScanProblem, b: ScanProblem): number {
  return (
    compareText(a.target, b.target) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}
