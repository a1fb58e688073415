import { spawn } from 'node:child_process';
import { cliPath, root, type CliRun } from '../../helpers.js';
import type { TestCertificate } from './certificate.js';
import { AzureEndpoint, type Faults } from './server.js';
import { generateTenant, type Tenant } from './tenant.js';

export { AzureEndpoint, type Faults, type RecordedRequest } from './server.js';
export { createTestCertificate, type TestCertificate } from './certificate.js';
export { generateTenant, inventoryOf, keyListItem, type Tenant } from './tenant.js';

/** The service principal the test server accepts. */
export const CLIENT_ID = '3c5a1b7e-2f4d-4e8a-9b6c-0d1e2f3a4b5c';
export const CLIENT_SECRET = 'test-secret-not-a-real-one';
/** What a workload-identity token file holds in the tests (the server accepts it as a client assertion). */
export const FEDERATED_TOKEN = 'federated-token-for-tests';

/** Environment variables that would steer the identity library or the network elsewhere. */
const STRAY = /^(AZURE_|MSI_|IDENTITY_|IMDS_|HTTPS?_PROXY$|NO_PROXY$|ALL_PROXY$)/i;

/** A fixture tenant served over HTTPS, plus what a child process needs to reach it. */
export interface LiveTenant {
  endpoint: AzureEndpoint;
  tenant: Tenant;
  close(): Promise<void>;
}

/** Starts the local endpoint for a tenant (a name from the seed, or a tenant already generated). */
export async function serveTenant(
  certificate: TestCertificate,
  tenant: string | Tenant,
  faults: Faults = {},
  options: { hostname?: string } = {},
): Promise<LiveTenant> {
  const data = typeof tenant === 'string' ? generateTenant(tenant) : tenant;
  const endpoint = await AzureEndpoint.start(data, {
    certificate,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    federatedToken: FEDERATED_TOKEN,
    faults,
    ...options,
  });
  return { endpoint, tenant: data, close: () => endpoint.close() };
}

/**
 * Runs the built CLI as a child process against the endpoint, asynchronously
 * (the server lives in this process and must keep answering), with the
 * service principal in the environment, Entra ID's authority at the server,
 * and the test certificate trusted. Killed after `timeoutMs`.
 */
export function runLive(
  certificate: TestCertificate,
  endpoint: AzureEndpoint,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string; pty?: boolean } = {},
): Promise<CliRun & { ms: number }> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !STRAY.test(name)) env[name] = value;
  Object.assign(env, {
    NO_COLOR: '1',
    NODE_EXTRA_CA_CERTS: certificate.certFile,
    AZURE_TENANT_ID: endpoint.tenant.tenantId,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    AZURE_AUTHORITY_HOST: endpoint.url,
    // No plain progress line however slow the machine: tests that want them set their own interval.
    KEYSCOPE_PROGRESS_INTERVAL_MS: '3600000',
    ...options.env,
  });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Under a pseudo-terminal (util-linux `script`), stdout and stderr are the terminal: both arrive on stdout.
    const [command, argv]: [string, string[]] = options.pty
      ? ['script', ['-qfec', [process.execPath, cliPath, ...args].map(shellQuote).join(' '), '/dev/null']]
      : [process.execPath, [cliPath, ...args]];
    const child = spawn(command, argv, { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Arguments pointing a scan at the endpoint. */
export function liveArgs(endpoint: AzureEndpoint, ...scope: string[]): string[] {
  return ['scan', ...scope, '--arm-endpoint', endpoint.url];
}
