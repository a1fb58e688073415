import { constants, readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { getLocation } from 'jsonc-parser';
import path from 'node:path';
import type { ScanProblem } from '../../model/index.js';
import { scanTemplate } from '../arm/scan-template.js';
import type { TemplateFile } from '../arm/template-source.js';
import type { InventorySource, ReadOptions, ResourceBatch } from '../source.js';
import type { BicepCompiler, CompileResult } from './bicep-cli.js';
import { BicepLocator } from './locate.js';

/** Problem codes of Bicep compiles: fatal, so the exit code is 2, and never hiding other templates. */
export const BICEP_PROBLEM = {
  /** Bicep reported an error (at its file, line and column), or could not be run, for this file. */
  compileFailed: 'bicep-compile-failed',
} as const;

/** The message's leading JSON pointer, as the template evaluator writes it (`/resources/vault/properties: ...`). */
const LEADING_POINTER = /^(\/[^:\s]*): /;

/**
 * A `.bicep` file compiled by the Bicep CLI and evaluated as the template
 * it compiles to, with its parameters files (JSON, or `.bicepparam`
 * compiled the same way). Its records and problems are placed in the Bicep
 * source; the compiled JSON's positions stay on each origin as `compiled`.
 */
export class BicepSource implements InventorySource {
  readonly label: string;
  readonly foundIn?: string;

  constructor(
    private readonly template: TemplateFile,
    private readonly parameters: readonly TemplateFile[],
    private readonly compiler: BicepCompiler,
    /** The `--template` folder it was found in, when it was: a file there that deploys nothing is a notice. */
    foundIn?: string,
  ) {
    // A Bicep file is a template source like any other (`arm:` in the report's sources).
    this.label = `arm:${template.file}`;
    if (foundIn !== undefined) this.foundIn = foundIn;
  }

  async *batches({ report }: ReadOptions): AsyncIterable<ResourceBatch> {
    for (const file of [this.template, ...this.parameters]) {
      try {
        await access(file.path, constants.R_OK);
      } catch (error) {
        // Said plainly, before the CLI says it its own way.
        report({ code: 'input-unreadable', message: `cannot read: ${(error as Error).message}`, target: file.file, fatal: true });
        return;
      }
    }
    const compiled = await this.compiler.build(this.template.path);
    if (!this.compiledOk(compiled, this.template, report)) return;
    const parameters: { file: string; text: string }[] = [];
    for (const file of this.parameters) {
      let text: string | undefined;
      if (/\.bicepparam$/i.test(file.path)) {
        const result = await this.compiler.buildParams(file.path);
        if (!this.compiledOk(result, file, report)) return;
        text = result.text;
      } else {
        try {
          text = await readFile(file.path, 'utf8');
        } catch (error) {
          report({ code: 'input-unreadable', message: `cannot read: ${(error as Error).message}`, target: file.file, fatal: true });
          return;
        }
      }
      parameters.push({ file: file.file, text });
    }

    const locator = new BicepLocator(this.template, (full) => {
      try {
        return readFileSync(full, 'utf8');
      } catch {
        return undefined;
      }
    });
    // Problems the evaluator places in the compiled JSON are moved to the Bicep line they come from.
    const placed = (problem: ScanProblem): void => {
      if (problem.target !== this.template.file || problem.line === undefined) return report(problem);
      const rest: ScanProblem = {
        code: problem.code,
        message: problem.message,
        target: problem.target,
        ...(problem.fatal ? { fatal: true } : {}),
        ...(problem.notice ? { notice: true } : {}),
      };
      const pointer = LEADING_POINTER.exec(problem.message)?.[1] ?? pointerAt(compiled.text, problem.line, problem.column ?? 1);
      const at = locator.pointAt(pointer);
      if (at) return report({ ...rest, target: at.file, line: at.line, column: at.column });
      report({ ...rest, message: `in the compiled template: ${problem.message}` });
    };
    let resources;
    try {
      const deploymentName = path.basename(this.template.path).replace(/\.bicep$/i, '');
      resources = scanTemplate({ file: this.template.file, text: compiled.text, parameters }, placed, { deploymentName });
    } catch (error) {
      report({
        code: 'template-invalid',
        message: `keyscope could not evaluate the compiled template: ${(error as Error).message}`,
        target: this.template.file,
      });
      return;
    }
    for (const resource of resources) {
      if (resource.origin?.kind === 'arm') resource.origin = locator.locate(resource.origin, resource.type);
    }
    if (resources.length) yield { kind: 'resources', resources };
  }

  /** Reports a failed compile: each error at the Bicep file, line and column Bicep gives. */
  private compiledOk(
    result: CompileResult,
    file: TemplateFile,
    report: (problem: ScanProblem) => void,
  ): result is { ok: true; text: string } {
    if (result.ok) return true;
    if (result.diagnostics.length === 0) {
      report({ code: BICEP_PROBLEM.compileFailed, message: result.message, target: file.file, fatal: true });
      return false;
    }
    for (const diagnostic of result.diagnostics) {
      // Bicep names files by absolute path; reports name them as the user named the template.
      const relative = path.relative(path.dirname(file.path), path.resolve(path.dirname(file.path), diagnostic.file));
      report({
        code: BICEP_PROBLEM.compileFailed,
        message: `${diagnostic.code}: ${diagnostic.message}`,
        target: path.join(path.dirname(file.file), relative),
        line: diagnostic.line,
        column: diagnostic.column,
        fatal: true,
      });
    }
    return false;
  }
}

/** The JSON pointer of the node at a line and column of a JSON text. */
function pointerAt(text: string, line: number, column: number): string {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  const segments = getLocation(text, offset + column - 1).path;
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
