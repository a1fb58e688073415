import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanProblem } from '../../model/index.js';
import type { InventorySource, ReadOptions, ResourceBatch } from '../source.js';
import { ConfigFiles } from './config-files.js';
import { readPlan } from './plan-document.js';
import { buildPlanResources } from './plan-resources.js';

/** How a plan source reads its file and where it says what it left out. */
export interface TerraformSourceOptions {
  /** The file on disk, when the source's name is a display path (relative to the user's folder). */
  path?: string;
  /** Receives one-line notes for the user (resources of types keyscope does not map); stderr in the CLI. */
  note?: (message: string) => void;
  /** Look for the `.tf` files beside the plan to give findings their lines (default true). */
  locateConfiguration?: boolean;
}

/**
 * A Terraform plan, as `terraform show -json PLANFILE` writes it. Mapped
 * `azurerm` resources become resources in the common model, so the rule
 * pack that judges a live subscription judges what is about to be deployed.
 */
export class TerraformSource implements InventorySource {
  readonly label: string;

  constructor(
    private readonly file: string,
    private readonly options: TerraformSourceOptions = {},
  ) {
    this.label = `terraform:${file}`;
  }

  async *batches({ report }: ReadOptions): AsyncIterable<ResourceBatch> {
    const onDisk = this.options.path ?? this.file;
    let text: string;
    try {
      text = await readFile(onDisk, 'utf8');
    } catch (error) {
      report({ code: 'input-unreadable', message: `cannot read: ${(error as Error).message}`, target: this.file, fatal: true });
      return;
    }
    const read = readPlan(text);
    if (read.kind !== 'plan') {
      // Not JSON at all is unreadable input (exit 2); JSON that is not a plan leaves the scan incomplete (exit 3).
      report({ ...this.problem('plan-invalid', read.defect), ...(read.kind === 'not-json' ? { fatal: true } : {}) });
      return;
    }
    for (const defect of read.defects) report(this.problem('plan-invalid', defect));
    const configFiles =
      this.options.locateConfiguration === false
        ? undefined
        : new ConfigFiles(path.dirname(onDisk), path.dirname(this.file), read.plan.configuration);
    const built = buildPlanResources(read.plan, this.file, configFiles);
    for (const { code, ...defect } of built.problems) report(this.problem(code, defect));
    if (built.skipped.size && this.options.note) {
      const types = [...built.skipped].sort(([a], [b]) => (a < b ? -1 : 1));
      const count = types.reduce((sum, [, n]) => sum + n, 0);
      this.options.note(
        `${this.file}: ${count} planned resource${count === 1 ? '' : 's'} of types keyscope does not map, not evaluated: ` +
          types.map(([type, n]) => `${type} (${n})`).join(', '),
      );
    }
    if (built.resources.length) yield { kind: 'resources', resources: built.resources };
  }

  private problem(code: string, { message, line, column }: { message: string; line?: number; column?: number }): ScanProblem {
    return { code, message, target: this.file, ...(line === undefined ? {} : { line, column }) };
  }
}
