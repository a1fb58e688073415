import path from 'node:path';
import { ConfigError, KeyscopeError, UsageError } from '../errors/index.js';
import { CompiledRule, Engine } from '../engine/index.js';
import {
  builtinRulesDir,
  loadRules,
  matchesGlob,
  ParameterOverrideError,
  parseParameterText,
  resolveParameters,
  type KeyscopeConfig,
  type ParameterOverride,
  type RuleDefinition,
} from '../rules/index.js';

/** Raised with every problem found while assembling the rule set (exit 2). */
export class RuleSetErrors extends Error {
  constructor(readonly errors: KeyscopeError[]) {
    super(`${errors.length} rule or configuration error(s)`);
  }
}

/** Loads the built-in pack and the configured and given rule folders. */
export function loadDefinitions(config: KeyscopeConfig, extraDirs: readonly string[], cwd: string): RuleDefinition[] {
  const locations = [...(config.builtinRules ? [builtinRulesDir] : []), ...config.rules, ...extraDirs.map((dir) => path.resolve(cwd, dir))];
  const { rules, errors } = loadRules(locations.map((location) => displayPath(location, cwd)));
  if (errors.length) throw new RuleSetErrors(errors);
  return rules;
}

function displayPath(location: string, cwd: string): string {
  const relative = path.relative(cwd, location);
  return relative && !relative.startsWith('..') ? relative : location;
}

/** Applies the configuration's include/exclude globs. */
export function selectDefinitions(definitions: readonly RuleDefinition[], config: KeyscopeConfig): RuleDefinition[] {
  return definitions.filter(
    (rule) =>
      (config.include.length === 0 || config.include.some((glob) => matchesGlob(rule.id, glob))) &&
      !config.exclude.some((glob) => matchesGlob(rule.id, glob)),
  );
}

/** Turns `--param rule.id.name=value` into an override (the rule id may contain dots). */
export function parseParamFlag(flag: string, definitions: readonly RuleDefinition[]): ParameterOverride {
  const eq = flag.indexOf('=');
  const key = eq < 0 ? flag : flag.slice(0, eq);
  const dot = key.lastIndexOf('.');
  if (eq < 0 || dot <= 0) {
    throw new UsageError(
      `--param '${flag}' is not of the form rule.id.parameter=value`,
      'example: --param key.rsa-minimum-size.minimumBits=3072',
    );
  }
  const ruleId = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const text = flag.slice(eq + 1);
  const spec = definitions.find((rule) => rule.id === ruleId)?.parameters?.[name];
  return { ruleId, name, value: spec ? parseParameterText(spec, text) : text, origin: '--param' };
}

/** Compiles the selected rules with their parameters; every error is collected. */
export function buildEngine(definitions: readonly RuleDefinition[], overrides: readonly ParameterOverride[]): Engine {
  if (definitions.length === 0) {
    throw new RuleSetErrors([
      new ConfigError('no rules selected: a scan with no rules proves nothing', { hint: 'check include/exclude in keyscope.yaml' }),
    ]);
  }
  let values;
  try {
    values = resolveParameters(definitions, overrides);
  } catch (error) {
    if (error instanceof ParameterOverrideError) {
      const origin = error.override.origin;
      const match = /^(.*):(\d+):(\d+)$/.exec(origin);
      throw new RuleSetErrors([
        new ConfigError(error.message, match ? { position: { file: match[1]!, line: Number(match[2]), column: Number(match[3]) } } : {}),
      ]);
    }
    throw error;
  }
  const sorted = [...definitions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const compiled: CompiledRule[] = [];
  const errors: KeyscopeError[] = [];
  sorted.forEach((definition) => {
    try {
      compiled.push(new CompiledRule(definition, values.get(definition.id) ?? {}, compiled.length));
    } catch (error) {
      if (error instanceof KeyscopeError) errors.push(error);
      else throw error;
    }
  });
  if (errors.length) throw new RuleSetErrors(errors);
  return new Engine(compiled);
}
