import type { ScanProblem } from '../../model/index.js';

/** Version of the header record; a reader refuses a version it does not know rather than guess. */
export const EXPORT_HEADER_VERSION = 1;

/**
 * The first line of a live scan's `--export`: what the scan was asked to
 * cover and what it could not read, so `--input` of the export (or of
 * several, one per shard) reports coverage and problems as the live scan
 * did. Resources follow, one a line.
 */
export interface ExportHeader {
  /** Always `EXPORT_HEADER_VERSION` when written; marks the record as a header. */
  keyscopeExport: number;
  /** The scope as the live scan's report names it (`tenant`, `/subscriptions/ID`, a management group). */
  scope: string;
  /** The subscriptions the scope held (lower-case, sorted). */
  subscriptions: string[];
  /** Those read completely (lower-case, sorted): the scan's `scopes`. */
  covered: string[];
  /** Those not read completely (lower-case, sorted). */
  notRead: string[];
  /** Every problem the live source reported, in the order reported. */
  problems: ScanProblem[];
}

/** How every header line starts: one comparison tells a header from a resource. */
export const HEADER_PREFIX = '{"keyscopeExport":';

/** The header as its line (with the newline). */
export function headerLine(header: ExportHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** Reads a header line; throws an Error saying what is wrong with it. */
export function parseHeader(text: string): ExportHeader {
  const value = JSON.parse(text) as Partial<ExportHeader>;
  if (value.keyscopeExport !== EXPORT_HEADER_VERSION)
    throw new Error(`export header version ${String(value.keyscopeExport)} is not one this keyscope reads (${EXPORT_HEADER_VERSION})`);
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (typeof value.scope !== 'string' || !strings(value.subscriptions) || !strings(value.covered) || !strings(value.notRead))
    throw new Error('export header lacks scope, subscriptions, covered or notRead');
  if (
    !Array.isArray(value.problems) ||
    !value.problems.every(
      (problem: Partial<ScanProblem>) =>
        typeof problem === 'object' &&
        problem !== null &&
        typeof problem.code === 'string' &&
        typeof problem.message === 'string' &&
        typeof problem.target === 'string',
    )
  )
    throw new Error('export header problems are not a list of {code, message, target}');
  return value as ExportHeader;
}
