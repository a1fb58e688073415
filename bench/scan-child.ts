/**
 * The benchmark's scan process: times the scan itself, `run()` from parsing
 * the command line and loading the rules to the last byte of the report,
 * in a started process, as JSON.parse is timed in a started process with
 * its text already read. Loading Node and keyscope's modules is start-up,
 * the same for every input; the bench reports the whole process's wall time
 * beside it. It also counts what the report holds (characters of JSON,
 * within a few per cent of its bytes), because the report's size is as much
 * a part of the time as the inventory's.
 */
import module from 'node:module';

module.enableCompileCache?.();
const { processIo, run } = await import('../src/cli/index.js');
const io = processIo();
let reportChars = 0;
const writeFile = io.writeFile.bind(io);
io.writeFile = (file, pieces) =>
  writeFile(
    file,
    (function* counted() {
      for (const piece of pieces) {
        reportChars += piece.length;
        yield piece;
      }
    })(),
  );
const started = performance.now();
const cpu = process.cpuUsage();
const code = await run(process.argv.slice(2), io);
const { user, system } = process.cpuUsage(cpu);
process.stderr.write(`\nscan-ms=${performance.now() - started}\ncpu-ms=${(user + system) / 1000}\nreport-chars=${reportChars}\n`);
process.exitCode = code;
