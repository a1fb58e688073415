import { createCB } from 'xmlbuilder2';
import { describeEvidence, isOpen, type Finding, type ScanResult } from '../findings/index.js';
import type { CompiledRule } from '../engine/index.js';
import { suppressionText } from './csv.js';
import { PIECE } from './reporter.js';
import { locationText } from './text.js';

/**
 * Characters XML 1.0 cannot carry at all, escaped or not (controls other than
 * tab and line breaks, lone surrogates, U+FFFE/U+FFFF): a resource name or a
 * value read from Azure could hold one, and the report must stay well-formed.
 */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD');
}

/** What one rule's suite holds, counted before it is written (JUnit puts the counts on the suite's start tag). */
interface SuiteCounts {
  failures: number;
  skipped: number;
}

/** The failure's body: what each property is and should be, where, and how to fix it. */
function failureBody(finding: Finding, rule: CompiledRule | undefined): string {
  const lines = finding.evidence.map(describeEvidence);
  const where = locationText(finding);
  if (where) lines.push(`at ${where}`);
  const remediation = rule?.definition.remediation;
  if (remediation) lines.push(`Remediation: ${remediation.summary ?? remediation.az}`);
  return lines.join('\n');
}

/**
 * `--format junit`: the JUnit XML that Azure DevOps `PublishTestResults@2`,
 * GitLab and Jenkins read. A test suite per rule that ran; a failing test
 * case per open fail or unknown (resource, rule), a skipped one per
 * suppressed finding, and one passing case per rule that counts its passes.
 * Findings a baseline records as fixed are not tests of this scan.
 */
export function* renderJunit(result: ScanResult): Generator<string> {
  const findings = result.findings;
  // Findings are sorted by rule id: each rule's are one run of the array.
  const ranges = new Map<string, { start: number; end: number } & SuiteCounts>();
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i]!;
    let range = ranges.get(finding.ruleId);
    if (!range) ranges.set(finding.ruleId, (range = { start: i, end: i, failures: 0, skipped: 0 }));
    range.end = i + 1;
    if (finding.suppression) range.skipped++;
    else if (isOpen(finding)) range.failures++;
  }

  let out = '';
  const xml = createCB({
    data: (chunk: string) => {
      out += chunk;
    },
    prettyPrint: true,
    wellFormed: true,
  });
  const passCase = (rule: CompiledRule): number => (result.summary.byRule[rule.id]?.pass ? 1 : 0);
  let failures = 0;
  let tests = 0;
  for (const rule of result.rules) {
    const counts = ranges.get(rule.id);
    failures += counts?.failures ?? 0;
    tests += (counts?.failures ?? 0) + (counts?.skipped ?? 0) + passCase(rule);
  }
  xml.dec({ version: '1.0', encoding: 'UTF-8' });
  xml.ele('testsuites', { name: 'keyscope', tests: String(tests), failures: String(failures), errors: '0', time: '0' });
  for (const rule of result.rules) {
    const range = ranges.get(rule.id) ?? { start: 0, end: 0, failures: 0, skipped: 0 };
    const passes = result.summary.byRule[rule.id]?.pass ?? 0;
    const suite: Record<string, string> = {
      name: rule.id,
      tests: String(range.failures + range.skipped + passCase(rule)),
      failures: String(range.failures),
      errors: '0',
      skipped: String(range.skipped),
      time: '0',
    };
    if (result.scan.started !== null) suite.timestamp = result.scan.started.replace(/\.\d+Z$|Z$/, '');
    xml.ele('testsuite', suite);
    xml.ele('properties');
    xml.ele('property', { name: 'severity', value: rule.severity }).up();
    xml.ele('property', { name: 'title', value: xmlText(rule.definition.title) }).up();
    xml.up();
    for (let i = range.start; i < range.end; i++) {
      const finding = findings[i]!;
      if (!finding.suppression && !isOpen(finding)) continue;
      xml.ele('testcase', { name: xmlText(finding.resource.id), classname: rule.id, time: '0' });
      if (finding.suppression) {
        xml.ele('skipped', { message: xmlText(suppressionText(finding)) }).up();
      } else {
        xml
          .ele('failure', { type: finding.status, message: xmlText(finding.message) })
          .txt(xmlText(failureBody(finding, rule)))
          .up();
      }
      xml.up();
      if (out.length >= PIECE) {
        yield out;
        out = '';
      }
    }
    if (passes) {
      xml.ele('testcase', { name: `${passes} resource${passes === 1 ? '' : 's'} pass`, classname: rule.id, time: '0' }).up();
    }
    xml.up();
  }
  xml.up();
  xml.end();
  yield `${out}\n`;
}

/** `--format junit`. */
