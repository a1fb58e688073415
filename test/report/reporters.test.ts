import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { buildEngine, loadDefinitions, selectDefinitions } from '../../src/cli/rule-set.js';
import { runScan, type ScanResult } from '../../src/findings/index.js';
import type { Resource } from '../../src/model/index.js';
import { numberedFile, relativeUri, reportFormats, type ReportOptions } from '../../src/report/index.js';
import { loadConfig } from '../../src/rules/index.js';
import type { InventorySource, ReadOptions, SourceBatch } from '../../src/sources/index.js';
import { root, runCli, runInProcess } from '../helpers.js';

const work = mkdtempSync(path.join(tmpdir(), 'keyscope-reporters-'));

/** A vault failing purge protection, RBAC and retention, in one of `subscriptions` subscriptions. */
function vault(i: number, subscriptions: number): Resource {
  const subscription = `0000${String(i % subscriptions).padStart(4, '0')}-1111-2222-3333-444455556666`;
  return {
    id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-${i}`,
    type: 'microsoft.keyvault/vaults',
    name: `kv-${i}`,
    subscriptionId: subscription,
    origin: { kind: 'graph', subscriptionId: subscription },
    properties: { enableSoftDelete: true, softDeleteRetentionInDays: 7 },
  };
}

class FixedSource implements InventorySource {
  readonly label = 'graph:tenant';
  constructor(private readonly resources: Resource[]) {}
  async *batches(_options: ReadOptions): AsyncIterable<SourceBatch> {
    await Promise.resolve();
    yield { kind: 'resources', resources: this.resources };
  }
}

async function scan(count: number, subscriptions: number): Promise<ScanResult> {
  const config = loadConfig(undefined, root);
  const engine = buildEngine(selectDefinitions(loadDefinitions(config, [], root), config), []);
  return runScan(engine, [new FixedSource(Array.from({ length: count }, (_, i) => vault(i, subscriptions)))], { version: 'test' });
}

describe('the reporter contract', () => {
  test('every format writes a large report in pieces, none of them the report', async () => {
    const result = await scan(4000, 3);
    expect(result.findings.length).toBe(12_000);
    for (const entry of reportFormats) {
      for (const flags of entry.format === 'sarif' ? [{ sarifProfile: 'full' }, { sarifProfile: 'github' }] : [{}]) {
        const pieces: number[] = [];
        const files: (string | undefined)[] = [];
        const collect = (file: string | undefined, written: Iterable<string>): Promise<void> => {
          files.push(file);
          for (const piece of written) pieces.push(piece.length);
          return Promise.resolve();
        };
        const options: ReportOptions = { color: false, ruleDoc: () => undefined, flags };
        await entry.write(result, { file: 'out', write: (written) => collect(undefined, written), writeFile: collect }, options);
        const total = pieces.reduce((a, b) => a + b, 0);
        const label = `${entry.format} ${JSON.stringify(flags)}`;
        expect([label, files]).toEqual([label, [undefined]]);
        // Markdown is a summary of bounded size; every other format grows with the findings, a piece at a time.
        if (entry.format !== 'markdown') {
          expect([label, total > 1_000_000]).toEqual([label, true]);
          expect([label, Math.max(...pieces) < 256 * 1024]).toEqual([label, true]);
        }
      }
    }
  });

  test('a format that needs several files names them beside the one given, and refuses standard output', () => {
    const inventory = path.join(work, 'twelve-subscriptions.json');
    writeFileSync(
      inventory,
      JSON.stringify(Array.from({ length: 12 }, (_, i) => vault(i, 12)).map(({ origin: _origin, ...rest }) => rest)),
    );
    mkdirSync(path.join(work, 'out'));
    const split = runCli(
      ['scan', '--input', inventory, '--format', 'sarif', '--sarif-profile', 'github', '--output', 'out/keyscope.sarif'],
      {
        cwd: work,
      },
    );
    expect([split.code, split.stderr]).toEqual([1, '']);
    expect(readdirSync(path.join(work, 'out'))).toEqual(['keyscope.1.sarif', 'keyscope.2.sarif', 'keyscope.3.sarif']);
    const runs = readdirSync(path.join(work, 'out')).map(
      (file) => (JSON.parse(readFileSync(path.join(work, 'out', file), 'utf8')) as Log).runs.length,
    );
    expect(runs).toEqual([5, 5, 2]);
    const stdout = runCli(['scan', '--input', inventory, '--format', 'sarif', '--sarif-profile', 'github'], { cwd: work });
    expect(stdout.code).toBe(2);
    expect(stdout.stdout).toBe('');
    expect(stdout.stderr).toMatch(/the SARIF report needs 3 files here/);
  });

  test("a format's own flags are checked before the scan: nothing is written", async () => {
    const run = await runInProcess([
      'scan',
      '--input',
      'examples/inventory.json',
      '--output',
      `json=${path.join(work, 'first.json')}`,
      '--output',
      `sarif=${path.join(work, 'second.sarif')}`,
      '--sarif-max-runs',
      '21',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--sarif-max-runs '21' is not a whole number from 1 to 20/);
    expect(run.files.size).toBe(0);
  });

  test.each([
    ['keyscope.sarif', 2, 'keyscope.2.sarif'],
    ['keyscope', 1, 'keyscope.1'],
    ['report.json', 3, 'report.json.3'],
  ])('numbered file of %s (%d): %s', (file, n, expected) => {
    expect(numberedFile(file, '.sarif', n)).toBe(expected);
  });

  test.each([
    ['templates/main.json', 'templates/main.json'],
    ['./a\\b/c.json', 'a/b/c.json'],
    ["/subscriptions/x/providers/a.b/c(d)!~*'_-.", "subscriptions/x/providers/a.b/c(d)!~*'_-."],
    ['my templates/key#1/ü.json', 'my%20templates/key%231/%C3%BC.json'],
  ])('SARIF URI of %s: %s', (file, uri) => {
    expect(relativeUri(file)).toBe(uri);
  });
});
