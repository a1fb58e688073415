import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { type Engine } from '../../src/engine/index.js';
import { runScan, type ScanResult } from '../../src/findings/index.js';
import type { Resource, ScanProblem } from '../../src/model/index.js';
import { CATEGORY, GITHUB_LIMITS, pseudoPath, writeSarif, type SarifSettings } from '../../src/report/index.js';
import type { InventorySource, ReadOptions, SourceBatch } from '../../src/sources/index.js';
import { buildEngine, loadDefinitions, selectDefinitions } from '../../src/cli/rule-set.js';
import { loadConfig } from '../../src/rules/index.js';
import { root, runCli } from '../helpers.js';
import { multitoolErrors, schemaErrors } from '../support/sarif-check.js';

const work = mkdtempSync(path.join(tmpdir(), 'keyscope-sarif-'));
/** Validates against the official SARIF 2.1.0 schema (from ../shared; skipped without it). */
function expectSchemaValid(log: unknown): void {
  expect(schemaErrors(log)).toEqual([]);
}

function scanToSarif(args: string[], name: string): { file: string; log: Log; code: number } {
  const file = path.join(work, name);
  const result = runCli(['scan', ...args, '--format', 'sarif', '--output', file]);
  expect(result.stderr).toBe('');
  return { file, log: JSON.parse(readFileSync(file, 'utf8')) as Log, code: result.code };
}

describe('SARIF, full profile', () => {
  const { file, log } = scanToSarif(
    ['--input', 'examples/inventory.json', '--exemptions', 'fixtures/exemptions/legacy-vault.yaml'],
    'full.sarif',
  );

  test('validates against the official schema and the Multitool', () => {
    expectSchemaValid(log);
    expect(multitoolErrors(file).filter((e) => !e.startsWith('GH'))).toEqual([]);
  });

  test('the driver lists every rule that ran, with GitHub metadata', () => {
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(rules).toHaveLength(75);
    const purge = rules.find((r) => r.id === 'keyvault.purge-protection')!;
    expect(purge).toMatchObject({
      name: 'KeyvaultPurgeProtection',
      shortDescription: { text: 'Key vaults have purge protection enabled' },
      helpUri: 'https://github.com/keyscope-dev/keyscope/blob/main/docs/rules/keyvault.purge-protection.md',
      defaultConfiguration: { level: 'error' },
      properties: { tags: expect.arrayContaining(['security']), precision: 'high', 'security-severity': '8.0' },
    });
    expect(purge.help!.markdown).toMatch(/^# keyvault\.purge-protection/);
    const levels = Object.fromEntries(
      rules.map((r) => [r.properties!['severity'], [r.defaultConfiguration!.level, r.properties!['security-severity']]]),
    );
    expect(levels).toEqual({ critical: ['error', '9.5'], high: ['error', '8.0'], medium: ['warning', '5.5'] });
  });

  test('results carry the rule index, a formatted message, a stable fingerprint and the export line', () => {
    const run = log.runs[0]!;
    const result = run.results!.find((r) => r.ruleId === 'keyvault.purge-protection')!;
    expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe('keyvault.purge-protection');
    expect(result.message.text).toMatch(/kv-legacy-app.*properties\.enablePurgeProtection is not set \(expected equals true\)/);
    expect(result.partialFingerprints!['keyscope/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(result.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'examples/inventory.json' },
      region: { startLine: 25, startColumn: 1 },
    });
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
  });

  test('an exempted finding is kept, suppressed as external/accepted', () => {
    const suppressed = log.runs[0]!.results!.filter((r) => r.suppressions?.length);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['keyvault.rbac-authorization']);
    expect(suppressed[0]!.suppressions![0]).toMatchObject({
      kind: 'external',
      status: 'accepted',
      justification: expect.stringMatching(/APP-1234/),
    });
  });

  test('two scans give byte-identical SARIF', () => {
    const again = scanToSarif(
      ['--input', 'examples/inventory.json', '--exemptions', 'fixtures/exemptions/legacy-vault.yaml'],
      'full-again.sarif',
    );
    expect(readFileSync(again.file, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });
});

describe('SARIF, GitHub profile', () => {
  const { file, log } = scanToSarif(
    ['--input', 'examples/inventory.json', '--sarif-profile', 'github', '--exemptions', 'fixtures/exemptions/legacy-vault.yaml'],
    'github.sarif',
  );

  test('passes the Multitool with the GitHub rules on, and the official schema', () => {
    expectSchemaValid(log);
    expect(multitoolErrors(file)).toEqual([]);
  });

  test('only open failures; live resources get a lower-case pseudo-path at line 1 and the id as a logical location', () => {
    const results = log.runs.flatMap((run) => run.results ?? []);
    expect(results).toHaveLength(19); // 20 findings, one exempted
    expect(results.some((r) => r.ruleId === 'keyvault.rbac-authorization')).toBe(false);
    expect(results.every((r) => !r.suppressions && !r.baselineState)).toBe(true);
    const purge = results.find((r) => r.ruleId === 'keyvault.purge-protection')!;
    expect(purge.locations![0]).toEqual({
      physicalLocation: {
        artifactLocation: {
          uri: 'azure/subscriptions/3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11/resourcegroups/rg-legacy/providers/microsoft.keyvault/vaults/kv-legacy-app',
        },
        region: { startLine: 1, startColumn: 1 },
      },
      logicalLocations: [
        {
          fullyQualifiedName:
            '/subscriptions/3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11/resourceGroups/rg-legacy/providers/Microsoft.KeyVault/vaults/kv-legacy-app',
          name: 'kv-legacy-app',
          kind: 'resource',
        },
      ],
    });
  });

  test('one run per subscription, categorised', () => {
    expect(log.runs.map((run) => run.automationDetails?.id)).toEqual(['keyscope/azure/3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11/']);
  });

  test('an unknown evaluation is a warning', () => {
    const unknown = scanToSarif(['--input', 'fixtures/inventories/one-unknown.json', '--sarif-profile', 'github'], 'unknown.sarif');
    expect(unknown.log.runs[0]!.results!.map((r) => [r.ruleId, r.level, r.kind])).toEqual([
      ['keyvault.purge-protection', 'warning', 'open'],
    ]);
  });

  test('pseudo-paths are stable and lower-case, nested resources keep their parent', () => {
    expect(pseudoPath('/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/KV/keys/My Key')).toBe(
      'azure/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv/keys/my%20key',
    );
  });
});

/** A source that serves fixed resources and problems, as a live source would. */
class FixedSource implements InventorySource {
  readonly label = 'graph:tenant';
  constructor(
    private readonly resources: Resource[],
    private readonly problems: ScanProblem[] = [],
    private readonly covered: string[] = [],
  ) {}
  async *batches(options: ReadOptions): AsyncIterable<SourceBatch> {
    await Promise.resolve();
    for (const subscription of this.covered) options.covered?.(subscription);
    for (const problem of this.problems) options.report(problem);
    yield { kind: 'resources', resources: this.resources };
  }
}

function engine(): Engine {
  const config = loadConfig(undefined, root);
  return buildEngine(selectDefinitions(loadDefinitions(config, [], root), config), []);
}

function vault(subscription: string, name: string, purgeProtection: boolean): Resource {
  return {
    id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`,
    type: 'microsoft.keyvault/vaults',
    name,
    subscriptionId: subscription,
    origin: { kind: 'graph', subscriptionId: subscription },
    properties: {
      enableSoftDelete: true,
      enableRbacAuthorization: true,
      enablePurgeProtection: purgeProtection,
      softDeleteRetentionInDays: 90,
    },
  };
}

const SUB_A = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB_B = 'bbbbbbbb-0000-0000-0000-000000000002';

/** The SARIF logs the reporter writes for a result, each file parsed (written in pieces, as the CLI writes them). */
async function sarifLogs(result: ScanResult, settings: SarifSettings): Promise<Log[]> {
  const files: string[] = [];
  const collect = (pieces: Iterable<string>): Promise<void> => {
    files.push([...pieces].join(''));
    return Promise.resolve();
  };
  const outputs = {
    file: path.join(work, 'logs.sarif'),
    write: collect,
    writeFile: (_file: string, pieces: Iterable<string>) => collect(pieces),
  };
  await writeSarif(result, outputs, settings, () => undefined);
  return files.map((text) => JSON.parse(text) as Log);
}

async function scan(resources: Resource[], problems: ScanProblem[] = [], covered: string[] = []): Promise<ScanResult> {
  return runScan(engine(), [new FixedSource(resources, problems, covered)], { version: 'test' });
}

describe('a subscription that could not be read keeps its alerts open', () => {
  test('its category gets no run, so GitHub keeps its alerts; the other subscription is reported in full', async () => {
    const previous = await sarifLogs(await scan([vault(SUB_A, 'kv-a', false), vault(SUB_B, 'kv-b', false)]), { profile: 'github' });
    const previousCategories = previous.flatMap((l) => l.runs.map((r) => r.automationDetails!.id));
    expect(previousCategories).toEqual([`${CATEGORY.azure(SUB_A)}/`, `${CATEGORY.azure(SUB_B)}/`]);
    const bAlerts = previous.flatMap((l) =>
      l.runs.filter((r) => r.automationDetails!.id === `${CATEGORY.azure(SUB_B)}/`).flatMap((r) => r.results!),
    );
    expect(bAlerts.length).toBeGreaterThan(0);

    // B is trimmed by RBAC this time: Resource Graph returns no rows for it.
    const now = await scan(
      [vault(SUB_A, 'kv-a', false)],
      [{ code: 'subscription-not-read', message: 'not in resourcecontainers (RBAC?)', target: SUB_B }],
      [SUB_A],
    );
    const current = await sarifLogs(now, { profile: 'github' });
    const runs = current.flatMap((l) => l.runs);
    // GitHub closes an alert only when a newer analysis of the same category lacks it: B has no newer analysis.
    expect(runs.map((r) => r.automationDetails!.id)).toEqual([`${CATEGORY.azure(SUB_A)}/`]);
    expect(runs[0]!.results!.map((r) => r.partialFingerprints!['keyscope/v1'])).toEqual(
      previous[0]!.runs[0]!.results!.map((r) => r.partialFingerprints!['keyscope/v1']),
    );
    expect(runs[0]!.invocations![0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [
        { level: 'error', descriptor: { id: 'subscription-not-read' }, message: { text: expect.stringContaining(SUB_B) } },
      ],
    });
  });

  test('a failed call for one resource withholds only its subscription', async () => {
    const keyId = `/subscriptions/${SUB_B}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-b/keys/cmk`;
    const logs = await sarifLogs(
      await scan(
        [vault(SUB_A, 'kv-a', false), vault(SUB_B, 'kv-b', false)],
        [{ code: 'enrichment-failed', message: '403 reading the key', target: keyId }],
      ),
      { profile: 'github' },
    );
    expect(logs.flatMap((l) => l.runs.map((r) => r.automationDetails!.id))).toEqual([`${CATEGORY.azure(SUB_A)}/`]);
  });

  test('a subscription read with nothing wrong still gets its (empty) run, so fixed alerts close', async () => {
    const logs = await sarifLogs(await scan([vault(SUB_A, 'kv-a', true)], [], [SUB_A, SUB_B]), { profile: 'github' });
    expect(logs[0]!.runs.map((r) => [r.automationDetails!.id, r.results!.length])).toEqual([
      [`${CATEGORY.azure(SUB_A)}/`, 0],
      [`${CATEGORY.azure(SUB_B)}/`, 0],
    ]);
  });
});

describe('the pre-deployment gate never touches live categories', () => {
  test('a plan scan has only the iac run, even though its resources name a subscription', () => {
    const result = runCli([
      'scan',
      '--plan',
      'fixtures/terraform/located/plan.json',
      '--format',
      'sarif',
      '--sarif-profile',
      'github',
      '-q',
    ]);
    const log = JSON.parse(result.stdout) as Log;
    expect(log.runs.map((r) => [r.automationDetails!.id, r.results!.length])).toEqual([[`${CATEGORY.iac}/`, 7]]); // with cmk.storage-queue-table on the storage account
  });
});

describe("GitHub's limits", () => {
  test('runs are split across files (5 a file by default), every file valid', () => {
    const resources = Array.from({ length: 25 }, (_, i) =>
      vault(`0000${String(i).padStart(4, '0')}-1111-2222-3333-444455556666`, `kv-${i}`, false),
    );
    const inventory = path.join(work, 'twenty-five-subscriptions.json');
    writeFileSync(inventory, JSON.stringify(resources.map(({ origin: _origin, ...rest }) => rest)));
    const result = runCli([
      'scan',
      '--input',
      inventory,
      '--format',
      'sarif',
      '--sarif-profile',
      'github',
      '--output',
      path.join(work, 'split.sarif'),
    ]);
    expect(result.code).toBe(1);
    const parts = readdirSync(work)
      .filter((f) => /^split\.\d\.sarif$/.test(f))
      .sort();
    expect(parts).toEqual(['split.1.sarif', 'split.2.sarif', 'split.3.sarif', 'split.4.sarif', 'split.5.sarif']);
    const logs = parts.map((p) => JSON.parse(readFileSync(path.join(work, p), 'utf8')) as Log);
    expect(logs.map((l) => l.runs.length)).toEqual([5, 5, 5, 5, 5]);
    const categories = logs.flatMap((l) => l.runs.map((r) => r.automationDetails!.id));
    expect(new Set(categories).size).toBe(25);
    expect(multitoolErrors(...parts.map((part) => path.join(work, part)))).toEqual([]);
    // GitHub's hard limit is 20 runs a file.
    runCli([
      'scan',
      '--input',
      inventory,
      '--format',
      'sarif',
      '--sarif-profile',
      'github',
      '--sarif-max-runs',
      '20',
      '--output',
      path.join(work, 'wide.sarif'),
    ]);
    expect((JSON.parse(readFileSync(path.join(work, 'wide.1.sarif'), 'utf8')) as Log).runs).toHaveLength(20);
    expect(runCli(['scan', '--input', inventory, '--format', 'sarif', '--sarif-max-runs', '21']).code).toBe(2);
  });

  test('a run over 25,000 results keeps the most severe and says so', async () => {
    const resources = Array.from({ length: 9000 }, (_, i) => {
      const v = vault(SUB_A, `kv-${i}`, false);
      v.properties = { enableSoftDelete: true, softDeleteRetentionInDays: 7 }; // fails purge, RBAC, retention
      return v;
    });
    const [first] = await sarifLogs(await scan(resources), { profile: 'github' });
    const run = first!.runs[0]!;
    expect(run.results).toHaveLength(GITHUB_LIMITS.resultsPerRun);
    expect(run.results!.filter((r) => r.ruleId === 'keyvault.purge-protection')).toHaveLength(9000);
    expect(run.invocations![0]!.toolExecutionNotifications!.map((n) => n.descriptor!.id)).toEqual(['results-truncated']);
  });

  test('a file takes no further run once its results would pass 30,000 (GitHub rejects files over 10 MB of gzip)', async () => {
    const resources = Array.from({ length: 10_800 }, (_, i) => {
      const v = vault(i % 2 ? SUB_B : SUB_A, `kv-${i}`, false);
      v.properties = { enableSoftDelete: true, softDeleteRetentionInDays: 7 }; // fails purge, RBAC, retention
      return v;
    });
    const result = await scan(resources);
    const logs = await sarifLogs(result, { profile: 'github' });
    // 16,200 results a subscription: two runs would be 32,400 in one file.
    expect(logs.map((l) => l.runs.map((r) => [r.automationDetails!.id, r.results!.length]))).toEqual([
      [[`${CATEGORY.azure(SUB_A)}/`, 16_200]],
      [[`${CATEGORY.azure(SUB_B)}/`, 16_200]],
    ]);
    expect(GITHUB_LIMITS.resultsPerFile).toBe(30_000);
  });
});
