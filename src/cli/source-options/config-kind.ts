import path from 'node:path';
import { UsageError } from '../../errors/index.js';
import { displayFile } from './export-kind.js';
import { collect, type SourceKind } from './source-kind.js';

/** `--terraform DIR`: Terraform root modules read without a plan, with `--var-file` and `--var`. */
export const configKind: SourceKind = {
  usage: '--terraform DIR',
  progress: 'input',
  addOptions(command) {
    command
      .option('--terraform <dir>', 'a Terraform root module (its .tf files), evaluated without a plan; repeatable', collect, [])
      .option('--var-file <file>', 'a .tfvars file for --terraform (after terraform.tfvars and *.auto.tfvars); repeatable', collect, [])
      .option('--var <name=value>', 'a root variable for --terraform, as terraform plan -var takes it; repeatable', collect, []);
  },
  async createSources(flags, { io, quiet }) {
    const dirs = (flags['terraform'] as string[] | undefined) ?? [];
    const varFiles = (flags['varFile'] as string[] | undefined) ?? [];
    const vars = (flags['var'] as string[] | undefined) ?? [];
    if (dirs.length === 0) {
      if (varFiles.length || vars.length)
        throw new UsageError(
          `${varFiles.length ? '--var-file' : '--var'} needs --terraform`,
          'example: keyscope scan --terraform infra/ --var-file prod.tfvars',
        );
      return [];
    }
    // The HCL reader (and its WebAssembly parser) is loaded only when configurations are scanned.
    const { TerraformConfigSource } = await import('../../sources/terraform/hcl/config-source.js');
    const note = quiet ? undefined : (message: string): void => void io.stderr.write(`keyscope: ${message}\n`);
    const files = varFiles.map((file) => ({ path: path.resolve(io.cwd, file), file: displayFile(file, io.cwd) }));
    return dirs.map(
      (dir) =>
        new TerraformConfigSource(displayFile(dir, io.cwd), {
          path: path.resolve(io.cwd, dir),
          varFiles: files,
          vars,
          ...(note ? { note } : {}),
        }),
    );
  },
};
