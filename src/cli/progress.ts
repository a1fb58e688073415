import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { InventorySource, ReadOptions, ReadProgress, SourceBatch } from '../sources/index.js';
import type { TextSink } from './io.js';

/** How progress shows: a bar redrawn in place (a terminal), a line now and then (a pipe or a log), or not at all (`--quiet`). */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** What a source counts toward: an input read offline (a file, a template, a plan) or a live scan's subscriptions. */
export type WatchedKind = 'input' | 'live';

/** When plain lines come: the first after `firstMs`, then every `everyMs`. */
export interface LineSchedule {
  firstMs: number;
  everyMs: number;
}

/** By default a scan shorter than 5 s prints no line at all; a longer one, a line every 15 s. */
export const DEFAULT_SCHEDULE: LineSchedule = { firstMs: 5000, everyMs: 15_000 };

/** The environment variable that sets both delays of the line schedule (ms), for tests and impatient logs. */
export const INTERVAL_VARIABLE = 'KEYSCOPE_PROGRESS_INTERVAL_MS';

export interface ProgressOptions {
  mode: ProgressMode;
  /** stderr. */
  sink: TextSink;
  /** stderr's width, when a terminal says. */
  columns?: number;
  schedule?: LineSchedule;
}

/** The line schedule the environment asks for, or the default; a value that is not a positive whole number is ignored. */
export function scheduleFrom(env: Readonly<Record<string, string | undefined>>): LineSchedule {
  const text = env[INTERVAL_VARIABLE];
  if (text === undefined || !/^\d+$/.test(text) || Number(text) === 0) return DEFAULT_SCHEDULE;
  return { firstMs: Number(text), everyMs: Number(text) };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

const BYTE_UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const;

/** 1,234,567 bytes as `1.2 MB` (powers of 1,000, as file managers show them). */
export function formatBytes(bytes: number): string {
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${count(bytes)} bytes` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

function resourcesIn(batch: SourceBatch): number {
  // A records block also counts what it skipped: those were read too, only no rule wants them.
  if (batch.kind === 'type-counts') return 0;
  return batch.kind === 'resources' ? batch.resources.length : batch.spans.length / 4 + batch.skipped;
}

/**
 * A scan's progress on stderr: resources read, inputs done (and their size
 * when known), subscriptions done, requests and throttling waits. On a
 * terminal a bar (cli-progress) redrawn in place and cleared at the end; in
 * a pipe a plain line on a schedule, so short scans stay silent; with
 * `--quiet` nothing. Lines others write while it runs (`--verbose`, notes)
 * go through `lines`, which keeps the bar whole.
 */
export class ScanProgress implements ReadProgress {
  private resources = 0;
  private inputsTotal = 0;
  private inputsDone = 0;
  private inputBytes = 0;
  private live = false;
  private subscriptionsTotal = 0;
  private subscriptionsDone = 0;
  private requests = 0;
  private waits = 0;
  private currentWait: string | undefined;
  private bar: CliProgress.SingleBar | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = 0;
  private linesPrinted = 0;

  /** Where other stderr lines go while progress shows. */
  readonly lines: TextSink;

  constructor(private readonly options: ProgressOptions) {
    this.lines = {
      write: (text: string) => {
        if (!this.bar) return options.sink.write(text);
        // The bar is taken down and put back: cli-progress draws on the line it started on.
        this.bar.stop();
        options.sink.write(text);
        this.bar.start(this.barTotal(), this.barValue(), { summary: this.summary() });
        return true;
      },
    };
  }

  /** Counts a source's resources as the scan reads them, and the source (and its size, when known) as done when it ends. */
  watch(source: InventorySource, kind: WatchedKind): InventorySource {
    if (kind === 'live') this.live = true;
    else {
      this.inputsTotal++;
      this.inputBytes += source.bytes ?? 0;
    }
    const batches = async function* (this: ScanProgress, options: ReadOptions): AsyncIterable<SourceBatch> {
      try {
        for await (const batch of source.batches(options)) {
          this.resources += resourcesIn(batch);
          this.update();
          yield batch;
        }
      } finally {
        if (kind === 'input') this.inputsDone++;
        this.update();
      }
    };
    // The wrapper is the source as the scan sees it: it inherits every field from the source (a field InventorySource
    // gains later included, which a copy would drop), and only its own batches count what they pass on.
    return Object.create(source, { batches: { value: batches.bind(this), enumerable: true } }) as InventorySource;
  }

  /** Starts showing: the bar now, or the first line after the schedule's first delay. */
  start(): void {
    this.started = Date.now();
    if (this.options.mode === 'bar') {
      const columns = this.options.columns ?? 80;
      // Loaded only for a bar: a scan in a pipe or a log never needs it.
      const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
      this.bar = new cliProgress.SingleBar({
        // cli-progress writes only with write(); isTTY and columns are what it asks of a stream.
        stream: { write: (text: string) => this.options.sink.write(text), isTTY: true, columns } as unknown as NodeJS.WritableStream,
        format: 'keyscope [{bar}] {summary}',
        barsize: Math.max(10, Math.min(30, columns - 70)),
        clearOnComplete: true,
        fps: 5,
      });
      this.bar.start(this.barTotal(), this.barValue(), { summary: this.summary() });
    } else if (this.options.mode === 'lines') {
      const { firstMs, everyMs } = this.options.schedule ?? DEFAULT_SCHEDULE;
      const tick = (delay: number): void => {
        this.timer = setTimeout(() => {
          this.printLine();
          tick(everyMs);
        }, delay);
      };
      tick(firstMs);
    }
  }

  /** Stops showing: the bar cleared; after plain lines, one last line with the totals. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.linesPrinted > 0) this.printLine('done: ');
  }

  subscriptions(total: number): void {
    this.subscriptionsTotal = total;
    this.update();
  }

  subscriptionDone(): void {
    this.subscriptionsDone++;
    this.update();
  }

  request(): void {
    this.requests++;
    this.update();
  }

  waiting(text: string | undefined): void {
    if (text !== undefined && text !== this.currentWait) this.waits++;
    this.currentWait = text;
    this.update();
  }

  /** What the scan has done so far, in words. */
  summary(): string {
    const parts = [`${count(this.resources)} resources read`];
    if (this.inputsTotal > 0) {
      const size = this.inputBytes > 0 ? ` (${formatBytes(this.inputBytes)})` : '';
      parts.push(`${count(this.inputsDone)}/${count(this.inputsTotal)} input${this.inputsTotal === 1 ? '' : 's'}${size}`);
    }
    if (this.live) {
      parts.push(
        `${count(this.subscriptionsDone)}/${count(this.subscriptionsTotal)} subscriptions`,
        `${count(this.requests)} request${this.requests === 1 ? '' : 's'}`,
        `${count(this.waits)} throttling wait${this.waits === 1 ? '' : 's'}`,
      );
      if (this.currentWait) parts.push(this.currentWait);
    }
    return parts.join(', ');
  }

  private barTotal(): number {
    // cli-progress divides by the total: before the scope is listed there is nothing to divide by.
    return Math.max(1, this.inputsTotal + this.subscriptionsTotal);
  }

  private barValue(): number {
    return this.inputsDone + this.subscriptionsDone;
  }

  private update(): void {
    if (!this.bar) return;
    this.bar.setTotal(this.barTotal());
    this.bar.update(this.barValue(), { summary: this.summary() });
  }

  private printLine(prefix = ''): void {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    this.options.sink.write(`keyscope: ${prefix}${this.summary()} (${count(seconds)} s)\n`);
    this.linesPrinted++;
  }
}
