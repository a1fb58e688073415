import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/** How to run the Bicep CLI: the executable and the arguments before a command. */
export interface BicepCli {
  /** How the CLI was found, for messages: `KEYSCOPE_BICEP (/opt/bicep)`, `bicep`, `az bicep`. */
  readonly describe: string;
  readonly command: string;
  /** `az` needs `bicep` before the command and `--file` before the path. */
  readonly style: 'bicep' | 'az';
  /** Arguments before the CLI's own (a Node script given as KEYSCOPE_BICEP runs under this Node). */
  readonly prefix: readonly string[];
}

/** One diagnostic Bicep printed: `main.bicep(3,10) : Error BCP018: Expected the "=" character at this location.` */
export interface BicepDiagnostic {
  file: string;
  line: number;
  column: number;
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  message: string;
}

/** What a compile gave: the JSON, or why there is none. */
export type CompileResult = { ok: true; text: string } | { ok: false; message: string; diagnostics: BicepDiagnostic[] };

/** What compiling a Bicep file may take: a large module tree takes seconds; a hung CLI must not hang the gate. */
export const COMPILE_LIMITS = { timeoutMs: 120_000, maxBytes: 64 * 1024 * 1024 };

/** The three places the CLI is looked for, in order, for the message when none is there. */
export const BICEP_SEARCH = 'KEYSCOPE_BICEP (a path to the Bicep CLI), `bicep` on PATH, or the Azure CLI (`az bicep`)';
export const BICEP_INSTALL =
  'install Bicep: az bicep install, or see https://learn.microsoft.com/azure/azure-resource-manager/bicep/install';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of dirs) for (const candidate of names) if (executable(path.join(dir, candidate))) return path.join(dir, candidate);
  return undefined;
}

/**
 * Finds the Bicep CLI: `KEYSCOPE_BICEP` (a path, for tests and pinned
 * versions), else `bicep` on PATH, else the Azure CLI's copy (`az bicep`).
 * Returns an error text when KEYSCOPE_BICEP names nothing runnable, and
 * undefined when there is none at all.
 */
export function findBicep(env: Readonly<Record<string, string | undefined>>): BicepCli | { error: string } | undefined {
  const pinned = env['KEYSCOPE_BICEP'];
  if (pinned) {
    // A script is run by this Node, so the stand-in works without a shebang or an executable bit (and on Windows).
    if (/\.[cm]?js$/i.test(pinned))
      return { describe: `KEYSCOPE_BICEP (${pinned})`, command: process.execPath, style: 'bicep', prefix: [pinned] };
    if (!executable(pinned)) return { error: `KEYSCOPE_BICEP is ${pinned}, which is not an executable file` };
    return { describe: `KEYSCOPE_BICEP (${pinned})`, command: pinned, style: 'bicep', prefix: [] };
  }
  const bicep = onPath('bicep', env);
  if (bicep) return { describe: 'bicep', command: bicep, style: 'bicep', prefix: [] };
  const az = onPath('az', env);
  if (az) return { describe: 'az bicep', command: az, style: 'az', prefix: [] };
  return undefined;
}

/** `/src/main.bicep(3,10) : Error BCP018: message [https://aka.ms/...]` */
const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\)\s*:\s*(Error|Warning|Info)\s+([A-Za-z0-9-]+)\s*:\s*(.*?)(?:\s+\[https?:[^\]]*\])?\s*$/;

/** The diagnostics in what Bicep wrote to stderr (other lines are ignored). */
export function parseDiagnostics(output: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = DIAGNOSTIC.exec(line.trim());
    if (!match) continue;
    diagnostics.push({
      file: match[1]!,
      line: Number(match[2]),
      column: Number(match[3]),
      level: match[4] as BicepDiagnostic['level'],
      code: match[5]!,
      message: match[6]!,
    });
  }
  return diagnostics;
}

/**
 * Templates compiled at once, ahead of the one being evaluated: each Bicep
 * process spends most of its second or two starting .NET, so a folder of
 * templates compiles in about a half or a quarter of the time on two or
 * four cores, while each compiled template is still taken (and evaluated)
 * in the order the scan reads them.
 */
export const COMPILE_AHEAD = Math.max(1, Math.min(4, availableParallelism()));

/** Compiles Bicep files with the CLI found, one process per file, no shell. */
export class BicepCompiler {
  /** The templates in the order the scan will ask for them (`plan`), and their compiles started ahead. */
  private order = new Map<string, number>();
  private planned: readonly string[] = [];
  private readonly started = new Map<string, Promise<CompileResult>>();

  constructor(
    readonly cli: BicepCli,
    private readonly limits = COMPILE_LIMITS,
    private readonly ahead = COMPILE_AHEAD,
  ) {}

  /**
   * Tells the compiler which templates the scan will build, in order, so
   * `build` can start the next ones while the scan evaluates this one. At
   * most `ahead` compiles run at once; a result is kept only until its
   * template asks for it.
   */
  plan(templates: readonly string[]): void {
    this.planned = templates;
    this.order = new Map(templates.map((file, i) => [file, i]));
  }

  /** `bicep build --stdout FILE`: the template JSON. */
  build(file: string): Promise<CompileResult> {
    const at = this.order.get(file);
    if (at === undefined) return this.run('build', file);
    for (let i = at; i < Math.min(this.planned.length, at + this.ahead); i++) {
      const next = this.planned[i]!;
      if (!this.started.has(next)) this.started.set(next, this.run('build', next));
    }
    const result = this.started.get(file)!;
    this.started.delete(file);
    // Asked once: a second build of the same file compiles it again, as without a plan.
    this.order.delete(file);
    return result;
  }

  /** `bicep build-params --stdout FILE`: the parameters JSON (newer CLIs wrap it with the template; unwrapped here). */
  async buildParams(file: string): Promise<CompileResult> {
    const result = await this.run('build-params', file);
    if (!result.ok) return result;
    return { ok: true, text: parametersText(result.text) };
  }

  private run(command: 'build' | 'build-params', file: string): Promise<CompileResult> {
    const args =
      this.cli.style === 'az'
        ? [...this.cli.prefix, 'bicep', command, '--file', file, '--stdout']
        : [...this.cli.prefix, command, '--stdout', file];
    return new Promise((resolve) => {
      execFile(
        this.cli.command,
        args,
        { timeout: this.limits.timeoutMs, maxBuffer: this.limits.maxBytes, windowsHide: true, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (!error) {
            resolve({ ok: true, text: stdout });
            return;
          }
          const diagnostics = parseDiagnostics(stderr).filter((diagnostic) => diagnostic.level === 'Error');
          const failure = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
          const why =
            failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
              ? `${this.cli.describe} wrote more than ${this.limits.maxBytes} bytes`
              : failure.killed || failure.signal
                ? `${this.cli.describe} did not finish within ${this.limits.timeoutMs / 1000} s`
                : failure.code === 'ENOENT' || failure.code === 'EACCES'
                  ? `${this.cli.describe} could not be run (${failure.code})`
                  : `${this.cli.describe} ${command} failed: ${firstLine(stderr) || failure.message}`;
          resolve({ ok: false, message: why, diagnostics });
        },
      );
    });
  }
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find(Boolean) ?? ''
  );
}

/** `{"parametersJson": "...", "templateJson": "..."}` (Bicep 0.2x and later with --stdout) or the parameters JSON itself. */
function parametersText(stdout: string): string {
  try {
    const value = JSON.parse(stdout) as unknown;
    if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['parametersJson'] === 'string') {
      return (value as Record<string, string>)['parametersJson']!;
    }
  } catch {
    // Not JSON: handed on as it is, and the parameters reader reports where it breaks.
  }
  return stdout;
}
