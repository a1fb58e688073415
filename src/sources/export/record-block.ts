import type { Resource, ScanProblem } from '../../model/index.js';
import { isTypeCountsType, readTypeCounts, type TypeCount } from '../type-counts.js';

/**
 * Complete records read from an inventory file, still as bytes: a compact,
 * transferable copy of the chunk plus each record's span and position. A
 * block can be parsed where it is evaluated, on another thread if need be.
 */
export interface RecordBlock {
  kind: 'records';
  file: string;
  /** Order of the block within its file, from 0. */
  sequence: number;
  bytes: Uint8Array;
  /** start, end, line, column for each record, flat, offsets into `bytes`. */
  spans: Int32Array;
  /** Records read but not parsed: no rule reads their type. */
  skipped: number;
  /** The skipped records by type, as spelled (absent when none were skipped). */
  skippedTypes?: ReadonlyMap<string, number>;
}

/** A record whose JSON does not parse: fatal for its file. */
export interface RecordParseError {
  message: string;
  line: number;
  column: number;
  /** Index of the record in its block (records before it were parsed). */
  index: number;
}

/** How a block's parse went: resources handed out, records that could not be used, and where it stopped. */
export interface ParsedBlock {
  resources: number;
  /** What type-counts records (a live scan's export) declared, in file order. */
  typeCounts?: TypeCount[];
  problems: ScanProblem[];
  error?: RecordParseError;
}

const decoder = new TextDecoder('utf-8');

/**
 * Parses a block's records into resources, handing each to `receive` as soon
 * as it is parsed so it can be evaluated and dropped while it is still young
 * (holding a whole block of parsed records would make the garbage collector
 * copy and promote them). A record that parses but cannot be evaluated (no
 * `id` or `type`) becomes a problem and is skipped; one that does not parse
 * stops the block with an error naming its line and column.
 */
export function parseBlock(block: RecordBlock, receive: (resource: Resource) => void): ParsedBlock {
  let resources = 0;
  let typeCounts: TypeCount[] | undefined;
  const problems: ScanProblem[] = [];
  const { bytes, spans, file } = block;
  for (let i = 0, index = 0; i < spans.length; i += 4, index++) {
    const line = spans[i + 2]!;
    const column = spans[i + 3]!;
    const text = decoder.decode(bytes.subarray(spans[i], spans[i + 1]));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        resources,
        problems,
        ...(typeCounts ? { typeCounts } : {}),
        error: { ...positionOfParseError(error as Error, text, line, column), index },
      };
    }
    const invalid = recordProblem(value);
    if (invalid) {
      problems.push({ code: 'record-invalid', message: invalid, target: file, line, column });
      continue;
    }
    const resource = value as Resource;
    if (isTypeCountsType(resource.type)) {
      const counts = readTypeCounts(value as Record<string, unknown>);
      if (typeof counts === 'string') problems.push({ code: 'record-invalid', message: counts, target: file, line, column });
      else (typeCounts ??= []).push(...counts);
      continue;
    }
    // A live scan's --export keeps each record's graph origin, so its replay reports the same locations.
    if ((resource.origin as { kind?: unknown } | undefined)?.kind !== 'graph') resource.origin = { kind: 'export', file, line };
    resources++;
    receive(resource);
  }
  return typeCounts ? { resources, problems, typeCounts } : { resources, problems };
}

/** Why a parsed record cannot be evaluated, or undefined when it can. */
function recordProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'record is not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record['type'] !== 'string' || record['type'] === '') return "record has no 'type': it cannot be matched to rules";
  if (typeof record['id'] !== 'string' || record['id'] === '') return "record has no 'id': findings could not name it";
  return undefined;
}

/** Maps a JSON.parse error's offset to the file's line and column. */
function positionOfParseError(error: Error, text: string, line: number, column: number): Omit<RecordParseError, 'index'> {
  const at = /position (\d+)/.exec(error.message);
  if (at) {
    const offset = Number(at[1]);
    const before = text.slice(0, offset);
    const newlines = before.split('\n').length - 1;
    line += newlines;
    column = newlines ? offset - before.lastIndexOf('\n') : column + offset;
  }
  const reason = error.message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
  return { message: `malformed JSON record: ${reason}`, line, column };
}
