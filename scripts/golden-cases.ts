/**
 * The reports keyscope is held to byte for byte (`fixtures/reports/golden/`):
 * each case is scanned by the built CLI, in a started process, into every
 * format (JSON, text, Markdown, full SARIF, CSV, JUnit and HTML from one scan; the GitHub
 * SARIF profile, split into `name.N.sarif` files, from a second). `npm run
 * golden` writes them; `test/report/golden.test.ts` compares against them.
 * A change to what reports contain regenerates them with that one command,
 * and the diff shows what changed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'src', 'bin', 'keyscope.js');
/** Where the goldens live, one folder per case. */
export const GOLDEN_DIR = path.join(root, 'fixtures', 'reports', 'golden');
const generator = path.resolve(root, '..', 'shared', 'bench', 'gen-inventory.mjs');

/** One scan setting whose reports are held byte for byte. */
export interface GoldenCase {
  name: string;
  /** Source flags (paths relative to the project root, as users give them). */
  args: string[];
  /** A generated inventory the case scans (`../shared`); the case is skipped without it. */
  generated?: { file: string; args: string[] };
  /** Store the reports brotli-compressed (`name.br`): 25 MB of reports become 0.9 MB. */
  compressed?: boolean;
}

/** The generated inventory is regenerated rather than committed: it is 2.6 MB. */
const GENERATED = { file: 'bench/out/golden-3000-seed7-grants.json', args: ['3000', '--seed', '7', '--grants'] };

// --as-of fixes the day key expiry and exemptions are judged on, so the goldens do not age.
const AS_OF = ['--as-of', '2026-06-01'];

export const GOLDEN_CASES: readonly GoldenCase[] = [
  // Suppressions (exemptions) in every format, and the example users see first.
  {
    name: 'example-inventory',
    args: ['--input', 'examples/inventory.json', '--exemptions', 'fixtures/exemptions/legacy-vault.yaml', ...AS_OF],
  },
  // A template with a vault, a key and a storage account using it: relations inside the template, line and column.
  { name: 'template', args: ['--template', 'fixtures/arm/relations/vault-key-storage.json', ...AS_OF] },
  // A plan beside its configuration: findings point at .tf lines.
  { name: 'plan', args: ['--plan', 'fixtures/terraform/located/plan.json', ...AS_OF] },
  // A bad line beside a good file, and an expired exemption: located problems, notifications, withheld runs.
  {
    name: 'input-error',
    args: [
      '--input',
      'fixtures/inventories/malformed-line.ndjson',
      '--input',
      'examples/inventory.json',
      '--exemptions',
      'fixtures/exemptions/expired.yaml',
      ...AS_OF,
    ],
  },
  // 3,000 generated resources with grants in 50 subscriptions: ten GitHub SARIF files.
  { name: 'generated-3000', args: ['--input', GENERATED.file, ...AS_OF], generated: GENERATED, compressed: true },
];

/** Whether a case can run here (generated inventories need `../shared`). */
export function available(testCase: GoldenCase): boolean {
  return !testCase.generated || existsSync(generator);
}

function ensureGenerated(spec: { file: string; args: string[] }): void {
  const file = path.join(root, spec.file);
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  const run = spawnSync(process.execPath, [generator, ...spec.args], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (run.status !== 0) throw new Error(`gen-inventory ${spec.args.join(' ')} exited ${run.status}`);
  renameSync(partial, file);
}

/** What a case writes: file name -> bytes, plus the exit code of each scan. */
export interface GoldenOutput {
  files: Map<string, Buffer>;
  exitCodes: { reports: number; github: number };
}

/** Scans one case with the built CLI and returns every file it wrote. */
export function renderCase(testCase: GoldenCase): GoldenOutput {
  if (testCase.generated) ensureGenerated(testCase.generated);
  const out = mkdtempSync(path.join(tmpdir(), `keyscope-golden-${testCase.name}-`));
  const scan = (extra: string[]): number => {
    const run = spawnSync(process.execPath, [cli, 'scan', ...testCase.args, ...extra], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (run.status === null) throw new Error(`${testCase.name}: scan ended by ${run.signal}: ${run.stderr}`);
    return run.status;
  };
  try {
    const reports = scan([
      '--output',
      `json=${path.join(out, 'report.json')}`,
      '--output',
      `text=${path.join(out, 'report.txt')}`,
      '--output',
      `markdown=${path.join(out, 'report.md')}`,
      '--output',
      `sarif=${path.join(out, 'full.sarif')}`,
      '--output',
      `csv=${path.join(out, 'report.csv')}`,
      '--output',
      `junit=${path.join(out, 'junit.xml')}`,
      '--output',
      `html=${path.join(out, 'report.html')}`,
    ]);
    const github = scan(['--format', 'sarif', '--sarif-profile', 'github', '--output', path.join(out, 'github.sarif')]);
    const files = new Map<string, Buffer>();
    for (const name of readdirSync(out).sort()) files.set(name, readFileSync(path.join(out, name)));
    return { files, exitCodes: { reports, github } };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The exit codes as the golden folder records them. */
export function exitCodesText(exitCodes: GoldenOutput['exitCodes']): string {
  return `${JSON.stringify(exitCodes)}\n`;
}

/** Name of the file that records a case's exit codes beside its reports. */
export const EXIT_CODES_FILE = 'exit-codes.json';

const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: 24 } };

/** A report as its golden file stores it: name and bytes. */
export function storedForm(testCase: GoldenCase, name: string, bytes: Buffer): [string, Buffer] {
  return testCase.compressed ? [`${name}.br`, brotliCompressSync(bytes, BROTLI)] : [name, bytes];
}

/** The golden reports of a case, by the name the scan wrote them under (exit codes apart). */
export function readGolden(testCase: GoldenCase): Map<string, Buffer> {
  const dir = path.join(GOLDEN_DIR, testCase.name);
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir).sort()) {
    if (name === EXIT_CODES_FILE) continue;
    const bytes = readFileSync(path.join(dir, name));
    if (name.endsWith('.br')) files.set(name.slice(0, -3), brotliDecompressSync(bytes));
    else files.set(name, bytes);
  }
  return files;
}
