import path from 'node:path';
import { displayFile } from './export-kind.js';
import { collect, type SourceKind } from './source-kind.js';

/** `--plan FILE`: Terraform plans, as `terraform show -json PLANFILE` writes them. */
export const planKind: SourceKind = {
  usage: '--plan FILE',
  progress: 'input',
  addOptions(command) {
    command.option(
      '--plan <file>',
      'a Terraform plan as JSON (terraform plan -out tfplan && terraform show -json tfplan > plan.json); repeatable',
      collect,
      [],
    );
  },
  async createSources(flags, { io, quiet, progress }) {
    const plans = (flags['plan'] as string[] | undefined) ?? [];
    if (plans.length === 0) return [];
    // The plan reader is loaded only when plans are scanned.
    const { TerraformSource } = await import('../../sources/terraform/terraform-source.js');
    const note = quiet ? undefined : (message: string): void => void progress.lines.write(`keyscope: ${message}\n`);
    return plans.map(
      (file) => new TerraformSource(displayFile(file, io.cwd), { path: path.resolve(io.cwd, file), ...(note ? { note } : {}) }),
    );
  },
};
