#!/usr/bin/env node
import module from 'node:module';

// Reuse compiled bytecode between runs: start-up is a real share of a CI gate's time.
module.enableCompileCache?.();
const { processIo, run } = await import('../cli/index.js');

// The only place that touches the process's exit status.
process.exitCode = await run(process.argv.slice(2), processIo());
