import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { root } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as object);

export interface Problem {
  code: string;
  message: string;
  target: string;
  fatal?: boolean;
}

export interface Finding {
  ruleId: string;
  status: string;
  resource: { id: string; name: string; subscriptionId?: string };
  evidence: { path: string; state: string }[];
  location: Record<string, unknown>;
  fingerprint: string;
}

export interface Report {
  scan: { sources: { kind: string; target: string; resources: number }[]; complete: boolean; errors: Problem[]; scopes?: string[] };
  summary: { resources: number; byStatus: Record<string, number>; byRule: Record<string, unknown> };
  findings: Finding[];
  posture: { notAssessed: { type: string; count: number }[]; platformOnly: { type: string; count: number }[]; [key: string]: unknown };
}

/** Parses a JSON report and checks it against the published schema. */
export function parseReport(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  if (!validate(report)) throw new Error(`report does not match the schema: ${JSON.stringify(validate.errors, null, 2)}`);
  return report;
}

/** Findings as comparable lines, without where they were read from. */
export function findingLines(report: Report): string[] {
  return report.findings.map(({ location: _location, ...finding }) => JSON.stringify(finding));
}

/** The report's findings section, byte for byte (the JSON reporter writes it last). */
export function findingsText(stdout: string): string {
  return stdout.slice(stdout.indexOf('"findings"'));
}
