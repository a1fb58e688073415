/**
 * What a source tells a person watching a long read, besides the resources
 * it yields (the scan's caller counts those): subscriptions, requests and
 * throttling waits. Display is not a source's job: the CLI draws it.
 */
export interface ReadProgress {
  /** How many subscriptions the scope holds. */
  subscriptions(total: number): void;
  /** One more subscription read (or given up). */
  subscriptionDone(): void;
  /** One HTTP attempt (every retry is one). */
  request(): void;
  /** A throttling wait begins (its text, e.g. `waiting 3 s for the Resource Graph quota to reset`), or ends (`undefined`). */
  waiting(text: string | undefined): void;
}
