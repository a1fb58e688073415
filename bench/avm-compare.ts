/**
 * `node dist/bench/avm-compare.js [DIR]`: scans the Azure Verified Modules
 * (../shared/reference/avm by default) as `keyscope scan --template DIR`
 * does, and compares the findings with the baseline taken before parameter
 * notices and present values (bench/avm-findings-54a096c.json). A scan may
 * only be more decided than the baseline: every fail stays a fail, an
 * unknown may become a pass or a fail, nothing new appears, and no rule
 * passes less often. Prints what changed and exits 1 on a violation.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type CliIo } from '../src/cli/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Counts {
  pass: number;
  fail: number;
  unknown: number;
  notApplicable: number;
}

/** What the comparison found. */
export interface AvmComparison {
  exitCode: number;
  errors: { code: string; target: string; message: string }[];
  noticesByCode: Record<string, number>;
  /** `before -> after rule template`, for every finding whose status changed (after: `pass` when it left the findings). */
  changed: string[];
  /**
   * `status: rule template id` for every finding the baseline does not have:
   * rules and catalog types added since it was taken find more. Listed apart
   * (the test pins them exactly) rather than counted as violations.
   */
  added: string[];
  /** What breaks "same or more decided". */
  violations: string[];
}

interface Baseline {
  byRule: Record<string, Counts>;
  findings: string[];
}

interface Report {
  scan: { errors: { code: string; target: string; message: string }[]; notices: { code: string }[] };
  summary: { byRule: Record<string, Counts> };
  findings: { ruleId: string; status: string; resource: { id: string }; location: { file?: string } }[];
}

/**
 * Scans the corpus in-process and compares it with the saved baseline. The
 * baseline was taken of the compiled `main.json` files alone; a folder that
 * also holds `.bicep` sources is now scanned through Bicep, so the JSON files
 * are copied to a folder of their own and scanned there, with every path
 * reported as the corpus's own.
 */
export async function compareAvm(directory: string): Promise<AvmComparison> {
  const copy = mkdtempSync(path.join(tmpdir(), 'keyscope-avm-'));
  try {
    cpSync(directory, copy, { recursive: true, filter: (source) => !/\.bicep(param)?$/i.test(source) });
    return await compareCopy(copy, directory);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function compareCopy(scanned: string, directory: string): Promise<AvmComparison> {
  const original = (file: string): string => (file.startsWith(scanned) ? directory + file.slice(scanned.length) : file);
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: root,
    writeFile: () => Promise.resolve(),
    writeStdout(pieces) {
      for (const piece of pieces) stdout += piece;
      return Promise.resolve();
    },
  };
  const exitCode = await run(['scan', '--template', scanned, '--format', 'json', '--quiet'], io);
  const report = JSON.parse(stdout) as Report;
  const baseline = JSON.parse(readFileSync(path.join(root, 'bench', 'avm-findings-54a096c.json'), 'utf8')) as Baseline;
  const key = (rule: string, file: string, id: string): string => `${rule} ${file} ${id}`;
  const before = new Map<string, string>();
  for (const line of baseline.findings) {
    // status, rule and template are single words; the resource id (a template expression) may hold spaces.
    const [status, rule, file, ...id] = line.split(' ');
    before.set(key(rule!, file!, id.join(' ')), status!);
  }
  const after = new Map<string, string>();
  for (const finding of report.findings) {
    after.set(key(finding.ruleId, path.relative(scanned, finding.location.file ?? ''), finding.resource.id), finding.status);
  }
  const changed: string[] = [];
  const violations: string[] = [];
  for (const [where, status] of before) {
    const now = after.get(where) ?? 'pass or not applicable';
    if (now === status) continue;
    changed.push(`${status} -> ${now} ${where}`);
    if (status === 'fail') violations.push(`was fail, now ${now}: ${where}`);
  }
  const added: string[] = [];
  for (const [where, status] of after) if (!before.has(where)) added.push(`${status}: ${where}`);
  for (const [rule, counts] of Object.entries(baseline.byRule)) {
    const now = report.summary.byRule[rule];
    if (!now) violations.push(`rule ${rule} no longer ran`);
    else if (now.pass < counts.pass) violations.push(`rule ${rule} passes ${now.pass} times, ${counts.pass} before`);
  }
  const noticesByCode: Record<string, number> = {};
  for (const notice of report.scan.notices) noticesByCode[notice.code] = (noticesByCode[notice.code] ?? 0) + 1;
  const errors = report.scan.errors.map((error) => ({ ...error, target: original(error.target) }));
  return { exitCode, errors, noticesByCode, changed: changed.sort(), added: added.sort(), violations };
}

async function main(): Promise<void> {
  const directory = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'reference', 'avm'));
  if (!existsSync(directory)) {
    console.log(`avm-compare: ${directory} not found; the corpus comes with ../shared beside the project.`);
    return;
  }
  const result = await compareAvm(directory);
  console.log(`exit code ${result.exitCode}`);
  console.log(`errors    ${result.errors.length}`);
  for (const error of result.errors) console.log(`  ${path.relative(directory, error.target)}  ${error.code}  ${error.message}`);
  console.log(`notices   ${JSON.stringify(result.noticesByCode)}`);
  console.log(`changed   ${result.changed.length}`);
  for (const line of result.changed) console.log(`  ${line}`);
  console.log(`added     ${result.added.length}`);
  for (const line of result.added) console.log(`  ${line}`);
  console.log(`violations ${result.violations.length}`);
  for (const line of result.violations) console.log(`  ${line}`);
  if (result.violations.length) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
