import type { TemplateOrigin } from '../../src/model/index.js';
import { findingRows, named, scanFixture, scanJson } from './support.js';

const RG = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg';

describe('template expansion', () => {
  test('resource, property and variable copies: one record per instance, each pointing at its loop', async () => {
    const { resources, problems } = scanFixture('arm/features/copy-loops.json');
    expect(problems).toEqual([]);
    expect(resources.map((r) => [r.name, (r.origin as TemplateOrigin).via])).toEqual([
      ['kv-loop-1', ['copy vaultLoop[0]']],
      ['kv-loop-2', ['copy vaultLoop[1]']],
      ['kv-loop-1/key-0', ['copy keyLoop[0]']],
      ['kv-loop-1/key-1', ['copy keyLoop[1]']],
      // The count is only known at deployment: one instance stands for all, its name as written.
      ["[format('kv-unknown-{0}', copyIndex())]", ['copy unknownLoop[?]']],
    ]);
    const second = named(resources, 'kv-loop-2');
    expect(second.properties!['enablePurgeProtection']).toBe(false);
    expect(second.properties!['accessPolicies']).toEqual([
      {
        tenantId: '00000000-0000-0000-0000-000000000000',
        objectId: '11111111-0000-0000-0000-000000000001',
        permissions: { keys: ['get'] },
      },
      {
        tenantId: '00000000-0000-0000-0000-000000000000',
        objectId: '11111111-0000-0000-0000-000000000002',
        permissions: { keys: ['get', 'purge'] },
      },
    ]);
    const origin = second.origin as TemplateOrigin;
    // The property copy's array is written at the copy loop; its members' properties where `input` writes them.
    expect(origin.properties!['properties.accesspolicies']).toEqual({ line: 27, column: 11, pointer: '/resources/0/properties/copy/0' });
    expect(origin.properties!['properties.accesspolicies[*].permissions.keys']).toEqual({
      line: 34,
      column: 17,
      pointer: '/resources/0/properties/copy/0/input/permissions/keys',
    });
    expect(named(resources, "[format('kv-unknown-{0}', copyIndex())]").unknown).toEqual(['name']);

    const { document } = await scanJson(['--template', 'fixtures/arm/features/copy-loops.json', '--fail-on', 'none']);
    expect(findingRows(document)).toEqual([
      ['key.rsa-minimum-size', 'kv-loop-1/key-1', 'fail', 48, 9, '"keySize"'],
      ['keyvault.access-policy-least-privilege', 'kv-loop-1', 'fail', 27, 11, '{'],
      ['keyvault.access-policy-least-privilege', 'kv-loop-2', 'fail', 27, 11, '{'],
      ['keyvault.purge-protection', "[format('kv-unknown-{0}', copyIndex())]", 'fail', 64, 9, '"enablePurgeProtection"'],
      ['keyvault.purge-protection', 'kv-loop-2', 'fail', 24, 9, '"enablePurgeProtection"'],
      ['keyvault.rbac-authorization', 'kv-loop-1', 'fail', 25, 9, '"enableRbacAuthorization"'],
      ['keyvault.rbac-authorization', 'kv-loop-2', 'fail', 25, 9, '"enableRbacAuthorization"'],
    ]);
    expect(
      document.findings.find((f) => f.resource.name === 'kv-loop-2' && f.ruleId === 'keyvault.purge-protection')!.location.via,
    ).toEqual(['copy vaultLoop[1]']);
  });

  test('nested deployments: inner scope takes passed parameters, outer scope reads the parent, each keeps its path', async () => {
    const { resources, problems } = scanFixture('arm/features/nested-deployments.json');
    expect(resources.map((r) => [r.id, (r.origin as TemplateOrigin).via, (r.origin as TemplateOrigin).pointer])).toEqual([
      [
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/app-kv-inner',
        ['deployment inner-vault'],
        '/resources/0/properties/template/resources/0',
      ],
      [
        `${RG}/providers/Microsoft.KeyVault/vaults/app-kv-outer`,
        ['deployment outer-vault'],
        '/resources/1/properties/template/resources/0',
      ],
      [
        `${RG}/providers/Microsoft.KeyVault/vaults/kv-red`,
        ['copy teamLoop[0]', 'deployment team-red'],
        '/resources/2/properties/template/resources/vault',
      ],
      [
        `${RG}/providers/Microsoft.KeyVault/vaults/kv-blue`,
        ['copy teamLoop[1]', 'deployment team-blue'],
        '/resources/2/properties/template/resources/vault',
      ],
    ]);
    const inner = named(resources, 'app-kv-inner');
    // resourceGroup() and deployment() describe the nested deployment; an unpassed parameter takes its default.
    expect(inner.tags).toEqual({ resourceGroup: 'rg-security', deployment: 'inner-vault' });
    expect(inner.resourceGroup).toBe('rg-security');
    expect(inner.properties!['softDeleteRetentionInDays']).toBe(90);
    expect(inner.properties!['enablePurgeProtection']).toBe(false);
    expect(named(resources, 'kv-red').properties!['enablePurgeProtection']).toBe(true);
    expect(problems).toEqual([
      {
        code: 'template-link-not-followed',
        message:
          "/resources/3/properties/templateLink: the nested deployment 'linked' links to its template by URI: keyscope does not fetch it, so its resources are not scanned",
        target: 'arm/features/nested-deployments.json',
        line: 121,
        column: 25,
      },
    ]);

    const { code, document } = await scanJson(['--template', 'fixtures/arm/features/nested-deployments.json']);
    expect(code).toBe(3);
    expect(findingRows(document)).toEqual([
      ['keyvault.purge-protection', 'app-kv-outer', 'fail', 71, 17, '"enablePurgeProtection"'],
      ['keyvault.purge-protection', 'kv-blue', 'fail', 107, 17, '"enablePurgeProtection"'],
      ['keyvault.purge-protection', 'app-kv-inner', 'fail', 44, 17, '"enablePurgeProtection"'],
    ]);
  });

  test('conditions: false is not deployed (its children still are), unknown is scanned', () => {
    const { resources, problems } = scanFixture('arm/features/conditions.json');
    expect(problems).toEqual([]);
    expect(resources.map((r) => r.name)).toEqual(['kv-legacy/key-kept', 'kv-current', 'kv-maybe']);
    expect(named(resources, 'kv-legacy/key-kept').type).toBe('Microsoft.KeyVault/vaults/keys');
  });

  test('deploy-time values are unknown paths; a parameter without a value is reported once', () => {
    const { resources, problems } = scanFixture('arm/features/deploy-time.json');
    const vault = resources[0]!;
    expect(vault.name).toBe("[parameters('vaultName')]");
    expect(vault.unknown).toEqual(['name', 'location', 'tags.deployment', 'tags.createdon', 'properties.tenantid']);
    expect(vault.properties).toEqual({
      sku: { family: 'A', name: 'premium' },
      enableSoftDelete: true,
      enablePurgeProtection: true,
      enableRbacAuthorization: true,
    });
    const storage = named(resources, 'stdeploytime');
    expect(storage.unknown).toEqual([
      'properties.encryption.keyvaultproperties.keyvaulturi',
      'properties.encryption.keyvaultproperties.keyname',
    ]);
    expect(problems).toEqual([
      {
        code: 'template-parameter-missing',
        message: "the parameter 'vaultName' has no value and no default: what depends on it is unknown (give it with --parameters)",
        target: 'arm/features/deploy-time.json',
        line: 5,
        column: 5,
        notice: true,
      },
    ]);
  });

  test('records are shaped as Resource Graph returns resources, with where each property is written', () => {
    const { resources } = scanFixture('arm/rules/keyvault.v1.json');
    const vault = named(resources, 'kv-good');
    expect(Object.keys(vault)).toEqual([
      'id',
      'name',
      'type',
      'subscriptionId',
      'resourceGroup',
      'apiVersion',
      'location',
      'properties',
      'origin',
      'unknown',
    ]);
    expect(vault.id).toBe(`${RG}/providers/Microsoft.KeyVault/vaults/kv-good`);
    expect(vault.apiVersion).toBe('2023-07-01');
    expect(vault.location).toBe('westeurope');
    const origin = vault.origin as TemplateOrigin;
    expect({ ...origin, properties: undefined }).toEqual({
      kind: 'arm',
      file: 'arm/rules/keyvault.v1.json',
      line: 13,
      column: 5,
      pointer: '/resources/0',
      properties: undefined,
    });
    expect(origin.properties!['properties.enablepurgeprotection']).toEqual({
      line: 23,
      column: 9,
      pointer: '/resources/0/properties/enablePurgeProtection',
    });
    // A value from a variable points at the property that uses it, down to the paths inside it.
    expect(origin.properties!['properties.sku.family']).toEqual({ line: 20, column: 9, pointer: '/resources/0/properties/sku' });
    expect(vault.unknown).toEqual(['properties.tenantid']);
  });
});

describe('parameters files', () => {
  test('values override defaults in order; a Key Vault reference is unknown', () => {
    const { resources, problems } = scanFixture('arm/params/vault.json', [
      'arm/params/vault.parameters.json',
      'arm/params/vault.parameters.prod.json',
    ]);
    expect(problems).toEqual([]);
    const vault = named(resources, 'kv-params');
    expect(vault.properties!['softDeleteRetentionInDays']).toBe(30);
    expect(vault.properties!['enablePurgeProtection']).toBe(false);
    expect(vault.unknown).toEqual(['properties.accesspolicies[*].objectid']);
  });

  test('a compiled .bicepparam: external inputs are unknown', () => {
    const { resources, problems } = scanFixture('arm/params/vault.json', ['arm/params/vault.bicepparam.json']);
    expect(problems).toEqual([]);
    expect(named(resources, 'kv-bicepparam').unknown).toEqual(['properties.accesspolicies[*].objectid']);
  });

  test('a parameter the template does not declare is reported where the parameters file names it', () => {
    const { resources, problems } = scanFixture('arm/params/vault.json', ['arm/params/unknown-parameter.parameters.json']);
    expect(resources.map((r) => r.name)).toEqual(['kv-typo']);
    expect(problems).toEqual([
      {
        code: 'parameters-invalid',
        message:
          "/parameters/purgeProtecton: the template 'arm/params/vault.json' declares no parameter 'purgeProtecton' (Azure rejects the deployment)",
        target: 'arm/params/unknown-parameter.parameters.json',
        line: 7,
        column: 5,
      },
    ]);
  });

  test('a parameters file that is not JSON stops its template (values would be missing) and says where', () => {
    const { resources, problems } = scanFixture('arm/params/vault.json', ['arm/features/not-json.json']);
    expect(resources).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'parameters-invalid',
        message: 'not valid JSON: a property name was expected',
        target: 'arm/features/not-json.json',
        line: 9,
        column: 54,
      },
    ]);
  });
});
