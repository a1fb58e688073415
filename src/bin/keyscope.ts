#!/usr/bin/env node
import { processIo, run } from '../cli/index.js';

// The only place that touches the process's exit status.
process.exitCode = await run(process.argv.slice(2), processIo());
