/**
 * The invariant every fuzz target is held to: any input ends in a report or
 * a located error (exit 0 to 3), within a time proportional to its size,
 * with no uncaught exception, no stack trace or internal error on stderr,
 * and no change to `Object.prototype` (or `Array.prototype`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCaptured, type InProcessRun } from '../test/support/in-process.js';

/** The project root (this file runs from dist/fuzz). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A broken invariant: what was fed in is kept with it, to become a regression case. */
export class FuzzDefect extends Error {}

/** A fixed time plus one per KB, generous for a 2-core machine shared by others: the point is "bounded", not "fast". */
export function timeBound(bytes: number): number {
  return 10_000 + bytes / 1024;
}

const prototypeNames = (): string =>
  [Object.prototype, Array.prototype, Function.prototype].map((proto) => Object.getOwnPropertyNames(proto).sort().join(',')).join('|');
const pristine = prototypeNames();

/** Throws when a prototype gained or lost a member, or an object literal inherits something it should not. */
export function checkPrototypes(): void {
  const probe = {} as Record<string, unknown>;
  if (prototypeNames() !== pristine || probe['polluted'] !== undefined || probe['isAdmin'] !== undefined)
    throw new FuzzDefect('Object.prototype (or another built-in prototype) was changed');
}

/** Times a run against the bound for its input's size. */
export async function timed<T>(bytes: number, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  if (ms > timeBound(bytes))
    throw new FuzzDefect(`took ${Math.round(ms)} ms for ${bytes} bytes (bound ${Math.round(timeBound(bytes))} ms)`);
  return value;
}

/** What a CLI run printed and returned. */
export type CliOutcome = InProcessRun;

/** Runs the CLI in-process (as `keyscope ...args`) from `cwd`. */
export function runKeyscope(args: readonly string[], cwd = root): Promise<CliOutcome> {
  return runCaptured(args, cwd, { NO_COLOR: '1' });
}

/** Marks of an internal error: a stack frame, the CLI's internal-error line, a template keyscope failed on. */
const INTERNAL = [/^\s+at .+:\d+:\d+\)?$/m, /internal-error/, /keyscope could not evaluate the template/];

/** Checks a CLI outcome against the invariant. */
export function checkOutcome(outcome: CliOutcome): void {
  if (!(outcome.code >= 0 && outcome.code <= 3)) throw new FuzzDefect(`exit code ${outcome.code}`);
  for (const text of [outcome.stderr, outcome.stdout]) {
    const mark = INTERNAL.find((pattern) => pattern.test(text));
    if (mark) throw new FuzzDefect(`an internal error was printed (${mark}): ${text.slice(0, 2000)}`);
  }
  checkPrototypes();
}

/**
 * Writes `input` as `name` in a fresh folder, runs keyscope with `args`
 * (`{file}` stands for its path) and checks the invariant.
 */
export async function checkCli(name: string, input: string, args: readonly string[]): Promise<CliOutcome> {
  return inFolder(new Map([[name, input]]), async (dir) => {
    const file = path.join(dir, name);
    const outcome = await timed(Buffer.byteLength(input), () => runKeyscope(args.map((arg) => arg.replaceAll('{file}', file))));
    checkOutcome(outcome);
    return outcome;
  });
}

/** A relative path a multi-file input may name: plain segments, no `..`, nothing absolute. */
const SAFE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.-]+(?:\/[\w.-]+)*$/;

/**
 * Several files in one input, so one string can be mutated as a whole: the
 * text up to the first `//// PATH` line is `first`; each such line starts
 * the file at PATH (a comment in HCL and Bicep alike). Lines naming a path
 * outside the folder are kept as text.
 */
export function filesOf(input: string, first: string): Map<string, string> {
  const files = new Map<string, string>();
  let name = first;
  let lines: string[] = [];
  for (const line of input.split('\n')) {
    const header = /^\/\/\/\/ (\S+)\s*$/.exec(line);
    if (header && SAFE_PATH.test(header[1]!) && header[1]!.length < 200) {
      files.set(name, (files.get(name) ?? '') + lines.join('\n'));
      name = header[1]!;
      lines = [];
    } else lines.push(line);
  }
  files.set(name, (files.get(name) ?? '') + lines.join('\n'));
  return files;
}

/** Writes `files` into a fresh folder, runs `work` on it, removes it. */
export async function inFolder<T>(files: ReadonlyMap<string, string>, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyscope-fuzz-'));
  try {
    for (const [name, text] of files) {
      const file = path.join(dir, name);
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      } catch {
        // A name that collides with a folder of another file: the input simply lacks that file.
      }
    }
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Like checkCli, for a multi-file input (see filesOf); `{dir}` in `args` stands for the folder. */
export async function checkCliFiles(input: string, first: string, args: readonly string[]): Promise<CliOutcome> {
  return inFolder(filesOf(input, first), async (dir) => {
    const outcome = await timed(Buffer.byteLength(input), () => runKeyscope(args.map((arg) => arg.replaceAll('{dir}', dir))));
    checkOutcome(outcome);
    return outcome;
  });
}

/**
 * Calls a reader or evaluator directly: it may return or throw one of the
 * `located` error classes; anything else is a defect.
 */
export async function checkDirect(
  input: string,
  call: () => unknown,
  located: readonly (abstract new (...args: never[]) => Error)[],
): Promise<void> {
  await timed(Buffer.byteLength(input), () => {
    try {
      call();
    } catch (error) {
      if (!located.some((kind) => error instanceof kind))
        throw new FuzzDefect(`uncaught ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`, { cause: error });
    }
  });
  checkPrototypes();
}
