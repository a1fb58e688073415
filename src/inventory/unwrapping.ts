/**
 * The catalog's unwrapping forms beside a reference's `identity`
 * (KeyReferenceSpec: `firstPartyIdentity`, `unwrappedBy`): which principal
 * unwraps a key when the resource names no identity and it is not the
 * resource's system-assigned one. Kept apart from the relation index so the
 * catalog's forms read as a table of their own.
 */
import type { UnknownCause } from '../model/index.js';
import type { KeyReferenceSpec } from './key-references.js';
import { readPath, text } from './read.js';

/** A principal the index can check grants for, or why it cannot (and the cause an unknown finding reports). */
export type UnwrappingIdentity =
  { principalId: string; form: 'UserAssigned'; resourceId: string } | { unknown: string; cause: UnknownCause };

const PARENT_IDENTITY: UnwrappingIdentity = {
  unknown: "the key is unwrapped by the parent resource's system-assigned identity, which keyscope does not follow",
  cause: 'identity-unresolved',
};

/**
 * A form the index cannot follow to a principal, as an unknown with its
 * reason: a first-party application's object id differs per tenant, and a
 * parent's identity is in another record. Undefined for the others.
 */
export function unwrapperOf(spec: KeyReferenceSpec): UnwrappingIdentity | undefined {
  if (spec.firstPartyIdentity) {
    return {
      unknown: `the key is unwrapped by the ${spec.firstPartyIdentity.name} first-party application, whose object id differs per tenant`,
      cause: 'first-party-identity',
    };
  }
  return spec.unwrappedBy === 'parent-system-assigned' ? PARENT_IDENTITY : undefined;
}

/**
 * `unwrappedBy: resource-identity` on a resource without a system-assigned
 * principal: its single user-assigned identity. Undefined when it has none or
 * several (the service's choice is then not in the record).
 */
export function soleUserAssigned(block: unknown): UnwrappingIdentity | undefined {
  const assigned = readPath(block, 'userAssignedIdentities', undefined);
  const entries =
    assigned.known && assigned.value && typeof assigned.value === 'object' ? Object.entries(assigned.value as Record<string, unknown>) : [];
  if (entries.length !== 1) return undefined;
  const [id, value] = entries[0]!;
  const principalId = text(readPath(value, 'principalId', undefined));
  return principalId
    ? { principalId: principalId.toLowerCase(), form: 'UserAssigned', resourceId: id }
    : { unknown: `the principal id of ${id} is not in the record`, cause: 'identity-unresolved' };
}
