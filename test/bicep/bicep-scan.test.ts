import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkedSarif } from '../support/sarif-check.js';
import { runWith, scanBicep, standIn } from './support.js';

const PROJECT = 'fixtures/bicep/project';
const NOTES = [
  'keyscope: skipped fixtures/bicep/project/main.parameters.json: a deployment parameters file (give it with --parameters)\n',
  'keyscope: skipped fixtures/bicep/project/modules/storage.bicep: a module of ../main.bicep (scanned through it)\n',
  'keyscope: skipped fixtures/bicep/project/main.json: compiled from main.bicep beside it\n',
  'keyscope: skipped fixtures/bicep/project/modules/storage.json: compiled from storage.bicep beside it\n',
].join('');

/** Findings as `[ruleId, file, line, column, property, compiled pointer]`. */
const rows = (document: Awaited<ReturnType<typeof scanBicep>>['document']): unknown[][] =>
  document.findings.map((f) => [
    f.ruleId,
    f.location.file,
    f.location.line,
    f.location.column,
    f.location.property,
    f.location.compiled?.pointer,
  ]);

describe('keyscope scan --template with Bicep', () => {
  test('a folder: the .bicep is scanned once; the main.json compiled from it and the module file are skipped with a note', async () => {
    const { code, stderr, document } = await scanBicep(['--template', PROJECT]);
    expect(stderr).toBe(NOTES);
    expect(code).toBe(1);
    expect(document.scan.sources).toEqual([{ kind: 'arm', target: 'fixtures/bicep/project/main.bicep', resources: 2 }]);
    expect(document.scan.errors).toEqual([]);
    // Each finding at the line of the .bicep that writes the property (or the nearest written parent), in the module's own file for the module's resource.
    expect(rows(document)).toEqual([
      [
        'cmk.storage-account',
        'fixtures/bicep/project/modules/storage.bicep',
        13,
        7,
        'properties.encryption.keySource',
        '/resources/storage/properties/template/resources/account/properties/encryption/keySource',
      ],
      [
        'keyvault.purge-protection',
        'fixtures/bicep/project/main.bicep',
        29,
        5,
        'properties.enablePurgeProtection',
        '/resources/vault/properties/enablePurgeProtection',
      ],
      [
        'keyvault.rbac-authorization',
        'fixtures/bicep/project/main.bicep',
        22,
        3,
        'properties.enableRbacAuthorization',
        '/resources/vault/properties',
      ],
    ]);
    // The compiled position is kept, with no top-level pointer (it would be a pointer into the .bicep).
    expect(document.findings[1]!.location).toEqual({
      kind: 'arm',
      file: 'fixtures/bicep/project/main.bicep',
      line: 29,
      column: 5,
      compiled: { line: 43, column: 9, pointer: '/resources/vault/properties/enablePurgeProtection' },
      property: 'properties.enablePurgeProtection',
    });
  });

  test('a .bicepparam file is compiled with build-params and applies to its template', async () => {
    const { code, document } = await scanBicep(['--template', `${PROJECT}/main.bicep`, '--parameters', `${PROJECT}/main.bicepparam`]);
    expect(code).toBe(1);
    expect(document.findings.map((f) => f.ruleId)).toEqual(['cmk.storage-account', 'keyvault.rbac-authorization']);
  });

  test('text output and SARIF name the .bicep file and line', async () => {
    const text = await runWith(['scan', '--template', `${PROJECT}/main.bicep`, '--format', 'text'], { KEYSCOPE_BICEP: standIn, PATH: '' });
    expect(text.stdout).toContain(
      "  fixtures/bicep/project/main.bicep:29:5  keyvault.purge-protection  microsoft.keyvault/vaults 'kv-bicep-fixture': properties.enablePurgeProtection is false (expected equals true).\n",
    );
    const sarif = await runWith(['scan', '--template', `${PROJECT}/main.bicep`, '--format', 'sarif'], {
      KEYSCOPE_BICEP: standIn,
      PATH: '',
    });
    const log = checkedSarif(sarif.stdout, 'github');
    expect(
      log.runs[0]!.results!.map((r) => {
        const at = r.locations![0]!.physicalLocation!;
        return `${r.ruleId} ${at.artifactLocation!.uri}:${at.region!.startLine}:${at.region!.startColumn}`;
      }),
    ).toEqual([
      'cmk.storage-account fixtures/bicep/project/modules/storage.bicep:13:7',
      'keyvault.purge-protection fixtures/bicep/project/main.bicep:29:5',
      'keyvault.rbac-authorization fixtures/bicep/project/main.bicep:22:3',
    ]);
  });

  test("a compile error is reported at Bicep's file, line and column (exit 2), and the other templates are still scanned", async () => {
    const { code, document } = await scanBicep([
      '--template',
      'fixtures/bicep/broken/main.bicep',
      '--template',
      'fixtures/arm/dir/main.json',
    ]);
    expect(code).toBe(2);
    expect(document.scan.errors).toEqual([
      {
        code: 'bicep-compile-failed',
        message: `BCP091: An error occurred reading file. Could not find file '${path.resolve('fixtures/bicep/broken/main.json')}'.`,
        target: 'fixtures/bicep/broken/main.bicep',
        line: 1,
        column: 1,
        fatal: true,
      },
    ]);
    expect(document.findings.map((f) => [f.ruleId, f.location.file])).toEqual([
      ['keyvault.purge-protection', 'fixtures/arm/dir/main.json'],
    ]);
  });

  test('a missing parameter is reported at its param line in the .bicep', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyscope-bicep-scan-'));
    try {
      const { document } = await scanBicep(['--template', `${PROJECT}/modules/storage.bicep`]);
      // A deploy-time unknown, not a failure to read: a notice (the scan stays complete).
      expect(document.scan.errors).toEqual([]);
      expect(document.scan.notices).toEqual([
        {
          code: 'template-parameter-missing',
          message: "the parameter 'accountName' has no value and no default: what depends on it is unknown (give it with --parameters)",
          target: 'fixtures/bicep/project/modules/storage.bicep',
          line: 2,
          column: 1,
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a .bicep file that does not exist is unreadable input (exit 2), reported before any compile', async () => {
    const { code, document } = await scanBicep(['--template', 'fixtures/bicep/missing.bicep']);
    expect(code).toBe(2);
    expect(document.scan.errors).toEqual([
      {
        code: 'input-unreadable',
        message: `cannot read: ENOENT: no such file or directory, access '${path.resolve('fixtures/bicep/missing.bicep')}'`,
        target: 'fixtures/bicep/missing.bicep',
        fatal: true,
      },
    ]);
  });

  test('with no Bicep CLI anywhere: exit 2, naming the three places and how to install Bicep', async () => {
    const result = await runWith(['scan', '--template', `${PROJECT}/main.bicep`], { PATH: path.join(tmpdir(), 'keyscope-no-such-dir') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'usage  no Bicep CLI found: keyscope looks for KEYSCOPE_BICEP (a path to the Bicep CLI), `bicep` on PATH, or the Azure CLI (`az bicep`)',
        '  hint: install Bicep: az bicep install, or see https://learn.microsoft.com/azure/azure-resource-manager/bicep/install',
        '',
      ].join('\n'),
    );
  });

  test('a .bicepparam file with a JSON template is a usage error', async () => {
    const result = await runWith(['scan', '--template', 'fixtures/arm/dir/main.json', '--parameters', `${PROJECT}/main.bicepparam`], {
      KEYSCOPE_BICEP: standIn,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a .bicepparam file, and fixtures/arm/dir/main.json is not Bicep');
  });
});
