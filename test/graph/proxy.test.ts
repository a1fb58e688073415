import {
  createTestCertificate,
  generateTenant,
  liveArgs,
  runLive,
  serveTenant,
  type LiveTenant,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { findingLines, parseReport, type Report } from './report.js';

/**
 * Proxies: with HTTPS_PROXY every request keyscope makes (the identity
 * library's OpenID discovery and token requests, Resource Graph, Resource
 * Manager) goes through a CONNECT tunnel of the proxy; NO_PROXY lets a host
 * bypass it. The stand-in is named `localhost` here: behind a proxy an
 * endpoint must be a host name (see docs/live-scans.md).
 */

let certificate: TestCertificate;
const tenant = generateTenant('small');
const scope = tenant.subscriptions.flatMap((id) => ['--subscription', id]);

beforeAll(() => {
  certificate = createTestCertificate();
});
afterAll(() => certificate.dispose());

async function scanThrough(
  env: (proxy: ConnectProxy) => Record<string, string>,
): Promise<{ code: number; report: Report; proxy: ConnectProxy; live: LiveTenant; stderr: string }> {
  const live = await serveTenant(certificate, tenant, {}, { hostname: 'localhost' });
  const proxy = await startConnectProxy();
  try {
    const result = await runLive(certificate, live.endpoint, [...liveArgs(live.endpoint, ...scope), '--format', 'json', '--verbose'], {
      env: env(proxy),
    });
    // The token is in no output, proxied or not.
    expect(live.endpoint.tokens.size).toBeGreaterThan(0);
    for (const token of live.endpoint.tokens) expect(`${result.stdout}\n${result.stderr}`.includes(token)).toBe(false);
    return { code: result.code, report: parseReport(result.stdout), proxy, live, stderr: result.stderr };
  } finally {
    await proxy.close();
    await live.close();
  }
}

describe('a live scan behind a proxy', () => {
  let direct: Report;
  beforeAll(async () => {
    direct = (await scanThrough(() => ({}))).report;
    expect(direct.scan.complete).toBe(true);
  });

  test.each(['HTTPS_PROXY', 'https_proxy'])(
    '%s: sign-in, Resource Graph and Resource Manager requests all go through the proxy; the findings are those of a direct scan',
    async (name) => {
      const run = await scanThrough((proxy) => ({ [name]: proxy.url }));
      expect(run.report.scan.errors).toEqual([]);
      expect([0, 1]).toContain(run.code);
      expect(findingLines(run.report)).toEqual(findingLines(direct));
      const port = new URL(run.live.endpoint.url).port;
      expect(run.proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(run.proxy.tunnels)).toEqual(new Set([`localhost:${port}`]));
      expect(run.proxy.refused).toEqual([]);
      const requests = run.live.endpoint.requests;
      expect(new Set(requests.map((request) => request.kind))).toEqual(new Set(['openid', 'token', 'graph', 'arm']));
      // Each request came on a connection the proxy opened: none went around it.
      expect(requests.filter((request) => !run.proxy.upstreamPorts.has(request.remotePort!))).toEqual([]);
    },
  );

  test('NO_PROXY naming the endpoint: nothing goes through the proxy, the scan is complete', async () => {
    const run = await scanThrough((proxy) => ({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' }));
    expect(run.report.scan.errors).toEqual([]);
    expect(findingLines(run.report)).toEqual(findingLines(direct));
    expect(run.proxy.tunnels).toEqual([]);
  });

  test('an endpoint given as an IP address behind a proxy is a usage error (exit 2), not a failed sign-in', async () => {
    const live = await serveTenant(certificate, tenant);
    try {
      const result = await runLive(certificate, live.endpoint, [...liveArgs(live.endpoint, ...scope)], {
        env: { HTTPS_PROXY: 'http://127.0.0.1:9' },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${live.endpoint.url} is an IP address and HTTPS_PROXY applies to it`);
      // NO_PROXY naming it: no proxy, no error.
      const bypassed = await runLive(certificate, live.endpoint, [...liveArgs(live.endpoint, ...scope), '--format', 'json'], {
        env: { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' },
      });
      expect(parseReport(bypassed.stdout).scan.errors).toEqual([]);
    } finally {
      await live.close();
    }
  });
});
