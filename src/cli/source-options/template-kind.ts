import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors/index.js';
import type { TemplateFile } from '../../sources/arm/index.js';
import type * as BicepModule from '../../sources/bicep/index.js';
import type { InventorySource } from '../../sources/index.js';
import { displayFile } from './export-kind.js';
import { collect, type SourceKind } from './source-kind.js';

/**
 * `--template FILE|DIR` and `--parameters FILE`: ARM templates and Bicep
 * files (compiled by the Bicep CLI) and their parameters files. A folder is
 * searched for templates by content and for `.bicep` files; each template is
 * its own source, so one broken file never hides the findings of another.
 */
export const templateKind: SourceKind = {
  usage: '--template FILE|DIR',
  progress: 'input',
  addOptions(command) {
    command
      .option(
        '--template <path>',
        'an ARM template or a Bicep file (compiled with the Bicep CLI), or a folder searched for them; repeatable',
        collect,
        [],
      )
      .option(
        '--parameters <file>',
        'a deployment parameters file or a .bicepparam file; with several templates, <name>.parameters.json (or <name>.bicepparam) applies to <name>.json or <name>.bicep beside it; repeatable',
        collect,
        [],
      );
  },
  async createSources(flags, { io, quiet, progress }) {
    const templates = (flags['template'] as string[] | undefined) ?? [];
    const parameterFlags = (flags['parameters'] as string[] | undefined) ?? [];
    if (templates.length === 0) {
      if (parameterFlags.length)
        throw new UsageError(
          '--parameters needs --template',
          'example: keyscope scan --template main.json --parameters main.parameters.json',
        );
      return [];
    }
    // The template evaluator (and the Bicep reader) is loaded only when templates are scanned.
    const { classifyJson, discoverTemplates, EmptyTemplateFolder, TemplateSource } = await import('../../sources/arm/index.js');
    const bicep = await import('../../sources/bicep/index.js');
    const note = quiet ? undefined : (message: string): void => void progress.lines.write(`keyscope: ${message}\n`);
    const toFile = (full: string): TemplateFile => ({ path: full, file: displayFile(full, io.cwd) });

    const found: string[] = [];
    const folderOf = new Map<string, string>();
    const named = new Set<string>();
    const emptyFolders: string[] = [];
    for (const given of templates) {
      const full = path.resolve(io.cwd, given);
      if (isDirectory(full)) {
        const discovery = discoverTemplates(full);
        const bicepFound = bicep.discoverBicep(full);
        const bicepFiles = new Set([...bicepFound.templates, ...bicepFound.modules.map((module) => module.file)]);
        for (const skipped of discovery.skipped) note?.(`skipped ${displayFile(skipped.file, io.cwd)}: ${skipped.reason}`);
        for (const skipped of bicepFound.modules) note?.(`skipped ${displayFile(skipped.file, io.cwd)}: ${skipped.reason}`);
        const json: string[] = [];
        for (const template of discovery.templates) {
          const source = bicep.compiledFrom(template, bicepFiles);
          // One template, not two: the .bicep is scanned (or, for a module, the file that uses it).
          if (source) note?.(`skipped ${displayFile(template, io.cwd)}: compiled from ${path.basename(source)} beside it`);
          else json.push(template);
        }
        // In the order a folder walk meets them (folder by folder), as JSON templates alone are found.
        const inFolder = [...json, ...bicepFound.templates].sort(byFolderWalk);
        if (inFolder.length === 0) emptyFolders.push(displayFile(full, io.cwd));
        for (const template of inFolder) if (!folderOf.has(template)) folderOf.set(template, displayFile(full, io.cwd));
        found.push(...inFolder);
      } else {
        named.add(full); // named on its own: an empty one is an error, as for any input
        if (!isBicep(full) && readKind(full, classifyJson) === 'parameters') {
          throw new UsageError(`${given} is a deployment parameters file, not a template`, `give it with --parameters ${given}`);
        }
        found.push(full);
      }
    }
    const unique = [...new Set(found)];
    const parameters = parameterFlags.map((given) => path.resolve(io.cwd, given));
    const matched = matchParameters(unique, parameters, io.cwd);
    for (const [template, files] of matched) {
      const bicepParams = files.find((file) => isBicepParams(file));
      if (bicepParams && !isBicep(template))
        throw new UsageError(
          `--parameters ${displayFile(bicepParams, io.cwd)} is a .bicepparam file, and ${displayFile(template, io.cwd)} is not Bicep`,
          'give a .bicepparam file with the .bicep template it names in its using line',
        );
    }
    const needsBicep = unique.some(isBicep);
    const compiler = needsBicep ? bicepCompiler(bicep, io.env) : undefined;
    const sources: InventorySource[] = unique.map((full) => {
      const files = (matched.get(full) ?? []).map(toFile);
      const foundIn = named.has(full) ? undefined : folderOf.get(full);
      return isBicep(full)
        ? new bicep.BicepSource(toFile(full), files, compiler!, foundIn)
        : new TemplateSource(toFile(full), files, foundIn);
    });
    // The scan reads the sources in this order: Bicep compiles start ahead of it in the same order.
    compiler?.plan(unique.filter(isBicep));
    for (const folder of emptyFolders) sources.push(new EmptyTemplateFolder(folder));
    return sources;
  },
};

/** Orders paths segment by segment: `app/x` before `app-configuration/x`, as a sorted walk of the folders meets them. */
function byFolderWalk(a: string, b: string): number {
  const left = a.split(path.sep);
  const right = b.split(path.sep);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}

const isBicep = (file: string): boolean => /\.bicep$/i.test(file);
const isBicepParams = (file: string): boolean => /\.bicepparam$/i.test(file);

/** The Bicep CLI, or a usage error naming where it was looked for and how to install it. */
function bicepCompiler(bicep: typeof BicepModule, env: Readonly<Record<string, string | undefined>>): BicepModule.BicepCompiler {
  const cli = bicep.findBicep(env);
  if (cli === undefined) throw new UsageError(`no Bicep CLI found: keyscope looks for ${bicep.BICEP_SEARCH}`, bicep.BICEP_INSTALL);
  if ('error' in cli) throw new UsageError(cli.error, `${bicep.BICEP_INSTALL}; or unset KEYSCOPE_BICEP to use bicep on PATH`);
  return new bicep.BicepCompiler(cli);
}

function isDirectory(full: string): boolean {
  try {
    return statSync(full).isDirectory();
  } catch {
    return false; // a missing file is reported by its source, with the others scanned
  }
}

function readKind(full: string, classifyJson: (text: string) => { kind: string }): string | undefined {
  try {
    return classifyJson(readFileSync(full, 'utf8')).kind;
  } catch {
    return undefined;
  }
}

/** `main.parameters.json`, `main.parameters.prod.json`, `main.bicepparam.json`, `main.bicepparam` -> `main`. */
export function parametersStem(file: string): string {
  return path
    .basename(file)
    .replace(/\.json$/i, '')
    .replace(/\.(parameters|params|bicepparam)(\..*)?$/i, '');
}

/**
 * Which parameters files apply to which template. With one template, every
 * file applies to it, in the order given (later values win, as in the Azure
 * CLI). With several, `NAME.parameters[.ANY].json` applies to `NAME.json` in
 * the same folder. A file that applies to no template is a usage error: a
 * value the user meant to give would otherwise be silently ignored.
 */
export function matchParameters(templates: readonly string[], parameters: readonly string[], cwd: string): Map<string, string[]> {
  const matched = new Map<string, string[]>();
  if (parameters.length === 0) return matched;
  if (templates.length === 1) {
    matched.set(templates[0]!, [...parameters]);
    return matched;
  }
  for (const file of parameters) {
    const stem = parametersStem(file).toLowerCase();
    const targets = templates.filter(
      (template) =>
        path.dirname(template) === path.dirname(file) &&
        path
          .basename(template)
          .replace(/\.(json|bicep)$/i, '')
          .toLowerCase() === stem,
    );
    if (targets.length === 0) {
      throw new UsageError(
        `--parameters ${displayFile(file, cwd)} matches no template scanned`,
        `with several templates, name it <template>.parameters.json (or <template>.bicepparam) beside <template>.json or <template>.bicep, or scan its template alone`,
      );
    }
    for (const target of targets) matched.set(target, [...(matched.get(target) ?? []), file]);
  }
  return matched;
}
