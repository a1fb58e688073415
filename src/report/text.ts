import { describeEvidence, isOpen, type Finding, type ScanResult } from '../findings/index.js';
import type { Severity } from '../rules/index.js';
import { noticeSummary, problemAt } from './notices.js';
import { postureLine, postureTotal, typeListLines } from './posture-text.js';
import { PIECE, singleDocument, type ReportOptions } from './reporter.js';
import { unknownSectionText } from './unknown-causes.js';

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '\u001b[1;35m',
  high: '\u001b[1;31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';

/** Where a finding's resource came from, compiler-style: `file:line`, or the query scope. */
export function locationText(finding: Finding): string {
  const location = finding.location;
  switch (location.kind) {
    case 'export':
      return `${location.file}:${location.line}`;
    case 'arm':
      return `${location.file}:${location.line}:${location.column}`;
    case 'terraform': {
      // Positions are in the .tf file when keyscope found the configuration, else in the plan.
      const file = location.configFile ?? location.file;
      return location.line === undefined
        ? `${file} (${location.address})`
        : `${file}:${location.line}:${location.column ?? 1} (${location.address})`;
    }
    case 'example':
      return `${location.file} (example '${location.example}')`;
    case 'graph':
      return location.subscriptionId ? `subscription ${location.subscriptionId}` : 'resource graph';
    default:
      return '';
  }
}

/** A readable report for a terminal: findings grouped by rule, then totals and what was not read. */
const MAX_SUBSCRIPTION_LINES = 20;
/** Types named on a per-type line; the JSON report has them all. */
const MAX_TYPES = 10;

export function* renderText(result: ScanResult, options: Pick<ReportOptions, 'color'>): Generator<string> {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const rulesById = new Map(result.rules.map((rule) => [rule.id, rule]));
  let current: string | undefined;
  let out = '';
  for (const finding of result.findings) {
    if (!isOpen(finding)) continue;
    if (finding.ruleId !== current) {
      current = finding.ruleId;
      const rule = rulesById.get(current);
      const counts = result.summary.byRule[current];
      const tally = counts
        ? [counts.fail ? `${counts.fail} fail` : '', counts.unknown ? `${counts.unknown} unknown` : ''].filter(Boolean).join(', ')
        : '';
      out += `\n${paint(SEVERITY_COLOUR[finding.severity], finding.severity.toUpperCase().padEnd(8))} ${paint(BOLD, current)}  ${rule?.definition.title ?? ''}${tally ? `  (${tally})` : ''}\n`;
    }
    const mark = finding.status === 'fail' ? paint(SEVERITY_COLOUR.high, '✖ fail   ') : paint(SEVERITY_COLOUR.medium, '? unknown');
    const where = locationText(finding);
    if (finding.location.kind === 'arm' || finding.location.kind === 'terraform') {
      // Templates and plans: one line the way compilers print, so editors and CI logs link to it.
      out += `  ${where}  ${finding.ruleId}  ${finding.status === 'unknown' ? 'unknown: ' : ''}${finding.message}\n`;
    } else {
      out += `  ${mark} ${finding.resource.name}  ${paint(DIM, finding.resource.id)}\n`;
      for (const evidence of finding.evidence) out += `              ${describeEvidence(evidence)}\n`;
      if (where) out += `              ${paint(DIM, `at ${where}`)}\n`;
    }
    if (out.length > PIECE) {
      yield out;
      out = '';
    }
  }
  const s = result.summary;
  const profile = result.scan.profile === null ? '' : ` (profile ${result.scan.profile})`;
  out += `\n${paint(BOLD, 'Summary')}  ${s.resources} resources, ${result.rules.length} rules${profile}: `;
  out += `${s.byStatus.fail} fail, ${s.byStatus.unknown} unknown, ${s.byStatus.pass} pass, ${s.byStatus.notApplicable} not applicable\n`;
  const severities = (Object.keys(s.bySeverity) as Severity[]).map((severity) => `${severity} ${s.bySeverity[severity]}`).join(' · ');
  out += `Open findings by severity: ${severities}\n`;
  const posture = result.posture;
  if (postureTotal(posture) > 0 || posture.platformOnly.length || posture.notAssessed.length) {
    out += `Key management  ${postureTotal(posture)} data resources: ${postureLine(posture.totals)}\n`;
    const subscriptions = Object.keys(posture.bySubscription);
    // One line per subscription for a tenant scan; the JSON report has every resource.
    if (subscriptions.length > 1) {
      for (const key of subscriptions.slice(0, MAX_SUBSCRIPTION_LINES)) out += `  ${key}  ${postureLine(posture.bySubscription[key]!)}\n`;
      if (subscriptions.length > MAX_SUBSCRIPTION_LINES)
        out += `  ... ${subscriptions.length - MAX_SUBSCRIPTION_LINES} more subscriptions in the JSON report\n`;
    }
    for (const line of typeListLines(posture, MAX_TYPES)) out += `  ${line}\n`;
  }
  if (s.suppressed) out += `Suppressed by exemptions: ${s.suppressed}\n`;
  if (s.baseline)
    out += `Against the baseline: ${s.baseline.new} new, ${s.baseline.updated} updated, ${s.baseline.unchanged} unchanged, ${s.baseline.absent} fixed\n`;
  for (const expired of result.exemptions?.expired ?? []) {
    out += `${paint(SEVERITY_COLOUR.medium, 'Exemption expired')}: ${expired.origin} (${expired.rule} on ${expired.resource}) on ${expired.expires}; it no longer suppresses anything\n`;
  }
  out += unknownSectionText(result.findings, (text) => paint(BOLD, text));
  if (result.scan.notices.length) {
    const { listed, more } = noticeSummary(result.scan.notices);
    out += `\nNotices: ${result.scan.notices.length} (the scan is complete; what they leave unknown shows as unknown findings)\n`;
    for (const notice of listed) out += `  ${problemAt(notice)}  ${notice.code}  ${notice.message}\n`;
    if (more) out += `  ... ${more}\n`;
  }
  if (!result.scan.complete) {
    out += `\n${paint(SEVERITY_COLOUR.high, `Scan incomplete: ${result.scan.errors.length} problem(s); what was not read is not compliant.`)}\n`;
    for (const problem of result.scan.errors) out += `  ${problemAt(problem)}  ${problem.code}  ${problem.message}\n`;
  } else if (!result.findings.some(isOpen)) {
    out += `${paint('\u001b[32m', 'No findings.')}\n`;
  }
  yield out;
}

/** `--format text`. */
export const textFormat = singleDocument('text', '.txt', renderText);
