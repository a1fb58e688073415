import { resourcesIn, type Posture, type PostureCounts, type TypeCount } from '../findings/index.js';

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

/** `3 types, 140 resources`: the size of a per-type list (`posture.notAssessed`, `posture.platformOnly`). */
export function typeCountLine(list: readonly TypeCount[]): string {
  const resources = resourcesIn(list);
  return `${list.length} type${list.length === 1 ? '' : 's'}, ${resources} resource${resources === 1 ? '' : 's'}`;
}

/** `a 120, b 15 and 3 more`: the first types of a per-type list (sorted by count) with their counts. */
export function typeCountList(list: readonly TypeCount[], shown = list.length): string {
  const head = list.slice(0, shown).map((entry) => `${entry.type} ${entry.count}`);
  return list.length > shown ? `${head.join(', ')} and ${list.length - shown} more` : head.join(', ');
}

/** `not assessed: 3 types, 140 resources (...): a 120, b 15, c 5`. */
export function notAssessedLine(list: readonly TypeCount[], shown: number): string {
  return `not assessed: ${typeCountLine(list)} (types the service catalog does not know): ${typeCountList(list, shown)}`;
}

/** `platform-only: 1 type, 4 resources (...): a 4`. */
export function platformOnlyLine(list: readonly TypeCount[], shown: number): string {
  return `platform-only: ${typeCountLine(list)} (encrypted under Azure's keys; the service offers no customer-managed key): ${typeCountList(list, shown)}`;
}

/** The per-type lines of the text and Markdown summaries, each when its list has types. */
export function typeListLines(posture: Posture, shown: number): string[] {
  const lines: string[] = [];
  if (posture.platformOnly.length) lines.push(platformOnlyLine(posture.platformOnly, shown));
  if (posture.notAssessed.length) lines.push(notAssessedLine(posture.notAssessed, shown));
  return lines;
}
