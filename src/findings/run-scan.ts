import { serviceCatalog } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { RelationIndex } from '../inventory/index.js';
import type { Resource, ScanProblem } from '../model/index.js';
import type { InventorySource } from '../sources/index.js';
import { evaluateBatch, OutcomeCollector, type RelationPass } from './evaluate-batch.js';
import { collectIfGrown, collectIfLarge } from './heap.js';
import type { Finding } from './finding.js';
import { compareText, sortFindings } from './order.js';
import { summarizePosture, type ResourcePosture } from './posture.js';
import { TypeTally, typePosture } from './type-tally.js';
import { emptyCounts, emptySeverityCounts, type OutcomeCounts, type ScanResult, type SourceSummary } from './result.js';

export interface ScanOptions {
  version: string;
  /** Records start and end times when given; without it the report is a pure function of its inputs. */
  clock?: () => Date;
  /** The date keys' expiry is judged against (`--as-of`); the clock's time, else now. */
  asOf?: Date;
  /** The rule profile the engine's rules came from, to record in the report. */
  profile?: string;
}

/**
 * Streams every source through the engine. Records are parsed and evaluated
 * a block at a time and dropped; only findings, counts, and what the
 * relation index needs are kept. Rules that read relations run in a second
 * pass over the resources they apply to, once every source is read.
 */
export async function runScan(engine: Engine, sources: readonly InventorySource[], options: ScanOptions): Promise<ScanResult> {
  const started = options.clock?.().toISOString() ?? null;
  const counts = new Int32Array(engine.rules.length * 4);
  const findings: Finding[] = [];
  const errors: ScanProblem[] = [];
  const notices: ScanProblem[] = [];
  const summaries: SourceSummary[] = [];
  const wanted = new Set(engine.resourceTypes);
  const report = (problem: ScanProblem): void => {
    if (!problem.notice) {
      errors.push(problem);
      return;
    }
    // Notices have the errors' shape: the flag only routed them here.
    const shape = { ...problem };
    delete shape.notice;
    notices.push(shape);
  };
  const emptyFolders = new Set<string>();
  const scopes = new Set<string>();
  const covered = (subscriptionId: string): void => {
    scopes.add(subscriptionId.toLowerCase());
  };
  let relations: RelationPass | undefined = {
    index: new RelationIndex({ asOf: options.asOf ?? options.clock?.() ?? new Date(), relatedReads: engine.relatedReads }),
    retained: [],
    handles: [],
    named: [],
  };
  let resources = 0;
  const types = new TypeTally();
  for (const source of sources) {
    let fromSource = 0;
    // What the source handed out, by type; what it declares, if it declares counts, replaces it for the types it names.
    const met = new TypeTally();
    let declared: TypeTally | undefined;
    const problemsBefore = errors.length;
    for await (const batch of source.batches({ report, wanted, covered })) {
      const result = evaluateBatch(engine, batch, scopes, relations, met);
      fromSource += result.records;
      if (result.declared) {
        declared ??= new TypeTally();
        for (const { type, count } of result.declared) declared.add(type, count);
      }
      for (let i = 0; i < counts.length; i++) counts[i]! += result.counts[i]!;
      for (const finding of result.findings) findings.push(finding);
      for (const problem of result.problems) errors.push(problem);
      if (result.error) {
        const { message, line, column } = result.error;
        errors.push({
          code: 'input-invalid',
          message,
          target: batch.kind === 'records' ? batch.file : source.label,
          line,
          column,
          fatal: true,
        });
        break; // what follows a malformed record in its file is not read
      }
    }
    resources += fromSource;
    types.addAll(declared ? declared.over(met) : met.entries());
    const [kind, ...rest] = source.label.split(':');
    const target = rest.join(':');
    summaries.push({ kind: kind ?? source.label, target, resources: fromSource });
    if (fromSource === 0 && errors.length === problemsBefore) {
      // An empty inventory proves nothing: say so rather than report a clean scan. In a folder
      // scan it is one module among many (role assignments, budgets): a notice, unless all are.
      const empty = { code: 'input-empty', message: 'the source held no resources', target: target || source.label };
      if (source.foundIn === undefined) errors.push(empty);
      else {
        notices.push({ ...empty, message: 'the template deploys no resource with the parameters given' });
        emptyFolders.add(source.foundIn);
      }
    }
  }
  if (resources === 0 && errors.length === 0) {
    for (const folder of [...emptyFolders].sort()) {
      errors.push({
        code: 'input-empty',
        message: 'no template in this folder deploys a resource with the parameters given',
        target: folder,
      });
    }
  }

  collectIfLarge();
  const posture = { ...secondPass(engine, relations, new OutcomeCollector(counts, findings)), ...typePosture(types, serviceCatalog()) };
  // Nothing reads the index from here on: let it go before the findings are sorted and written.
  relations = undefined;
  collectIfLarge();

  sortFindings(findings);
  const byStatus = emptyCounts();
  const bySeverity = emptySeverityCounts();
  const byRule: ScanResult['summary']['byRule'] = {};
  for (const rule of engine.rules) {
    const at = rule.index * 4;
    const tally: OutcomeCounts = { pass: counts[at]!, fail: counts[at + 1]!, unknown: counts[at + 2]!, notApplicable: counts[at + 3]! };
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
      notices: notices.sort(compareProblems),
      scopes: [...scopes].sort(),
      profile: options.profile ?? null,
    },
    summary: { resources, byStatus, bySeverity, byRule },
    findings,
    posture,
    rules: engine.rules,
  };
}

/**
 * Resolves the relations, sums up the posture, and runs the rules that read
 * relations over the retained resources, letting go of each resource's
 * relations as soon as its rules have run.
 */
function secondPass(engine: Engine, relations: RelationPass, collector: OutcomeCollector): ResourcePosture {
  const { index, retained, handles, named } = relations;
  index.build();
  const posture = summarizePosture(index.posture());
  const pending: (Resource | undefined)[] = retained;
  for (let i = 0; i < pending.length; i++) {
    const resource = pending[i]!;
    pending[i] = undefined; // done with: the findings keep what they name
    collector.resume(resource, named[i]);
    engine.evaluateRelational(resource, index.relationsOf(resource, handles[i]), collector.receive);
    index.release(handles[i]);
    handles[i] = undefined;
    named[i] = undefined;
    if ((i & 4095) === 4095) collectIfGrown();
  }
  retained.length = 0;
  handles.length = 0;
  named.length = 0;
  return posture;
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
