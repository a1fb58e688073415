import { TemplateError, Unknown } from './values.js';

/** A value with the text to show for it when it is not known (the expression as written). */
export interface Shown {
  value: string | Unknown;
  text: string;
}

/** Where a deployment puts its resources: a resource group, a subscription, a management group or the tenant. */
export interface DeploymentScope {
  kind: 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';
  subscriptionId?: Shown;
  resourceGroup?: Shown;
  managementGroup?: Shown;
}

/**
 * Stand-ins for what only the deployment command knows. Resource ids, and
 * names built with `uniqueString(resourceGroup().id)`, are computed from them.
 */
export const PLACEHOLDERS = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'keyscope-template-rg',
  managementGroup: 'keyscope-template-mg',
} as const;

const known = (text: string): Shown => ({ value: text, text });

/** The scope a top-level template deploys to, from its `$schema`. */
export function topLevelScope(schema: string | undefined): DeploymentScope {
  const lower = (schema ?? '').toLowerCase();
  if (lower.includes('subscriptiondeploymenttemplate')) return { kind: 'subscription', subscriptionId: known(PLACEHOLDERS.subscriptionId) };
  if (lower.includes('managementgroupdeploymenttemplate'))
    return { kind: 'managementGroup', managementGroup: known(PLACEHOLDERS.managementGroup) };
  if (lower.includes('tenantdeploymenttemplate')) return { kind: 'tenant' };
  return { kind: 'resourceGroup', subscriptionId: known(PLACEHOLDERS.subscriptionId), resourceGroup: known(PLACEHOLDERS.resourceGroup) };
}

/** The id of a scope, shown (unknown parts as written); '' for the tenant. */
export function scopeIdText(scope: DeploymentScope): string {
  switch (scope.kind) {
    case 'resourceGroup':
      return `/subscriptions/${scope.subscriptionId?.text ?? ''}/resourceGroups/${scope.resourceGroup?.text ?? ''}`;
    case 'subscription':
      return `/subscriptions/${scope.subscriptionId?.text ?? ''}`;
    case 'managementGroup':
      return `/providers/Microsoft.Management/managementGroups/${scope.managementGroup?.text ?? ''}`;
    case 'tenant':
      return '';
  }
}

/** The id of a scope as a template value: unknown when a part of it is. */
export function scopeIdValue(scope: DeploymentScope): string | Unknown {
  for (const part of [scope.subscriptionId, scope.resourceGroup, scope.managementGroup])
    if (part?.value instanceof Unknown) return part.value;
  return scopeIdText(scope);
}

/**
 * `Microsoft.KeyVault/vaults/keys` + [`kv`, `k1`] -> `Microsoft.KeyVault/vaults/kv/keys/k1`.
 * A name may carry several segments (`kv/k1`).
 */
export function typeAndNames(type: string, names: readonly string[], split = true): string {
  const typeSegments = type.split('/').filter((s) => s !== '');
  const nameSegments = split ? names.flatMap((name) => name.split('/')).filter((s) => s !== '') : names;
  if (typeSegments.length < 2) throw new TemplateError(`'${type}' is not a resource type (expected Namespace/type)`);
  if (nameSegments.length !== typeSegments.length - 1) {
    throw new TemplateError(
      `the resource type '${type}' needs ${typeSegments.length - 1} name segment${typeSegments.length === 2 ? '' : 's'}, got ${nameSegments.length} ('${names.join("', '")}')`,
    );
  }
  let text = typeSegments[0]!;
  for (let i = 1; i < typeSegments.length; i++) text += `/${typeSegments[i]}/${nameSegments[i - 1]}`;
  return text;
}

/** The id of a resource deployed at a scope; `split: false` keeps each name whole (an unknown name shown as written). */
export function resourceIdAt(scopeId: string, type: string, names: readonly string[], split = true): string {
  if (type.toLowerCase() === 'microsoft.resources/resourcegroups' && /^\/subscriptions\/[^/]+$/i.test(scopeId)) {
    return `${scopeId}/resourceGroups/${names.join('/')}`;
  }
  return `${scopeId}/providers/${typeAndNames(type, names, split)}`;
}
