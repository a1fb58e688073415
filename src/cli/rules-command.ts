import path from 'node:path';
import { KeyscopeError, UsageError } from '../errors/index.js';
import { runExamples, type ExampleResult } from '../engine/index.js';
import { closest, loadConfig, loadRules, resolveParameters, type RuleDefinition } from '../rules/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { loadDefinitions, RuleSetErrors } from './rule-set.js';

export interface RulesFlags {
  rules: string[];
  config?: string;
  format?: string;
}

function definitionsFor(flags: RulesFlags, io: CliIo): RuleDefinition[] {
  return loadDefinitions(loadConfig(flags.config, io.cwd), flags.rules, io.cwd).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** `keyscope rules list`: every rule with its severity, types and title. */
export function rulesListCommand(flags: RulesFlags, io: CliIo): ExitCode {
  const definitions = definitionsFor(flags, io);
  if (flags.format === 'json') {
    const list = definitions.map((rule) => ({
      id: rule.id,
      severity: rule.severity,
      title: rule.title,
      resource: rule.resource,
      parameters: Object.fromEntries(Object.entries(rule.parameters ?? {}).map(([name, spec]) => [name, spec.default])),
      file: rule.source.file,
    }));
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return ExitCode.Ok;
  }
  if (flags.format !== undefined && flags.format !== 'text')
    throw new UsageError(`unknown format '${flags.format}'`, 'formats: text, json');
  const width = Math.max(...definitions.map((rule) => rule.id.length));
  for (const rule of definitions) io.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.title}\n`);
  io.stdout.write(`\n${definitions.length} rules\n`);
  return ExitCode.Ok;
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
