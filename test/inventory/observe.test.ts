import { ObservedResources } from '../../src/inventory/observe.js';
import { typeKey, type Resource } from '../../src/model/index.js';
import { cosmos, key, PLAN, SUB, vault } from './records.js';

function observe(resources: Resource[], relatedReads?: { key: string[]; keyStore: string[] }): ObservedResources {
  const observed = new ObservedResources(relatedReads);
  for (const resource of resources) observed.observe(resource, typeKey(resource));
  return observed;
}

describe('what the first pass leaves with the index', () => {
  test('stores by the first label of their data-plane host, keys by id and by store and key name', () => {
    const observed = observe([vault('kv-name', { vaultUri: 'https://kv-host.vault.azure.net/' }), key('kv-name', 'CMK')]);
    expect([...observed.storesByName.keys()]).toEqual(['key-vault:kv-host']);
    expect([...observed.keysById.keys()]).toEqual([`${SUB}/microsoft.keyvault/vaults/kv-name/keys/cmk`.toLowerCase()]);
    expect([...observed.keysByName.keys()]).toEqual(['key-vault:kv-name/cmk']);
  });

  test('only keys read from a deployed inventory list their store (a plan declares some keys, not all)', () => {
    const observed = observe([key('listed', 'a'), key('planned', 'b', {}, PLAN)]);
    expect([...observed.listedStores]).toEqual([`${SUB}/microsoft.keyvault/vaults/listed`.toLowerCase()]);
  });

  test('a data resource is kept as its references, not its record; what cannot be known yet is pending', () => {
    const observed = observe([
      cosmos('named', 'https://kv.vault.azure.net/keys/k/v1'),
      { ...cosmos('pending', 'x'), unknown: ['properties.keyVaultKeyUri'] },
      cosmos('platform', undefined),
    ]);
    const [named, pending, platform] = observed.consumers;
    expect(named).toMatchObject({
      name: 'named',
      type: 'microsoft.documentdb/databaseaccounts',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
    });
    expect(named!.references).toMatchObject([
      {
        text: 'https://kv.vault.azure.net/keys/k/v1',
        pending: false,
        empty: false,
        address: { host: 'kv.vault.azure.net', name: 'k', version: 'v1' },
      },
    ]);
    expect(named!.references![0]!.identity).toEqual({ principalId: 'principal-named', form: 'SystemAssigned' });
    expect(pending!.references).toMatchObject([{ text: undefined, pending: true }]);
    expect(platform!.references).toEqual([]);
  });

  test('with the reads rules make, a store record keeps what the index and those rules read, and what names it', () => {
    const observed = observe([vault('kv', { enableSoftDelete: true, networkAcls: { defaultAction: 'Deny' } })], {
      key: [],
      keyStore: ['properties.enablesoftdelete'],
    });
    const kept = observed.storesById.get(`${SUB}/microsoft.keyvault/vaults/kv`.toLowerCase())!;
    expect(Object.keys(kept.properties!).sort()).toEqual(['enableSoftDelete', 'sku', 'vaultUri']);
    expect(kept.origin).toEqual({ kind: 'export', file: 'x.json', line: 1 });
  });
});
