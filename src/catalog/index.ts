/**
 * The service catalog: every Azure service keyscope knows, one YAML file
 * each under catalog/services (docs/catalog.md). A shared leaf: sources
 * (the Terraform mapping), the inventory (key references) and the rules
 * (target sets, profiles) all read it.
 */
export { Catalog, TARGET_SETS, isServiceClass, type TargetSet } from './catalog.js';
export {
  CATALOG_BUNDLE,
  builtinCatalogDir,
  contentHash,
  listCatalogFiles,
  loadCatalog,
  serviceCatalog,
  type LoadedCatalog,
} from './load.js';
export * from './types.js';
export { coverageRows, parseSeedTable, type CoverageRow, type SeedRow } from './coverage.js';
export type * from './terraform-mapping.js';
