import type { Finding } from './finding.js';

/** Plain code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts in place by rule id, then resource id, computing each sort key once. */
export function sortFindings(findings: Finding[]): void {
  const keyed = findings.map((finding) => ({ key: `${finding.ruleId}\u0000${finding.resource.id.toLowerCase()}`, finding }));
  keyed.sort((a, b) => compareText(a.key, b.key) || compareFindings(a.finding, b.finding));
  for (let i = 0; i < keyed.length; i++) findings[i] = keyed[i]!.finding;
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
