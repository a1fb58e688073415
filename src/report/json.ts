import type { Finding, ScanResult, TypeCount } from '../findings/index.js';
import { PIECE, singleDocument } from './reporter.js';

/** Version of the findings document (`schemas/findings.schema.json`). */
export const FINDINGS_SCHEMA_VERSION = '1.3';

/** The documented JSON findings format: one document, deterministic for the same inputs. */
export function* renderJson(result: ScanResult): Generator<string> {
  const head = JSON.stringify(
    {
      schemaVersion: FINDINGS_SCHEMA_VERSION,
      tool: result.tool,
      scan: result.scan,
      summary: result.summary,
      exemptions: result.exemptions,
    },
    null,
    2,
  );
  // Splice the findings array in before the closing brace, one finding a
  // line: compact to write, and a diff of two scans shows whole findings.
  let buffer = `${head.slice(0, -2)},\n  "findings": [`;
  const findings = result.findings;
  for (let i = 0; i < findings.length; i++) {
    buffer += `${i ? ',' : ''}\n    ${findingJson(findings[i]!)}`;
    if (buffer.length > PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += `${findings.length ? '\n  ' : ''}],\n`;
  // Posture last: counts first, then one data resource a line, like findings.
  const { totals, bySubscription, resources } = result.posture;
  buffer += `  "posture": {\n    "totals": ${JSON.stringify(totals)},\n    "bySubscription": {`;
  const subscriptions = Object.keys(bySubscription);
  subscriptions.forEach((key, i) => {
    buffer += `${i ? ',' : ''}\n      ${JSON.stringify(key)}: ${JSON.stringify(bySubscription[key])}`;
  });
  buffer += `${subscriptions.length ? '\n    ' : ''}},\n`;
  buffer += `    "platformOnly": ${typeCountsJson(result.posture.platformOnly)},\n`;
  buffer += `    "notAssessed": ${typeCountsJson(result.posture.notAssessed)},\n    "resources": [`;
  for (let i = 0; i < resources.length; i++) {
    buffer += `${i ? ',' : ''}\n      ${JSON.stringify(resources[i]!)}`;
    if (buffer.length > PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}${resources.length ? '\n    ' : ''}]\n  }\n}\n`;
}

/** `--format json`. */
export const jsonFormat = singleDocument('json', '.json', renderJson);

/** Writes one finding as a JSON object, members in the documented order (`schemas/findings.schema.json`). */
export function findingJson(finding: Finding): string {
  // One literal, one stringify: members left undefined are not written.
  return JSON.stringify({
    ruleId: finding.ruleId,
    severity: finding.severity,
    status: finding.status,
    cause: finding.cause,
    resource: finding.resource,
    message: finding.message,
    evidence: finding.evidence,
    location: finding.location,
    fingerprint: finding.fingerprint,
    suppression: finding.suppression,
    baselineState: finding.baselineState,
  });
}

/** A per-type list of the posture, one type a line. */
function typeCountsJson(list: readonly TypeCount[]): string {
  return list.length
    ? `[\n${list.map((entry) => `      ${JSON.stringify({ type: entry.type, count: entry.count })}`).join(',\n')}\n    ]`
    : '[]';
}
