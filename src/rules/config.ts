import type { ServiceClass } from '../catalog/index.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, KeyscopeError } from '../errors/index.js';
import { wildcardPattern } from '../model/index.js';
import type { ParameterOverride } from './parameters.js';
import { validateSource } from './schema-validation.js';
import type { Condition, DocumentPath, Severity } from './types.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/** The file keyscope looks for in the working folder when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = 'keyscope.yaml';

/** `keyscope.yaml`, validated, with paths resolved against its folder. */
export interface KeyscopeConfig {
  file: string | undefined;
  rules: string[];
  builtinRules: boolean;
  include: string[];
  exclude: string[];
  parameters: ParameterOverride[];
  failOn: Severity | 'none' | undefined;
  /** An exemptions file named by the configuration (absolute path). */
  exemptionsFile: string | undefined;
  /** Exemptions written in the configuration itself, each with its `file:line:col`. */
  exemptions: { entry: Record<string, unknown>; origin: string }[];
  /** The profile scans use when `--profile` is not given (`profile:`). */
  profile: ProfileChoice | undefined;
  /** Profiles defined in the configuration (`profiles:`), in the order written. */
  profiles: ProfileDeclaration[];
}

/** `profile:` in keyscope.yaml: a profile name, or a path resolved against the configuration's folder. */
export interface ProfileChoice {
  name: string;
  /** The configuration's folder, for a path. */
  base: string;
  /** Where it is written, for errors. */
  position: { file: string; line: number; column: number };
}

/**
 * Rules chosen by what they are: `class`, every rule the service catalog
 * names for types of those classes; `tags`, every rule with one of the tags.
 * Both: rules that meet both.
 */
export interface RuleSelector {
  class?: ServiceClass | ServiceClass[];
  tags?: string[];
}

/** Rule id globs, or a selector. */
export type RuleChoice = string[] | RuleSelector;

/** A profile as written (schemas/profile.schema.json), without its name. */
export interface ProfileSpec {
  description?: string;
  extends?: string;
  include?: RuleChoice;
  exclude?: RuleChoice;
  parameters?: Record<string, Record<string, unknown>>;
  applicability?: { rules: RuleChoice; where: Condition }[];
  inheritApplicability?: boolean;
}

/** A profile written in keyscope.yaml, in a profile file, or shipped in `rules/profiles/`. */
export interface ProfileDeclaration {
  name: string;
  spec: ProfileSpec;
  /** Where it is written: `builtin` (rules/profiles), `config` (keyscope.yaml `profiles:`) or `file` (--profile PATH). */
  kind: 'builtin' | 'config' | 'file';
  source: YamlSource;
  /** Its path in the source: `['profiles', name]` in keyscope.yaml, `[]` in a profile file. */
  at: DocumentPath;
}

/** The defaults, as a fresh object: callers may adjust their copy (`--no-builtin-rules`). */
const empty = (): KeyscopeConfig => ({
  file: undefined,
  rules: [],
  builtinRules: true,
  include: [],
  exclude: [],
  parameters: [],
  failOn: undefined,
  exemptionsFile: undefined,
  exemptions: [],
  profile: undefined,
  profiles: [],
});

/**
 * Loads the configuration: the given file, else `keyscope.yaml` in `cwd`
 * if there is one, else defaults. Every problem is a ConfigError with its
 * `file:line:col`.
 */
export function loadConfig(explicit: string | undefined, cwd: string): KeyscopeConfig {
  const file = explicit ? path.resolve(cwd, explicit) : path.join(cwd, DEFAULT_CONFIG_FILE);
  if (!explicit && !existsSync(file)) return empty();
  const shown = path.relative(cwd, file) || file;
  const source = readYamlFile(file, shown, 'configuration', 'config.schema.json', 'config-invalid');
  if (!source) return { ...empty(), file: shown };
  const data = source.data as {
    rules?: string[];
    builtinRules?: boolean;
    include?: string[];
    exclude?: string[];
    parameters?: Record<string, Record<string, unknown>>;
    failOn?: Severity | 'none';
    exemptions?: string | Record<string, unknown>[];
    profile?: string;
    profiles?: Record<string, ProfileSpec>;
  };
  const base = path.dirname(file);
  const parameters: ParameterOverride[] = [];
  for (const [ruleId, values] of Object.entries(data.parameters ?? {})) {
    for (const [name, value] of Object.entries(values)) {
      const at = source.positionOf(['parameters', ruleId, name], true);
      parameters.push({ ruleId, name, value, origin: `${shown}:${at.line}:${at.column}` });
    }
  }
  const inline = Array.isArray(data.exemptions) ? data.exemptions : [];
  const profileAt = source.positionOf(['profile']);
  return {
    file: shown,
    exemptionsFile: typeof data.exemptions === 'string' ? path.resolve(base, data.exemptions) : undefined,
    exemptions: inline.map((entry, i) => {
      const at = source.positionOf(['exemptions', i]);
      return { entry, origin: `${shown}:${at.line}:${at.column}` };
    }),
    rules: (data.rules ?? []).map((dir) => path.resolve(base, dir)),
    builtinRules: data.builtinRules ?? true,
    include: data.include ?? [],
    exclude: data.exclude ?? [],
    parameters,
    failOn: data.failOn,
    profile: data.profile === undefined ? undefined : { name: data.profile, base, position: { file: shown, ...profileAt } },
    profiles: Object.entries(data.profiles ?? {}).map(([name, spec]) => ({
      name,
      spec,
      kind: 'config' as const,
      source,
      at: ['profiles', name],
    })),
  };
}

/**
 * Reads a YAML file a user wrote (configuration, exemptions) and validates it
 * against one of `schemas/`. Every problem is an error at its `file:line:col`;
 * an empty file gives undefined.
 */
export function readYamlFile(file: string, shown: string, what: string, schemaFile: string, code: string): YamlSource | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what}: ${(error as Error).message}`, { position: { file: shown } });
  }
  const source = parseYamlSource(shown, text, code);
  if (source.data === null || source.data === undefined) return undefined;
  const errors = validateSource(source, schemaFile, code);
  if (errors.length) throw errors.length === 1 ? errors[0]! : new ConfigErrors(errors);
  return source;
}

/** Several configuration errors reported together. */
export class ConfigErrors extends KeyscopeError {
  constructor(readonly errors: KeyscopeError[]) {
    super('config-invalid', errors.map((e) => e.message).join('; '));
  }
}

/** Does a rule id match a glob (`*` any run of characters)? */
export function matchesGlob(id: string, glob: string): boolean {
  return wildcardPattern(glob).test(id);
}
