import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { validateXML } from 'xmllint-wasm';
import { CSV_COLUMNS } from '../../src/report/csv.js';
import { locationText } from '../../src/report/index.js';
import type { Finding } from '../../src/findings/index.js';
import { root, runCli } from '../helpers.js';

/**
 * CSV and JUnit are projections of the JSON report: the CSV parses back to
 * exactly its findings, and the JUnit report validates against the common
 * JUnit schema with one failure per open fail or unknown finding.
 */

const work = mkdtempSync(path.join(tmpdir(), 'keyscope-csv-junit-'));

interface JsonFinding {
  ruleId: string;
  severity: string;
  status: 'fail' | 'unknown';
  resource: { id: string; type: string; name: string; subscriptionId?: string; resourceGroup?: string };
  message: string;
  location: Finding['location'];
  cause?: string;
  baselineState?: string;
  suppression?: { justification: string; expires: string; exemption: string };
}
interface JsonReport {
  summary: { byStatus: { fail: number; unknown: number }; suppressed?: number };
  findings: JsonFinding[];
}

/** One scan into JSON, CSV and JUnit at once, so the three describe the same result. */
function scanAll(name: string, args: string[]): { code: number; json: JsonReport; csv: string; junit: string } {
  const file = (ext: string): string => path.join(work, `${name}.${ext}`);
  const run = runCli([
    'scan',
    ...args,
    '--output',
    `json=${file('json')}`,
    '--output',
    `csv=${file('csv')}`,
    '--output',
    `junit=${file('xml')}`,
  ]);
  expect(run.stderr).toBe('');
  return {
    code: run.code,
    json: JSON.parse(readFileSync(file('json'), 'utf8')) as JsonReport,
    csv: readFileSync(file('csv'), 'utf8'),
    junit: readFileSync(file('xml'), 'utf8'),
  };
}

/** A finding as the CSV row names it, read from the JSON report. */
function expectedRow(finding: JsonFinding): Record<(typeof CSV_COLUMNS)[number], string> {
  const suppression = finding.suppression;
  return {
    rule: finding.ruleId,
    severity: finding.severity,
    status: finding.status,
    'resource id': finding.resource.id,
    type: finding.resource.type,
    name: finding.resource.name,
    subscription: finding.resource.subscriptionId ?? '',
    'resource group': finding.resource.resourceGroup ?? '',
    location: locationText({ location: finding.location } as Finding),
    message: finding.message,
    cause: finding.cause ?? '',
    'baseline state': finding.baselineState ?? '',
    suppression: suppression ? `${suppression.justification} (until ${suppression.expires}; ${suppression.exemption})` : '',
  };
}

/** Reads the CSV back, undoing the formula guard (a leading ' before =, +, -, @, tab or CR). */
function parseCsv(text: string): Record<string, string>[] {
  const rows = parse<Record<string, string>>(text, { columns: true, record_delimiter: '\r\n' });
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value.replace(/^'(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/, '')])),
  );
}

const schema = readFileSync(path.join(root, 'test', 'support', 'junit.xsd'), 'utf8');
async function junitErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: schema } });
  return result.errors.map((error) => error.rawMessage);
}

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

const CASES: [string, string[]][] = [
  [
    'example inventory with exemptions',
    ['--input', 'examples/inventory.json', '--exemptions', 'fixtures/exemptions/legacy-vault.yaml', '--as-of', '2026-06-01'],
  ],
  ['hostile resource names', ['--input', 'fixtures/inventories/hostile-names.json']],
  ['a template (line and column)', ['--template', 'fixtures/arm/relations/vault-key-storage.json']],
  ['a plan beside its configuration', ['--plan', 'fixtures/terraform/located/plan.json']],
];

describe.each(CASES)('CSV and JUnit: %s', (name, args) => {
  const { json, csv, junit } = scanAll(name.replace(/\W+/g, '-'), args);

  test('the CSV parses back to exactly the JSON findings, in order', () => {
    expect(json.findings.length).toBeGreaterThan(0);
    expect(parseCsv(csv)).toEqual(json.findings.map(expectedRow));
  });

  test('the CSV is RFC 4180: a header of the documented columns, CRLF after every record', () => {
    expect(csv.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    // Every LF outside a quoted field is part of a CRLF.
    const outsideQuotes = csv.replace(/"(?:[^"]|"")*"/g, '');
    expect(count(outsideQuotes, /\n/g)).toBe(count(outsideQuotes, /\r\n/g));
    expect(count(outsideQuotes, /\r\n/g)).toBe(json.findings.length + 1);
  });

  test('the JUnit report validates against the common JUnit schema', async () => {
    expect(await junitErrors(junit)).toEqual([]);
  });

  test("JUnit's failures are the JSON report's open fail and unknown findings; suppressed ones are skipped", () => {
    const open = json.findings.filter((finding) => !finding.suppression && finding.baselineState !== 'absent').length;
    const suppressed = json.summary.suppressed ?? 0;
    expect(open).toBe(json.summary.byStatus.fail + json.summary.byStatus.unknown - suppressed);
    expect(Number(/<testsuites [^>]*failures="(\d+)"/.exec(junit)?.[1])).toBe(open);
    expect(count(junit, /<failure /g)).toBe(open);
    expect(count(junit, /<skipped /g)).toBe(suppressed);
    const suites = [...junit.matchAll(/<testsuite [^>]*failures="(\d+)"/g)].map((match) => Number(match[1]));
    expect(suites.reduce((a, b) => a + b, 0)).toBe(open);
  });
});

describe('CSV and JUnit: what they guard against', () => {
  const { json, csv, junit } = scanAll('guards', ['--input', 'fixtures/inventories/hostile-names.json']);
  const rows = parse<Record<string, string>>(csv, { columns: true });
  const nameCell = (name: string): string | undefined => rows.find((row) => row.name!.endsWith(name.slice(1)))?.name;

  test('cells a spreadsheet would run as a formula start with a quote instead', () => {
    expect(nameCell('=HYPERLINK("https://attacker.example/","open")')).toBe(`'=HYPERLINK("https://attacker.example/","open")`);
    expect(nameCell('+SUM(1,2)')).toBe(`'+SUM(1,2)`);
    expect(nameCell('-2+3')).toBe(`'-2+3`);
    expect(nameCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(nameCell('\tTAB-LEADING')).toBe(`'\tTAB-LEADING`);
    // Not at the start: written as it is.
    expect(rows.find((row) => row.name!.startsWith('<img'))?.name).toBe('<img src=x onerror=alert(1)>');
  });

  test('the schema check rejects what readers would not read', async () => {
    expect(
      await junitErrors(
        junit.replace('<testsuite name="cmk.storage-account" tests="8"', '<testsuite name="cmk.storage-account" tests="eight"'),
      ),
    ).toHaveLength(1);
    expect(await junitErrors(junit.replace(/ classname="cmk\.storage-account"/, ''))).toHaveLength(1);
  });

  test('JUnit escapes markup and replaces characters XML cannot hold', () => {
    expect(junit).toContain('storageAccounts/&lt;img src=x onerror=alert(1)&gt;"');
    expect(junit).not.toContain('<img');
    expect(junit).toContain('storageAccounts/control\uFFFDchar"');
    expect(json.findings.some((finding) => finding.resource.name === 'control\u0001char')).toBe(true);
  });

  test('one passing case per rule counts its passes', () => {
    const passing = runCli(['scan', '--input', 'examples/inventory.json', '--format', 'junit']);
    expect(passing.stdout).toMatch(
      /<testsuite name="key\.expiration-set" tests="2" failures="1" errors="0" skipped="0" time="0">[\s\S]*?<testcase name="2 resources pass" classname="key\.expiration-set" time="0"\/>\n {2}<\/testsuite>/,
    );
  });
});
