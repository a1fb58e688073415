import { isIP } from 'node:net';
import { UsageError } from '../../errors/index.js';
import type { AzureSettings } from './cloud.js';

type Env = Readonly<Record<string, string | undefined>>;

function variable(env: Env, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

/** Whether NO_PROXY lets a host bypass the proxy, read as the Azure SDK reads it: exact names, and `.suffix` for a domain and its subdomains. */
function bypassed(host: string, noProxy: string | undefined): boolean {
  const patterns = (noProxy ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return patterns.some((pattern) => (pattern.startsWith('.') ? host.endsWith(pattern) || host === pattern.slice(1) : host === pattern));
}

/**
 * Refuses an authority or Resource Manager endpoint given as an IP address
 * that the proxy would carry: the SDK's proxy agent (https-proxy-agent)
 * sends no server name for an IP and Node then checks the certificate
 * against `localhost`, so every request fails TLS verification, and sign-in
 * reports only MSAL's `endpoints_resolution_error`. A host name, or NO_PROXY
 * naming the address, works.
 */
export function checkProxiedEndpoints(settings: AzureSettings, env: Env): void {
  const proxy = variable(env, 'HTTPS_PROXY') ?? variable(env, 'ALL_PROXY') ?? variable(env, 'HTTP_PROXY');
  if (!proxy) return;
  for (const endpoint of [settings.authorityHost, settings.armEndpoint]) {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !bypassed(host, variable(env, 'NO_PROXY'))) {
      throw new UsageError(
        `${endpoint} is an IP address and HTTPS_PROXY applies to it: through a proxy its certificate cannot be verified`,
        `use its host name, or add ${host} to NO_PROXY`,
      );
    }
  }
}
