import path from 'node:path';
import { ExpressionSyntaxError, parseTemplate, type Expr } from './expression.js';
import { ARITY, EvaluationError, FUNCTIONS, toText } from './functions.js';
import type { Body, Declared, ModuleConfig } from './load.js';
import { hasUnknown, isRecord, isUnknown, UNKNOWN } from './values.js';

/** Something the evaluation could not do, at its declaration. */
export interface EvaluationProblem {
  code:
    | 'terraform-local-cycle'
    | 'terraform-variable-missing'
    | 'terraform-expression-invalid'
    | 'terraform-module-missing'
    | 'terraform-module-not-followed'
    | 'terraform-syntax-error';
  message: string;
  at: { file: string; line?: number; column?: number };
  fatal?: boolean;
}

/** A managed resource instance with its evaluated arguments and what it refers to. */
export interface EvaluatedResource {
  address: string;
  moduleAddress: string | undefined;
  modulePath: string[];
  /** The `source` of each module call on the path (`./modules/kv`). */
  moduleSources: string[];
  type: string;
  name: string;
  /** Arguments and nested blocks (lists of objects), unknowns as `UNKNOWN`. */
  values: Record<string, unknown>;
  /** References by argument path, as a plan's `configuration` lists them (`azurerm_key_vault.kv`, `each.key`). */
  references: Record<string, unknown>;
}

/** Names of Terraform's meta-arguments and blocks: not resource arguments. */
/**
 * Instances of one block keyscope expands (Terraform sets no limit): a
 * `count` of a billion would take unbounded time and memory, so more is
 * a problem and the instances stay unknown.
 */
export const MAX_INSTANCES = 10_000;

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/** Attributes the azurerm provider computes: unknown until apply when the configuration does not set them. */
const COMPUTED: Record<string, readonly string[]> = {
  '*': ['id'],
  azurerm_key_vault: ['access_policy', 'vault_uri'],
  azurerm_key_vault_key: ['version', 'versionless_id', 'resource_id', 'resource_versionless_id', 'public_key_pem', 'n', 'e', 'x', 'y'],
  azurerm_kubernetes_cluster: ['kubernetes_version'],
  azurerm_managed_disk: ['disk_size_gb'],
  azurerm_storage_account: ['primary_blob_endpoint'],
};

/** Attributes of a nested block the provider computes (`identity.principal_id`). */
const COMPUTED_IN_BLOCK: Record<string, readonly string[]> = { identity: ['principal_id', 'tenant_id'] };

/** Lazily evaluated members (a namespace like `var`, a resource instance, a module's outputs). */
abstract class Lazy {
  abstract get(name: string): unknown;
}

class Namespace extends Lazy {
  constructor(private readonly read: (name: string) => unknown) {
    super();
  }
  get(name: string): unknown {
    return this.read(name);
  }
}

/** Terraform's `path.module`-style and loop values for one evaluation. */
type Bindings = ReadonlyMap<string, unknown>;

const parsedCache = new Map<string, Expr>();

/** The parsed form of a value hcl2json wrote as a string. */
function parsed(text: string): Expr {
  let expr = parsedCache.get(text);
  if (!expr) {
    expr = parseTemplate(text);
    parsedCache.set(text, expr);
  }
  return expr;
}

/** Static references of an expression, as a plan's `configuration` lists them. */
function referencesOf(expr: Expr, out: Set<string>, resourceTypes: ReadonlySet<string>): void {
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'attr': {
        if (e.target.kind === 'variable' && resourceTypes.has(e.target.name)) out.add(`${e.target.name}.${e.name}`);
        if (e.target.kind === 'variable' && (e.target.name === 'each' || e.target.name === 'count')) out.add(`${e.target.name}.${e.name}`);
        if (e.target.kind === 'variable' && e.target.name === 'module') out.add(`module.${e.name}`);
        walk(e.target);
        break;
      }
      case 'index': {
        const t = e.target;
        if (t.kind === 'attr' && t.target.kind === 'variable' && resourceTypes.has(t.target.name) && e.key.kind === 'literal') {
          out.add(`${t.target.name}.${t.name}[${JSON.stringify(e.key.value)}]`);
        }
        walk(e.target);
        walk(e.key);
        break;
      }
      case 'template':
        for (const part of e.parts) if (typeof part !== 'string') walk(part);
        break;
      case 'splat':
        walk(e.target);
        break;
      case 'call':
        e.args.forEach(walk);
        break;
      case 'tuple':
        e.items.forEach(walk);
        break;
      case 'object':
        for (const item of e.items) {
          walk(item.key);
          walk(item.value);
        }
        break;
      case 'for':
        walk(e.collection);
        walk(e.value);
        if (e.key) walk(e.key);
        if (e.cond) walk(e.cond);
        break;
      case 'conditional':
        walk(e.cond);
        walk(e.then);
        walk(e.else);
        break;
      case 'unary':
        walk(e.operand);
        break;
      case 'binary':
        walk(e.left);
        walk(e.right);
        break;
      default:
        break;
    }
  };
  walk(expr);
}

/** An instance key as Terraform writes it in an address: `[0]`, `["a"]`. */
const keyText = (key: string | number): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

/** Loaded modules by folder, for module calls. */
export type ModuleLoader = (dir: string) => ModuleConfig | undefined;

/** One instance of a module: its inputs, locals, resources and outputs, evaluated on demand. */
export class ModuleInstance {
  private readonly localValues = new Map<string, unknown>();
  private readonly evaluating: string[] = [];
  private readonly resourceTypes: Set<string>;
  private readonly instances = new Map<string, { key: string | number | undefined; bindings: Bindings }[] | undefined>();
  private readonly attributeValues = new Map<string, unknown>();
  private readonly children = new Map<string, unknown>();

  constructor(
    readonly config: ModuleConfig,
    /** Values given to its variables: a root module's from tfvars and flags, a child's from its `module` block. */
    private readonly inputs: ReadonlyMap<string, unknown>,
    readonly moduleAddress: string | undefined,
    readonly modulePath: string[],
    readonly moduleSources: string[],
    private readonly rootDir: string,
    private readonly load: ModuleLoader,
    private readonly problems: (problem: EvaluationProblem) => void,
    private readonly depth = 0,
  ) {
    this.resourceTypes = new Set(config.resources.filter((resource) => resource.mode === 'managed').map((resource) => resource.type));
  }

  private problem(code: EvaluationProblem['code'], message: string, at: Declared | { file: string }, fatal = false): void {
    this.problems({ code, message, at, ...(fatal ? { fatal } : {}) });
  }

  // ---- values written in the configuration

  /** Evaluates a value as hcl2json gives it: strings are templates, objects and lists are walked. */
  value(raw: unknown, bindings: Bindings, at: Declared): unknown {
    if (typeof raw === 'string') {
      if (!raw.includes('${') && !raw.includes('%{')) return raw;
      let expr: Expr;
      try {
        expr = parsed(raw);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        this.problem('terraform-expression-invalid', `keyscope cannot read ${JSON.stringify(raw)}: ${error.message}; it is unknown`, at);
        return UNKNOWN;
      }
      try {
        return this.evaluate(expr, bindings, at);
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        this.problem('terraform-expression-invalid', `${raw}: ${error.message}; it is unknown`, at);
        return UNKNOWN;
      }
    }
    if (Array.isArray(raw)) return raw.map((item) => this.value(item, bindings, at));
    if (isRecord(raw)) {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(raw)) out[key] = this.value(member, bindings, at);
      return out;
    }
    return raw;
  }

  /** Evaluates one parsed expression. Throws EvaluationError where Terraform would report an error. */
  evaluate(expr: Expr, bindings: Bindings, at: Declared): unknown {
    const ev = (e: Expr, b: Bindings = bindings): unknown => this.evaluate(e, b, at);
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'opaque':
        return UNKNOWN;
      case 'template': {
        let text = '';
        for (const part of expr.parts) {
          if (typeof part === 'string') text += part;
          else {
            const value = ev(part);
            if (hasUnknown(value)) return UNKNOWN;
            text += toText(value);
          }
        }
        return text;
      }
      case 'variable':
        return this.root(expr.name, bindings);
      case 'attr':
        return member(ev(expr.target), expr.name);
      case 'index': {
        const target = ev(expr.target);
        const key = ev(expr.key);
        if (isUnknown(key) || isUnknown(target)) return UNKNOWN;
        return member(target, typeof key === 'number' ? key : toText(key));
      }
      case 'each':
        return bindings.get('\u0000splat');
      case 'splat': {
        const target = ev(expr.target);
        if (isUnknown(target)) return UNKNOWN;
        const items = Array.isArray(target) ? target : target === null ? [] : [target];
        return items.map((item) => ev(expr.each, new Map([...bindings, ['\u0000splat', item]])));
      }
      case 'call': {
        // Own names only: `constructor()` or `toString()` are not functions Terraform has.
        const fn = Object.hasOwn(FUNCTIONS, expr.name) ? FUNCTIONS[expr.name] : undefined;
        if (!fn) return UNKNOWN; // not one keyscope evaluates: never guessed
        let args = expr.args.map((arg) => () => ev(arg));
        if (expr.expand && args.length) {
          const last = args[args.length - 1]!();
          if (!Array.isArray(last)) return UNKNOWN;
          args = [...args.slice(0, -1), ...(last as unknown[]).map((item) => (): unknown => item)];
        }
        const [fewest, most] = ARITY[expr.name]!;
        if (args.length < fewest || args.length > most)
          throw new EvaluationError(
            `${expr.name}() takes ${fewest === most ? fewest : most === Infinity ? `at least ${fewest}` : `${fewest} to ${most}`} argument${most === 1 ? '' : 's'}, not ${args.length}`,
          );
        return fn(args);
      }
      case 'tuple':
        return expr.items.map((item) => ev(item));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const item of expr.items) {
          const key = ev(item.key);
          if (isUnknown(key)) return UNKNOWN;
          out[toText(key)] = ev(item.value);
        }
        return out;
      }
      case 'for':
        return this.forExpression(expr, bindings, at);
      case 'conditional': {
        const cond = ev(expr.cond);
        if (isUnknown(cond)) return UNKNOWN;
        if (typeof cond !== 'boolean') throw new EvaluationError('a condition must be a bool');
        return cond ? ev(expr.then) : ev(expr.else);
      }
      case 'unary': {
        const operand = ev(expr.operand);
        if (isUnknown(operand)) return UNKNOWN;
        return expr.op === '!' ? !operand : -Number(operand);
      }
      case 'binary':
        return this.binary(expr.op, expr.left, expr.right, bindings, at);
    }
  }

  private binary(op: string, left: Expr, right: Expr, bindings: Bindings, at: Declared): unknown {
    const a = this.evaluate(left, bindings, at);
    // `&&` and `||` decide on a known false or true even when the other side is unknown.
    if (op === '&&' && a === false) return false;
    if (op === '||' && a === true) return true;
    const b = this.evaluate(right, bindings, at);
    if (op === '&&') return b === false ? false : isUnknown(a) || isUnknown(b) ? UNKNOWN : Boolean(a) && Boolean(b);
    if (op === '||') return b === true ? true : isUnknown(a) || isUnknown(b) ? UNKNOWN : Boolean(a) || Boolean(b);
    if (hasUnknown(a) || hasUnknown(b)) return UNKNOWN;
    switch (op) {
      case '==':
        return JSON.stringify(a) === JSON.stringify(b);
      case '!=':
        return JSON.stringify(a) !== JSON.stringify(b);
      case '<':
        return Number(a) < Number(b);
      case '<=':
        return Number(a) <= Number(b);
      case '>':
        return Number(a) > Number(b);
      case '>=':
        return Number(a) >= Number(b);
      case '+':
        return Number(a) + Number(b);
      case '-':
        return Number(a) - Number(b);
      case '*':
        return Number(a) * Number(b);
      case '/':
        return Number(a) / Number(b);
      case '%':
        return Number(a) % Number(b);
      default:
        throw new EvaluationError(`unknown operator ${op}`);
    }
  }

  private forExpression(expr: Extract<Expr, { kind: 'for' }>, bindings: Bindings, at: Declared): unknown {
    const collection = this.evaluate(expr.collection, bindings, at);
    if (isUnknown(collection)) return UNKNOWN;
    // Maps and objects are iterated in key order, as Terraform does.
    const entries: [unknown, unknown][] = Array.isArray(collection)
      ? collection.map((item, i) => [i, item])
      : isRecord(collection)
        ? Object.keys(collection)
            .sort()
            .map((key) => [key, collection[key]])
        : (() => {
            throw new EvaluationError('a for expression needs a list, set, map or object');
          })();
    const out: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      const inner = new Map(bindings);
      if (expr.keyVar) inner.set(expr.keyVar, key);
      inner.set(expr.valueVar, value);
      if (expr.cond) {
        const keep = this.evaluate(expr.cond, inner, at);
        if (isUnknown(keep)) return UNKNOWN;
        if (!keep) continue;
      }
      const result = this.evaluate(expr.value, inner, at);
      if (!expr.object) {
        out.push(result);
        continue;
      }
      const name = this.evaluate(expr.key!, inner, at);
      if (isUnknown(name)) return UNKNOWN;
      const text = toText(name);
      if (expr.group) ((object[text] ??= []) as unknown[]).push(result);
      else object[text] = result;
    }
    return expr.object ? object : out;
  }

  /** What a name at the start of a traversal means: loop values, `var`, `local`, resources, modules, data. */
  private root(name: string, bindings: Bindings): unknown {
    if (bindings.has(name)) return bindings.get(name);
    switch (name) {
      case 'var':
        return new Namespace((variable) => this.variable(variable));
      case 'local':
        return new Namespace((local) => this.local(local));
      case 'module':
        return new Namespace((call) => this.moduleValue(call));
      case 'data':
        return UNKNOWN; // data sources are read at plan time, from Azure
      case 'path':
        return {
          module: path.relative(this.rootDir, this.config.dir) || '.',
          root: '.',
          cwd: '.',
        };
      case 'terraform':
        return { workspace: 'default' };
      case 'each':
      case 'count':
      case 'self':
        return UNKNOWN;
      default:
        if (this.resourceTypes.has(name)) return new Namespace((resource) => this.resourceValue(name, resource));
        // A resource type this module does not declare (Terraform's validation rejects it): nothing about it is known.
        if (/^[a-z0-9]+_[a-z0-9_]+$/.test(name)) return UNKNOWN;
        throw new EvaluationError(`'${name}' is not a name Terraform knows here`);
    }
  }

  // ---- variables and locals

  private variable(name: string): unknown {
    const declared = this.config.variables.get(name);
    if (!declared) throw new EvaluationError(`no variable "${name}" is declared`);
    // Terraform requires a literal default ("Variables not allowed"): one that reads a variable, itself included, is invalid.
    if (this.evaluating.some((entry) => entry.startsWith('default:')))
      throw new EvaluationError(`a variable's default cannot refer to a variable (var.${name}); Terraform requires a literal value`);
    if (this.inputs.has(name)) return convert(this.inputs.get(name), declared.body['type']);
    if ('default' in declared.body) {
      this.evaluating.push(`default:${name}`);
      try {
        return this.value(declared.body['default'], new Map(), declared.at);
      } finally {
        this.evaluating.pop();
      }
    }
    this.problem(
      'terraform-variable-missing',
      `the variable '${name}' has no value and no default: what depends on it is unknown (give it in a .tfvars file, --var-file or --var ${name}=...)`,
      declared.at,
    );
    return UNKNOWN;
  }

  private local(name: string): unknown {
    if (this.localValues.has(name)) return this.localValues.get(name);
    const declared = this.config.locals.get(name);
    if (!declared) throw new EvaluationError(`no local value "${name}" is declared`);
    const cycle = this.evaluating.indexOf(`local.${name}`);
    if (cycle >= 0) {
      const chain = [...this.evaluating.slice(cycle), `local.${name}`].join(' -> ');
      this.problem('terraform-local-cycle', `local values refer to each other in a cycle: ${chain}; they are unknown`, declared.at);
      return UNKNOWN;
    }
    this.evaluating.push(`local.${name}`);
    let value: unknown;
    try {
      value = this.value(declared.value, new Map(), declared.at);
    } finally {
      this.evaluating.pop();
    }
    if (!this.localValues.has(name)) this.localValues.set(name, value);
    return this.localValues.get(name);
  }

  // ---- resources

  /** The instances of a resource block: its `count` or `for_each` keys, with `count.index` or `each.key`/`each.value`. */
  instancesOf(resource: ModuleConfig['resources'][number]): { key: string | number | undefined; bindings: Bindings }[] | undefined {
    const id = `${resource.mode}.${resource.type}.${resource.name}`;
    if (this.instances.has(id)) return this.instances.get(id);
    // A `count` or `for_each` that reads its own resource: Terraform rejects the cycle; its instances stay unknown.
    if (this.evaluating.includes(`instances:${id}`)) return undefined;
    this.evaluating.push(`instances:${id}`);
    let list;
    try {
      list = this.expand(resource.body, resource.at);
    } finally {
      this.evaluating.pop();
    }
    this.instances.set(id, list);
    return list;
  }

  /** Expands `count` and `for_each`; undefined when their value is unknown. */
  private expand(body: Body, at: Declared): { key: string | number | undefined; bindings: Bindings }[] | undefined {
    if ('count' in body) {
      const count = this.value(body['count'], new Map(), at);
      if (isUnknown(count)) return undefined;
      const n = typeof count === 'number' ? count : typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : NaN;
      if (!Number.isInteger(n) || n < 0) {
        const shown =
          typeof count === 'number' || typeof count === 'string' ? JSON.stringify(count) : `a ${count === null ? 'null' : typeof count}`;
        this.problem(
          'terraform-expression-invalid',
          `count must be a whole number of 0 or more, not ${shown}; the instances are unknown`,
          at,
        );
        return undefined;
      }
      if (n > MAX_INSTANCES) {
        this.problem(
          'terraform-expression-invalid',
          `count is ${n}: keyscope evaluates at most ${MAX_INSTANCES} instances of a block; the instances are unknown`,
          at,
        );
        return undefined;
      }
      return Array.from({ length: n }, (_, i) => ({ key: i, bindings: new Map([['count', { index: i }]]) }));
    }
    if ('for_each' in body) {
      const each = this.value(body['for_each'], new Map(), at);
      if (hasUnknown(each) && !isRecord(each)) return undefined;
      // Terraform takes a map or a set of strings, nothing else: anything else is an error there, so unknown here, never no instances.
      if (!(isRecord(each) || (Array.isArray(each) && each.every((item) => typeof item === 'string')))) {
        const shown = Array.isArray(each) ? 'a list holding more than strings' : each === null ? 'null' : `a ${typeof each}`;
        this.problem(
          'terraform-expression-invalid',
          `for_each takes a map or a set of strings, not ${shown}; the instances are unknown`,
          at,
        );
        return undefined;
      }
      const entries: [string, unknown][] = Array.isArray(each)
        ? [...new Set(each)].map((item) => [item, item])
        : Object.keys(each)
            .sort()
            .map((key) => [key, each[key]]);
      if (entries.length > MAX_INSTANCES) {
        this.problem(
          'terraform-expression-invalid',
          `for_each has ${entries.length} elements: keyscope evaluates at most ${MAX_INSTANCES} instances of a block; the instances are unknown`,
          at,
        );
        return undefined;
      }
      return entries.map(([key, value]) => ({ key, bindings: new Map([['each', { key, value }]]) }));
    }
    return [{ key: undefined, bindings: new Map() }];
  }

  /** `azurerm_key_vault.this`: one instance, or a list (count) or map (for_each) of them. */
  private resourceValue(type: string, name: string): unknown {
    const resource = this.config.resources.find((r) => r.mode === 'managed' && r.type === type && r.name === name);
    if (!resource) throw new EvaluationError(`no resource ${type}.${name} is declared`);
    const instances = this.instancesOf(resource);
    if (!instances) return UNKNOWN;
    const one = (instance: { key: string | number | undefined; bindings: Bindings }): Lazy =>
      new Namespace((attribute) => this.resourceAttribute(resource, instance, attribute));
    if ('count' in resource.body) return instances.map(one);
    if ('for_each' in resource.body) return Object.fromEntries(instances.map((instance) => [String(instance.key), one(instance)]));
    return one(instances[0]!);
  }

  private resourceAttribute(
    resource: ModuleConfig['resources'][number],
    instance: { key: string | number | undefined; bindings: Bindings },
    attribute: string,
  ): unknown {
    const id = `${resource.type}.${resource.name}${instance.key === undefined ? '' : keyText(instance.key)}.${attribute}`;
    if (this.attributeValues.has(id)) return this.attributeValues.get(id);
    if (!(attribute in resource.body) || META.has(attribute)) return UNKNOWN; // computed by the provider, or a default it applies
    if (this.evaluating.includes(id)) return UNKNOWN; // Terraform rejects such a cycle; keyscope only stops following it
    this.evaluating.push(id);
    try {
      const raw = resource.body[attribute];
      // A nested block as another resource reads it: what the block leaves out may be computed or defaulted, so unknown.
      const value =
        Array.isArray(raw) && raw.length && raw.every((item) => isRecord(item))
          ? raw.map((item) => {
              const block = this.blockValues(undefined, item, instance.bindings, resource.at, attribute);
              return new Namespace((name) => (name in block ? block[name] : UNKNOWN));
            })
          : this.value(raw, instance.bindings, resource.at);
      this.attributeValues.set(id, value);
      return value;
    } finally {
      this.evaluating.pop();
    }
  }

  /** Evaluates every managed resource instance of this module and of the modules it calls. */
  resources(): EvaluatedResource[] {
    const out: EvaluatedResource[] = [];
    for (const resource of this.config.resources) {
      if (resource.mode !== 'managed') continue;
      const instances = this.instancesOf(resource);
      // An unknown count or for_each: one instance with unknown keys, so its resource is still checked.
      const list = instances ?? [
        {
          key: undefined,
          bindings: new Map<string, unknown>([
            ['each', UNKNOWN],
            ['count', UNKNOWN],
          ]),
        },
      ];
      for (const instance of list) {
        const local = `${resource.type}.${resource.name}${instance.key === undefined ? '' : keyText(instance.key)}`;
        const values = this.blockValues(resource.type, resource.body, instance.bindings, resource.at);
        const references: Record<string, unknown> = {};
        this.collectReferences(resource.body, references);
        out.push({
          address: this.moduleAddress ? `${this.moduleAddress}.${local}` : local,
          moduleAddress: this.moduleAddress,
          modulePath: this.modulePath,
          moduleSources: this.moduleSources,
          type: resource.type,
          name: resource.name,
          values,
          references,
        });
      }
    }
    for (const [name] of this.config.modules) {
      for (const child of this.childInstances(name)) out.push(...child.resources());
    }
    return out;
  }

  /** A block's arguments and nested blocks (dynamic ones expanded), evaluated; computed attributes it leaves out are unknown. */
  private blockValues(type: string | undefined, body: Body, bindings: Bindings, at: Declared, blockName?: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(body)) {
      if (type !== undefined && META.has(key)) continue;
      if (key === 'dynamic' && isRecord(raw)) {
        for (const [name, blocks] of Object.entries(raw)) {
          const expanded: unknown[] = [];
          let unknown = false;
          for (const block of Array.isArray(blocks) ? (blocks as Body[]) : []) {
            const iterator = typeof block['iterator'] === 'string' ? block['iterator'] : name;
            const each = this.value(block['for_each'], bindings, at);
            if (isUnknown(each) || (!Array.isArray(each) && !isRecord(each))) {
              unknown = true;
              continue;
            }
            const entries: [unknown, unknown][] = Array.isArray(each)
              ? each.map((item, i) => [i, item])
              : Object.keys(each)
                  .sort()
                  .map((k) => [k, each[k]]);
            const content = Array.isArray(block['content']) ? ((block['content'] as Body[])[0] ?? {}) : {};
            for (const [k, v] of entries) {
              expanded.push(this.blockValues(undefined, content, new Map([...bindings, [iterator, { key: k, value: v }]]), at, name));
            }
          }
          values[name] = unknown ? UNKNOWN : [...((values[name] as unknown[] | undefined) ?? []), ...expanded];
        }
        continue;
      }
      if (Array.isArray(raw) && raw.length && raw.every((item) => isRecord(item))) {
        // Nested blocks: a list of bodies.
        values[key] = raw.map((item) => this.blockValues(undefined, item as Body, bindings, at, key));
        continue;
      }
      values[key] = settle(this.value(raw, bindings, at));
    }
    for (const computed of [
      ...(type ? [...(COMPUTED['*'] ?? []), ...(COMPUTED[type] ?? [])] : []),
      ...(blockName ? (COMPUTED_IN_BLOCK[blockName] ?? []) : []),
    ]) {
      if (!(computed in values)) values[computed] = UNKNOWN;
    }
    return values;
  }

  /** The references of each argument, shaped as a plan's `configuration.expressions`. */
  private collectReferences(body: Body, out: Record<string, unknown>): void {
    for (const [key, raw] of Object.entries(body)) {
      if (META.has(key) || key === 'dynamic') continue;
      if (Array.isArray(raw) && raw.every((item) => isRecord(item))) {
        out[key] = raw.map((item) => {
          const nested: Record<string, unknown> = {};
          this.collectReferences(item, nested);
          return nested;
        });
        continue;
      }
      const found = new Set<string>();
      const visit = (value: unknown): void => {
        if (typeof value === 'string' && value.includes('${')) {
          try {
            referencesOf(parsed(value), found, this.resourceTypes);
          } catch {
            // reported when evaluated
          }
        } else if (Array.isArray(value)) value.forEach(visit);
        else if (isRecord(value)) Object.values(value).forEach(visit);
      };
      visit(raw);
      if (found.size) out[key] = { references: [...found] };
    }
  }

  // ---- modules

  /** The instances of a module call (its count or for_each), each a ModuleInstance with its inputs. */
  childInstances(name: string): ModuleInstance[] {
    const cached = this.children.get(`instances:${name}`);
    if (cached) return cached as ModuleInstance[];
    const call = this.config.modules.get(name)!;
    const source = call.body['source'];
    const list: ModuleInstance[] = [];
    this.children.set(`instances:${name}`, list);
    if (typeof source !== 'string' || !/^\.\.?[\\/]/.test(source)) {
      this.problem(
        'terraform-module-not-followed',
        `module "${name}" comes from ${JSON.stringify(source)}, not a local folder: keyscope does not download modules; its resources are not scanned and its outputs are unknown`,
        call.at,
      );
      return list;
    }
    const config = this.depth > 20 ? undefined : this.load(path.resolve(this.config.dir, source));
    if (!config) {
      this.problem(
        'terraform-module-missing',
        `module "${name}": its source ${JSON.stringify(source)} is not a folder of .tf files (${path.join(this.config.display, source)})`,
        call.at,
        true,
      );
      return list;
    }
    if (config.errors.length) return list; // its syntax errors are reported when it is loaded
    const instances = this.expand(call.body, call.at) ?? [
      {
        key: undefined,
        bindings: new Map<string, unknown>([
          ['each', UNKNOWN],
          ['count', UNKNOWN],
        ]),
      },
    ];
    for (const instance of instances) {
      const inputs = new Map<string, unknown>();
      for (const [key, raw] of Object.entries(call.body)) {
        if (key === 'source' || key === 'version' || key === 'providers' || META.has(key)) continue;
        inputs.set(key, this.value(raw, instance.bindings, call.at));
      }
      const step = `module.${name}${instance.key === undefined ? '' : keyText(instance.key)}`;
      list.push(
        new ModuleInstance(
          config,
          inputs,
          this.moduleAddress ? `${this.moduleAddress}.${step}` : step,
          [...this.modulePath, name],
          [...this.moduleSources, source],
          this.rootDir,
          this.load,
          this.problems,
          this.depth + 1,
        ),
      );
    }
    return list;
  }

  /** `module.kv`: its outputs (a list or map of them with count or for_each). */
  private moduleValue(name: string): unknown {
    const call = this.config.modules.get(name);
    if (!call) throw new EvaluationError(`no module "${name}" is called`);
    const instances = this.childInstances(name);
    if (!instances.length) return UNKNOWN;
    const outputs = (child: ModuleInstance): Lazy =>
      new Namespace((output) => {
        const declared = child.config.outputs.get(output);
        if (!declared) throw new EvaluationError(`module "${name}" has no output "${output}"`);
        return child.value(declared.body['value'], new Map(), declared.at);
      });
    if ('count' in call.body) return instances.map(outputs);
    if ('for_each' in call.body)
      return Object.fromEntries(instances.map((child) => [/\["(.*)"\]$/.exec(child.moduleAddress ?? '')?.[1] ?? '', outputs(child)]));
    return outputs(instances[0]!);
  }
}

/** A value as a resource argument holds it: a whole resource or module (a lazy namespace) is unknown there. */
function settle(value: unknown): unknown {
  if (value instanceof Lazy) return UNKNOWN;
  if (Array.isArray(value)) return value.map(settle);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, settle(member)]));
  return value;
}

/** A member of a value: an object's attribute, a list's index; a lazy namespace's member. */
function member(target: unknown, key: string | number): unknown {
  if (isUnknown(target)) return UNKNOWN;
  if (target instanceof Lazy) return target.get(String(key));
  if (Array.isArray(target)) {
    const index = typeof key === 'number' ? key : Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= target.length) throw new EvaluationError(`index ${key} is out of range`);
    return target[index];
  }
  if (isRecord(target)) {
    if (!Object.prototype.hasOwnProperty.call(target, String(key))) throw new EvaluationError(`no attribute or key "${key}"`);
    return target[String(key)];
  }
  if (target === null) throw new EvaluationError(`cannot read "${key}" of null`);
  throw new EvaluationError(`cannot read "${key}" of a ${typeof target}`);
}

/** Converts a value given for a variable to its primitive type (`--var n=3` is a number for `type = number`). */
function convert(value: unknown, type: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type === '${number}') return Number.isNaN(Number(value)) ? value : Number(value);
  if (type === '${bool}') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}
