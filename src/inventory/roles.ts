/**
 * Built-in Azure roles and what they let a principal do with a vault's
 * keys, in Key Vault access-policy terms (get, wrapKey, ...), so a role
 * assignment and an access-policy entry compare the same way. Role
 * definition ids are the same in every subscription.
 */

export interface KeyRole {
  name: string;
  /** Key permissions the role's data actions grant; empty when it grants none. */
  keyPermissions: readonly string[];
}

const ALL_KEY_PERMISSIONS = [
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

/** By lower-case role definition GUID. */
export const KEY_ROLES: ReadonlyMap<string, KeyRole> = new Map([
  ['00482a5a-887f-4fb3-b363-3b7fe8e74483', { name: 'Key Vault Administrator', keyPermissions: ALL_KEY_PERMISSIONS }],
  ['14b46e9e-c2b7-41b4-b07b-48a6ebf60603', { name: 'Key Vault Crypto Officer', keyPermissions: ALL_KEY_PERMISSIONS }],
  [
    '12338af0-0e69-4776-bea7-57ae8d297424',
    {
      name: 'Key Vault Crypto User',
      keyPermissions: ['get', 'list', 'update', 'backup', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'sign', 'verify'],
    },
  ],
  [
    'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    { name: 'Key Vault Crypto Service Encryption User', keyPermissions: ['get', 'wrapKey', 'unwrapKey'] },
  ],
  ['08bbd89e-9f13-488c-ac41-acfcb10c90ab', { name: 'Key Vault Crypto Service Release User', keyPermissions: ['release'] }],
  ['21090545-7ca7-4776-b22c-e363652d74d2', { name: 'Key Vault Reader', keyPermissions: ['get', 'list'] }],
  // Roles with no data actions on keys: they cannot use a key, whatever their scope.
  ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', { name: 'Owner', keyPermissions: [] }],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', { name: 'Contributor', keyPermissions: [] }],
  ['acdd72a7-3385-48ef-bd42-f606fba81ae7', { name: 'Reader', keyPermissions: [] }],
  ['18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', { name: 'User Access Administrator', keyPermissions: [] }],
  ['f25e0fa2-a7c8-4377-a976-54943a77a395', { name: 'Key Vault Contributor', keyPermissions: [] }],
  ['8b54135c-b56d-4d72-a534-26097cfdc8d8', { name: 'Key Vault Data Access Administrator', keyPermissions: [] }],
  ['b86a8fe4-44ce-4948-aee5-eccb2c155cd7', { name: 'Key Vault Secrets Officer', keyPermissions: [] }],
  ['4633458b-17de-408a-b874-0445c86b69e6', { name: 'Key Vault Secrets User', keyPermissions: [] }],
  ['db79e9a7-68ee-4b58-9aeb-b90e7c24fcba', { name: 'Key Vault Certificate User', keyPermissions: [] }],
  ['a4417e6f-fecd-4de8-b567-7b0420556985', { name: 'Key Vault Certificates Officer', keyPermissions: [] }],
]);

/** The GUID at the end of a role definition id (`/subscriptions/.../roleDefinitions/<guid>` or the bare GUID). */
export function roleGuidOf(roleDefinitionId: string): string {
  const slash = roleDefinitionId.lastIndexOf('/');
  return roleDefinitionId.slice(slash + 1).toLowerCase();
}

/**
 * The Key Vault data action behind each key permission (access-policy
 * names). A custom role's `dataActions` and `notDataActions` are matched
 * against these, wildcards included, to give its key permissions. Source:
 * https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 */
export const KEY_DATA_ACTIONS: readonly (readonly [permission: string, dataAction: string])[] = [
  ['get', 'Microsoft.KeyVault/vaults/keys/read'],
  ['list', 'Microsoft.KeyVault/vaults/keys/read'],
  ['create', 'Microsoft.KeyVault/vaults/keys/create/action'],
  ['update', 'Microsoft.KeyVault/vaults/keys/update/action'],
  ['import', 'Microsoft.KeyVault/vaults/keys/import/action'],
  ['delete', 'Microsoft.KeyVault/vaults/keys/delete'],
  ['recover', 'Microsoft.KeyVault/vaults/keys/recover/action'],
  ['backup', 'Microsoft.KeyVault/vaults/keys/backup/action'],
  ['restore', 'Microsoft.KeyVault/vaults/keys/restore/action'],
  ['purge', 'Microsoft.KeyVault/vaults/deletedKeys/delete'],
  ['encrypt', 'Microsoft.KeyVault/vaults/keys/encrypt/action'],
  ['decrypt', 'Microsoft.KeyVault/vaults/keys/decrypt/action'],
  ['wrapKey', 'Microsoft.KeyVault/vaults/keys/wrap/action'],
  ['unwrapKey', 'Microsoft.KeyVault/vaults/keys/unwrap/action'],
  ['sign', 'Microsoft.KeyVault/vaults/keys/sign/action'],
  ['verify', 'Microsoft.KeyVault/vaults/keys/verify/action'],
  ['release', 'Microsoft.KeyVault/vaults/keys/release/action'],
  ['rotate', 'Microsoft.KeyVault/vaults/keys/rotate/action'],
  ['getrotationpolicy', 'Microsoft.KeyVault/vaults/keyrotationpolicies/read'],
  ['setrotationpolicy', 'Microsoft.KeyVault/vaults/keyrotationpolicies/write'],
];

/** An Azure RBAC action pattern (`*` matches any run of characters) as a case-insensitive test. */
function actionPattern(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The key permissions a role definition's `permissions` blocks grant: a
 * permission is granted when one block's `dataActions` match its data action
 * and the same block's `notDataActions` do not (Azure takes the union of the
 * blocks). Undefined when `permissions` is not a list of blocks.
 */
export function keyPermissionsOf(permissions: unknown): string[] | undefined {
  if (!Array.isArray(permissions)) return undefined;
  const granted = new Set<string>();
  for (const block of permissions) {
    if (block === null || typeof block !== 'object') return undefined;
    const record = block as Record<string, unknown>;
    const allowed = strings(record['dataActions'] ?? record['DataActions']).map(actionPattern);
    const denied = strings(record['notDataActions'] ?? record['NotDataActions']).map(actionPattern);
    for (const [permission, action] of KEY_DATA_ACTIONS) {
      if (allowed.some((p) => p.test(action)) && !denied.some((p) => p.test(action))) granted.add(permission);
    }
  }
  return KEY_DATA_ACTIONS.map(([permission]) => permission).filter(
    (permission, i, all) => granted.has(permission) && all.indexOf(permission) === i,
  );
}
