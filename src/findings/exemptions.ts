import { wildcardPattern } from '../model/index.js';
import type { Finding } from './finding.js';

/** An accepted exception to a rule for matching resources, until it expires. */
export interface Exemption {
  /** Rule id, glob over rule ids, or `*`. */
  rule: string;
  /** Resource id glob, case-insensitive. */
  resource: string;
  justification: string;
  /** Last day (UTC, YYYY-MM-DD) it applies. */
  expires: string;
  approvedBy?: string;
  ticket?: string;
  /** Where it is written: `exemptions.yaml:12:3`. */
  origin: string;
}

/** An exemption as the report lists it, with how many findings it matched. */
export interface ExemptionReport {
  rule: string;
  resource: string;
  expires: string;
  justification: string;
  origin: string;
  matched: number;
}

/** What the exemptions did in a scan. */
export interface ExemptionOutcome {
  /** Findings suppressed. */
  applied: number;
  /** Exemptions past their date: they no longer suppress anything, and say so. */
  expired: ExemptionReport[];
  /** Exemptions in force that matched no finding (candidates for removal). */
  unused: ExemptionReport[];
}

/**
 * Suppresses findings covered by an exemption in force on `today`
 * (YYYY-MM-DD, UTC). An expired exemption stops suppressing and is reported,
 * so an exception nobody renewed cannot hide a finding forever.
 */
export function applyExemptions(findings: Finding[], exemptions: readonly Exemption[], today: string): ExemptionOutcome {
  const compiled = exemptions.map((exemption) => ({
    exemption,
    rule: wildcardPattern(exemption.rule),
    resource: wildcardPattern(exemption.resource),
    active: exemption.expires >= today,
    matched: 0,
  }));
  let applied = 0;
  for (const finding of findings) {
    for (const candidate of compiled) {
      if (!candidate.rule.test(finding.ruleId) || !candidate.resource.test(finding.resource.id)) continue;
      candidate.matched++;
      if (candidate.active && !finding.suppression) {
        const { justification, expires, approvedBy, ticket, origin } = candidate.exemption;
        finding.suppression = {
          kind: 'external',
          status: 'accepted',
          justification,
          expires,
          ...(approvedBy === undefined ? {} : { approvedBy }),
          ...(ticket === undefined ? {} : { ticket }),
          exemption: origin,
        };
        applied++;
      }
    }
  }
  const report = (c: (typeof compiled)[number]): ExemptionReport => ({
    rule: c.exemption.rule,
    resource: c.exemption.resource,
    expires: c.exemption.expires,
    justification: c.exemption.justification,
    origin: c.exemption.origin,
    matched: c.matched,
  });
  return {
    applied,
    expired: compiled.filter((c) => !c.active).map(report),
    unused: compiled.filter((c) => c.active && c.matched === 0).map(report),
  };
}

/** Today's date in UTC, YYYY-MM-DD. */
export function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
