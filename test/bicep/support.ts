import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { run, type CliIo } from '../../src/cli/index.js';
import type { ScanProblem } from '../../src/model/index.js';
import { root } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateFindings = ajv.compile(JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as object);

/** The stand-in Bicep CLI, built from test/support/bicep-stand-in.ts (answers `build --stdout X.bicep` with the X.json beside it). */
export const standIn = path.join(root, 'dist', 'test', 'support', 'bicep-stand-in.js');

/** A finding's location as a Bicep scan writes it. */
export interface BicepLocation {
  kind: string;
  file: string;
  line: number;
  column: number;
  pointer?: string;
  compiled?: { line: number; column: number; pointer?: string };
  property?: string;
  via?: string[];
}

export interface BicepDocument {
  scan: {
    complete: boolean;
    sources: { kind: string; target: string; resources: number }[];
    errors: ScanProblem[];
    notices: ScanProblem[];
  };
  findings: { ruleId: string; status: string; resource: { id: string; name: string; type: string }; location: BicepLocation }[];
}

/** Runs the CLI in-process with an environment (KEYSCOPE_BICEP, PATH) and captured output. */
export async function runWith(
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd = root,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1', ...env },
    cwd,
    writeFile: () => Promise.resolve(),
    writeStdout(pieces) {
      for (const piece of pieces) stdout += piece;
      return Promise.resolve();
    },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Scans with the stand-in Bicep CLI and returns the schema-checked JSON report. */
export async function scanBicep(args: string[], cwd = root): Promise<{ code: number; stderr: string; document: BicepDocument }> {
  const result = await runWith(['scan', '--format', 'json', ...args], { KEYSCOPE_BICEP: standIn, PATH: '' }, cwd);
  const document = JSON.parse(result.stdout) as BicepDocument;
  if (!validateFindings(document)) throw new Error(JSON.stringify(validateFindings.errors, null, 2));
  return { code: result.code, stderr: result.stderr, document };
}
