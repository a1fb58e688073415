/**
 * Build step: parses and validates the built-in rule pack once and writes
 * `dist/rules.bundle.json` (content hash -> rule data), so a scan does not
 * pay for YAML parsing and schema compilation at every start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinRulesDir, loadRules } from '../src/rules/index.js';
import { contentHash, RULE_BUNDLE, type RuleData } from '../src/rules/rule-cache.js';

const { rules, errors } = loadRules([builtinRulesDir], { useCache: false });
if (errors.length) {
  for (const error of errors) console.error(`${error.position?.file}:${error.position?.line}:${error.position?.column}  ${error.message}`);
  process.exit(2);
}
const entries: Record<string, RuleData> = {};
for (const { source, ...data } of rules) entries[contentHash(readFileSync(source.file, 'utf8'))] = data;
writeFileSync(RULE_BUNDLE, JSON.stringify(entries));
console.log(`bundled ${rules.length} built-in rules into ${RULE_BUNDLE}`);
