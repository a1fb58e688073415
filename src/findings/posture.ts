import { POSTURE_MODELS, type PostureEntry, type PostureModel } from '../inventory/index.js';
import type { TypePosture } from './type-tally.js';

/** Data resources by key-management model. */
export type PostureCounts = Record<PostureModel, number>;

/** Which key-management model protects each data resource the scan read. */
export interface ResourcePosture {
  /** Across the scan. */
  totals: PostureCounts;
  /** By subscription id (lower-case); resources whose id names none (templates, plans) count under `none`. */
  bySubscription: Record<string, PostureCounts>;
  /** Every data resource, sorted by id. */
  resources: PostureEntry[];
}

/**
 * The resource posture, and what the catalog says of every other type the
 * scan met: `platform-only` types (encrypted under Azure's keys, no customer
 * key possible) and types no catalog file names (not assessed).
 */
export interface Posture extends ResourcePosture, TypePosture {}

export function emptyPostureCounts(): PostureCounts {
  return Object.fromEntries(POSTURE_MODELS.map((model) => [model, 0])) as PostureCounts;
}

/** Totals and per-subscription counts for the index's posture entries. */
export function summarizePosture(resources: PostureEntry[]): ResourcePosture {
  const totals = emptyPostureCounts();
  const bySubscription: Record<string, PostureCounts> = {};
  for (const entry of resources) {
    totals[entry.model]++;
    const key = entry.subscriptionId?.toLowerCase() ?? 'none';
    (bySubscription[key] ??= emptyPostureCounts())[entry.model]++;
  }
  const sorted: Record<string, PostureCounts> = {};
  for (const key of Object.keys(bySubscription).sort()) sorted[key] = bySubscription[key]!;
  return { totals, bySubscription: sorted, resources };
}
