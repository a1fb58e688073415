import type { ScanProblem } from '../model/index.js';
import type { CompiledRule } from '../engine/index.js';
import { SEVERITIES, type Severity } from '../rules/index.js';
import type { BaselineCounts } from './baseline.js';
import type { ExemptionOutcome } from './exemptions.js';
import type { Finding } from './finding.js';
import type { Posture } from './posture.js';

/** Counts of outcomes for one rule. */
export interface OutcomeCounts {
  pass: number;
  fail: number;
  unknown: number;
  notApplicable: number;
}

/** What a source contributed. */
export interface SourceSummary {
  kind: string;
  target: string;
  resources: number;
}

/** Everything a report presents: reporters only read this. */
export interface ScanResult {
  tool: { name: 'keyscope'; version: string };
  scan: {
    sources: SourceSummary[];
    /** ISO times; null unless the scan records them (`--timestamps`, live scans). */
    started: string | null;
    ended: string | null;
    /** False when anything could not be read or evaluated. */
    complete: boolean;
    /** Subscriptions resources were read from (lower-case, sorted), including ones a source read with nothing to report. */
    scopes?: string[];
    errors: ScanProblem[];
    /**
     * Deploy-time unknowns and sources with nothing to scan in a folder scan
     * (`template-parameter-missing`, `input-empty`): listed, the scan stays complete.
     */
    notices: ScanProblem[];
    /** The rule profile the scan ran with (its name, or the file it was read from); null without one. */
    profile: string | null;
  };
  summary: {
    resources: number;
    byStatus: OutcomeCounts;
    /** Open findings (fail and unknown, not suppressed, not absent) by severity. */
    bySeverity: Record<Severity, number>;
    byRule: Record<string, OutcomeCounts & { severity: Severity }>;
    /** Findings an exemption suppressed (present when exemptions were given). */
    suppressed?: number;
    /** Findings by baseline state (present with `--baseline`). */
    baseline?: BaselineCounts;
  };
  /** What the exemptions did (present when exemptions were given). */
  exemptions?: ExemptionOutcome;
  /** Sorted by rule id, then resource id, then location. */
  findings: Finding[];
  /** Key-management posture of the data resources read. */
  posture: Posture;
  /** The rules that ran, sorted by id (reporters use their metadata). */
  rules: readonly CompiledRule[];
}

export function emptyCounts(): OutcomeCounts {
  return { pass: 0, fail: 0, unknown: 0, notApplicable: 0 };
}

export function emptySeverityCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}
