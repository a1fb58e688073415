import { ObservedResources } from '../../src/inventory/observe.js';
import { KeyResolver } from '../../src/inventory/resolve.js';
import { typeKey, type Resource } from '../../src/model/index.js';
import { cosmos, key, PLAN, RG, SUB, vault } from './records.js';

const des = (name: string, keyUrl: string): Resource => ({
  id: `${SUB}/Microsoft.Compute/diskEncryptionSets/${name}`,
  type: 'Microsoft.Compute/diskEncryptionSets',
  name,
  origin: { kind: 'export', file: 'x.json', line: 1 },
  properties: { activeKey: { keyUrl } },
});
const disk = (name: string, setId: string): Resource => ({
  id: `${SUB}/Microsoft.Compute/disks/${name}`,
  type: 'Microsoft.Compute/disks',
  name,
  origin: { kind: 'export', file: 'x.json', line: 1 },
  properties: { encryption: { type: 'EncryptionAtRestWithCustomerKey', diskEncryptionSetId: setId } },
});

/** Each consumer's references as `state: reason`. */
function resolve(resources: Resource[]): { states: Record<string, string[]>; resolver: KeyResolver; observed: ObservedResources } {
  const observed = new ObservedResources(undefined);
  for (const resource of resources) observed.observe(resource, typeKey(resource));
  const resolver = new KeyResolver(observed);
  const states = Object.fromEntries(
    observed.consumers.map((entry) => [
      entry.name,
      resolver.linksOf(entry).map((link) => `${link.state}: ${link.reason ?? ''}${link.cause ? ` (${link.cause})` : ''}`),
    ]),
  );
  return { states, resolver, observed };
}

describe('key references resolve to keys and stores', () => {
  test('each state, with its reason', () => {
    const { states } = resolve([
      vault('kv'),
      key('kv', 'cmk'),
      vault('kv-keys-not-read'),
      key('elsewhere', 'planned', {}, PLAN),
      cosmos('versionless', 'https://KV.vault.azure.net/keys/CMK'),
      cosmos('versioned', 'https://kv.vault.azure.net/keys/cmk/0123'),
      cosmos('missing-key', 'https://kv.vault.azure.net/keys/gone'),
      cosmos('keys-not-read', 'https://kv-keys-not-read.vault.azure.net/keys/cmk'),
      cosmos('vault-not-in-scan', 'https://other.vault.azure.net/keys/cmk'),
      cosmos('key-without-its-vault', 'https://elsewhere.vault.azure.net/keys/planned'),
      cosmos('own-hardware', 'https://keys.example.com/keys/k'),
      cosmos('not-a-uri', 'kv/cmk'),
      { ...cosmos('deploy-time', 'x'), unknown: ['properties.keyVaultKeyUri'] },
    ]);
    expect(states).toEqual({
      versionless: ['resolved: '],
      versioned: ['resolved: '],
      'missing-key': ["dangling: kv holds no key named 'gone'"],
      'keys-not-read': ['not-in-scope: the keys of kv-keys-not-read were not read (keys-not-listed)'],
      'vault-not-in-scan': ['not-in-scope: the key vault other.vault.azure.net is not in the scan (store-not-in-scan)'],
      'key-without-its-vault': ['resolved: '],
      'own-hardware': ['not-in-scope: keys.example.com is not a Key Vault or Managed HSM host (external-key-store)'],
      'not-a-uri': ["dangling: 'kv/cmk' is not a key URI"],
      // An exported record's unknown path: a live scan's call that failed.
      'deploy-time': ['unknown: the key reference is only known at deployment (enrichment-failed)'],
    });
  });

  test('through disk encryption sets: resolved, missing from a subscription read, or never read', () => {
    const { states } = resolve([
      vault('kv'),
      key('kv', 'cmk'),
      des('set', 'https://kv.vault.azure.net/keys/cmk'),
      disk('through-set', `${SUB}/Microsoft.Compute/diskEncryptionSets/set`),
      disk('set-gone', `${SUB}/Microsoft.Compute/diskEncryptionSets/gone`),
      disk(
        'set-elsewhere',
        `/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/s`,
      ),
    ]);
    expect(states).toEqual({
      set: ['resolved: '],
      'through-set': ['resolved: '],
      'set-gone': ['dangling: the disk encryption set is not among those read from its subscription'],
      'set-elsewhere': ['not-in-scope: the disk encryption set is not in the scan (store-not-in-scan)'],
    });
  });

  test('who uses each key and store, and the levels they ask for', () => {
    const tagged = cosmos('tagged', 'https://kv.vault.azure.net/keys/cmk', { tags: { 'FIPS-Level': '3' } });
    const { resolver, observed } = resolve([vault('kv'), key('kv', 'cmk'), tagged, cosmos('plain', 'https://kv.vault.azure.net/keys/cmk')]);
    resolver.settle();
    const cmk = observed.keysById.get(`${RG}/providers/microsoft.keyvault/vaults/kv/keys/cmk`.toLowerCase())!;
    expect(resolver.usageOf(cmk)).toEqual({
      consumers: [tagged.id, `${SUB}/Microsoft.DocumentDB/databaseAccounts/plain`],
      required: ['3'],
    });
  });

  test('relations are not worked out again once released', () => {
    const { observed, resolver } = resolve([cosmos('a', undefined)]);
    const entry = observed.consumers[0]!;
    entry.links = undefined;
    entry.released = true;
    expect(() => resolver.linksOf(entry)).toThrow(`relations of ${entry.id} asked for after release`);
  });
});
