import { readFile } from 'node:fs/promises';
import type { ScanProblem } from '../../model/index.js';
import type { InventorySource, ReadOptions, ResourceBatch } from '../source.js';
import { scanTemplate } from './scan-template.js';

/** A file to read: where it is, and how reports name it. */
export interface TemplateFile {
  path: string;
  file: string;
}

/**
 * One ARM template (or compiled Bicep) with the parameters files that apply
 * to it. Its resources are evaluated when the scan reads the source and
 * handed out in one batch; problems (a file that does not parse, an
 * expression that cannot be evaluated, a parameter with no value) are
 * reported with their position and never stop the other sources.
 */
export class TemplateSource implements InventorySource {
  readonly label: string;
  readonly foundIn?: string;

  constructor(
    private readonly template: TemplateFile,
    private readonly parameters: readonly TemplateFile[] = [],
    /** The `--template` folder it was found in, when it was. */
    foundIn?: string,
  ) {
    this.label = `arm:${template.file}`;
    if (foundIn !== undefined) this.foundIn = foundIn;
  }

  async *batches({ report }: ReadOptions): AsyncIterable<ResourceBatch> {
    const text = await this.read(this.template, report);
    if (text === undefined) return;
    const parameters: { file: string; text: string }[] = [];
    for (const file of this.parameters) {
      const parameterText = await this.read(file, report);
      if (parameterText === undefined) return;
      parameters.push({ file: file.file, text: parameterText });
    }
    let resources;
    try {
      resources = scanTemplate({ file: this.template.file, text, parameters }, report);
    } catch (error) {
      // A template keyscope fails on is reported, never taken for a clean one.
      report({
        code: 'template-invalid',
        message: `keyscope could not evaluate the template: ${(error as Error).message}`,
        target: this.template.file,
      });
      return;
    }
    if (resources.length) yield { kind: 'resources', resources };
  }

  private async read(file: TemplateFile, report: (problem: ScanProblem) => void): Promise<string | undefined> {
    try {
      return await readFile(file.path, 'utf8');
    } catch (error) {
      report({ code: 'input-unreadable', message: `cannot read: ${(error as Error).message}`, target: file.file, fatal: true });
      return undefined;
    }
  }
}

/** A `--template` folder with no template in it: reported, so an empty folder is never a clean scan. */
export class EmptyTemplateFolder implements InventorySource {
  readonly label: string;

  constructor(private readonly folder: string) {
    this.label = `arm:${folder}`;
  }

  async *batches({ report }: ReadOptions): AsyncIterable<ResourceBatch> {
    await Promise.resolve();
    report({ code: 'input-empty', message: 'no deployment template found in this folder', target: this.folder });
  }
}
