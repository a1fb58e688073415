import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';

/** What a JSON file is, judged by its content. */
export type JsonFileKind = 'template' | 'parameters' | 'other';

/** A file a directory search passed over, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** Templates found under a folder (sorted, absolute) and the JSON files that are not templates. */
export interface Discovery {
  templates: string[];
  skipped: SkippedFile[];
}

/**
 * Classifies a JSON file by its `$schema`: a deployment template (any
 * scope), a deployment parameters file, or something else. A file that does
 * not parse but names the template schema is still a template, so that its
 * error is reported rather than the file skipped.
 */
export function classifyJson(text: string): { kind: JsonFileKind; reason?: string } {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { disallowComments: false, allowTrailingComma: true }) as unknown;
  if (errors.length || value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (/deploymentTemplate\.json/i.test(text)) return { kind: 'template' };
    return { kind: 'other', reason: errors.length ? 'not JSON' : 'not a JSON object' };
  }
  const schema = (value as Record<string, unknown>)['$schema'];
  if (typeof schema === 'string') {
    if (/deploymentTemplate\.json/i.test(schema)) return { kind: 'template' };
    if (/deploymentParameters\.json/i.test(schema))
      return { kind: 'parameters', reason: 'a deployment parameters file (give it with --parameters)' };
  }
  return { kind: 'other', reason: "not an ARM template (no deployment template '$schema')" };
}

/** Folders never searched: dependencies and tool state, not sources. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Searches a folder recursively for deployment templates (`*.json` whose `$schema` is a deployment template's). */
export function discoverTemplates(directory: string): Discovery {
  const templates: string[] = [];
  const skipped: SkippedFile[] = [];
  const walk = (dir: string): void => {
    const children = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const full = path.join(dir, child.name);
      if (child.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(child.name) && !child.name.startsWith('.')) walk(full);
      } else if ((child.isFile() || child.isSymbolicLink()) && child.name.toLowerCase().endsWith('.json')) {
        let text: string;
        try {
          text = readFileSync(full, 'utf8');
        } catch (error) {
          skipped.push({ file: full, reason: `not readable (${(error as Error).message})` });
          continue;
        }
        const { kind, reason } = classifyJson(text);
        if (kind === 'template') templates.push(full);
        else skipped.push({ file: full, reason: reason ?? kind });
      }
    }
  };
  walk(directory);
  return { templates, skipped };
}
