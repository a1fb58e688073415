import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Resource, ScanProblem } from '../../model/index.js';
import { RecordSplitter, SplitError, type RecordText } from './record-splitter.js';

/** What a source hands the scan: resources in batches, and problems as they are met. */
export interface InventorySource {
  /** Describes the source for the report (`export:inventory.json`). */
  readonly label: string;
  /** Resources, a batch at a time (a batch is one read chunk). */
  batches(report: (problem: ScanProblem) => void): AsyncIterable<Resource[]>;
}

/**
 * An exported inventory file: a JSON array of resources, the output of
 * `az graph query` (`{"data": [...]}`), or NDJSON; gzip when it ends in
 * `.gz`; `-` for standard input. Read in 1 MiB chunks: the raw text and the
 * parsed records are never held whole.
 */
export class ExportSource implements InventorySource {
  readonly label: string;

  constructor(
    private readonly file: string,
    private readonly open: (file: string) => Readable = defaultOpen,
  ) {
    this.label = `export:${file}`;
  }

  async *batches(report: (problem: ScanProblem) => void): AsyncIterable<Resource[]> {
    const splitter = new RecordSplitter();
    let stream: Readable;
    try {
      stream = this.open(this.file);
    } catch (error) {
      report(this.problem('input-unreadable', `cannot read: ${(error as Error).message}`, undefined, true));
      return;
    }
    const records: RecordText[] = [];
    try {
      for await (const chunk of stream) {
        splitter.push(chunk as Buffer, records);
        yield* this.drain(records, report);
      }
      splitter.end(records);
      yield* this.drain(records, report);
    } catch (error) {
      // Records before the bad one in the same chunk were handed out by drain already.
      if (error instanceof SplitError || error instanceof RecordError) {
        report(this.problem('input-invalid', error.message, { line: error.line, column: error.column }, true));
      } else {
        report(this.problem('input-unreadable', `cannot read: ${(error as Error).message}`, undefined, true));
      }
      stream.destroy();
    }
  }

  /** Parses the complete records so far; yields them before rethrowing a parse error. */
  private *drain(records: RecordText[], report: (problem: ScanProblem) => void): Iterable<Resource[]> {
    if (records.length === 0) return;
    const { resources, error } = this.toResources(records.splice(0), report);
    if (resources.length) yield resources;
    if (error) throw error;
  }

  private toResources(records: RecordText[], report: (problem: ScanProblem) => void): { resources: Resource[]; error?: RecordError } {
    const resources: Resource[] = [];
    for (const record of records) {
      let value: unknown;
      try {
        value = JSON.parse(record.text);
      } catch (error) {
        return { resources, error: RecordError.fromParse(error as Error, record) };
      }
      const invalid = recordProblem(value);
      if (invalid) {
        // Not fatal: the rest of the file is still read, but the scan is incomplete.
        report(this.problem('record-invalid', invalid, { line: record.line, column: record.column }));
        continue;
      }
      const resource = value as Resource;
      resource.origin = { kind: 'export', file: this.file, line: record.line };
      resources.push(resource);
    }
    return { resources };
  }

  private problem(code: string, message: string, at: { line: number; column: number } | undefined, fatal = false): ScanProblem {
    return { code, message, target: this.file, ...(at ?? {}), ...(fatal ? { fatal } : {}) };
  }
}

function defaultOpen(file: string): Readable {
  const raw = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** Why a parsed record cannot be evaluated, or undefined when it can. */
function recordProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'record is not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record['type'] !== 'string' || record['type'] === '') return "record has no 'type': it cannot be matched to rules";
  if (typeof record['id'] !== 'string' || record['id'] === '') return "record has no 'id': findings could not name it";
  return undefined;
}

/** A record whose JSON does not parse, positioned in the file. */
class RecordError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }

  static fromParse(error: Error, record: RecordText): RecordError {
    const at = /position (\d+)/.exec(error.message);
    let line = record.line;
    let column = record.column;
    if (at) {
      const offset = Number(at[1]);
      const before = record.text.slice(0, offset);
      const newlines = before.split('\n').length - 1;
      line += newlines;
      column = newlines ? offset - before.lastIndexOf('\n') : record.column + offset;
    }
    const reason = error.message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    return new RecordError(`malformed JSON record: ${reason}`, line, column);
  }
}
