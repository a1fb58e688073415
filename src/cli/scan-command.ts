import path from 'node:path';
import { UsageError } from '../errors/index.js';
import { runScan, type ScanResult } from '../findings/index.js';
import { packageVersion } from '../package.js';
import { reporters } from '../report/index.js';
import { loadConfig, SEVERITIES, severityRank, type Severity } from '../rules/index.js';
import type { InventorySource } from '../sources/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { resolveOutputs } from './outputs.js';
import { buildEngine, loadDefinitions, parseParamFlag, selectDefinitions } from './rule-set.js';
import { sourceKinds } from './source-options/index.js';

/** The options `keyscope scan` takes (as commander parses them); each source kind adds its own. */
export interface ScanFlags {
  [flag: string]: unknown;
  format?: string;
  output: string[];
  failOn?: string;
  rules: string[];
  config?: string;
  param: string[];
  timestamps?: boolean;
  builtinRules?: boolean;
}

/** Runs a scan end to end and returns its exit code. */
export async function scanCommand(flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const config = loadConfig(flags.config, io.cwd);
  if (flags.builtinRules === false) config.builtinRules = false;
  const failOn = parseFailOn(flags.failOn ?? config.failOn ?? 'high');
  const outputs = resolveOutputs(flags.format, flags.output, io.stdoutIsTTY);
  const definitions = selectDefinitions(loadDefinitions(config, flags.rules, io.cwd), config);
  const overrides = [...config.parameters, ...flags.param.map((flag) => parseParamFlag(flag, definitions))];
  const engine = buildEngine(definitions, overrides);

  const context = { io, engine, verbose: Boolean(flags.verbose), quiet: Boolean(flags.quiet) };
  const sources: InventorySource[] = [];
  for (const kind of sourceKinds) sources.push(...(await kind.createSources(flags, context)));
  if (sources.length === 0) {
    throw new UsageError(
      `nothing to scan: give ${sourceKinds.map((kind) => kind.usage).join(', or ')}`,
      'example: keyscope scan --input inventory.json',
    );
  }
  const result = await runScan(engine, sources, {
    version: packageVersion(),
    ...(flags.timestamps ? { clock: () => new Date() } : {}),
  });

  const color = io.stdoutIsTTY && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
  for (const output of outputs) {
    const pieces = reporters[output.format](result, { color: output.file === undefined && color });
    if (output.file === undefined) await io.writeStdout(pieces);
    else await io.writeFile(path.resolve(io.cwd, output.file), pieces);
  }
  return exitCodeFor(result, failOn);
}

function parseFailOn(text: string): Severity | 'none' {
  if (text === 'none' || (SEVERITIES as readonly string[]).includes(text)) return text as Severity | 'none';
  throw new UsageError(`--fail-on '${text}' is not a severity`, `use one of: ${SEVERITIES.join(', ')}, none`);
}

/** 2 for unreadable input, 3 for an incomplete scan, 1 for findings at or above the threshold, else 0. */
export function exitCodeFor(result: ScanResult, failOn: Severity | 'none'): ExitCode {
  if (result.scan.errors.some((problem) => problem.fatal)) return ExitCode.Usage;
  if (!result.scan.complete) return ExitCode.Incomplete;
  if (failOn === 'none') return ExitCode.Ok;
  const threshold = severityRank(failOn);
  return result.findings.some((finding) => severityRank(finding.severity) >= threshold) ? ExitCode.Findings : ExitCode.Ok;
}
