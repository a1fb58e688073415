/**
 * Where customer-managed keys live, and the FIPS 140 level each place
 * provides. Data, not code: docs/key-management-models.md prints the same
 * table with its sources, and a test keeps the two in step.
 */

/** The kind of store a key reference points into, told apart by its host name. */
export type StoreKind = 'key-vault' | 'managed-hsm' | 'external';

/** Data-plane host suffixes of Key Vault and Managed HSM in each Azure cloud. */
export const STORE_HOST_SUFFIXES: Readonly<Record<Exclude<StoreKind, 'external'>, readonly string[]>> = {
  'key-vault': ['.vault.azure.net', '.vault.azure.cn', '.vault.usgovcloudapi.net', '.vault.microsoftazure.de'],
  'managed-hsm': ['.managedhsm.azure.net', '.managedhsm.usgovcloudapi.net', '.managedhsm.chinacloudapi.cn'],
};

/** A key store resource type: how its data-plane host is written and what kind it is. */
export interface StoreType {
  /** Lower-case resource type. */
  type: string;
  kind: StoreKind;
  /** The property holding the data-plane URI (`properties.vaultUri`), when the service has one. */
  uriPath?: string;
  /** Its keys' resource type, when Azure Resource Manager lists them. */
  keyType?: string;
  /** The FIPS 140 level a store of the type provides (see `StoreFips`). */
  fips: StoreFips;
}

/**
 * How a store's record tells its FIPS level: the `FIPS_LEVELS` row of the
 * first case whose pattern matches the string at `path`, else `otherwise`.
 * Without `path`, every store of the type is at `otherwise`. No row found:
 * the level cannot be established (a tier keyscope does not know). A `path`
 * only known at deployment leaves the level unknown.
 */
export interface StoreFips {
  path?: string;
  cases?: readonly { match: RegExp; level: string }[];
  otherwise?: string;
}

export const STORE_TYPES: readonly StoreType[] = [
  {
    type: 'microsoft.keyvault/vaults',
    kind: 'key-vault',
    uriPath: 'properties.vaultUri',
    keyType: 'microsoft.keyvault/vaults/keys',
    // Premium: the key's own protection and HSM platform refine the level (fips.ts, `keyLevel`).
    fips: {
      path: 'properties.sku.name',
      cases: [
        { match: /^premium$/i, level: 'key-vault-premium-hsm-platform-1' },
        { match: /^standard$/i, level: 'key-vault-software' },
      ],
    },
  },
  {
    type: 'microsoft.keyvault/managedhsms',
    kind: 'managed-hsm',
    uriPath: 'properties.hsmUri',
    keyType: 'microsoft.keyvault/managedhsms/keys',
    fips: { otherwise: 'managed-hsm' },
  },
  // Customer hardware in Azure datacenters: no Azure service wraps its data with these.
  {
    type: 'microsoft.hardwaresecuritymodules/dedicatedhsms',
    kind: 'external',
    fips: { path: 'sku.name', cases: [{ match: /payshield/i, level: 'payment-hsm' }], otherwise: 'dedicated-hsm' },
  },
  { type: 'microsoft.hardwaresecuritymodules/cloudhsmclusters', kind: 'external', fips: { otherwise: 'cloud-hsm' } },
];

/** One row of the FIPS table: a key store (and key protection) and the level it is validated at. */
export interface FipsLevelEntry {
  /** Stable id, used in docs and evidence. */
  id: string;
  /** What the row covers, in words. */
  offering: string;
  /** FIPS 140 security level (1-4). */
  level: number;
  /** The standard the validation is under. */
  standard: 'FIPS 140-2' | 'FIPS 140-3';
  /** The certificate or document the level comes from. */
  source: string;
}

/**
 * The validated levels. Key Vault Premium's HSM-protected keys sit on one of
 * two HSM platforms, told by the key's `attributes.hsmPlatform`: platform 1
 * is FIPS 140-2 Level 2, platform 2 FIPS 140-3 Level 3. When a record does not
 * say, keyscope assumes platform 1: the lower level is the one it can prove.
 */
export const FIPS_LEVELS: readonly FipsLevelEntry[] = [
  {
    id: 'key-vault-software',
    offering: 'Key Vault (Standard or Premium), software-protected key (RSA, EC)',
    level: 1,
    standard: 'FIPS 140-2',
    source: 'https://learn.microsoft.com/azure/key-vault/keys/about-keys (compliance table: software-protected keys, HSM platform 0)',
  },
  {
    id: 'key-vault-premium-hsm-platform-1',
    offering: 'Key Vault Premium, HSM-protected key on HSM platform 1 (or platform not recorded)',
    level: 2,
    standard: 'FIPS 140-2',
    source: 'NIST CMVP certificate #2643 (https://csrc.nist.gov/Projects/cryptographic-module-validation-program/Certificate/2643)',
  },
  {
    id: 'key-vault-premium-hsm-platform-2',
    offering: 'Key Vault Premium, HSM-protected key on HSM platform 2',
    level: 3,
    standard: 'FIPS 140-3',
    source: 'https://learn.microsoft.com/azure/key-vault/keys/about-keys (compliance table: HSM platform 2)',
  },
  {
    id: 'managed-hsm',
    offering: 'Key Vault Managed HSM (every key is HSM-protected)',
    level: 3,
    standard: 'FIPS 140-3',
    source: 'https://learn.microsoft.com/azure/key-vault/managed-hsm/about-keys (compliance section)',
  },
  {
    id: 'dedicated-hsm',
    offering: 'Azure Dedicated HSM (Thales Luna 7 appliance)',
    level: 3,
    standard: 'FIPS 140-2',
    source: 'NIST CMVP certificate #3205 (https://csrc.nist.gov/projects/cryptographic-module-validation-program/Certificate/3205)',
  },
  {
    id: 'payment-hsm',
    offering: 'Azure Payment HSM (Thales payShield 10K), also PCI HSM v3',
    level: 3,
    standard: 'FIPS 140-2',
    source: 'https://learn.microsoft.com/azure/payment-hsm/overview',
  },
  {
    id: 'cloud-hsm',
    offering: 'Azure Cloud HSM (single-tenant HSM cluster)',
    level: 3,
    standard: 'FIPS 140-3',
    source: 'https://learn.microsoft.com/azure/cloud-hsm/overview',
  },
];

const BY_ID = new Map(FIPS_LEVELS.map((entry) => [entry.id, entry]));

/** A FIPS table row by id (the ids are fixed: a missing one is a programming error). */
export function fipsEntry(id: string): FipsLevelEntry {
  const entry = BY_ID.get(id);
  if (!entry) throw new Error(`no FIPS table entry '${id}'`);
  return entry;
}

/** The kind of store a host belongs to, and the store's name (the host's first label). */
export function storeOfHost(host: string): { kind: StoreKind; name: string } {
  const lower = host.toLowerCase();
  for (const kind of ['key-vault', 'managed-hsm'] as const) {
    for (const suffix of STORE_HOST_SUFFIXES[kind]) {
      if (lower.endsWith(suffix) && lower.length > suffix.length) return { kind, name: lower.slice(0, -suffix.length) };
    }
  }
  return { kind: 'external', name: lower };
}
