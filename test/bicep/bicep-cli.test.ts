import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BicepCompiler, findBicep, parseDiagnostics, type BicepCli } from '../../src/sources/bicep/index.js';
import { fixture } from '../helpers.js';
import { standIn } from './support.js';

describe('the Bicep CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keyscope-bicep-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An executable shell script that prints its arguments, one a line, as a CLI on PATH would be found. */
  const fakeCli = (folder: string, name: string): string => {
    mkdirSync(path.join(dir, folder), { recursive: true });
    const file = path.join(dir, folder, name);
    writeFileSync(file, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(file, 0o755);
    return file;
  };

  test('found as KEYSCOPE_BICEP, else bicep on PATH, else az bicep; none at all is undefined', () => {
    const bicep = fakeCli('one', 'bicep');
    const az = fakeCli('two', 'az');
    const both = [path.dirname(bicep), path.dirname(az)].join(path.delimiter);
    expect(findBicep({ KEYSCOPE_BICEP: az, PATH: both })).toEqual({
      describe: `KEYSCOPE_BICEP (${az})`,
      command: az,
      style: 'bicep',
      prefix: [],
    });
    expect(findBicep({ PATH: both })).toEqual({ describe: 'bicep', command: bicep, style: 'bicep', prefix: [] });
    expect(findBicep({ PATH: path.dirname(az) })).toEqual({ describe: 'az bicep', command: az, style: 'az', prefix: [] });
    expect(findBicep({ PATH: path.join(dir, 'nothing') })).toBeUndefined();
    expect(findBicep({ KEYSCOPE_BICEP: path.join(dir, 'missing'), PATH: both })).toEqual({
      error: `KEYSCOPE_BICEP is ${path.join(dir, 'missing')}, which is not an executable file`,
    });
    expect(findBicep({ KEYSCOPE_BICEP: standIn })).toEqual({
      describe: `KEYSCOPE_BICEP (${standIn})`,
      command: process.execPath,
      style: 'bicep',
      prefix: [standIn],
    });
  });

  test('each CLI gets its own arguments: bicep build --stdout FILE, az bicep build --file FILE --stdout', async () => {
    const bicep = fakeCli('args1', 'bicep');
    const az = fakeCli('args2', 'az');
    expect(await new BicepCompiler({ describe: 'bicep', command: bicep, style: 'bicep', prefix: [] }).build('/x/main.bicep')).toEqual({
      ok: true,
      text: 'build\n--stdout\n/x/main.bicep\n',
    });
    expect(await new BicepCompiler({ describe: 'az bicep', command: az, style: 'az', prefix: [] }).build('/x/main.bicep')).toEqual({
      ok: true,
      text: 'bicep\nbuild\n--file\n/x/main.bicep\n--stdout\n',
    });
  });

  test("Bicep's diagnostics are read with their file, line, column and code; other lines are ignored", () => {
    const stderr = [
      'WARNING: a note from the Azure CLI',
      '/src/main.bicep(3,10) : Error BCP018: Expected the "=" character at this location. [https://aka.ms/bicep/core-diagnostics#BCP018]',
      'C:\\src\\mod.bicep(12,1) : Warning no-unused-params: Parameter "x" is declared but never used. [https://aka.ms/bicep/linter/no-unused-params]',
      '/src/main.bicep(7,3) : Error BCP037: The property "foo" is not allowed on objects of type "X".',
    ].join('\n');
    expect(parseDiagnostics(stderr)).toEqual([
      {
        file: '/src/main.bicep',
        line: 3,
        column: 10,
        level: 'Error',
        code: 'BCP018',
        message: 'Expected the "=" character at this location.',
      },
      {
        file: 'C:\\src\\mod.bicep',
        line: 12,
        column: 1,
        level: 'Warning',
        code: 'no-unused-params',
        message: 'Parameter "x" is declared but never used.',
      },
      {
        file: '/src/main.bicep',
        line: 7,
        column: 3,
        level: 'Error',
        code: 'BCP037',
        message: 'The property "foo" is not allowed on objects of type "X".',
      },
    ]);
  });

  const standInCli: BicepCli = { describe: 'stand-in', command: process.execPath, style: 'bicep', prefix: [standIn] };

  test('the stand-in compiles by answering with the JSON beside the file, and fails as Bicep does otherwise', async () => {
    const compiler = new BicepCompiler(standInCli);
    const built = await compiler.build(fixture('bicep', 'project', 'main.bicep'));
    expect(built.ok && JSON.parse(built.text).resources.vault.type).toBe('Microsoft.KeyVault/vaults');
    const params = await compiler.buildParams(fixture('bicep', 'project', 'main.bicepparam'));
    expect(params.ok && JSON.parse(params.text).parameters).toEqual({ purgeProtection: { value: true } });
    const broken = fixture('bicep', 'broken', 'main.bicep');
    expect(await compiler.build(broken)).toEqual({
      ok: false,
      message: expect.stringMatching(/^stand-in build failed: .*main\.bicep\(1,1\) : Error BCP091/),
      diagnostics: [
        {
          file: broken,
          line: 1,
          column: 1,
          level: 'Error',
          code: 'BCP091',
          message: `An error occurred reading file. Could not find file '${fixture('bicep', 'broken', 'main.json')}'.`,
        },
      ],
    });
  });

  test('a CLI that hangs is stopped at the time limit and reported', async () => {
    const slow = path.join(dir, 'slow.mjs');
    writeFileSync(slow, 'setTimeout(() => {}, 60000);\n');
    const compiler = new BicepCompiler({ ...standInCli, prefix: [slow] }, { timeoutMs: 300, maxBytes: 1024 });
    expect(await compiler.build('/x/main.bicep')).toEqual({
      ok: false,
      message: 'stand-in did not finish within 0.3 s',
      diagnostics: [],
    });
  });

  test('output beyond the limit is refused, not held', async () => {
    const loud = path.join(dir, 'loud.mjs');
    writeFileSync(loud, "process.stdout.write('x'.repeat(100000));\n");
    const compiler = new BicepCompiler({ ...standInCli, prefix: [loud] }, { timeoutMs: 10000, maxBytes: 1024 });
    expect(await compiler.build('/x/main.bicep')).toEqual({ ok: false, message: 'stand-in wrote more than 1024 bytes', diagnostics: [] });
  });

  test('planned templates compile ahead of the scan, at most `ahead` at once, each result handed to its own template in order', async () => {
    // A CLI that logs when each compile starts and ends, takes 150 ms, and answers with the file's name.
    const log = path.join(dir, 'compiles.log');
    const timed = path.join(dir, 'timed.mjs');
    writeFileSync(
      timed,
      [
        "import { appendFileSync } from 'node:fs';",
        'const file = process.argv.at(-1);',
        `appendFileSync(${JSON.stringify(log)}, 'start ' + file + '\\n');`,
        'setTimeout(() => {',
        `  appendFileSync(${JSON.stringify(log)}, 'end ' + file + '\\n');`,
        '  process.stdout.write(JSON.stringify({ compiled: file }));',
        '}, 150);',
      ].join('\n'),
    );
    writeFileSync(log, '');
    const templates = ['/t/a.bicep', '/t/b.bicep', '/t/c.bicep', '/t/d.bicep', '/t/e.bicep'];
    const compiler = new BicepCompiler({ ...standInCli, prefix: [timed] }, { timeoutMs: 10000, maxBytes: 1024 }, 2);
    compiler.plan(templates);
    const results: unknown[] = [];
    // As the scan does: one template at a time, each evaluated before the next is asked for.
    for (const file of templates) results.push(await compiler.build(file));
    expect(results).toEqual(templates.map((file) => ({ ok: true, text: JSON.stringify({ compiled: file }) })));

    const events = readFileSync(log, 'utf8').trim().split('\n');
    // Each compiled once.
    expect(events.filter((event) => event.startsWith('start')).sort()).toEqual(templates.map((file) => `start ${file}`));
    let running = 0;
    let most = 0;
    for (const event of events) {
      running += event.startsWith('start') ? 1 : -1;
      most = Math.max(most, running);
    }
    // Two at once, never more: b started before a ended.
    expect(most).toBe(2);
    expect(events.indexOf('start /t/b.bicep')).toBeLessThan(events.indexOf('end /t/a.bicep'));

    // A template not in the plan (or asked for again) compiles on its own, when asked.
    writeFileSync(log, '');
    expect(await compiler.build('/t/a.bicep')).toEqual({ ok: true, text: JSON.stringify({ compiled: '/t/a.bicep' }) });
    expect(readFileSync(log, 'utf8')).toBe('start /t/a.bicep\nend /t/a.bicep\n');
  });
});
