import { evaluateExpression } from '../../src/sources/arm/evaluate.js';
import { TemplateExpander } from '../../src/sources/arm/expand.js';
import { parseExpression } from '../../src/sources/arm/expression-parser.js';
import { parseJsonText } from '../../src/sources/arm/json-text.js';
import { ProblemLog } from '../../src/sources/arm/problems.js';
import { topLevelScope } from '../../src/sources/arm/resource-ids.js';
import { TemplateFrame } from '../../src/sources/arm/template-frame.js';
import { PartialObject, Unknown } from '../../src/sources/arm/values.js';
import { named, scanFixture } from './support.js';

const RG = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg';
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cmk-demo`;

/** The storage account both vault-key-storage fixtures declare, as its record holds it. */
const CMK_STORAGE_PROPERTIES = {
  minimumTlsVersion: 'TLS1_2',
  encryption: {
    keySource: 'Microsoft.Keyvault',
    identity: { userAssignedIdentity: IDENTITY },
    keyvaultproperties: { keyvaulturi: 'https://kv-cmk-demo.vault.azure.net/', keyname: 'cmk-storage' },
    services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
  },
};

/** Expands a template and evaluates expressions against its top-level frame, as a resource property would. */
function templateOf(template: object): { evaluate: (expression: string) => unknown; problems: string[] } {
  const json = parseJsonText('inline.json', JSON.stringify(template));
  const problems: string[] = [];
  const log = new ProblemLog('inline.json', (problem) => problems.push(`${problem.code} ${problem.message}`));
  const scope = topLevelScope(undefined);
  const frame = new TemplateFrame({ json, node: json.root, pointer: '', scope, deploymentName: 'inline', given: new Map(), problems: log });
  new TemplateExpander(json, log).expand(frame, scope);
  return { evaluate: (expression) => evaluateExpression(parseExpression(`[${expression}]`), frame.context()), problems };
}

const reason = (value: unknown): string => {
  if (!(value instanceof Unknown)) throw new Error(`expected an unknown, got ${JSON.stringify(value)}`);
  return value.reason;
};

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const vault = (name: string, extra: object = {}): object => ({
  type: 'Microsoft.KeyVault/vaults',
  apiVersion: '2023-07-01',
  name,
  location: 'westeurope',
  properties: { sku: { family: 'A', name: 'premium' }, enablePurgeProtection: true, networkAcls: { bypass: 'AzureServices' } },
  ...extra,
});

describe('reference() of a resource the same template deploys', () => {
  test('vault-key-storage.json: the vault URI comes from the vault declared below the account; what Azure sets stays unknown', () => {
    const { resources, problems } = scanFixture('arm/relations/vault-key-storage.json');
    expect(problems).toEqual([]);
    expect(resources.map((r) => r.id)).toEqual([
      `${RG}/providers/Microsoft.Storage/storageAccounts/stcmkdemo`,
      `${RG}/providers/Microsoft.KeyVault/vaults/kv-cmk-demo`,
      `${RG}/providers/Microsoft.KeyVault/vaults/kv-cmk-demo/keys/cmk-storage`,
      IDENTITY,
    ]);
    const account = named(resources, 'stcmkdemo');
    expect(account.properties).toEqual(CMK_STORAGE_PROPERTIES);
    expect(account.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [IDENTITY]: {} } });
    // A declared value read through reference() is known; the identity's principalId is Azure's to set.
    expect(account.tags).toEqual({ vaultSku: 'premium' });
    expect(account.unknown).toEqual(['tags.identityprincipal']);
    // The derived URI is part of what reference() returns, not of the vault's own record.
    const vaultRecord = named(resources, 'kv-cmk-demo');
    expect(vaultRecord.properties).toEqual({
      sku: { family: 'A', name: 'premium' },
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      enableRbacAuthorization: true,
    });
    expect(vaultRecord.unknown).toEqual(['properties.tenantid']);
    expect(named(resources, 'kv-cmk-demo/cmk-storage').properties).toEqual({
      kty: 'RSA-HSM',
      keySize: 3072,
      keyOps: ['wrapKey', 'unwrapKey'],
    });
  });

  test('vault-key-storage.symbolic.json: symbolic names (language version 2.0) resolve like resource ids', () => {
    const { resources, problems } = scanFixture('arm/relations/vault-key-storage.symbolic.json');
    expect(problems).toEqual([]);
    const account = named(resources, 'stcmkdemo');
    expect(account.properties).toEqual(CMK_STORAGE_PROPERTIES);
    // resourceInfo('identity').id is the identity's id.
    expect(account.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [IDENTITY]: {} } });
    expect(account.tags).toEqual({ keyUri: 'https://kv-cmk-demo.vault.azure.net/keys/cmk-storage' });
    // Azure creates the key version when it deploys the key.
    expect(account.unknown).toEqual(['tags.keyuriwithversion']);
  });

  test('key-in-existing-vault.json: a vault the template does not deploy stays unknown', () => {
    const { resources, problems } = scanFixture('arm/relations/key-in-existing-vault.json');
    expect(problems).toEqual([]);
    const account = named(resources, 'stexistingkv');
    expect(account.properties).toEqual({ encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: { keyname: 'cmk-storage' } } });
    expect(account.unknown).toEqual(['properties.encryption.keyvaultproperties.keyvaulturi']);
  });

  test('key-uri-and-key-version.json: keyUri is the vault or HSM URI and the key name; keyUriWithVersion is unknown', () => {
    const { resources, problems } = scanFixture('arm/relations/key-uri-and-key-version.json');
    expect(problems).toEqual([]);
    const cosmos = named(resources, 'cosmos-keyuri-demo');
    expect(cosmos.properties!['keyVaultKeyUri']).toBe('https://kv-keyuri-demo.vault.azure.net/keys/cmk-cosmos');
    expect(cosmos.unknown).toBeUndefined();
    const versioned = named(resources, 'des-key-version');
    expect(versioned.properties).toEqual({
      encryptionType: 'EncryptionAtRestWithCustomerKey',
      activeKey: { sourceVault: { id: `${RG}/providers/Microsoft.KeyVault/vaults/kv-keyuri-demo` } },
    });
    expect(versioned.unknown).toEqual(['properties.activekey.keyurl']);
    const latest = named(resources, 'des-hsm-latest');
    expect(latest.properties).toEqual({
      encryptionType: 'EncryptionAtRestWithCustomerKey',
      rotationToLatestKeyVersionEnabled: true,
      activeKey: { keyUrl: 'https://mhsm-demo.managedhsm.azure.net/keys/cmk-des' },
    });
    expect(latest.unknown).toBeUndefined();
  });

  test('copies-and-conditions.json: each copy finds its own vault; a false or unknown condition leaves the reference unknown', () => {
    const { resources, problems } = scanFixture('arm/relations/copies-and-conditions.json');
    expect(problems.map((p) => p.message)).toEqual([
      "the parameter 'deployCanary' has no value and no default: what depends on it is unknown (give it with --parameters)",
    ]);
    expect(resources.map((r) => r.name)).toEqual(['stteam0', 'stteam1', 'kv-team-0', 'kv-team-1', 'kv-canary', 'stconditional']);
    for (const index of [0, 1]) {
      const account = named(resources, `stteam${index}`);
      expect(account.properties).toEqual({
        encryption: {
          keySource: 'Microsoft.Keyvault',
          keyvaultproperties: { keyvaulturi: `https://kv-team-${index}.vault.azure.net/`, keyname: 'cmk-team' },
        },
      });
      expect(account.unknown).toBeUndefined();
    }
    const conditional = named(resources, 'stconditional');
    // The second copy's own sku, evaluated with its copyIndex().
    expect(conditional.tags).toEqual({ secondTeamVaultSku: 'standard' });
    expect(conditional.unknown).toEqual(['tags.legacyvault', 'tags.canaryvault']);
  });

  test("full-and-whole-objects.json: 'Full' reads the whole declared resource; an object Azure completes is unknown as a whole", () => {
    const { resources, problems } = scanFixture('arm/relations/full-and-whole-objects.json');
    expect(problems).toEqual([]);
    const consumer = named(resources, 'stconsumer');
    expect(consumer.location).toBe('northeurope');
    expect(consumer.sku).toEqual({ name: 'Standard_ZRS' });
    expect(consumer.properties).toEqual({
      encryption: {
        keySource: 'Microsoft.Keyvault',
        keyvaultproperties: { keyvaulturi: 'https://kv-full-demo.vault.azure.net/', keyname: 'cmk-consumer' },
      },
    });
    // tags and networkAcls are declared on the vault, but Azure may add members: no rule may read them as complete.
    expect(consumer.unknown).toEqual(['tags', 'properties.networkacls']);
    const assignment = resources.find((r) => r.type === 'Microsoft.Authorization/roleAssignments')!;
    expect(
      assignment.id.startsWith(`${RG}/providers/Microsoft.KeyVault/vaults/kv-full-demo/providers/Microsoft.Authorization/roleAssignments/`),
    ).toBe(true);
    expect(assignment.unknown).toEqual(['properties.principalid']);
  });

  test('nested-inner-scope.json: each deployment resolves its own resources; an outer-scope template reads its parent', () => {
    const { resources, problems } = scanFixture('arm/relations/nested-inner-scope.json');
    expect(problems).toEqual([]);
    const keyVaultUri = (name: string): unknown =>
      (named(resources, name).properties as { encryption: { keyvaultproperties: Record<string, unknown> } }).encryption.keyvaultproperties[
        'keyvaulturi'
      ];
    expect(keyVaultUri('stinner')).toBe('https://kv-child.vault.azure.net/');
    expect(named(resources, 'stinner').unknown).toEqual(['tags.parentvault']);
    expect(keyVaultUri('stouter')).toBe('https://kv-parent.vault.azure.net/');
    expect(named(resources, 'stouter').unknown).toEqual(['tags.childvault']);
    // A plain name finds the parent's vault; a nested deployment's outputs only exist once it has run.
    expect(keyVaultUri('stparent')).toBe('https://kv-parent.vault.azure.net/');
    expect(named(resources, 'stparent').unknown).toEqual(['tags.childvault', 'properties.encryption.keyvaultproperties.keyname']);
  });
});

describe('what reference() returns', () => {
  const template = {
    $schema: SCHEMA,
    languageVersion: '2.0',
    contentVersion: '1.0.0.0',
    parameters: { unnamed: { type: 'string' } },
    resources: {
      vault: vault('KV-Mixed-Case', { tags: { owner: 'platform' } }),
      hsm: { type: 'Microsoft.KeyVault/managedHSMs', apiVersion: '2023-07-01', name: 'mhsm-one', location: 'westeurope', properties: {} },
      teamVaults: { ...vault("[format('kv-team-{0}', copyIndex())]"), copy: { name: 'teamVaults', count: 2 } },
      unnamedVault: vault("[parameters('unnamed')]"),
      legacy: { ...vault('kv-legacy'), condition: false },
      existingVault: { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', existing: true, name: 'kv-elsewhere' },
      storage: {
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2023-05-01',
        name: 'stsame',
        location: 'westeurope',
        properties: { minimumTlsVersion: "[reference('loop').minimumTlsVersion]" },
      },
      loop: {
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2023-05-01',
        name: 'stloop',
        location: 'westeurope',
        properties: { minimumTlsVersion: "[reference('storage').minimumTlsVersion]" },
      },
      inner: {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2022-09-01',
        name: 'inner',
        properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: { $schema: SCHEMA, resources: [] } },
      },
    },
  };
  const { evaluate, problems } = templateOf(template);

  test('declared values and derived URIs are known; the host of a URI is written in lower case', () => {
    expect(evaluate("reference('vault').vaultUri")).toBe('https://kv-mixed-case.vault.azure.net/');
    expect(evaluate("reference('hsm').hsmUri")).toBe('https://mhsm-one.managedhsm.azure.net/');
    expect(evaluate("reference('vault').sku.name")).toBe('premium');
    expect(evaluate("reference('vault', '2023-07-01', 'Full').properties.vaultUri")).toBe('https://kv-mixed-case.vault.azure.net/');
    expect(evaluate("reference('vault', '2023-07-01', 'full').tags.owner")).toBe('platform');
    expect(evaluate("reference('vault', '2023-07-01', 'Full').location")).toBe('westeurope');
    // The same resource by id, by `type/name` and by name, case-insensitively.
    expect(evaluate("reference(resourceId('Microsoft.KeyVault/vaults', 'kv-mixed-case')).vaultUri")).toBe(
      'https://kv-mixed-case.vault.azure.net/',
    );
    expect(evaluate("reference('Microsoft.KeyVault/vaults/KV-Mixed-Case').vaultUri")).toBe('https://kv-mixed-case.vault.azure.net/');
    expect(evaluate("reference('kv-mixed-case').vaultUri")).toBe('https://kv-mixed-case.vault.azure.net/');
    // One resource of a copy loop by its symbolic name and index.
    expect(evaluate("reference('teamVaults[1]').vaultUri")).toBe('https://kv-team-1.vault.azure.net/');
    expect(evaluate("reference(format('teamVaults[{0}]', 0)).vaultUri")).toBe('https://kv-team-0.vault.azure.net/');
  });

  test('what the template does not set is unknown, with the reason, and reading it is no error', () => {
    expect(reason(evaluate("reference('vault').networkAcls.defaultAction"))).toBe(
      "'properties.networkAcls.defaultAction' of the Microsoft.KeyVault/vaults 'KV-Mixed-Case' is not set by the template: Azure fills it in, if at all, at deployment",
    );
    expect(reason(evaluate("reference('vault', '2023-07-01', 'Full').identity"))).toBe(
      "'identity' of the Microsoft.KeyVault/vaults 'KV-Mixed-Case' is not set by the template: Azure fills it in, if at all, at deployment",
    );
    expect(reason(evaluate("reference('unnamedVault').vaultUri"))).toBe(
      "'properties.vaultUri' of the Microsoft.KeyVault/vaults '[parameters('unnamed')]' is made from its name, only known at deployment",
    );
    expect(evaluate("reference('unnamedVault').sku.name")).toBe('premium');
    expect(reason(evaluate("reference('legacy').vaultUri"))).toBe("the resource 'legacy' is not deployed: its condition is false");
    expect(reason(evaluate("reference('existingVault').vaultUri"))).toBe(
      "'existingVault' is an existing resource: reference() reads it from Azure at deployment",
    );
    expect(reason(evaluate("reference(resourceId('Microsoft.KeyVault/vaults', 'kv-elsewhere')).vaultUri"))).toBe(
      "reference() reads a deployed resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv-elsewhere' is not deployed by this template",
    );
    expect(reason(evaluate("reference('teamVaults').vaultUri"))).toBe(
      "reference() of the copy loop 'teamVaults' as a whole is only known at deployment",
    );
    expect(reason(evaluate("reference('inner').outputs"))).toBe(
      "reference() of the Microsoft.Resources/deployments 'inner': a nested deployment's outputs are only known once it runs",
    );
  });

  test('functions see what is set, and treat the object as a whole as unknown', () => {
    expect(evaluate("tryGet(reference('vault'), 'sku', 'family')")).toBe('A');
    expect(evaluate("tryGet(reference('vault'), 'primaryEndpoints')")).toBeInstanceOf(Unknown);
    expect(evaluate("contains(reference('vault'), 'enablePurgeProtection')")).toBe(true);
    expect(evaluate("contains(reference('vault'), 'enableSoftDelete')")).toBeInstanceOf(Unknown);
    for (const expression of [
      "length(reference('vault'))",
      "empty(reference('vault').networkAcls)",
      "union(reference('vault'), createObject())",
      "string(reference('vault'))",
      "objectKeys(reference('vault'))",
      "equals(reference('vault').networkAcls, createObject('bypass', 'AzureServices'))",
    ])
      expect([expression, reason(evaluate(expression))]).toEqual([expression, expect.stringContaining('completed by Azure at deployment')]);
    expect(evaluate("reference('vault')")).toBeInstanceOf(PartialObject);
  });

  test('resourceInfo() gives the id, name and type', () => {
    expect(evaluate("resourceInfo('vault').id")).toBe(`${RG}/providers/Microsoft.KeyVault/vaults/KV-Mixed-Case`);
    expect(evaluate("resourceInfo('teamVaults[0]').name")).toBe('kv-team-0');
    expect(evaluate("resourceInfo('vault').type")).toBe('Microsoft.KeyVault/vaults');
    expect(evaluate("resourceInfo('vault').apiVersion")).toBeInstanceOf(Unknown);
    expect(reason(evaluate("resourceInfo('unnamedVault').id"))).toBe(
      "the name of the Microsoft.KeyVault/vaults '[parameters('unnamed')]' is only known at deployment",
    );
  });

  test('resources that read each other through reference() end unknown, not in a loop', () => {
    // Evaluating stsame read stloop, which found stsame's properties being evaluated.
    expect(reason(evaluate("reference('storage').minimumTlsVersion"))).toBe(
      "'properties' of the Microsoft.Storage/storageAccounts 'stloop' is in a reference() cycle (Azure rejects circular dependencies)",
    );
    expect(problems).toEqual([
      "template-parameter-missing the parameter 'unnamed' has no value and no default: what depends on it is unknown (give it with --parameters)",
    ]);
  });

  test('a name two resources share, or a resource declared twice, is ambiguous', () => {
    const { evaluate: read } = templateOf({
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        vault('shared-name'),
        { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-05-01', name: 'shared-name', location: 'westeurope' },
        { ...vault('kv-twice'), condition: true },
        vault('kv-twice'),
        { ...vault('kv-either'), condition: false },
        vault('kv-either'),
      ],
    });
    expect(reason(read("reference('shared-name')"))).toBe("'shared-name' names resources of several types: a resource id says which");
    expect(read("reference(resourceId('Microsoft.KeyVault/vaults', 'shared-name')).vaultUri")).toBe('https://shared-name.vault.azure.net/');
    expect(reason(read("reference('kv-twice')"))).toBe(
      "'kv-twice' names 2 resources this template may deploy: which one is meant is not known",
    );
    // Of the same resource declared twice, only the one whose condition holds is deployed.
    expect(read("reference('kv-either').vaultUri")).toBe('https://kv-either.vault.azure.net/');
  });
});
