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

  test('a data resource with no key reference to follow is classed by its catalog switch (customerKeyWhen)', () => {
    const record = (type: string, name: string, properties: Record<string, unknown>, unknown?: string[]): Resource => ({
      id: `${SUB}/${type}/${name}`,
      name,
      type,
      properties,
      ...(unknown ? { unknown } : {}),
    });
    const entries = posture([
      record('Microsoft.Search/searchServices', 'search-on', { encryptionWithCmk: { enforcement: 'enabled' } }),
      record('Microsoft.Search/searchServices', 'search-off', { encryptionWithCmk: { enforcement: 'Unspecified' } }),
      record('Microsoft.Search/searchServices', 'search-deploy-time', {}, ['properties.encryptionWithCmk.enforcement']),
      record('Microsoft.OperationalInsights/workspaces', 'ws-linked', {
        features: { clusterResourceId: `${SUB}/Microsoft.OperationalInsights/clusters/c` },
      }),
      record('Microsoft.OperationalInsights/workspaces', 'ws-empty', { features: { clusterResourceId: '' } }),
      record('Microsoft.Insights/scheduledQueryRules', 'alert-own-storage', { checkWorkspaceAlertsStorageConfigured: true }),
      record('Microsoft.AzureArcData/sqlManagedInstances', 'arc-cmk', {
        k8sRaw: { spec: { security: { transparentDataEncryption: { mode: 'CustomerManaged' } } } },
      }),
      record('Microsoft.AzureArcData/sqlManagedInstances', 'arc-service', {
        k8sRaw: { spec: { security: { transparentDataEncryption: { mode: 'ServiceManaged' } } } },
      }),
    ]);
    expect(Object.fromEntries(entries.map((entry) => [entry.name, [entry.model, entry.keyStores, entry.keyState]]))).toEqual({
      // On: a customer key keyscope does not follow to its store, unless it is held outside Azure (an Arc protector in a Kubernetes secret).
      'search-on': ['undetermined', [], null],
      'search-off': ['platform-managed', [], null],
      'search-deploy-time': ['undetermined', [], null],
      'ws-linked': ['undetermined', [], null],
      'ws-empty': ['platform-managed', [], null],
      'alert-own-storage': ['undetermined', [], null],
      'arc-cmk': ['host-your-own', [], null],
      'arc-service': ['platform-managed', [], null],
    });
  });
});
