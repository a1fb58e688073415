import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** Where something is declared in a `.tf` file. */
export interface Declared {
  file: string;
  line: number;
  column: number;
}

/** A block's body as hcl2json gives it: arguments (values, `${...}` templates) and nested blocks (arrays of bodies). */
export type Body = Record<string, unknown>;

/** One module's configuration, every `.tf` file of its folder merged. */
export interface ModuleConfig {
  /** The folder on disk, and as reports name it. */
  dir: string;
  display: string;
  variables: Map<string, { body: Body; at: Declared }>;
  locals: Map<string, { value: unknown; at: Declared }>;
  resources: { mode: 'managed' | 'data'; type: string; name: string; body: Body; at: Declared }[];
  modules: Map<string, { body: Body; at: Declared }>;
  outputs: Map<string, { body: Body; at: Declared }>;
  /** A second declaration of the same resource, variable, local, module or output (Terraform rejects the module): the first is kept. */
  duplicates: { at: Declared; message: string }[];
  /** Syntax errors in its files: the module is not evaluated when it has any. */
  errors: { file: string; line?: number; column?: number; message: string }[];
}

/** `parse config: [main.tf:2,7-3,1: Invalid expression; Expected the start of an expression...]` */
const HCL_ERROR = /([^[\]\s:]+):(\d+),(\d+)-(?:\d+,)?\d+: ([^;\]]+)(?:; ([^\]]*))?/g;

/** Reads what HashiCorp's parser says about a file that does not parse: each error's line, column and words. */
export function syntaxErrors(file: string, message: string): ModuleConfig['errors'] {
  const errors: ModuleConfig['errors'] = [];
  for (const match of message.matchAll(HCL_ERROR)) {
    errors.push({
      file,
      line: Number(match[2]),
      column: Number(match[3]),
      message: [match[4], match[5]].filter(Boolean).join(': ').trim(),
    });
  }
  return errors.length ? errors : [{ file, message: message.replace(/^parse config: /, '') }];
}

/** Finds `keyword "name"` (a block header) or `name =` (a local) in a file's text: declarations' lines. */
function positionOf(text: string, pattern: RegExp): { line: number; column: number } {
  const match = pattern.exec(text);
  if (!match) return { line: 1, column: 1 };
  const before = text.slice(0, match.index + (match[1]?.length ?? 0));
  const line = before.split('\n').length;
  return { line, column: before.length - before.lastIndexOf('\n') };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const asBodies = (value: unknown): Body[] =>
  Array.isArray(value)
    ? (value.filter((item) => item && typeof item === 'object') as Body[])
    : value && typeof value === 'object'
      ? [value as Body]
      : [];

/** Reads and merges a module folder's `.tf` files with HashiCorp's parser. Throws when the folder cannot be read. */
export async function loadModule(dir: string, display: string): Promise<ModuleConfig> {
  const config: ModuleConfig = {
    dir,
    display,
    variables: new Map(),
    locals: new Map(),
    resources: [],
    modules: new Map(),
    outputs: new Map(),
    duplicates: [],
    errors: [],
  };
  const once = <T extends { at: Declared }>(map: Map<string, T>, name: string, entry: T, what: string): void => {
    const first = map.get(name);
    if (first)
      config.duplicates.push({
        at: entry.at,
        message: `${what} is declared twice (first at ${first.at.file}:${first.at.line}); the first is used`,
      });
    else map.set(name, entry);
  };
  const names = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  for (const name of names) {
    const full = path.join(dir, name);
    if (!(await stat(full)).isFile()) continue;
    const text = await readFile(full, 'utf8');
    const file = path.join(display, name);
    let body: Body;
    try {
      body = (await parse(name, text)) as Body;
    } catch (error) {
      config.errors.push(...syntaxErrors(file, String((error as Error).message ?? error)));
      continue;
    }
    const at = (pattern: RegExp): Declared => ({ file, ...positionOf(text, pattern) });
    for (const [name, bodies] of Object.entries((body['variable'] as Record<string, unknown>) ?? {})) {
      once(
        config.variables,
        name,
        { body: asBodies(bodies)[0] ?? {}, at: at(new RegExp(`^(\\s*)variable\\s+"${escape(name)}"`, 'm')) },
        `variable "${name}"`,
      );
    }
    for (const locals of asBodies(body['locals'])) {
      for (const [name, value] of Object.entries(locals)) {
        once(config.locals, name, { value, at: at(new RegExp(`^(\\s*)${escape(name)}\\s*=`, 'm')) }, `local value "${name}"`);
      }
    }
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, named] of Object.entries((body[mode] as Record<string, unknown>) ?? {})) {
        for (const [name, bodies] of Object.entries((named as Record<string, unknown>) ?? {})) {
          const entry = {
            mode: mode === 'resource' ? ('managed' as const) : ('data' as const),
            type,
            name,
            body: asBodies(bodies)[0] ?? {},
            at: at(new RegExp(`^(\\s*)${mode}\\s+"${escape(type)}"\\s+"${escape(name)}"`, 'm')),
          };
          const first = config.resources.find((r) => r.mode === entry.mode && r.type === type && r.name === name);
          if (first)
            config.duplicates.push({
              at: entry.at,
              message: `${mode === 'data' ? 'data.' : ''}${type}.${name} is declared twice (first at ${first.at.file}:${first.at.line}); the first is used`,
            });
          else config.resources.push(entry);
        }
      }
    }
    for (const [name, bodies] of Object.entries((body['module'] as Record<string, unknown>) ?? {})) {
      once(
        config.modules,
        name,
        { body: asBodies(bodies)[0] ?? {}, at: at(new RegExp(`^(\\s*)module\\s+"${escape(name)}"`, 'm')) },
        `module "${name}"`,
      );
    }
    for (const [name, bodies] of Object.entries((body['output'] as Record<string, unknown>) ?? {})) {
      once(
        config.outputs,
        name,
        { body: asBodies(bodies)[0] ?? {}, at: at(new RegExp(`^(\\s*)output\\s+"${escape(name)}"`, 'm')) },
        `output "${name}"`,
      );
    }
  }
  return config;
}

/** Reads a `.tfvars` file (HCL) or `.tfvars.json` into its values as written (templates still to evaluate). */
export async function loadVarFile(file: string): Promise<Body> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text) as Body;
  return (await parse(path.basename(file), text)) as Body;
}
