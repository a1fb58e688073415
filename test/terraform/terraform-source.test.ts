import type { PlanOrigin, Resource, ScanProblem } from '../../src/model/index.js';
import { TerraformSource, type TerraformSourceOptions } from '../../src/sources/terraform/terraform-source.js';
import { fixture } from '../helpers.js';

// The provider's default for queue_encryption_key_type and table_encryption_key_type: queues and tables on Microsoft-managed keys.
const SERVICE_KEY_TYPES = { queue: { keyType: 'Service' }, table: { keyType: 'Service' } };

const SUB = '3f2a5c1e-8d4b-4e0a-9c7f-1b2d3e4f5a6b';
const UAI = `/subscriptions/${SUB}/resourceGroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage`;

interface Read {
  resources: Resource[];
  problems: ScanProblem[];
  notes: string[];
}

/** Reads a plan fixture the way the scan does, given the path relative to fixtures/terraform. */
async function read(name: string, options: TerraformSourceOptions = {}): Promise<Read> {
  const file = `fixtures/terraform/${name}`;
  const resources: Resource[] = [];
  const problems: ScanProblem[] = [];
  const notes: string[] = [];
  const source = new TerraformSource(file, { path: fixture('terraform', name), note: (note) => notes.push(note), ...options });
  for await (const batch of source.batches({ report: (problem) => problems.push(problem) })) resources.push(...batch.resources);
  return { resources, problems, notes };
}

const byAddress = (resources: Resource[], address: string): Resource => {
  const found = resources.find((resource) => (resource.origin as PlanOrigin).address === address);
  if (!found) throw new Error(`no resource ${address}`);
  return found;
};

describe('TerraformSource: resources in the common model', () => {
  test('a key vault: Azure id, type and properties, provider defaults applied, unknown values listed', async () => {
    const { resources, problems } = await read('key-vault.plan.json');
    expect(problems).toEqual([]);
    const violating = byAddress(resources, 'azurerm_key_vault.violating');
    expect(violating).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-legacy-app`,
      type: 'Microsoft.KeyVault/vaults',
      name: 'kv-legacy-app',
      location: 'westeurope',
    });
    expect(violating.properties).toEqual({
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      sku: { family: 'A', name: 'standard' },
      // purge_protection_enabled and enable_rbac_authorization are null in the plan: the provider defaults
      enablePurgeProtection: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 7,
      enableRbacAuthorization: false,
      enabledForDeployment: false,
      enabledForDiskEncryption: true,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: 'Enabled',
      accessPolicies: [
        {
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          objectId: '6a0b3c2d-1111-4c5d-8e9f-000000000042',
          permissions: { keys: ['Get', 'WrapKey', 'UnwrapKey', 'Purge'], secrets: ['Get'] },
        },
      ],
    });
    // network_acls is optional and computed: unknown until apply when not written
    expect(violating.unknown).toEqual(['properties.networkacls.bypass', 'properties.networkacls.defaultaction']);
    const pending = byAddress(resources, 'azurerm_key_vault.deploy_time');
    expect(pending.properties?.['enablePurgeProtection']).toBeUndefined();
    expect(pending.unknown).toEqual([
      'properties.accesspolicies',
      'properties.enablepurgeprotection',
      'properties.networkacls.bypass',
      'properties.networkacls.defaultaction',
    ]);
  });

  test('destroyed resources, data sources and unmapped types are not evaluated; unmapped ones are counted in a note', async () => {
    const { resources, notes } = await read('key-vault.plan.json');
    expect(resources.map((r) => (r.origin as PlanOrigin).address)).toEqual([
      'azurerm_key_vault.compliant',
      'azurerm_key_vault.violating',
      'azurerm_key_vault.deploy_time',
    ]);
    expect(notes).toEqual([
      'fixtures/terraform/key-vault.plan.json: 1 planned resource of types keyscope does not map, not evaluated: azurerm_resource_group (1)',
    ]);
  });

  test('keys: Terraform names converted to Key Vault spellings, dates to Unix seconds, the rotation policy to lifetime actions', async () => {
    const { resources } = await read('key-vault-key.plan.json');
    const legacy = byAddress(resources, 'azurerm_key_vault_key.legacy');
    // its vault is outside the plan, named by a known id
    expect(legacy.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-legacy/providers/Microsoft.KeyVault/vaults/kv-legacy-app/keys/app-key`);
    expect(legacy.type).toBe('Microsoft.KeyVault/vaults/keys');
    expect(legacy.properties).toEqual({
      kty: 'RSA',
      keySize: 2048,
      keyOps: ['decrypt', 'encrypt', 'sign', 'unwrapKey', 'verify', 'wrapKey'],
      attributes: { enabled: true },
    });
    const cmk = byAddress(resources, 'azurerm_key_vault_key.cmk');
    // its vault is created by the same plan: found through the configuration's reference
    expect(cmk.id).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-payments-prod/keys/cmk-storage`,
    );
    expect(cmk.properties).toEqual({
      kty: 'RSA-HSM',
      keySize: 3072,
      keyOps: ['unwrapKey', 'wrapKey'],
      attributes: { enabled: true, exp: 1798761600 },
      rotationPolicy: {
        lifetimeActions: [
          { trigger: { timeAfterCreate: 'P18M' }, action: { type: 'Rotate' } },
          { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } },
        ],
        attributes: { expiryTime: 'P2Y' },
      },
    });
    expect(cmk.unknown).toEqual(['properties.curvename']);
    expect(byAddress(resources, 'azurerm_key_vault_key.pending').unknown).toEqual([
      'properties.attributes.exp',
      'properties.curvename',
      'properties.keyops',
    ]);
  });

  test('azurerm_storage_account_customer_managed_key sets the encryption of the account it refers to', async () => {
    const { resources } = await read('storage-account.plan.json');
    expect(resources).toHaveLength(5); // the two customer-managed-key resources are not resources of their own
    const separate = byAddress(resources, 'azurerm_storage_account.separate_cmk');
    expect(separate.properties?.['encryption']).toEqual({
      keySource: 'Microsoft.Keyvault',
      requireInfrastructureEncryption: true,
      services: SERVICE_KEY_TYPES,
      keyvaultproperties: { keyname: 'cmk-storage', keyversion: '' },
      identity: { userAssignedIdentity: UAI },
    });
    // key_vault_uri is computed from key_vault_id: known only after apply
    expect(separate.unknown).toEqual(['identity.principalid', 'identity.tenantid', 'properties.encryption.keyvaultproperties.keyvaulturi']);
    // an existing account, named by its known id
    expect(byAddress(resources, 'azurerm_storage_account.archive').properties?.['encryption']).toMatchObject({
      keySource: 'Microsoft.Keyvault',
      keyvaultproperties: { keyname: 'cmk-archive', keyversion: '0123456789abcdef0123456789abcdef' },
    });
    expect(byAddress(resources, 'azurerm_storage_account.inline_cmk').properties?.['encryption']).toEqual({
      keySource: 'Microsoft.Keyvault',
      keyvaultproperties: { keyvaulturi: 'https://kv-payments-prod.vault.azure.net/', keyname: 'cmk-storage', keyversion: '' },
      identity: { userAssignedIdentity: UAI },
      requireInfrastructureEncryption: true,
      services: { queue: { keyType: 'Account' }, table: { keyType: 'Account' } },
    });
    expect(byAddress(resources, 'azurerm_storage_account.platform_keys').properties?.['encryption']).toEqual({
      keySource: 'Microsoft.Storage',
      requireInfrastructureEncryption: false,
      services: SERVICE_KEY_TYPES,
    });
  });

  test('a TDE resource with no key removes the key the server set', async () => {
    const { resources } = await read('mssql-server.plan.json');
    expect(byAddress(resources, 'azurerm_mssql_server.reverted').properties?.['keyId']).toBeUndefined();
    const viaResource = byAddress(resources, 'azurerm_mssql_server.tde_resource');
    expect(viaResource.unknown).toContain('properties.keyid');
    expect(byAddress(resources, 'azurerm_mssql_server.tde_inline').properties?.['keyId']).toBe(
      'https://kv-payments-prod.vault.azure.net/keys/tde-protector/0123456789abcdef0123456789abcdef',
    );
  });

  test('a disk takes the encryption type of its disk encryption set when the plan holds it', async () => {
    const { resources } = await read('managed-disk.plan.json');
    const encryption = (address: string): unknown => byAddress(resources, address).properties?.['encryption'];
    expect(encryption('azurerm_managed_disk.double')).toEqual({
      diskEncryptionSetId: `/subscriptions/${SUB}/resourceGroups/rg-compute/providers/Microsoft.Compute/diskEncryptionSets/des-double`,
      type: 'EncryptionAtRestWithPlatformAndCustomerKeys',
    });
    expect(encryption('azurerm_managed_disk.shared_set')).toEqual({
      diskEncryptionSetId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.Compute/diskEncryptionSets/des-shared`,
      type: 'EncryptionAtRestWithCustomerKey',
    });
    expect(encryption('azurerm_managed_disk.platform')).toEqual({ type: 'EncryptionAtRestWithPlatformKey' });
    // the set is created by the plan: its id is unknown, its type (the provider default) is not
    expect(encryption('azurerm_managed_disk.pending')).toEqual({ type: 'EncryptionAtRestWithCustomerKey' });
    expect(byAddress(resources, 'azurerm_managed_disk.pending').unknown).toEqual(['properties.encryption.diskencryptionsetid']);
  });

  test('ids: module instances and count instances find their own parents; the subscription comes from a root variable', async () => {
    const { resources } = await read('modules.plan.json');
    expect(resources.map((r) => `${(r.origin as PlanOrigin).address} ${r.id}`)).toEqual(
      [
        'module.vault["payments"].azurerm_key_vault.this /vaults/kv-payments',
        'module.vault["payments"].azurerm_key_vault_key.cmk /vaults/kv-payments/keys/cmk',
        'module.vault["orders"].azurerm_key_vault.this /vaults/kv-orders',
        'module.vault["orders"].azurerm_key_vault_key.cmk /vaults/kv-orders/keys/cmk',
        'azurerm_key_vault.team[0] /vaults/kv-team-0',
        'azurerm_key_vault.team[1] /vaults/kv-team-1',
        'azurerm_key_vault_key.team[0] /vaults/kv-team-0/keys/team-key',
        'azurerm_key_vault_key.team[1] /vaults/kv-team-1/keys/team-key',
      ].map((line) => line.replace(' /', ` /subscriptions/${SUB}/resourceGroups/rg-teams/providers/Microsoft.KeyVault/`)),
    );
  });

  test('ids: stand-ins for what the plan does not know, and the name marked unknown', async () => {
    const { resources } = await read('placeholders.plan.json');
    const vault = byAddress(resources, 'azurerm_key_vault.random_name');
    expect(vault.id).toBe(
      '/subscriptions/unknown-subscription/resourceGroups/unknown-resource-group/providers/Microsoft.KeyVault/vaults/azurerm_key_vault.random_name',
    );
    expect(vault.name).toBeUndefined();
    expect(vault.unknown).toContain('name');
    expect(byAddress(resources, 'azurerm_key_vault_key.shared').id).toBe(
      '/subscriptions/unknown-subscription/resourceGroups/unknown-resource-group/providers/Microsoft.KeyVault/vaults/unknown-parent/keys/cmk-shared',
    );
  });

  test('reading the same plan twice gives the same resources', async () => {
    expect(await read('storage-account.plan.json')).toEqual(await read('storage-account.plan.json'));
  });
});

describe('TerraformSource: where each resource and property is written', () => {
  test('without the configuration: the resource entry and the attribute in the plan, with JSON pointers', async () => {
    const { resources } = await read('key-vault.plan.json');
    const origin = byAddress(resources, 'azurerm_key_vault.violating').origin as PlanOrigin;
    expect(origin).toMatchObject({
      kind: 'terraform',
      file: 'fixtures/terraform/key-vault.plan.json',
      address: 'azurerm_key_vault.violating',
      line: 256,
      column: 5,
    });
    expect(origin.configFile).toBeUndefined();
    expect(origin.properties?.['properties.enablepurgeprotection']).toEqual({
      line: 294,
      column: 11,
      pointer: '/resource_changes/3/change/after/purge_protection_enabled',
    });
    // an unknown value is left out of `after`: its mark in `after_unknown` is the place
    const pending = byAddress(resources, 'azurerm_key_vault.deploy_time').origin as PlanOrigin;
    expect(pending.properties?.['properties.enablepurgeprotection']).toEqual({
      line: 372,
      column: 11,
      pointer: '/resource_changes/4/change/after_unknown/purge_protection_enabled',
    });
  });

  test('with the configuration beside the plan: the .tf file, block and argument lines, modules included', async () => {
    const { resources } = await read('located/plan.json');
    const origins = Object.fromEntries(resources.map((r) => [(r.origin as PlanOrigin).address, r.origin as PlanOrigin]));
    expect(origins['azurerm_key_vault.main']).toMatchObject({
      file: 'fixtures/terraform/located/plan.json',
      configFile: 'fixtures/terraform/located/main.tf',
      line: 7,
      column: 1,
    });
    expect(origins['azurerm_key_vault.main']!.properties).toEqual({
      location: { line: 9, column: 3 },
      'properties.accesspolicies': { line: 16, column: 3 },
      'properties.enablepurgeprotection': { line: 15, column: 3 },
      'properties.enablerbacauthorization': { line: 14, column: 3 },
      'properties.sku.name': { line: 12, column: 3 },
      'properties.tenantid': { line: 11, column: 3 },
      tags: { line: 18, column: 3 },
    });
    // the customer-managed-key resource in the same file gives the lines of what it sets (after a heredoc)
    expect(origins['azurerm_storage_account.logs']!.properties).toMatchObject({
      'properties.encryption.keysource': { line: 41, column: 1 },
      'properties.encryption.keyvaultproperties.keyname': { line: 44, column: 3 },
      'properties.encryption.identity.userassignedidentity': { line: 47, column: 3 },
    });
    // a local module, found through .terraform/modules/modules.json
    expect(origins['module.vault.azurerm_key_vault_key.cmk']).toMatchObject({
      configFile: 'fixtures/terraform/located/modules/vault/main.tf',
      line: 1,
      properties: { 'properties.keyops': { line: 6, column: 3 }, 'properties.rotationpolicy': { line: 13, column: 3 } },
    });
    // a registry module installed by terraform init; a dynamic block stands for its instances
    expect(origins['module.registry.azurerm_container_registry.this']).toMatchObject({
      configFile: 'fixtures/terraform/located/.terraform/modules/registry/main.tf',
      line: 1,
      properties: { 'properties.encryption.status': { line: 8, column: 3 } },
    });
  });

  test('locateConfiguration: false keeps to the plan', async () => {
    const { resources } = await read('located/plan.json', { locateConfiguration: false });
    const origin = byAddress(resources, 'azurerm_key_vault.main').origin as PlanOrigin;
    expect(origin.configFile).toBeUndefined();
    expect(origin.properties?.['properties.enablepurgeprotection']?.pointer).toBe(
      '/resource_changes/0/change/after/purge_protection_enabled',
    );
  });
});

describe('TerraformSource: what it cannot read', () => {
  const target = (name: string): string => `fixtures/terraform/${name}`;

  test('a file that is not JSON is fatal, with the position of the error', async () => {
    expect((await read('truncated.plan.json')).problems).toEqual([
      {
        code: 'plan-invalid',
        message: 'not JSON: Unexpected end of JSON input',
        target: target('truncated.plan.json'),
        line: 7,
        column: 1,
        fatal: true,
      },
    ]);
  });

  test('a missing file is unreadable input', async () => {
    const { problems } = await read('no-such.plan.json');
    expect(problems).toEqual([
      {
        code: 'input-unreadable',
        message: expect.stringMatching(/^cannot read: ENOENT/),
        target: target('no-such.plan.json'),
        fatal: true,
      },
    ]);
  });

  test('JSON that is not a plan, or a format keyscope does not read, makes the scan incomplete', async () => {
    expect((await read('state-not-plan.json')).problems).toEqual([
      {
        code: 'plan-invalid',
        message: 'a Terraform state, not a plan: run `terraform show -json` on a saved plan (`terraform plan -out FILE`)',
        target: target('state-not-plan.json'),
        line: 1,
        column: 1,
      },
    ]);
    expect((await read('future-format.plan.json')).problems).toEqual([
      {
        code: 'plan-invalid',
        message: 'unsupported plan format_version "2.0": keyscope reads 0.x and 1.x',
        target: target('future-format.plan.json'),
        line: 2,
        column: 3,
      },
    ]);
  });

  test('an entry without its change, and a planned resource without an entry, are reported and skipped', async () => {
    const { resources, problems } = await read('malformed-entries.plan.json');
    expect(resources).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'plan-invalid',
        message: '/resource_changes/0: azurerm_key_vault.no_change has no change.actions; not evaluated',
        target: target('malformed-entries.plan.json'),
        line: 38,
        column: 5,
      },
      {
        code: 'plan-invalid',
        message: 'azurerm_key_vault.listed_only is in planned_values but not in resource_changes; not evaluated',
        target: target('malformed-entries.plan.json'),
        line: 7,
        column: 9,
      },
    ]);
  });

  test('a customer-managed key whose account cannot be told is reported; the account is evaluated without it', async () => {
    const { resources, problems } = await read('unresolved-reference.plan.json');
    expect(problems).toEqual([
      {
        code: 'plan-reference-unresolved',
        message:
          'azurerm_storage_account_customer_managed_key.shared: cannot tell which azurerm_storage_account it configures ' +
          '(storage_account_id is known only after apply and refers to no azurerm_storage_account in this plan); ' +
          'that resource is evaluated without it',
        target: target('unresolved-reference.plan.json'),
        line: 134,
        column: 5,
      },
    ]);
    expect(resources.map((r) => r.properties?.['encryption'])).toEqual([
      { keySource: 'Microsoft.Storage', requireInfrastructureEncryption: false, services: SERVICE_KEY_TYPES },
    ]);
  });
});
