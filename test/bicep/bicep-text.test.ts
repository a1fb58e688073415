import { readBicep, type BicepObject } from '../../src/sources/bicep/index.js';

const keys = (object: BicepObject | undefined): [string, number, number][] =>
  [...(object?.entries.values() ?? [])].map((entry) => [entry.key, entry.line, entry.column]);

describe('reading Bicep for locations', () => {
  test('declarations: resources, modules, existing, conditions, loops, with their lines and the line their body ends', () => {
    const text = readBicep(
      [
        "@description('vault')", // 1
        "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 2
        "  name: 'kv'", // 3
        '}', // 4
        "resource old 'Microsoft.KeyVault/vaults@2023-07-01' existing = {", // 5
        "  name: 'old'", // 6
        '}', // 7
        "resource maybe 'Microsoft.Storage/storageAccounts@2023-05-01' = if (deploy) {", // 8
        "  name: 'st'", // 9
        '}', // 10
        '@batchSize(2)', // 11
        "module many './child.bicep' = [for (item, i) in items: if (item.enabled) {", // 12
        "  name: 'm${i}'", // 13
        '}]', // 14
        "module remote 'br/public:avm/res/key-vault/vault:0.11.0' = {", // 15
        "  name: 'remote'", // 16
        '}', // 17
      ].join('\n'),
    );
    expect(text.declarations.map((d) => [d.keyword, d.name, d.target, d.existing, d.line, d.column, d.endLine])).toEqual([
      ['resource', 'vault', 'Microsoft.KeyVault/vaults@2023-07-01', false, 2, 1, 4],
      ['resource', 'old', 'Microsoft.KeyVault/vaults@2023-07-01', true, 5, 1, 7],
      ['resource', 'maybe', 'Microsoft.Storage/storageAccounts@2023-05-01', false, 8, 1, 10],
      ['module', 'many', './child.bicep', false, 12, 1, 14],
      ['module', 'remote', 'br/public:avm/res/key-vault/vault:0.11.0', false, 15, 1, 17],
    ]);
    expect(keys(text.declarations[3]!.body)).toEqual([['name', 13, 3]]);
  });

  test('comments, interpolated strings holding braces and quotes, and multi-line strings hide nothing and invent nothing', () => {
    const text = readBicep(
      [
        "/* resource fake1 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 1
        '*/', // 2
        "// resource fake2 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 3
        "var a = 'x ${'{'} y ${concat('}', '\\'')} z'", // 4
        "var b = '''", // 5
        "resource fake3 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 6
        "'''", // 7
        "resource real 'Microsoft.KeyVault/vaults@2023-07-01' = { // a comment {", // 8
        "  name: 'kv-${a}-{'", // 9
        '  properties: {', // 10
        "    'quoted-key': true /* } */", // 11
        '    enablePurgeProtection: x ? { a: 1 } : null', // 12
        '  }', // 13
        '}', // 14
      ].join('\n'),
    );
    expect(text.declarations.map((d) => [d.name, d.line, d.endLine])).toEqual([['real', 8, 14]]);
    const body = text.declarations[0]!.body;
    expect(keys(body)).toEqual([
      ['name', 9, 3],
      ['properties', 10, 3],
    ]);
    expect(keys(body?.entries.get('properties')?.value as BicepObject)).toEqual([
      ['quoted-key', 11, 5],
      ['enablePurgeProtection', 12, 5],
    ]);
  });

  test('nested child resources are named parent::child, as compiled templates name them; decorators on properties are skipped', () => {
    const text = readBicep(
      [
        "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {", // 1
        "  name: 'kv'", // 2
        "  resource key 'keys' = {", // 3
        "    name: 'k'", // 4
        '    properties: {', // 5
        "      kty: 'RSA-HSM'", // 6
        '    }', // 7
        '  }', // 8
        '}', // 9
        'param p object = {', // 10
        "  @description('x')", // 11
        '  a: 1', // 12
        '}', // 13
        'param name string', // 14
      ].join('\n'),
    );
    expect(text.declarations.map((d) => [d.name, d.target, d.line, d.endLine])).toEqual([
      ['vault', 'Microsoft.KeyVault/vaults@2023-07-01', 1, 9],
      ['vault::key', 'keys', 3, 8],
    ]);
    expect(keys(text.declarations[1]!.body?.entries.get('properties')?.value as BicepObject)).toEqual([['kty', 6, 7]]);
    expect([...text.params]).toEqual([
      ['p', { line: 10, column: 1 }],
      ['name', { line: 14, column: 1 }],
    ]);
  });

  test('array items are located; a for expression has no literal items', () => {
    const text = readBicep(
      [
        "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {",
        '  properties: {',
        '    accessPolicies: [',
        '      {',
        "        tenantId: 't'",
        '      }',
        "      { tenantId: 'u', objectId: 'o' }",
        '    ]',
        '    ipRules: [for ip in ips: { value: ip }]',
        '  }',
        '}',
      ].join('\n'),
    );
    const properties = text.declarations[0]!.body?.entries.get('properties')?.value as BicepObject;
    const policies = properties.entries.get('accesspolicies')?.value;
    expect(
      policies?.kind === 'array' ? policies.items.map((item) => [item.line, item.column, keys(item.value as BicepObject)]) : [],
    ).toEqual([
      [4, 7, [['tenantId', 5, 9]]],
      [
        7,
        7,
        [
          ['tenantId', 7, 9],
          ['objectId', 7, 24],
        ],
      ],
    ]);
    expect(properties.entries.get('iprules')?.value).toEqual({ kind: 'array', items: [] });
  });

  test('a file it cannot follow still yields what it can, and never throws', () => {
    expect(readBicep("resource broken 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'x'\n").declarations.map((d) => d.name)).toEqual([
      'broken',
    ]);
    expect(readBicep("var s = 'unclosed\nresource r 'T@1' = {\n}\n").declarations.map((d) => [d.name, d.line])).toEqual([['r', 2]]);
    expect(readBicep('}}}]]) resource').declarations).toEqual([]);
  });
});
