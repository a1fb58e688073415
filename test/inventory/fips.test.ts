import { FIPS_LEVELS, STORE_TYPES } from '../../src/inventory/index.js';
import { keyLevel, maxLevel, storeLevel } from '../../src/inventory/fips.js';
import type { KeyLink } from '../../src/inventory/relation-types.js';
import type { Resource } from '../../src/model/index.js';
import { key, SUB, vault } from './records.js';

const levelOf = (store: Resource): string | undefined => {
  const level = storeLevel(store);
  return level === 'unknown' ? 'unknown' : level?.id;
};

const link = (fields: Partial<KeyLink>): KeyLink => ({
  service: 'x',
  reference: '',
  state: 'resolved',
  reason: undefined,
  storeKind: undefined,
  address: undefined,
  key: undefined,
  store: undefined,
  via: undefined,
  cause: undefined,
  identity: { unknown: 'n/a', cause: 'identity-unresolved' },
  ...fields,
});

describe('FIPS levels, from each store type row', () => {
  test('every row names levels the FIPS table has', () => {
    const ids = new Set(FIPS_LEVELS.map((entry) => entry.id));
    for (const store of STORE_TYPES) {
      for (const level of [...(store.fips.cases ?? []).map((c) => c.level), ...(store.fips.otherwise ? [store.fips.otherwise] : [])])
        expect(ids).toContain(level);
    }
  });

  test('a store: by its tier, fixed for its type, unknown at deployment, none for an unknown tier', () => {
    const hsm = (sku: string): Resource => ({
      id: `${SUB}/x/dedicatedHSMs/d`,
      type: 'Microsoft.HardwareSecurityModules/dedicatedHSMs',
      sku: { name: sku },
    });
    expect(levelOf(vault('a'))).toBe('key-vault-premium-hsm-platform-1');
    expect(levelOf(vault('a', { sku: { name: 'Standard' } }))).toBe('key-vault-software');
    expect(levelOf(vault('a', { sku: { name: 'gold' } }))).toBeUndefined();
    expect(levelOf({ ...vault('a'), unknown: ['properties.sku'] })).toBe('unknown');
    expect(levelOf({ id: `${SUB}/x/managedHSMs/m`, type: 'Microsoft.KeyVault/managedHSMs' })).toBe('managed-hsm');
    expect(levelOf(hsm('payShield10K_LMK1_CPS60'))).toBe('payment-hsm');
    expect(levelOf(hsm('SafeNet Luna Network HSM A790'))).toBe('dedicated-hsm');
    expect(levelOf({ id: `${SUB}/x/cloudHsmClusters/c`, type: 'Microsoft.HardwareSecurityModules/cloudHsmClusters' })).toBe('cloud-hsm');
    expect(levelOf({ id: `${SUB}/x/storageAccounts/s`, type: 'Microsoft.Storage/storageAccounts' })).toBeUndefined();
  });

  test("a key: Premium's keys by their protection and HSM platform; a Managed HSM key even without its store", () => {
    const keyLevelOf = (fields: Partial<KeyLink>): string | undefined => {
      const level = keyLevel(link(fields));
      return level === 'unknown' ? 'unknown' : level?.id;
    };
    const premium = vault('p');
    expect(keyLevelOf({ storeKind: 'key-vault', store: premium, key: key('p', 'k') })).toBe('key-vault-premium-hsm-platform-1');
    expect(keyLevelOf({ storeKind: 'key-vault', store: premium, key: key('p', 'k', { attributes: { hsmPlatform: '2' } }) })).toBe(
      'key-vault-premium-hsm-platform-2',
    );
    expect(keyLevelOf({ storeKind: 'key-vault', store: premium, key: key('p', 'k', { kty: 'RSA' }) })).toBe('key-vault-software');
    expect(keyLevelOf({ storeKind: 'key-vault', store: premium, key: { ...key('p', 'k'), unknown: ['properties.kty'] } })).toBe('unknown');
    expect(keyLevelOf({ storeKind: 'key-vault', store: premium })).toBeUndefined();
    expect(keyLevelOf({ storeKind: 'key-vault' })).toBeUndefined();
    expect(keyLevelOf({ storeKind: 'managed-hsm' })).toBe('managed-hsm');
    expect(keyLevelOf({ storeKind: 'external' })).toBeUndefined();
  });

  test('the level asked for is the highest; anything but 1-4 comes back as written', () => {
    expect(maxLevel(['2', 3, undefined, ''])).toBe(3);
    expect(maxLevel([])).toBeUndefined();
    expect(maxLevel([2, 'high'])).toBe('high');
  });
});
