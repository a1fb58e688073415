import { Command, CommanderError, Option } from 'commander';
import { KeyscopeError } from '../errors/index.js';
import { packageVersion } from '../package.js';
import { SEVERITIES } from '../rules/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { FORMATS } from './outputs.js';
import { renderErrors } from './render-error.js';
import { RuleSetErrors } from './rule-set.js';
import { rulesCoverageCommand, type CoverageFlags } from './coverage-command.js';
import { rulesListCommand, rulesProfilesCommand, rulesShowCommand, rulesTestCommand, type RulesFlags } from './rules-command.js';
import { scanCommand, type ScanFlags } from './scan-command.js';
import { collect, sourceKinds } from './source-options/index.js';

/**
 * The whole command line: parses `argv` (without node and the script),
 * runs the command and returns its exit code. Never touches `process`.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let verbose = argv.includes('--verbose');
  let exitCode: ExitCode = ExitCode.Ok;
  const program = new Command('keyscope')
    .description('Policy-as-code compliance scanner for Azure encryption-key management.')
    .version(packageVersion(), '-V, --version')
    .option('--verbose', 'show stack traces for internal errors')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showSuggestionAfterError(true);

  const scan = program.command('scan').description('Evaluate the rule pack against resources and report findings.');
  for (const kind of sourceKinds) kind.addOptions(scan);
  scan
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(FORMATS))
    .option('-o, --output <[format=]file>', 'write the report to a file; FORMAT=FILE writes that format; repeatable', collect, [])
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the gate (exit 1)').choices([...SEVERITIES, 'none']))
    .option('--fail-on-new', 'gate only on findings that are new against --baseline')
    .option('--baseline <file>', "a previous scan's JSON or SARIF report: marks findings new, unchanged, updated or absent")
    .option('--exemptions <file>', 'accepted exceptions (YAML): suppressed findings are kept and shown, never gate')
    .option('--as-of <date>', 'the day exemptions and key expiry are judged on, YYYY-MM-DD (default: today, UTC)')
    .addOption(
      new Option(
        '--sarif-profile <profile>',
        'full (every finding, suppressions, baseline) or github (what code scanning ingests)',
      ).choices(['full', 'github']),
    )
    .option('--sarif-max-runs <n>', 'GitHub profile: runs per SARIF file, 1 to 20 (default 5); more runs go to name.N.sarif files')
    .option('-r, --rules <dir>', 'also load the rules in this folder; repeatable', collect, [])
    .option('--no-builtin-rules', 'do not load the built-in rule pack')
    .option('-c, --config <file>', 'configuration file (default: ./keyscope.yaml when present)')
    .option(
      '--profile <name|file>',
      'rule profile: a built-in one (keyscope rules profiles), one from keyscope.yaml, or a profile file; overrides profile: in keyscope.yaml',
    )
    .option('-p, --param <rule.name=value>', 'set a rule parameter; repeatable', collect, [])
    .option('--timestamps', 'record the scan start and end times (makes the report differ run to run)')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  keyscope scan --input inventory.json
  az graph query -q "resources" --first 1000 -o json > inv.json && keyscope scan -i inv.json --format text
  keyscope scan -i inv.ndjson --fail-on critical --param key.rsa-minimum-size.minimumBits=3072
  keyscope scan -i inv.json --profile fips-140-level-3
  keyscope scan -i inv.json --output json=findings.json --output text=report.txt
  keyscope scan -i inv.json --format sarif --sarif-profile github --output keyscope.sarif --output markdown=summary.md
  keyscope scan -i inv.json --baseline previous.json --fail-on-new --exemptions exemptions.yaml

Exit codes: 0 no finding at or above --fail-on (default high), 1 findings at or above it,
            2 usage or configuration error (bad flag, bad rule, unreadable input), 3 scan incomplete.`,
    )
    .action(async (flags: ScanFlags) => {
      exitCode = await scanCommand({ ...flags, verbose: Boolean(program.opts()['verbose']) }, io);
    });

  const rules = program.command('rules').description('List, show and test rules.');
  const ruleOptions = (command: Command): Command =>
    command
      .option('-r, --rules <dir>', 'also load the rules in this folder; repeatable', collect, [])
      .option('-c, --config <file>', 'configuration file (default: ./keyscope.yaml when present)');
  ruleOptions(
    rules
      .command('list')
      .description('List every rule: id, severity, title; with --profile, the rules a profile selects, its parameters and conditions.')
      .option('-f, --format <format>', 'text or json', 'text')
      .option('--profile <name|file>', 'list the rules this profile selects')
      .addHelpText('after', '\nExamples:\n  keyscope rules list --format json\n  keyscope rules list --profile baseline'),
  ).action((flags: RulesFlags) => {
    exitCode = rulesListCommand(flags, io);
  });
  rules
    .command('profiles')
    .description('List the rule profiles: the built-in ones and those in keyscope.yaml, with what each is for.')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('-c, --config <file>', 'configuration file (default: ./keyscope.yaml when present)')
    .addHelpText('after', '\nExample:\n  keyscope rules profiles\n  keyscope scan --input inventory.json --profile baseline')
    .action((flags: RulesFlags) => {
      exitCode = rulesProfilesCommand({ ...flags, rules: [] }, io);
    });
  rules
    .command('coverage')
    .description(
      "Show the service catalog type by type: class, rules, Key Vault / Managed HSM, Terraform types, Azure Policy ids; with --seed, the rows of Azure's customer-managed-key table the catalog lacks.",
    )
    .option('-f, --format <format>', 'text, markdown (docs/services.md) or json', 'text')
    .option('--seed <file|dir>', 'a text copy of Azure\'s "Data encryption models" page (a folder: its 003_* file)')
    .addHelpText('after', '\nExamples:\n  keyscope rules coverage\n  keyscope rules coverage --format json --seed ../shared/seeds')
    .action((flags: CoverageFlags) => {
      exitCode = rulesCoverageCommand(flags, io);
    });
  ruleOptions(
    rules
      .command('show')
      .argument('<id>', 'rule id')
      .description('Show a rule: what it checks, why, how to fix, references.')
      .addHelpText('after', '\nExample:\n  keyscope rules show keyvault.purge-protection'),
  ).action((id: string, flags: RulesFlags) => {
    exitCode = rulesShowCommand(id, flags, io);
  });
  ruleOptions(
    rules
      .command('test')
      .argument('[dir...]', 'rule folders or files (default: the built-in pack and configured rules)')
      .description("Run every rule's examples through the engine; exit 1 if any behaves differently.")
      .addHelpText('after', '\nExamples:\n  keyscope rules test\n  keyscope rules test ./my-rules'),
  ).action((dirs: string[], flags: RulesFlags) => {
    exitCode = rulesTestCommand(dirs, flags, io);
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    verbose = Boolean(program.opts()['verbose']) || verbose;
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other parse failure is a usage error.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (error instanceof RuleSetErrors) {
      renderErrors(error.errors, io.stderr, verbose);
      return ExitCode.Usage;
    }
    if (error instanceof KeyscopeError) {
      renderErrors([error], io.stderr, verbose);
      return ExitCode.Usage;
    }
    renderErrors([error], io.stderr, verbose);
    return ExitCode.Usage;
  }
}
