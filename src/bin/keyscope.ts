#!/usr/bin/env node
import module from 'node:module';

// Reuse compiled bytecode between runs: start-up is a real share of a CI gate's time.
module.enableCompileCache?.();
const { processIo, run } = await import('../cli/index.js');

// A reader that goes away (`keyscope scan --help | head`) is the reader's choice: whatever
// was still to be written to it is dropped, and the exit status stays the command's own.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

// The only place that touches the process's exit status.
process.exitCode = await run(process.argv.slice(2), processIo());
