import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors/index.js';
import {
  BaselineFormatError,
  isOpen,
  readBaseline,
  reviewFindings,
  runScan,
  utcDate,
  type BaselineEntry,
  type ScanResult,
} from '../findings/index.js';
import { packageRoot, packageVersion } from '../package.js';
import { reporters, sarifFiles, type SarifOptions } from '../report/index.js';
import { loadConfig, SEVERITIES, severityRank, type RuleDefinition, type Severity } from '../rules/index.js';
import type { InventorySource } from '../sources/index.js';
import { collectExemptions } from './exemptions-file.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { resolveOutputs, type OutputTarget } from './outputs.js';
import { renderProblems } from './render-error.js';
import { buildEngine, chooseProfile, loadDefinitions, parseParamFlag, profileDefinitions, selectDefinitions } from './rule-set.js';
import { sourceKinds } from './source-options/index.js';

/** The options `keyscope scan` takes (as commander parses them); each source kind adds its own. */
export interface ScanFlags {
  [flag: string]: unknown;
  format?: string;
  output: string[];
  failOn?: string;
  failOnNew?: boolean;
  rules: string[];
  config?: string;
  param: string[];
  profile?: string;
  timestamps?: boolean;
  builtinRules?: boolean;
  sarifProfile?: string;
  sarifMaxRuns?: string;
  baseline?: string;
  exemptions?: string;
  asOf?: string;
}

/** Where the built-in rules' pages are published (SARIF `helpUri`). */
const RULE_DOCS_URL = 'https://github.com/keyscope-dev/keyscope/blob/main/docs/rules';

/** Runs a scan end to end and returns its exit code. */
export async function scanCommand(flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const config = loadConfig(flags.config, io.cwd);
  if (flags.builtinRules === false) config.builtinRules = false;
  const failOn = parseFailOn(flags.failOn ?? config.failOn ?? 'high');
  const outputs = resolveOutputs(flags.format, flags.output, io.stdoutIsTTY);
  const today = parseAsOf(flags.asOf);
  const exemptions = collectExemptions(config, flags.exemptions, io.cwd);
  const baseline = flags.baseline ? readBaselineFile(flags.baseline, io.cwd) : undefined;
  if (flags.failOnNew && !baseline) throw new UsageError('--fail-on-new needs --baseline PREVIOUS.(json|sarif)');
  // The profile selects first; keyscope.yaml's include/exclude/parameters apply on top, and --param wins over all.
  const loaded = loadDefinitions(config, flags.rules, io.cwd);
  const profile = chooseProfile(config, flags.profile, loaded, io.cwd);
  const definitions = selectDefinitions(profileDefinitions(loaded, profile), config);
  const overrides = [...(profile?.parameters ?? []), ...config.parameters, ...flags.param.map((flag) => parseParamFlag(flag, loaded))];
  const engine = buildEngine(definitions, overrides, { loaded, applicability: profile?.applicability ?? [] });

  const context = { io, engine, verbose: Boolean(flags.verbose), quiet: Boolean(flags.quiet) };
  const sources: InventorySource[] = [];
  for (const kind of sourceKinds) sources.push(...(await kind.createSources(flags, context)));
  if (sources.length === 0) {
    throw new UsageError(
      `nothing to scan: give ${sourceKinds.map((kind) => kind.usage).join(', or ')}`,
      'example: keyscope scan --input inventory.json',
    );
  }
  const scanned = await runScan(engine, sources, {
    version: packageVersion(),
    ...(profile ? { profile: profile.name } : {}),
    ...(flags.timestamps ? { clock: () => new Date() } : {}),
    // Keys expire by the same calendar as exemptions: --as-of fixes both, so a replayed scan judges them alike.
    ...(flags.asOf ? { asOf: new Date(`${today}T00:00:00Z`) } : {}),
  });
  const result = reviewFindings(scanned, { today, ...(exemptions ? { exemptions } : {}), ...(baseline ? { baseline } : {}) });
  renderProblems(result.scan.errors, io.stderr);

  const color = io.stdoutIsTTY && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  const sarif = outputs.some((output) => output.format === 'sarif') ? sarifOptions(flags, definitions) : undefined;
  for (const output of outputs)
    await writeOutput(output, result, { color: output.file === undefined && color, ...(sarif ? { sarif } : {}) }, io);
  return exitCodeFor(result, failOn, Boolean(flags.failOnNew));
}

async function writeOutput(
  output: OutputTarget,
  result: ScanResult,
  options: Parameters<(typeof reporters)['json']>[1],
  io: CliIo,
): Promise<void> {
  if (output.format === 'sarif' && options.sarif) {
    const files = sarifFiles(result, options.sarif);
    if (output.file === undefined) {
      if (files.length > 1) throw new UsageError(`the SARIF report needs ${files.length} files here`, 'write it with --output sarif=FILE');
      await io.writeStdout(files);
      return;
    }
    // Runs beyond one file's share go to numbered files beside it: name.1.sarif, name.2.sarif...
    const file = path.resolve(io.cwd, output.file);
    for (const [i, text] of files.entries()) {
      await io.writeFile(files.length === 1 ? file : file.replace(/(\.sarif)?$/, `.${i + 1}$1`), [text]);
    }
    return;
  }
  const pieces = reporters[output.format](result, options);
  if (output.file === undefined) await io.writeStdout(pieces);
  else await io.writeFile(path.resolve(io.cwd, output.file), pieces);
}

function sarifOptions(flags: ScanFlags, definitions: readonly RuleDefinition[]): SarifOptions {
  const chosen = flags.sarifProfile ?? 'full';
  const maxRuns = flags.sarifMaxRuns === undefined ? undefined : Number(flags.sarifMaxRuns);
  if (maxRuns !== undefined && (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > 20)) {
    throw new UsageError(
      `--sarif-max-runs '${flags.sarifMaxRuns}' is not a whole number from 1 to 20`,
      'GitHub rejects files of more than 20 runs',
    );
  }
  if (chosen !== 'full' && chosen !== 'github') throw new UsageError(`--sarif-profile '${chosen}' is not a profile`, 'use full or github');
  const ruleHelp = new Map<string, string>();
  const helpUris = new Map<string, string>();
  const builtinDocs = path.join(packageRoot, 'docs', 'rules');
  for (const rule of definitions) {
    // A rule's page sits beside its YAML file (user rules) or in the package's docs (built-in rules).
    for (const candidate of [path.join(path.dirname(rule.source.file), `${rule.id}.md`), path.join(builtinDocs, `${rule.id}.md`)]) {
      if (existsSync(candidate)) {
        // The markers around a page's generated blocks (npm run docs) are for the docs, not for readers of the help.
        ruleHelp.set(rule.id, readFileSync(candidate, 'utf8').replace(/^<!-- (generated:[a-z-]+|end generated) -->\n/gm, ''));
        if (candidate.startsWith(builtinDocs)) helpUris.set(rule.id, `${RULE_DOCS_URL}/${rule.id}.md`);
        break;
      }
    }
  }
  return { profile: chosen, ruleHelp, helpUris, ...(maxRuns === undefined ? {} : { maxRunsPerFile: maxRuns }) };
}

function readBaselineFile(file: string, cwd: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the baseline: ${(error as Error).message}`, { position: { file } });
  }
  try {
    return readBaseline(text);
  } catch (error) {
    if (error instanceof BaselineFormatError) throw new ConfigError(`the baseline is ${error.message}`, { position: { file } });
    throw error;
  }
}

function parseAsOf(text: string | undefined): string {
  if (text === undefined) return utcDate(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text)))
    throw new UsageError(`--as-of '${text}' is not a date (YYYY-MM-DD)`);
  return text;
}

function parseFailOn(text: string): Severity | 'none' {
  if (text === 'none' || (SEVERITIES as readonly string[]).includes(text)) return text as Severity | 'none';
  throw new UsageError(`--fail-on '${text}' is not a severity`, `use one of: ${SEVERITIES.join(', ')}, none`);
}

/**
 * 2 for unreadable input, 3 for an incomplete scan, 1 for open findings at or
 * above the threshold (only new ones with `failOnNew`), else 0. Suppressed
 * and fixed (absent) findings never fail the gate.
 */
export function exitCodeFor(result: ScanResult, failOn: Severity | 'none', failOnNew = false): ExitCode {
  if (result.scan.errors.some((problem) => problem.fatal)) return ExitCode.Usage;
  if (!result.scan.complete) return ExitCode.Incomplete;
  if (failOn === 'none') return ExitCode.Ok;
  const threshold = severityRank(failOn);
  const gating = result.findings.some(
    (finding) => isOpen(finding) && (!failOnNew || finding.baselineState === 'new') && severityRank(finding.severity) >= threshold,
  );
  return gating ? ExitCode.Findings : ExitCode.Ok;
}
