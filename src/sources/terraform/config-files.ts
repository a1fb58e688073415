import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { scanResourceBlocks, type ResourceBlock } from './hcl-blocks.js';
import type { ConfigModule } from './plan-document.js';

/** A resource block found in a configuration file. */
export interface LocatedBlock extends ResourceBlock {
  /** The `.tf` file, as the user would name it (relative to where the plan was given). */
  file: string;
}

/**
 * Finds the `.tf` file and line that declare a planned resource.
 *
 * A plan names no files and no lines (`configuration` holds expressions
 * only), so keyscope looks for the configuration where `terraform show
 * -json` is usually run: the plan file's folder is taken as the root
 * module. Child modules are found through `.terraform/modules/modules.json`
 * (written by `terraform init`, for every module source) or, without it,
 * through a local `source` (`./modules/vault`). When a block is not found
 * the plan's own positions are used instead.
 */
export class ConfigFiles {
  private readonly byFolder = new Map<string, Map<string, LocatedBlock>>();
  private readonly installed: Map<string, string> | undefined;

  constructor(
    /** The folder of the plan file on disk. */
    private readonly root: string,
    /** The same folder as the user named it, for display. */
    private readonly displayRoot: string,
    private readonly configuration: ConfigModule | undefined,
  ) {
    this.installed = readModulesManifest(root);
  }

  /** The block declaring `localAddress` (`type.name`) in the module reached through `modulePath`. */
  find(modulePath: readonly string[], localAddress: string): LocatedBlock | undefined {
    const folder = this.moduleFolder(modulePath);
    return folder === undefined ? undefined : this.blocksIn(folder).get(localAddress);
  }

  private moduleFolder(modulePath: readonly string[]): string | undefined {
    if (!modulePath.length) return '';
    const installed = this.installed?.get(modulePath.join('.'));
    if (installed !== undefined) return installed;
    let folder = '';
    let module = this.configuration;
    for (const call of modulePath) {
      const source = module?.module_calls?.[call]?.source;
      if (typeof source !== 'string' || !/^\.\.?\//.test(source)) return undefined;
      folder = path.join(folder, source);
      module = module?.module_calls?.[call]?.module;
    }
    return folder;
  }

  private blocksIn(folder: string): Map<string, LocatedBlock> {
    let blocks = this.byFolder.get(folder);
    if (blocks) return blocks;
    blocks = new Map();
    this.byFolder.set(folder, blocks);
    const directory = path.join(this.root, folder);
    let names: string[] = [];
    try {
      names = readdirSync(directory)
        .filter((name) => name.endsWith('.tf'))
        .sort();
    } catch {
      return blocks;
    }
    for (const name of names) {
      const file = path.join(directory, name);
      let text: string;
      try {
        if (!statSync(file).isFile()) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const display = path.join(this.displayRoot, folder, name);
      for (const [address, block] of scanResourceBlocks(text)) {
        if (!blocks.has(address)) blocks.set(address, { ...block, file: display });
      }
    }
    return blocks;
  }
}

/** `.terraform/modules/modules.json`: module keys (`a.b`) to their folders, relative to the root module. */
function readModulesManifest(root: string): Map<string, string> | undefined {
  const file = path.join(root, '.terraform', 'modules', 'modules.json');
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { Modules?: { Key?: unknown; Dir?: unknown }[] };
    const folders = new Map<string, string>();
    for (const entry of manifest.Modules ?? []) {
      if (typeof entry.Key === 'string' && entry.Key && typeof entry.Dir === 'string') folders.set(entry.Key, path.normalize(entry.Dir));
    }
    return folders;
  } catch {
    // A damaged manifest only costs positions; local sources are still followed.
    return undefined;
  }
}
