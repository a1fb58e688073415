import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSeedTable, SERVICE_CLASSES, serviceCatalog } from '../../src/catalog/index.js';
import { root, runInProcess, sharedDir } from '../helpers.js';

const catalog = serviceCatalog();
const SEED = 'fixtures/seeds/cmk-services-table.txt';

describe('keyscope rules coverage', () => {
  test('--format markdown is docs/services.md, byte for byte', async () => {
    const result = await runInProcess(['rules', 'coverage', '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(path.join(root, 'docs', 'services.md'), 'utf8'));
  });

  test('text: one line per type (type, class, rules, Key Vault / Managed HSM), Terraform and Azure Policy below, then the counts', async () => {
    const result = await runInProcess(['rules', 'coverage']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const width = Math.max(...catalog.entries.map((entry) => entry.type.length));
    const at = lines.findIndex((line) => line.startsWith('Microsoft.Storage/storageAccounts '));
    expect(lines.slice(at, at + 3)).toEqual([
      `${'Microsoft.Storage/storageAccounts'.padEnd(width)}  cmk            cmk.storage-account, cmk.storage-queue-table  Key Vault yes, Managed HSM yes`,
      '    Terraform: azurerm_storage_account, azurerm_storage_account_customer_managed_key',
      '    Azure Policy: 6fac406b-40ca-413b-bf8e-0bf964659c25 Storage accounts should use customer-managed key for encryption',
    ]);
    expect(lines).toContain(`${'Microsoft.KeyVault/vaults'.padEnd(width)}  key-store`);
    const counts = SERVICE_CLASSES.map((name) => `${catalog.entries.filter((entry) => entry.class === name).length} ${name}`).join(', ');
    expect(lines.at(-2)).toBe(`${catalog.services.length} services, ${catalog.entries.length} types: ${counts}`);
    expect(lines.filter((line) => /^Microsoft\./i.test(line))).toHaveLength(catalog.entries.length);
  });

  test('--format json: every catalog type with its class, rules, columns, Terraform types and policies', async () => {
    const result = await runInProcess(['rules', 'coverage', '--format', 'json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { services: number; types: number; rows: { type: string }[] };
    expect(document.services).toBe(catalog.services.length);
    expect(document.rows.map((row) => row.type)).toEqual(catalog.entries.map((entry) => entry.type));
    expect(document.rows.find((row) => row.type === 'Microsoft.Sql/servers')).toEqual({
      service: 'sql',
      serviceName: 'Azure SQL',
      file: 'catalog/services/sql.yaml',
      type: 'Microsoft.Sql/servers',
      class: 'cmk',
      dataPlaneOnly: false,
      rules: ['cmk.sql-server'],
      keyVault: true,
      managedHsm: true,
      terraform: ['azurerm_mssql_server', 'azurerm_mssql_server_transparent_data_encryption'],
      policies: [
        { id: '0a370ff3-6cab-4e85-8995-295fd854c5b8', title: 'SQL servers should use customer-managed keys to encrypt data at rest' },
      ],
    });
    expect(document).not.toHaveProperty('seed');
  });

  test('--seed: the rows of the table the catalog lacks, matched by service name, seedRows or display name', async () => {
    const json = await runInProcess(['rules', 'coverage', '--format', 'json', '--seed', SEED]);
    expect(json.code).toBe(0);
    const { seed } = JSON.parse(json.stdout) as { seed: unknown };
    expect(seed).toEqual({
      file: SEED,
      rows: [
        {
          category: 'Containers',
          name: 'App Configuration',
          line: 9,
          keyVault: true,
          managedHsm: false,
          note: 'Use CMKs to encrypt App Configuration data',
          types: ['Microsoft.AppConfiguration/configurationStores'],
        },
        { category: 'Containers', name: 'Contoso Widgets', line: 10, keyVault: true, managedHsm: false, note: '', types: [] },
        {
          category: 'Databases',
          name: 'Azure SQL Database',
          line: 12,
          keyVault: true,
          managedHsm: true,
          note: 'RSA 3072-bit',
          types: ['Microsoft.Sql/servers', 'Microsoft.Sql/managedInstances'],
        },
        { category: 'Databases', name: 'Contoso Transit', line: 13, keyVault: false, managedHsm: false, note: '*', types: [] },
        {
          category: 'Storage',
          name: 'Blob Storage',
          line: 15,
          keyVault: true,
          managedHsm: true,
          note: '',
          types: ['Microsoft.Storage/storageAccounts'],
        },
        { category: 'Storage', name: 'Contoso Vaultless Cache', line: 16, keyVault: true, managedHsm: true, note: '**', types: [] },
      ],
      missing: 3,
    });

    const text = await runInProcess(['rules', 'coverage', '--seed', SEED]);
    expect(text.stdout.slice(text.stdout.indexOf('\nSeed '))).toBe(
      [
        '',
        `Seed ${SEED}: 6 rows, 3 named in the catalog, 3 not:`,
        '  Contoso Widgets          Key Vault yes, Managed HSM no  (Containers, line 10)',
        '  Contoso Transit          Key Vault no, Managed HSM no  (Databases, line 13)',
        '  Contoso Vaultless Cache  Key Vault yes, Managed HSM yes  (Storage, line 16)',
        '',
      ].join('\n'),
    );

    const markdown = await runInProcess(['rules', 'coverage', '--format', 'markdown', '--seed', 'fixtures/seeds']);
    expect(markdown.code).toBe(2); // the folder has no 003_* file
    const withSeed = await runInProcess(['rules', 'coverage', '--format', 'markdown', '--seed', SEED]);
    expect(withSeed.stdout.slice(withSeed.stdout.indexOf('## Seed rows'))).toBe(
      [
        '## Seed rows the catalog lacks',
        '',
        `6 rows in \`${SEED}\`, 3 named in the catalog (by service name, \`seedRows\` or type display name), 3 not.`,
        '',
        '| section | service | Key Vault | Managed HSM | note | line |',
        '|---|---|---|---|---|---:|',
        '| Containers | Contoso Widgets | yes | no |  | 10 |',
        '| Databases | Contoso Transit | no | no | * | 13 |',
        '| Storage | Contoso Vaultless Cache | yes | yes | ** | 16 |',
        '',
      ].join('\n'),
    );
  });

  test('a seed without the table is a located error, exit 2; an unknown format is a usage error', async () => {
    const bad = await runInProcess(['rules', 'coverage', '--seed', 'fixtures/seeds/no-table.txt']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("fixtures/seeds/no-table.txt: no 'Product, Feature, or Service  Key Vault  Managed HSM' table header");
    const format = await runInProcess(['rules', 'coverage', '--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("unknown format 'yaml'");
  });
});

const sharedSeeds = path.join(sharedDir, 'seeds');
const sharedSeed = existsSync(sharedSeeds) ? readdirSync(sharedSeeds).find((name) => name.startsWith('003_')) : undefined;

(sharedSeed ? describe : describe.skip)("../shared's seed table", () => {
  test('reads every row of the "Services supporting customer managed keys" table', () => {
    const rows = parseSeedTable(readFileSync(path.join(sharedSeeds, sharedSeed!), 'utf8'), catalog);
    expect(rows).toHaveLength(61);
    expect(rows[0]).toEqual(expect.objectContaining({ category: 'AI and Machine Learning', name: 'Azure AI Search', keyVault: true }));
    expect(rows.at(-1)).toEqual(expect.objectContaining({ category: 'Storage', name: 'Ultra Disk Storage', managedHsm: true }));
    // The services the catalog has today are all matched.
    for (const name of ['Azure SQL Database', 'Blob Storage', 'Managed Disk Storage', 'Azure Kubernetes Service', 'Event Hubs']) {
      expect(rows.find((row) => row.name === name)?.types.length).toBeGreaterThan(0);
    }
  });
});
