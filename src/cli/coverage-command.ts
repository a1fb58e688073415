import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  coverageRows,
  parseSeedTable,
  serviceCatalog,
  SERVICE_CLASSES,
  type Catalog,
  type CoverageRow,
  type SeedRow,
} from '../catalog/index.js';
import { KeyscopeError, UsageError } from '../errors/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

export interface CoverageFlags {
  format?: string;
  /** Azure's table of services supporting customer-managed keys, as text; a folder means its `003_*` file. */
  seed?: string;
}

const FORMATS = ['text', 'markdown', 'json'];

/** The seed table, read and matched to the catalog. */
interface Seed {
  file: string;
  rows: SeedRow[];
}

/**
 * `keyscope rules coverage`: the service catalog type by type (class, rules,
 * Key Vault / Managed HSM, Terraform types, Azure Policy ids), and with
 * `--seed` the rows of Azure's customer-managed-key table the catalog lacks.
 * `--format markdown` without a seed is docs/services.md.
 */
export function rulesCoverageCommand(flags: CoverageFlags, io: CliIo): ExitCode {
  const format = flags.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${format}'`, `formats: ${FORMATS.join(', ')}`);
  const catalog = serviceCatalog();
  const seed = flags.seed === undefined ? undefined : readSeed(flags.seed, io.cwd, catalog);
  const render = format === 'json' ? renderCoverageJson : format === 'markdown' ? renderCoverageMarkdown : renderCoverageText;
  io.stdout.write(render(catalog, seed));
  return ExitCode.Ok;
}

function readSeed(given: string, cwd: string, catalog: Catalog): Seed {
  let file = path.resolve(cwd, given);
  try {
    if (statSync(file).isDirectory()) {
      const name = readdirSync(file)
        .sort()
        .find((entry) => entry.startsWith('003_'));
      if (!name) throw new UsageError(`no 003_* seed file in ${given}`, 'give the file of the "Data encryption models" page');
      file = path.join(file, name);
    }
    const shown = path.relative(cwd, file) || file;
    try {
      return { file: shown.split(path.sep).join('/'), rows: parseSeedTable(readFileSync(file, 'utf8'), catalog) };
    } catch (error) {
      throw new KeyscopeError('seed-invalid', `${shown}: ${(error as Error).message}`, {
        position: { file: shown },
        hint: 'give a text copy of the "Data encryption models" page with its "Services supporting customer managed keys" table',
      });
    }
  } catch (error) {
    if (error instanceof KeyscopeError) throw error;
    throw new UsageError(`cannot read the seed: ${(error as Error).message}`, 'give a readable file or folder');
  }
}

function classCounts(catalog: Catalog): Record<string, number> {
  return Object.fromEntries(SERVICE_CLASSES.map((name) => [name, catalog.entries.filter((entry) => entry.class === name).length]));
}

function missingRows(seed: Seed): SeedRow[] {
  return seed.rows.filter((row) => row.types.length === 0);
}

export function renderCoverageJson(catalog: Catalog, seed?: Seed): string {
  const document = {
    services: catalog.services.length,
    types: catalog.entries.length,
    byClass: classCounts(catalog),
    rows: coverageRows(catalog),
    ...(seed ? { seed: { file: seed.file, rows: seed.rows, missing: missingRows(seed).length } } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const yesNo = (value: boolean | null): string => (value === null ? '' : value ? 'yes' : 'no');

export function renderCoverageText(catalog: Catalog, seed?: Seed): string {
  const rows = coverageRows(catalog);
  const width = Math.max(...rows.map((row) => row.type.length));
  const classWidth = Math.max(...SERVICE_CLASSES.map((name) => name.length));
  let text = '';
  for (const row of rows) {
    const keys = row.keyVault === null ? '' : `Key Vault ${yesNo(row.keyVault)}, Managed HSM ${yesNo(row.managedHsm)}`;
    const dataPlane = row.dataPlaneOnly ? ' (key setting in the data plane only)' : '';
    const line = [row.type.padEnd(width), row.class.padEnd(classWidth), row.rules.join(', '), keys].filter(Boolean).join('  ');
    text += `${line.trimEnd()}${dataPlane}\n`;
    if (row.terraform.length) text += `    Terraform: ${row.terraform.join(', ')}\n`;
    for (const policy of row.policies) text += `    Azure Policy: ${policy.id} ${policy.title}\n`;
  }
  const counts = classCounts(catalog);
  text += `\n${catalog.services.length} services, ${rows.length} types: ${SERVICE_CLASSES.map((name) => `${counts[name]} ${name}`).join(', ')}\n`;
  if (seed) {
    const missing = missingRows(seed);
    text += `\nSeed ${seed.file}: ${seed.rows.length} rows, ${seed.rows.length - missing.length} named in the catalog, ${missing.length} not:\n`;
    const nameWidth = Math.max(0, ...missing.map((row) => row.name.length));
    for (const row of missing) {
      text += `  ${row.name.padEnd(nameWidth)}  Key Vault ${yesNo(row.keyVault)}, Managed HSM ${yesNo(row.managedHsm)}  (${row.category}, line ${row.line})\n`;
    }
  }
  return text;
}

const code = (text: string): string => `\`${text}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/services.md (links relative to docs/); with a seed, its rows the catalog lacks after the table. */
export function renderCoverageMarkdown(catalog: Catalog, seed?: Seed): string {
  const counts = classCounts(catalog);
  let text = '# Services keyscope knows\n\n';
  text += '<!-- generated by `npm run docs` from catalog/services/*.yaml; do not edit -->\n\n';
  text += 'Every Azure resource type in the [service catalog](catalog.md), one file per service under `catalog/services/`. ';
  text += "The Key Vault and Managed HSM columns are those of Azure's table of services supporting customer-managed keys ";
  text += '([data encryption models](https://learn.microsoft.com/azure/security/fundamentals/encryption-models)). ';
  text += 'A type no catalog file names is not assessed.\n\n';
  text += `${catalog.services.length} services, ${catalog.entries.length} types: ${counts['cmk']} \`cmk\`, ${counts['key-store']} \`key-store\`, `;
  text += `${counts['platform-only']} \`platform-only\`, ${counts['no-data']} \`no-data\`; ${catalog.keyConsumers().length} with key references the relational rules follow.\n\n`;
  text +=
    '| service | resource type | class | rules | Key Vault | Managed HSM | Terraform | Azure Policy |\n|---|---|---|---|---|---|---|---|\n';
  for (const row of coverageRows(catalog)) text += markdownRow(row);
  if (seed) {
    const missing = missingRows(seed);
    text += `\n## Seed rows the catalog lacks\n\n`;
    text += `${seed.rows.length} rows in ${code(seed.file)}, ${seed.rows.length - missing.length} named in the catalog (by service name, \`seedRows\` or type display name), ${missing.length} not.\n\n`;
    text += '| section | service | Key Vault | Managed HSM | note | line |\n|---|---|---|---|---|---:|\n';
    for (const row of missing) {
      text += `| ${cell(row.category)} | ${cell(row.name)} | ${yesNo(row.keyVault)} | ${yesNo(row.managedHsm)} | ${cell(row.note)} | ${row.line} |\n`;
    }
  }
  return text;
}

function markdownRow(row: CoverageRow): string {
  const rules = row.rules.map((id) => `[${code(id)}](rules/${id}.md)`).join(', ');
  const policies = row.policies.map((policy) => `${code(policy.id)} ${policy.title}`).join('; ');
  const dataPlane = row.dataPlaneOnly ? ' (key setting in the data plane only: unknown)' : '';
  const why = row.note ? `: ${cell(row.note)}` : '';
  return `| [${cell(row.serviceName)}](../${row.file}) | ${code(row.type)} | ${row.class}${dataPlane}${why} | ${rules} | ${yesNo(row.keyVault)} | ${yesNo(row.managedHsm)} | ${row.terraform.map(code).join(', ')} | ${cell(policies)} |\n`;
}
