import { canonicalizePathText, isUnknownPath } from './path.js';

/**
 * Why something is unknown, in a word a program can read: a closed list,
 * documented with a remedy each in docs/findings-format.md and an enum in
 * schemas/findings.schema.json.
 */
export const UNKNOWN_CAUSES = [
  /** The key vault, managed HSM or disk encryption set a reference names is in no subscription the scan read. */
  'store-not-in-scan',
  /** The key store is in the scan, its keys were not read. */
  'keys-not-listed',
  /** The key is held outside Key Vault and Managed HSM, where keyscope cannot look. */
  'external-key-store',
  /** The identity the service unwraps with cannot be named from its record. */
  'identity-unresolved',
  /** The role assignments of the vault's subscription were not read. */
  'role-assignments-not-read',
  /** An assignment names a role whose definition was not read or cannot be evaluated. */
  'role-definition-unknown',
  /** Managed HSM grants key access through its local RBAC, which Azure Resource Manager does not show. */
  'managed-hsm-local-rbac',
  /** Cosmos DB's first-party identity, whose object id differs per tenant. */
  'first-party-identity',
  /** A template or plan value only known once it is deployed (`reference()`, `after_unknown`). */
  'deploy-time-value',
  /** A template parameter with no value and no default. */
  'parameter-missing',
  /** A Resource Manager call that adds to a Resource Graph record failed. */
  'enrichment-failed',
  /** A record could be listed but not read in full. */
  'unreadable-record',
] as const;
export type UnknownCause = (typeof UNKNOWN_CAUSES)[number];

/** Why a record's unknown paths are unknown when the source says no more, by where it came from. */
const CAUSE_BY_ORIGIN: Readonly<Record<string, UnknownCause>> = {
  arm: 'deploy-time-value',
  terraform: 'deploy-time-value',
  example: 'deploy-time-value',
  // A deployed record has unknown paths only where keyscope's own calls failed (a live scan, or its export).
  export: 'enrichment-failed',
  graph: 'enrichment-failed',
};

/**
 * Why a path of a record (canonical; none: the record as a whole) is
 * unknown: the cause its source gave for the unknown path that covers it
 * (`unknownCauses`), else the cause its origin implies.
 */
export function unknownCauseOf(
  resource: {
    readonly origin?: { readonly kind: string } | undefined;
    readonly unknownCauses?: Readonly<Record<string, UnknownCause>> | undefined;
  },
  path?: string,
): UnknownCause {
  const causes = resource.unknownCauses;
  if (causes) {
    for (const written of Object.keys(causes)) {
      if (path === undefined || isUnknownPath([canonicalizePathText(written)], path)) return causes[written]!;
    }
  }
  return CAUSE_BY_ORIGIN[resource.origin?.kind ?? 'arm'] ?? 'deploy-time-value';
}
