import { sortByIds } from '../model/index.js';
import type { Finding } from './finding.js';

/** Plain code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts in place by rule id, then resource id. Rule ids and resource ids are
 * put in order once each (there are far fewer of them than findings); each
 * finding then gets one number, its rule's rank, its resource's rank and its
 * own position, and the numbers go through the built-in numeric sort, which
 * calls no comparator. Findings of one rule on one resource (the same
 * resource read twice) are put in order by `compareFindings` afterwards.
 */
export function sortFindings(findings: Finding[]): void {
  const count = findings.length;
  const rules = rankOf([...new Set(findings.map((finding) => finding.ruleId))].sort());
  const resources = rankOf(sortByIds([...new Set(findings.map((finding) => finding.resource.id))], (id) => id));
  const width = resources.size;
  if (rules.size * width * count >= Number.MAX_SAFE_INTEGER) {
    findings.sort(compareFindings); // beyond what one number holds exactly
    return;
  }
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const finding = findings[i]!;
    keys[i] = (rules.get(finding.ruleId)! * width + resources.get(finding.resource.id)!) * count + i;
  }
  keys.sort();
  const before = findings.slice();
  for (let i = 0; i < count; i++) findings[i] = before[keys[i]! % count]!;
  // Runs of one rule and one resource: rare, and ordered by where they were found.
  for (let start = 0; start < count;) {
    const group = Math.floor(keys[start]! / count);
    let end = start + 1;
    while (end < count && Math.floor(keys[end]! / count) === group) end++;
    if (end - start > 1) {
      const run = findings.slice(start, end).sort(compareFindings);
      for (let i = 0; i < run.length; i++) findings[start + i] = run[i]!;
    }
    start = end;
  }
}

/** Each text's place in a sorted list of distinct texts. */
function rankOf(sorted: readonly string[]): Map<string, number> {
  const rank = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) rank.set(sorted[i]!, i);
  return rank;
}

/** Rule id, then resource id (case-insensitive), then where it was found: a total, stable order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.resource.id.toLowerCase(), b.resource.id.toLowerCase()) ||
    compareText(a.resource.id, b.resource.id) ||
    compareText(JSON.stringify(a.location), JSON.stringify(b.location))
  );
}
