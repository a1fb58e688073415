import { builtinRulesDir, loadRules } from '../src/rules/index.js';

/** The Markdown index of the built-in rules, grouped by area. */
export function renderRulesIndex(): string {
  const { rules } = loadRules([builtinRulesDir], { useCache: false });
  rules.sort((a, b) => (a.id < b.id ? -1 : 1));
  const areas: Record<string, string> = {
    keyvault: 'Key Vault',
    managedhsm: 'Managed HSM',
    key: 'Keys (Key Vault and Managed HSM)',
    cmk: 'Customer-managed keys on data services',
    keystore: 'Key stores (Key Vault, Managed HSM, Dedicated, Payment and Cloud HSM)',
  };
  let text = '# Built-in rules\n\n';
  text += "Rule ids are part of keyscope's public contract: they never change meaning and are never reused.\n";
  text += 'Each page says what the rule checks, why, how to fix it (Azure CLI, Bicep, ARM, Terraform), examples and references.\n';
  for (const [area, title] of Object.entries(areas)) {
    const inArea = rules.filter((rule) => rule.id.startsWith(`${area}.`));
    if (!inArea.length) continue;
    text += `\n## ${title}\n\n| rule | severity | applies to | checks |\n|---|---|---|---|\n`;
    for (const rule of inArea) {
      const policies = rule.references.filter((r) => r.policy).map((r) => r.policy!.slice(0, 8));
      text += `| [\`${rule.id}\`](${rule.id}.md) | ${rule.severity} | ${rule.resource.map((t) => `\`${t}\``).join(', ')} | ${rule.title}${policies.length ? ` (Azure Policy ${policies.join(', ')})` : ''} |\n`;
    }
  }
  return text;
}
