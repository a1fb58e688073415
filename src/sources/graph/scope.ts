import type { ResourceManager } from './arm-client.js';

/** What a live scan covers. */
export type GraphScope =
  { kind: 'subscriptions'; ids: readonly string[] } | { kind: 'management-groups'; ids: readonly string[] } | { kind: 'tenant' };

/** Subscriptions: Subscriptions - List (Microsoft.Resources 2022-12-01). */
const SUBSCRIPTIONS_API = '2022-12-01';
/** Management group descendants: Management Groups - Get Descendants (Microsoft.Management 2021-04-01). */
const MANAGEMENT_GROUPS_API = '2021-04-01';
/** Subscription states whose resources are still readable; Disabled and Deleted ones are left out. */
const READABLE_STATES = new Set(['enabled', 'warned', 'pastdue']);

/** How the report names the scope (the source's target). */
export function scopeLabel(scope: GraphScope): string {
  switch (scope.kind) {
    case 'subscriptions':
      return scope.ids.length === 1 ? `/subscriptions/${scope.ids[0]}` : `${scope.ids.length} subscriptions`;
    case 'management-groups':
      return scope.ids.map((id) => `/providers/Microsoft.Management/managementGroups/${id}`).join(',');
    case 'tenant':
      return 'tenant';
  }
}

/** Distinct ids, lower-cased and sorted, so requests and reports come out the same every run. */
export function normalizeSubscriptions(ids: Iterable<string>): string[] {
  return [...new Set([...ids].map((id) => id.trim().toLowerCase()).filter(Boolean))].sort();
}

/**
 * The subscriptions a scope expects: given ones as they are; a tenant's
 * from Resource Manager's subscription list (what the identity can see); a
 * management group's from its descendants. These are the expected set that
 * Resource Graph's answers are checked against, and the requests are
 * batched from it, so the tenant-wide subscription limit never applies.
 */
export async function expectedSubscriptions(scope: GraphScope, arm: ResourceManager): Promise<string[]> {
  if (scope.kind === 'subscriptions') return normalizeSubscriptions(scope.ids);
  if (scope.kind === 'tenant') {
    const items = await arm.list('/subscriptions', SUBSCRIPTIONS_API);
    const ids: string[] = [];
    for (const item of items) {
      const record = item as { subscriptionId?: unknown; state?: unknown };
      const state = typeof record.state === 'string' ? record.state.toLowerCase() : 'enabled';
      if (typeof record.subscriptionId === 'string' && READABLE_STATES.has(state)) ids.push(record.subscriptionId);
    }
    return normalizeSubscriptions(ids);
  }
  const ids: string[] = [];
  for (const group of scope.ids) {
    const items = await arm.list(`/providers/Microsoft.Management/managementGroups/${group}/descendants`, MANAGEMENT_GROUPS_API);
    for (const item of items) {
      const record = item as { type?: unknown; name?: unknown };
      if (typeof record.type === 'string' && record.type.toLowerCase().endsWith('/subscriptions') && typeof record.name === 'string') {
        ids.push(record.name);
      }
    }
  }
  return normalizeSubscriptions(ids);
}

/** Splits a list into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
