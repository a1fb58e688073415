import { runInProcess } from '../helpers.js';

/** A rule's counts in the JSON report's summary. */
export interface Counts {
  pass: number;
  fail: number;
  unknown: number;
  notApplicable: number;
}

/** The parts of the JSON report the service tests read. */
export interface ServiceReport {
  summary: { byRule: Record<string, Counts> };
  findings: { ruleId: string; status: string; resource: { name: string } }[];
}

/** Scans an exported inventory in-process with no gate; the scan must print nothing on stderr and exit 0. */
export async function scanService(inventory: string): Promise<ServiceReport> {
  const result = await runInProcess(['scan', '--input', inventory, '--format', 'json', '--fail-on', 'none']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ServiceReport;
}

/** The findings of `ruleIds`, in report order, as `ruleId resource-name status`. */
export function findingLines(report: ServiceReport, ruleIds: readonly string[]): string[] {
  return report.findings
    .filter((finding) => ruleIds.includes(finding.ruleId))
    .map((finding) => `${finding.ruleId} ${finding.resource.name} ${finding.status}`);
}

/** Each of `ruleIds` with its four counts and nothing else from the summary (a rule absent from it throws). */
export function countsOf(report: ServiceReport, ruleIds: readonly string[]): Record<string, Counts> {
  return Object.fromEntries(
    ruleIds.map((id) => {
      const { pass, fail, unknown, notApplicable } = report.summary.byRule[id]!;
      return [id, { pass, fail, unknown, notApplicable }];
    }),
  );
}
