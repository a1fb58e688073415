/**
 * Everything `npm run docs` writes, rendered from the service catalog and the
 * built-in rules: whole generated pages (the rules index, the service
 * coverage page) and the generated blocks of hand-written pages (service
 * tables, the Terraform mapping, each rule page's header and body). A block
 * sits between `<!-- generated:NAME -->` and `<!-- end generated -->`; the
 * prose around it is never touched. A test fails when anything committed
 * differs from what this renders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceCatalog, type KeyReferenceSpec } from '../src/catalog/index.js';
import { renderCoverageMarkdown } from '../src/cli/coverage-command.js';
import { describeCondition } from '../src/cli/rules-command.js';
import { packageRoot } from '../src/package.js';
import { ATTACH_ENRICHMENTS } from '../src/sources/graph/enrichments.js';
import { tableOf } from '../src/sources/graph/plan.js';
import { builtinRulesDir, loadRules, type Condition, type RuleDefinition, type RuleExample } from '../src/rules/index.js';
import { renderRulesIndex } from './rules-index-render.js';
import { withMappingTables } from './terraform-docs-render.js';

const END = '<!-- end generated -->';
const begin = (name: string): string => `<!-- generated:${name} -->`;
const code = (text: string): string => `\`${text}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A document with each named block's content replaced; a block it lacks is an error naming the file. */
export function withBlocks(file: string, document: string, blocks: Readonly<Record<string, string>>): string {
  let text = document;
  for (const [name, content] of Object.entries(blocks)) {
    const start = text.indexOf(begin(name));
    const end = start < 0 ? -1 : text.indexOf(END, start);
    if (start < 0 || end < 0) throw new Error(`${file} has no ${begin(name)} ... ${END} block`);
    text = `${text.slice(0, start + begin(name).length)}\n${content.trim()}\n${text.slice(end)}`;
  }
  return text;
}

let rulesCache: RuleDefinition[] | undefined;

/** The built-in rules, sorted by id (parsed, not from the bundle: the docs follow the files). */
export function builtinRules(): RuleDefinition[] {
  if (!rulesCache) {
    const { rules, errors } = loadRules([builtinRulesDir], { useCache: false });
    if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
    rulesCache = rules.sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  return rulesCache;
}

const relativeFile = (file: string): string => path.relative(packageRoot, file).split(path.sep).join('/');

// ---- the service catalog's tables ----------------------------------------------------------------

function locator(reference: KeyReferenceSpec): string {
  const within = reference.each ? `each ${code(reference.each)}: ` : '';
  const key = reference.key;
  if ('uri' in key) return `${within}${code(key.uri)}`;
  if ('encryptionSet' in key) return `${within}${code(key.encryptionSet)}, then the set's key`;
  return `${within}${[key.vaultUri, key.name, ...(key.version ? [key.version] : [])].map(code).join(', ')}`;
}

const FORMS = { resourceId: 'resource id', clientId: 'client id', cosmosDefaultIdentity: 'Cosmos DB `defaultIdentity`' } as const;

function identity(reference: KeyReferenceSpec): string {
  if (reference.identity) return `${code(reference.identity.path)} (${FORMS[reference.identity.form]})`;
  return 'key' in reference && 'encryptionSet' in reference.key ? "the disk encryption set's" : 'system-assigned';
}

function inForce(reference: KeyReferenceSpec): string {
  return reference.when ? `${code(reference.when.path)} is ${reference.when.in.map(code).join(' or ')}` : 'the key is named';
}

/** docs/key-management-models.md: where each service names its key. */
export function renderKeyReferenceTable(): string {
  let text = '| resource type | `relation.service` | key reference | in force when | identity that unwraps |\n|---|---|---|---|---|\n';
  for (const entry of serviceCatalog().keyConsumers()) {
    for (const reference of entry.keyReferences ?? []) {
      text += `| ${code(entry.key)} | ${code(entry.service.service)} | ${cell(locator(reference))} | ${cell(inForce(reference))} | ${cell(identity(reference))} |\n`;
    }
  }
  return text;
}

/** The fields a condition reads of the resource itself (not of relations or related records). */
function ownFields(condition: Condition | undefined, into: Set<string>): Set<string> {
  if (!condition || condition.related) return into;
  for (const child of [...(condition.allOf ?? []), ...(condition.anyOf ?? []), ...(condition.not ? [condition.not] : [])])
    ownFields(child, into);
  const field = condition.count?.field ?? condition.field;
  // A template's apiVersion is no Resource Graph column; relations are the index's.
  if (field && !field.startsWith('relation.') && !['type', 'name', 'apiVersion'].includes(field)) into.add(field);
  // Fields inside a count's where are written in full (properties.accessPolicies[*].permissions.keys[*]).
  if (condition.count?.where) ownFields(condition.count.where, into);
  return into;
}

/** Types Resource Graph holds (keys of vaults and managed HSMs come from Resource Manager). */
const inResourceGraph = (type: string): boolean => !type.endsWith('/keys');

/** docs/data-sources.md: the Resource Graph types, the rules that read them and what those rules read. */
export function renderResourceGraphTable(): string {
  const rows = new Map<string, { rules: string[]; fields: Set<string> }>();
  for (const rule of builtinRules()) {
    const fields = ownFields(rule.assert, ownFields(rule.where, new Set()));
    if (!fields.size) continue;
    for (const type of rule.resource.filter(inResourceGraph)) {
      // What Resource Manager adds (a SQL server's TDE protector) has its own section.
      const attached = new Set(ATTACH_ENRICHMENTS.filter((e) => e.type === type).flatMap((e) => e.provides.map((p) => p.toLowerCase())));
      const read = [...fields].filter((field) => !attached.has(field.toLowerCase()));
      if (!read.length) continue;
      const row = rows.get(type) ?? { rules: [], fields: new Set() };
      row.rules.push(rule.id);
      read.forEach((field) => row.fields.add(field));
      rows.set(type, row);
    }
  }
  let text = '| type | rules | properties read |\n|---|---|---|\n';
  for (const [type, row] of [...rows].sort(([a], [b]) => (a < b ? -1 : 1))) {
    text += `| ${code(type)} | ${row.rules.join(', ')} | ${[...row.fields].sort().map(code).join(', ')} |\n`;
  }
  return text;
}

/** docs/inputs.md: the Resource Graph query that exports every type a built-in rule reads. */
export function renderExportQuery(): string {
  const read = new Set(builtinRules().flatMap((rule) => rule.resource));
  const types = serviceCatalog()
    .entries.map((entry) => entry.key)
    .filter((type) => read.has(type) && inResourceGraph(type));
  // One command per Resource Graph table: a `resources` query never returns what another table keeps (Elastic SAN volume groups).
  const byTable = new Map<string, string[]>();
  for (const type of types) byTable.set(tableOf(type), [...(byTable.get(tableOf(type)) ?? []), type]);
  const commands = [...byTable].map(
    ([table, inTable]) =>
      `az graph query -q "${table} | where type in~ (${inTable.map((t) => `'${t}'`).join(', ')})" \\\n  --first 1000 -o json > ${table === 'resources' ? 'inventory' : `inventory-${table}`}.json`,
  );
  return `\`\`\`sh\n${commands.join('\n')}\n\`\`\``;
}

/** docs/services.md: the catalog, type by type, as `keyscope rules coverage --format markdown` prints it. */
export function renderServicesPage(): string {
  return renderCoverageMarkdown(serviceCatalog());
}

// ---- rule pages ------------------------------------------------------------------------------------

function parametersCell(rule: RuleDefinition): string {
  const entries = Object.entries(rule.parameters ?? {});
  if (!entries.length) return 'none';
  return entries
    .map(([name, spec]) => `${code(name)} (${spec.type}, default ${code(JSON.stringify(spec.default))}): ${spec.description}`)
    .join('<br>');
}

function typesCell(rule: RuleDefinition): string {
  const types = rule.resource.map(code).join(', ');
  return rule.resourceSet ? `every type of the ${code(rule.resourceSet)} set of the [service catalog](../services.md): ${types}` : types;
}

/** The header block of a rule page: title, the facts table, the description. */
export function renderRuleHeader(rule: RuleDefinition): string {
  const file = relativeFile(rule.source.file);
  return [
    `# ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    '| | |',
    '|---|---|',
    `| Severity | ${rule.severity} |`,
    `| Resource types | ${typesCell(rule)} |`,
    `| Applies when | ${rule.where ? cell(code(describeCondition(rule.where))) : 'always'} |`,
    `| Parameters | ${cell(parametersCell(rule))} |`,
    `| Rule file | [${code(file)}](../../${file}) |`,
    '',
    rule.description.trim(),
  ].join('\n');
}

const OUTCOMES = [
  ['pass', 'Passes'],
  ['fail', 'Fails'],
  ['unknown', 'Unknown'],
  ['notApplicable', 'Not applicable'],
] as const;

/** An example's resource as the rule sees it: an example without a type has the rule's first. */
function exampleJson(rule: RuleDefinition, example: RuleExample): string {
  const resource = 'type' in example.resource ? example.resource : { type: rule.resource[0], ...example.resource };
  return `\`\`\`json\n${JSON.stringify(resource, null, 2)}\n\`\`\``;
}

function policyTitle(id: string): string | undefined {
  for (const entry of serviceCatalog().entries) {
    const policy = entry.policies?.find((p) => p.id === id);
    if (policy) return policy.title;
  }
  return undefined;
}

/** The body block of a rule page: why, how to fix, examples by outcome, references. */
export function renderRuleBody(rule: RuleDefinition): string {
  const parts = ['## Why it matters', '', rule.rationale.trim(), '', '## How to fix', ''];
  if (rule.remediation.summary) parts.push(rule.remediation.summary.trim(), '');
  const fixes: [string, string | undefined, string][] = [
    ['Azure CLI', rule.remediation.az, 'sh'],
    ['Bicep', rule.remediation.bicep, 'bicep'],
    ['ARM', rule.remediation.arm, 'json'],
    ['Terraform', rule.remediation.terraform, 'hcl'],
  ];
  for (const [title, snippet, language] of fixes) {
    if (snippet) parts.push(`### ${title}`, '', `\`\`\`${language}`, snippet.trimEnd(), '```', '');
  }
  parts.push('## Examples', '', "From the rule file's `examples` (`keyscope rules test` runs every one).", '');
  for (const [outcome, title] of OUTCOMES) {
    const examples = rule.examples[outcome] ?? [];
    if (!examples.length) continue;
    parts.push(`**${title}**`, '', ...examples.map((example) => `- ${example.name}`), '');
    if (outcome === 'pass' || outcome === 'fail') parts.push(exampleJson(rule, examples[0]!), '');
  }
  parts.push('## References', '');
  for (const reference of rule.references) {
    if (reference.policy) {
      const title = reference.title ?? policyTitle(reference.policy);
      parts.push(`- Azure Policy built-in ${code(reference.policy)}${title ? `: _${title}_` : ''}`);
    } else if (reference.mcsb)
      parts.push(`- Microsoft cloud security benchmark ${reference.mcsb}${reference.title ? `: ${reference.title}` : ''}`);
    else if (reference.url) parts.push(`- [${reference.title ?? reference.url}](${reference.url})`);
  }
  return parts.join('\n');
}

// ---- every output ----------------------------------------------------------------------------------

const docs = (...parts: string[]): string => path.join(packageRoot, 'docs', ...parts);

/** Each file `npm run docs` writes, with the content it should have now (read from the committed files for the blocks). */
export function renderDocs(): Map<string, string> {
  const out = new Map<string, string>();
  const read = (file: string): string => readFileSync(file, 'utf8');
  out.set(docs('rules', 'README.md'), renderRulesIndex(builtinRules()));
  out.set(docs('services.md'), renderServicesPage());
  out.set(docs('terraform.md'), withMappingTables(read(docs('terraform.md'))));
  out.set(
    docs('key-management-models.md'),
    withBlocks('docs/key-management-models.md', read(docs('key-management-models.md')), { 'key-references': renderKeyReferenceTable() }),
  );
  out.set(
    docs('data-sources.md'),
    withBlocks('docs/data-sources.md', read(docs('data-sources.md')), { 'resource-graph': renderResourceGraphTable() }),
  );
  out.set(docs('inputs.md'), withBlocks('docs/inputs.md', read(docs('inputs.md')), { 'export-query': renderExportQuery() }));
  for (const rule of builtinRules()) {
    const file = docs('rules', `${rule.id}.md`);
    out.set(file, withBlocks(`docs/rules/${rule.id}.md`, read(file), { header: renderRuleHeader(rule), body: renderRuleBody(rule) }));
  }
  return out;
}
