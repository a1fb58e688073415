import { isRestError } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { Resource, ScanProblem } from '../../model/index.js';
import type { InventorySource, ReadOptions, ResourceBatch, TypeCountBatch } from '../source.js';
import { typeCountsRecord, type TypeCount } from '../type-counts.js';
import { ResourceManager } from './arm-client.js';
import type { AzureSettings } from './cloud.js';
import { isAuthenticationError } from './credential.js';
import { describeError } from './describe-error.js';
import { Enricher } from './enrich.js';
import { MAX_SUBSCRIPTIONS_PER_REQUEST, ResourceGraph } from './graph-client.js';
import { COVERAGE_QUERY, tableQueryText, TYPE_COUNT_QUERY } from './kql.js';
import { systemClock, type Clock } from './pacing.js';
import { AFTER_COUNT, planGraph, type GraphPlan, type TableQuery, type TypeReads } from './plan.js';
import type { GraphLog } from './progress.js';
import { chunk, expectedSubscriptions, scopeLabel, type GraphScope } from './scope.js';
import { Snapshot } from './snapshot.js';
import { EXPORT_HEADER_VERSION } from '../export/header.js';

/** Everything a live scan needs, decided by the command line. */
export interface GraphSourceOptions {
  scope: GraphScope;
  /** The types rules apply to and the paths they read (the engine's `resourceTypes` and `readsFor`). */
  types: readonly TypeReads[];
  credential: TokenCredential;
  settings: AzureSettings;
  log: GraphLog;
  /** `--export FILE`: write what was fetched as NDJSON (gzip when FILE ends in `.gz`), after a header of what was covered. */
  exportFile?: string;
  clock?: Clock;
}

/** Signing in failed: nothing can be read, the scan stops. */
class SignInFailed extends Error {}

function isForbidden(error: unknown): boolean {
  return isRestError(error) && (error.statusCode === 401 || error.statusCode === 403);
}

/** What one run of subscriptions shares. */
interface RunContext {
  plan: GraphPlan;
  graph: ResourceGraph;
  enricher: Enricher;
  snapshot: Snapshot | undefined;
  report: (problem: ScanProblem) => void;
  covered: (subscriptionId: string) => void;
}

/**
 * A live scan through Azure Resource Graph: one query per table, filtered
 * to the types rules read and projected to the columns they read, paged
 * 1,000 rows at a time over batches of at most 1,000 subscriptions; keys
 * and SQL TDE protectors read through Resource Manager; and a coverage
 * check, because Resource Graph answers 200 with no rows for a
 * subscription the identity may not read. Every subscription not read,
 * page not usable whole and enrichment call failed is reported; everything
 * else is still scanned.
 */
export class GraphSource implements InventorySource {
  readonly label: string;

  constructor(private readonly options: GraphSourceOptions) {
    this.label = `graph:${scopeLabel(options.scope)}`;
  }

  async *batches(read: ReadOptions): AsyncIterable<ResourceBatch | TypeCountBatch> {
    const { options } = this;
    const target = scopeLabel(options.scope);
    const reported = new Set<string>();
    // What the export's header records: every problem reported and every subscription covered.
    const problems: ScanProblem[] = [];
    const covered: string[] = [];
    let expected: string[] = [];
    // One problem per code and target: a subscription missing from coverage and then failing a query is one entry.
    const report = (problem: ScanProblem): void => {
      const key = `${problem.code}\u0000${problem.target}`;
      if (reported.has(key)) return;
      reported.add(key);
      problems.push(problem);
      read.report(problem);
    };
    const cover = (subscription: string): void => {
      covered.push(subscription.toLowerCase());
      read.covered?.(subscription);
    };
    const types = read.wanted ? options.types.filter((entry) => read.wanted!.has(entry.type.toLowerCase())) : options.types;
    const plan = planGraph(types);
    const reads = new Map(types.map((entry) => [entry.type.toLowerCase(), entry.reads]));
    const clock = options.clock ?? systemClock;
    const arm = new ResourceManager(options.credential, options.settings, options.log, clock);
    const graph = new ResourceGraph(options.credential, options.settings, options.log, clock);

    let snapshot: Snapshot | undefined;
    if (options.exportFile !== undefined) {
      try {
        snapshot = await Snapshot.open(options.exportFile);
      } catch (error) {
        report({
          code: 'export-unwritable',
          message: `cannot write the export: ${describeError(error)}`,
          target: options.exportFile,
          fatal: true,
        });
        return;
      }
    }
    try {
      let subscriptions: string[];
      try {
        subscriptions = expected = await expectedSubscriptions(options.scope, arm);
      } catch (error) {
        const code = isAuthenticationError(error) ? 'auth-failed' : 'scope-unreadable';
        report({ code, message: `cannot list the subscriptions of the scope: ${describeError(error)}`, target, fatal: true });
        return;
      }
      if (subscriptions.length === 0) {
        report({ code: 'scope-empty', message: 'the scope holds no subscription the identity can see', target });
        return;
      }
      options.log.subscriptions(subscriptions.length);
      options.log.line(`${subscriptions.length} subscription(s), ${plan.queries.length} quer${plan.queries.length === 1 ? 'y' : 'ies'}`);
      options.log.line(`query: ${TYPE_COUNT_QUERY}`);
      for (const query of plan.queries) options.log.line(`query: ${tableQueryText(query)}`);
      const context: RunContext = {
        plan,
        graph,
        enricher: new Enricher(arm, plan, reads),
        snapshot,
        report,
        covered: cover,
      };
      for (const run of chunk(subscriptions, MAX_SUBSCRIPTIONS_PER_REQUEST)) yield* this.scanRun(run, context);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      report({ code: 'auth-failed', message: `cannot sign in: ${error.message}`, target, fatal: true });
    } finally {
      try {
        const done = new Set(covered);
        await snapshot?.close({
          keyscopeExport: EXPORT_HEADER_VERSION,
          scope: target,
          subscriptions: expected,
          covered: [...done].sort(),
          notRead: expected.filter((subscription) => !done.has(subscription)),
          problems,
        });
      } catch (error) {
        report({
          code: 'export-unwritable',
          message: `cannot write the export: ${describeError(error)}`,
          target: options.exportFile!,
          fatal: true,
        });
      }
    }
  }

  /**
   * One request's worth of subscriptions: coverage, then each table's pages,
   * each page enriched, the count by type, then the tables read after it.
   */
  private async *scanRun(subscriptions: string[], context: RunContext): AsyncGenerator<ResourceBatch | TypeCountBatch> {
    const { graph, plan, report } = context;
    const { log } = this.options;
    let readable: Set<string>;
    try {
      readable = await this.coverage(subscriptions, graph);
    } catch (error) {
      if (isAuthenticationError(error)) throw new SignInFailed(describeError(error));
      if (isForbidden(error) && subscriptions.length > 1) {
        // A refusal names no subscription: halve the run until the refused ones stand alone.
        const half = Math.ceil(subscriptions.length / 2);
        yield* this.scanRun(subscriptions.slice(0, half), context);
        yield* this.scanRun(subscriptions.slice(half), context);
        return;
      }
      for (const subscription of subscriptions) {
        report({
          code: 'subscription-not-read',
          message: `Resource Graph refused the subscription: ${describeError(error)}`,
          target: subscription,
        });
        log.subscriptionDone();
      }
      return;
    }

    const incomplete = new Set<string>();
    for (const subscription of subscriptions) {
      if (readable.has(subscription)) continue;
      incomplete.add(subscription);
      report({
        code: 'subscription-not-read',
        message:
          'Resource Graph returned nothing for this subscription: the identity may not read it (Resource Graph leaves out what RBAC hides, without an error), or it does not exist or is disabled',
        target: subscription,
      });
    }

    for (const query of plan.queries) if (!AFTER_COUNT.has(query.table)) yield* this.readTable(query, subscriptions, incomplete, context);
    // After the resources, so a fault injected into (or met by) the table queries is met first.
    const counts = await this.typeCounts(subscriptions, context);
    for (const query of plan.queries) if (AFTER_COUNT.has(query.table)) yield* this.readTable(query, subscriptions, incomplete, context);
    // The export ends with the counts record, whatever table was read after the count.
    if (counts.length) {
      await context.snapshot?.write([typeCountsRecord(counts)]);
      yield { kind: 'type-counts', counts };
    }
    for (const subscription of subscriptions) {
      if (!incomplete.has(subscription)) context.covered(subscription);
      log.subscriptionDone();
    }
  }

  /** One table's pages over the run's subscriptions, each page enriched; what fails marks the subscriptions incomplete. */
  private async *readTable(
    query: TableQuery,
    subscriptions: string[],
    incomplete: Set<string>,
    context: RunContext,
  ): AsyncGenerator<ResourceBatch> {
    const { graph, plan, report } = context;
    const text = tableQueryText(query);
    try {
      for await (const page of graph.pages(text, subscriptions)) {
        for (const problem of page.problems) {
          const targets = problem.subscriptionId ? [problem.subscriptionId.toLowerCase()] : subscriptions;
          for (const subscription of targets) {
            incomplete.add(subscription);
            report({ code: problem.code, message: problem.message, target: subscription });
          }
        }
        if (page.partialScope) {
          for (const subscription of subscriptions) {
            incomplete.add(subscription);
            report({
              code: 'scope-partial',
              message: 'Resource Graph answered for part of the scope only (x-ms-tenant-subscription-limit-hit)',
              target: subscription,
            });
          }
        }
        const resources = page.rows.map(toResource);
        const enriched = await context.enricher.enrich(resources);
        for (const failure of enriched.failures) report({ code: 'enrichment-failed', message: failure.message, target: failure.target });
        for (const subscription of enriched.unlisted) incomplete.add(subscription);
        const out = resources.filter((resource) => plan.emit.has(resource.type.toLowerCase()));
        for (const child of enriched.children) out.push(child);
        await context.snapshot?.write(out);
        if (out.length) yield { kind: 'resources', resources: out };
      }
    } catch (error) {
      if (isAuthenticationError(error)) throw new SignInFailed(describeError(error));
      for (const subscription of subscriptions) {
        incomplete.add(subscription);
        report({
          code: 'subscription-not-read',
          message: `the ${query.table} query failed: ${describeError(error)}`,
          target: subscription,
        });
      }
    }
  }

  /**
   * Resources by type in the run's subscriptions (one `summarize count() by
   * type` query). What fails is reported: the not-assessed list is then
   * incomplete, and so is the scan; the resources read are still evaluated.
   */
  private async typeCounts(subscriptions: readonly string[], context: RunContext): Promise<TypeCount[]> {
    const counts: TypeCount[] = [];
    const failed = (message: string): void => {
      for (const subscription of subscriptions) context.report({ code: 'type-count-failed', message, target: subscription });
    };
    try {
      for await (const page of context.graph.pages(TYPE_COUNT_QUERY, subscriptions, ['type'])) {
        for (const problem of page.problems) failed(`the type count is incomplete: ${problem.message}`);
        if (page.partialScope) failed('the type count covers part of the scope only (x-ms-tenant-subscription-limit-hit)');
        for (const row of page.rows) {
          const count = row['count_'];
          if (typeof count === 'number' && Number.isInteger(count) && count > 0) counts.push({ type: row['type'] as string, count });
          else failed(`the type count of '${String(row['type'])}' is not a positive integer: ${JSON.stringify(count)}`);
        }
      }
    } catch (error) {
      if (isAuthenticationError(error)) throw new SignInFailed(describeError(error));
      failed(`the type count query failed: ${describeError(error)}`);
    }
    return counts;
  }

  /** The requested subscriptions Resource Graph shows a subscription record for (lower-case). */
  private async coverage(subscriptions: readonly string[], graph: ResourceGraph): Promise<Set<string>> {
    const seen = new Set<string>();
    for await (const page of graph.pages(COVERAGE_QUERY, subscriptions, ['subscriptionId'])) {
      // A coverage page that cannot be trusted proves nothing: its subscriptions count as unread.
      if (page.problems.length) throw new Error(page.problems.map((problem) => problem.message).join('; '));
      for (const row of page.rows) {
        const id = row['subscriptionId'];
        if (typeof id === 'string') seen.add(id.toLowerCase());
      }
    }
    return seen;
  }
}

/** A Resource Graph row as a resource, its origin naming the subscription it came from. */
function toResource(row: Record<string, unknown>): Resource {
  const resource = row as Resource;
  const subscriptionId = typeof row['subscriptionId'] === 'string' && row['subscriptionId'] ? row['subscriptionId'] : undefined;
  resource.origin = subscriptionId ? { kind: 'graph', subscriptionId } : { kind: 'graph' };
  return resource;
}
