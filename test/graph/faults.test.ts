import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers.js';
import {
  FEDERATED_TOKEN,
  createTestCertificate,
  generateTenant,
  inventoryOf,
  liveArgs,
  runLive,
  serveTenant,
  type Faults,
  type LiveTenant,
  type TestCertificate,
  type Tenant,
} from '../support/azure-endpoint/index.js';
import { findingLines, findingsText, parseReport, type Report } from './report.js';
import { checkedSarif } from '../support/sarif-check.js';

/**
 * Faults injected at the local endpoint, each on the small fixture tenant
 * (3 subscriptions): what keyscope waits for, what it retries, and what it
 * reports as not read while still scanning everything else.
 */

let certificate: TestCertificate;
let dir: string;
const tenant: Tenant = generateTenant('small');
const [first, second, third] = tenant.subscriptions as [string, string, string];
let clean: { stdout: string; report: Report };

interface Scan {
  code: number;
  stdout: string;
  stderr: string;
  report: Report;
  live: LiveTenant;
}

/** Serves the small tenant with these faults, scans it (subscription scope unless told otherwise), closes the server. */
/** The built-in pack less cmk.key-access-scoped, whose role-assignments query would shift the request counts these tests check. */
const WITHOUT_ROLE_ASSIGNMENTS = 'fixtures/graph/without-role-assignments.keyscope.yaml';

async function scan(
  faults: Faults,
  extra: readonly string[] = [],
  options: { scope?: string[]; env?: Record<string, string>; tenant?: Tenant } = {},
): Promise<Scan> {
  const served = options.tenant ?? tenant;
  const live = await serveTenant(certificate, served, faults);
  try {
    const scope = options.scope ?? served.subscriptions.flatMap((id) => ['--subscription', id]);
    // The built-in pack without the one rule that adds a role-assignments query: these tests count requests.
    const rules = extra.includes('--no-builtin-rules') ? [] : ['--config', WITHOUT_ROLE_ASSIGNMENTS];
    const result = await runLive(
      certificate,
      live.endpoint,
      [...liveArgs(live.endpoint, ...scope), '--format', 'json', ...rules, ...extra],
      {
        ...(options.env ? { env: options.env } : {}),
      },
    );
    // With --output json=FILE the report is in the file, not on stdout.
    const jsonFile = extra.find((arg) => arg.startsWith('json='))?.slice('json='.length);
    return { ...result, report: parseReport(jsonFile ? readFileSync(jsonFile, 'utf8') : result.stdout), live };
  } finally {
    await live.close();
  }
}

function statuses(live: LiveTenant): number[] {
  return live.endpoint.graphRequests.map((request) => request.status);
}

/** The clean scan's findings, leaving out those of the given subscriptions. */
function cleanFindingsWithout(...subscriptions: string[]): string[] {
  return findingLines({
    ...clean.report,
    findings: clean.report.findings.filter((finding) => !subscriptions.includes(finding.resource.subscriptionId!)),
  });
}

function sarifNotifications(file: string): string[] {
  const log = checkedSarif(readFileSync(file, 'utf8'), 'full');
  return log.runs.flatMap((run) =>
    (run.invocations ?? []).flatMap((invocation) => (invocation.toolExecutionNotifications ?? []).map((n) => n.message.text ?? '')),
  );
}

beforeAll(async () => {
  certificate = createTestCertificate();
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-faults-'));
  const result = await scan({});
  clean = { stdout: result.stdout, report: result.report };
});
afterAll(() => {
  certificate.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the small tenant without faults', () => {
  test('is read completely in two Resource Graph requests', () => {
    expect(clean.report.scan.complete).toBe(true);
    expect(clean.report.findings.length).toBeGreaterThan(20);
    for (const id of tenant.subscriptions)
      expect(clean.report.findings.some((finding) => finding.resource.subscriptionId === id)).toBe(true);
  });
});

describe('quotas and transient faults: the scan completes with the same findings', () => {
  test('a 429 with Retry-After is waited out as told', async () => {
    const result = await scan({ throttle: [{ request: 2, retryAfter: 1 }] });
    expect(result.code).toBe(1);
    // Then the count by type and the Elastic SAN volume groups' table.
    expect(statuses(result.live)).toEqual([200, 429, 200, 200, 200]);
    const [, throttled, retried] = result.live.endpoint.graphRequests;
    expect(retried!.at - throttled!.answeredAt).toBeGreaterThanOrEqual(950);
    expect(findingsText(result.stdout)).toBe(findingsText(clean.stdout));
    expect(result.report.scan.errors).toEqual([]);
  });

  test('a 429 without Retry-After is backed off by keyscope: until the quota resets when the headers say, else exponentially', async () => {
    const told = await scan({ throttle: [{ request: 2, resetsAfter: '00:00:02' }] });
    expect(statuses(told.live)).toEqual([200, 429, 200, 200, 200]);
    const [, throttled, retried] = told.live.endpoint.graphRequests;
    expect(retried!.at - throttled!.answeredAt).toBeGreaterThanOrEqual(1950);
    expect(findingsText(told.stdout)).toBe(findingsText(clean.stdout));

    const bare = await scan({
      throttle: [
        { request: 1, bare: true },
        { request: 2, bare: true },
      ],
    });
    expect(statuses(bare.live)).toEqual([429, 429, 200, 200, 200, 200]);
    const requests = bare.live.endpoint.graphRequests;
    expect(requests[1]!.at - requests[0]!.answeredAt).toBeGreaterThanOrEqual(950);
    expect(requests[2]!.at - requests[1]!.answeredAt).toBeGreaterThanOrEqual(1950);
    expect(findingsText(bare.stdout)).toBe(findingsText(clean.stdout));
    expect(bare.code).toBe(1);
  });

  test('quota headers counting down: keyscope waits for the reset before a 429 happens', async () => {
    const result = await scan({ quota: { limit: 1, windowMs: 1000 } }, ['--verbose']);
    expect(statuses(result.live)).toEqual([200, 200, 200, 200]);
    const [one, two] = result.live.endpoint.graphRequests;
    expect([one!.responseHeaders, two!.responseHeaders]).toEqual([
      expect.objectContaining({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:01' }),
      expect.objectContaining({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:01' }),
    ]);
    expect(two!.at - one!.at).toBeGreaterThanOrEqual(950);
    expect(result.stderr).toMatch(/^keyscope: waiting 1 s for the Resource Graph quota to reset$/m);
    expect(findingsText(result.stdout)).toBe(findingsText(clean.stdout));
  });

  test('a 500 is retried; a slow page is waited for', async () => {
    const failed = await scan({ serverError: [2] });
    expect(statuses(failed.live)).toEqual([200, 500, 200, 200, 200]);
    expect(findingsText(failed.stdout)).toBe(findingsText(clean.stdout));
    const slow = await scan({ slow: [{ request: 2, delayMs: 1500 }] });
    const page = slow.live.endpoint.graphRequests[1]!;
    expect(page.answeredAt - page.at).toBeGreaterThanOrEqual(1500);
    expect(findingsText(slow.stdout)).toBe(findingsText(clean.stdout));
    expect(slow.code).toBe(1);
  });
});

describe('fail closed: what is not read is reported, everything else is scanned', () => {
  test('a subscription trimmed by RBAC (200, no rows) is not read: exit 3, named in JSON and SARIF', async () => {
    const sarif = path.join(dir, 'trimmed.sarif');
    const json = path.join(dir, 'trimmed.json');
    const result = await scan({ trimmed: [second] }, ['--output', `json=${json}`, '--output', `sarif=${sarif}`]);
    expect(result.code).toBe(3);
    const { report } = result;
    expect(report.scan.complete).toBe(false);
    expect(report.scan.errors).toEqual([{ code: 'subscription-not-read', message: expect.stringMatching(/RBAC hides/), target: second }]);
    expect(findingLines(report)).toEqual(cleanFindingsWithout(second));
    expect(report.scan.scopes).toEqual([first, third]);
    expect(sarifNotifications(sarif).filter((text) => text.includes(second))).toHaveLength(1);
  });

  test('a subscription refused with 403 is isolated and not read; the others are scanned', async () => {
    const sarif = path.join(dir, 'forbidden.sarif');
    const json = path.join(dir, 'forbidden.json');
    const result = await scan({ forbidden: [third] }, ['--output', `json=${json}`, '--output', `sarif=${sarif}`]);
    expect(result.code).toBe(3);
    const { report } = result;
    expect(report.scan.errors).toEqual([
      {
        code: 'subscription-not-read',
        message: expect.stringMatching(/^Resource Graph refused the subscription: HTTP 403 AuthorizationFailed/),
        target: third,
      },
    ]);
    expect(findingLines(report)).toEqual(cleanFindingsWithout(third));
    // The run is halved until the refused subscription stands alone:
    // [1,2,3] -> [1,2] (coverage, resources, count by type, elasticsanresources) + [3].
    const scopes = result.live.endpoint.graphRequests.map((request) => (request.body as { subscriptions: string[] }).subscriptions.length);
    expect(scopes).toEqual([3, 2, 2, 2, 2, 1]);
    expect(sarifNotifications(sarif).some((text) => text.includes(third))).toBe(true);
  });

  test('enrichment calls refused (403): keys not listed are reported, a key not read and a protector not read become unknown; --export replays it', async () => {
    const vaults = [...tenant.keys.entries()].filter(([id, keys]) => id.includes('/vaults/') && keys.length >= 2);
    const [unlisted, partly] = [vaults[0]!, vaults[1]!];
    const unreadKey = String(partly[1][0]!['id']);
    const server = String(tenant.tables.resources.find((row) => row['type'] === 'microsoft.sql/servers')!['id']);
    const snapshot = path.join(dir, 'enrichment.ndjson');
    const result = await scan(
      { armForbidden: [`${unlisted[0]}/keys`, unreadKey.toLowerCase(), `${server.toLowerCase()}/encryptionprotector/current`] },
      ['--export', snapshot],
    );
    expect(result.code).toBe(3);
    const vaultId = String(tenant.tables.resources.find((row) => String(row['id']).toLowerCase() === unlisted[0])!['id']);
    expect(result.report.scan.errors).toEqual(
      [
        { code: 'enrichment-failed', message: expect.stringMatching(/^cannot list keys: HTTP 403 AuthorizationFailed/), target: vaultId },
        {
          code: 'enrichment-failed',
          message: expect.stringMatching(/^cannot read the key: HTTP 403 AuthorizationFailed/),
          target: unreadKey,
        },
        {
          code: 'enrichment-failed',
          message: expect.stringMatching(/^cannot read encryptionProtector\/current: HTTP 403/),
          target: server,
        },
      ].sort((a, b) => (a.target < b.target ? -1 : 1)),
    );

    // What the scan should have seen, written out independently: no keys for the unlisted vault,
    // the unread key as the list gives it, the server without its protector, the rest unknown.
    const expected = inventoryOf(tenant)
      .filter((record) => !String(record['id']).toLowerCase().startsWith(`${unlisted[0]}/keys/`))
      .map((record) => {
        if (record['id'] === unreadKey) {
          const properties = record['properties'] as Record<string, unknown>;
          const unknown = [
            'properties.kty',
            'properties.keySize',
            'properties.curveName',
            'properties.keyOps',
            'properties.keyUriWithVersion',
            'properties.rotationPolicy',
            'properties.release_policy',
          ];
          return {
            ...record,
            properties: { attributes: properties['attributes'], keyUri: properties['keyUri'] },
            unknown,
            // Listed, but its own read failed (the protector's failure is the origin's default, enrichment-failed).
            unknownCauses: Object.fromEntries(unknown.map((path) => [path, 'unreadable-record'])),
          };
        }
        if (record['id'] === server) {
          const properties = { ...(record['properties'] as Record<string, unknown>) };
          delete properties['keyId'];
          delete properties['encryptionProtector'];
          return { ...record, properties, unknown: ['properties.keyId', 'properties.encryptionProtector'] };
        }
        return record;
      });
    const file = path.join(dir, 'expected.json');
    writeFileSync(file, JSON.stringify(expected));
    const offline = parseReport(runCli(['scan', '--input', file, '--format', 'json', '--config', WITHOUT_ROLE_ASSIGNMENTS]).stdout);
    expect(findingLines(result.report)).toEqual(findingLines(offline));
    const unknown = result.report.findings
      .filter((finding) => finding.status === 'unknown')
      .map((finding) => `${finding.ruleId} ${finding.resource.id}`);
    expect(unknown).toEqual(expect.arrayContaining([`cmk.sql-server ${server}`, `key.hsm-backed ${unreadKey}`]));
    const causes = Object.fromEntries(
      result.report.findings
        .filter((finding) => finding.resource.id === server || finding.resource.id === unreadKey)
        .filter((finding) => finding.status === 'unknown')
        .map((finding) => [`${finding.ruleId} ${finding.resource.name}`, (finding as { cause?: string }).cause]),
    );
    expect(new Set(Object.values(causes))).toEqual(new Set(['enrichment-failed', 'unreadable-record']));
    expect(causes[`cmk.sql-server ${server.split('/').pop()}`]).toBe('enrichment-failed');
    expect(causes[`key.hsm-backed ${unreadKey.split('/').pop()}`]).toBe('unreadable-record');

    const replay = runCli(['scan', '--input', snapshot, '--format', 'json', '--config', WITHOUT_ROLE_ASSIGNMENTS]);
    expect(findingsText(replay.stdout)).toBe(findingsText(result.stdout));
  });

  test('a partial-scope signal, a truncated page and a malformed page are reported per subscription', async () => {
    const partial = await scan({ partialScope: [2] });
    expect(partial.code).toBe(3);
    expect(partial.report.scan.errors.map((e) => [e.code, e.target])).toEqual(tenant.subscriptions.map((id) => ['scope-partial', id]));
    expect(findingsText(partial.stdout)).toBe(findingsText(clean.stdout));

    const truncated = await scan({ truncated: [2] });
    expect(truncated.code).toBe(3);
    expect(truncated.report.scan.errors.map((e) => [e.code, e.target])).toEqual(tenant.subscriptions.map((id) => ['page-truncated', id]));
    expect(truncated.report.scan.errors[0]!.message).toMatch(/truncated the result .*\(resultTruncated\)/);

    const malformed = await scan({ malformed: [2] });
    expect(malformed.code).toBe(3);
    expect(malformed.report.scan.errors.map((e) => [e.code, e.target])).toEqual(tenant.subscriptions.map((id) => ['page-malformed', id]));
    // Nothing from the malformed page: the only findings are those of the volume groups, read from their own table.
    const volumeGroupFindings = clean.report.findings.filter((finding) => finding.resource.id.includes('/volumegroups/'));
    expect(volumeGroupFindings).toHaveLength(6);
    expect(findingLines(malformed.report)).toEqual(findingLines({ ...clean.report, findings: volumeGroupFindings }));
  });

  test('a count by type that cannot be trusted makes the scan incomplete, per subscription; the findings stand', async () => {
    // Request 3 is the count by type (coverage, one page of the resources query, then the count).
    const truncated = await scan({ truncated: [3] });
    expect(truncated.code).toBe(3);
    expect(truncated.report.scan.errors.map((e) => [e.code, e.target])).toEqual(
      tenant.subscriptions.map((id) => ['type-count-failed', id]),
    );
    expect(truncated.report.scan.errors[0]!.message).toMatch(
      /^the type count is incomplete: Resource Graph truncated the result of 'resources \| summarize count\(\) by type/,
    );
    expect(findingsText(truncated.stdout)).toBe(findingsText(clean.stdout));
    // Every subscription was still read: its findings may close alerts.
    expect(truncated.report.scan.scopes).toEqual(clean.report.scan.scopes);
  });

  test('a secret Entra ID refuses: exit 2, auth-failed, no stack trace, nothing reported as compliant', async () => {
    const result = await scan({}, [], { env: { AZURE_CLIENT_SECRET: 'wrong' } });
    expect(result.code).toBe(2);
    expect(result.report.scan.complete).toBe(false);
    expect(result.report.scan.errors).toEqual([expect.objectContaining({ code: 'auth-failed', target: '3 subscriptions', fatal: true })]);
    expect(result.report.findings).toEqual([]);
    expect(result.live.endpoint.graphRequests).toEqual([]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('scopes, sign-in and the request log', () => {
  test('more than 1,000 subscriptions are sent in requests of at most 1,000', async () => {
    // The small tenant plus 1,000 empty subscriptions (they sort first).
    const empty = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const wide: Tenant = {
      ...tenant,
      subscriptions: [...empty, ...tenant.subscriptions],
      tables: {
        ...tenant.tables,
        resourcecontainers: [
          ...tenant.tables.resourcecontainers,
          ...empty.map((id) => ({ id: `/subscriptions/${id}`, name: id, type: 'microsoft.resources/subscriptions', subscriptionId: id })),
        ],
      },
    };
    const result = await scan({}, [], { tenant: wide });
    expect(result.code).toBe(1);
    expect(result.report.scan.errors).toEqual([]);
    const sizes = result.live.endpoint.graphRequests.map((request) => (request.body as { subscriptions: string[] }).subscriptions.length);
    expect(sizes).toEqual([1000, 1000, 1000, 1000, 3, 3, 3, 3]);
    // Read completely, though empty: each is declared covered, so its fixed alerts may close.
    expect(result.report.scan.scopes).toEqual(wide.subscriptions);
    expect(findingsText(result.stdout)).toBe(findingsText(clean.stdout));
  });

  test('--tenant reads the subscriptions Resource Manager lists (paged) and batches them into Resource Graph', async () => {
    const result = await scan({}, [], { scope: ['--tenant'] });
    expect(result.code).toBe(1);
    const lists = result.live.endpoint.requests.filter((request) => request.kind === 'arm' && request.path === '/subscriptions');
    expect(lists.map((request) => request.query['$skiptoken'] ?? '')).toEqual(['', '2']);
    expect((result.live.endpoint.graphRequests[0]!.body as { subscriptions: string[] }).subscriptions).toEqual(tenant.subscriptions);
    expect(findingsText(result.stdout)).toBe(findingsText(clean.stdout));
    expect(result.report.scan.sources[0]!.target).toBe('tenant');
  });

  test('--management-group reads the group descendants and scans only their subscriptions', async () => {
    const result = await scan({}, [], { scope: ['--management-group', 'mg-platform'] });
    expect(result.code).toBe(1);
    expect((result.live.endpoint.graphRequests[0]!.body as { subscriptions: string[] }).subscriptions).toEqual([first, second]);
    expect(findingLines(result.report)).toEqual(cleanFindingsWithout(third));
  });

  test('a management group with no subscription proves nothing (exit 3); one that cannot be read stops the scan (exit 2)', async () => {
    const empty = await scan({}, [], { scope: ['--management-group', 'mg-empty'] });
    expect(empty.code).toBe(3);
    expect(empty.report.scan.errors).toEqual([
      {
        code: 'scope-empty',
        message: 'the scope holds no subscription the identity can see',
        target: '/providers/Microsoft.Management/managementGroups/mg-empty',
      },
    ]);
    expect(empty.live.endpoint.graphRequests).toEqual([]);
    const missing = await scan({}, [], { scope: ['--management-group', 'mg-missing'] });
    expect(missing.code).toBe(2);
    expect(missing.report.scan.errors).toEqual([
      {
        code: 'scope-unreadable',
        message: expect.stringMatching(/^cannot list the subscriptions of the scope: HTTP 404 NotFound/),
        target: '/providers/Microsoft.Management/managementGroups/mg-missing',
        fatal: true,
      },
    ]);
  });

  test('signs in with client credentials at the configured authority, for the Resource Manager endpoint in use; logs requests, never tokens', async () => {
    const result = await scan({}, ['--verbose']);
    const { endpoint } = result.live;
    const kinds = endpoint.requests.map((request) => request.kind);
    expect(kinds.slice(0, 2)).toEqual(['openid', 'token']);
    expect(kinds.filter((kind) => kind === 'token')).toHaveLength(1);
    expect(kinds).not.toContain('unknown');
    expect(endpoint.requests[1]!.body).toEqual(
      expect.objectContaining({ grant_type: 'client_credentials', client_id: expect.any(String), scope: `${endpoint.url}/.default` }),
    );
    const logged = result.stderr.split('\n').filter((line) => / -> \d+ \(\d+ ms\)$/.test(line));
    expect(logged).toHaveLength(endpoint.requests.filter((request) => request.kind === 'graph' || request.kind === 'arm').length);
    expect(logged[0]).toMatch(
      /^keyscope: POST https:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.ResourceGraph\/resources\?api-version=2024-04-01 -> 200/,
    );
    for (const token of endpoint.tokens) expect(result.stderr).not.toContain(token);
    expect(result.stderr).not.toMatch(/bearer/i);
    expect(findingsText(result.stdout)).toBe(findingsText(clean.stdout));
  });

  test('--auth picks the credential: client secret, or a workload-identity token file (as GitHub OIDC or Kubernetes provide)', async () => {
    const secret = await scan({}, ['--auth', 'client-secret']);
    expect(secret.code).toBe(1);
    expect(findingsText(secret.stdout)).toBe(findingsText(clean.stdout));

    const tokenFile = path.join(dir, 'federated-token');
    writeFileSync(tokenFile, FEDERATED_TOKEN);
    const federated = await scan({}, ['--auth', 'workload-identity'], {
      env: { AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_CLIENT_SECRET: '' },
    });
    expect(federated.code).toBe(1);
    const token = federated.live.endpoint.requests.find((request) => request.kind === 'token')!;
    expect(token.body).toEqual(
      expect.objectContaining({
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: '(redacted)',
      }),
    );
    expect(token.body).not.toHaveProperty('client_secret');
    expect(findingsText(federated.stdout)).toBe(findingsText(clean.stdout));
  });

  test('role assignments come from the authorizationresources table when a rule reads them', async () => {
    const result = await scan({}, ['--no-builtin-rules', '--rules', 'fixtures/graph/rules', '--fail-on', 'medium']);
    expect(result.code).toBe(1);
    const queries = result.live.endpoint.graphRequests.map((request) => (request.body as { query: string }).query);
    expect(queries).toEqual([
      "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId | order by subscriptionId asc",
      "authorizationresources | where type in~ ('microsoft.authorization/roleassignments') | project id, name, type, subscriptionId, resourceGroup, properties | order by id asc",
      'resources | summarize count() by type | order by type asc',
    ]);
    expect(result.report.findings.map((finding) => [finding.ruleId, finding.resource.subscriptionId])).toEqual(
      tenant.tables.authorizationresources
        .filter((row) => (row['properties'] as { principalType: string }).principalType === 'User')
        .map((row) => ['custom.no-user-owners', row['subscriptionId']])
        .sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1)),
    );
    expect(result.live.endpoint.requests.filter((request) => request.kind === 'arm')).toEqual([]);
  });
});
