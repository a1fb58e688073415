import path from 'node:path';
import { KeyscopeError, UsageError } from '../errors/index.js';
import { runExamples, type ExampleResult } from '../engine/index.js';
import {
  applicabilityByRule,
  closest,
  loadConfig,
  loadRules,
  ProfileCatalog,
  resolveParameters,
  type Condition,
  type RuleDefinition,
} from '../rules/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { chooseProfile, loadDefinitions, profileDefinitions, RuleSetErrors } from './rule-set.js';

export interface RulesFlags {
  rules: string[];
  config?: string;
  format?: string;
  profile?: string;
}

function definitionsFor(flags: RulesFlags, io: CliIo): RuleDefinition[] {
  return loadDefinitions(loadConfig(flags.config, io.cwd), flags.rules, io.cwd).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * `keyscope rules list`: every loaded rule with its severity and title;
 * with `--profile`, the rules that profile selects, with the parameter
 * values and applicability conditions it gives them (keyscope.yaml's own
 * include/exclude/parameters are not applied: this shows the profile).
 */
export function rulesListCommand(flags: RulesFlags, io: CliIo): ExitCode {
  if (flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json')
    throw new UsageError(`unknown format '${flags.format}'`, 'formats: text, json');
  const config = loadConfig(flags.config, io.cwd);
  const loaded = loadDefinitions(config, flags.rules, io.cwd).sort((a, b) => (a.id < b.id ? -1 : 1));
  const profile = chooseProfile(config, flags.profile, loaded, io.cwd, false);
  const definitions = profileDefinitions(loaded, profile);
  const values = resolveParameters(loaded, profile?.parameters ?? []);
  const conditions = applicabilityByRule(profile?.applicability ?? [], definitions);
  const conditionOf = (rule: RuleDefinition): Condition | undefined => {
    const entries = conditions.get(rule.id) ?? [];
    return entries.length > 1 ? { allOf: entries.map((entry) => entry.condition) } : entries[0]?.condition;
  };
  if (flags.format === 'json') {
    const list = definitions.map((rule) => {
      const applicability = conditionOf(rule);
      return {
        id: rule.id,
        severity: rule.severity,
        title: rule.title,
        resource: rule.resource,
        parameters: values.get(rule.id) ?? {},
        ...(applicability ? { applicability } : {}),
        file: rule.source.file,
      };
    });
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return ExitCode.Ok;
  }
  const width = Math.max(...definitions.map((rule) => rule.id.length));
  for (const rule of definitions) {
    io.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.title}\n`);
    if (!profile) continue;
    for (const [name, spec] of Object.entries(rule.parameters ?? {})) {
      const value = values.get(rule.id)?.[name];
      if (JSON.stringify(value) !== JSON.stringify(spec.default))
        io.stdout.write(`    ${name} = ${JSON.stringify(value)} (default ${JSON.stringify(spec.default)})\n`);
    }
    const applicability = conditionOf(rule);
    if (applicability) io.stdout.write(`    only where ${describeCondition(applicability)}\n`);
  }
  const chain = profile ? profile.chain.join(' → ') : '';
  io.stdout.write(`\n${definitions.length} rules${profile ? ` (profile ${chain})` : ''}\n`);
  return ExitCode.Ok;
}

/** A condition in one line: `tags.data-classification in [confidential, restricted] or tags.pci-scope equals "true"`. */
export function describeCondition(condition: Condition, nested = false): string {
  const group = (text: string): string => (nested ? `(${text})` : text);
  const prefix = condition.related ? `${condition.related}: ` : '';
  if (condition.allOf) return prefix + group(condition.allOf.map((c) => describeCondition(c, true)).join(' and '));
  if (condition.anyOf) return prefix + group(condition.anyOf.map((c) => describeCondition(c, true)).join(' or '));
  if (condition.not) return `${prefix}not ${describeCondition(condition.not, true)}`;
  const subject = condition.count ? `count(${condition.count.field})` : (condition.field ?? JSON.stringify(condition.value));
  const operator = Object.keys(condition).find((key) => !['related', 'field', 'value', 'count'].includes(key)) ?? '';
  const operand = (condition as Record<string, unknown>)[operator];
  const shown = Array.isArray(operand) ? `[${operand.map((item) => String(item)).join(', ')}]` : JSON.stringify(operand);
  return `${prefix}${subject} ${operator} ${shown}`;
}

/** `keyscope rules profiles`: the built-in profiles and those in keyscope.yaml, with what they are for. */
export function rulesProfilesCommand(flags: RulesFlags, io: CliIo): ExitCode {
  if (flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json')
    throw new UsageError(`unknown format '${flags.format}'`, 'formats: text, json');
  const config = loadConfig(flags.config, io.cwd);
  const catalog = new ProfileCatalog(config.profiles, io.cwd);
  const profiles = catalog.names().map((name) => {
    const profile = catalog.find(name)!;
    return {
      name,
      origin: profile.kind === 'builtin' ? 'built-in' : (config.file ?? ''),
      ...(profile.spec.extends === undefined ? {} : { extends: profile.spec.extends }),
      description: profile.spec.description ?? '',
      file: profile.source.file,
    };
  });
  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify(profiles, null, 2)}\n`);
    return ExitCode.Ok;
  }
  for (const profile of profiles) {
    io.stdout.write(`${profile.name}  (${profile.origin}${profile.extends ? `, extends ${profile.extends}` : ''})\n`);
    if (profile.description) io.stdout.write(`${wrap(profile.description, 76, '    ')}\n`);
    io.stdout.write('\n');
  }
  io.stdout.write(`${profiles.length} profiles; use one with: keyscope scan --profile NAME\n`);
  return ExitCode.Ok;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** `keyscope rules show ID`: the whole rule, in words. */
export function rulesShowCommand(id: string, flags: RulesFlags, io: CliIo): ExitCode {
  const definitions = definitionsFor(flags, io);
  const rule = definitions.find((candidate) => candidate.id === id);
  if (!rule) {
    const suggestion = closest(
      id,
      definitions.map((d) => d.id),
    );
    throw new UsageError(`no rule '${id}'`, suggestion ? `did you mean '${suggestion}'?` : 'list them with: keyscope rules list');
  }
  const lines = [
    `${rule.id}  (${rule.severity})`,
    rule.title,
    '',
    `Applies to: ${rule.resource.join(', ')}`,
    '',
    'What it checks:',
    indent(rule.description),
    '',
    'Why it matters:',
    indent(rule.rationale),
    '',
  ];
  const parameters = Object.entries(rule.parameters ?? {});
  if (parameters.length) {
    lines.push('Parameters:');
    for (const [name, spec] of parameters)
      lines.push(`  ${name} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
    lines.push('');
  }
  lines.push('How to fix:');
  if (rule.remediation.summary) lines.push(indent(rule.remediation.summary));
  lines.push(indent(`az: ${rule.remediation.az}`));
  if (rule.remediation.bicep) lines.push('  Bicep:', indent(rule.remediation.bicep.trimEnd(), 4));
  lines.push('', 'References:');
  for (const reference of rule.references) {
    const what = reference.policy
      ? `Azure Policy ${reference.policy}`
      : reference.mcsb
        ? `Microsoft cloud security benchmark ${reference.mcsb}`
        : (reference.url ?? '');
    lines.push(`  - ${what}${reference.title ? `: ${reference.title}` : ''}`);
  }
  lines.push('', `Rule file: ${rule.source.file}`, `Documentation: docs/rules/${rule.id}.md`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

function indent(text: string, by = 2): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => ' '.repeat(by) + line)
    .join('\n');
}

/**
 * `keyscope rules test [DIR...]`: runs every example of every rule through
 * the engine. Exit 0 when all behave as their rule file says, 1 when any
 * does not, 2 when a rule does not load.
 */
export function rulesTestCommand(dirs: readonly string[], flags: RulesFlags, io: CliIo): ExitCode {
  let definitions: RuleDefinition[];
  if (dirs.length) {
    const { rules, errors } = loadRules(dirs.map((dir) => path.relative(io.cwd, path.resolve(io.cwd, dir)) || '.'));
    if (errors.length) throw new RuleSetErrors(errors);
    definitions = rules.sort((a, b) => (a.id < b.id ? -1 : 1));
  } else {
    definitions = definitionsFor(flags, io);
  }
  const values = resolveParameters(definitions, []);
  const failures: ExampleResult[] = [];
  let count = 0;
  const compileErrors: KeyscopeError[] = [];
  for (const rule of definitions) {
    let results: ExampleResult[];
    try {
      results = runExamples(rule, values.get(rule.id) ?? {});
    } catch (error) {
      if (error instanceof KeyscopeError) {
        compileErrors.push(error);
        continue;
      }
      throw error;
    }
    count += results.length;
    const bad = results.filter((result) => !result.ok);
    failures.push(...bad);
    io.stdout.write(`${bad.length ? '✖' : '✔'} ${rule.id}  ${results.length - bad.length}/${results.length} examples\n`);
    for (const failure of bad) {
      io.stdout.write(`    example '${failure.example}' (${rule.source.file}): expected ${failure.expected}, got ${failure.actual}\n`);
    }
  }
  if (compileErrors.length) throw new RuleSetErrors(compileErrors);
  io.stdout.write(`\n${count - failures.length} passed, ${failures.length} failed\n`);
  return failures.length ? ExitCode.Findings : ExitCode.Ok;
}
