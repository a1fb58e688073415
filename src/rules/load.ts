import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeyscopeError, RuleLoadError } from '../errors/index.js';
import { serviceCatalog } from '../catalog/index.js';
import { packageRoot } from '../package.js';
import { expandFromCatalog, type WrittenRule } from './catalog-expansion.js';
import { parameterProblem } from './parameters.js';
import { cachedRule } from './rule-cache.js';
import { validateSource } from './schema-validation.js';
import type { RuleDefinition } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/** The built-in rule pack's folder. */
export const builtinRulesDir = path.join(packageRoot, 'rules');

/** The built-in profiles (rules/profiles/*.yaml): profiles, not rules, so the rule walk skips them. */
export const builtinProfilesDir = path.join(builtinRulesDir, 'profiles');

/** The rules that loaded, and an error for every file (or node) that did not. */
export interface LoadedRules {
  rules: RuleDefinition[];
  errors: KeyscopeError[];
}

/**
 * Loads every `*.yaml`/`*.yml` under the given folders (or files), in a
 * stable order. A bad file never stops the others from being read: all
 * problems are returned together so a user fixes them in one pass.
 */
export function loadRules(locations: readonly string[], options: { useCache?: boolean } = {}): LoadedRules {
  const useCache = options.useCache ?? true;
  const files = locations.flatMap((location) => listRuleFiles(location));
  const rules: RuleDefinition[] = [];
  const errors: KeyscopeError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      errors.push(new RuleLoadError(`cannot read rule file: ${(cause as Error).message}`, { file }));
      continue;
    }
    try {
      const rule = (useCache ? cachedRule(file, text) : undefined) ?? parseRule(file, text);
      const earlier = seen.get(rule.id);
      if (earlier) {
        const at = rule.source.positionOf(['id']);
        errors.push(new RuleLoadError(`duplicate rule id '${rule.id}' (also in ${earlier})`, { file, ...at }));
        continue;
      }
      seen.set(rule.id, file);
      rules.push(rule);
    } catch (error) {
      if (error instanceof AggregateRuleErrors) errors.push(...error.errors);
      else if (error instanceof KeyscopeError) errors.push(error);
      else throw error;
    }
  }
  return { rules, errors };
}

function listRuleFiles(location: string): string[] {
  let stat;
  try {
    stat = statSync(location);
  } catch {
    throw new KeyscopeError('config-invalid', `rules folder or file not found: ${location}`);
  }
  if (stat.isFile()) return [location];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path.resolve(full) !== builtinProfilesDir) walk(full);
      } else if (/\.ya?ml$/i.test(entry.name) && !entry.name.startsWith('profile.')) found.push(full);
    }
  };
  walk(location);
  return found;
}

class AggregateRuleErrors extends Error {
  constructor(readonly errors: KeyscopeError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

/** Parses and validates one rule file's text. Throws RuleLoadError(s) with positions. */
export function parseRule(file: string, text: string): RuleDefinition {
  const source = parseYamlSource(file, text, 'rule-invalid');
  const schemaErrors = validateSource(source, 'rule.schema.json', 'rule-invalid');
  if (schemaErrors.length) throw new AggregateRuleErrors(schemaErrors);
  const written = source.data as WrittenRule;
  let data: Omit<RuleDefinition, 'source'>;
  try {
    data = expandFromCatalog(written, serviceCatalog(), file, (p) => source.positionOf(p));
  } catch (error) {
    if (error instanceof KeyscopeError) throw new AggregateRuleErrors([error]);
    throw error;
  }
  const problems: KeyscopeError[] = [];
  for (const [name, spec] of Object.entries(data.parameters ?? {})) {
    const problem = parameterProblem(spec, spec.default);
    if (problem) {
      const at = source.positionOf(['parameters', name, 'default']);
      problems.push(new RuleLoadError(`parameter '${name}' default: ${problem}`, { file, ...at }));
    }
  }
  if (problems.length) throw new AggregateRuleErrors(problems);
  return { ...data, source: { file, positionOf: (p) => source.positionOf(p) } };
}
