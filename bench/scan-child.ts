/**
 * The benchmark's scan process: times the scan itself, `run()` from parsing
 * the command line and loading the rules to the last byte of the report,
 * in a started process, as JSON.parse is timed in a started process with
 * its text already read. Loading Node and keyscope's modules is start-up,
 * the same for every input; the bench reports the whole process's wall time
 * beside it.
 */
import module from 'node:module';

module.enableCompileCache?.();
const { processIo, run } = await import('../src/cli/index.js');
const started = performance.now();
const code = await run(process.argv.slice(2), processIo());
process.stderr.write(`\nscan-ms=${performance.now() - started}\n`);
process.exitCode = code;
