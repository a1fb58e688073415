import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCaptured, type InProcessRun } from './support/in-process.js';

/** The project root (tests run from dist/test). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixtures = path.join(root, 'fixtures');
export const fixture = (...parts: string[]): string => path.join(fixtures, ...parts);
export const cliPath = path.join(root, 'dist', 'src', 'bin', 'keyscope.js');

/** `../shared` beside the project, when a developer or CI has it. */
export const sharedDir = path.resolve(root, '..', 'shared');
export const hasShared = existsSync(path.join(sharedDir, 'bench', 'gen-inventory.mjs'));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process, the way users and CI do. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? root,
    // No plain progress line however slow the machine: tests that want them set their own interval.
    env: { ...process.env, NO_COLOR: '1', KEYSCOPE_PROGRESS_INTERVAL_MS: '3600000', ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI in-process with captured output (fast; for many small cases); no progress line however slow the machine. */
export function runInProcess(args: readonly string[], cwd = root): Promise<InProcessRun> {
  return runCaptured(args, cwd, { NO_COLOR: '1', KEYSCOPE_PROGRESS_INTERVAL_MS: '3600000' });
}
