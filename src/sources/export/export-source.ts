import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ScanProblem } from '../../model/index.js';
import { CHUNK, frameFile, splitterFor, toBlock } from './framing.js';
import { HEADER_PREFIX, parseHeader, type ExportHeader } from './header.js';
import type { RecordBlock } from './record-block.js';
import { SplitError } from './record-splitter.js';
import type { InventorySource, ReadOptions } from '../source.js';

/** The first two bytes of every gzip stream (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** A header line that cannot be read: fatal for its file, at line 1. */
class HeaderError extends Error {}

/**
 * An exported inventory file: a JSON array of resources, the output of
 * `az graph query` (`{"data": [...]}`), or NDJSON; gzip-compressed or not,
 * told by its first bytes rather than its name; `-` for standard input.
 * Read a chunk at a time: the raw text and the parsed records are never
 * held whole.
 *
 * A live scan's `--export` starts with a header line (`ExportHeader`): its
 * problems are reported again and its covered subscriptions declared, so a
 * scan of one or several exports reports coverage, problems and exit code
 * as the live scan of the same scope did.
 */
export class ExportSource implements InventorySource {
  readonly label: string;
  readonly bytes?: number;

  constructor(private readonly file: string) {
    this.label = `export:${file}`;
    const bytes = file === '-' ? undefined : sizeOf(file);
    if (bytes !== undefined) this.bytes = bytes;
  }

  async *batches({ report, wanted, covered }: ReadOptions): AsyncIterable<RecordBlock> {
    const restore = (header: ExportHeader): void => {
      for (const problem of header.problems) report(problem);
      for (const subscription of header.covered) covered?.(subscription);
    };
    try {
      const plain = this.file === '-' ? undefined : plainHeader(this.file);
      if (plain) {
        if (plain.header) restore(plain.header);
        // An export of a scope with nothing to read is its header alone: no records is no error.
        if (!plain.header || plain.start.offset < statSync(this.file).size) yield* frameFile(this.file, wanted, plain.start);
      } else {
        yield* this.streamBlocks(wanted, restore);
      }
    } catch (error) {
      if (error instanceof SplitError) {
        report({ ...this.fatal('input-invalid', error.message), line: error.line, column: error.column });
      } else if (error instanceof HeaderError) {
        report({ ...this.fatal('input-invalid', error.message), line: 1, column: 1 });
      } else {
        report(this.fatal('input-unreadable', `cannot read: ${(error as Error).message}`));
      }
    }
  }

  /** stdin and gzip: a stream, decompressed when it starts with gzip's magic bytes, framed on this thread. */
  private async *streamBlocks(
    wanted: ReadonlySet<string> | undefined,
    restore: (header: ExportHeader) => void,
  ): AsyncIterable<RecordBlock> {
    const raw: Readable = this.file === '-' ? process.stdin : createReadStream(this.file, { highWaterMark: CHUNK });
    try {
      const text = takeHeader(decompressed(raw));
      let first = await text.next();
      const header = first.done ? undefined : first.value.header;
      if (header) restore(header);
      const splitter = splitterFor(wanted, header ? 2 : 1);
      let sequence = 0;
      let bytes = 0;
      for (; !first.done; first = await text.next()) {
        bytes += first.value.bytes.length;
        const block = toBlock(this.file, sequence, splitter.push(first.value.bytes));
        if (block) {
          sequence++;
          yield block;
        }
      }
      if (header && bytes === 0) return;
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

/** A file's size, or undefined when it cannot be read (reading it reports why). */
function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/**
 * For a file that is not gzip: its header, if it starts with one, and where
 * its records start. Undefined for a gzip file (read as a stream).
 */
function plainHeader(file: string): { header?: ExportHeader; start: { offset: number; line: number } } | undefined {
  const fd = openSync(file, 'r');
  try {
    let text: Buffer = Buffer.alloc(0);
    for (;;) {
      const buffer = Buffer.allocUnsafe(text.length ? CHUNK : HEADER_PREFIX.length);
      const read = readSync(fd, buffer, 0, buffer.length, text.length);
      text = Buffer.concat([text, buffer.subarray(0, read)]);
      if (text.length >= 2 && isGzip(text)) return undefined;
      if (!startsLikeHeader(text) && (text.length >= HEADER_PREFIX.length || read === 0)) return { start: { offset: 0, line: 1 } };
      const newline = text.indexOf(0x0a);
      if (newline >= 0 && text.length >= HEADER_PREFIX.length) {
        return { header: readHeader(text.subarray(0, newline)), start: { offset: newline + 1, line: 2 } };
      }
      if (read === 0) {
        if (text.length >= HEADER_PREFIX.length) return { header: readHeader(text), start: { offset: text.length, line: 2 } };
        return { start: { offset: 0, line: 1 } };
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether the bytes so far could begin a header line. */
function startsLikeHeader(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, HEADER_PREFIX.length);
  return bytes.toString('latin1', 0, n) === HEADER_PREFIX.slice(0, n);
}

function readHeader(bytes: Buffer): ExportHeader {
  try {
    return parseHeader(bytes.toString('utf8'));
  } catch (error) {
    throw new HeaderError(`the export's header line cannot be read: ${(error as Error).message}`);
  }
}

/** The stream's bytes, gunzipped when the first two are gzip's magic. */
async function* decompressed(raw: Readable): AsyncGenerator<Buffer> {
  const chunks = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  if (!isGzip(head)) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  // pipeline forwards a read error to the gunzip stream, so iterating it rejects.
  pipeline(Readable.from(rest()), gunzip, () => undefined);
  yield* gunzip as AsyncIterable<Buffer>;
}

/**
 * Takes an export's header line off the front of a stream. The first item
 * carries the header (if any) and the bytes after it; later items, bytes.
 */
async function* takeHeader(chunks: AsyncGenerator<Buffer>): AsyncGenerator<{ header?: ExportHeader; bytes: Buffer }> {
  let head: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await chunks.next();
    if (!next.done) head = head.length ? Buffer.concat([head, next.value]) : next.value;
    const decided = head.length >= HEADER_PREFIX.length || next.done;
    if (decided && !startsLikeHeader(head)) {
      yield { bytes: head };
      break;
    }
    if (decided && head.length >= HEADER_PREFIX.length) {
      const newline = head.indexOf(0x0a);
      if (newline >= 0) {
        yield { header: readHeader(head.subarray(0, newline)), bytes: head.subarray(newline + 1) };
        break;
      }
      if (next.done) {
        yield { header: readHeader(head), bytes: Buffer.alloc(0) };
        return;
      }
    } else if (next.done) {
      yield { bytes: head };
      return;
    }
  }
  yield* (async function* () {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield { bytes: next.value };
  })();
}
