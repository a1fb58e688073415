import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceCatalog } from '../../src/catalog/index.js';
import { runCli } from '../helpers.js';
import {
  createTestCertificate,
  inventoryOf,
  liveArgs,
  runLive,
  serveTenant,
  type LiveTenant,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';
import { findingLines, findingsText, parseReport } from './report.js';

/**
 * Types in the fixture tenant that no built-in rule reads: Resource Graph must never send them. Virtual
 * machines (cmk.virtual-machine) and Log Analytics workspaces (cmk.log-analytics-workspace) are read now.
 */
const UNREAD_TYPES = [
  'microsoft.network/networkinterfaces',
  'microsoft.network/virtualnetworks',
  'microsoft.network/publicipaddresses',
  'microsoft.network/networksecuritygroups',
  'microsoft.web/sites',
  'microsoft.insights/components',
  'microsoft.managedidentity/userassignedidentities',
];

describe('a live scan of a 25,000-resource, 30-subscription tenant', () => {
  let certificate: TestCertificate;
  let live: LiveTenant;
  let dir: string;

  beforeAll(async () => {
    certificate = createTestCertificate();
    live = await serveTenant(certificate, 'large');
    dir = mkdtempSync(path.join(tmpdir(), 'keyscope-live-'));
  });
  afterAll(async () => {
    await live.close();
    certificate.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('finds what --input finds on the same data, in the fewest Resource Graph requests, and --export replays byte for byte', async () => {
    const { tenant, endpoint } = live;
    expect(tenant.tables.resources).toHaveLength(25_000);
    expect(tenant.subscriptions).toHaveLength(30);
    const read = tenant.tables.resources.filter((row) => !UNREAD_TYPES.includes(String(row['type'])));
    expect(read).toHaveLength(10_530);
    const keys = [...tenant.keys.values()].reduce((sum, list) => sum + list.length, 0);
    // Elastic SAN volume groups, in their own table.
    const volumeGroups = tenant.tables.elasticsanresources!;
    expect(volumeGroups).toHaveLength(30);

    const snapshot = path.join(dir, 'snapshot.ndjson');
    const scope = tenant.subscriptions.flatMap((id) => ['--subscription', id]);
    // Without cmk.key-access-scoped: its role-assignments query is tested on its own (faults.test.ts).
    const rules = ['--config', 'fixtures/graph/without-role-assignments.keyscope.yaml'];
    const result = await runLive(certificate, endpoint, [
      ...liveArgs(endpoint, ...scope),
      '--format',
      'json',
      '--export',
      snapshot,
      ...rules,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.scan.complete).toBe(true);
    expect(report.scan.errors).toEqual([]);
    expect(report.scan.sources).toEqual([
      { kind: 'graph', target: '30 subscriptions', resources: read.length + keys + volumeGroups.length },
    ]);

    // One coverage query, 10,530 rows in pages of 1,000 (11 pages), one count by type, one query of the Elastic SAN
    // volume groups' table (30 rows, one page). Nothing else.
    const requests = endpoint.graphRequests;
    expect(requests).toHaveLength(1 + 11 + 1 + 1);
    expect(requests.every((request) => request.status === 200)).toBe(true);
    const bodies = requests.map((request) => request.body as { query: string; subscriptions: string[]; options: Record<string, unknown> });
    for (const body of bodies) {
      expect(body.subscriptions).toEqual(tenant.subscriptions);
      expect(body.options).toEqual(expect.objectContaining({ $top: 1000, resultFormat: 'objectArray' }));
    }
    expect(bodies[0]!.query).toBe(
      "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId | order by subscriptionId asc",
    );
    expect(bodies[1]!.options['$skipToken']).toBeUndefined();
    for (const body of bodies.slice(2, -2)) expect(typeof body.options['$skipToken']).toBe('string');
    const query = bodies[1]!.query;
    expect(bodies.slice(2, -2).every((body) => body.query === query)).toBe(true);
    expect(bodies.at(-2)!.query).toBe('resources | summarize count() by type | order by type asc');
    expect(bodies.at(-1)!.query).toBe(
      "elasticsanresources | where type in~ ('microsoft.elasticsan/elasticsans/volumegroups') | project id, name, type, subscriptionId, resourceGroup, properties, tags, identity | order by id asc",
    );
    expect(bodies.at(-1)!.options['$skipToken']).toBeUndefined();
    expect(query).toMatch(
      /^resources \| where type in~ \(.*\) \| project id, name, type, subscriptionId, resourceGroup, kind, sku, properties, tags, identity \| order by id asc$/,
    );
    for (const type of UNREAD_TYPES) expect(query).not.toContain(`'${type}'`);

    // Keys: one list per vault and HSM (2 per page), one GET per key; protectors: one GET per SQL server and managed instance.
    const arm = endpoint.requests.filter((request) => request.kind === 'arm');
    const parents = [...tenant.keys.values()];
    const listCalls = parents.reduce((sum, list) => sum + Math.max(1, Math.ceil(list.length / 2)), 0);
    expect(arm.filter((request) => /\/keys$/.test(request.path))).toHaveLength(listCalls);
    expect(arm.filter((request) => /\/keys\/[^/]+$/.test(request.path))).toHaveLength(keys);
    expect(arm.filter((request) => request.path.endsWith('/encryptionProtector/current'))).toHaveLength(tenant.protectors.size);
    expect(arm.every((request) => request.status === 200)).toBe(true);

    // The same data as one inventory file: the same findings, only read from elsewhere.
    const inventory = path.join(dir, 'tenant.ndjson');
    writeFileSync(
      inventory,
      `${inventoryOf(tenant)
        .map((record) => JSON.stringify(record))
        .join('\n')}\n`,
    );
    const offline = runCli(['scan', '--input', inventory, '--format', 'json', ...rules]);
    expect(offline.code).toBe(1);
    const offlineReport = parseReport(offline.stdout);
    expect(report.findings.length).toBeGreaterThan(5000);
    expect(findingLines(report)).toEqual(findingLines(offlineReport));
    expect(report.summary.byStatus).toEqual(offlineReport.summary.byStatus);
    expect(report.summary.byRule).toEqual(offlineReport.summary.byRule);
    for (const finding of report.findings)
      expect(finding.location).toEqual({ kind: 'graph', subscriptionId: finding.resource.subscriptionId });
    // Without the protector, every SQL server would fail cmk.sql-server: half of them pass.
    const sqlFailures = report.findings.filter((finding) => finding.ruleId === 'cmk.sql-server').length;
    expect(sqlFailures).toBe(150);
    // The volume groups cycle through customer key, platform key, and customer key named without a key.
    expect(report.summary.byRule['cmk.elastic-san-volume-group']).toEqual({
      severity: 'high',
      pass: 10,
      fail: 20,
      unknown: 0,
      notApplicable: 0,
    });

    // Every type no rule reads is counted, not downloaded: the not-assessed list names them all, by count then type.
    const unread = new Map<string, number>();
    for (const row of tenant.tables.resources) {
      const type = String(row['type']);
      // Types the catalog knows (networking, identities: no-data) are assessed, though not downloaded.
      if (UNREAD_TYPES.includes(type) && !serviceCatalog().entry(type)) unread.set(type, (unread.get(type) ?? 0) + 1);
    }
    const notAssessed = [...unread]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1));
    expect(notAssessed.map((entry) => entry.type).sort()).toEqual(['microsoft.web/sites']);
    expect(report.posture.notAssessed).toEqual(notAssessed);
    // The file holds every row, so counting it gives the same list.
    expect(offlineReport.posture.notAssessed).toEqual(notAssessed);

    // --export then --input: byte-identical findings, the same posture (the type counts travel as one record after the header).
    const [header, ...exported] = readFileSync(snapshot, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(header!)).toEqual({
      keyscopeExport: 1,
      scope: '30 subscriptions',
      subscriptions: tenant.subscriptions,
      covered: tenant.subscriptions,
      notRead: [],
      problems: [],
    });
    expect(exported).toHaveLength(read.length + keys + volumeGroups.length + 1);
    expect(JSON.parse(exported.at(-1)!)).toEqual({
      id: 'keyscope:type-counts',
      type: 'keyscope/typeCounts',
      counts: expect.arrayContaining([{ type: 'microsoft.web/sites', count: unread.get('microsoft.web/sites') }]),
    });
    expect(JSON.parse(exported[0]!)).toEqual(expect.objectContaining({ origin: { kind: 'graph', subscriptionId: expect.any(String) } }));
    const replay = runCli(['scan', '--input', snapshot, '--format', 'json', ...rules]);
    expect(replay.code).toBe(1);
    expect(findingsText(replay.stdout)).toBe(findingsText(result.stdout));
    expect(parseReport(replay.stdout).posture).toEqual(report.posture);
  });
});
