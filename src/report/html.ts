import { describeEvidence, type Finding, type FindingResource, type ScanResult } from '../findings/index.js';
import { causeOf, suppressionText } from './csv.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './html-page.js';
import { MODEL_LABELS } from './posture-text.js';
import { PIECE, type ReportOptions } from './reporter.js';
import { locationText } from './text.js';

/** Baseline states as the page's data numbers them (0: no baseline). */
const BASELINE_STATES = ['', 'new', 'unchanged', 'updated', 'absent'] as const;

/**
 * JSON for a `<script type="application/json">`: every `<` escaped, so no
 * text in it (a resource named `</script><script>...`) can end the element,
 * and U+2028/U+2029 escaped for older parsers.
 */
function embed(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Texts that repeat across findings (types, subscriptions, locations...), numbered once. */
class Strings {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(text: string): number {
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.list.length;
      this.list.push(text);
      this.index.set(text, at);
    }
    return at;
  }
}

/** FIPS 140 levels the customer-managed keys of data resources are held at, and the level the rules require. */
function fipsChart(result: ScanResult): { provided: Record<string, number>; required: number | null } {
  const provided: Record<string, number> = { '1': 0, '2': 0, '3': 0, unknown: 0 };
  for (const entry of result.posture.resources) {
    if (entry.model !== 'customer-managed-key-vault' && entry.model !== 'customer-managed-managed-hsm') continue;
    const key = entry.fipsLevel === null ? 'unknown' : String(entry.fipsLevel);
    provided[key] = (provided[key] ?? 0) + 1;
  }
  const rule = result.rules.find((candidate) => candidate.id === 'cmk.fips-level-for-data');
  const level = rule?.parameters['requiredLevel'];
  return { provided, required: typeof level === 'number' ? level : null };
}

/**
 * `--format html`: one self-contained page (styles, script and data inline;
 * its Content-Security-Policy allows no request of any kind) with the scan,
 * its problems, totals, the key-management posture as charts, and every
 * finding in a table to filter, search and page through. The data is
 * embedded once, as JSON; the page renders every text with `textContent`.
 */
export function* renderHtml(result: ScanResult, options: Pick<ReportOptions, 'ruleDoc'>): Generator<string> {
  const findings = result.findings;
  // First pass: number the repeated texts and the resources, so each finding is a short row.
  const strings = new Strings();
  const resources = new Map<FindingResource, number>();
  for (const finding of findings) {
    if (!resources.has(finding.resource)) {
      resources.set(finding.resource, resources.size);
      strings.of(finding.resource.type);
      strings.of(finding.resource.subscriptionId ?? '');
      strings.of(finding.resource.resourceGroup ?? '');
    }
    strings.of(locationText(finding));
    strings.of(causeOf(finding));
  }
  const rules = result.rules.map((rule) => {
    const remediation = rule.definition.remediation;
    return [rule.id, rule.severity, rule.definition.title, remediation.summary ?? remediation.az, options.ruleDoc(rule.id)?.url ?? ''];
  });
  const ruleIndex = new Map(result.rules.map((rule, i) => [rule.id, i]));
  // A baseline's absent finding may name a rule that no longer runs.
  for (const finding of findings) {
    if (!ruleIndex.has(finding.ruleId)) {
      ruleIndex.set(finding.ruleId, rules.length);
      rules.push([finding.ruleId, finding.severity, '', '', '']);
    }
  }

  let out =
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>keyscope report</title>\n' +
    `<style>${PAGE_STYLE}</style>\n</head>\n<body>\n<main id="app"><h1>keyscope report</h1><p id="loading">Loading the report…</p></main>\n` +
    '<script type="application/json" id="keyscope-data">';
  out += `{"version":1,"tool":${embed(result.tool)},"scan":${embed(result.scan)},"summary":${embed(result.summary)}`;
  out += `,"expired":${embed(result.exemptions?.expired ?? [])}`;
  out += `,"models":${embed(MODEL_LABELS)},"posture":${embed({ totals: result.posture.totals, bySubscription: result.posture.bySubscription })}`;
  out += `,"fips":${embed(fipsChart(result))},"rules":${embed(rules)},"baselineStates":${embed(BASELINE_STATES)}`;
  out += `,"strings":${embed(strings.list)},"resources":[`;
  let next = 0;
  for (const finding of findings) {
    const resource = finding.resource;
    if (resources.get(resource) !== next) continue;
    out += `${next ? ',' : ''}${embed([resource.id, resource.name, strings.of(resource.type), strings.of(resource.subscriptionId ?? ''), strings.of(resource.resourceGroup ?? '')])}`;
    next++;
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  out += '],"findings":[';
  for (let i = 0; i < findings.length; i++) {
    out += `${i ? ',' : ''}${embed(findingRow(findings[i]!, ruleIndex, resources, strings))}`;
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  out += ']}</script>\n';
  yield `${out}<script>${PAGE_SCRIPT}</script>\n</body>\n</html>\n`;
}

/** A finding as the page's row: rule, status (0 fail, 1 unknown), resource, location, evidence, baseline state, suppression, cause. */
function findingRow(
  finding: Finding,
  rules: ReadonlyMap<string, number>,
  resources: ReadonlyMap<FindingResource, number>,
  strings: Strings,
): unknown[] {
  return [
    rules.get(finding.ruleId),
    finding.status === 'fail' ? 0 : 1,
    resources.get(finding.resource),
    strings.of(locationText(finding)),
    finding.evidence.length ? finding.evidence.map(describeEvidence) : [finding.message],
    finding.baselineState ? BASELINE_STATES.indexOf(finding.baselineState) : 0,
    finding.suppression ? suppressionText(finding) : 0,
    strings.of(causeOf(finding)),
  ];
}

/** `--format html`. */
