import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { ReadProgress } from '../progress.js';

/** Where the request log goes (stderr, through the CLI's progress display). */
export interface TextSink {
  write(text: string): unknown;
}

/** What the live scan tells: counts to a progress display, and a request log with `--verbose`. */
export interface GraphLogOptions {
  sink: TextSink;
  /** Subscriptions, requests and waits, for the progress display (none with `--quiet`). */
  progress?: ReadProgress;
  /** Log each request and wait, a line each. */
  verbose: boolean;
}

/**
 * The live scan's log: counts for the progress display, and with `--verbose`
 * a line per request and wait. Never a token or a header: requests are named
 * by method, URL and status only.
 */
export class GraphLog {
  constructor(private readonly options: GraphLogOptions) {}

  /** A silent log (no progress, no request lines). */
  static silent(): GraphLog {
    return new GraphLog({ sink: { write: () => undefined }, verbose: false });
  }

  get verbose(): boolean {
    return this.options.verbose;
  }

  /** One line of the verbose log. */
  line(text: string): void {
    if (this.options.verbose) this.options.sink.write(`keyscope: ${text}\n`);
  }

  /** An HTTP attempt (every retry is one). */
  request(method: string, url: string, outcome: number | string, ms: number): void {
    this.options.progress?.request();
    this.line(`${method} ${url} -> ${outcome} (${ms} ms)`);
  }

  subscriptions(total: number): void {
    this.options.progress?.subscriptions(total);
  }

  subscriptionDone(): void {
    this.options.progress?.subscriptionDone();
  }

  /** A wait for the quota or a throttle; `undefined` ends it. */
  wait(ms: number | undefined, reason = ''): void {
    const text = ms === undefined ? undefined : `waiting ${Math.ceil(ms / 1000)} s ${reason}`.trimEnd();
    this.options.progress?.waiting(text);
    if (text !== undefined) this.line(text);
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
