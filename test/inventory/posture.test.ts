import { ObservedResources } from '../../src/inventory/observe.js';
import { postureOf } from '../../src/inventory/posture.js';
import { KeyResolver } from '../../src/inventory/resolve.js';
import { typeKey, type Resource } from '../../src/model/index.js';
import { cosmos, key, SUB, vault } from './records.js';

function posture(resources: Resource[]) {
  const observed = new ObservedResources(undefined);
  for (const resource of resources) observed.observe(resource, typeKey(resource));
  const resolver = new KeyResolver(observed);
  return postureOf(observed.consumers, (entry) => resolver.linksOf(entry));
}

describe('posture', () => {
  // A Managed HSM key is at its level even when the HSM is not in the scan.
  test('model, stores, lowest level and worst state of each data resource, sorted by id', () => {
    const entries = posture([
      vault('kv'),
      key('kv', 'hsm', { attributes: { hsmPlatform: '2' } }),
      key('kv', 'soft', { kty: 'RSA' }),
      cosmos('z-two-keys', 'https://kv.vault.azure.net/keys/hsm'),
      cosmos('b-hsm', 'https://mhsm.managedhsm.azure.net/keys/k'),
      cosmos('a-soft', 'https://kv.vault.azure.net/keys/soft'),
      cosmos('c-platform', undefined),
    ]);
    expect(entries.map((entry) => [entry.name, entry.model, entry.keyStores, entry.fipsLevel, entry.keyState])).toEqual([
      ['a-soft', 'customer-managed-key-vault', [`${SUB}/Microsoft.KeyVault/vaults/kv`], 1, 'resolved'],
      ['b-hsm', 'customer-managed-managed-hsm', ['mhsm.managedhsm.azure.net'], 3, 'not-in-scope'],
      ['c-platform', 'platform-managed', [], null, null],
      ['z-two-keys', 'customer-managed-key-vault', [`${SUB}/Microsoft.KeyVault/vaults/kv`], 3, 'resolved'],
    ]);
  });

  test('one disk encryption set named in two spellings (ids are case-insensitive) is one store, as first spelled', () => {
    const set = (name: string): string => `${SUB}/Microsoft.Compute/diskEncryptionSets/${name}`;
    const vm: Resource = {
      id: `${SUB}/Microsoft.Compute/virtualMachines/vm`,
      name: 'vm',
      type: 'Microsoft.Compute/virtualMachines',
      properties: {
        storageProfile: {
          osDisk: { managedDisk: { diskEncryptionSet: { id: set('des-Main') } } },
          dataDisks: [{ lun: 0, managedDisk: { diskEncryptionSet: { id: set('des-main') } } }],
        },
      },
    };
    expect(posture([vm]).map((entry) => entry.keyStores)).toEqual([[set('des-Main')]]);
  });
});
