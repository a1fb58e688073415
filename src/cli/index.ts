export { run } from './run.js';
export { ExitCode } from './exit-codes.js';
export { type CliIo, type TextSink } from './io.js';
export { processIo } from './process-io.js';
