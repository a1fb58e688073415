import type { Posture, PostureCounts } from '../findings/index.js';

/** How reports name each key-management model, in the order they list them. */
export const MODEL_LABELS: readonly [keyof PostureCounts, string][] = [
  ['platform-managed', 'platform-managed'],
  ['customer-managed-key-vault', 'CMK in Key Vault'],
  ['customer-managed-managed-hsm', 'CMK in Managed HSM'],
  ['host-your-own', 'host-your-own'],
  ['undetermined', 'undetermined'],
];

/** `3 platform-managed keys · 2 CMK in Key Vault ...`, leaving out models with no resources. */
export function postureLine(counts: PostureCounts): string {
  const parts = MODEL_LABELS.filter(([model]) => counts[model] > 0).map(([model, label]) => `${counts[model]} ${label}`);
  return parts.length ? parts.join(' · ') : 'none';
}

/** Data resources counted in a posture. */
export function postureTotal(posture: Posture): number {
  return MODEL_LABELS.reduce((sum, [model]) => sum + posture.totals[model], 0);
}
