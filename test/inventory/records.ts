import type { Origin, Resource } from '../../src/model/index.js';

/** Small records for the relation index's tests, all in one resource group of one subscription. */
export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`;
export const SUB = `${RG}/providers`;

const EXPORT: Origin = { kind: 'export', file: 'x.json', line: 1 };
export const PLAN: Origin = { kind: 'terraform', file: 'plan.json', address: 'azurerm_key_vault.x' };

export function vault(name: string, properties: Record<string, unknown> = {}, origin: Origin = EXPORT): Resource {
  return {
    id: `${SUB}/Microsoft.KeyVault/vaults/${name}`,
    type: 'Microsoft.KeyVault/vaults',
    name,
    origin,
    properties: { vaultUri: `https://${name}.vault.azure.net/`, sku: { name: 'premium' }, ...properties },
  };
}

export function key(vaultName: string, name: string, properties: Record<string, unknown> = {}, origin: Origin = EXPORT): Resource {
  return {
    id: `${SUB}/Microsoft.KeyVault/vaults/${vaultName}/keys/${name}`,
    type: 'Microsoft.KeyVault/vaults/keys',
    name,
    origin,
    properties: { kty: 'RSA-HSM', attributes: { enabled: true }, ...properties },
  };
}

export function managedHsm(name: string): Resource {
  return {
    id: `${SUB}/Microsoft.KeyVault/managedHSMs/${name}`,
    type: 'Microsoft.KeyVault/managedHSMs',
    name,
    origin: EXPORT,
    properties: { hsmUri: `https://${name}.managedhsm.azure.net/` },
  };
}

/** A Cosmos DB account naming its key by URI, with a system-assigned identity. */
export function cosmos(name: string, uri: string | undefined, extra: Partial<Resource> = {}): Resource {
  return {
    id: `${SUB}/Microsoft.DocumentDB/databaseAccounts/${name}`,
    type: 'Microsoft.DocumentDB/databaseAccounts',
    name,
    origin: EXPORT,
    identity: { type: 'SystemAssigned', principalId: `principal-${name}` },
    properties: uri === undefined ? {} : { keyVaultKeyUri: uri },
    ...extra,
  };
}

export function assignment(name: string, principalId: string, role: string, scope: string): Resource {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name,
    subscriptionId: SUBSCRIPTION,
    origin: EXPORT,
    properties: { principalId, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${role}`, scope },
  };
}
