import { loadCatalog, serviceCatalog } from '../../src/catalog/index.js';
import { CONSUMER_TYPES, STORE_TYPES } from '../../src/inventory/index.js';
import { fixture } from '../helpers.js';

function errorsOf(dir: string): { file?: string; line?: number; column?: number; pointer?: string; message: string }[] {
  return loadCatalog(fixture('catalog', dir)).errors.map((error) => ({ ...error.position, message: error.message }));
}

describe('the service catalog', () => {
  test('the built-in catalog loads without errors, parsed from YAML as from the bundle', () => {
    const parsed = loadCatalog(undefined, { useBundle: false });
    expect(parsed.errors).toEqual([]);
    expect(loadCatalog().catalog.services).toEqual(parsed.catalog.services);
  });

  test('a type belongs to one catalog file (any spelling), at its line and column', () => {
    expect(errorsOf('duplicate-type')).toEqual([
      {
        file: 'fixtures/catalog/duplicate-type/b-blob.yaml',
        line: 7,
        column: 11,
        message: "type 'microsoft.storage/storageaccounts' is also in fixtures/catalog/duplicate-type/a-storage.yaml",
      },
    ]);
  });

  test('schema errors are located: a cmk type without rules, a bad identity form, two key forms, no posture switch', () => {
    expect(errorsOf('bad-entry')).toEqual([
      {
        file: 'fixtures/catalog/bad-entry/cmk-without-rule.yaml',
        line: 4,
        column: 5,
        pointer: '/types/0',
        message: "missing required key 'rules' in '/types/0'",
      },
      {
        file: 'fixtures/catalog/bad-entry/cmk-without-rule.yaml',
        line: 11,
        column: 54,
        pointer: '/types/0/keyReferences/0/identity/form',
        message: '\'/types/0/keyReferences/0/identity/form\' must be one of "resourceId", "clientId", "cosmosDefaultIdentity"',
      },
      {
        file: 'fixtures/catalog/bad-entry/two-key-forms.yaml',
        line: 11,
        column: 14,
        pointer: '/types/0/keyReferences/0/key',
        message: "'/types/0/keyReferences/0/key' must match exactly one of its allowed forms",
      },
      // A cmk type the index cannot follow needs the switch the posture classes it by.
      {
        file: 'fixtures/catalog/bad-entry/unswitched-key-elsewhere.yaml',
        line: 4,
        column: 5,
        pointer: '/types/0',
        message: "missing required key 'customerKeyWhen' in '/types/0'",
      },
    ]);
  });

  test('every type appears in one file, and every service id once', () => {
    const types = serviceCatalog().entries.map((entry) => entry.key);
    expect(new Set(types).size).toBe(types.length);
    const services = serviceCatalog().services.map((service) => service.service);
    expect(new Set(services).size).toBe(services.length);
  });

  test('lookups: by type in any case, the class, the types of a class', () => {
    const catalog = serviceCatalog();
    expect(catalog.entry('MICROSOFT.STORAGE/STORAGEACCOUNTS')?.service.service).toBe('storage');
    expect(catalog.classOf('microsoft.keyvault/vaults')).toBe('key-store');
    expect(catalog.classOf('microsoft.example/unknown')).toBeUndefined();
    expect(catalog.typesOfClass('key-store').map((entry) => entry.key)).toEqual(
      expect.arrayContaining(['microsoft.keyvault/vaults', 'microsoft.keyvault/managedhsms/keys', 'microsoft.compute/diskencryptionsets']),
    );
  });

  test('every key store type and its keys type are key-store types of the catalog', () => {
    const catalog = serviceCatalog();
    const storeTypes = STORE_TYPES.flatMap((store) => [store.type, ...(store.keyType ? [store.keyType] : [])]);
    expect(storeTypes.map((type) => [type, catalog.classOf(type)])).toEqual(storeTypes.map((type) => [type, 'key-store']));
  });

  test('the key-reference table is the catalog types with key references, the key-consumers set', () => {
    expect(CONSUMER_TYPES.map((consumer) => consumer.type)).toEqual(serviceCatalog().targetSet('key-consumers'));
    expect(CONSUMER_TYPES.length).toBeGreaterThanOrEqual(19);
  });
});
