#!/usr/bin/env node
// A stand-in for the Bicep CLI in tests (this machine cannot download Bicep).
// `build --stdout DIR/NAME.bicep` prints DIR/NAME.json, the template the real
// Bicep compiler made of it; `build-params --stdout DIR/NAME.bicepparam`
// prints {"parametersJson": <DIR/NAME.parameters.json>} as Bicep does. Any
// other request fails the way Bicep reports errors: FILE(LINE,COL) : Error CODE: message.
import { readFileSync } from 'node:fs';

const [command, flag, file] = process.argv.slice(2);
const fail = (message) => {
  process.stderr.write(`${file ?? ''}(1,1) : Error BCP091: ${message} [https://aka.ms/bicep/core-diagnostics#BCP091]\n`);
  process.exit(1);
};
if (flag !== '--stdout' || file === undefined) fail(`the stand-in answers only build --stdout FILE and build-params --stdout FILE`);
const sibling = (from, to) => (from.toLowerCase().endsWith(to.from) ? from.slice(0, -to.from.length) + to.to : undefined);
let compiled;
if (command === 'build') compiled = sibling(file, { from: '.bicep', to: '.json' });
else if (command === 'build-params') compiled = sibling(file, { from: '.bicepparam', to: '.parameters.json' });
if (compiled === undefined) fail(`the stand-in cannot ${command} this file`);
let text;
try {
  text = readFileSync(compiled, 'utf8');
} catch {
  fail(`An error occurred reading file. Could not find file '${compiled}'.`);
}
process.stdout.write(command === 'build' ? text : JSON.stringify({ parametersJson: text }));
