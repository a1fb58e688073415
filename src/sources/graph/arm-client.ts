import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { boundedReadPolicy, DEFAULT_REQUEST_TIMEOUT_MS } from './bounded-read.js';
import type { AzureSettings } from './cloud.js';
import { QuotaPacer, retryAfterCapPolicy, systemClock, type Clock } from './pacing.js';
import { reauthorizeOncePolicy } from './reauthorize.js';
import { requestLogPolicy, type GraphLog } from './progress.js';

/** A Resource Manager call that did not return what was asked. */
export class ArmError extends Error {
  constructor(
    message: string,
    /** HTTP status, when there was a response. */
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ArmError';
  }
}

/** Retries of 5xx, 408 and network errors (the SDK policy); 429 with Retry-After is obeyed there too. */
export const RETRY_OPTIONS = { maxRetries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };
/** 429s without Retry-After this many times in a row end the call. */
const MAX_THROTTLED = 6;
/** A list longer than this many pages is treated as a runaway `nextLink`. */
const MAX_LIST_PAGES = 1000;

/**
 * Resource Manager GETs through the same pipeline the SDKs use (bearer
 * token for the scan's scope, retries, request log). Bodies are kept as the
 * wire sends them: the SDK models rename fields (`attributes.exp` becomes
 * `expires`), and rules read the wire names that Resource Graph and
 * exports use.
 */
export class ResourceManager {
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;
  private readonly pacer: QuotaPacer;

  constructor(
    credential: TokenCredential,
    private readonly settings: AzureSettings,
    private readonly log: GraphLog,
    private readonly clock: Clock = systemClock,
  ) {
    this.pipeline = createPipelineFromOptions({ retryOptions: RETRY_OPTIONS, userAgentOptions: { userAgentPrefix: 'keyscope' } });
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: settings.tokenScope }), { phase: 'Sign' });
    this.pipeline.addPolicy(reauthorizeOncePolicy(credential, settings.tokenScope), { afterPhase: 'Sign' });
    this.pipeline.addPolicy(requestLogPolicy(log), { afterPhase: 'Sign' });
    this.pipeline.addPolicy(retryAfterCapPolicy(), { afterPhase: 'Sign' });
    this.pipeline.addPolicy(boundedReadPolicy(settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS), { afterPhase: 'Sign' });
    this.http = createDefaultHttpClient();
    this.pacer = new QuotaPacer(clock);
  }

  /** The URL of a Resource Manager path (a resource id, or a collection below one). */
  url(path: string, apiVersion: string): string {
    const encoded = path
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
    return `${this.settings.armEndpoint}${encoded}?api-version=${encodeURIComponent(apiVersion)}`;
  }

  /** GETs a resource; throws ArmError unless it answers 200 with a JSON object. */
  async get(path: string, apiVersion: string): Promise<Record<string, unknown>> {
    return this.getUrl(this.url(path, apiVersion));
  }

  /** Every item of a collection, following `nextLink`. */
  async list(path: string, apiVersion: string): Promise<unknown[]> {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.url(path, apiVersion);
    for (let page = 0; url; page++) {
      if (page >= MAX_LIST_PAGES || seen.has(url))
        throw new ArmError(`the list of ${path} does not end (nextLink repeats)`, undefined, undefined);
      seen.add(url);
      const body = await this.getUrl(url);
      const value = body['value'];
      if (!Array.isArray(value)) throw new ArmError(`the list of ${path} has no 'value' array`, 200, undefined);
      items.push(...(value as unknown[]));
      const next = body['nextLink'];
      url = typeof next === 'string' && next ? this.sameEndpoint(next) : undefined;
    }
    return items;
  }

  // The bearer token goes with every request: a nextLink that leaves the
  // Resource Manager endpoint is refused rather than followed.
  private sameEndpoint(next: string): string {
    if (!next.startsWith(`${this.settings.armEndpoint}/`)) {
      throw new ArmError(`nextLink leaves the Resource Manager endpoint: ${next}`, undefined, undefined);
    }
    return next;
  }

  private async getUrl(url: string): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const request = createPipelineRequest({ url, method: 'GET' });
      request.headers.set('accept', 'application/json');
      const response = await this.pipeline.sendRequest(this.http, request);
      if (response.status === 429 && attempt < MAX_THROTTLED) {
        // The pipeline already obeyed any Retry-After; this is a 429 without one.
        const wait = this.pacer.backoff(response.headers, attempt);
        this.log.wait(wait, 'after a Resource Manager 429');
        await this.clock.sleep(wait);
        this.log.wait(undefined);
        continue;
      }
      let body: unknown;
      try {
        body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
      } catch {
        body = undefined;
      }
      if (response.status === 200 && body !== null && typeof body === 'object' && !Array.isArray(body))
        return body as Record<string, unknown>;
      const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : undefined;
      const detail = typeof error?.message === 'string' ? error.message : response.status === 200 ? 'the body is not a JSON object' : '';
      throw new ArmError(`HTTP ${response.status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`, response.status, code);
    }
  }
}
