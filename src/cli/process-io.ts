import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CliIo } from './io.js';

async function writeAll(stream: Writable, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (!stream.write(piece)) await once(stream, 'drain');
  }
}

/** The real process's streams, folder and environment. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    async writeFile(file, pieces) {
      const stream = createWriteStream(file);
      await writeAll(stream, pieces);
      stream.end();
      await once(stream, 'finish');
    },
    writeStdout: (pieces) => writeAll(process.stdout, pieces),
  };
}
