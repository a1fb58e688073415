import { applyBaseline, type BaselineEntry } from './baseline.js';
import { applyExemptions, type Exemption } from './exemptions.js';
import type { Finding } from './finding.js';
import { emptySeverityCounts, type ScanResult } from './result.js';

/** What to lay over a scan's findings before reporting it. */
export interface ReviewOptions {
  exemptions?: readonly Exemption[];
  /** The day exemptions are judged on (YYYY-MM-DD, UTC). */
  today: string;
  baseline?: readonly BaselineEntry[];
}

/** Is a finding one that a gate or a code-scanning upload should count? */
export function isOpen(finding: Finding): boolean {
  return !finding.suppression && finding.baselineState !== 'absent';
}

/**
 * Applies exemptions and the baseline to a scan result, then recounts the
 * open findings by severity. The evaluation counts (`byStatus`, `byRule`)
 * stay as evaluated: a suppressed failure is still a failure, just accepted.
 */
export function reviewFindings(result: ScanResult, options: ReviewOptions): ScanResult {
  if (options.exemptions) {
    result.exemptions = applyExemptions(result.findings, options.exemptions, options.today);
    result.summary.suppressed = result.exemptions.applied;
  }
  if (options.baseline) result.summary.baseline = applyBaseline(result.findings, options.baseline);
  const bySeverity = emptySeverityCounts();
  for (const finding of result.findings) if (isOpen(finding)) bySeverity[finding.severity]++;
  result.summary.bySeverity = bySeverity;
  return result;
}
