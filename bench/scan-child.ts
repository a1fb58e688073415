/**
 * The benchmark's scan process: times keyscope's own work, from loading its
 * modules to the last byte of the report, leaving out only Node's start-up,
 * so the ratio compares like with like (JSON.parse is timed in a started
 * process too). The bench also reports the whole process's wall time.
 */
import module from 'node:module';

module.enableCompileCache?.();
const started = performance.now();
const { processIo, run } = await import('../src/cli/index.js');
const code = await run(process.argv.slice(2), processIo());
process.stderr.write(`\nscan-ms=${performance.now() - started}\n`);
process.exitCode = code;
