import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors/index.js';
import type { TemplateFile } from '../../sources/arm/index.js';
import type { InventorySource } from '../../sources/index.js';
import { displayFile } from './export-kind.js';
import { collect, type SourceKind } from './source-kind.js';

/**
 * `--template FILE|DIR` and `--parameters FILE`: ARM templates (compiled
 * Bicep included) and their parameters files. A folder is searched for
 * templates by content; each template is its own source, so one broken file
 * never hides the findings of another.
 */
export const templateKind: SourceKind = {
  usage: '--template FILE|DIR',
  progress: 'input',
  addOptions(command) {
    command
      .option(
        '--template <path>',
        'an ARM template or compiled Bicep (bicep build main.bicep), or a folder searched for them; repeatable',
        collect,
        [],
      )
      .option(
        '--parameters <file>',
        'a deployment parameters file (or a .bicepparam compiled with bicep build-params); with several templates, <name>.parameters.json applies to <name>.json beside it; repeatable',
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
    // The template evaluator is loaded only when templates are scanned.
    const { classifyJson, discoverTemplates, EmptyTemplateFolder, TemplateSource } = await import('../../sources/arm/index.js');
    const note = quiet ? undefined : (message: string): void => void progress.lines.write(`keyscope: ${message}\n`);
    const toFile = (full: string): TemplateFile => ({ path: full, file: displayFile(full, io.cwd) });

    const found: string[] = [];
    const emptyFolders: string[] = [];
    for (const given of templates) {
      if (/\.bicep$/i.test(given))
        throw new UsageError(`${given} is Bicep: compile it first`, `bicep build ${given} (then scan the .json it writes)`);
      const full = path.resolve(io.cwd, given);
      if (isDirectory(full)) {
        const discovery = discoverTemplates(full);
        for (const skipped of discovery.skipped) note?.(`skipped ${displayFile(skipped.file, io.cwd)}: ${skipped.reason}`);
        if (discovery.templates.length === 0) emptyFolders.push(displayFile(full, io.cwd));
        found.push(...discovery.templates);
      } else {
        if (readKind(full, classifyJson) === 'parameters') {
          throw new UsageError(`${given} is a deployment parameters file, not a template`, `give it with --parameters ${given}`);
        }
        found.push(full);
      }
    }
    const unique = [...new Set(found)];
    const parameters = parameterFlags.map((given) => {
      if (/\.bicepparam$/i.test(given)) {
        throw new UsageError(
          `${given} is a .bicepparam file: compile it first`,
          `bicep build-params ${given} --outfile ${given.replace(/\.bicepparam$/i, '.parameters.json')}`,
        );
      }
      return path.resolve(io.cwd, given);
    });
    const matched = matchParameters(unique, parameters, io.cwd);
    const sources: InventorySource[] = unique.map((full) => new TemplateSource(toFile(full), (matched.get(full) ?? []).map(toFile)));
    for (const folder of emptyFolders) sources.push(new EmptyTemplateFolder(folder));
    return sources;
  },
};

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

/** `main.parameters.json`, `main.parameters.prod.json`, `main.bicepparam.json` -> `main`. */
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
          .replace(/\.json$/i, '')
          .toLowerCase() === stem,
    );
    if (targets.length === 0) {
      throw new UsageError(
        `--parameters ${displayFile(file, cwd)} matches no template scanned`,
        `with several templates, name it <template>.parameters.json beside <template>.json, or scan its template alone`,
      );
    }
    for (const target of targets) matched.set(target, [...(matched.get(target) ?? []), file]);
  }
  return matched;
}
