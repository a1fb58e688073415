import { checkedSarif } from '../support/sarif-check.js';
import { runInProcess } from '../helpers.js';

interface Report {
  scan: { complete: boolean; sources: { kind: string; target: string; resources: number }[]; errors: Record<string, unknown>[] };
  findings: {
    ruleId: string;
    status: string;
    resource: { name: string };
    location: { kind: string; file?: string; address?: string; configFile?: string; line?: number; column?: number; property?: string };
  }[];
}

const CONFIG = 'fixtures/terraform/config';

async function scan(args: string[]): Promise<{ code: number; stderr: string; report: Report }> {
  const result = await runInProcess(['scan', '--format', 'json', ...args]);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

/** `[ruleId, status, address, file:line:column]` of each finding. */
const rows = (report: Report): string[][] =>
  report.findings.map((f) => [
    f.ruleId,
    f.status,
    f.location.address ?? '',
    `${f.location.configFile}:${f.location.line}:${f.location.column}`,
  ]);

describe('keyscope scan --terraform (configurations without a plan)', () => {
  test('a local module, variables from terraform.tfvars and a for_each over a map: one finding per violating vault, addressed like Terraform', async () => {
    const { code, stderr, report } = await scan(['--terraform', `${CONFIG}/vaults`]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'keyscope: fixtures/terraform/config/vaults: 1 resource of types keyscope does not map, not evaluated: azurerm_resource_group (1)\n',
    );
    expect(report.scan.sources).toEqual([{ kind: 'terraform', target: `${CONFIG}/vaults`, resources: 3 }]);
    expect(report.scan.errors).toEqual([]);
    const purge = report.findings.filter((f) => f.ruleId === 'keyvault.purge-protection');
    expect(purge.map((f) => [f.resource.name, f.location])).toEqual([
      [
        'kv-prod-a',
        {
          kind: 'terraform',
          file: `${CONFIG}/vaults`,
          address: 'module.kv.azurerm_key_vault.this["a"]',
          configFile: `${CONFIG}/vaults/modules/vault/main.tf`,
          line: 29,
          column: 3,
          property: 'properties.enablePurgeProtection',
        },
      ],
      [
        'kv-prod-c',
        {
          kind: 'terraform',
          file: `${CONFIG}/vaults`,
          address: 'module.kv.azurerm_key_vault.this["c"]',
          configFile: `${CONFIG}/vaults/modules/vault/main.tf`,
          line: 29,
          column: 3,
          property: 'properties.enablePurgeProtection',
        },
      ],
    ]);
    // access_policy is computed by the provider when left out: unknown, as a plan says.
    expect(rows(report).filter(([rule]) => rule !== 'keyvault.purge-protection')).toEqual(
      ['a', 'b', 'c'].map((key) => [
        'keyvault.access-policy-least-privilege',
        'unknown',
        `module.kv.azurerm_key_vault.this["${key}"]`,
        `${CONFIG}/vaults/modules/vault/main.tf:22:1`,
      ]),
    );
  });

  test('--var and --var-file override terraform.tfvars, in that order', async () => {
    const { report } = await scan([
      '--terraform',
      `${CONFIG}/vaults`,
      '--var',
      'vaults={ z = { purge_protection = false } }',
      '--var',
      'environment=Test',
      '--quiet',
    ]);
    expect(
      report.findings.filter((f) => f.ruleId === 'keyvault.purge-protection').map((f) => [f.resource.name, f.location.address]),
    ).toEqual([['kv-test-z', 'module.kv.azurerm_key_vault.this["z"]']]);
  });

  // counted[0]'s key id comes from a data source: unknown text, but certainly present (the provider
  // requires it), so cmk.storage-account passes and only the relational rules stay unknown.
  test('count, dynamic blocks, conditionals, for expressions and functions; a data source is unknown, never a default', async () => {
    const { report } = await scan(['--terraform', `${CONFIG}/features`, '--var', 'replicas=2', '--quiet']);
    expect(report.scan.errors).toEqual([]);
    expect(rows(report)).toEqual([
      ['cmk.key-access-scoped', 'unknown', 'azurerm_storage_account.counted[0]', `${CONFIG}/features/main.tf:27:1`],
      ['cmk.key-resolvable', 'unknown', 'azurerm_storage_account.counted[0]', `${CONFIG}/features/main.tf:27:1`],
      ['cmk.key-size-for-service', 'unknown', 'azurerm_storage_account.counted[0]', `${CONFIG}/features/main.tf:27:1`],
      ['cmk.key-store-protected', 'unknown', 'azurerm_storage_account.counted[0]', `${CONFIG}/features/main.tf:27:1`],
      ['cmk.storage-account', 'fail', 'azurerm_storage_account.counted[1]', `${CONFIG}/features/main.tf:36:3`],
      // Customer-managed keys on, queues and tables left on the provider's default `Service` key type.
      ['cmk.storage-queue-table', 'fail', 'azurerm_storage_account.counted[0]', `${CONFIG}/features/main.tf:27:1`],
      ['keyvault.purge-protection', 'fail', 'azurerm_key_vault.flagged', `${CONFIG}/features/main.tf:51:3`],
      ['keyvault.rbac-authorization', 'fail', 'azurerm_key_vault.flagged', `${CONFIG}/features/main.tf:45:1`],
    ]);
    expect(report.findings.map((f) => f.resource.name)).toContain('kv-X-3');
  });

  test('an HCL syntax error names file, line and column (exit 2), and the other configurations are still scanned', async () => {
    const { code, report } = await scan(['--terraform', `${CONFIG}/broken`, '--terraform', `${CONFIG}/vaults`, '--quiet']);
    expect(code).toBe(2);
    expect(report.scan.errors).toEqual([
      {
        code: 'terraform-syntax-error',
        message: 'Invalid expression: Expected the start of an expression, but found an invalid expression token.',
        target: `${CONFIG}/broken/main.tf`,
        line: 2,
        column: 10,
        fatal: true,
      },
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'keyvault.purge-protection')).toHaveLength(2);
  });

  test('a cycle in locals is reported at the local, and what uses it is unknown', async () => {
    const { code, report } = await scan(['--terraform', `${CONFIG}/cycle`]);
    expect(code).toBe(3);
    expect(report.scan.errors).toEqual([
      {
        code: 'terraform-local-cycle',
        message: 'local values refer to each other in a cycle: local.first -> local.second -> local.first; they are unknown',
        target: `${CONFIG}/cycle/main.tf`,
        line: 2,
        column: 3,
      },
    ]);
    expect(report.findings.map((f) => [f.ruleId, f.status, f.resource.name])).toContainEqual([
      'keyvault.purge-protection',
      'fail',
      'azurerm_key_vault.cycle',
    ]);
  });

  test('a local module that does not exist is reported at its module block (exit 2); the rest is scanned', async () => {
    const { code, report } = await scan(['--terraform', `${CONFIG}/missing-module`]);
    expect(code).toBe(2);
    expect(report.scan.errors).toEqual([
      {
        code: 'terraform-module-missing',
        message: `module "gone": its source "./modules/gone" is not a folder of .tf files (${CONFIG}/missing-module/modules/gone)`,
        target: `${CONFIG}/missing-module/main.tf`,
        line: 1,
        column: 1,
        fatal: true,
      },
    ]);
    expect(report.scan.sources).toEqual([{ kind: 'terraform', target: `${CONFIG}/missing-module`, resources: 1 }]);
  });

  test('a resource declared twice is reported at the second block (exit 2); the first is evaluated', async () => {
    const { code, report } = await scan(['--terraform', `${CONFIG}/duplicate`]);
    expect(code).toBe(2);
    expect(report.scan.errors).toEqual([
      {
        code: 'terraform-duplicate-declaration',
        message: `azurerm_key_vault.twice is declared twice (first at ${CONFIG}/duplicate/a.tf:1); the first is used`,
        target: `${CONFIG}/duplicate/b.tf`,
        line: 2,
        column: 1,
        fatal: true,
      },
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'keyvault.purge-protection').map((f) => f.resource.name)).toEqual(['kv-first']);
  });

  test('a remote module is not downloaded: reported (exit 3), and its outputs are unknown', async () => {
    const { code, report } = await scan(['--terraform', `${CONFIG}/remote`]);
    expect(code).toBe(3);
    expect(report.scan.errors.map((e) => [e['code'], e['line']])).toEqual([['terraform-module-not-followed', 1]]);
    expect(report.findings.filter((f) => f.ruleId === 'keyvault.purge-protection').map((f) => [f.status, f.location.line])).toEqual([
      ['unknown', 12],
    ]);
  });

  test('usage errors: --var without --terraform, an undeclared variable, a folder with no .tf files', async () => {
    const alone = await runInProcess(['scan', '--var', 'a=b']);
    expect([alone.code, alone.stderr.split('\n')[0]]).toEqual([2, 'usage  --var needs --terraform']);
    const undeclared = await scan(['--terraform', `${CONFIG}/vaults`, '--var', 'nope=1', '--quiet']);
    expect([undeclared.code, undeclared.report.scan.errors]).toEqual([
      2,
      [
        {
          code: 'terraform-variable-undeclared',
          message: "--var nope: the root module declares no variable 'nope'",
          target: `${CONFIG}/vaults`,
          fatal: true,
        },
      ],
    ]);
    const empty = await scan(['--terraform', 'fixtures/arm/dir']);
    expect([empty.code, empty.report.scan.errors]).toEqual([
      2,
      [{ code: 'input-unreadable', message: 'not a folder of Terraform .tf files', target: 'fixtures/arm/dir', fatal: true }],
    ]);
  });

  test('SARIF annotates the .tf line', async () => {
    const result = await runInProcess(['scan', '--terraform', `${CONFIG}/vaults`, '--format', 'sarif', '--quiet']);
    const log = checkedSarif(result.stdout, 'full');
    const purge = log.runs[0]!.results!.filter((r) => r.ruleId === 'keyvault.purge-protection');
    expect(
      purge.map(
        (r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine}`,
      ),
    ).toEqual([`${CONFIG}/vaults/modules/vault/main.tf:29`, `${CONFIG}/vaults/modules/vault/main.tf:29`]);
  });
});
