import { isOpen, type Finding } from '../findings/index.js';
import { UNKNOWN_CAUSES, type UnknownCause } from '../model/index.js';

/** What to do about each cause: one line each, printed under the unknowns it explains (docs/findings-format.md lists the same). */
export const CAUSE_REMEDIES: Readonly<Record<UnknownCause, string>> = {
  'store-not-in-scan':
    'add the subscription holding the key vault, managed HSM or disk encryption set to the scan (--subscription, --management-group) or to the export',
  'keys-not-listed':
    "let the scanning identity list the store's keys (Microsoft.KeyVault/vaults/keys/read, in Reader), or include the keys in the export",
  'external-key-store':
    'the key is held outside Key Vault and Managed HSM, where keyscope cannot look: review it by hand, or record an exemption',
  'identity-unresolved':
    'attach the identity the encryption settings name to the resource, and scan a record that carries its principal id',
  'role-assignments-not-read':
    "read the vault's subscription with role assignments (Microsoft.Authorization/roleAssignments/read, in Reader; authorizationresources in an export)",
  'role-definition-unknown':
    'include the role definitions the assignments name (Microsoft.Authorization/roleDefinitions/read, in Reader; authorizationresources in an export)',
  'managed-hsm-local-rbac':
    "review the HSM's local role assignments by hand (az keyvault role assignment list --hsm-name <hsm>): Azure Resource Manager does not show them",
  'first-party-identity': "set the account's defaultIdentity to a user-assigned identity, whose grants keyscope can check",
  'deploy-time-value': 'known only once deployed: scan the deployed resources (--subscription, or an export) after the deployment',
  'parameter-missing': "give the template's parameter values with --parameters <file>",
  'enrichment-failed':
    "a Resource Manager call failed (see the scan's errors): check the scanning identity's read permissions and scan again",
  'unreadable-record':
    "a record was listed but could not be read (see the scan's errors): check the scanning identity's read permission on it and scan again",
};

/** The unknowns of one cause: how many, and a few of what they name (a store, a subscription, a template). */
export interface CauseGroup {
  cause: UnknownCause;
  count: number;
  examples: string[];
  remedy: string;
}

const EXAMPLES = 3;
const SUBSCRIPTION_IN_REASON = /subscription ([0-9a-f-]{36})/i;

/** What a finding's unknown names, for the examples of its cause. */
function subjectOf(finding: Finding, cause: UnknownCause): string | undefined {
  const item = finding.evidence.find((evidence) => evidence.state === 'unknown' && evidence.cause === cause);
  if (!item) return undefined;
  if (cause === 'role-assignments-not-read') return SUBSCRIPTION_IN_REASON.exec(item.reason ?? '')?.[1];
  if (cause === 'parameter-missing' || cause === 'deploy-time-value') return 'file' in finding.location ? finding.location.file : undefined;
  if (cause === 'store-not-in-scan' || cause === 'keys-not-listed' || cause === 'external-key-store')
    // The store: a key view is named `<host>/keys/<name>`.
    return item.related?.kind === 'identity' ? undefined : item.related?.id.replace(/\/keys\/.*$/, '');
  return undefined;
}

/** The open unknown findings grouped by cause, in the documented order of causes. */
export function unknownsByCause(findings: readonly Finding[]): CauseGroup[] {
  const groups = new Map<UnknownCause, { count: number; examples: Set<string> }>();
  for (const finding of findings) {
    if (finding.status !== 'unknown' || !isOpen(finding)) continue;
    const cause = finding.cause;
    if (!cause) continue;
    let group = groups.get(cause);
    if (!group) groups.set(cause, (group = { count: 0, examples: new Set() }));
    group.count++;
    if (group.examples.size <= EXAMPLES) {
      const subject = subjectOf(finding, cause);
      if (subject) group.examples.add(subject);
    }
  }
  return UNKNOWN_CAUSES.filter((cause) => groups.has(cause)).map((cause) => {
    const group = groups.get(cause)!;
    return { cause, count: group.count, examples: [...group.examples].sort(), remedy: CAUSE_REMEDIES[cause] };
  });
}

/** `e.g. a, b, c, ...`, or nothing. */
export function examplesText(group: CauseGroup): string {
  if (!group.examples.length) return '';
  const shown = group.examples.slice(0, EXAMPLES);
  return ` (e.g. ${shown.join(', ')}${group.examples.length > EXAMPLES ? ', ...' : ''})`;
}

/** The text report's unknown section: a heading, then one line per cause with its count and remedy. */
export function unknownSectionText(findings: readonly Finding[], heading: (text: string) => string): string {
  const groups = unknownsByCause(findings);
  if (!groups.length) return '';
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  const width = Math.max(...groups.map((group) => group.cause.length));
  let out = `\n${heading('Unknown')}  ${total} finding${total === 1 ? '' : 's'} could not be decided, by cause:\n`;
  for (const group of groups)
    out += `  ${group.cause.padEnd(width)}  ${String(group.count).padStart(6)}  ${group.remedy}${examplesText(group)}\n`;
  return out;
}

/** The Markdown report's unknown rows: one table row per cause. */
export function unknownSectionMarkdown(findings: readonly Finding[], cell: (text: string) => string): string[] {
  const groups = unknownsByCause(findings);
  if (!groups.length) return [];
  const lines = ['| cause | unknown findings | what to do |', '|---|---:|---|'];
  for (const group of groups) lines.push(`| \`${group.cause}\` | ${group.count} | ${cell(`${group.remedy}${examplesText(group)}`)} |`);
  return lines;
}
