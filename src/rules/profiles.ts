import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type KeyscopeError } from '../errors/index.js';
import { packageRoot } from '../package.js';
import { serviceCatalog } from '../catalog/index.js';
import { ConfigErrors, matchesGlob, type ProfileDeclaration, type ProfileSpec, type RuleChoice, type RuleSelector } from './config.js';
import { builtinProfilesDir } from './load.js';
import { ParameterOverrideError, resolveParameters, type ParameterOverride } from './parameters.js';
import { contentHash } from './rule-cache.js';
import { closest, validateSource } from './schema-validation.js';
import type { Condition, DocumentPath, RuleDefinition, RuleSource } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/**
 * Rule profiles: named sets of rules and parameters (`--profile NAME`).
 * Built-in ones are `rules/profiles/*.yaml`, read only when a profile is
 * used; users write theirs in keyscope.yaml (`profiles:`) or in a file.
 *
 * A profile starts from its parent's selection, parameters and
 * applicability (or from every loaded rule, defaults and none), then keeps
 * only the rules its `include` globs match (or its selector chooses: `{
 * class: cmk }`, `{ tags: [...] }`), drops those its `exclude` chooses, lays its parameters over the parent's, and adds its applicability
 * entries after the parent's (`inheritApplicability: false` drops the
 * parent's first).
 */

/** One applicability entry: rules (globs) that apply only where `condition` holds. */
export interface ProfileApplicability {
  rules: readonly string[];
  condition: Condition;
  /** The file it is written in, to point compile errors at it. */
  source: RuleSource;
  /** The condition's path in that file. */
  at: DocumentPath;
}

/** A profile with its ancestors folded in, against the loaded rules. */
export interface ResolvedProfile {
  name: string;
  description: string | undefined;
  /** The profile's name, then its parent's, and so on. */
  chain: string[];
  /** Ids of the loaded rules it selects. */
  ruleIds: ReadonlySet<string>;
  /** Its parameter values, the farthest ancestor's first (later ones win). */
  parameters: ParameterOverride[];
  /** Its applicability entries, inherited ones first. */
  applicability: ProfileApplicability[];
}

/** Does `--profile X` (or `profile: X`) name a file rather than a profile? */
export function isProfilePath(reference: string): boolean {
  return /[\\/]/.test(reference) || /\.ya?ml$/i.test(reference);
}

/**
 * The profiles a run can name: the built-in ones and those in keyscope.yaml.
 * Built-in files are read on first use, once.
 */
export class ProfileCatalog {
  private readonly builtinFiles = new Map<string, string>();
  private readonly declared = new Map<string, ProfileDeclaration>();
  private readonly loaded = new Map<string, ProfileDeclaration>();

  constructor(
    declared: readonly ProfileDeclaration[],
    private readonly cwd: string,
    private readonly options: { useBundle?: boolean } = {},
  ) {
    let files: string[] = [];
    try {
      files = readdirSync(builtinProfilesDir).filter((file) => /\.ya?ml$/i.test(file));
    } catch {
      // A package without built-in profiles: only the configured ones exist.
    }
    for (const file of files.sort()) this.builtinFiles.set(file.replace(/\.ya?ml$/i, ''), path.join(builtinProfilesDir, file));
    const errors: KeyscopeError[] = [];
    for (const profile of declared) {
      if (this.builtinFiles.has(profile.name)) {
        const at = profile.source.positionOf(profile.at, true);
        errors.push(
          new ConfigError(`profile '${profile.name}' has the name of a built-in profile`, {
            position: { file: profile.source.file, ...at },
            hint: `give it another name and write extends: ${profile.name} to start from the built-in one`,
          }),
        );
      }
      this.declared.set(profile.name, profile);
    }
    throwAll(errors);
  }

  /** Names of the built-in profiles, sorted. */
  builtinNames(): string[] {
    return [...this.builtinFiles.keys()];
  }

  /** Names of the profiles defined in the configuration, as written. */
  configuredNames(): string[] {
    return [...this.declared.keys()];
  }

  /** Every profile a name can reach: built-in first, then configured. */
  names(): string[] {
    return [...this.builtinNames(), ...this.configuredNames()];
  }

  /** The profile of that name, or undefined. */
  find(name: string): ProfileDeclaration | undefined {
    const declared = this.declared.get(name);
    if (declared) return declared;
    const file = this.builtinFiles.get(name);
    if (!file) return undefined;
    let profile = this.loaded.get(name);
    if (!profile) {
      profile = readProfileFile(file, this.shown(file), 'builtin', this.options);
      if (profile.name !== name) {
        throw new ConfigError(`built-in profile file ${path.basename(file)} is named '${profile.name}'`, {
          position: { file: profile.source.file, ...profile.source.positionOf(['name']) },
          hint: 'a built-in profile is named after its file',
        });
      }
      this.loaded.set(name, profile);
    }
    return profile;
  }

  /** Reads a profile file given by path (`--profile ./team.yaml`). */
  readFile(file: string): ProfileDeclaration {
    return readProfileFile(file, this.shown(file), 'file');
  }

  /** What to say after "no profile X": the nearest name, and every name. */
  hint(name: string): string {
    const names = this.names();
    const suggestion = closest(name, names) ?? names.find((candidate) => candidate.toLowerCase().startsWith(name.toLowerCase()));
    const all = names.length ? `profiles: ${names.join(', ')}` : 'no profiles are defined';
    return suggestion ? `did you mean '${suggestion}'? ${all}` : all;
  }

  private shown(file: string): string {
    const relative = path.relative(this.cwd, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  }
}

/**
 * Content hashes of the built-in profile files, validated and resolved
 * against the built-in rules at build time (`npm run build` writes it).
 * A built-in file with a hash in it is not validated again: loading the
 * schema validator is most of the cost of reading a profile.
 */
export const PROFILE_BUNDLE = path.join(packageRoot, 'dist', 'profiles.bundle.json');

let bundled: Set<string> | undefined;

function isBundled(text: string): boolean {
  if (!bundled) {
    try {
      bundled = new Set(JSON.parse(readFileSync(PROFILE_BUNDLE, 'utf8')) as string[]);
    } catch {
      bundled = new Set();
    }
  }
  return bundled.has(contentHash(text));
}

/** Reads and validates one profile file (schemas/profile.schema.json); every problem at its `file:line:col`. */
export function readProfileFile(file: string, shown: string, kind: 'builtin' | 'file', options: { useBundle?: boolean } = {}): ProfileDeclaration {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read profile: ${(error as Error).message}`, { position: { file: shown } });
  }
  const source = parseYamlSource(shown, text, 'config-invalid');
  if (source.data === null || source.data === undefined) {
    throw new ConfigError('the profile file is empty', { position: { file: shown }, hint: 'a profile needs at least a name' });
  }
  if (!(kind === 'builtin' && (options.useBundle ?? true) && isBundled(text))) {
    throwAll(validateSource(source, 'profile.schema.json', 'config-invalid'));
  }
  const { name, ...spec } = source.data as ProfileSpec & { name: string };
  return { name, spec, kind, source, at: [] };
}

/**
 * Build step: validates every built-in profile and resolves it against the
 * built-in rules, then writes their content hashes to PROFILE_BUNDLE.
 * Throws the first profile's errors. Returns the profiles' names.
 */
export function bundleProfiles(rules: readonly RuleDefinition[]): string[] {
  const catalog = new ProfileCatalog([], packageRoot, { useBundle: false });
  const names = catalog.builtinNames();
  const hashes: string[] = [];
  for (const name of names) {
    const profile = catalog.find(name)!;
    resolveProfile(profile, catalog, rules);
    hashes.push(contentHash(readFileSync(path.resolve(packageRoot, profile.source.file), 'utf8')));
  }
  writeFileSync(PROFILE_BUNDLE, JSON.stringify(hashes));
  return names;
}

/**
 * Folds a profile and its ancestors into one selection, parameter list and
 * applicability list. Every problem is a ConfigError at its `file:line:col`:
 * an unknown or cyclic `extends`, a parameter of a rule that is not loaded
 * or a value that does not fit it (checked as keyscope.yaml's are), an
 * applicability glob that matches no loaded rule.
 */
export function resolveProfile(
  profile: ProfileDeclaration,
  catalog: ProfileCatalog,
  definitions: readonly RuleDefinition[],
): ResolvedProfile {
  return resolveWithin(profile, catalog, definitions, []);
}

function resolveWithin(
  profile: ProfileDeclaration,
  catalog: ProfileCatalog,
  definitions: readonly RuleDefinition[],
  below: readonly ProfileDeclaration[],
): ResolvedProfile {
  const { spec, source } = profile;
  const position = (at: DocumentPath, key = false): { file: string; line: number; column: number } => ({
    file: source.file,
    ...source.positionOf([...profile.at, ...at], key),
  });
  const ids = definitions.map((rule) => rule.id);
  const errors: KeyscopeError[] = [];

  let parent: ResolvedProfile | undefined;
  if (spec.extends !== undefined) {
    const next = catalog.find(spec.extends);
    if (!next) {
      throw new ConfigError(`profile '${profile.name}' extends '${spec.extends}', which is not a profile`, {
        position: position(['extends']),
        hint: catalog.hint(spec.extends),
      });
    }
    const chain = [...below, profile];
    const loop = chain.indexOf(next);
    if (loop >= 0) {
      throw new ConfigError(
        `profiles extend each other in a cycle: ${[...chain.slice(loop), next].map((p) => p.name).join(' → ')}`,
        { position: position(['extends']), hint: 'one profile of the cycle must extend none of the others' },
      );
    }
    parent = resolveWithin(next, catalog, definitions, chain);
  }

  let selected = parent ? ids.filter((id) => parent.ruleIds.has(id)) : ids;
  const include = spec.include;
  if (include) {
    const chosen = chooser(include, definitions);
    selected = selected.filter(chosen);
  }
  if (spec.exclude) {
    const dropped = chooser(spec.exclude, definitions);
    selected = selected.filter((id) => !dropped(id));
  }

  const parameters = [...(parent?.parameters ?? [])];
  for (const [ruleId, values] of Object.entries(spec.parameters ?? {})) {
    if (!ids.includes(ruleId)) {
      const suggestion = closest(ruleId, ids);
      errors.push(
        new ConfigError(`no rule '${ruleId}' is loaded`, {
          position: position(['parameters', ruleId], true),
          ...(suggestion ? { hint: `did you mean '${suggestion}'?` } : {}),
        }),
      );
      continue;
    }
    for (const [name, value] of Object.entries(values)) {
      const at = position(['parameters', ruleId, name], true);
      const override: ParameterOverride = { ruleId, name, value, origin: `${at.file}:${at.line}:${at.column}` };
      try {
        resolveParameters(definitions, [override]);
        parameters.push(override);
      } catch (error) {
        if (!(error instanceof ParameterOverrideError)) throw error;
        errors.push(new ConfigError(error.message, { position: at }));
      }
    }
  }

  const applicability = spec.inheritApplicability === false ? [] : [...(parent?.applicability ?? [])];
  const ruleSource: RuleSource = { file: source.file, positionOf: (at) => source.positionOf(at) };
  (spec.applicability ?? []).forEach((entry, i) => {
    if (!Array.isArray(entry.rules)) {
      const chosen = selectorChooser(entry.rules, definitions);
      const rules = ids.filter(chosen);
      if (rules.length) applicability.push({ rules, condition: entry.where, source: ruleSource, at: [...profile.at, 'applicability', i, 'where'] });
      else {
        errors.push(
          new ConfigError(`applicability selects ${JSON.stringify(entry.rules)}, which chooses no loaded rule`, {
            position: position(['applicability', i, 'rules']),
          }),
        );
      }
      return;
    }
    let ok = true;
    entry.rules.forEach((glob, j) => {
      if (ids.some((id) => matchesGlob(id, glob))) return;
      ok = false;
      const suggestion = closest(glob, ids);
      errors.push(
        new ConfigError(`applicability names '${glob}', which matches no loaded rule`, {
          position: position(['applicability', i, 'rules', j]),
          ...(suggestion ? { hint: `did you mean '${suggestion}'?` } : {}),
        }),
      );
    });
    if (ok) applicability.push({ rules: entry.rules, condition: entry.where, source: ruleSource, at: [...profile.at, 'applicability', i, 'where'] });
  });

  throwAll(errors);
  return {
    name: profile.name,
    description: spec.description,
    chain: [profile.name, ...(parent?.chain ?? [])],
    ruleIds: new Set(selected),
    parameters,
    applicability,
  };
}

/** The applicability entries of each rule (by id) that at least one entry names. */
export function applicabilityByRule(
  entries: readonly ProfileApplicability[],
  rules: readonly RuleDefinition[],
): Map<string, ProfileApplicability[]> {
  const byRule = new Map<string, ProfileApplicability[]>();
  for (const rule of rules) {
    const matching = entries.filter((entry) => entry.rules.some((glob) => matchesGlob(rule.id, glob)));
    if (matching.length) byRule.set(rule.id, matching);
  }
  return byRule;
}

/** Does a rule id pass an include/exclude: one of the globs matches it, or the selector chooses it. */
function chooser(choice: RuleChoice, definitions: readonly RuleDefinition[]): (id: string) => boolean {
  return Array.isArray(choice) ? (id) => choice.some((glob) => matchesGlob(id, glob)) : selectorChooser(choice, definitions);
}

/**
 * A selector as a test on rule ids: `class` chooses the rules the service
 * catalog names for types of those classes, `tags` the rules carrying one
 * of the tags; both must hold when both are given.
 */
function selectorChooser(selector: RuleSelector, definitions: readonly RuleDefinition[]): (id: string) => boolean {
  const tests: ((id: string) => boolean)[] = [];
  if (selector.class !== undefined) {
    const named = new Set(serviceCatalog().rulesOfClasses(Array.isArray(selector.class) ? selector.class : [selector.class]));
    tests.push((id) => named.has(id));
  }
  if (selector.tags !== undefined) {
    const tags = selector.tags;
    const tagged = new Set(definitions.filter((rule) => (rule.tags ?? []).some((tag) => tags.includes(tag))).map((rule) => rule.id));
    tests.push((id) => tagged.has(id));
  }
  return (id) => tests.every((test) => test(id));
}

function throwAll(errors: readonly KeyscopeError[]): void {
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ConfigErrors([...errors]);
}
