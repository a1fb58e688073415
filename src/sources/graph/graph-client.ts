import { ResourceGraphClient, type QueryRequest, type QueryResponse } from '@azure/arm-resourcegraph';
import { isRestError } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { RETRY_OPTIONS } from './arm-client.js';
import { boundedReadPolicy, DEFAULT_REQUEST_TIMEOUT_MS } from './bounded-read.js';
import type { AzureSettings } from './cloud.js';
import { QuotaPacer, retryAfterCapPolicy, systemClock, type Clock, type HeaderSource } from './pacing.js';
import { reauthorizeOncePolicy } from './reauthorize.js';
import { requestLogPolicy, type GraphLog } from './progress.js';

/** Rows per page: Resource Graph's maximum `$top`. */
export const PAGE_SIZE = 1000;
/** At most this many subscriptions in one Resource Graph request (the REST API's limit). */
export const MAX_SUBSCRIPTIONS_PER_REQUEST = 1000;
/** 429s without Retry-After this many times in a row end the query. */
const MAX_THROTTLED = 6;
/** A query with more pages than this is treated as a runaway `$skipToken`. */
const MAX_PAGES = 10_000;

/** A page that could not be used whole. */
export interface PageProblem {
  code: 'page-truncated' | 'page-malformed';
  message: string;
  /** The subscription it concerns, when one row names it; else the whole request. */
  subscriptionId?: string;
}

/** One page of rows, checked. */
export interface GraphPage {
  /** Rows that are objects with an `id` and a `type`. */
  rows: Record<string, unknown>[];
  problems: PageProblem[];
  /** `x-ms-tenant-subscription-limit-hit: true`: the service answered for part of the scope only. */
  partialScope: boolean;
}

/**
 * Resource Graph through the SDK's client: token scope and endpoint of the
 * chosen cloud, quota pacing, and a backoff for the 429s the SDK does not
 * retry (those without Retry-After).
 */
export class ResourceGraph {
  private readonly client: ResourceGraphClient;
  private readonly pacer: QuotaPacer;

  constructor(
    credential: TokenCredential,
    settings: AzureSettings,
    private readonly log: GraphLog,
    private readonly clock: Clock = systemClock,
  ) {
    this.client = new ResourceGraphClient(credential, {
      endpoint: settings.armEndpoint,
      credentials: { scopes: [settings.tokenScope] },
      retryOptions: RETRY_OPTIONS,
      userAgentOptions: { userAgentPrefix: 'keyscope' },
      additionalPolicies: [
        { policy: requestLogPolicy(log), position: 'perRetry' },
        { policy: retryAfterCapPolicy(), position: 'perRetry' },
      ],
    });
    // After the bearer policy signs, so its refused token can be replaced.
    this.client.pipeline.addPolicy(reauthorizeOncePolicy(credential, settings.tokenScope), { afterPhase: 'Sign' });
    // Nearest the wire: every answer any policy sees (the bearer policy's challenge handling included) is already read, within bounds.
    this.client.pipeline.addPolicy(boundedReadPolicy(settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS), { afterPhase: 'Sign' });
    this.pacer = new QuotaPacer(clock);
  }

  /** Sends one query, waiting for the quota first when it is spent. */
  async query(request: QueryRequest): Promise<{ response: QueryResponse; headers: HeaderSource | undefined }> {
    for (let attempt = 0; ; attempt++) {
      const delay = this.pacer.delayBeforeNext();
      if (delay > 0) {
        this.log.wait(delay, 'for the Resource Graph quota to reset');
        await this.clock.sleep(delay);
        this.log.wait(undefined);
        this.pacer.waited();
      }
      let headers: HeaderSource | undefined;
      try {
        const response = await this.client.resources(request, {
          onResponse: (raw) => {
            headers = raw.headers;
          },
        });
        this.pacer.observe(headers);
        return { response, headers };
      } catch (error) {
        if (isRestError(error) && error.statusCode === 429 && attempt < MAX_THROTTLED) {
          const errorHeaders = error.response?.headers ?? headers;
          this.pacer.observe(errorHeaders);
          const wait = this.pacer.backoff(errorHeaders, attempt);
          this.log.wait(wait, 'after a Resource Graph 429 without Retry-After');
          await this.clock.sleep(wait);
          this.log.wait(undefined);
          this.pacer.waited();
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Every page of a query over some subscriptions, `$top` 1000 and
   * `$skipToken` onwards. Checks each page: rows must be objects with the
   * `required` columns (non-empty strings), the count must match, and paging must reach the
   * total the service announced; what fails is reported with the page,
   * never silently dropped.
   */
  async *pages(query: string, subscriptions: readonly string[], required: readonly string[] = ['id', 'type']): AsyncGenerator<GraphPage> {
    let skipToken: string | undefined;
    const tokens = new Set<string>();
    let seen = 0;
    for (let page = 0; ; page++) {
      const { response, headers } = await this.query({
        subscriptions: [...subscriptions],
        query,
        options: { top: PAGE_SIZE, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) },
      });
      const partialScope = (headers?.get('x-ms-tenant-subscription-limit-hit') ?? '').toLowerCase() === 'true';
      const problems: PageProblem[] = [];
      const data: unknown = response.data;
      if (!Array.isArray(data)) {
        yield {
          rows: [],
          problems: [{ code: 'page-malformed', message: `page ${page + 1} of '${query}' has no data array` }],
          partialScope,
        };
        return;
      }
      const rows: Record<string, unknown>[] = [];
      for (const [index, row] of (data as unknown[]).entries()) {
        const problem = rowProblem(row, required);
        if (problem) {
          const subscriptionId = row !== null && typeof row === 'object' ? (row as Record<string, unknown>)['subscriptionId'] : undefined;
          problems.push({
            code: 'page-malformed',
            message: `row ${index + 1} of page ${page + 1} ${problem}: it was not evaluated`,
            ...(typeof subscriptionId === 'string' && subscriptionId ? { subscriptionId } : {}),
          });
        } else {
          rows.push(row as Record<string, unknown>);
        }
      }
      seen += data.length;
      if (typeof response.count === 'number' && response.count !== data.length) {
        problems.push({
          code: 'page-truncated',
          message: `page ${page + 1} says it holds ${response.count} rows but carries ${data.length}`,
        });
      }
      const truncated = String(response.resultTruncated).toLowerCase() === 'true';
      if (truncated) {
        problems.push({
          code: 'page-truncated',
          message: `Resource Graph truncated the result of '${query}' (resultTruncated) after ${seen} rows`,
        });
      }
      const next = response.skipToken;
      const total = response.totalRecords;
      if (!next && !truncated && typeof total === 'number' && seen < total) {
        problems.push({ code: 'page-truncated', message: `Resource Graph announced ${total} rows but paging ended after ${seen}` });
      }
      let more = Boolean(next) && !truncated;
      const runaway = more ? runawayPaging(next!, tokens, page, data.length, seen, total) : undefined;
      if (runaway) {
        problems.push({ code: 'page-malformed', message: `paging of '${query}' does not end: ${runaway}` });
        more = false;
      }
      yield { rows, problems, partialScope };
      if (!more) return;
      tokens.add(next!);
      skipToken = next;
    }
  }
}

/**
 * Why a `$skipToken` must not be followed, if it must not: it was seen
 * before, the page that carried it brought no rows, the rows already exceed
 * the total the service announced, or there are more pages than any real
 * result has. Each alone would make paging run forever (or until the quota
 * and the 10,000-page bound, hours later).
 */
function runawayPaging(
  next: string,
  tokens: ReadonlySet<string>,
  page: number,
  rows: number,
  seen: number,
  total: number | undefined,
): string | undefined {
  if (tokens.has(next)) return `$skipToken of page ${page + 1} repeats an earlier one`;
  if (rows === 0) return `page ${page + 1} is empty but carries a $skipToken`;
  if (typeof total === 'number' && seen >= total) return `page ${page + 1} carries a $skipToken after all ${total} rows announced`;
  if (page + 1 >= MAX_PAGES) return `more than ${MAX_PAGES} pages`;
  return undefined;
}

function rowProblem(row: unknown, required: readonly string[]): string | undefined {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return 'is not an object';
  const record = row as Record<string, unknown>;
  for (const column of required) {
    if (typeof record[column] !== 'string' || record[column] === '') return `has no '${column}'`;
  }
  return undefined;
}
