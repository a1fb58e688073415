import { readFileSync } from 'node:fs';
import { FIPS_LEVELS, RelationIndex, type PostureEntry } from '../../src/inventory/index.js';
import { parseKeyUri } from '../../src/inventory/key-uri.js';
import type { Resource } from '../../src/model/index.js';
import { root } from '../helpers.js';

const SUB = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers';
const exported = (resource: Resource): Resource => ({ ...resource, origin: { kind: 'export', file: 'x.json', line: 1 } });
const vault = (name: string, uri = `https://${name}.vault.azure.net/`): Resource =>
  exported({
    id: `${SUB}/Microsoft.KeyVault/vaults/${name}`,
    type: 'Microsoft.KeyVault/vaults',
    name,
    properties: { vaultUri: uri, sku: { name: 'premium' } },
  });
const key = (vaultName: string, name: string): Resource =>
  exported({
    id: `${SUB}/Microsoft.KeyVault/vaults/${vaultName}/keys/${name}`,
    type: 'Microsoft.KeyVault/vaults/keys',
    name,
    properties: { kty: 'RSA-HSM', keySize: 3072, attributes: { enabled: true } },
  });
const cosmos = (name: string, uri: string | undefined): Resource =>
  exported({
    id: `${SUB}/Microsoft.DocumentDB/databaseAccounts/${name}`,
    type: 'Microsoft.DocumentDB/databaseAccounts',
    name,
    properties: uri === undefined ? {} : { keyVaultKeyUri: uri },
  });

function postureOf(resources: Resource[]): Record<string, Pick<PostureEntry, 'model' | 'keyState' | 'fipsLevel'>> {
  const index = new RelationIndex({ asOf: new Date('2026-01-01T00:00:00Z') });
  for (const resource of resources) index.observe(resource);
  index.build();
  return Object.fromEntries(
    index.posture().map((entry) => [entry.name, { model: entry.model, keyState: entry.keyState, fipsLevel: entry.fipsLevel }]),
  );
}

describe('key references resolve by host and key name', () => {
  test('key URIs: versioned or not, any case, store kind from the host suffix', () => {
    expect(parseKeyUri('https://KV-One.vault.azure.net/keys/My-Key/0123abcd')).toEqual({
      host: 'kv-one.vault.azure.net',
      store: { kind: 'key-vault', name: 'kv-one' },
      name: 'my-key',
      version: '0123abcd',
    });
    expect(parseKeyUri('https://hsm.managedhsm.azure.net/keys/k')?.store).toEqual({ kind: 'managed-hsm', name: 'hsm' });
    expect(parseKeyUri('https://keys.example.com/keys/k')?.store).toEqual({ kind: 'external', name: 'keys.example.com' });
    expect(parseKeyUri('not a uri')).toBeUndefined();
  });

  test('resolved, dangling, not in scope, host-your-own and platform-managed, each as the posture reports it', () => {
    const posture = postureOf([
      vault('kv-a'),
      key('kv-a', 'cmk'),
      vault('kv-empty'),
      cosmos('resolved-versionless', 'https://kv-a.vault.azure.net/keys/CMK'),
      cosmos('resolved-versioned', 'https://kv-a.vault.azure.net/keys/cmk/0123456789abcdef'),
      cosmos('dangling', 'https://kv-a.vault.azure.net/keys/deleted'),
      // The vault holds no key the scan read: a missing key there proves nothing.
      cosmos('keys-not-read', 'https://kv-empty.vault.azure.net/keys/cmk'),
      cosmos('vault-elsewhere', 'https://kv-other.vault.azure.net/keys/cmk'),
      cosmos('own-hardware', 'https://keys.example.com/keys/cmk'),
      cosmos('platform', undefined),
    ]);
    expect(posture).toEqual({
      dangling: { model: 'customer-managed-key-vault', keyState: 'dangling', fipsLevel: null },
      'keys-not-read': { model: 'customer-managed-key-vault', keyState: 'not-in-scope', fipsLevel: null },
      'own-hardware': { model: 'host-your-own', keyState: 'not-in-scope', fipsLevel: null },
      platform: { model: 'platform-managed', keyState: null, fipsLevel: null },
      'resolved-versioned': { model: 'customer-managed-key-vault', keyState: 'resolved', fipsLevel: 2 },
      'resolved-versionless': { model: 'customer-managed-key-vault', keyState: 'resolved', fipsLevel: 2 },
      'vault-elsewhere': { model: 'customer-managed-key-vault', keyState: 'not-in-scope', fipsLevel: null },
    });
  });
});

describe('the FIPS table', () => {
  test('docs/key-management-models.md prints every row of it, with its level and standard', () => {
    const doc = readFileSync(`${root}/docs/key-management-models.md`, 'utf8');
    for (const entry of FIPS_LEVELS) {
      expect(doc).toContain(`| \`${entry.id}\` | ${entry.offering} | ${entry.level} | ${entry.standard} | ${entry.source} |`);
    }
  });
});
