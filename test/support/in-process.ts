/**
 * The CLI run in-process with its output captured: the test helpers and the
 * fuzz harness both drive keyscope this way. No jest here: fuzz/ imports it
 * and runs outside jest (`node dist/fuzz/run.js`).
 */
import { run, type CliIo } from '../../src/cli/index.js';

/** What an in-process run printed, wrote and returned. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The files the run wrote (its outputs), by the path it gave: kept here, not written to disk. */
  files: Map<string, string>;
}

/** Runs `keyscope ...args` in-process from `cwd` with exactly the environment `env`, neither stream a terminal. */
export async function runCaptured(args: readonly string[], cwd: string, env: Readonly<Record<string, string>>): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { ...env },
    cwd,
    writeFile(file, pieces) {
      files.set(file, [...pieces].join(''));
      return Promise.resolve();
    },
    writeStdout(pieces) {
      for (const piece of pieces) stdout += piece;
      return Promise.resolve();
    },
  };
  const code = await run(args, io);
  return { code, stdout, stderr, files };
}
