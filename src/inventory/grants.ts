import {
  canonicalizePathText,
  isDeployed,
  sortByIds,
  subscriptionOf,
  typeKey,
  unknownCauseOf,
  type Resource,
  type UnknownCause,
} from '../model/index.js';
import type { KeyReferenceSpec } from './key-references.js';
import { canonicalUnknown, readPath, text } from './read.js';
import type { IdentityRef, KeyLink } from './relation-types.js';
import { KEY_ROLES, keyPermissionsOf, roleGuidOf, type KeyRole } from './roles.js';
import { soleUserAssigned, unwrapperOf } from './unwrapping.js';

// Why an identity is not known, for the reasons that name nothing: one object each, shared by every reference.
const COSMOS_FIRST_PARTY: IdentityRef = {
  unknown: 'the account uses the Azure Cosmos DB first-party identity, whose object id differs per tenant',
  cause: 'first-party-identity',
};
const NO_PRINCIPAL_TEXT = 'the record has no system-assigned principal id (Azure assigns it when it creates the identity)';
const NO_PRINCIPAL: IdentityRef = { unknown: NO_PRINCIPAL_TEXT, cause: 'identity-unresolved' };
// A template or plan: Azure gives the principal id when it deploys the resource.
const NO_PRINCIPAL_YET: IdentityRef = { unknown: NO_PRINCIPAL_TEXT, cause: 'deploy-time-value' };

/** One shared object per reason and cause. */
function pending(reason: string): (cause: UnknownCause) => IdentityRef {
  const byCause = new Map<UnknownCause, IdentityRef>();
  return (cause) => {
    let ref = byCause.get(cause);
    if (!ref) byCause.set(cause, (ref = { unknown: reason, cause }));
    return ref;
  };
}
/** The identity of a reference only known at deployment. */
export const referencePending = pending('the reference is only known at deployment');
const servicePending = pending('the identity the service uses is only known at deployment');
const blockPending = pending('the resource identity is only known at deployment');

/** The identity a data resource unwraps its key with, as its record names it (first pass). */
export function identityOf(
  resource: Resource,
  spec: KeyReferenceSpec,
  root: unknown,
  unknown: readonly string[] | undefined,
  prefix: string,
): IdentityRef {
  let named: string | undefined;
  if (spec.identity) {
    // `fromResource`: the identity is named at the resource's root, not in the array member holding the reference.
    const read = spec.identity.fromResource
      ? readPath(resource, spec.identity.path, unknown)
      : readPath(root, spec.identity.path, unknown, prefix);
    if (!read.known) {
      const at = spec.identity.fromResource ? canonicalizePathText(spec.identity.path) : pathIn(prefix, spec.identity.path);
      return servicePending(unknownCauseOf(resource, at));
    }
    named = text(read);
    if (named && spec.identity.form === 'cosmosDefaultIdentity') {
      if (/^firstpartyidentity$/i.test(named)) return COSMOS_FIRST_PARTY;
      named = /^userassignedidentity=(.+)$/i.exec(named)?.[1];
    }
  }
  const unwrapper = named ? undefined : unwrapperOf(spec);
  if (unwrapper) return unwrapper;
  const identityUnknown = canonicalUnknown(resource.unknown);
  const identityBlock = readPath(resource, 'identity', identityUnknown);
  if (!identityBlock.known) return blockPending(unknownCauseOf(resource, 'identity'));
  const block = identityBlock.value;
  if (named) {
    const assigned = readPath(block, 'userAssignedIdentities', undefined);
    const map = assigned.known && assigned.value && typeof assigned.value === 'object' ? (assigned.value as Record<string, unknown>) : {};
    for (const [id, value] of Object.entries(map)) {
      const clientId = text(readPath(value, 'clientId', undefined));
      const matches =
        spec.identity!.form === 'clientId' ? clientId?.toLowerCase() === named.toLowerCase() : id.toLowerCase() === named.toLowerCase();
      if (!matches) continue;
      const principalId = text(readPath(value, 'principalId', undefined));
      return principalId
        ? { principalId: principalId.toLowerCase(), form: 'UserAssigned', resourceId: id }
        : { unknown: `the principal id of ${id} is not in the record`, cause: 'identity-unresolved' };
    }
    return { unknown: `the user-assigned identity ${named} is not attached to the resource`, cause: 'identity-unresolved' };
  }
  const principalId = text(readPath(block, 'principalId', undefined));
  if (principalId) return { principalId: principalId.toLowerCase(), form: 'SystemAssigned' };
  const sole = spec.unwrappedBy === 'resource-identity' ? soleUserAssigned(block) : undefined;
  if (sole) return sole;
  return isDeployed(resource.origin) ? NO_PRINCIPAL : NO_PRINCIPAL_YET;
}

/** The canonical path of `path` read below `prefix` (canonical) in a record. */
export function pathIn(prefix: string, path: string): string {
  const canonical = canonicalizePathText(path);
  return prefix ? `${prefix}.${canonical}` : canonical;
}

interface RoleAssignment {
  principalId: string;
  roleGuid: string;
  scope: string;
  id: string;
}

/** A principal's grants on a key: how the vault authorizes, and each access policy or role assignment that covers the key. */
export interface KeyGrants {
  authorization: string;
  grants: Record<string, unknown>[];
  /** Why the grants may be incomplete (a role keyscope cannot evaluate). */
  unknown?: string;
}

/** Why a principal's grants on a key cannot be known. */
export interface GrantsUnknown {
  why: string;
  cause: UnknownCause;
}

/** The role assignments a scan read, by principal, and what they grant on a key. */
export class Grants {
  private readonly assignments = new Map<string, RoleAssignment[]>();
  /** Subscriptions (lower-case) with role assignments read. */
  private readonly assignmentScopes = new Set<string>();
  /** Custom roles by lower-case GUID: their key permissions, or undefined when the definition could not be read. */
  private readonly customRoles = new Map<string, KeyRole | undefined>();
  /** Each subscription's (lower-case) management-group ancestors, lower-case names, from its `managementGroupAncestorsChain`. */
  private readonly ancestry = new Map<string, ReadonlySet<string>>();

  /** Keeps what a role definition that is not a built-in role keyscope knows lets it do with keys. */
  addRoleDefinition(resource: Resource): void {
    const guid = roleGuidOf(resource.id);
    if (KEY_ROLES.has(guid)) return;
    const unknown = canonicalUnknown(resource.unknown);
    const permissions = readPath(resource, 'properties.permissions', unknown);
    const keyPermissions = permissions.known ? keyPermissionsOf(permissions.value) : undefined;
    const name = text(readPath(resource, 'properties.roleName', unknown)) ?? guid;
    this.customRoles.set(guid, keyPermissions ? { name, keyPermissions } : undefined);
  }

  /** Notes a subscription's management-group ancestry (a record without one leaves it unknown). */
  addSubscription(resource: Resource): void {
    const subscription = subscriptionOf(resource) ?? /^\/subscriptions\/([^/]+)$/i.exec(resource.id)?.[1];
    if (!subscription) return;
    const chain = readPath(resource, 'properties.managementGroupAncestorsChain', canonicalUnknown(resource.unknown));
    if (!chain.known || !Array.isArray(chain.value)) return;
    const names = new Set<string>();
    for (const group of chain.value) {
      const name = text(readPath(group, 'name', undefined));
      if (name) names.add(name.toLowerCase());
    }
    this.ancestry.set(subscription.toLowerCase(), names);
  }

  /** Keeps a role assignment that can touch keys; notes its subscription as read. */
  addAssignment(resource: Resource): void {
    const unknown = canonicalUnknown(resource.unknown);
    const principalId = text(readPath(resource, 'properties.principalId', unknown));
    const roleDefinitionId = text(readPath(resource, 'properties.roleDefinitionId', unknown));
    const scope = text(readPath(resource, 'properties.scope', unknown)) ?? scopeOfAssignmentId(resource.id);
    const subscription = subscriptionOf(resource);
    if (subscription && isDeployed(resource.origin)) this.assignmentScopes.add(subscription.toLowerCase());
    if (!principalId || !roleDefinitionId || !scope) return;
    const guid = roleGuidOf(roleDefinitionId);
    if (KEY_ROLES.get(guid)?.keyPermissions.length === 0) return; // cannot touch keys: no need to keep it
    const list = this.assignments.get(principalId.toLowerCase()) ?? [];
    list.push({ principalId: principalId.toLowerCase(), roleGuid: guid, scope: scope.toLowerCase().replace(/\/+$/, ''), id: resource.id });
    this.assignments.set(principalId.toLowerCase(), list);
  }

  /** The principal's grants on the key, or why they cannot be known. */
  grantsOf(link: KeyLink, principalId: string): GrantsUnknown | KeyGrants {
    if (!link.key || !link.store) return { why: 'the key is not in the scan', cause: link.cause ?? 'store-not-in-scan' };
    const store = link.store;
    if (typeKey(store) !== 'microsoft.keyvault/vaults')
      return {
        why: 'Managed HSM grants key access through its local RBAC, which Azure Resource Manager does not show',
        cause: 'managed-hsm-local-rbac',
      };
    const unknown = canonicalUnknown(store.unknown);
    const rbac = readPath(store, 'properties.enableRbacAuthorization', unknown);
    if (!rbac.known)
      return {
        why: 'the vault permission model is only known at deployment',
        cause: unknownCauseOf(store, 'properties.enablerbacauthorization'),
      };
    if (rbac.value === true || rbac.value === 'true') {
      const subscription = subscriptionOf(store)?.toLowerCase();
      if (!subscription || !this.assignmentScopes.has(subscription))
        return {
          why: `the role assignments of subscription ${subscription ?? '(unknown)'} were not read`,
          cause: 'role-assignments-not-read',
        };
      const keyId = link.key.id.toLowerCase();
      const storeId = store.id.toLowerCase();
      const ancestors = this.ancestry.get(subscription);
      const grants: Record<string, unknown>[] = [];
      let unknownRole: string | undefined;
      for (const assignment of this.assignments.get(principalId) ?? []) {
        const level = scopeLevel(assignment.scope, keyId, storeId, ancestors);
        if (!level) continue;
        const role = KEY_ROLES.get(assignment.roleGuid) ?? this.customRoles.get(assignment.roleGuid);
        // A role with no data actions on keys cannot use one, whatever its scope.
        if (role?.keyPermissions.length === 0) continue;
        if (!role)
          unknownRole = this.customRoles.has(assignment.roleGuid)
            ? `role definition ${assignment.roleGuid} could not be read`
            : `role definition ${assignment.roleGuid} is neither a built-in role keyscope knows nor among the role definitions read`;
        grants.push({
          via: 'roleAssignment',
          id: assignment.id,
          scope: assignment.scope,
          scopeLevel: level,
          role: role?.name ?? assignment.roleGuid,
          ...(role ? { permissions: [...role.keyPermissions] } : {}),
        });
      }
      return {
        authorization: 'rbac',
        grants: sortByIds(grants, (grant) => String(grant['id'])),
        ...(unknownRole ? { unknown: unknownRole } : {}),
      };
    }
    const policies = readPath(store, 'properties.accessPolicies', unknown);
    if (!policies.known)
      return { why: 'the vault access policies are only known at deployment', cause: unknownCauseOf(store, 'properties.accesspolicies') };
    const grants: Record<string, unknown>[] = [];
    for (const policy of Array.isArray(policies.value) ? policies.value : []) {
      const objectId = text(readPath(policy, 'objectId', undefined));
      if (objectId?.toLowerCase() !== principalId) continue;
      const keys = readPath(policy, 'permissions.keys', undefined);
      grants.push({
        via: 'accessPolicy',
        scope: store.id,
        scopeLevel: 'keyStore',
        permissions: Array.isArray(keys.known ? keys.value : undefined) ? [...(keys as { value: unknown[] }).value] : [],
      });
    }
    return { authorization: 'accessPolicy', grants };
  }
}

function scopeOfAssignmentId(id: string): string | undefined {
  const at = id.toLowerCase().indexOf('/providers/microsoft.authorization/roleassignments/');
  return at >= 0 ? id.slice(0, at) || '/' : undefined;
}

const MANAGEMENT_GROUP_SCOPE = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/;

/**
 * How wide a role assignment's scope is, seen from a key; undefined when it
 * does not cover the key. A management group covers it when it is among the
 * key's subscription's `ancestors`; with the ancestry not read, any
 * management group is taken to (erring towards a failure, not a pass).
 */
export function scopeLevel(scope: string, keyId: string, storeId: string, ancestors?: ReadonlySet<string>): string | undefined {
  if (scope === keyId) return 'key';
  if (scope === storeId) return 'keyStore';
  if (scope === '' || scope === '/') return 'tenant';
  if (scope.includes('/providers/microsoft.management/managementgroups/')) {
    const group = MANAGEMENT_GROUP_SCOPE.exec(scope)?.[1];
    return !ancestors || (group !== undefined && ancestors.has(group)) ? 'managementGroup' : undefined;
  }
  if (!keyId.startsWith(`${scope}/`)) return undefined;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return 'resourceGroup';
  return 'other';
}
