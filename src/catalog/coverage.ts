import type { Catalog } from './catalog.js';
import type { CatalogEntry, ServiceClass } from './types.js';

/** One catalog type as `keyscope rules coverage` and docs/services.md show it. */
export interface CoverageRow {
  /** The catalog file's service id and display name, and the file (relative to the package root). */
  service: string;
  serviceName: string;
  file: string;
  type: string;
  class: ServiceClass;
  /** Resource Manager does not show the key setting: the rule reports unknown. */
  dataPlaneOnly: boolean;
  rules: string[];
  /** The seed table's columns; null when the catalog does not say (classes other than `cmk`). */
  keyVault: boolean | null;
  managedHsm: boolean | null;
  terraform: string[];
  policies: { id: string; title: string }[];
  /** Why the type is classed so (`note`), and where a key of a `cmk` type without key references is held; absent when neither. */
  note?: string;
}

/** Where a cmk type without key references keeps its key (keyLocation, keyReferencesIn). */
function keyHeldElsewhere(entry: CatalogEntry): string | undefined {
  if (entry.keyLocation === 'kubernetes-secret') return 'the key is a Kubernetes secret, not an Azure key: no relational rules';
  const held = entry.keyReferencesIn;
  if (held === undefined) return undefined;
  if (held === 'data-plane') return 'the key is named in the data plane only: no relational rules';
  return `the key is held by its \`${held.resource}\`${held.via ? ` (through \`${held.via}\`)` : ''}: no relational rules`;
}

/** Every catalog type, in catalog order (files by name, then each file's types). */
export function coverageRows(catalog: Catalog): CoverageRow[] {
  return catalog.entries.map((entry) => ({
    service: entry.service.service,
    serviceName: entry.service.name,
    file: entry.service.file,
    type: entry.type,
    class: entry.class,
    dataPlaneOnly: entry.dataPlaneOnly ?? false,
    rules: [...(entry.rules ?? [])],
    keyVault: entry.keyVault ?? null,
    managedHsm: entry.managedHsm ?? null,
    terraform: [...(entry.terraform?.resources ?? []), ...(entry.terraform?.extensions ?? [])].map((mapping) => mapping.terraform),
    policies: (entry.policies ?? []).map((policy) => ({ id: policy.id, title: policy.title })),
    ...noteOf(entry),
  }));
}

function noteOf(entry: CatalogEntry): { note?: string } {
  const note = [keyHeldElsewhere(entry), entry.note].filter(Boolean).join('; ');
  return note ? { note } : {};
}

/** One row of Azure's table of services supporting customer-managed keys. */
export interface SeedRow {
  /** The table's section (`Storage`, `AI and Machine Learning`...). */
  category: string;
  name: string;
  /** The row's 1-based line in the seed file. */
  line: number;
  keyVault: boolean;
  managedHsm: boolean;
  /** What the row adds: footnote marks, key-size notes, its documentation text. */
  note: string;
  /** The catalog types whose service name, `seedRows` or display name is the row's name (case-insensitive); empty when the catalog lacks it. */
  types: string[];
}

const TABLE_HEADER = /^Product, Feature, or Service\s+Key Vault\s+Managed HSM\b/;
/** A row: the name, the Key Vault cell (`Yes`, `Yes**`, `Yes, RSA 3072-bit`, `N/A*`), an optional Managed HSM `Yes`, then documentation text. */
const ROW = /^(.+?)\s+(Yes(?:, RSA \d+-bit)?\**|N\/A\**)(?:\s+(Yes\**))?(?:\s+(.*))?$/;

/**
 * Reads the table of Azure's "Data encryption models" page as a text copy
 * holds it (`../shared/seeds/003_*`): a header line, then section lines and
 * rows whose cells are separated by spaces. The Key Vault column always
 * holds `Yes` or `N/A` when a row has any, so a second `Yes` is the Managed
 * HSM column. The table ends at `Other` or the first footnote. Throws when
 * the text holds no such table.
 */
export function parseSeedTable(text: string, catalog: Catalog): SeedRow[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => TABLE_HEADER.test(line.trim()));
  if (start < 0) throw new Error("no 'Product, Feature, or Service  Key Vault  Managed HSM' table header");
  const names = new Map<string, string[]>();
  const add = (name: string, type: string): void => {
    const key = name.toLowerCase();
    const types = names.get(key) ?? [];
    if (!types.includes(type)) types.push(type);
    names.set(key, types);
  };
  for (const entry of catalog.entries) {
    for (const name of [entry.service.name, ...(entry.service.seedRows ?? []), entry.displayName]) add(name, entry.type);
  }
  const rows: SeedRow[] = [];
  let category = '';
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line === 'Other' || line.startsWith('*')) break;
    const match = ROW.exec(line);
    if (!match) {
      category = line;
      continue;
    }
    const name = match[1]!.trim();
    const keyVaultCell = match[2]!;
    rows.push({
      category,
      name,
      line: i + 1,
      keyVault: keyVaultCell.startsWith('Yes'),
      managedHsm: match[3] !== undefined,
      note: [keyVaultCell.replace(/^(Yes|N\/A)/, '').replace(/^, /, ''), match[3]?.replace(/^Yes/, '') ?? '', match[4] ?? '']
        .filter((part) => part !== '')
        .join(' '),
      types: names.get(name.toLowerCase()) ?? [],
    });
  }
  return rows;
}
