import type { PropertyMapping } from '../mapping-types.js';

/** Top-level fields every mapped type shares, applied before its own table. */
export const commonProperties: readonly PropertyMapping[] = [
  { to: 'location', from: 'location', convert: 'location' },
  { to: 'tags', from: 'tags' },
  { to: 'identity.type', from: 'identity[0].type' },
  { to: 'identity.userAssignedIdentities', from: 'identity[0].identity_ids', convert: 'keys-of-object' },
  { to: 'identity.principalId', from: 'identity[0].principal_id' },
  { to: 'identity.tenantId', from: 'identity[0].tenant_id' },
];
