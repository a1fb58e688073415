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
import { reportFormats, type ReportOptions, type RuleDoc } from '../report/index.js';
import { loadConfig, SEVERITIES, severityRank, type RuleDefinition, type Severity } from '../rules/index.js';
import type { InventorySource } from '../sources/index.js';
import { collectExemptions } from './exemptions-file.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { resolveOutputs, type OutputTarget } from './outputs.js';
import { renderProblems } from './render-error.js';
import { ScanProgress, scheduleFrom, type ProgressMode } from './progress.js';
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
  // Each format checks its own flags now, so a typo costs no scan.
  for (const output of outputs) formatOf(output).checkFlags?.(flags);
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

  const quiet = Boolean(flags.quiet);
  const mode: ProgressMode = quiet ? 'off' : io.stderrIsTTY ? 'bar' : 'lines';
  const progress = new ScanProgress({
    mode,
    sink: io.stderr,
    schedule: scheduleFrom(io.env),
    ...(io.stderrColumns ? { columns: io.stderrColumns } : {}),
  });
  const context = { io, engine, verbose: Boolean(flags.verbose), quiet, progress };
  const sources: InventorySource[] = [];
  for (const kind of sourceKinds) {
    for (const source of await kind.createSources(flags, context)) sources.push(progress.watch(source, kind.progress));
  }
  if (sources.length === 0) {
    throw new UsageError(
      `nothing to scan: give ${sourceKinds.map((kind) => kind.usage).join(', or ')}`,
      'example: keyscope scan --input inventory.json',
    );
  }
  progress.start();
  let scanned: ScanResult;
  try {
    scanned = await runScan(engine, sources, {
      version: packageVersion(),
      ...(profile ? { profile: profile.name } : {}),
      ...(flags.timestamps ? { clock: () => new Date() } : {}),
      // Keys expire by the same calendar as exemptions: --as-of fixes both, so a replayed scan judges them alike.
      ...(flags.asOf ? { asOf: new Date(`${today}T00:00:00Z`) } : {}),
    });
  } finally {
    // The bar is gone before the report is written: stdout may be the same terminal.
    progress.stop();
  }
  const result = reviewFindings(scanned, { today, ...(exemptions ? { exemptions } : {}), ...(baseline ? { baseline } : {}) });
  renderProblems(result.scan.errors, io.stderr);

  const color = io.stdoutIsTTY && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  const ruleDoc = ruleDocs(definitions);
  for (const output of outputs) {
    await writeOutput(output, result, { color: output.file === undefined && color, ruleDoc, flags }, io);
  }
  return exitCodeFor(result, failOn, Boolean(flags.failOnNew));
}

function formatOf(output: OutputTarget): (typeof reportFormats)[number] {
  return reportFormats.find((entry) => entry.format === output.format)!;
}

/** Hands one output to its format: the file named (or stdout), and files it names beside it. */
function writeOutput(output: OutputTarget, result: ScanResult, options: ReportOptions, io: CliIo): Promise<void> {
  const file = output.file === undefined ? undefined : path.resolve(io.cwd, output.file);
  return formatOf(output).write(
    result,
    {
      file,
      write: (pieces) => (file === undefined ? io.writeStdout(pieces) : io.writeFile(file, pieces)),
      writeFile: (further, pieces) => io.writeFile(path.resolve(io.cwd, further), pieces),
    },
    options,
  );
}

/**
 * Each rule's documentation page, read when a reporter first asks: a rule's
 * page sits beside its YAML file (user rules) or in the package's docs
 * (built-in rules, which are also published online).
 */
function ruleDocs(definitions: readonly RuleDefinition[]): ReportOptions['ruleDoc'] {
  const builtinDocs = path.join(packageRoot, 'docs', 'rules');
  const byId = new Map(definitions.map((rule) => [rule.id, rule]));
  const read = new Map<string, RuleDoc | undefined>();
  return (id) => {
    if (read.has(id)) return read.get(id);
    const rule = byId.get(id);
    let doc: RuleDoc | undefined;
    for (const candidate of rule
      ? [path.join(path.dirname(rule.source.file), `${rule.id}.md`), path.join(builtinDocs, `${rule.id}.md`)]
      : []) {
      if (existsSync(candidate)) {
        // The markers around a page's generated blocks (npm run docs) are for the docs, not for readers of the help.
        const markdown = readFileSync(candidate, 'utf8').replace(/^<!-- (generated:[a-z-]+|end generated) -->\n/gm, '');
        doc = candidate.startsWith(builtinDocs) ? { markdown, url: `${RULE_DOCS_URL}/${id}.md` } : { markdown };
        break;
      }
    }
    read.set(id, doc);
    return doc;
  };
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
