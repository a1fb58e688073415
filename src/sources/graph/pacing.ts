/**
 * Staying inside Resource Graph's per-user quota. Every response carries
 * `x-ms-user-quota-remaining` (queries left in the window) and
 * `x-ms-user-quota-resets-after` (hh:mm:ss until the window resets); when
 * the quota is spent, keyscope waits for the reset instead of drawing a 429.
 */

import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** Time, so tests can pace without sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Header access, as both the SDK's raw responses and errors offer it. */
export interface HeaderSource {
  get(name: string): string | undefined;
}

/** The longest single wait keyscope accepts from a header: a larger value is capped, never obeyed blindly. */
export const MAX_WAIT_MS = 60_000;

/** Backoff for a 429 that says neither `Retry-After` nor when the quota resets: 1 s, 2 s, 4 s... */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 32_000;

/**
 * Parses a .NET TimeSpan as the quota header writes it: `hh:mm:ss`, with
 * optional days (`d.hh:mm:ss`) and fractions (`hh:mm:ss.fff`). Milliseconds,
 * or undefined when it is not one.
 */
export function parseTimeSpan(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds, fraction] = match;
  const ms =
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    (fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0);
  return ms;
}

/** Tracks the quota headers and says how long to wait. */
export class QuotaPacer {
  private remaining: number | undefined;
  private resetsAt: number | undefined;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Notes the quota a response reported. */
  observe(headers: HeaderSource | undefined): void {
    if (!headers) return;
    const remaining = Number.parseInt(headers.get('x-ms-user-quota-remaining') ?? '', 10);
    const resetsAfter = parseTimeSpan(headers.get('x-ms-user-quota-resets-after'));
    if (Number.isFinite(remaining)) this.remaining = remaining;
    if (resetsAfter !== undefined) this.resetsAt = this.clock.now() + Math.min(resetsAfter, MAX_WAIT_MS);
  }

  /** Milliseconds to wait before the next query: until the reset when no quota is left, else none. */
  delayBeforeNext(): number {
    if (this.remaining === undefined || this.remaining > 0 || this.resetsAt === undefined) return 0;
    return Math.max(0, this.resetsAt - this.clock.now());
  }

  /** Records that the wait for a reset happened: the window starts afresh. */
  waited(): void {
    this.remaining = undefined;
    this.resetsAt = undefined;
  }

  /**
   * How long to back off after a 429 without `Retry-After` (the SDK only
   * retries a 429 that carries one): until the quota resets when the
   * response said when, else exponentially by attempt (0-based).
   */
  backoff(headers: HeaderSource | undefined, attempt: number): number {
    const resetsAfter = parseTimeSpan(headers?.get('x-ms-user-quota-resets-after'));
    if (resetsAfter !== undefined) return Math.min(Math.max(resetsAfter, 100), MAX_WAIT_MS);
    return Math.min(BACKOFF_BASE_MS * 2 ** attempt, BACKOFF_MAX_MS);
  }
}

/**
 * Caps the wait a throttled answer asks for before the SDK's retry policy
 * reads it: the SDK obeys `Retry-After` however long it is, and a scheduled
 * scan must not sleep for an hour on one header. Placed nearer the wire than
 * the retry policy, so the retry policy sees the capped value.
 */
export function retryAfterCapPolicy(maxMs = MAX_WAIT_MS): PipelinePolicy {
  return {
    name: 'keyscopeRetryAfterCap',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429 && response.status !== 503) return response;
      for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
        const ms = Number(response.headers.get(name));
        if (Number.isFinite(ms) && ms > maxMs) response.headers.set(name, String(maxMs));
      }
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== undefined) {
        const seconds = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : (Date.parse(retryAfter) - Date.now()) / 1000;
        if (Number.isFinite(seconds) && seconds * 1000 > maxMs) response.headers.set('retry-after', String(Math.floor(maxMs / 1000)));
      }
      return response;
    },
  };
}
