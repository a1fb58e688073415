import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ScanProblem } from '../../../model/index.js';
import type { InventorySource, ReadOptions, ResourceBatch } from '../../source.js';
import { ConfigFiles } from '../config-files.js';
import { JsonPositions } from '../json-positions.js';
import type { ConfigModule, PlanDocument, ResourceChange } from '../plan-document.js';
import { buildPlanResources } from '../plan-resources.js';
import { ModuleInstance, type EvaluatedResource, type EvaluationProblem } from './evaluate.js';
import { parseExpression } from './expression.js';
import { loadModule, loadVarFile, type ModuleConfig } from './load.js';
import { splitUnknowns } from './values.js';

/** How a configuration is read: its folder on disk, the variable values given, where notes go. */
export interface TerraformConfigOptions {
  /** The root module's folder on disk (the source's name is the folder as the user gave it). */
  path: string;
  /** `--var-file` files on disk, in order (later values win). */
  varFiles?: readonly { path: string; file: string }[];
  /** `--var NAME=VALUE`, in order. */
  vars?: readonly string[];
  note?: (message: string) => void;
}

/**
 * A Terraform root module read without a plan: its `.tf` files parsed by
 * HashiCorp's HCL parser (`@cdktf/hcl2json`), what can be known before a
 * plan evaluated (variables, locals, functions, `count`/`for_each`, local
 * modules), and every managed resource instance mapped through the same
 * azurerm tables the plan reader uses. What only a plan or Azure knows is
 * unknown.
 */
export class TerraformConfigSource implements InventorySource {
  readonly label: string;

  constructor(
    private readonly dir: string,
    private readonly options: TerraformConfigOptions,
  ) {
    this.label = `terraform:${dir}`;
  }

  async *batches({ report }: ReadOptions): AsyncIterable<ResourceBatch> {
    const problem = (p: EvaluationProblem): void =>
      report({
        code: p.code,
        message: p.message,
        target: p.at.file,
        ...(p.at.line !== undefined ? { line: p.at.line, column: p.at.column ?? 1 } : {}),
        ...(p.fatal ? { fatal: true } : {}),
      });
    const modules = new Map<string, ModuleConfig | undefined>();
    const root = await this.loadTree(this.options.path, this.dir, modules, report);
    if (!root) return;
    if (root.errors.length) return; // reported by loadTree: this module is not evaluated

    const inputs = await this.inputs(root, report);
    if (!inputs) return;
    const instance = new ModuleInstance(root, inputs, undefined, [], [], this.options.path, (dir) => modules.get(dir), problem);
    const evaluated = instance.resources();
    const plan = planOf(evaluated);
    const configFiles = new ConfigFiles(this.options.path, this.dir, plan.configuration);
    const built = buildPlanResources(plan, this.dir, configFiles);
    for (const { code, message } of built.problems) report({ code, message, target: this.dir });
    if (built.skipped.size && this.options.note) {
      const types = [...built.skipped].sort(([a], [b]) => (a < b ? -1 : 1));
      const count = types.reduce((sum, [, n]) => sum + n, 0);
      this.options.note(
        `${this.dir}: ${count} resource${count === 1 ? '' : 's'} of types keyscope does not map, not evaluated: ` +
          types.map(([type, n]) => `${type} (${n})`).join(', '),
      );
    }
    if (built.resources.length) yield { kind: 'resources', resources: built.resources };
  }

  /** Loads a module and every local module it calls (recursively), reporting syntax errors; undefined when the root is not a folder of .tf files. */
  private async loadTree(
    dir: string,
    display: string,
    modules: Map<string, ModuleConfig | undefined>,
    report: (problem: ScanProblem) => void,
  ): Promise<ModuleConfig | undefined> {
    if (modules.has(dir)) return modules.get(dir);
    modules.set(dir, undefined);
    if (!existsSync(dir) || !statSync(dir).isDirectory() || !readdirSync(dir).some((name) => name.endsWith('.tf'))) {
      if (display === this.dir)
        report({ code: 'input-unreadable', message: 'not a folder of Terraform .tf files', target: this.dir, fatal: true });
      return undefined;
    }
    let config: ModuleConfig;
    try {
      config = await loadModule(dir, display);
    } catch (error) {
      report({ code: 'input-unreadable', message: `cannot read: ${(error as Error).message}`, target: display, fatal: true });
      return undefined;
    }
    modules.set(dir, config);
    for (const error of config.errors) {
      report({
        code: 'terraform-syntax-error',
        message: error.message,
        target: error.file,
        ...(error.line !== undefined ? { line: error.line, column: error.column ?? 1 } : {}),
        fatal: true,
      });
    }
    for (const duplicate of config.duplicates) {
      report({
        code: 'terraform-duplicate-declaration',
        message: duplicate.message,
        target: duplicate.at.file,
        line: duplicate.at.line,
        column: duplicate.at.column,
        fatal: true,
      });
    }
    for (const [, call] of config.modules) {
      const source = call.body['source'];
      if (typeof source === 'string' && /^\.\.?[\\/]/.test(source)) {
        await this.loadTree(path.resolve(dir, source), path.join(display, source), modules, report);
      }
    }
    return config;
  }

  /** Values of the root module's variables: terraform.tfvars, *.auto.tfvars, --var-file, --var, in that order. */
  private async inputs(root: ModuleConfig, report: (problem: ScanProblem) => void): Promise<Map<string, unknown> | undefined> {
    const inputs = new Map<string, unknown>();
    const automatic = readdirSync(this.options.path)
      .filter((name) => name === 'terraform.tfvars' || name === 'terraform.tfvars.json' || /\.auto\.tfvars(\.json)?$/.test(name))
      .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => ({ path: path.join(this.options.path, name), file: path.join(this.dir, name) }));
    for (const file of [...automatic, ...(this.options.varFiles ?? [])]) {
      let values: Record<string, unknown>;
      try {
        values = await loadVarFile(file.path);
      } catch (error) {
        const text = String((error as Error).message ?? error);
        const at = /:(\d+),(\d+)-/.exec(text);
        report({
          code: 'terraform-syntax-error',
          message: `a variables file that does not parse: ${text.replace(/^parse config: /, '')}`,
          target: file.file,
          ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
          fatal: true,
        });
        return undefined;
      }
      for (const [name, value] of Object.entries(values)) {
        if (!root.variables.has(name)) {
          report({
            code: 'terraform-variable-undeclared',
            message: `the root module declares no variable '${name}'`,
            target: file.file,
            fatal: true,
          });
          return undefined;
        }
        inputs.set(name, value);
      }
    }
    for (const given of this.options.vars ?? []) {
      const at = given.indexOf('=');
      const name = at < 0 ? given : given.slice(0, at);
      const declared = root.variables.get(name);
      if (at < 0 || !declared) {
        report({
          code: 'terraform-variable-undeclared',
          message: at < 0 ? `--var ${given}: give NAME=VALUE` : `--var ${name}: the root module declares no variable '${name}'`,
          target: this.dir,
          fatal: true,
        });
        return undefined;
      }
      const text = given.slice(at + 1);
      const type = declared.body['type'];
      // As Terraform reads -var: a primitive (or untyped) variable takes the text; a collection's value is an HCL expression.
      const primitive = type === undefined || type === '${string}' || type === '${number}' || type === '${bool}';
      let value: unknown = text;
      if (!primitive) {
        try {
          const probe = new ModuleInstance(
            root,
            new Map(),
            undefined,
            [],
            [],
            this.options.path,
            () => undefined,
            () => undefined,
          );
          value = probe.evaluate(parseExpression(text), new Map(), { file: this.dir, line: 1, column: 1 });
        } catch (error) {
          report({
            code: 'terraform-variable-undeclared',
            message: `--var ${name}: not an HCL value (${(error as Error).message})`,
            target: this.dir,
            fatal: true,
          });
          return undefined;
        }
      }
      inputs.set(name, value);
    }
    return inputs;
  }
}

/** terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars in name order, as Terraform loads them. */
const rank = (name: string): number => (name === 'terraform.tfvars' ? 0 : name === 'terraform.tfvars.json' ? 1 : 2);

/**
 * The evaluated configuration in the shape of a plan, so the plan reader's
 * mapping tables, id building and reference following apply unchanged:
 * one `create` per instance, unknowns in `after_unknown`, and the
 * configuration's references.
 */
function planOf(resources: readonly EvaluatedResource[]): PlanDocument {
  const changes: ResourceChange[] = resources.map((resource, index) => {
    const { after, unknown } = splitUnknowns(resource.values);
    return {
      index,
      address: resource.address,
      moduleAddress: resource.moduleAddress,
      mode: 'managed',
      type: resource.type,
      name: resource.name,
      providerName: 'registry.terraform.io/hashicorp/azurerm',
      actions: ['create'],
      after,
      afterUnknown: unknown === false ? {} : unknown,
      deposed: undefined,
    };
  });
  const root: ConfigModule = { resources: [], module_calls: {} };
  const seen = new Set<string>();
  for (const resource of resources) {
    let module = root;
    for (const [i, call] of resource.modulePath.entries()) {
      module.module_calls ??= {};
      const next = (module.module_calls[call] ??= { source: resource.moduleSources[i]!, module: { resources: [], module_calls: {} } });
      module = next.module!;
    }
    const key = `${resource.modulePath.join('.')}|${resource.type}.${resource.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    module.resources!.push({
      address: `${resource.type}.${resource.name}`,
      mode: 'managed',
      type: resource.type,
      name: resource.name,
      expressions: resource.references,
    });
  }
  return {
    formatVersion: '1.2',
    terraformVersion: undefined,
    changes,
    configuration: root,
    providerConfig: {},
    variables: {},
    positions: new JsonPositions('{}'),
  };
}
