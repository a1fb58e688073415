// A stand-in for the Bicep CLI in tests (this machine cannot download Bicep),
// run as `KEYSCOPE_BICEP=dist/test/support/bicep-stand-in.js`.
// `build --stdout DIR/NAME.bicep` prints DIR/NAME.json, the template the real
// Bicep compiler made of it; `build-params --stdout DIR/NAME.bicepparam`
// prints {"parametersJson": <DIR/NAME.parameters.json>} as Bicep does. Any
// other request fails the way Bicep reports errors: FILE(LINE,COL) : Error CODE: message.
import { readFileSync } from 'node:fs';

const [command, flag, file] = process.argv.slice(2);

function fail(message: string): never {
  process.stderr.write(`${file ?? ''}(1,1) : Error BCP091: ${message} [https://aka.ms/bicep/core-diagnostics#BCP091]\n`);
  process.exit(1);
}

if (flag !== '--stdout' || file === undefined) fail('the stand-in answers only build --stdout FILE and build-params --stdout FILE');
const swap = (from: string, to: string): string | undefined =>
  file.toLowerCase().endsWith(from) ? file.slice(0, -from.length) + to : undefined;
const compiled =
  command === 'build' ? swap('.bicep', '.json') : command === 'build-params' ? swap('.bicepparam', '.parameters.json') : undefined;
if (compiled === undefined) fail(`the stand-in cannot ${command} this file`);
let text: string;
try {
  text = readFileSync(compiled, 'utf8');
} catch {
  fail(`An error occurred reading file. Could not find file '${compiled}'.`);
}
process.stdout.write(command === 'build' ? text : JSON.stringify({ parametersJson: text }));
