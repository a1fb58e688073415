/**
 * Build step: parses and validates the service catalog (catalog/services)
 * once and writes `dist/catalog.bundle.json` (content hash -> file data),
 * so a scan parses no catalog YAML. Runs before the rule bundle: the rule
 * loader expands `resource: { set: ... }` from the catalog.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG_BUNDLE, contentHash, loadCatalog, type CatalogServiceSpec } from '../src/catalog/index.js';
import { formatPosition } from '../src/errors/index.js';
import { packageRoot } from '../src/package.js';

const { catalog, errors } = loadCatalog(undefined, { useBundle: false });
if (errors.length) {
  for (const error of errors) console.error(`${formatPosition(error.position)}  ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
  process.exit(2);
}
const entries: Record<string, CatalogServiceSpec> = {};
for (const { file, ...spec } of catalog.services) entries[contentHash(readFileSync(path.resolve(packageRoot, file), 'utf8'))] = spec;
writeFileSync(CATALOG_BUNDLE, JSON.stringify(entries));
console.log(`bundled ${catalog.services.length} catalog services (${catalog.entries.length} types) into ${CATALOG_BUNDLE}`);
