import type { Finding, ScanResult } from '../findings/index.js';
import type { Reporter } from './reporter.js';

/** Version of the findings document (`schemas/findings.schema.json`). */
export const FINDINGS_SCHEMA_VERSION = '1.0';

const CHUNK = 1 << 20;

/** The documented JSON findings format: one document, deterministic for the same inputs. */
export const renderJson: Reporter = function* (result: ScanResult) {
  const head = JSON.stringify(
    {
      schemaVersion: FINDINGS_SCHEMA_VERSION,
      tool: result.tool,
      scan: result.scan,
      summary: result.summary,
    },
    null,
    2,
  );
  // Splice the findings array in before the closing brace, streaming it.
  let buffer = `${head.slice(0, -2)},\n  "findings": [`;
  const findings = result.findings;
  for (let i = 0; i < findings.length; i++) {
    buffer += `${i ? ',' : ''}\n    ${JSON.stringify(findingDocument(findings[i]!), null, 2).replace(/\n/g, '\n    ')}`;
    if (buffer.length > CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}${result.findings.length ? '\n  ' : ''}]\n}\n`;
};

/** A finding as the JSON document spells it (stable key order). */
function findingDocument(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    status: finding.status,
    resource: finding.resource,
    message: finding.message,
    evidence: finding.evidence,
    location: finding.location,
    fingerprint: finding.fingerprint,
  };
}
