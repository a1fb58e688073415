import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers.js';

const broken = 'fixtures/inventories/broken-line-2.ndjson';
const brokenLine = `${broken}:2:1  input-invalid  malformed JSON record: Unexpected token '}', ..."lete": tru}}" is not valid JSON\n`;

/** Problems that stop or spoil a scan reach stderr, one line each, whatever the format and wherever the report goes. */
describe('problems on stderr', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'keyscope-stderr-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('a broken line 2, JSON to stdout: exit 2, one stderr line naming the file and line; the report carries it too', () => {
    const result = runCli(['scan', '--input', broken, '--format', 'json']);
    expect([result.code, result.stderr]).toEqual([2, brokenLine]);
    const document = JSON.parse(result.stdout) as { scan: { errors: { code: string; target: string; line: number }[] } };
    expect(document.scan.errors.map((e) => `${e.target}:${e.line} ${e.code}`)).toEqual([`${broken}:2 input-invalid`]);
  });

  test('SARIF to a file, --quiet: the same one line', () => {
    const out = path.join(folder, 'x.sarif');
    const result = runCli(['scan', '--input', broken, '--format', 'sarif', '--output', out, '--quiet']);
    expect([result.code, result.stdout, result.stderr]).toEqual([2, '', brokenLine]);
    expect(readFileSync(out, 'utf8')).toContain('input-invalid');
  });

  test.each(['fixtures/inventories/missing.json', 'fixtures/inventories/missing.json.gz'])(
    'a missing input (%s): exit 2, one line naming it, no stack trace',
    (file) => {
      const result = runCli(['scan', '--input', file, '--format', 'json', '--output', path.join(folder, 'missing.json')]);
      expect([result.code, result.stdout, result.stderr]).toEqual([
        2,
        '',
        `${file}  input-unreadable  cannot read: ENOENT: no such file or directory, open '${file}'\n`,
      ]);
    },
  );

  test('an incomplete scan (exit 3) says why on stderr too', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/record-without-type.json', '--format', 'json']);
    expect(result.code).toBe(3);
    expect(
      result.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('  ').slice(0, 2).join('  ')),
    ).toEqual([
      'fixtures/inventories/record-without-type.json:3:1  record-invalid',
      'fixtures/inventories/record-without-type.json:4:1  record-invalid',
    ]);
  });

  test('a report that cannot be written: exit 2, one line naming the file, no stack trace', () => {
    const out = path.join(folder, 'no-such-folder', 'report.json');
    const result = runCli(['scan', '--input', 'fixtures/inventories/three-vaults.json', '--output', out]);
    expect([result.code, result.stderr]).toEqual([
      2,
      `${out}  output-unwritable  cannot write the report: ENOENT: no such file or directory, open '${out}'\n`,
    ]);
  });
});
