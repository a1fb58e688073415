import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { root, runCli } from '../helpers.js';
import { checkedSarif } from '../support/sarif-check.js';

interface Step {
  id?: string;
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};
const scanStep = action.runs.steps.find((step) => step.id === 'scan')!;

/** Runs the action's scan step as GitHub would: bash, with the inputs mapped through env. */
function runScanStep(inputs: Record<string, string>): {
  code: number | null;
  output: string;
  summary: string;
  sarifDir: string;
  stderr: string;
} {
  const work = mkdtempSync(path.join(tmpdir(), 'keyscope-action-'));
  const output = path.join(work, 'output');
  const summary = path.join(work, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const values = (name: string): string => inputs[name] ?? action.inputs[name]?.default ?? '';
  const env: Record<string, string> = {};
  for (const [key, expression] of Object.entries(scanStep.env ?? {})) {
    const input = /inputs\.([a-z-]+)/.exec(expression)?.[1];
    env[key] = input ? values(input) : expression;
  }
  env['KS_SARIF_DIR'] = path.join(work, values('sarif-dir'));
  env['KS_JSON'] = path.join(work, values('json'));
  const result = spawnSync('bash', ['-e', '-c', scanStep.run!], {
    cwd: root,
    env: { ...process.env, ...env, GITHUB_ACTION_PATH: root, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    encoding: 'utf8',
  });
  return {
    code: result.status,
    output: readFileSync(output, 'utf8'),
    summary: readFileSync(summary, 'utf8'),
    sarifDir: env['KS_SARIF_DIR'],
    stderr: result.stderr,
  };
}

describe('the GitHub Action (action.yml)', () => {
  test('is a composite action on Node 24 whose inputs are all real CLI flags', () => {
    expect(action.runs.using).toBe('composite');
    expect(JSON.stringify(action.runs.steps)).toContain('"node-version":24');
    const help = runCli(['scan', '--help']).stdout;
    const flags = [
      'input',
      'template',
      'parameters',
      'plan',
      'subscription',
      'management-group',
      'tenant',
      'rules',
      'config',
      'profile',
      'fail-on',
      'fail-on-new',
      'baseline',
      'exemptions',
      'export',
    ];
    for (const flag of flags) {
      expect(Object.keys(action.inputs)).toContain(flag);
      expect([flag, help.includes(`--${flag}`)]).toEqual([flag, true]);
    }
  });

  test('the scan step writes the GitHub-profile SARIF, the JSON report and the job summary, and keeps the exit code', () => {
    const run = runScanStep({ input: 'examples/inventory.json', exemptions: 'fixtures/exemptions/legacy-vault.yaml' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0); // the step itself succeeds; the gate step fails later, after the upload
    expect(run.output).toBe('exit-code=1\n');
    expect(run.summary).toMatch(/^## keyscope\n\n❌ \*\*19 open findings\.\*\*/); // with cmk.storage-queue-table and cmk.virtual-machine
    const sarif = checkedSarif(readFileSync(path.join(run.sarifDir, 'keyscope.sarif'), 'utf8'), 'github') as unknown as {
      runs: { automationDetails: { id: string } }[];
    };
    expect(sarif.runs.map((r) => r.automationDetails.id)).toEqual(['keyscope/azure/3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11/']);
    expect(existsSync(path.join(path.dirname(run.sarifDir), 'keyscope.json'))).toBe(true);
  });

  test('a profile chooses the rules: fips-140-level-3 finds more on the example inventory than the default pack', () => {
    const count = (inputs: Record<string, string>): number => {
      const run = runScanStep({ input: 'examples/inventory.json', 'fail-on': 'none', ...inputs });
      expect(run.stderr).toBe('');
      const report = JSON.parse(readFileSync(path.join(path.dirname(run.sarifDir), 'keyscope.json'), 'utf8')) as { findings: unknown[] };
      return report.findings.length;
    };
    expect([count({}), count({ profile: 'fips-140-level-3' }), count({ profile: 'baseline' })]).toEqual([20, 25, 12]); // baseline scopes the two new failures out (no data classification on them)
  });

  test('multi-line inputs become repeated flags', () => {
    const run = runScanStep({
      input: 'fixtures/inventories/three-vaults.json\nfixtures/inventories/three-vaults.ndjson\n',
      'fail-on': 'none',
    });
    expect(run.output).toBe('exit-code=0\n');
    const report = JSON.parse(readFileSync(path.join(path.dirname(run.sarifDir), 'keyscope.json'), 'utf8')) as {
      scan: { sources: unknown[] };
    };
    expect(report.scan.sources).toHaveLength(2);
  });

  test('input patterns expand to every shard in a fixed order: the final job of a sharded scan restores each header', () => {
    const shards = mkdtempSync(path.join(tmpdir(), 'keyscope-action-shards-'));
    const unread = '0b7e1d2c-3a4f-4b5c-8d6e-7f8091a2b3c4';
    const header = (covered: string[], problems: unknown[]): string =>
      `${JSON.stringify({ keyscopeExport: 1, scope: 'shard', subscriptions: covered, covered, notRead: [], problems })}\n`;
    const records = (file: string): string =>
      (JSON.parse(readFileSync(path.join(root, file), 'utf8')) as unknown[]).map((record) => `${JSON.stringify(record)}\n`).join('');
    writeFileSync(
      path.join(shards, 'b.ndjson.gz'),
      gzipSync(header(['3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11'], []) + records('examples/inventory.json')),
    );
    writeFileSync(
      path.join(shards, 'a.ndjson.gz'),
      gzipSync(header([], [{ code: 'subscription-not-read', message: 'not readable', target: unread }])),
    );
    const run = runScanStep({ input: `${shards}/*.ndjson.gz`, 'fail-on': 'none' });
    // The header's problem is restored, and like any problem that leaves the scan incomplete it is one line on stderr.
    expect(run.stderr).toBe(`${unread}  subscription-not-read  not readable\n`);
    expect(run.output).toBe('exit-code=3\n');
    const report = JSON.parse(readFileSync(path.join(path.dirname(run.sarifDir), 'keyscope.json'), 'utf8')) as {
      scan: { sources: { target: string; resources: number }[]; errors: unknown[]; scopes: string[] };
    };
    expect(report.scan.sources.map((source) => [path.basename(source.target), source.resources])).toEqual([
      ['a.ndjson.gz', 0],
      ['b.ndjson.gz', 17],
    ]);
    expect(report.scan.errors).toEqual([{ code: 'subscription-not-read', message: 'not readable', target: unread }]);
    expect(report.scan.scopes).toEqual(['3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11']);

    // A pattern that matches nothing is not skipped: the scan says the input cannot be read.
    const missing = runScanStep({ input: `${shards}/*.missing.gz`, 'fail-on': 'none' });
    expect(missing.output).toBe('exit-code=2\n');
  });
});
