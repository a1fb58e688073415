import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlSource, validateSource, type DocumentPath, type LineColumn, type YamlSource } from '../documents/index.js';
import { KeyscopeError } from '../errors/index.js';
import { packageRoot } from '../package.js';
import { Catalog } from './catalog.js';
import type { CatalogService, CatalogServiceSpec } from './types.js';

/** The built-in catalog's folder: one YAML file per Azure service. */
export const builtinCatalogDir = path.join(packageRoot, 'catalog', 'services');

/**
 * The built-in catalog, parsed and validated at build time (`npm run build`
 * writes it, content hash -> file data), so a scan parses no catalog YAML.
 * A file whose hash is not in it is parsed and validated as usual.
 */
export const CATALOG_BUNDLE = path.join(packageRoot, 'dist', 'catalog.bundle.json');

const ERROR_CODE = 'catalog-invalid';

/** The catalog that loaded, and an error for every file (or node) that did not. */
export interface LoadedCatalog {
  catalog: Catalog;
  errors: KeyscopeError[];
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let bundle: Map<string, CatalogServiceSpec> | undefined;

function loadBundle(): Map<string, CatalogServiceSpec> {
  if (!bundle) {
    try {
      bundle = new Map(Object.entries(JSON.parse(readFileSync(CATALOG_BUNDLE, 'utf8')) as Record<string, CatalogServiceSpec>));
    } catch {
      bundle = new Map();
    }
  }
  return bundle;
}

/** The catalog files of a folder, sorted by name. */
export function listCatalogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new KeyscopeError(ERROR_CODE, `service catalog folder not found: ${dir}`);
  }
  return names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Reads every catalog file of a folder: each validated against
 * schemas/catalog-service.schema.json, then checked across files (a type
 * and a service id appear in one file only). A bad file never hides the
 * problems of the others; every error is at `file:line:col`.
 */
export function loadCatalog(dir: string = builtinCatalogDir, options: { useBundle?: boolean } = {}): LoadedCatalog {
  const useBundle = options.useBundle ?? true;
  const services: CatalogService[] = [];
  const errors: KeyscopeError[] = [];
  const positions = new Map<CatalogService, (at: DocumentPath, key?: boolean) => LineColumn>();
  const fingerprint = createHash('sha256');
  for (const full of listCatalogFiles(dir)) {
    const file = shown(full);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (cause) {
      errors.push(new KeyscopeError(ERROR_CODE, `cannot read catalog file: ${(cause as Error).message}`, { position: { file } }));
      continue;
    }
    let source: YamlSource | undefined;
    const sourceOf = (): YamlSource => (source ??= parseYamlSource(file, text, ERROR_CODE));
    const hash = contentHash(text);
    fingerprint.update(`${path.basename(full)} ${hash}\n`);
    let spec = useBundle ? loadBundle().get(hash) : undefined;
    if (!spec) {
      try {
        const schemaErrors = validateSource(sourceOf(), 'catalog-service.schema.json', ERROR_CODE);
        if (schemaErrors.length) {
          errors.push(...schemaErrors);
          continue;
        }
      } catch (error) {
        if (error instanceof KeyscopeError) {
          errors.push(error);
          continue;
        }
        throw error;
      }
      spec = sourceOf().data as CatalogServiceSpec;
    }
    const service: CatalogService = { ...structuredClone(spec), file };
    services.push(service);
    positions.set(service, (at, key) => sourceOf().positionOf(at, key));
  }
  errors.push(...crossFileProblems(services, positions));
  return { catalog: new Catalog(services, fingerprint.digest('hex')), errors };
}

function crossFileProblems(
  services: readonly CatalogService[],
  positions: ReadonlyMap<CatalogService, (at: DocumentPath, key?: boolean) => LineColumn>,
): KeyscopeError[] {
  const problems: KeyscopeError[] = [];
  const serviceFiles = new Map<string, string>();
  const typeFiles = new Map<string, string>();
  for (const service of services) {
    const at = positions.get(service)!;
    const earlierService = serviceFiles.get(service.service);
    if (earlierService) {
      problems.push(
        new KeyscopeError(ERROR_CODE, `service '${service.service}' is also described in ${earlierService}`, {
          position: { file: service.file, ...at(['service']) },
          hint: 'one file per service: move its types into that file',
        }),
      );
    } else serviceFiles.set(service.service, service.file);
    service.types.forEach((entry, i) => {
      const key = entry.type.toLowerCase();
      const earlier = typeFiles.get(key);
      if (earlier) {
        problems.push(
          new KeyscopeError(ERROR_CODE, `type '${entry.type}' is also in ${earlier}`, {
            position: { file: service.file, ...at(['types', i, 'type']) },
            hint: 'a resource type belongs to one catalog file',
          }),
        );
      } else typeFiles.set(key, service.file);
    });
  }
  return problems;
}

function shown(full: string): string {
  const relative = path.relative(packageRoot, full);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : full;
}

let builtin: Catalog | undefined;

/**
 * The built-in service catalog, read once. A broken built-in catalog is a
 * broken installation: it throws its first error (the build prints them all).
 */
export function serviceCatalog(): Catalog {
  if (!builtin) {
    const { catalog, errors } = loadCatalog();
    const first = errors[0];
    if (first) {
      throw new KeyscopeError(first.code, first.message, {
        ...(first.position ? { position: first.position } : {}),
        hint:
          errors.length > 1 ? `and ${errors.length - 1} more problem(s) in the service catalog` : (first.hint ?? 'fix the catalog file'),
      });
    }
    builtin = catalog;
  }
  return builtin;
}
