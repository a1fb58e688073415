import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, runCli } from '../helpers.js';
import {
  createTestCertificate,
  liveArgs,
  runLive,
  serveTenant,
  type Tenant,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';
import type { Row } from '../support/azure-endpoint/kql.js';
import { findingsText, parseReport } from './report.js';

/**
 * Elastic SAN volume groups live in Resource Graph's `elasticsanresources`
 * table, which a query of `resources` does not reach: a live scan must ask
 * that table, or cmk.elastic-san-volume-group never sees a volume group.
 */

const SUBSCRIPTION = 'bbbbbbbb-1111-2222-3333-444444444444';

/** One subscription whose only resources are two volume groups (customer key, platform key), in their own table. */
function elasticSanTenant(): Tenant {
  return {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    subscriptions: [SUBSCRIPTION],
    tables: {
      resources: [],
      resourcecontainers: [
        { id: `/subscriptions/${SUBSCRIPTION}`, type: 'microsoft.resources/subscriptions', subscriptionId: SUBSCRIPTION, properties: {} },
      ],
      authorizationresources: [],
      elasticsanresources: JSON.parse(readFileSync(fixture('graph', 'elasticsanresources-volume-groups.json'), 'utf8')) as Row[],
    },
    keys: new Map(),
    protectors: new Map(),
    managementGroups: new Map(),
  };
}

/** The findings of cmk.elastic-san-volume-group as `resource status`, and its summary (a pass is counted, not listed). */
function volumeGroups(json: string): { findings: string[]; summary: unknown } {
  const report = parseReport(json);
  return {
    findings: report.findings
      .filter((finding) => finding.ruleId === 'cmk.elastic-san-volume-group')
      .map((finding) => `${finding.resource.name} ${finding.status}`),
    summary: report.summary.byRule['cmk.elastic-san-volume-group'],
  };
}

/** Both volume groups evaluated: the customer-key one passes, the platform-key one fails. */
const EXPECTED = {
  findings: ['vg-pmk fail'],
  summary: { severity: 'high', pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
};

let certificate: TestCertificate;
let dir: string;
beforeAll(() => {
  certificate = createTestCertificate();
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-elasticsan-'));
});
afterAll(() => {
  certificate.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('a live scan reads volume groups from elasticsanresources: the platform-key one fails; --export replays to the same findings', async () => {
  const live = await serveTenant(certificate, elasticSanTenant());
  const snapshot = path.join(dir, 'elasticsan.ndjson');
  try {
    const result = await runLive(certificate, live.endpoint, [
      ...liveArgs(live.endpoint, '--subscription', SUBSCRIPTION),
      '--format',
      'json',
      '--export',
      snapshot,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(parseReport(result.stdout).scan.errors).toEqual([]);
    expect(volumeGroups(result.stdout)).toEqual(EXPECTED);

    // The volume groups' query goes to their own table, after the count by type; no resources query names their type.
    const queries = live.endpoint.graphRequests.map((request) => (request.body as { query: string }).query);
    expect(queries.map((query) => query.split(' | ')[0])).toEqual([
      'resourcecontainers',
      'authorizationresources',
      'resourcecontainers',
      'resources',
      'resources',
      'elasticsanresources',
    ]);
    expect(queries.at(-1)).toBe(
      "elasticsanresources | where type in~ ('microsoft.elasticsan/elasticsans/volumegroups') | project id, name, type, subscriptionId, resourceGroup, properties, tags, identity | order by id asc",
    );
    for (const query of queries.slice(0, -1)) expect(query).not.toContain('microsoft.elasticsan/');

    const replay = runCli(['scan', '--input', snapshot, '--format', 'json']);
    expect(replay.code).toBe(1);
    expect(volumeGroups(replay.stdout)).toEqual(EXPECTED);
    expect(findingsText(replay.stdout)).toBe(findingsText(result.stdout));
  } finally {
    await live.close();
  }
});
