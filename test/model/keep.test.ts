import { keepPaths, keepTree, type Resource } from '../../src/model/index.js';

/** What the relation index and the second pass keep of a record: `keepPaths` over canonical paths. */
describe('keepPaths', () => {
  const vault: Resource = {
    id: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
    type: 'Microsoft.KeyVault/vaults',
    name: 'kv',
    location: 'westeurope',
    subscriptionId: '11111111-2222-3333-4444-555555555555',
    resourceGroup: 'rg',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    tags: { env: 'prod', 'fips-level': '3' },
    origin: { kind: 'export', file: 'inventory.json', line: 7 },
    unknown: ['properties.enablePurgeProtection'],
    properties: {
      vaultUri: 'https://kv.vault.azure.net/',
      sku: { family: 'A', name: 'premium' },
      enableSoftDelete: true,
      accessPolicies: [{ objectId: 'a', permissions: { keys: ['get'] } }],
      networkAcls: { defaultAction: 'Deny' },
    },
  };

  test('keeps the paths asked for, matching names case-insensitively, and what names and places the record', () => {
    const kept = keepPaths(vault, keepTree(['properties.vaulturi', 'properties.sku.name', 'tags.fips-level']));
    expect(kept).toEqual({
      id: vault.id,
      type: vault.type,
      name: 'kv',
      subscriptionId: vault.subscriptionId,
      resourceGroup: 'rg',
      origin: vault.origin,
      unknown: vault.unknown,
      tags: { 'fips-level': '3' },
      properties: { vaultUri: 'https://kv.vault.azure.net/', sku: { name: 'premium' } },
    });
  });

  test('a path through [*] keeps the whole array; a whole member is shared, not copied', () => {
    const kept = keepPaths(vault, keepTree(['properties.accesspolicies[*].objectid', 'tags']));
    const properties = kept.properties as Record<string, unknown>;
    expect(properties).toEqual({ accessPolicies: vault.properties!['accessPolicies'] });
    expect(properties['accessPolicies']).toBe(vault.properties!['accessPolicies']);
    expect(kept.tags).toBe(vault.tags);
  });

  test('a shorter path wins over a longer one below it, whichever comes first', () => {
    for (const paths of [
      ['properties.sku', 'properties.sku.name'],
      ['properties.sku.name', 'properties.sku'],
    ]) {
      expect((keepPaths(vault, keepTree(paths)).properties as Record<string, unknown>)['sku']).toBe(vault.properties!['sku']);
    }
  });

  test('nothing asked: only what names and places the record; paths that are not there add nothing', () => {
    const bare = keepPaths(vault, keepTree([]));
    expect(Object.keys(bare).sort()).toEqual(['id', 'name', 'origin', 'resourceGroup', 'subscriptionId', 'type', 'unknown']);
    expect(keepPaths(vault, keepTree(['properties.missing.deeper', 'sku.name']))).toEqual({ ...bare, properties: {} });
  });
});
