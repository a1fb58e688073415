import type { ScanProblem } from '../model/index.js';

/** Notices listed one by one; the rest are counted by code (the JSON report has them all). */
export const NOTICES_LISTED = 10;

/** Where a problem is, compiler-style: `file:line:col`, or its target alone. */
export function problemAt(problem: ScanProblem): string {
  if (problem.line === undefined) return problem.target;
  return `${problem.target}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
}

/**
 * The brief notices section of the text and Markdown reports: the first
 * notices as they are, then the others counted by code.
 */
export function noticeSummary(notices: readonly ScanProblem[]): { listed: readonly ScanProblem[]; more: string | undefined } {
  const listed = notices.slice(0, NOTICES_LISTED);
  if (notices.length <= NOTICES_LISTED) return { listed, more: undefined };
  const byCode = new Map<string, number>();
  for (const notice of notices.slice(NOTICES_LISTED)) byCode.set(notice.code, (byCode.get(notice.code) ?? 0) + 1);
  const counts = [...byCode].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, n]) => `${code} ${n}`);
  return { listed, more: `${notices.length - NOTICES_LISTED} more (${counts.join(', ')}) in the JSON report` };
}
