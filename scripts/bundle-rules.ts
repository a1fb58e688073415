/**
 * Build step: parses and validates the built-in rule pack once and writes
 * `dist/rules.bundle.json` (content hash -> rule data), so a scan does not
 * pay for YAML parsing and schema compilation at every start. Then checks
 * the built-in profiles against those rules (`dist/profiles.bundle.json`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatPosition, type KeyscopeError } from '../src/errors/index.js';
import { builtinRulesDir, bundleProfiles, ConfigErrors, loadRules } from '../src/rules/index.js';
import { contentHash, RULE_BUNDLE, type RuleBundle, type RuleData } from '../src/rules/rule-cache.js';
import { serviceCatalog } from '../src/catalog/index.js';

const { rules, errors } = loadRules([builtinRulesDir], { useCache: false });
if (errors.length) {
  for (const error of errors) console.error(`${error.position?.file}:${error.position?.line}:${error.position?.column}  ${error.message}`);
  process.exit(2);
}
const entries: Record<string, RuleData> = {};
for (const { source, ...data } of rules) entries[contentHash(readFileSync(source.file, 'utf8'))] = data;
const bundle: RuleBundle = { catalog: serviceCatalog().fingerprint, rules: entries };
writeFileSync(RULE_BUNDLE, JSON.stringify(bundle));
console.log(`bundled ${rules.length} built-in rules into ${RULE_BUNDLE}`);
// The built-in profiles (rules/profiles) must validate and resolve against the built-in rules.
try {
  console.log(`checked ${bundleProfiles(rules).length} built-in profiles`);
} catch (error) {
  const all = error instanceof ConfigErrors ? error.errors : [error as KeyscopeError];
  for (const e of all) console.error(`${formatPosition(e.position)}  ${e.message}`);
  process.exit(2);
}
