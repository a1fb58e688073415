import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { Catalog, serviceCatalog, type CatalogService } from '../../src/catalog/index.js';
import { buildEngine, loadDefinitions, selectDefinitions } from '../../src/cli/rule-set.js';
import type { Engine } from '../../src/engine/index.js';
import { runScan, TypeTally, typePosture, type ScanResult } from '../../src/findings/index.js';
import type { Resource } from '../../src/model/index.js';
import { loadConfig } from '../../src/rules/index.js';
import { ExportSource, type InventorySource, type SourceBatch } from '../../src/sources/index.js';
import { root, runCli } from '../helpers.js';

const MIXED = 'fixtures/inventories/catalog-and-unknown-types.json';
const COUNTS = 'fixtures/inventories/type-counts.ndjson';
const work = mkdtempSync(path.join(tmpdir(), 'keyscope-not-assessed-'));

/** The fixture's types the catalog does not know, by count then type; two spellings of the Container Apps environment type count as one. */
const MIXED_NOT_ASSESSED = [
  { type: 'Microsoft.App/managedEnvironments', count: 3 },
  { type: 'Microsoft.Web/sites', count: 2 },
  // Written with an escaped slash: the splitter cannot skip it, so it is parsed and counted by the first pass.
  { type: 'Microsoft.ApiManagement/service', count: 1 },
  { type: 'Microsoft.NotificationHubs/namespaces', count: 1 },
  { type: 'Microsoft.Web/staticSites', count: 1 },
];

function scanJson(args: string[], stderr = ''): { code: number; document: ScanResult } {
  const result = runCli(['scan', ...args, '--format', 'json']);
  expect(result.stderr).toBe(stderr);
  return { code: result.code, document: JSON.parse(result.stdout) as ScanResult };
}

describe('posture.notAssessed, from the CLI', () => {
  test('an export mixing catalog and unknown types lists exactly the unknown ones, sorted by count then type', () => {
    const { code, document } = scanJson(['--input', MIXED]);
    expect(code).toBe(1); // the storage account's platform key fails cmk.storage-account
    expect(document.posture.notAssessed).toEqual(MIXED_NOT_ASSESSED);
    expect(document.posture.platformOnly).toEqual([]);
    expect(document.summary.resources).toBe(10);
  });

  test('records of types no selected rule reads are counted though never parsed', () => {
    // Only the vault rules: the storage account is skipped by the splitter too, and is in the catalog.
    const config = path.join(work, 'vault-only.yaml');
    writeFileSync(config, 'include: [keyvault.*]\n');
    const { document } = scanJson(['--input', MIXED, '--config', config]);
    expect(document.posture.notAssessed).toEqual(MIXED_NOT_ASSESSED);
  });

  test('the JSON report writes one type a line, before the resources', () => {
    const { stdout } = runCli(['scan', '--input', COUNTS, '--format', 'json']);
    expect(stdout).toContain(
      [
        '    "platformOnly": [],',
        '    "notAssessed": [',
        '      {"type":"microsoft.app/managedenvironments","count":120},',
        '      {"type":"microsoft.web/sites","count":15},',
        '      {"type":"microsoft.notificationhubs/namespaces","count":5}',
        '    ],',
        '    "resources": [',
      ].join('\n'),
    );
  });

  test('a type-counts record replaces what the file holds by type, adds up, and is no resource', () => {
    const { code, document } = scanJson(['--input', COUNTS]);
    expect(code).toBe(0);
    expect(document.summary.resources).toBe(1);
    expect(document.posture.notAssessed).toEqual([
      { type: 'microsoft.app/managedenvironments', count: 120 },
      { type: 'microsoft.web/sites', count: 15 },
      { type: 'microsoft.notificationhubs/namespaces', count: 5 },
    ]);
  });

  test('a malformed type-counts record is a located record-invalid problem', () => {
    const { code, document } = scanJson(
      ['--input', 'fixtures/inventories/type-counts-malformed.ndjson'],
      // A problem that leaves the scan incomplete is also one line on stderr.
      'fixtures/inventories/type-counts-malformed.ndjson:2:1  record-invalid  type-counts record: counts[0] must be {"type": non-empty string, "count": integer >= 0}\n',
    );
    expect(code).toBe(3);
    expect(document.scan.errors).toEqual([
      {
        code: 'record-invalid',
        message: 'type-counts record: counts[0] must be {"type": non-empty string, "count": integer >= 0}',
        target: 'fixtures/inventories/type-counts-malformed.ndjson',
        line: 2,
        column: 1,
      },
    ]);
    expect(document.posture.notAssessed).toEqual([]);
  });

  test('the text summary names the types after the key-management line', () => {
    const { stdout } = runCli(['scan', '--input', COUNTS, '--format', 'text']);
    expect(stdout.slice(stdout.indexOf('Key management'))).toBe(
      [
        'Key management  0 data resources: none',
        '  not assessed: 3 types, 140 resources (types the service catalog does not know): microsoft.app/managedenvironments 120, microsoft.web/sites 15, microsoft.notificationhubs/namespaces 5',
        'No findings.',
        '',
      ].join('\n'),
    );
  });

  test('the Markdown summary has the same line in its key-management section', () => {
    const { stdout } = runCli(['scan', '--input', COUNTS, '--format', 'markdown']);
    expect(stdout).toContain(
      [
        '### Key management',
        '',
        '0 data resources: none.',
        '',
        'not assessed: 3 types, 140 resources (types the service catalog does not know): microsoft.app/managedenvironments 120, microsoft.web/sites 15, microsoft.notificationhubs/namespaces 5.',
        '',
      ].join('\n'),
    );
  });

  test('SARIF carries the list as one toolExecutionNotification', () => {
    const file = path.join(work, 'counts.sarif');
    runCli(['scan', '--input', COUNTS, '--format', 'sarif', '--output', file]);
    const log = JSON.parse(readFileSync(file, 'utf8')) as Log;
    const notifications = log.runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notifications).toEqual([
      {
        level: 'warning',
        descriptor: { id: 'not-assessed' },
        message: {
          text: 'not assessed: 3 types, 140 resources (types the service catalog does not know): microsoft.app/managedenvironments 120, microsoft.web/sites 15, microsoft.notificationhubs/namespaces 5.',
        },
        properties: {
          notAssessed: [
            { type: 'microsoft.app/managedenvironments', count: 120 },
            { type: 'microsoft.web/sites', count: 15 },
            { type: 'microsoft.notificationhubs/namespaces', count: 5 },
          ],
        },
      },
    ]);
  });

  test('same inputs, byte-identical JSON', () => {
    const first = runCli(['scan', '--input', MIXED, '--format', 'json']).stdout;
    expect(runCli(['scan', '--input', MIXED, '--format', 'json']).stdout).toBe(first);
  });
});

describe('typePosture', () => {
  const service = (types: CatalogService['types']): CatalogService => ({ service: 'test', name: 'Test', types, file: 'test.yaml' });
  const catalog = new Catalog([
    service([
      { type: 'Microsoft.Example/stores', displayName: 'Store', class: 'platform-only' },
      { type: 'Microsoft.Example/pipes', displayName: 'Pipe', class: 'no-data' },
      { type: 'Microsoft.Example/vaults', displayName: 'Vault', class: 'key-store' },
    ]),
  ]);

  test('platform-only types are listed apart; no-data and key-store types in neither list; ties sort by type', () => {
    const tally = new TypeTally();
    tally.add('microsoft.example/stores', 2);
    tally.add('Microsoft.Example/stores');
    tally.add('Microsoft.Example/pipes', 7);
    tally.add('Microsoft.Example/vaults');
    tally.add('Microsoft.Other/b', 2);
    tally.add('Microsoft.Other/a', 2);
    tally.add('Microsoft.Other/c', 5);
    expect(typePosture(tally, catalog)).toEqual({
      platformOnly: [{ type: 'Microsoft.Example/stores', count: 3 }],
      notAssessed: [
        { type: 'Microsoft.Other/c', count: 5 },
        { type: 'Microsoft.Other/a', count: 2 },
        { type: 'Microsoft.Other/b', count: 2 },
      ],
    });
  });

  test('the order the types were met in does not change the lists', () => {
    const one = new TypeTally();
    const two = new TypeTally();
    for (const type of ['b/x', 'B/X', 'a/y', 'c/z']) one.add(type);
    for (const type of ['c/z', 'a/y', 'B/X', 'b/x']) two.add(type);
    expect(typePosture(one, catalog)).toEqual(typePosture(two, catalog));
    expect(typePosture(one, catalog).notAssessed).toEqual([
      { type: 'B/X', count: 2 },
      { type: 'a/y', count: 1 },
      { type: 'c/z', count: 1 },
    ]);
  });
});

/** A source that hands fixed resources to the scan, as a live source would. */
class FixedSource implements InventorySource {
  readonly label = 'graph:property';
  constructor(private readonly resources: Resource[]) {}
  async *batches(): AsyncIterable<SourceBatch> {
    await Promise.resolve();
    yield { kind: 'resources', resources: this.resources };
  }
}

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function respell(type: string, next: () => number): string {
  return [...type].map((c) => (next() < 0.5 ? c.toLowerCase() : c.toUpperCase())).join('');
}

describe('property: posture.notAssessed is exactly the types the catalog does not know', () => {
  const catalog = serviceCatalog();
  const known = new Set(catalog.entries.map((entry) => entry.type.toLowerCase()));
  let engine: Engine;
  beforeAll(() => {
    const config = loadConfig(undefined, root);
    engine = buildEngine(selectDefinitions(loadDefinitions(config, [], root), config), []);
  });

  /** Unknown types near the catalog's: a child segment under a catalog type, another provider, a truncated name. */
  function unknownTypes(next: () => number): string[] {
    const types: string[] = [];
    for (const entry of catalog.entries) {
      const [provider, ...rest] = entry.type.split('/');
      for (const candidate of [
        `${entry.type}/children${Math.floor(next() * 3)}`,
        `${provider}Next/${rest.join('/')}`,
        entry.type.slice(0, -1),
      ]) {
        if (!known.has(candidate.toLowerCase())) types.push(candidate);
      }
    }
    return types;
  }

  test('50 random inventories over every catalog type, respelled, with unknown types beside them', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(seed);
      const resources: Resource[] = [];
      const expected = new Map<string, number>();
      const candidates = [...catalog.entries.map((entry) => entry.type), ...unknownTypes(next)];
      for (const type of candidates) {
        if (next() < 0.5) continue;
        const count = 1 + Math.floor(next() * 3);
        for (let i = 0; i < count; i++) {
          const spelled = respell(type, next);
          resources.push({
            id: `/subscriptions/s/resourceGroups/rg/providers/${spelled}/r${resources.length}`,
            type: spelled,
            name: `r${i}`,
          });
        }
        if (!known.has(type.toLowerCase())) expected.set(type.toLowerCase(), (expected.get(type.toLowerCase()) ?? 0) + count);
      }
      const result = await runScan(engine, [new FixedSource(resources)], { version: 'test' });
      const listed = result.posture.notAssessed;
      expect(new Map(listed.map((entry) => [entry.type.toLowerCase(), entry.count]))).toEqual(expected);
      for (const entry of listed) expect(catalog.entry(entry.type)).toBeUndefined();
      for (let i = 1; i < listed.length; i++) {
        const [a, b] = [listed[i - 1]!, listed[i]!];
        expect(a.count > b.count || (a.count === b.count && a.type < b.type)).toBe(true);
      }
    }
  });

  test('an export holding one record of every catalog type has nothing not assessed, skipped records included', async () => {
    const file = path.join(work, 'every-catalog-type.ndjson');
    writeFileSync(
      file,
      catalog.entries
        .map((entry, i) => `${JSON.stringify({ id: `/subscriptions/s/providers/${entry.type}/r${i}`, type: entry.type, name: `r${i}` })}\n`)
        .join(''),
    );
    const result = await runScan(engine, [new ExportSource(file)], { version: 'test' });
    expect(result.summary.resources).toBe(catalog.entries.length);
    expect(result.posture.notAssessed).toEqual([]);
  });
});
