import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Resource } from '../../model/index.js';
import { headerLine, type ExportHeader } from '../export/header.js';
import type { typeCountsRecord } from '../type-counts.js';

type TypeCountsRecord = ReturnType<typeof typeCountsRecord>;

/**
 * `--export FILE`: what a live scan fetched, as NDJSON that `--input`
 * reads back, gzip-compressed when the name ends in `.gz`. Each record keeps
 * its graph origin (and its unknown paths), so the replay reports the same
 * findings byte for byte, and the file can be attached to an audit as the
 * evidence the findings came from. Each batch of subscriptions' type counts
 * is a `keyscope/typeCounts` record, so the replay's posture lists the same
 * types as not assessed.
 *
 * The first line is a header saying what the scan covered and could not
 * read, known only once the scan ends: records go to a file beside the
 * export while the scan runs, and `close` writes the header and copies them
 * after it. The export file appears whole or not at all.
 */
export class Snapshot {
  private constructor(
    private readonly file: string,
    private readonly body: WriteStream,
    private readonly bodyFile: string,
    private failure: Error | undefined,
  ) {}

  /** Opens the records file beside FILE; rejects when it cannot be written (a missing folder, no permission). */
  static async open(file: string): Promise<Snapshot> {
    const bodyFile = `${file}.records.partial`;
    const body = createWriteStream(bodyFile, { flags: 'w' });
    // `once` rejects when the stream emits 'error' first.
    await once(body, 'open');
    const snapshot = new Snapshot(file, body, bodyFile, undefined);
    body.on('error', (error) => {
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
      if (!this.body.write(text)) await once(this.body, 'drain');
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  /**
   * Writes the export: the header, then the records (gzip when FILE ends in
   * `.gz`); rejects if any write failed.
   */
  async close(header: ExportHeader): Promise<void> {
    try {
      if (!this.body.writableEnded) {
        this.body.end();
        await once(this.body, 'finish').catch(() => undefined);
      }
      if (this.failure) throw this.failure;
      const bodyFile = this.bodyFile;
      async function* content(): AsyncGenerator<Buffer | string> {
        yield headerLine(header);
        yield* createReadStream(bodyFile) as AsyncIterable<Buffer>;
      }
      const out = createWriteStream(this.file, { flags: 'w' });
      if (this.file.endsWith('.gz')) await pipeline(content, createGzip(), out);
      else await pipeline(content, out);
    } finally {
      await rm(this.bodyFile, { force: true });
    }
  }
}
