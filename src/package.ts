import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The installed package's root folder (where `rules/`, `schemas/` and
 * `package.json` live). This module sits at `dist/src/package.js` when built.
 */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let cachedVersion: string | undefined;

/** keyscope's own version, from package.json. */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    cachedVersion = manifest.version;
  }
  return cachedVersion;
}

/** Reads one of the published JSON Schemas in `schemas/`. */
export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(packageRoot, 'schemas', name), 'utf8')) as Record<string, unknown>;
}
