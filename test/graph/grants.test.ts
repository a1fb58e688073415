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
import { parseReport } from './report.js';

const SUBSCRIPTION = 'aaaaaaaa-1111-2222-3333-444444444444';

/** The findings of cmk.key-access-scoped as `resource status`. */
function keyAccess(json: string): string[] {
  return parseReport(json)
    .findings.filter((finding) => finding.ruleId === 'cmk.key-access-scoped')
    .map((finding) => `${finding.resource.name} ${finding.status}`);
}

/** A tenant serving a fixture inventory: Resource Graph's three tables, and the keys through Resource Manager. */
function tenantOf(file: string): Tenant {
  const rows = JSON.parse(readFileSync(fixture('grants', file), 'utf8')) as Row[];
  const tables: Tenant['tables'] = { resources: [], resourcecontainers: [], authorizationresources: [] };
  const keys = new Map<string, Row[]>();
  for (const row of rows) {
    const type = String(row['type']);
    if (type.endsWith('/keys')) {
      const parent = String(row['id'])
        .toLowerCase()
        .replace(/\/keys\/[^/]+$/, '');
      keys.set(parent, [...(keys.get(parent) ?? []), row]);
    } else if (type.startsWith('microsoft.authorization/')) tables.authorizationresources.push(row);
    else if (type === 'microsoft.resources/subscriptions') tables.resourcecontainers.push(row);
    else tables.resources.push(row);
  }
  if (!tables.resourcecontainers.length)
    tables.resourcecontainers.push({
      id: `/subscriptions/${SUBSCRIPTION}`,
      type: 'microsoft.resources/subscriptions',
      subscriptionId: SUBSCRIPTION,
      properties: {},
    });
  return {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    subscriptions: [SUBSCRIPTION],
    tables,
    keys,
    protectors: new Map(),
    managementGroups: new Map(),
  };
}

const CUSTOM_ROLES = [
  // keys/*: every key permission, far beyond get, wrapKey and unwrapKey.
  'stkeyswildcard fail',
  // The assignment names a role definition the inventory does not hold.
  'strolemissing unknown',
  // stwrapunwrap (wrap and unwrap only, at key scope) and stnokeydata (a custom role whose notDataActions take keys out) pass.
];
// Key Vault Crypto User on mg-landing-zones, the subscription's own ancestor, counts; on mg-sandbox it does not.
const MANAGEMENT_GROUPS = ['stancestor fail'];

describe('grants keyscope reads: custom role definitions and management-group ancestry', () => {
  test('from an exported inventory', () => {
    for (const [file, expected] of [
      ['custom-roles.json', CUSTOM_ROLES],
      ['management-groups.json', MANAGEMENT_GROUPS],
    ] as const) {
      const result = runCli(['scan', '--input', fixture('grants', file), '--format', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      expect(keyAccess(result.stdout)).toEqual(expected);
    }
  });

  test('a definition that is not in the inventory: unknown, and the evidence says which', () => {
    const result = runCli(['scan', '--input', fixture('grants', 'custom-roles.json'), '--format', 'json']);
    const unknown = parseReport(result.stdout).findings.find((finding) => finding.status === 'unknown')!;
    expect(unknown.evidence.map((item) => (item as { reason?: string }).reason)).toEqual([
      'role definition c0c0c0c0-0000-4000-8000-000000000003 is neither a built-in role keyscope knows nor among the role definitions read',
    ]);
  });

  describe('live, and replayed from --export', () => {
    let certificate: TestCertificate;
    let dir: string;
    beforeAll(() => {
      certificate = createTestCertificate();
      dir = mkdtempSync(path.join(tmpdir(), 'keyscope-grants-'));
    });
    afterAll(() => {
      certificate.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    test.each([
      ['custom-roles.json', CUSTOM_ROLES],
      ['management-groups.json', MANAGEMENT_GROUPS],
    ])('%s', async (file, expected) => {
      const live = await serveTenant(certificate, tenantOf(file));
      const snapshot = path.join(dir, `${file}.ndjson`);
      try {
        const result = await runLive(certificate, live.endpoint, [
          ...liveArgs(live.endpoint, '--subscription', SUBSCRIPTION),
          '--format',
          'json',
          '--export',
          snapshot,
        ]);
        expect(result.stderr).toBe('');
        expect(keyAccess(result.stdout)).toEqual(expected);
        const queries = live.endpoint.graphRequests.map((request) => (request.body as { query: string }).query);
        expect(queries).toEqual(
          expect.arrayContaining([
            "authorizationresources | where type in~ ('microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions') | project id, name, type, subscriptionId, resourceGroup, properties | order by id asc",
            "resourcecontainers | where type in~ ('microsoft.resources/subscriptions') | project id, name, type, subscriptionId, resourceGroup, properties | order by id asc",
          ]),
        );
      } finally {
        await live.close();
      }
      const replay = runCli(['scan', '--input', snapshot, '--format', 'json']);
      expect(keyAccess(replay.stdout)).toEqual(expected);
    });
  });
});
