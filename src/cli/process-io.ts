import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KeyscopeError } from '../errors/index.js';
import type { CliIo } from './io.js';

/**
 * Writes to standard output until the reader goes away: `keyscope scan | head`
 * closing the pipe early is the reader's choice, not a keyscope error.
 */
async function writeStdout(pieces: Iterable<string>): Promise<void> {
  let closed = false;
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') closed = true;
    else throw error;
  };
  process.stdout.on('error', onError);
  try {
    for (const piece of pieces) {
      if (closed) return;
      // once() rejects when the stream errors, so a reader gone while we wait ends up in the catch.
      if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  } finally {
    if (!closed) process.stdout.off('error', onError);
  }
}

/** The real process's streams, folder and environment. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ...(process.stderr.columns ? { stderrColumns: process.stderr.columns } : {}),
    env: process.env,
    cwd: process.cwd(),
    async writeFile(file, pieces) {
      // pipeline handles the file stream's errors (a missing folder, a full disk) and back-pressure.
      try {
        await pipeline(Readable.from(pieces), createWriteStream(file));
      } catch (error) {
        throw new KeyscopeError('output-unwritable', `cannot write the report: ${(error as Error).message}`, {
          position: { file },
          cause: error,
        });
      }
    },
    writeStdout,
  };
}
