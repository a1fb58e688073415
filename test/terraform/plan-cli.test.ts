import { checkedSarif } from '../support/sarif-check.js';
import { runCli, runInProcess } from '../helpers.js';

interface Report {
  scan: { complete: boolean; sources: unknown[]; errors: { code: string; target: string; fatal?: boolean }[] };
  findings: { ruleId: string; resource: { name: string }; location: { file?: string } }[];
}

const KEY_VAULTS = 'fixtures/terraform/key-vault.plan.json';
const HSMS = 'fixtures/terraform/managed-hsm.plan.json';

describe('keyscope scan --plan', () => {
  test('is repeatable: every plan is a source, and their findings are reported together', async () => {
    const result = await runInProcess(['scan', '--plan', KEY_VAULTS, '--plan', HSMS, '--format', 'json', '--quiet']);
    expect(result.code).toBe(1); // keyvault.purge-protection and managedhsm.purge-protection are high
    const report = JSON.parse(result.stdout) as Report;
    expect(report.scan.sources).toEqual([
      { kind: 'terraform', target: KEY_VAULTS, resources: 3 },
      { kind: 'terraform', target: HSMS, resources: 3 },
    ]);
    expect(new Set(report.findings.map((f) => f.location.file))).toEqual(new Set([KEY_VAULTS, HSMS]));
    expect(result.stderr).toBe('');
  });

  test('says on stderr what it did not evaluate, unless --quiet', async () => {
    const result = await runInProcess(['scan', '--plan', KEY_VAULTS, '--format', 'json']);
    expect(result.stderr).toBe(
      `keyscope: ${KEY_VAULTS}: 1 planned resource of types keyscope does not map, not evaluated: azurerm_resource_group (1)\n`,
    );
  });

  test('a plan that is not JSON exits 2, and the other plans are still scanned', async () => {
    const result = await runInProcess([
      'scan',
      '--plan',
      'fixtures/terraform/truncated.plan.json',
      '--plan',
      HSMS,
      '--format',
      'json',
      '-q',
    ]);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.scan.errors.map((e) => [e.code, e.target, e.fatal])).toEqual([
      ['plan-invalid', 'fixtures/terraform/truncated.plan.json', true],
    ]);
    expect(report.findings.map((f) => f.resource.name)).toEqual(['mhsm-orders', 'mhsm-sandbox']);
  });

  test('JSON that is not a plan makes the scan incomplete: exit 3', async () => {
    const result = await runInProcess(['scan', '--plan', 'fixtures/terraform/state-not-plan.json', '--format', 'json', '-q']);
    expect(result.code).toBe(3);
    expect((JSON.parse(result.stdout) as Report).scan.complete).toBe(false);
  });

  test('the same plan gives byte-identical reports, from the built CLI', () => {
    const args = ['scan', '--plan', 'fixtures/terraform/located/plan.json', '--format', 'json', '-q'];
    const first = runCli(args);
    expect(first.code).toBe(1);
    expect(runCli(args).stdout).toBe(first.stdout);
  });

  test('SARIF results point at the .tf line to change when the configuration is beside the plan', async () => {
    const result = await runInProcess([
      'scan',
      '--plan',
      'fixtures/terraform/located/plan.json',
      '--format',
      'sarif',
      '--sarif-profile',
      'github',
      '-q',
    ]);
    const sarif = checkedSarif(result.stdout, 'github') as unknown as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    expect(
      sarif.runs[0]!.results.map((r) => {
        const at = r.locations[0]!.physicalLocation;
        return `${r.ruleId} ${at.artifactLocation.uri}:${at.region.startLine}`;
      }),
    ).toEqual([
      'cmk.container-registry fixtures/terraform/located/.terraform/modules/registry/main.tf:8',
      // The storage account's key is only named at apply: what depends on it is unknown, at the account.
      'cmk.key-access-scoped fixtures/terraform/located/main.tf:24',
      'cmk.key-resolvable fixtures/terraform/located/main.tf:24',
      'cmk.key-size-for-service fixtures/terraform/located/main.tf:24',
      'cmk.key-store-protected fixtures/terraform/located/main.tf:24',
      // A customer-managed key on the account, but queues and tables left on the provider default (Service).
      'cmk.storage-queue-table fixtures/terraform/located/main.tf:24',
      'keyvault.purge-protection fixtures/terraform/located/main.tf:15',
    ]);
  });

  test('is listed in help and in the "nothing to scan" error', async () => {
    expect((await runInProcess(['scan', '--help'])).stdout).toContain('--plan <file>');
    const nothing = await runInProcess(['scan']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('--plan FILE');
  });
});
