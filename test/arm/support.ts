import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Resource, ScanProblem } from '../../src/model/index.js';
import { scanTemplate } from '../../src/sources/arm/index.js';
import { fixture, root, runInProcess } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateFindings = ajv.compile(JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as object);

/** The parts of a findings document the template tests read. */
export interface FindingsDocument {
  scan: {
    complete: boolean;
    sources: { kind: string; target: string; resources: number }[];
    errors: ScanProblem[];
    notices: ScanProblem[];
  };
  summary: { resources: number; byRule: Record<string, { pass: number; fail: number; unknown: number; notApplicable: number }> };
  findings: {
    ruleId: string;
    status: string;
    cause?: string;
    resource: { id: string; name: string; type: string };
    location: { kind: string; file: string; line: number; column: number; pointer: string; property?: string; via?: string[] };
  }[];
}

/** Scans with the CLI in-process and returns the exit code and the schema-checked JSON report. */
export async function scanJson(args: string[]): Promise<{ code: number; stderr: string; document: FindingsDocument }> {
  const result = await runInProcess(['scan', '--format', 'json', ...args]);
  const document = JSON.parse(result.stdout) as FindingsDocument;
  if (!validateFindings(document)) throw new Error(JSON.stringify(validateFindings.errors, null, 2));
  return { code: result.code, stderr: result.stderr, document };
}

/** Findings as `[ruleId, resource name, status, line, column, the text at that position]`. */
export function findingRows(document: FindingsDocument): [string, string, string, number, number, string][] {
  const texts = new Map<string, string[]>();
  return document.findings.map((finding) => {
    const { file, line, column } = finding.location;
    if (!texts.has(file)) texts.set(file, readFileSync(`${root}/${file}`, 'utf8').split('\n'));
    const at = texts.get(file)![line - 1]!.slice(column - 1);
    const token = /^("[^"]*"|\{|\[)/.exec(at)?.[1] ?? at.slice(0, 10);
    return [finding.ruleId, finding.resource.name, finding.status, line, column, token];
  });
}

/** Evaluates a fixture template directly (no rules): its records and problems. */
export function scanFixture(path: string, parameters: string[] = []): { resources: Resource[]; problems: ScanProblem[] } {
  const problems: ScanProblem[] = [];
  const read = (file: string): { file: string; text: string } => ({ file, text: readFileSync(fixture(...file.split('/')), 'utf8') });
  const resources = scanTemplate({ ...read(path), parameters: parameters.map(read) }, (problem) => problems.push(problem));
  return { resources, problems };
}

/** The record of the resource with that name. */
export function named(resources: Resource[], name: string): Resource {
  const found = resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`no resource '${name}' among ${resources.map((r) => r.name).join(', ')}`);
  return found;
}
