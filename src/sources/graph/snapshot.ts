import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Resource } from '../../model/index.js';
import type { typeCountsRecord } from '../type-counts.js';

type TypeCountsRecord = ReturnType<typeof typeCountsRecord>;

/**
 * `--export FILE`: what a live scan fetched, as NDJSON that `--input`
 * reads back. Each record keeps its graph origin (and its unknown paths),
 * so the replay reports the same findings byte for byte, and the file can
 * be attached to an audit as the evidence the findings came from. Each
 * batch of subscriptions' type counts is a `keyscope/typeCounts` record, so
 * the replay's posture lists the same types as not assessed.
 */
export class Snapshot {
  private constructor(
    private readonly stream: WriteStream,
    private failure: Error | undefined,
  ) {}

  /** Opens (truncates) the file; rejects when it cannot be written. */
  static async open(file: string): Promise<Snapshot> {
    const stream = createWriteStream(file, { flags: 'w' });
    // `once` rejects when the stream emits 'error' first (a missing folder, no permission).
    await once(stream, 'open');
    const snapshot = new Snapshot(stream, undefined);
    stream.on('error', (error) => {
      snapshot.failure ??= error;
    });
    return snapshot;
  }

  /**
   * Appends records, one JSON line each, waiting when the disk falls behind.
   * A failed write is kept for `close` to report: the scan itself goes on.
   */
  async write(resources: readonly (Resource | TypeCountsRecord)[]): Promise<void> {
    if (this.failure || resources.length === 0) return;
    let text = '';
    for (const resource of resources) text += `${JSON.stringify(resource)}\n`;
    try {
      if (!this.stream.write(text)) await once(this.stream, 'drain');
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  /** Flushes and closes; rejects if any write failed. */
  async close(): Promise<void> {
    if (!this.stream.writableEnded) {
      this.stream.end();
      await once(this.stream, 'finish').catch(() => undefined);
    }
    if (this.failure) throw this.failure;
  }
}
