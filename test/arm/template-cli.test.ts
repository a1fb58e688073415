import { runCli, runInProcess } from '../helpers.js';
import { findingRows, scanJson } from './support.js';

const NOTES = [
  'keyscope: skipped fixtures/arm/dir/main.parameters.json: a deployment parameters file (give it with --parameters)\n',
  "keyscope: skipped fixtures/arm/dir/notes.json: not an ARM template (no deployment template '$schema')\n",
].join('');
/** The error that makes the scan incomplete: on stderr whatever the format, --quiet or not. */
const BROKEN = "fixtures/arm/dir/broken.json:4:3  template-invalid  not valid JSON: ',' was expected\n";

describe('keyscope scan --template', () => {
  test('a folder: templates found by content, others skipped with a note, a broken one reported while the rest is scanned', async () => {
    const { code, stderr, document } = await scanJson(['--template', 'fixtures/arm/dir']);
    expect(stderr).toBe(NOTES + BROKEN);
    expect(code).toBe(3);
    expect(document.scan.sources).toEqual([
      { kind: 'arm', target: 'fixtures/arm/dir/broken.json', resources: 0 },
      { kind: 'arm', target: 'fixtures/arm/dir/main.json', resources: 1 },
      { kind: 'arm', target: 'fixtures/arm/dir/nested/storage.json', resources: 1 },
    ]);
    expect(document.scan.errors).toEqual([
      { code: 'template-invalid', message: "not valid JSON: ',' was expected", target: 'fixtures/arm/dir/broken.json', line: 4, column: 3 },
    ]);
    expect(findingRows(document)).toEqual([
      ['cmk.storage-account', 'stdirnested', 'fail', 12, 39, '"keySource"'],
      ['keyvault.purge-protection', 'kv-dir', 'fail', 17, 9, '"enablePurgeProtection"'],
    ]);
  });

  test('--quiet drops the notes, not the error', async () => {
    const result = await runInProcess(['scan', '--template', 'fixtures/arm/dir', '--quiet', '--format', 'json']);
    expect(result.stderr).toBe(BROKEN);
  });

  test('text output names file:line:col, as compilers do', () => {
    const result = runCli(['scan', '--template', 'fixtures/arm/dir/main.json', '--format', 'text']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^ {2}fixtures\/arm\/dir\/main\.json:17:9 {2}keyvault\.purge-protection {2}microsoft\.keyvault\/vaults 'kv-dir': properties\.enablePurgeProtection is false/m,
    );
  });

  test('with several templates, NAME.parameters.json applies to NAME.json beside it', async () => {
    const { code, document } = await scanJson([
      '--template',
      'fixtures/arm/dir',
      '--template',
      'fixtures/arm/params/vault.json',
      '--parameters',
      'fixtures/arm/dir/main.parameters.json',
      '--parameters',
      'fixtures/arm/params/vault.parameters.json',
      '--quiet',
    ]);
    expect(code).toBe(3); // broken.json
    expect(document.summary.byRule['keyvault.purge-protection']).toEqual({
      severity: 'high',
      pass: 2,
      fail: 0,
      unknown: 0,
      notApplicable: 0,
    });
    expect(findingRows(document).map(([rule, name]) => `${rule} ${name}`)).toEqual([
      'cmk.storage-account stdirnested',
      'keyvault.rbac-authorization kv-params',
      'keyvault.soft-delete-retention kv-params',
    ]);
  });

  test('one template takes every parameters file, later ones winning', async () => {
    const { code, document } = await scanJson([
      '--template',
      'fixtures/arm/params/vault.json',
      '--parameters',
      'fixtures/arm/params/vault.parameters.json',
      '--parameters',
      'fixtures/arm/params/vault.parameters.prod.json',
    ]);
    expect(code).toBe(1);
    expect(findingRows(document)).toEqual([
      ['keyvault.purge-protection', 'kv-params', 'fail', 21, 9, '"enablePurgeProtection"'],
      ['keyvault.rbac-authorization', 'kv-params', 'fail', 22, 9, '"enableRbacAuthorization"'],
      ['keyvault.soft-delete-retention', 'kv-params', 'fail', 20, 9, '"softDeleteRetentionInDays"'],
    ]);
  });

  test.each([
    // Bicep is compiled by the Bicep CLI; this test's process has none (test/bicep scans Bicep with a stand-in).
    [['--template', 'main.bicep'], 'no Bicep CLI found: keyscope looks for KEYSCOPE_BICEP', 'install Bicep: az bicep install'],
    [
      ['--template', 'fixtures/arm/params/vault.json', '--parameters', 'main.bicepparam'],
      '--parameters main.bicepparam is a .bicepparam file, and fixtures/arm/params/vault.json is not Bicep',
      'give a .bicepparam file with the .bicep template it names in its using line',
    ],
    [['--parameters', 'fixtures/arm/params/vault.parameters.json'], '--parameters needs --template', ''],
    [
      ['--template', 'fixtures/arm/dir/main.parameters.json'],
      'fixtures/arm/dir/main.parameters.json is a deployment parameters file, not a template',
      'give it with --parameters',
    ],
    [
      ['--template', 'fixtures/arm/dir', '--parameters', 'fixtures/arm/params/vault.parameters.json', '--quiet'],
      '--parameters fixtures/arm/params/vault.parameters.json matches no template scanned',
      'name it <template>.parameters.json',
    ],
  ])('usage error (exit 2): %j', async (args, message, hint) => {
    const result = await runInProcess(['scan', '--format', 'json', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(hint);
  });

  test('a template that cannot be read is fatal (exit 2); the others are still scanned', async () => {
    const { code, document } = await scanJson(['--template', 'fixtures/arm/missing.json', '--template', 'fixtures/arm/dir/main.json']);
    expect(code).toBe(2);
    expect(document.scan.errors.map((e) => [e.code, e.target, e.fatal])).toEqual([['input-unreadable', 'fixtures/arm/missing.json', true]]);
    expect(document.findings.map((f) => f.resource.name)).toEqual(['kv-dir']);
  });

  test('a folder without templates is an incomplete scan, never a clean one', async () => {
    const { code, document } = await scanJson(['--template', 'fixtures/arm/no-templates', '--quiet']);
    expect(code).toBe(3);
    expect(document.scan.errors).toEqual([
      { code: 'input-empty', message: 'no deployment template found in this folder', target: 'fixtures/arm/no-templates' },
    ]);
  });

  test('the same templates give byte-identical reports', () => {
    const args = ['scan', '--template', 'fixtures/arm/rules', '--template', 'fixtures/arm/features', '--format', 'json', '--quiet'];
    const first = runCli(args);
    expect(first.code).toBe(3);
    expect(runCli(args).stdout).toBe(first.stdout);
  });
});
