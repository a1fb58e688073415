import {
  AzureCliCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { UsageError } from '../../errors/index.js';
import type { AzureSettings } from './cloud.js';
import { errorName } from './describe-error.js';

import type { AuthMethod } from './auth-methods.js';

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, method: AuthMethod, names: readonly string[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length) {
    throw new UsageError(
      `--auth ${method} needs ${missing.join(', ')} in the environment`,
      `set ${names.join(', ')}, or use --auth default`,
    );
  }
  return names.map((name) => env[name]!);
}

/**
 * The credential for `--auth`. `default` is DefaultAzureCredential: a
 * service principal from the environment, then workload identity (federated
 * token file), managed identity, and the Azure CLI's login, first that works.
 * The authority host and instance discovery follow the resolved cloud, so a
 * sovereign cloud or an Azure Stack Hub authority signs in where it should.
 */
export function createCredential(method: AuthMethod, settings: AzureSettings, env: Env): TokenCredential {
  const authority = { authorityHost: settings.authorityHost, disableInstanceDiscovery: settings.disableInstanceDiscovery };
  switch (method) {
    case 'default':
      return new DefaultAzureCredential({ ...authority, ...(env['AZURE_TENANT_ID'] ? { tenantId: env['AZURE_TENANT_ID'] } : {}) });
    case 'client-secret': {
      const [tenantId, clientId, secret] = required(env, method, ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);
      return new ClientSecretCredential(tenantId!, clientId!, secret!, authority);
    }
    case 'workload-identity': {
      const [tenantId, clientId, tokenFilePath] = required(env, method, [
        'AZURE_TENANT_ID',
        'AZURE_CLIENT_ID',
        'AZURE_FEDERATED_TOKEN_FILE',
      ]);
      return new WorkloadIdentityCredential({ ...authority, tenantId: tenantId!, clientId: clientId!, tokenFilePath: tokenFilePath! });
    }
    case 'managed-identity':
      // A user-assigned identity is named by its client id; without one, the system-assigned identity answers.
      return env['AZURE_CLIENT_ID'] ? new ManagedIdentityCredential({ clientId: env['AZURE_CLIENT_ID'] }) : new ManagedIdentityCredential();
    case 'azure-cli':
      return new AzureCliCredential(env['AZURE_TENANT_ID'] ? { tenantId: env['AZURE_TENANT_ID'] } : {});
  }
}

/** Whether an error means signing in failed (nothing can be read), rather than one request. */
export function isAuthenticationError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'CredentialUnavailableError' || name === 'AuthenticationError' || name === 'AggregateAuthenticationError';
}
