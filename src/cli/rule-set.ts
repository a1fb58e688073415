import path from 'node:path';
import { ConfigError, formatPosition, KeyscopeError, RuleLoadError, UsageError } from '../errors/index.js';
import { CompiledRule, Engine, type Applicability } from '../engine/index.js';
import {
  applicabilityByRule,
  builtinRulesDir,
  isProfilePath,
  loadRules,
  matchesGlob,
  ParameterOverrideError,
  parseParameterText,
  ProfileCatalog,
  resolveParameters,
  resolveProfile,
  type KeyscopeConfig,
  type ParameterOverride,
  type ParameterValues,
  type ProfileApplicability,
  type ProfileDeclaration,
  type ResolvedProfile,
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

/**
 * The profile a run uses: `--profile` (a built-in name, a name from
 * keyscope.yaml, or a profile file), else the configuration's `profile:`
 * (unless `useConfigDefault` is false), else none. An unknown name is a
 * usage error with the names there are.
 */
export function chooseProfile(
  config: KeyscopeConfig,
  flag: string | undefined,
  definitions: readonly RuleDefinition[],
  cwd: string,
  useConfigDefault = true,
): ResolvedProfile | undefined {
  const fromConfig = flag === undefined && useConfigDefault ? config.profile : undefined;
  const reference = flag ?? fromConfig?.name;
  if (reference === undefined) return undefined;
  const catalog = new ProfileCatalog(config.profiles, cwd);
  let declaration: ProfileDeclaration | undefined;
  if (isProfilePath(reference)) {
    declaration = catalog.readFile(path.resolve(fromConfig ? fromConfig.base : cwd, reference));
  } else {
    declaration = catalog.find(reference);
    if (!declaration) {
      const hint = `${catalog.hint(reference)} (or give a profile file's path)`;
      if (fromConfig) throw new ConfigError(`profile '${reference}' is not a profile`, { position: fromConfig.position, hint });
      throw new UsageError(`--profile '${reference}' is not a profile`, hint);
    }
  }
  return resolveProfile(declaration, catalog, definitions);
}

/** The loaded rules a profile selects (all of them without a profile). */
export function profileDefinitions(definitions: readonly RuleDefinition[], profile: ResolvedProfile | undefined): RuleDefinition[] {
  return profile ? definitions.filter((rule) => profile.ruleIds.has(rule.id)) : [...definitions];
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

/** What else `buildEngine` takes. */
export interface EngineOptions {
  /**
   * Every loaded rule, selected or not. Overrides are checked against these
   * (an unknown rule or a bad value is an error) and those of rules the
   * selection leaves out are then ignored. Default: the selected rules.
   */
  loaded?: readonly RuleDefinition[];
  /** A profile's applicability entries: each rule applies only where all those naming it hold. */
  applicability?: readonly ProfileApplicability[];
}

/** Compiles the selected rules with their parameters; every error is collected. */
export function buildEngine(
  definitions: readonly RuleDefinition[],
  overrides: readonly ParameterOverride[],
  options: EngineOptions = {},
): Engine {
  if (definitions.length === 0) {
    throw new RuleSetErrors([
      new ConfigError('no rules selected: a scan with no rules proves nothing', {
        hint: 'check include/exclude in keyscope.yaml and the profile',
      }),
    ]);
  }
  const values = parameterValues(options.loaded ?? definitions, overrides);
  const applicability = applicabilityByRule(options.applicability ?? [], definitions);
  const sorted = [...definitions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const compiled: CompiledRule[] = [];
  const errors: KeyscopeError[] = [];
  // A bad applicability condition fails every rule it names: one error per place, naming the rules.
  const inProfiles = new Map<string, { error: KeyscopeError; rules: string[] }>();
  sorted.forEach((definition) => {
    try {
      compiled.push(compileRule(definition, values.get(definition.id) ?? {}, compiled.length, applicability.get(definition.id) ?? []));
    } catch (error) {
      if (!(error instanceof KeyscopeError)) throw error;
      if (error.position?.file === undefined || error.position.file === definition.source.file) {
        errors.push(error);
        return;
      }
      const key = `${formatPosition(error.position)} ${error.message}`;
      const seen = inProfiles.get(key);
      if (seen) seen.rules.push(definition.id);
      else inProfiles.set(key, { error, rules: [definition.id] });
    }
  });
  for (const { error, rules } of inProfiles.values()) {
    const which = rules.length === 1 ? `rule ${rules[0]}` : `rules ${rules[0]} and ${rules.length - 1} more`;
    errors.push(
      new KeyscopeError(error.code, `${error.message} (applicability of ${which})`, {
        ...(error.position ? { position: error.position } : {}),
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      }),
    );
  }
  if (errors.length) throw new RuleSetErrors(errors);
  return new Engine(compiled);
}

/**
 * Compiles one rule with the applicability entries naming it ANDed into its
 * `where`. Several entries are compiled as one `allOf`; if that fails, each
 * is compiled alone so that the error points into the entry at fault.
 */
function compileRule(
  definition: RuleDefinition,
  values: ParameterValues,
  index: number,
  entries: readonly ProfileApplicability[],
): CompiledRule {
  const single = (entry: ProfileApplicability): Applicability => ({ condition: entry.condition, source: entry.source, at: entry.at });
  if (entries.length <= 1) return new CompiledRule(definition, values, index, entries[0] && single(entries[0]));
  const first = entries[0]!;
  try {
    return new CompiledRule(definition, values, index, {
      condition: { allOf: entries.map((entry) => entry.condition) },
      source: first.source,
      at: first.at,
    });
  } catch (error) {
    if (error instanceof RuleLoadError) for (const entry of entries) new CompiledRule(definition, values, index, single(entry));
    throw error;
  }
}

function parameterValues(rules: readonly RuleDefinition[], overrides: readonly ParameterOverride[]): Map<string, ParameterValues> {
  try {
    return resolveParameters(rules, overrides);
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
}
