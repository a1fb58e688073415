import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from '../arm/discover.js';
import { readBicep } from './bicep-text.js';

/** What a folder holds in Bicep: the files to compile and scan, and the files passed over, with why. */
export interface BicepDiscovery {
  /** `.bicep` files to scan (absolute, sorted): every one not used only as a module of another. */
  templates: string[];
  /** Module files not scanned on their own, each with a file that uses it. */
  modules: SkippedFile[];
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Every `.bicep` file under a folder (absolute, sorted); hidden folders and node_modules are not searched. */
function bicepFiles(directory: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const children = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const full = path.join(dir, child.name);
      if (child.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(child.name) && !child.name.startsWith('.')) walk(full);
      } else if ((child.isFile() || child.isSymbolicLink()) && /\.bicep$/i.test(child.name)) found.push(full);
    }
  };
  walk(directory);
  return found;
}

/**
 * Finds the Bicep files of a folder tree to scan. Bicep compiles a module
 * (`module x './child.bicep'`) into the file that uses it, so a file that
 * another file of the same tree uses as a module is scanned through it, not
 * on its own.
 */
export function discoverBicep(directory: string): BicepDiscovery {
  const files = bicepFiles(path.resolve(directory));
  const usedBy = new Map<string, string>();
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue; // unreadable: scanned, so that Bicep reports it
    }
    for (const declaration of readBicep(source).declarations) {
      if (declaration.keyword !== 'module' || !/\.bicep$/i.test(declaration.target) || /^(br|ts)[:/]/i.test(declaration.target)) continue;
      const target = path.resolve(path.dirname(file), declaration.target);
      if (target !== file && !usedBy.has(target)) usedBy.set(target, file);
    }
  }
  const templates: string[] = [];
  const modules: SkippedFile[] = [];
  for (const file of files) {
    const user = usedBy.get(file);
    if (user === undefined) templates.push(file);
    else modules.push({ file, reason: `a module of ${path.relative(path.dirname(file), user)} (scanned through it)` });
  }
  return { templates, modules };
}

/**
 * The `.bicep` file a JSON template was compiled from, when it is beside it
 * under the same name and says Bicep generated it (`metadata._generator`).
 */
export function compiledFrom(jsonFile: string, bicepFiles: ReadonlySet<string>): string | undefined {
  const bicep = jsonFile.replace(/\.json$/i, '.bicep');
  if (!bicepFiles.has(bicep)) return undefined;
  try {
    const head = readFileSync(jsonFile, 'utf8').slice(0, 4096);
    return /"_generator"\s*:\s*\{\s*"name"\s*:\s*"bicep"/i.test(head) ? bicep : undefined;
  } catch {
    return undefined;
  }
}
