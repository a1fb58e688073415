import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestCertificate,
  generateTenant,
  liveArgs,
  runLive,
  serveTenant,
  type Faults,
  type RecordedRequest,
  type TestCertificate,
  type Tenant,
} from '../support/azure-endpoint/index.js';
import { parseReport, type Report } from './report.js';

/**
 * An Azure that misbehaves, with the real SDK client: each ends in named
 * problems (exit 3), never a pass, and the bearer token goes nowhere but
 * the configured endpoint and appears in no output, log or export.
 */

let certificate: TestCertificate;
let dir: string;
const tenant: Tenant = generateTenant('small');

/** Another host (another origin): records every request and whether it carried a bearer token. */
let elsewhere: { server: Server; url: string; seen: { path: string; authorization: string | undefined }[] };

beforeAll(async () => {
  certificate = createTestCertificate();
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-hostile-'));
  const seen: { path: string; authorization: string | undefined }[] = [];
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"totalRecords":0,"count":0,"data":[],"resultTruncated":"false"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  elsewhere = { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
});
afterAll(async () => {
  await new Promise<void>((resolve) => elsewhere.server.close(() => resolve()));
  certificate.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Scans the small tenant with these faults, with --verbose and --export; returns everything written, and the tokens issued. */
async function hostileScan(
  faults: Faults,
  env: Record<string, string> = {},
): Promise<{
  code: number;
  texts: string[];
  codes: string[];
  tokens: string[];
  complete: boolean;
  report: Report;
  graphRequests: number;
  statuses: number[];
  oversizedBytesSent: number;
  requests: RecordedRequest[];
}> {
  const live = await serveTenant(certificate, tenant, faults);
  try {
    const exportFile = path.join(dir, `export-${Date.now()}.ndjson`);
    const scope = tenant.subscriptions.flatMap((id) => ['--subscription', id]);
    const result = await runLive(
      certificate,
      live.endpoint,
      [...liveArgs(live.endpoint, ...scope), '--format', 'json', '--verbose', '--export', exportFile],
      { env },
    );
    const report = parseReport(result.stdout);
    let exported = '';
    try {
      exported = readFileSync(exportFile, 'utf8');
    } catch {
      exported = '';
    }
    return {
      code: result.code,
      texts: [result.stdout, result.stderr, exported],
      codes: [...new Set(report.scan.errors.map((error) => error.code))].sort(),
      tokens: [...live.endpoint.tokens],
      complete: report.scan.complete,
      report,
      graphRequests: live.endpoint.graphRequests.length,
      statuses: live.endpoint.graphRequests.map((request) => request.status),
      oversizedBytesSent: live.endpoint.oversizedBytesSent,
      requests: live.endpoint.requests,
    };
  } finally {
    await live.close();
  }
}

function expectNoToken(run: { texts: string[]; tokens: string[] }): void {
  expect(run.tokens.length).toBeGreaterThan(0);
  for (const token of run.tokens) for (const text of run.texts) expect(text.includes(token)).toBe(false);
}

describe('an Azure that misbehaves', () => {
  test('a redirect of a Resource Graph page to another host: not followed, no token sent there, the page reported (exit 3)', async () => {
    const run = await hostileScan({ redirect: [{ request: 2, location: `${elsewhere.url}/steal?x=1` }] });
    expect(elsewhere.seen.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect(run.code).toBe(3);
    expect(run.complete).toBe(false);
    expect(run.codes).toEqual(['subscription-not-read']);
    expectNoToken(run);
  });

  test('a Resource Graph page that is not JSON is reported, never a pass (exit 3)', async () => {
    const run = await hostileScan({ notJson: [2] });
    expect(run.code).toBe(3);
    expect(run.complete).toBe(false);
    expect(run.codes).toEqual(['page-malformed']);
    expectNoToken(run);
  });

  test.each(['repeat', 'chain'] as const)(
    'a $skipToken that %s: paging stops after the page that gives it away, reported as page-malformed; what was read is evaluated (exit 3)',
    async (loop) => {
      const run = await hostileScan({ skipTokenLoop: loop });
      expect(run.code).toBe(3);
      expect(run.complete).toBe(false);
      // The count by type reads the same resources table, so its paging stops the same way.
      expect(run.codes).toEqual(['page-malformed', 'type-count-failed']);
      const messages = run.report.scan.errors.map((error) => error.message).join('\n');
      expect(messages).toMatch(loop === 'repeat' ? /repeats an earlier one/ : /after all \d+ rows announced/);
      // The coverage query and each resources query stop at once: no request beyond the second page of any query
      // (coverage, the role assignments, the subscriptions' ancestry and the Elastic SAN volume groups' table take one page
      // each, the resources query and the count by type at most two: at most 8).
      expect(run.graphRequests).toBeLessThanOrEqual(8);
      expect(run.report.findings.length).toBeGreaterThan(0);
      expectNoToken(run);
    },
  );

  test('a Resource Manager nextLink to itself: the vault whose keys would not list is reported (exit 3), the rest evaluated', async () => {
    const [first] = tenant.subscriptions as [string];
    const vaults = [...tenant.keys.keys()].filter((id) => id.startsWith(`/subscriptions/${first}/`));
    expect(vaults.length).toBeGreaterThan(0);
    const run = await hostileScan({ nextLinkLoop: [`/subscriptions/${first}/`] });
    expect(run.code).toBe(3);
    expect(run.codes).toEqual(['enrichment-failed']);
    const failed = run.report.scan.errors.map((error) => error.target.toLowerCase()).sort();
    expect(failed).toEqual([...vaults].sort());
    expect(run.report.scan.errors[0]!.message).toMatch(/does not end \(nextLink repeats\)/);
    expect(run.report.findings.length).toBeGreaterThan(0);
    expectNoToken(run);
  });

  const MIB = 1024 * 1024;
  test.each([
    ['larger than Resource Graph allows (20 MiB)', 20 * MIB],
    ['that never ends', undefined],
  ])('a Resource Graph answer %s: read no further than 16 MiB, the subscriptions reported, not retried (exit 3)', async (_, bytes) => {
    const run = await hostileScan({ oversized: [{ request: 2, ...(bytes ? { bytes } : {}) }] });
    expect(run.code).toBe(3);
    expect(run.complete).toBe(false);
    expect(run.codes).toEqual(['subscription-not-read']);
    expect(run.report.scan.errors.map((error) => error.target).sort()).toEqual([...tenant.subscriptions].sort());
    expect(run.report.scan.errors[0]!.message).toMatch(/larger than 16777216 bytes/);
    // Stopped reading at the bound: what the server got out is the bound plus what sat in socket buffers.
    expect(run.oversizedBytesSent).toBeGreaterThan(16 * MIB);
    expect(run.oversizedBytesSent).toBeLessThan(24 * MIB);
    // Not retried (the same request would be as large again): coverage, the oversized answer once, the subscriptions'
    // ancestry, the resources query, the count by type, the Elastic SAN volume groups' table.
    expect(run.graphRequests).toBe(6);
    expectNoToken(run);
  });

  test('a Resource Graph answer that stalls mid-body once: abandoned at the request timeout, retried, the scan complete (exit 0 or 1)', async () => {
    const run = await hostileScan({ stall: [2] }, { KEYSCOPE_REQUEST_TIMEOUT_MS: '500' });
    expect(run.report.scan.errors).toEqual([]);
    expect(run.complete).toBe(true);
    expect([0, 1]).toContain(run.code);
    expect(run.texts[1]).toMatch(/ETIMEDOUT|request timeout/);
    expectNoToken(run);
  });

  test('a Resource Graph request that gets no headers in time: abandoned at the request timeout, retried, the scan complete', async () => {
    const run = await hostileScan({ slow: [{ request: 2, delayMs: 3000 }] }, { KEYSCOPE_REQUEST_TIMEOUT_MS: '500' });
    expect(run.report.scan.errors).toEqual([]);
    expect(run.complete).toBe(true);
    expect(run.texts[1]).toMatch(/no complete answer within the request timeout \(500 ms\)|ETIMEDOUT/);
    expectNoToken(run);
  });

  test('a Resource Graph answer that stalls mid-body every time: 5 attempts, then the subscriptions reported (exit 3)', async () => {
    const run = await hostileScan({ stall: [2, 3, 4, 5, 6] }, { KEYSCOPE_REQUEST_TIMEOUT_MS: '500' });
    expect(run.code).toBe(3);
    expect(run.complete).toBe(false);
    expect(run.codes).toEqual(['subscription-not-read']);
    expect(run.report.scan.errors.map((error) => error.target).sort()).toEqual([...tenant.subscriptions].sort());
    expect(run.report.scan.errors[0]!.message).toMatch(/no complete answer within the request timeout \(500 ms\)/);
    // Coverage, the role-assignments query's 5 attempts (1 + the SDK's 4 retries), the subscriptions' ancestry, the
    // resources query, the count by type, the Elastic SAN volume groups' table.
    expect(run.graphRequests).toBe(10);
    expectNoToken(run);
  }, 60_000);

  test('KEYSCOPE_REQUEST_TIMEOUT_MS that is not a number of milliseconds is a usage error (exit 2)', async () => {
    const live = await serveTenant(certificate, tenant, {});
    try {
      const result = await runLive(certificate, live.endpoint, [...liveArgs(live.endpoint, '--subscription', tenant.subscriptions[0]!)], {
        env: { KEYSCOPE_REQUEST_TIMEOUT_MS: '2s' },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("KEYSCOPE_REQUEST_TIMEOUT_MS must be a whole number of milliseconds, at least 100, not '2s'");
    } finally {
      await live.close();
    }
  });

  const bearer = (request: RecordedRequest): string => String(request.headers['authorization'] ?? '');

  test('a 401 after the token was revoked: a new token, the request retried once with it, the scan complete', async () => {
    const run = await hostileScan({ revoke: [2] });
    expect(run.report.scan.errors).toEqual([]);
    expect(run.complete).toBe(true);
    expect([0, 1]).toContain(run.code);
    const graph = run.requests.filter((request) => request.kind === 'graph');
    expect(graph.map((request) => request.status)).toEqual([200, 401, 200, 200, 200, 200, 200]);
    // The retry carries a new token; the ones after it too.
    expect(bearer(graph[2]!)).not.toBe(bearer(graph[1]!));
    expect(bearer(graph[3]!)).toBe(bearer(graph[2]!));
    // One renewal, shared with the Resource Manager client: its requests use the new token without a 401 of their own.
    expect(run.requests.filter((request) => request.kind === 'token')).toHaveLength(2);
    expect(run.requests.filter((request) => request.kind === 'arm' && request.status !== 200)).toEqual([]);
    expectNoToken(run);
  });

  test('a 401 that a new token does not cure: each request retried once, then every subscription named (exit 3)', async () => {
    const run = await hostileScan({ unauthorizedFrom: 2 });
    expect(run.code).toBe(3);
    expect(run.complete).toBe(false);
    expect(run.codes).toEqual(['subscription-not-read', 'type-count-failed']);
    expect([...new Set(run.report.scan.errors.map((error) => error.target))].sort()).toEqual([...tenant.subscriptions].sort());
    expect(run.report.scan.errors[0]!.message).toMatch(/HTTP 401 AuthenticationFailed/);
    const graph = run.requests.filter((request) => request.kind === 'graph').slice(1);
    // In pairs: a 401, then the retry with a new token, also 401; never a third attempt (role assignments, ancestry,
    // resources, count by type, Elastic SAN volume groups).
    expect(graph.length).toBe(10);
    expect(graph.every((request) => request.status === 401)).toBe(true);
    expect(bearer(graph[1]!)).not.toBe(bearer(graph[0]!));
    expectNoToken(run);
  });

  test('a Resource Manager answer that never ends: read no further than 16 MiB, the vaults whose keys it held reported (exit 3)', async () => {
    const [first] = tenant.subscriptions as [string];
    const vaults = [...tenant.keys.keys()].filter((id) => id.startsWith(`/subscriptions/${first}/`));
    const run = await hostileScan({ armOversized: vaults.map((id) => `${id}/keys`) });
    expect(run.code).toBe(3);
    expect(run.codes).toEqual(['enrichment-failed']);
    expect(run.report.scan.errors.map((error) => error.target.toLowerCase()).sort()).toEqual([...vaults].sort());
    expect(run.report.scan.errors.every((error) => /larger than 16777216 bytes/.test(error.message))).toBe(true);
    expect(run.oversizedBytesSent).toBeLessThan(vaults.length * 24 * MIB);
    expect(run.report.findings.length).toBeGreaterThan(0);
    expectNoToken(run);
  });
});
