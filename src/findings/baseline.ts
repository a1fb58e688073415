import type { Result as SarifResult, Log as SarifLog } from 'sarif';
import { UNKNOWN_CAUSES, type UnknownCause } from '../model/index.js';
import type { Severity } from '../rules/index.js';
import { RecordedFinding, type BaselineState, type Finding, type FindingLocation, type FindingResource } from './finding.js';
import { sortFindings } from './order.js';

/** One finding of a previous scan, as much of it as a JSON or SARIF report keeps. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  status: 'fail' | 'unknown';
  message: string;
  resource: FindingResource;
  location: FindingLocation;
  /** An unknown's cause, when the report recorded one (format 1.3 on). */
  cause?: UnknownCause;
}

/** A recorded cause, when it is one of today's. */
function causeOf(value: unknown): { cause?: UnknownCause } {
  return (UNKNOWN_CAUSES as readonly unknown[]).includes(value) ? { cause: value as UnknownCause } : {};
}

/** Counts of each baseline state. */
export type BaselineCounts = Record<BaselineState, number>;

/** Why a baseline file cannot be used. */
export class BaselineFormatError extends Error {}

/**
 * Reads the findings of a previous keyscope report: its JSON findings
 * document or its SARIF log (full or GitHub profile). Findings are matched by
 * fingerprint only, never by line number.
 */
export function readBaseline(text: string): BaselineEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BaselineFormatError(`not JSON: ${(error as Error).message}`);
  }
  if (isObject(document) && Array.isArray(document['findings'])) return fromFindingsDocument(document['findings'] as Finding[]);
  if (isObject(document) && Array.isArray(document['runs'])) return fromSarif(document as unknown as SarifLog);
  throw new BaselineFormatError('neither a keyscope JSON findings document nor a SARIF log');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fromFindingsDocument(findings: Finding[]): BaselineEntry[] {
  return findings
    .filter((f) => f.baselineState !== 'absent' && typeof f.fingerprint === 'string')
    .map((f) => ({
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      status: f.status,
      message: f.message,
      resource: f.resource,
      location: f.location,
      ...causeOf((f as { cause?: unknown }).cause),
    }));
}

function fromSarif(log: SarifLog): BaselineEntry[] {
  const entries: BaselineEntry[] = [];
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') continue;
      const fingerprint = result.partialFingerprints?.['keyscope/v1'];
      if (!fingerprint || !result.ruleId) continue;
      const bag = (result.properties ?? {}) as {
        severity?: Severity;
        status?: 'fail' | 'unknown';
        resource?: FindingResource;
        location?: FindingLocation;
        cause?: unknown;
      };
      entries.push({
        fingerprint,
        ruleId: result.ruleId,
        severity: bag.severity ?? 'high',
        status: bag.status ?? (result.kind === 'open' ? 'unknown' : 'fail'),
        message: messageOf(result),
        resource: bag.resource ?? {
          id: result.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? fingerprint,
          type: '',
          name: '',
          subscriptionId: undefined,
          resourceGroup: undefined,
        },
        location: bag.location ?? { kind: 'unknown' },
        ...causeOf(bag.cause),
      });
    }
  }
  return entries;
}

function messageOf(result: SarifResult): string {
  return result.message.text ?? '';
}

/**
 * Marks each finding new, unchanged or updated (same fingerprint, different
 * message, status or severity) against the previous scan, and adds the
 * previous scan's findings that are gone as `absent`.
 */
export function applyBaseline(findings: Finding[], previous: readonly BaselineEntry[]): BaselineCounts {
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  const before = new Map(previous.map((entry) => [entry.fingerprint, entry]));
  const seen = new Set<string>();
  for (const finding of findings) {
    const earlier = before.get(finding.fingerprint);
    seen.add(finding.fingerprint);
    const state: BaselineState = !earlier
      ? 'new'
      : earlier.message === finding.message && earlier.status === finding.status && earlier.severity === finding.severity
        ? 'unchanged'
        : 'updated';
    finding.baselineState = state;
    counts[state]++;
  }
  for (const entry of previous) {
    if (seen.has(entry.fingerprint)) continue;
    seen.add(entry.fingerprint);
    const absent = new RecordedFinding(entry, entry);
    absent.baselineState = 'absent';
    findings.push(absent);
    counts.absent++;
  }
  sortFindings(findings);
  return counts;
}
