import type { Node } from 'jsonc-parser';
import { evaluateCopyLoop, evaluateNode, type EvalContext, type Frame, type UserFunction } from './evaluate.js';
import type { ResourceLookup } from './functions.js';
import { entries, member, pointerSegment, type JsonText } from './json-text.js';
import { WorkBudget } from './limits.js';
import { PROBLEM, type ProblemLog } from './problems.js';
import type { DeploymentScope } from './resource-ids.js';
import type { PresentType } from '../../model/index.js';
import { TemplateError, Unknown } from './values.js';

/** What a template frame is built from. */
export interface FrameOptions {
  json: JsonText;
  /** The template object (the file's root, or a nested deployment's `properties.template`). */
  node: Node;
  pointer: string;
  scope: DeploymentScope;
  deploymentName: string | Unknown;
  /** Parameter values given to the template, by lower-case name. */
  given: ReadonlyMap<string, unknown>;
  problems: ProblemLog;
  /** The file's work budget; a new one when not given (a frame of its own file). */
  budget?: WorkBudget;
}

/**
 * What a required parameter is certain to be once deployed, by its declared
 * type: Azure rejects a deployment that gives no value, or a value of another
 * type, for a parameter that is neither defaulted nor nullable. A string is
 * known not to be empty only when the template says so (`minLength` 1 or
 * more): an empty string is a valid value otherwise.
 */
const REQUIRED_PRESENCE: Readonly<Record<string, PresentType | 'string-with-length'>> = {
  string: 'string-with-length',
  securestring: 'string-with-length',
  int: 'number',
  bool: 'boolean',
  object: 'object',
  secureobject: 'object',
  array: 'array',
};

function requiredPresence(declaration: Node): PresentType | undefined {
  const type: unknown = member(declaration, 'type')?.value;
  const presence = typeof type === 'string' ? REQUIRED_PRESENCE[type.toLowerCase()] : undefined;
  if (presence !== 'string-with-length') return presence;
  const minLength: unknown = member(declaration, 'minLength')?.value;
  return typeof minLength === 'number' && minLength >= 1 ? 'string' : undefined;
}

type Slot = { state: 'evaluating' } | { state: 'done'; value: unknown } | { state: 'failed'; error: unknown };

/**
 * One template's parameters, variables and functions, resolved lazily and
 * once: a parameter takes its given value, else its default, else null when
 * it is nullable, else it is unknown (and reported). Variables may refer to
 * each other in any order; a cycle is an error.
 */
export class TemplateFrame implements Frame {
  readonly json: JsonText;
  readonly scope: DeploymentScope;
  /** The resources the template deploys: set by the expander once it has listed them, for `reference()`. */
  resources?: ResourceLookup;
  readonly budget: WorkBudget;
  private readonly parameterNodes = new Map<string, { name: string; key: Node; value: Node; pointer: string }>();
  private readonly variableNodes = new Map<string, { name: string; value: Node; pointer: string; copy?: boolean }>();
  private readonly functions = new Map<string, UserFunction>();
  private readonly parameters = new Map<string, Slot>();
  private readonly variables = new Map<string, Slot>();
  private readonly definitions: Node | undefined;

  constructor(private readonly options: FrameOptions) {
    this.json = options.json;
    this.scope = options.scope;
    this.budget = options.budget ?? new WorkBudget();
    const { node, pointer } = options;
    this.definitions = member(node, 'definitions');
    for (const [name, key, value] of entries(member(node, 'parameters'))) {
      this.parameterNodes.set(name.toLowerCase(), { name, key, value, pointer: `${pointer}/parameters${pointerSegment(name)}` });
    }
    for (const [name, , value] of entries(member(node, 'variables'))) {
      const variablesPointer = `${pointer}/variables`;
      if (name.toLowerCase() === 'copy' && value.type === 'array') {
        (value.children ?? []).forEach((loop, i) => {
          const loopName = member(loop, 'name');
          if (loopName?.type === 'string') {
            this.variableNodes.set((loopName.value as string).toLowerCase(), {
              name: loopName.value as string,
              value: loop,
              pointer: `${variablesPointer}/${name}/${i}`,
              copy: true,
            });
          }
        });
      } else {
        this.variableNodes.set(name.toLowerCase(), { name, value, pointer: variablesPointer + pointerSegment(name) });
      }
    }
    const functionsNode = member(node, 'functions');
    (functionsNode?.children ?? []).forEach((namespaceNode, i) => {
      const namespace = member(namespaceNode, 'namespace');
      if (namespace?.type !== 'string') return;
      for (const [fname, , definition] of entries(member(namespaceNode, 'members'))) {
        const output = member(member(definition, 'output'), 'value');
        if (!output) continue;
        const parameters = (member(definition, 'parameters')?.children ?? [])
          .map((p) => member(p, 'name')?.value as unknown)
          .filter((p): p is string => typeof p === 'string');
        this.functions.set(`${(namespace.value as string).toLowerCase()}.${fname.toLowerCase()}`, {
          parameters,
          output,
          pointer: `${pointer}/functions/${i}/members${pointerSegment(fname)}/output/value`,
          frame: this,
        });
      }
    });
  }

  /** Names of the declared parameters (as written). */
  declaredParameters(): string[] {
    return [...this.parameterNodes.values()].map((p) => p.name);
  }

  parameter(name: string): unknown {
    const lower = name.toLowerCase();
    const declaration = this.parameterNodes.get(lower);
    if (!declaration) throw new TemplateError(`the template has no parameter '${name}'`);
    return this.resolve(this.parameters, lower, 'parameter', () => {
      const defaultValue = member(declaration.value, 'defaultValue');
      const given = this.options.given.get(lower);
      // A null value leaves the parameter to its default, as Azure does (Bicep passes optional module values this way).
      if (this.options.given.has(lower) && !(given === null && defaultValue)) return given;
      if (defaultValue) return evaluateNode(defaultValue, `${declaration.pointer}/defaultValue`, this.context());
      if (this.isNullable(declaration.value)) return null;
      this.options.problems.add(
        PROBLEM.parameterMissing,
        `the parameter '${declaration.name}' has no value and no default: what depends on it is unknown (give it with --parameters)`,
        { json: this.json, offset: declaration.key.offset },
      );
      return new Unknown(`the parameter '${declaration.name}' has no value`, requiredPresence(declaration.value), 'parameter-missing');
    });
  }

  variable(name: string): unknown {
    const lower = name.toLowerCase();
    const declaration = this.variableNodes.get(lower);
    if (!declaration) throw new TemplateError(`the template has no variable '${name}'`);
    return this.resolve(this.variables, lower, 'variable', () => {
      if (!declaration.copy) return evaluateNode(declaration.value, declaration.pointer, this.context());
      return evaluateCopyLoop(declaration.value, declaration.pointer, declaration.name, this.context());
    });
  }

  userFunction(namespace: string, name: string): UserFunction | undefined {
    return this.functions.get(`${namespace.toLowerCase()}.${name.toLowerCase()}`);
  }

  deployment(): unknown {
    const contentVersion = member(this.options.node, 'contentVersion');
    return {
      name: this.options.deploymentName,
      properties: {
        template: { contentVersion: contentVersion?.type === 'string' ? (contentVersion.value as string) : '1.0.0.0' },
        templateHash: new Unknown('the template hash is computed at deployment'),
        parameters: {},
        mode: 'Incremental',
        provisioningState: 'Accepted',
      },
      ...(this.scope.kind === 'resourceGroup' ? {} : { location: new Unknown('the deployment location is given at deployment') }),
    };
  }

  /** An evaluation context at the template's top level. */
  context(): EvalContext {
    return { frame: this };
  }

  private resolve(slots: Map<string, Slot>, lower: string, kind: string, compute: () => unknown): unknown {
    const slot = slots.get(lower);
    if (slot?.state === 'done') return slot.value;
    if (slot?.state === 'failed') throw slot.error;
    if (slot?.state === 'evaluating') throw new TemplateError(`the ${kind} '${lower}' refers to itself`);
    slots.set(lower, { state: 'evaluating' });
    try {
      const value = compute();
      slots.set(lower, { state: 'done', value });
      return value;
    } catch (error) {
      slots.set(lower, { state: 'failed', error });
      throw error;
    }
  }

  /** `nullable: true` on the parameter or on the user-defined type it refers to. */
  private isNullable(definition: Node, depth = 0): boolean {
    if (member(definition, 'nullable')?.value === true) return true;
    const ref = member(definition, '$ref');
    if (depth > 10 || ref?.type !== 'string') return false;
    const match = /^#\/definitions\/(.+)$/.exec(ref.value as string);
    const target = match ? member(this.definitions, match[1]!) : undefined;
    return target ? this.isNullable(target, depth + 1) : false;
  }
}
