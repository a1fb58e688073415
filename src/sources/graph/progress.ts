import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** Where progress and the request log go (stderr). */
export interface TextSink {
  write(text: string): unknown;
}

/** What the live scan shows: a progress line on a terminal, a request log with `--verbose`. */
export interface GraphLogOptions {
  sink: TextSink;
  /** Show the updating progress line (stderr is a terminal and not `--quiet`). */
  progress: boolean;
  /** Log each request and wait, a line each. */
  verbose: boolean;
}

const CLEAR_LINE = '\r\u001b[K';

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Progress on stderr: pages fetched, resources so far, subscriptions done,
 * quota waits. Never a token or a header: requests are named by method,
 * URL and status only.
 */
export class GraphLog {
  private pages = 0;
  private resources = 0;
  private subscriptionsDone = 0;
  private subscriptionsTotal = 0;
  private waiting: string | undefined;
  private shown = false;

  constructor(private readonly options: GraphLogOptions) {}

  /** A silent log (no progress, no request lines). */
  static silent(): GraphLog {
    return new GraphLog({ sink: { write: () => undefined }, progress: false, verbose: false });
  }

  get verbose(): boolean {
    return this.options.verbose;
  }

  /** One line of the verbose log. */
  line(text: string): void {
    if (!this.options.verbose) return;
    this.clear();
    this.options.sink.write(`keyscope: ${text}\n`);
    this.render();
  }

  /** An HTTP attempt (every retry is one). */
  request(method: string, url: string, outcome: number | string, ms: number): void {
    this.line(`${method} ${url} -> ${outcome} (${ms} ms)`);
  }

  subscriptions(total: number): void {
    this.subscriptionsTotal = total;
    this.render();
  }

  subscriptionDone(): void {
    this.subscriptionsDone++;
    this.render();
  }

  page(resources: number): void {
    this.pages++;
    this.resources += resources;
    this.render();
  }

  /** Extra resources read outside pages (keys listed through Resource Manager). */
  added(resources: number): void {
    this.resources += resources;
    this.render();
  }

  /** A wait for the quota or a throttle; `undefined` ends it. */
  wait(ms: number | undefined, reason = ''): void {
    this.waiting = ms === undefined ? undefined : `waiting ${Math.ceil(ms / 1000)} s ${reason}`.trimEnd();
    if (ms !== undefined) this.line(this.waiting!);
    this.render();
  }

  /** Ends the progress line. */
  done(): void {
    this.clear();
  }

  private clear(): void {
    if (this.shown) {
      this.options.sink.write(CLEAR_LINE);
      this.shown = false;
    }
  }

  private render(): void {
    if (!this.options.progress) return;
    const parts = [
      `${count(this.pages)} page${this.pages === 1 ? '' : 's'}`,
      `${count(this.resources)} resources`,
      `${count(this.subscriptionsDone)}/${count(this.subscriptionsTotal)} subscriptions`,
    ];
    if (this.waiting) parts.push(this.waiting);
    this.options.sink.write(`${CLEAR_LINE}keyscope: ${parts.join(', ')}`);
    this.shown = true;
  }
}

/** Logs every HTTP attempt (placed after the retry policy, so retries show) and the SDK's throttle waits. */
export function requestLogPolicy(log: GraphLog): PipelinePolicy {
  return {
    name: 'keyscopeRequestLog',
    async sendRequest(request, next) {
      const started = Date.now();
      try {
        const response = await next(request);
        log.request(request.method, request.url, response.status, Date.now() - started);
        const retryAfter = response.status === 429 || response.status === 503 ? response.headers.get('retry-after') : undefined;
        if (retryAfter && /^\d+$/.test(retryAfter)) log.wait(Number(retryAfter) * 1000, 'as Retry-After asks');
        else log.wait(undefined);
        return response;
      } catch (error) {
        log.request(request.method, request.url, `failed: ${(error as Error).message}`, Date.now() - started);
        throw error;
      }
    },
  };
}
