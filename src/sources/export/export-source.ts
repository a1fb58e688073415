import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ScanProblem } from '../../model/index.js';
import { CHUNK, frameFile, splitterFor, toBlock } from './framing.js';
import type { RecordBlock } from './record-block.js';
import { SplitError } from './record-splitter.js';
import type { InventorySource, ReadOptions } from '../source.js';

/**
 * An exported inventory file: a JSON array of resources, the output of
 * `az graph query` (`{"data": [...]}`), or NDJSON; gzip when it ends in
 * `.gz`; `-` for standard input. Read a chunk at a time: the raw text and
 * the parsed records are never held whole.
 */
export class ExportSource implements InventorySource {
  readonly label: string;

  constructor(private readonly file: string) {
    this.label = `export:${file}`;
  }

  async *batches({ report, wanted }: ReadOptions): AsyncIterable<RecordBlock> {
    try {
      if (this.file === '-' || this.file.endsWith('.gz')) {
        yield* this.streamBlocks(wanted);
      } else {
        yield* frameFile(this.file, wanted);
      }
    } catch (error) {
      if (error instanceof SplitError) {
        report({ ...this.fatal('input-invalid', error.message), line: error.line, column: error.column });
      } else {
        report(this.fatal('input-unreadable', `cannot read: ${(error as Error).message}`));
      }
    }
  }

  /** stdin and gzip: a stream, framed on this thread. */
  private async *streamBlocks(wanted: ReadonlySet<string> | undefined): AsyncIterable<RecordBlock> {
    const raw: Readable = this.file === '-' ? process.stdin : createReadStream(this.file, { highWaterMark: CHUNK });
    const stream = this.file.endsWith('.gz') ? gunzipped(raw) : raw;
    const splitter = splitterFor(wanted);
    let sequence = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const block = toBlock(this.file, sequence, splitter.push(chunk));
        if (block) {
          sequence++;
          yield block;
        }
      }
      const last = toBlock(this.file, sequence, splitter.end());
      if (last) yield last;
    } finally {
      raw.destroy();
    }
  }

  private fatal(code: string, message: string): ScanProblem {
    return { code, message, target: this.file, fatal: true };
  }
}

/**
 * The inflated stream. `pipe` does not pass the source's errors on: a missing
 * file would be an unhandled 'error' event (a stack trace and exit 1), so they
 * end the gunzip stream, whose reader reports them as any read error.
 */
function gunzipped(raw: Readable): Readable {
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}
