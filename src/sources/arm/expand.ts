import type { Node } from 'jsonc-parser';
import type { SourcePoint } from '../../model/index.js';
import { DeclaredResources, TEMPLATE_ONLY, type DeclaredResource } from './declared-resources.js';
import { copyCount, evaluateNode, LocatedError, type CopyState, type EvalContext, type Trace } from './evaluate.js';
import { entries, member, pointerSegment, type JsonText } from './json-text.js';
import { LIMITS, TemplateLimitError } from './limits.js';
import { PROBLEM, type ProblemLog } from './problems.js';
import { resourceIdAt, scopeIdText, type DeploymentScope, type Shown } from './resource-ids.js';
import { TemplateFrame } from './template-frame.js';
import { isObject, TemplateError, typeName, Unknown } from './values.js';

/** A resource a template deploys, evaluated, before it becomes a record. */
export interface ExpandedResource {
  id: string;
  /** Full type (`Microsoft.KeyVault/vaults/keys`) as the template spells it. */
  type: string;
  /** Full name (`vault/key`); the expression as written when it is not known. */
  name: string;
  nameKnown: boolean;
  scope: DeploymentScope;
  /** The record's fields other than id, type and name: location, sku, identity, tags, properties, apiVersion... */
  fields: [string, unknown][];
  /** Where the resource is declared. */
  at: SourcePoint;
  /** Where each property path is written. */
  points: Record<string, SourcePoint>;
  /** Copy loops and nested deployments it came through, outermost first. */
  via: string[];
}

/** Nested deployments deeper than this are reported, not followed (a safety net against runaway templates). */
const MAX_DEPTH = LIMITS.deploymentDepth;

/** Sub-paths recorded for one expression's value: enough for any real resource body, bounded for pathological ones. */
const MAX_DERIVED_POINTS = 2000;

interface Placement {
  /** Where resources are deployed (ids, subscriptionId, resourceGroup). */
  scope: DeploymentScope;
  via: string[];
  depth: number;
}

interface Parent {
  type: string;
  name: string;
  nameKnown: boolean;
  /** The name's segments; an unknown name is one segment, whatever its text holds. */
  segments: string[];
}

interface Declaration {
  node: Node;
  pointer: string;
  /** The node a finding on the resource points at: the symbolic name's key, or the object. */
  anchor: Node;
  /** Language version 2.0: the key the resource is declared under. */
  symbolic?: string;
}

/** A resource instance as planned: its declaration resolved to a type, a name and an id, and where it goes. */
interface Instance extends DeclaredResource {
  declaration: Declaration;
  placement: Placement;
  /** The id before resources with unknown names are numbered (an unknown name shown as written). */
  shownId: string;
}

/**
 * What expanding a template does, in template order: emit a resource, expand
 * a nested deployment, report an error; `declared` instances only answer
 * `reference()` (their condition is false), `unresolvable` symbolic names
 * say why they never can.
 */
type Step =
  | { kind: 'resource' | 'deployment' | 'declared'; instance: Instance }
  | { kind: 'unresolvable'; symbolic: string; reason: string }
  | { kind: 'failed'; error: unknown };

/** Expands a template's resources: copies, conditions, nested deployments and child resources. */
export class TemplateExpander {
  private readonly out: ExpandedResource[] = [];
  private readonly ids = new Map<string, number>();
  /** Instances planned so far in the template being planned, against Azure's 800. */
  private planned: { count: number; node: Node | undefined; pointer: string } = { count: 0, node: undefined, pointer: '' };

  constructor(
    private readonly json: JsonText,
    private readonly problems: ProblemLog,
  ) {}

  /** Expands a top-level template with its parameter values. */
  expand(frame: TemplateFrame, scope: DeploymentScope): ExpandedResource[] {
    this.expandTemplate(member(this.json.root, 'resources'), '/resources', frame.context(), { scope, via: [], depth: 0 }, frame);
    return this.out;
  }

  /**
   * Lists a template's resources (copies, conditions, names and ids) before
   * evaluating any of their properties, so that `reference()` finds a
   * resource declared later as well as one declared earlier; then emits them
   * in template order. `frame` is the template's own (not for an outer-scope
   * nested template, whose resources are not its parent's to reference).
   */
  private expandTemplate(node: Node | undefined, pointer: string, context: EvalContext, placement: Placement, frame?: TemplateFrame): void {
    const steps: Step[] = [];
    // Nested templates are expanded after this one is planned, so one count serves them all in turn.
    this.planned = { count: 0, node, pointer };
    this.planResources(node, pointer, context, placement, undefined, steps);
    if (frame) {
      const unresolvable = new Map<string, string>();
      for (const step of steps) if (step.kind === 'unresolvable') unresolvable.set(step.symbolic.toLowerCase(), step.reason);
      const declared = steps.flatMap((step) => ('instance' in step ? [step.instance] : []));
      frame.resources = new DeclaredResources(declared, unresolvable);
    }
    for (const step of steps) {
      switch (step.kind) {
        case 'failed':
          this.fail(step.error);
          break;
        case 'resource':
          this.emit(step.instance);
          break;
        case 'deployment':
          try {
            this.expandDeployment(step.instance);
          } catch (error) {
            this.fail(error);
          }
          break;
        default:
          break;
      }
    }
  }

  private planResources(
    node: Node | undefined,
    pointer: string,
    context: EvalContext,
    placement: Placement,
    parent: Parent | undefined,
    steps: Step[],
  ): void {
    for (const declaration of declarations(node, pointer)) this.planDeclaration(declaration, context, placement, parent, steps);
  }

  private planDeclaration(
    declaration: Declaration,
    context: EvalContext,
    placement: Placement,
    parent: Parent | undefined,
    steps: Step[],
  ): void {
    const { node, pointer, symbolic } = declaration;
    if (node.type !== 'object') {
      steps.push({ kind: 'failed', error: new LocatedError(`a resource must be an object, got ${node.type}`, node.offset, pointer) });
      return;
    }
    // An `existing` resource is only a handle on something deployed elsewhere: nothing of it is deployed here.
    if (member(node, 'existing')?.value === true) {
      if (symbolic !== undefined)
        steps.push({
          kind: 'unresolvable',
          symbolic,
          reason: `'${symbolic}' is an existing resource: reference() reads it from Azure at deployment`,
        });
      return;
    }
    const copy = member(node, 'copy');
    if (!copy || copy.type !== 'object') {
      this.planInstance(declaration, context, placement, parent, steps);
      return;
    }
    const copyPointer = `${pointer}/copy`;
    const name = member(copy, 'name');
    const countNode = member(copy, 'count');
    if (name?.type !== 'string' || !countNode) {
      steps.push({ kind: 'failed', error: new LocatedError("a resource copy needs a 'name' and a 'count'", copy.offset, copyPointer) });
      return;
    }
    const loop = name.value as string;
    let count: number | Unknown;
    try {
      count = copyCount(countNode, `${copyPointer}/count`, context, loop);
    } catch (error) {
      if (error instanceof TemplateLimitError) throw error;
      steps.push({ kind: 'failed', error });
      return;
    }
    if (count instanceof Unknown) {
      // How many is unknown: one instance stands for all, with an unknown index.
      const unknownIndex = new Unknown(`the number of '${loop}' copies is only known at deployment`);
      this.planInstance(
        declaration,
        withLoop(context, loop, unknownIndex),
        { ...placement, via: [...placement.via, `copy ${loop}[?]`] },
        parent,
        steps,
        unknownIndex,
      );
      return;
    }
    for (let i = 0; i < count; i++) {
      this.planInstance(
        declaration,
        withLoop(context, loop, i),
        { ...placement, via: [...placement.via, `copy ${loop}[${i}]`] },
        parent,
        steps,
        i,
      );
    }
  }

  private planInstance(
    declaration: Declaration,
    context: EvalContext,
    placement: Placement,
    parent: Parent | undefined,
    steps: Step[],
    copyIndex?: number | Unknown,
  ): void {
    const { node, pointer, symbolic } = declaration;
    const children = member(node, 'resources');
    let deployed: boolean | Unknown = true;
    try {
      const condition = member(node, 'condition');
      if (condition) {
        const value = evaluateNode(condition, `${pointer}/condition`, context);
        // A condition does not cascade to child resources (they carry their own), so those are still expanded.
        if (value === false) deployed = false;
        // An unknown condition may deploy the resource: it is scanned, so nothing is passed unseen.
        else if (value instanceof Unknown) deployed = value;
        else if (value !== true)
          throw new LocatedError(`the condition must be a bool, got ${typeName(value)}`, condition.offset, `${pointer}/condition`);
      }
      if (deployed === false && !children) {
        // Its name stays unevaluated: an error or a missing parameter there is no problem of a resource never deployed.
        if (symbolic !== undefined)
          steps.push({ kind: 'unresolvable', symbolic, reason: `the resource '${symbolic}' is not deployed: its condition is false` });
        return;
      }
      const typeNode = member(node, 'type');
      const nameNode = member(node, 'name');
      if (!typeNode || !nameNode) throw new LocatedError("a resource needs a 'type' and a 'name'", node.offset, pointer);
      const type = evaluateNode(typeNode, `${pointer}/type`, context);
      if (typeof type !== 'string')
        throw new LocatedError(`the resource type must be a known string, got ${typeName(type)}`, typeNode.offset, `${pointer}/type`);
      const name = evaluateNode(nameNode, `${pointer}/name`, context);
      if (!(name instanceof Unknown) && typeof name !== 'string')
        throw new LocatedError(`the resource name must be a string, got ${typeName(name)}`, nameNode.offset, `${pointer}/name`);
      const ownSegments = typeof name === 'string' ? name.split('/') : [rawText(nameNode)];
      const fullType = parent && !type.includes('/') ? `${parent.type}/${type}` : type;
      const segmentsNeeded = fullType.split('/').length - 1;
      // An unknown name written with a '/' in it is taken for a full name (`concat(vault, '/', key)`), else for the child's own.
      const fullAlready = typeof name === 'string' ? ownSegments.length >= segmentsNeeded : ownSegments[0]!.includes('/');
      const segments = parent && !fullAlready ? [...parent.segments, ...ownSegments] : ownSegments;
      const fullName = segments.join('/');
      const nameKnown = typeof name === 'string' && (parent?.nameKnown ?? true);
      const isDeployment = fullType.toLowerCase() === 'microsoft.resources/deployments';

      const planned = {
        declaration,
        placement,
        node,
        pointer,
        context,
        type: fullType,
        segments,
        nameKnown,
        deployed,
        symbolic,
        copyIndex,
      };
      if (deployed === false) {
        // Listed only so that reference() can say it is not deployed; its `scope` stays unevaluated for the same reason as its name above.
        const shownId =
          member(node, 'scope') || !nameKnown ? undefined : this.idOrUndefined(scopeIdText(placement.scope), fullType, fullName);
        if (shownId !== undefined) steps.push({ kind: 'declared', instance: { ...planned, shownId, id: shownId } });
      } else if (isDeployment) {
        const shownId = `${scopeIdText(placement.scope)}/providers/${fullType}/${fullName}`;
        steps.push({ kind: 'deployment', instance: { ...planned, shownId, ...(nameKnown ? { id: shownId } : {}) } });
      } else {
        const shownId = this.resourceId(declaration, context, placement, fullType, segments, nameKnown);
        steps.push({ kind: 'resource', instance: { ...planned, shownId, ...(nameKnown ? { id: shownId } : {}) } });
      }
      context.frame.budget.resource();
      if (++this.planned.count > LIMITS.resources)
        throw new TemplateLimitError(
          `the template deploys more than ${LIMITS.resources} resources, copies included: Azure allows at most ${LIMITS.resources} in one template`,
          this.planned.node?.offset ?? 0,
          this.planned.pointer,
        );
      this.planResources(
        children,
        `${pointer}/resources`,
        context,
        placement,
        { type: fullType, name: fullName, nameKnown, segments },
        steps,
      );
    } catch (error) {
      // A limit ends the file's evaluation, deployed or not (Azure refuses the whole template).
      if (error instanceof TemplateLimitError) throw error.at(node.offset, pointer);
      // A resource that is not deployed cannot make the scan incomplete.
      if (deployed !== false) steps.push({ kind: 'failed', error });
      else if (!(error instanceof LocatedError)) throw error;
    }
  }

  /** The id of a resource (extension resources under their `scope`); an unknown name is shown as written. */
  private resourceId(
    declaration: Declaration,
    context: EvalContext,
    placement: Placement,
    type: string,
    segments: string[],
    nameKnown: boolean,
  ): string {
    const { node, pointer } = declaration;
    const name = segments.join('/');
    const scopeText = this.extensionScope(node, pointer, context, placement.scope);
    try {
      return resourceIdAt(scopeText, type, nameKnown ? [name] : segments, nameKnown);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      // An unknown name is shown as written, which need not split into the segments the type needs.
      if (!nameKnown) return `${scopeText}/providers/${type}/${name}`;
      throw new LocatedError(error.message, (member(node, 'name') ?? node).offset, `${pointer}/name`);
    }
  }

  private idOrUndefined(scopeText: string, type: string, name: string): string | undefined {
    try {
      return resourceIdAt(scopeText, type, [name]);
    } catch (error) {
      if (error instanceof TemplateError) return undefined;
      throw error;
    }
  }

  private emit(instance: Instance): void {
    const { declaration, context, placement, type, segments, nameKnown } = instance;
    const { node, pointer } = declaration;
    const name = segments.join('/');
    let id = instance.shownId;
    if (!nameKnown) id = this.unique(id);
    else this.ids.set(id.toLowerCase(), (this.ids.get(id.toLowerCase()) ?? 0) + 1);

    const points: Record<string, SourcePoint> = {};
    const trace = new PointTrace(this.json, points, (error) => this.fail(error));
    const fields: [string, unknown][] = [];
    for (const [key, keyNode, valueNode] of entries(node)) {
      const lower = key.toLowerCase();
      if (TEMPLATE_ONLY.has(lower)) continue;
      const childPointer = pointer + pointerSegment(key);
      trace.property(lower, keyNode, childPointer);
      let value: unknown;
      try {
        value = evaluateNode(valueNode, childPointer, context, lower, trace);
      } catch (error) {
        if (!(error instanceof LocatedError)) throw error;
        this.fail(error);
        value = new Unknown(`could not be evaluated: ${error.message}`);
      }
      fields.push([key, value]);
    }
    const anchor = this.json.position(declaration.anchor.offset);
    this.out.push({
      id,
      type,
      name,
      nameKnown,
      scope: placement.scope,
      fields,
      at: { line: anchor.line, column: anchor.column, pointer },
      points,
      via: placement.via,
    });
  }

  /** The scope id of an extension resource (`scope` on a role assignment, lock, diagnostic setting), else the deployment's. */
  private extensionScope(node: Node, pointer: string, context: EvalContext, scope: DeploymentScope): string {
    const base = scopeIdText(scope);
    const scopeNode = member(node, 'scope');
    if (!scopeNode) return base;
    const value = evaluateNode(scopeNode, `${pointer}/scope`, context);
    const text = typeof value === 'string' ? value : rawText(scopeNode);
    if (text.startsWith('/')) return text.replace(/\/+$/, '');
    // A relative id (`Microsoft.KeyVault/vaults/kv`) names a resource in the deployment's scope.
    return `${base}/providers/${text}`;
  }

  private expandDeployment(instance: Instance): void {
    const { declaration, context, placement } = instance;
    const { node, pointer } = declaration;
    const name = instance.segments.join('/');
    const properties = member(node, 'properties');
    const template = member(properties, 'template');
    const link = member(properties, 'templateLink');
    if (!template || template.type !== 'object') {
      const at = link ?? template ?? properties ?? node;
      const message = link
        ? `the nested deployment '${name}' links to its template by URI: keyscope does not fetch it, so its resources are not scanned`
        : `the nested deployment '${name}' has no inline template`;
      this.problems.add(link ? PROBLEM.linkNotFollowed : PROBLEM.templateInvalid, message, {
        json: this.json,
        offset: at.offset,
        pointer: `${pointer}/properties/${link ? 'templateLink' : 'template'}`,
      });
      return;
    }
    if (placement.depth >= MAX_DEPTH) {
      this.problems.add(PROBLEM.templateInvalid, `nested deployments go deeper than ${MAX_DEPTH} levels: not followed`, {
        json: this.json,
        offset: node.offset,
        pointer,
      });
      return;
    }
    const scopeOption = evaluateNode(
      member(member(properties, 'expressionEvaluationOptions'), 'scope') ?? stringNode('outer'),
      pointer,
      context,
    );
    const inner = typeof scopeOption === 'string' && scopeOption.toLowerCase() === 'inner';
    const target = this.targetScope(node, pointer, context, placement.scope);
    const templatePointer = `${pointer}/properties/template`;
    const childPlacement: Placement = { scope: target, via: [...placement.via, `deployment ${name}`], depth: placement.depth + 1 };
    const resources = member(template, 'resources');
    if (inner) {
      const frame = new TemplateFrame({
        json: this.json,
        node: template,
        pointer: templatePointer,
        scope: target,
        deploymentName: name,
        given: this.passedParameters(properties, `${pointer}/properties`, context),
        problems: this.problems,
        budget: context.frame.budget,
      });
      this.expandTemplate(resources, `${templatePointer}/resources`, frame.context(), childPlacement, frame);
    } else {
      // Outer scope: the nested template's expressions are the parent's, parameters, variables and loops included.
      this.expandTemplate(resources, `${templatePointer}/resources`, context, childPlacement);
    }
  }

  /** Parameters a nested deployment passes in (`{ value }`; a Key Vault `reference` is unknown). */
  private passedParameters(properties: Node | undefined, pointer: string, context: EvalContext): Map<string, unknown> {
    const given = new Map<string, unknown>();
    const parametersNode = member(properties, 'parameters');
    if (!parametersNode) return given;
    const parametersPointer = `${pointer}/parameters`;
    if (parametersNode.type === 'string') {
      const value = this.evaluateOrUnknown(parametersNode, parametersPointer, context);
      if (isObject(value)) {
        for (const [name, wrapper] of Object.entries(value)) {
          given.set(
            name.toLowerCase(),
            isObject(wrapper) && 'value' in wrapper ? wrapper['value'] : new Unknown(`the parameter '${name}' is a reference`),
          );
        }
      }
      return given;
    }
    for (const [name, , wrapper] of entries(parametersNode)) {
      const valueNode = member(wrapper, 'value');
      const parameterPointer = parametersPointer + pointerSegment(name);
      if (valueNode) given.set(name.toLowerCase(), this.evaluateOrUnknown(valueNode, `${parameterPointer}/value`, context));
      else given.set(name.toLowerCase(), new Unknown(`the parameter '${name}' is read from Key Vault at deployment`));
    }
    return given;
  }

  /** Where a nested deployment deploys: its `subscriptionId`, `resourceGroup` or `scope`, else the parent's scope. */
  private targetScope(node: Node, pointer: string, context: EvalContext, parent: DeploymentScope): DeploymentScope {
    const shown = (key: string): Shown | undefined => {
      const valueNode = member(node, key);
      if (!valueNode) return undefined;
      const value = this.evaluateOrUnknown(valueNode, `${pointer}/${key}`, context);
      if (value instanceof Unknown) return { value, text: rawText(valueNode) };
      if (typeof value !== 'string') return undefined;
      return { value, text: value };
    };
    const scope = shown('scope');
    if (scope) {
      const text = scope.text.replace(/\/+$/, '');
      const group = /managementGroups\/([^/]+)$/i.exec(text);
      if (group)
        return {
          kind: 'managementGroup',
          managementGroup: { value: scope.value instanceof Unknown ? scope.value : group[1]!, text: group[1]! },
        };
      if (text === '' || text === '/') return { kind: 'tenant' };
      const rg = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(text);
      if (rg)
        return { kind: 'resourceGroup', subscriptionId: { value: rg[1]!, text: rg[1]! }, resourceGroup: { value: rg[2]!, text: rg[2]! } };
      const sub = /^\/subscriptions\/([^/]+)$/i.exec(text);
      if (sub) return { kind: 'subscription', subscriptionId: { value: sub[1]!, text: sub[1]! } };
    }
    const subscriptionId = shown('subscriptionId');
    const resourceGroup = shown('resourceGroup');
    if (resourceGroup) return { kind: 'resourceGroup', subscriptionId: subscriptionId ?? parent.subscriptionId, resourceGroup };
    if (subscriptionId) {
      return parent.kind === 'resourceGroup'
        ? { kind: 'resourceGroup', subscriptionId, resourceGroup: parent.resourceGroup }
        : { kind: 'subscription', subscriptionId };
    }
    return parent;
  }

  private evaluateOrUnknown(node: Node, pointer: string, context: EvalContext): unknown {
    try {
      return evaluateNode(node, pointer, context);
    } catch (error) {
      if (!(error instanceof LocatedError)) throw error;
      this.fail(error);
      return new Unknown(`could not be evaluated: ${error.message}`);
    }
  }

  /** Resources whose name is unknown could share an id: number them so each keeps its own findings. */
  private unique(id: string): string {
    const key = id.toLowerCase();
    const seen = this.ids.get(key) ?? 0;
    this.ids.set(key, seen + 1);
    return seen === 0 ? id : `${id}#${seen + 1}`;
  }

  private fail(error: unknown): void {
    if (!(error instanceof LocatedError)) throw error;
    this.problems.add(PROBLEM.templateInvalid, error.message, { json: this.json, offset: error.offset, pointer: error.pointer });
  }
}

/** Resources of a `resources` section: an array (languageVersion 1.0) or an object by symbolic name (2.0). */
function declarations(node: Node | undefined, pointer: string): Declaration[] {
  if (!node) return [];
  if (node.type === 'array')
    return (node.children ?? []).map((child, i) => ({ node: child, pointer: pointer + pointerSegment(i), anchor: child }));
  if (node.type === 'object')
    return entries(node).map(([name, key, value]) => ({
      node: value,
      pointer: pointer + pointerSegment(name),
      anchor: key,
      symbolic: name,
    }));
  return [];
}

function withLoop(context: EvalContext, loop: string, index: number | Unknown): EvalContext {
  const named = new Map(context.copy?.named ?? []);
  named.set(loop.toLowerCase(), index);
  const copy: CopyState = { resource: { name: loop, index }, named };
  return { ...context, copy };
}

/** The text of a node as written, shown where its value is not known. */
function rawText(node: Node): string {
  return typeof node.value === 'string' ? node.value : `<${node.type}>`;
}

function stringNode(value: string): Node {
  return { type: 'string', value, offset: 0, length: value.length + 2 };
}

/** Records where each output path is written; expression values lend their position to every path inside them. */
class PointTrace implements Trace {
  constructor(
    private readonly json: JsonText,
    private readonly points: Record<string, SourcePoint>,
    readonly fail: (error: LocatedError) => void,
  ) {}

  property(path: string, node: Node, pointer: string): void {
    if (this.points[path]) return;
    const { line, column } = this.json.position(node.offset);
    this.points[path] = { line, column, pointer };
  }

  expression(path: string, value: unknown, node: Node, pointer: string): void {
    this.property(path, node, pointer);
    const point = this.points[path]!;
    let budget = MAX_DERIVED_POINTS;
    // Visits are bounded too: a value may be a large array of scalars, and the same value may fill many properties.
    let visits = MAX_DERIVED_POINTS * 10;
    const walk = (inner: unknown, at: string, depth: number): void => {
      if (depth > 12 || budget <= 0 || --visits <= 0) return;
      if (Array.isArray(inner)) {
        for (const item of inner) walk(item, `${at}[*]`, depth + 1);
        return;
      }
      if (!isObject(inner)) return;
      for (const key of Object.keys(inner)) {
        const child = `${at}.${key.toLowerCase()}`;
        if (!this.points[child]) {
          this.points[child] = point;
          budget--;
        }
        walk(inner[key], child, depth + 1);
      }
    };
    walk(value, path, 0);
  }
}
