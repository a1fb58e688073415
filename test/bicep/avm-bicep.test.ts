import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverBicep, readBicep } from '../../src/sources/bicep/index.js';
import { sharedDir } from '../helpers.js';
import { runWith, scanBicep, standIn, type BicepDocument } from './support.js';

const avm = path.join(sharedDir, 'reference', 'avm', 'res');
const available = existsSync(path.join(avm, 'key-vault', 'vault', 'main.bicep'));

const VAULT_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-des';

/** Real pairs: each module's main.bicep and the main.json the real Bicep compiler made of it, with what to deploy. */
const MODULES: { module: string; parameters: Record<string, unknown>; expected: [string, string, string][] }[] = [
  {
    module: 'key-vault/vault',
    parameters: { name: 'kv-avm', enablePurgeProtection: false, keys: [{ name: 'k1' }] },
    expected: [
      ['key.ec-allowed-curves', 'unknown', 'key'],
      ['key.expiration-set', 'fail', 'key'],
      ['key.hsm-backed', 'fail', 'key'],
      ['key.rotation-policy', 'fail', 'key'],
      ['keyvault.purge-protection', 'fail', 'keyVault'],
    ],
  },
  { module: 'storage/storage-account', parameters: { name: 'stavm' }, expected: [['cmk.storage-account', 'fail', 'storageAccount']] },
  {
    module: 'compute/disk-encryption-set',
    parameters: { name: 'des-avm', customerManagedKey: { keyVaultResourceId: VAULT_ID, keyName: 'des-key' } },
    expected: [
      ['cmk.disk-encryption-set', 'unknown', 'diskEncryptionSet'],
      ['cmk.key-access-scoped', 'unknown', 'diskEncryptionSet'],
      ['cmk.key-resolvable', 'unknown', 'diskEncryptionSet'],
      ['cmk.key-size-for-service', 'unknown', 'diskEncryptionSet'],
      ['cmk.key-store-protected', 'unknown', 'diskEncryptionSet'],
    ],
  },
  { module: 'sql/server', parameters: { name: 'sql-avm' }, expected: [['cmk.sql-server', 'fail', 'server']] },
  { module: 'container-registry/registry', parameters: { name: 'cravm' }, expected: [['cmk.container-registry', 'fail', 'registry']] },
];

/** The declaration of a .bicep file whose lines hold `line`. */
function declarationAt(file: string, line: number): { name: string; target: string } | undefined {
  const declarations = readBicep(readFileSync(file, 'utf8')).declarations.filter((d) => d.line <= line && line <= d.endLine);
  return declarations[declarations.length - 1];
}

const key = (document: BicepDocument): string[] => document.findings.map((f) => `${f.ruleId} ${f.status} ${f.resource.id}`).sort();

(available ? describe : describe.skip)('Bicep findings on real AVM modules (../shared/reference/avm)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keyscope-avm-bicep-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(MODULES)(
    '$module: every finding inside its resource declaration in the .bicep, the same findings as its main.json',
    async ({ module, parameters, expected }) => {
      const p = path.join(dir, `${module.replace('/', '-')}.json`);
      writeFileSync(p, JSON.stringify({ parameters: Object.fromEntries(Object.entries(parameters).map(([n, value]) => [n, { value }])) }));
      const bicep = await scanBicep(['--template', path.join(avm, module, 'main.bicep'), '--parameters', p]);
      const json = await scanBicep(['--template', path.join(avm, module, 'main.json'), '--parameters', p]);
      expect(key(bicep.document)).toEqual(key(json.document));
      const located = bicep.document.findings.map((finding) => {
        const { file, line } = finding.location;
        expect(file).toMatch(/\.bicep$/);
        const declaration = declarationAt(file, line);
        // The declaration that holds the line declares the finding's resource type.
        expect([finding.ruleId, declaration?.target.split('@')[0]!.toLowerCase()]).toEqual([finding.ruleId, finding.resource.type]);
        return [finding.ruleId, finding.status, declaration?.name];
      });
      expect(located).toEqual(expected);
    },
  );

  test('the acceptance case: purge protection off reports keyvault.purge-protection at its line inside the keyVault declaration', async () => {
    const p = path.join(dir, 'purge.json');
    writeFileSync(p, JSON.stringify({ parameters: { name: { value: 'kv-avm' }, enablePurgeProtection: { value: false } } }));
    const result = await runWith(
      ['scan', '--template', path.join(avm, 'key-vault', 'vault', 'main.bicep'), '--parameters', p, '--format', 'text'],
      { KEYSCOPE_BICEP: standIn, PATH: '' },
    );
    expect(result.code).toBe(1);
    const file = path.join(avm, 'key-vault', 'vault', 'main.bicep');
    expect(result.stdout).toContain(
      `  ${file}:206:5  keyvault.purge-protection  microsoft.keyvault/vaults 'kv-avm': properties.enablePurgeProtection is not set (expected equals true).\n`,
    );
    expect(readFileSync(file, 'utf8').split('\n')[205]).toBe(
      '    enablePurgeProtection: enablePurgeProtection ? enablePurgeProtection : null',
    );
    expect(declarationAt(file, 206)?.name).toBe('keyVault');
  });

  test('the whole AVM folder: each module once (the .bicep), the same findings as its main.json files, every one in a .bicep file', async () => {
    const bicep = await scanBicep(['--template', avm, '--quiet']);
    const templates = discoverBicep(avm).templates;
    const json = await scanBicep(['--quiet', ...templates.flatMap((file) => ['--template', file.replace(/\.bicep$/, '.json')])]);
    expect(bicep.document.scan.sources.map((s) => s.target)).toEqual(templates);
    expect(key(bicep.document)).toEqual(key(json.document));
    expect(key(bicep.document).length).toBeGreaterThan(0);
    expect(bicep.document.findings.filter((f) => !f.location.file.endsWith('.bicep'))).toEqual([]);
    // The same problems, though not always of the same kind: a module that deploys nothing is a notice in a
    // folder scan (the .bicep) and an error when named on its own (each main.json here).
    const codes = (document: BicepDocument): string[] => [...document.scan.errors, ...document.scan.notices].map((e) => e.code).sort();
    expect(codes(bicep.document)).toEqual(codes(json.document));
    expect(bicep.document.scan.errors.map((e) => e.code)).toEqual(['template-invalid']);
  }, 180_000);

  test('the key vault folder: each module once (the .bicep), the same findings as its top-level main.json, located in .bicep files', async () => {
    const folder = path.join(avm, 'key-vault');
    const bicep = await scanBicep(['--template', folder, '--quiet']);
    const json = await scanBicep(['--template', path.join(folder, 'vault', 'main.json'), '--quiet']);
    expect(bicep.document.scan.sources.map((s) => s.target)).toEqual([path.join(folder, 'vault', 'main.bicep')]);
    expect(key(bicep.document)).toEqual(key(json.document));
    expect(bicep.document.scan.errors).toEqual([]);
    expect(bicep.document.scan.notices.map((e) => [e.code, e.target, e.line])).toEqual([
      ['template-parameter-missing', path.join(folder, 'vault', 'main.bicep'), 9],
    ]);
  });
});
