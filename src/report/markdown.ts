import { MODEL_LABELS, postureLine, postureTotal, typeListLines } from './posture-text.js';
import { isOpen, type Finding, type Posture, type ScanResult } from '../findings/index.js';
import { SEVERITIES, type Severity } from '../rules/index.js';
import { noticeSummary } from './notices.js';
import { singleDocument } from './reporter.js';
import { unknownSectionMarkdown } from './unknown-causes.js';

const ICON: Record<Severity, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };
const WORST_RESOURCES = 10;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A summary for a CI job page (`$GITHUB_STEP_SUMMARY`): totals by severity,
 * failing rules, the worst resources, and what was not evaluated and why.
 */
export function* renderMarkdown(result: ScanResult): Generator<string> {
  const open = result.findings.filter(isOpen);
  const lines: string[] = ['## keyscope', ''];
  const verdict = !result.scan.complete
    ? '⚠️ **Scan incomplete**: some inputs could not be read or evaluated; they are not compliant, just unknown.'
    : open.length === 0
      ? '✅ **No open findings.**'
      : `❌ **${open.length} open finding${open.length === 1 ? '' : 's'}.**`;
  lines.push(verdict, '');
  const profile = result.scan.profile === null ? '' : ` (profile \`${result.scan.profile}\`)`;
  lines.push(`${result.summary.resources} resources, ${result.rules.length} rules${profile}.`, '');

  lines.push('| severity | open findings |', '|---|---:|');
  for (const severity of SEVERITIES) lines.push(`| ${ICON[severity]} ${severity} | ${result.summary.bySeverity[severity]} |`);
  lines.push('');
  const extras: string[] = [];
  if (result.summary.suppressed) extras.push(`${result.summary.suppressed} suppressed by exemptions`);
  const baseline = result.summary.baseline;
  if (baseline)
    extras.push(
      `against the baseline: ${baseline.new} new, ${baseline.updated} updated, ${baseline.unchanged} unchanged, ${baseline.absent} fixed`,
    );
  if (extras.length) lines.push(`${extras.join('; ')}.`, '');
  lines.push(...postureSection(result.posture));

  const byRule = new Map<string, { fail: number; unknown: number; severity: Severity; title: string }>();
  const titles = new Map(result.rules.map((rule) => [rule.id, rule.definition.title]));
  for (const finding of open) {
    const entry = byRule.get(finding.ruleId) ?? {
      fail: 0,
      unknown: 0,
      severity: finding.severity,
      title: titles.get(finding.ruleId) ?? '',
    };
    entry[finding.status]++;
    byRule.set(finding.ruleId, entry);
  }
  if (byRule.size) {
    lines.push('### Failing rules', '', '| rule | severity | fail | unknown | |', '|---|---|---:|---:|---|');
    const ranked = [...byRule.entries()].sort(
      ([a, x], [b, y]) =>
        SEVERITIES.indexOf(x.severity) - SEVERITIES.indexOf(y.severity) || y.fail + y.unknown - (x.fail + x.unknown) || (a < b ? -1 : 1),
    );
    for (const [id, entry] of ranked)
      lines.push(`| \`${id}\` | ${entry.severity} | ${entry.fail} | ${entry.unknown} | ${cell(entry.title)} |`);
    lines.push('');
  }

  const worst = worstResources(open);
  if (worst.length) {
    lines.push('### Worst resources', '', '| resource | type | findings | most severe |', '|---|---|---:|---|');
    for (const entry of worst) lines.push(`| ${cell(entry.name)} | \`${entry.type}\` | ${entry.count} | ${entry.severity} |`);
    lines.push('');
  }

  const unknown = open.filter((finding) => finding.status === 'unknown').length;
  if (result.scan.errors.length || unknown) {
    lines.push('### Not evaluated', '');
    for (const problem of result.scan.errors) {
      const at = problem.line === undefined ? problem.target : `${problem.target}:${problem.line}`;
      lines.push(`- \`${cell(at)}\` ${problem.code}: ${cell(problem.message)}`);
    }
    if (unknown) {
      if (result.scan.errors.length) lines.push('');
      lines.push(...unknownSectionMarkdown(open, cell));
    }
    lines.push('');
  }
  if (result.scan.notices.length) {
    const { listed, more } = noticeSummary(result.scan.notices);
    lines.push(`### Notices (${result.scan.notices.length})`, '');
    for (const notice of listed) {
      const at = notice.line === undefined ? notice.target : `${notice.target}:${notice.line}`;
      lines.push(`- \`${cell(at)}\` ${notice.code}: ${cell(notice.message)}`);
    }
    if (more) lines.push(`- ${more}`);
    lines.push('');
  }
  for (const expired of result.exemptions?.expired ?? []) {
    lines.push(
      `- ⏰ Exemption \`${cell(expired.origin)}\` (${expired.rule} on \`${cell(expired.resource)}\`) expired on ${expired.expires}.`,
    );
  }
  yield `${lines.join('\n').trimEnd()}\n`;
}

/** `--format markdown`: for `$GITHUB_STEP_SUMMARY`. */
export const markdownFormat = singleDocument('markdown', '.md', renderMarkdown);

function worstResources(findings: readonly Finding[]): { name: string; type: string; count: number; severity: Severity }[] {
  const byResource = new Map<string, { name: string; type: string; count: number; severity: Severity }>();
  for (const finding of findings) {
    const key = finding.resource.id.toLowerCase();
    const entry = byResource.get(key) ?? { name: finding.resource.name, type: finding.resource.type, count: 0, severity: finding.severity };
    entry.count++;
    if (SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(entry.severity)) entry.severity = finding.severity;
    byResource.set(key, entry);
  }
  return [...byResource.values()]
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        b.count - a.count ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )
    .slice(0, WORST_RESOURCES);
}

const MAX_POSTURE_ROWS = 50;
/** Types named on a per-type line; the JSON report has them all. */
const MAX_POSTURE_TYPES = 20;

/** Key-management posture: counts per subscription, then the key store and FIPS level behind each customer-managed key. */
function postureSection(posture: Posture): string[] {
  const types = typeListLines(posture, MAX_POSTURE_TYPES).map((line) => `${line.replace(/\|/g, '\\|')}.`);
  if (postureTotal(posture) === 0 && types.length === 0) return [];
  const lines = ['### Key management', '', `${postureTotal(posture)} data resources: ${postureLine(posture.totals)}.`, ''];
  if (types.length) lines.push(...types.flatMap((line) => [line, '']));
  if (postureTotal(posture) === 0) return lines;
  const header = MODEL_LABELS.map(([, label]) => label);
  lines.push(`| subscription | ${header.join(' | ')} |`, `|---|${header.map(() => '---:').join('|')}|`);
  for (const [key, counts] of Object.entries(posture.bySubscription)) {
    lines.push(`| ${cell(key)} | ${MODEL_LABELS.map(([model]) => counts[model]).join(' | ')} |`);
  }
  lines.push('');
  const cmk = posture.resources.filter((entry) => entry.model !== 'platform-managed');
  if (cmk.length) {
    lines.push('| resource | type | model | key store | FIPS 140 level | key |', '|---|---|---|---|---:|---|');
    for (const entry of cmk.slice(0, MAX_POSTURE_ROWS)) {
      const stores = entry.keyStores.map((store) => store.slice(store.lastIndexOf('/') + 1)).join(', ');
      lines.push(
        `| ${cell(entry.name)} | ${cell(entry.type)} | ${entry.model} | ${cell(stores)} | ${entry.fipsLevel ?? '?'} | ${entry.keyState ?? ''} |`,
      );
    }
    if (cmk.length > MAX_POSTURE_ROWS) lines.push('', `... and ${cmk.length - MAX_POSTURE_ROWS} more in the JSON report.`);
    lines.push('');
  }
  return lines;
}
