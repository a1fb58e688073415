/**
 * Where a live scan signs in and which Resource Manager it talks to. The
 * three public clouds are data; `--arm-endpoint` and `AZURE_AUTHORITY_HOST`
 * override them for Azure Stack Hub, private clouds and tests.
 */

/** A named Azure cloud (the names `az cloud list` uses). */
export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/** Entra ID authority and Resource Manager endpoint of each public cloud. */
export const CLOUDS: Readonly<Record<CloudName, { authorityHost: string; armEndpoint: string }>> = {
  AzureCloud: { authorityHost: 'https://login.microsoftonline.com', armEndpoint: 'https://management.azure.com' },
  AzureUSGovernment: { authorityHost: 'https://login.microsoftonline.us', armEndpoint: 'https://management.usgovcloudapi.net' },
  AzureChinaCloud: { authorityHost: 'https://login.chinacloudapi.cn', armEndpoint: 'https://management.chinacloudapi.cn' },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

/** The endpoints and token scope one scan uses. */
export interface AzureSettings {
  cloud: CloudName;
  /** Entra ID authority host, without a trailing slash. */
  authorityHost: string;
  /** Resource Manager (and Resource Graph) endpoint, without a trailing slash. */
  armEndpoint: string;
  /** The token scope: `<armEndpoint>/.default`. */
  tokenScope: string;
  /**
   * True when the authority is not a public cloud's: the identity library
   * must not ask login.microsoftonline.com to validate an authority it does
   * not know (Azure Stack Hub, ADFS, a test server).
   */
  disableInstanceDiscovery: boolean;
  /** How long one request may take, headers and body (`KEYSCOPE_REQUEST_TIMEOUT_MS`); 120 s when absent. */
  requestTimeoutMs?: number;
}

const PUBLIC_AUTHORITIES = new Set(Object.values(CLOUDS).map((cloud) => cloud.authorityHost));

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Resolves the settings: the cloud's defaults, then `--arm-endpoint` and
 * `AZURE_AUTHORITY_HOST`. The token scope follows the Resource Manager
 * endpoint actually used; the SDKs' default scope is the public cloud's,
 * which a sovereign cloud's Entra ID refuses.
 */
export function resolveSettings(options: {
  cloud?: CloudName;
  armEndpoint?: string;
  authorityHost?: string;
  requestTimeoutMs?: number;
}): AzureSettings {
  const cloud = options.cloud ?? 'AzureCloud';
  const defaults = CLOUDS[cloud];
  const authorityHost = trimSlash(options.authorityHost ?? defaults.authorityHost);
  const armEndpoint = trimSlash(options.armEndpoint ?? defaults.armEndpoint);
  return {
    cloud,
    authorityHost,
    armEndpoint,
    tokenScope: `${armEndpoint}/.default`,
    disableInstanceDiscovery: !PUBLIC_AUTHORITIES.has(authorityHost),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  };
}
