import { serviceCatalog, type CatalogEntry } from '../../../catalog/index.js';
import type { ExtensionMapping, ResourceMapping } from '../mapping-types.js';
import { commonProperties } from './common.js';

export { commonProperties };

/**
 * The mapping tables live in the service catalog (each type's `terraform:`
 * section); a resource mapping's Azure type is the catalog type it is
 * written under. Converters stay in code (`converters.ts`).
 */
const entries: readonly CatalogEntry[] = serviceCatalog().entries;

/** Every `azurerm` type that becomes an Azure resource, in catalog order. */
export const resourceMappings: readonly ResourceMapping[] = entries.flatMap((entry) =>
  (entry.terraform?.resources ?? []).map((mapping): ResourceMapping => ({ ...mapping, azure: entry.type })),
);

/** Every `azurerm` type that sets properties of another. */
export const extensionMappings: readonly ExtensionMapping[] = entries.flatMap((entry) => entry.terraform?.extensions ?? []);
