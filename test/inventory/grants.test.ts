import { CONSUMERS_BY_TYPE } from '../../src/inventory/index.js';
import { Grants, identityOf, scopeLevel } from '../../src/inventory/grants.js';
import { keyPermissionsOf } from '../../src/inventory/roles.js';
import type { KeyLink } from '../../src/inventory/relation-types.js';
import type { Resource } from '../../src/model/index.js';
import { assignment, cosmos, key, managedHsm, PLAN, RG, SUB, vault } from './records.js';

const COSMOS_SPEC = CONSUMERS_BY_TYPE.get('microsoft.documentdb/databaseaccounts')!.references[0]!;
const CRYPTO_USER = '12338af0-0e69-4776-bea7-57ae8d297424';
const ENCRYPTION_USER = 'e147488a-f6f5-4113-8e2d-b22465e65bf6';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

const identity = (resource: Resource) => identityOf(resource, COSMOS_SPEC, resource, undefined, '');
const linkTo = (store: Resource, keyRecord: Resource | undefined): KeyLink => ({
  service: 'cosmosDb',
  reference: '',
  state: 'resolved',
  reason: undefined,
  cause: undefined,
  storeKind: 'key-vault',
  address: undefined,
  key: keyRecord,
  store,
  via: undefined,
  identity: { principalId: 'p', form: 'SystemAssigned' },
});

describe('the identity a data resource unwraps its key with', () => {
  test('system-assigned, user-assigned by the identity its record names, or why it is not known', () => {
    const uami = `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/cmk-id`;
    expect(identity(cosmos('a', 'u'))).toEqual({ principalId: 'principal-a', form: 'SystemAssigned' });
    expect(
      identity(
        cosmos('b', 'u', {
          identity: { type: 'UserAssigned', userAssignedIdentities: { [uami]: { principalId: 'P-UAMI', clientId: 'c' } } },
          properties: { defaultIdentity: `UserAssignedIdentity=${uami}` },
        }),
      ),
    ).toEqual({ principalId: 'p-uami', form: 'UserAssigned', resourceId: uami });
    expect(identity(cosmos('c', 'u', { properties: { defaultIdentity: 'FirstPartyIdentity' } }))).toEqual({
      unknown: 'the account uses the Azure Cosmos DB first-party identity, whose object id differs per tenant',
      cause: 'first-party-identity',
    });
    expect(identity(cosmos('d', 'u', { properties: { defaultIdentity: `UserAssignedIdentity=${uami}` } }))).toEqual({
      unknown: `the user-assigned identity ${uami} is not attached to the resource`,
      cause: 'identity-unresolved',
    });
    expect(identity({ ...cosmos('e', 'u', { origin: PLAN }), unknown: ['identity'] })).toEqual({
      unknown: 'the resource identity is only known at deployment',
      cause: 'deploy-time-value',
    });
    // Deployed, the principal id should be there; declared, Azure has not assigned it yet.
    expect(identity(cosmos('f', 'u', { identity: { type: 'SystemAssigned' } }))).toEqual({
      unknown: 'the record has no system-assigned principal id (Azure assigns it when it creates the identity)',
      cause: 'identity-unresolved',
    });
    expect(identity(cosmos('g', 'u', { identity: { type: 'SystemAssigned' }, origin: PLAN }))).toEqual({
      unknown: 'the record has no system-assigned principal id (Azure assigns it when it creates the identity)',
      cause: 'deploy-time-value',
    });
  });
});

describe("a principal's grants on a key", () => {
  const rbacVault = vault('kv', { enableRbacAuthorization: true });
  const cmk = key('kv', 'cmk');

  test('role assignments at the key, the vault, the subscription and a resource group cover it; another group does not', () => {
    const grants = new Grants();
    grants.addAssignment(assignment('at-key', 'p', ENCRYPTION_USER, cmk.id));
    grants.addAssignment(assignment('at-vault', 'p', CRYPTO_USER, rbacVault.id));
    grants.addAssignment(assignment('at-rg', 'p', CRYPTO_USER, RG));
    grants.addAssignment(assignment('other-rg', 'p', CRYPTO_USER, `${RG}-other`));
    grants.addAssignment(assignment('reader', 'p', READER, rbacVault.id)); // no key permissions: not kept
    grants.addAssignment(assignment('someone-else', 'q', CRYPTO_USER, cmk.id));
    const result = grants.grantsOf(linkTo(rbacVault, cmk), 'p');
    expect(result).toEqual({
      authorization: 'rbac',
      grants: [
        expect.objectContaining({ scopeLevel: 'resourceGroup', role: 'Key Vault Crypto User' }),
        expect.objectContaining({
          scopeLevel: 'key',
          role: 'Key Vault Crypto Service Encryption User',
          permissions: ['get', 'wrapKey', 'unwrapKey'],
        }),
        expect.objectContaining({ scopeLevel: 'keyStore', role: 'Key Vault Crypto User' }),
      ],
    });
  });

  test('an unknown role leaves the grants open; unread assignments, Managed HSM and a missing key say why', () => {
    const grants = new Grants();
    expect(grants.grantsOf(linkTo(rbacVault, cmk), 'p')).toEqual({
      why: 'the role assignments of subscription 11111111-2222-3333-4444-555555555555 were not read',
      cause: 'role-assignments-not-read',
    });
    grants.addAssignment(assignment('custom', 'p', '0000aaaa-0000-0000-0000-000000000000', cmk.id));
    expect(grants.grantsOf(linkTo(rbacVault, cmk), 'p')).toMatchObject({
      unknown:
        'role definition 0000aaaa-0000-0000-0000-000000000000 is neither a built-in role keyscope knows nor among the role definitions read',
    });
    expect(grants.grantsOf(linkTo(managedHsm('hsm'), key('x', 'k')), 'p')).toEqual({
      why: 'Managed HSM grants key access through its local RBAC, which Azure Resource Manager does not show',
      cause: 'managed-hsm-local-rbac',
    });
    expect(grants.grantsOf({ ...linkTo(rbacVault, undefined), cause: 'keys-not-listed' }, 'p')).toEqual({
      why: 'the key is not in the scan',
      cause: 'keys-not-listed',
    });
  });

  test('access policies: the entries for the principal, with their key permissions', () => {
    const policyVault = vault('kv', {
      accessPolicies: [
        { objectId: 'P', permissions: { keys: ['get', 'wrapKey', 'unwrapKey'] } },
        { objectId: 'q', permissions: { keys: ['all'] } },
      ],
    });
    expect(new Grants().grantsOf(linkTo(policyVault, cmk), 'p')).toEqual({
      authorization: 'accessPolicy',
      grants: [{ via: 'accessPolicy', scope: policyVault.id, scopeLevel: 'keyStore', permissions: ['get', 'wrapKey', 'unwrapKey'] }],
    });
    expect(new Grants().grantsOf(linkTo({ ...policyVault, origin: PLAN, unknown: ['properties.accessPolicies'] }, cmk), 'p')).toEqual({
      why: 'the vault access policies are only known at deployment',
      cause: 'deploy-time-value',
    });
  });
});

/**
 * Key Vault's key permissions in the order keyPermissionsOf lists them. Written out here, not taken from
 * src/inventory/roles.ts (which holds the same list): this is the independent oracle the data-action cases are checked
 * against, so a permission the source's tables drop, rename or map to the wrong data action fails them.
 */
const KEY_PERMISSIONS = [
  'get',
  'list',
  'create',
  'update',
  'import',
  'delete',
  'recover',
  'backup',
  'restore',
  'purge',
  'encrypt',
  'decrypt',
  'wrapKey',
  'unwrapKey',
  'sign',
  'verify',
  'release',
  'rotate',
  'getrotationpolicy',
  'setrotationpolicy',
];
const allKeyPermissionsBut = (...left: string[]): string[] => KEY_PERMISSIONS.filter((permission) => !left.includes(permission));

/** A role definition's `permissions` blocks and the key permissions they grant. */
const DATA_ACTION_CASES: [string, unknown, string[]][] = [
  [
    'named data actions',
    [{ dataActions: ['Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action'] }],
    ['wrapKey', 'unwrapKey'],
  ],
  [
    'a wildcard, matched case-insensitively: purge is on deletedKeys and the rotation policies on keyrotationpolicies',
    [{ dataActions: ['microsoft.keyvault/vaults/keys/*'] }],
    allKeyPermissionsBut('purge', 'getrotationpolicy', 'setrotationpolicy'),
  ],
  [
    'notDataActions take away what dataActions grant',
    [{ dataActions: ['*'], notDataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/deletedKeys/*'] }],
    ['getrotationpolicy', 'setrotationpolicy'],
  ],
  [
    "each block's exclusions are its own (delete is no action)",
    [
      { dataActions: ['Microsoft.KeyVault/vaults/keys/read'], notDataActions: [] },
      { dataActions: ['Microsoft.KeyVault/vaults/keys/*/action'], notDataActions: ['Microsoft.KeyVault/vaults/keys/read'] },
    ],
    allKeyPermissionsBut('delete', 'purge', 'getrotationpolicy', 'setrotationpolicy'),
  ],
];

describe('custom roles and management groups', () => {
  const rbacVault = vault('kv', { enableRbacAuthorization: true });
  const cmk = key('kv', 'cmk');
  const definition = (guid: string, permissions: unknown): Resource => ({
    id: `/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    type: 'Microsoft.Authorization/roleDefinitions',
    origin: { kind: 'export', file: 'x.json', line: 1 },
    properties: { roleName: `role ${guid.slice(0, 4)}`, type: 'CustomRole', permissions },
  });

  test.each(DATA_ACTION_CASES)('data actions to key permissions: %s', (_case, permissions, expected) => {
    expect(keyPermissionsOf(permissions)).toEqual(expected);
  });

  test('permissions that are not a list of blocks grant nothing known', () => {
    expect(keyPermissionsOf({ dataActions: [] })).toBeUndefined();
  });

  test('a custom role read grants its key permissions; one without key data actions is not a grant; an unreadable one stays unknown', () => {
    const grants = new Grants();
    grants.addRoleDefinition(
      definition('aaaa0000-0000-4000-8000-000000000001', [{ dataActions: ['Microsoft.KeyVault/vaults/keys/unwrap/action'] }]),
    );
    grants.addRoleDefinition(
      definition('aaaa0000-0000-4000-8000-000000000002', [{ dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'] }]),
    );
    grants.addRoleDefinition({ ...definition('aaaa0000-0000-4000-8000-000000000003', []), unknown: ['properties.permissions'] });
    grants.addAssignment(assignment('unwrap', 'p', 'aaaa0000-0000-4000-8000-000000000001', cmk.id));
    grants.addAssignment(assignment('secrets', 'p', 'aaaa0000-0000-4000-8000-000000000002', rbacVault.id));
    expect(grants.grantsOf(linkTo(rbacVault, cmk), 'p')).toEqual({
      authorization: 'rbac',
      grants: [expect.objectContaining({ scopeLevel: 'key', role: 'role aaaa', permissions: ['unwrapKey'] })],
    });
    grants.addAssignment(assignment('unreadable', 'p', 'aaaa0000-0000-4000-8000-000000000003', cmk.id));
    expect(grants.grantsOf(linkTo(rbacVault, cmk), 'p')).toMatchObject({
      unknown: 'role definition aaaa0000-0000-4000-8000-000000000003 could not be read',
    });
  });

  test("a management group covers a key when it is among the key's subscription's ancestors; without the ancestry, any does", () => {
    const group = (name: string): string => `/providers/microsoft.management/managementgroups/${name}`;
    expect(scopeLevel(group('mg-a'), 'k', 's', new Set(['mg-a', 'root']))).toBe('managementGroup');
    expect(scopeLevel(group('mg-b'), 'k', 's', new Set(['mg-a', 'root']))).toBeUndefined();
    expect(scopeLevel(group('mg-b'), 'k', 's', undefined)).toBe('managementGroup');
    const grants = new Grants();
    grants.addSubscription({
      id: '/subscriptions/11111111-2222-3333-4444-555555555555',
      type: 'Microsoft.Resources/subscriptions',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      properties: { managementGroupAncestorsChain: [{ name: 'MG-A', displayName: 'A' }, { name: 'root' }] },
    });
    const mgAssignment = (name: string, mg: string): Resource => ({ ...assignment(name, 'p', CRYPTO_USER, group(mg)), subscriptionId: '' });
    grants.addAssignment(assignment('read', 'q', CRYPTO_USER, RG)); // the subscription's assignments were read
    grants.addAssignment(mgAssignment('own', 'mg-a'));
    grants.addAssignment(mgAssignment('unrelated', 'mg-b'));
    const result = grants.grantsOf(linkTo(rbacVault, cmk), 'p');
    expect('why' in result ? result : result.grants.map((grant) => [grant['scope'], grant['scopeLevel']])).toEqual([
      [group('mg-a'), 'managementGroup'],
    ]);
  });
});
