import { stringify } from 'csv-stringify/sync';
import type { Finding, ScanResult } from '../findings/index.js';
import { PIECE } from './reporter.js';
import { locationText } from './text.js';

/** The columns, in order, named as the header row names them. */
export const CSV_COLUMNS = [
  'rule',
  'severity',
  'status',
  'resource id',
  'type',
  'name',
  'subscription',
  'resource group',
  'location',
  'message',
  'cause',
  'baseline state',
  'suppression',
] as const;

/** Rows stringified per call: one call per row costs more than the rows; one call for all builds the report as one string. */
const ROWS_PER_CALL = 256;

const OPTIONS = {
  // RFC 4180: CRLF between records, fields quoted only when they hold a comma, quote or line break.
  record_delimiter: 'windows',
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR, and their full-width forms) starts with ' instead.
  escape_formulas: true,
} as const;

/**
 * Why a finding is unknown, when the scan recorded one (`cause` on the
 * finding; empty for scans and versions that do not).
 */
export function causeOf(finding: Finding): string {
  const cause = (finding as { cause?: unknown }).cause;
  if (typeof cause === 'string') return cause;
  if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') return (cause as { code: string }).code;
  return '';
}

/** The suppression cell: the justification, then when it ends and which exemption applied. */
export function suppressionText(finding: Finding): string {
  const suppression = finding.suppression;
  return suppression ? `${suppression.justification} (until ${suppression.expires}; ${suppression.exemption})` : '';
}

/** One finding as its row, in the order of `CSV_COLUMNS`. */
export function csvRow(finding: Finding): string[] {
  const resource = finding.resource;
  return [
    finding.ruleId,
    finding.severity,
    finding.status,
    resource.id,
    resource.type,
    resource.name,
    resource.subscriptionId ?? '',
    resource.resourceGroup ?? '',
    locationText(finding),
    finding.message,
    causeOf(finding),
    finding.baselineState ?? '',
    suppressionText(finding),
  ];
}

/** `--format csv`: one row per finding (open, suppressed and fixed alike, as the JSON report lists them), RFC 4180. */
export function* renderCsv(result: ScanResult): Generator<string> {
  let out = stringify([CSV_COLUMNS], OPTIONS);
  const findings = result.findings;
  for (let start = 0; start < findings.length; start += ROWS_PER_CALL) {
    const rows: string[][] = [];
    for (let i = start; i < Math.min(start + ROWS_PER_CALL, findings.length); i++) rows.push(csvRow(findings[i]!));
    out += stringify(rows, OPTIONS);
    if (out.length >= PIECE) {
      yield out;
      out = '';
    }
  }
  yield out;
}

/** `--format csv`. */
