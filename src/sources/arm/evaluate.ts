import type { Node } from 'jsonc-parser';
import { deployTimeReason } from './deploy-time.js';
import type { Expression } from './expression-ast.js';
import { isExpression, parseExpression, unescapeLiteral } from './expression-parser.js';
import { builtIn, callBuiltIn, type BuiltIn, type FunctionHost, type ResourceLookup } from './functions.js';
import { entries, member, offsetInString, pointerSegment, setKey, type JsonText } from './json-text.js';
import { LIMITS, TemplateLimitError, tooLarge, type WorkBudget } from './limits.js';
import type { DeploymentScope } from './resource-ids.js';
import { getKey, isObject, Lambda, PartialObject, TemplateError, typeName, Unknown, withoutPresence } from './values.js';

/** What expressions read from the template they are in. */
export interface Frame {
  json: JsonText;
  /** The scope `resourceGroup()`, `subscription()` and `resourceId()` describe. */
  scope: DeploymentScope;
  parameter(name: string): unknown;
  variable(name: string): unknown;
  userFunction(namespace: string, name: string): UserFunction | undefined;
  deployment(): unknown;
  /** The resources the template deploys, for `reference()`; unset until the expander has listed them. */
  resources?: ResourceLookup;
  /** The work the file's evaluation may still do: shared by every frame of one file. */
  budget: WorkBudget;
}

/** A function of the template's `functions` section. */
export interface UserFunction {
  parameters: readonly string[];
  output: Node;
  pointer: string;
  frame: Frame;
}

/** The loops an expression sits in: the resource (or module) loop `copyIndex()` reads, and every loop by name. */
export interface CopyState {
  resource?: { name: string; index: number | Unknown };
  named: ReadonlyMap<string, number | Unknown>;
}

/** Everything an expression is evaluated against. */
export interface EvalContext {
  frame: Frame;
  copy?: CopyState;
  /** Lambda variables in scope. */
  lambdas?: ReadonlyMap<string, unknown>;
  /** Inside a user-defined function: its arguments, which `parameters()` reads. */
  args?: ReadonlyMap<string, unknown>;
  /** How many user-defined function calls deep the expression is. */
  calls?: number;
}

/** A template error pinned to a file offset and a JSON pointer. */
export class LocatedError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly pointer: string,
  ) {
    super(message);
  }
}

/**
 * Receives where each output property is written while a resource body is
 * evaluated, and the errors of properties that could not be (they become
 * unknown so the rest of the resource is still checked).
 */
export interface Trace {
  property(path: string, node: Node, pointer: string): void;
  expression(path: string, value: unknown, node: Node, pointer: string): void;
  fail(error: LocatedError): void;
}

/** The functions that take a lambda (lower case). */
const LAMBDA_FUNCTIONS: ReadonlySet<string> = new Set(['filter', 'groupby', 'map', 'mapvalues', 'reduce', 'sort', 'toobject']);

/** Functions Azure has but keyscope does not evaluate: their values are treated as errors, not guessed. */
const NOT_EVALUATED = new Set(['parsecidr', 'cidrsubnet', 'cidrhost', 'loadfileasbase64', 'loadjsoncontent', 'loadtextcontent']);

const parsed = new WeakMap<Node, Expression>();

/** Evaluates a template value (a JSON node) with expressions, property copies and, when traced, positions. */
export function evaluateNode(node: Node, pointer: string, context: EvalContext, path?: string, trace?: Trace): unknown {
  context.frame.budget.spend(1);
  switch (node.type) {
    case 'string':
      return evaluateStringNode(node, pointer, context, path, trace);
    case 'array': {
      const out: unknown[] = [];
      (node.children ?? []).forEach((child, i) => {
        // Members share one canonical path (`[*]`): a finding on any of them points at the array's own line.
        const childPath = path === undefined ? undefined : `${path}[*]`;
        const childPointer = pointer + pointerSegment(i);
        out.push(guarded(() => evaluateNode(child, childPointer, context, childPath, trace), trace));
      });
      return out;
    }
    case 'object':
      return evaluateObject(node, pointer, context, path, trace);
    default:
      return node.value as unknown;
  }
}

/** Runs a child evaluation; when traced, a failure is recorded and the value becomes unknown. */
function guarded(run: () => unknown, trace: Trace | undefined): unknown {
  if (!trace) return run();
  try {
    return run();
  } catch (error) {
    if (!(error instanceof LocatedError)) throw error;
    trace.fail(error);
    return new Unknown(`could not be evaluated: ${error.message}`);
  }
}

function evaluateObject(node: Node, pointer: string, context: EvalContext, path: string | undefined, trace: Trace | undefined): unknown {
  const out: Record<string, unknown> = {};
  const copies = member(node, 'copy');
  const propertyCopy = copies?.type === 'array';
  for (const [key, keyNode, valueNode] of entries(node)) {
    if (propertyCopy && key.toLowerCase() === 'copy') continue;
    const childPath = path === undefined ? undefined : path === '' ? key.toLowerCase() : `${path}.${key.toLowerCase()}`;
    const childPointer = pointer + pointerSegment(key);
    if (trace && childPath !== undefined) trace.property(childPath, keyNode, childPointer);
    setKey(
      out,
      key,
      guarded(() => evaluateNode(valueNode, childPointer, context, childPath, trace), trace),
    );
  }
  if (propertyCopy) {
    const copyPointer = pointer + pointerSegment(entries(node).find(([key]) => key.toLowerCase() === 'copy')![0]);
    (copies.children ?? []).forEach((loop, i) => {
      const loopPointer = copyPointer + pointerSegment(i);
      const name = member(loop, 'name');
      if (name?.type !== 'string')
        throw located(new TemplateError("a property copy needs a 'name'"), loop, loopPointer, context.frame.json);
      const propertyName = name.value as string;
      const childPath = path === undefined ? undefined : path === '' ? propertyName.toLowerCase() : `${path}.${propertyName.toLowerCase()}`;
      if (trace && childPath !== undefined) trace.property(childPath, loop, loopPointer);
      setKey(
        out,
        propertyName,
        guarded(() => evaluateCopyLoop(loop, loopPointer, propertyName, context, childPath, trace), trace),
      );
    });
  }
  return out;
}

/**
 * A `copy` entry of properties or variables (`{ name, count, input }`): an
 * array of `input` evaluated once per index, `copyIndex(name)` reading it.
 */
export function evaluateCopyLoop(loop: Node, pointer: string, name: string, context: EvalContext, path?: string, trace?: Trace): unknown {
  const countNode = member(loop, 'count');
  const input = member(loop, 'input');
  if (!countNode || !input)
    throw located(new TemplateError(`the copy '${name}' needs 'count' and 'input'`), loop, pointer, context.frame.json);
  const count = copyCount(countNode, `${pointer}/count`, context, name);
  if (count instanceof Unknown) return count;
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const named = new Map(context.copy?.named ?? []);
    named.set(name.toLowerCase(), i);
    const inner: EvalContext = { ...context, copy: { ...context.copy, named } };
    out.push(evaluateNode(input, `${pointer}/input`, inner, path === undefined ? undefined : `${path}[*]`, trace));
  }
  return out;
}

/** A copy loop's count: a non-negative integer, or unknown. */
export function copyCount(countNode: Node, pointer: string, context: EvalContext, loop: string): number | Unknown {
  const count = evaluateNode(countNode, pointer, context);
  if (count instanceof Unknown) return count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new LocatedError(`the copy '${loop}' count must be a non-negative integer, got ${typeName(count)}`, countNode.offset, pointer);
  }
  if (count > LIMITS.copyCount)
    throw new TemplateLimitError(
      `the copy '${loop}' count is ${count}: Azure allows at most ${LIMITS.copyCount}`,
      countNode.offset,
      pointer,
    );
  return count;
}

function evaluateStringNode(
  node: Node,
  pointer: string,
  context: EvalContext,
  path: string | undefined,
  trace: Trace | undefined,
): unknown {
  const text = node.value as string;
  if (!isExpression(text)) return unescapeLiteral(text);
  if (text.length > LIMITS.expressionChars)
    throw new TemplateLimitError(
      `the expression is ${text.length.toLocaleString('en-US')} characters long: Azure allows ${LIMITS.expressionChars.toLocaleString('en-US')}`,
      node.offset,
      pointer,
    );
  let tree = parsed.get(node);
  try {
    if (!tree) {
      tree = parseExpression(text);
      parsed.set(node, tree);
    }
    const value = evaluateExpression(tree, context);
    if (value instanceof Lambda) throw new TemplateError('a lambda can only be passed to a function', tree.at);
    if (trace && path !== undefined) trace.expression(path, value, node, pointer);
    return value;
  } catch (error) {
    if (error instanceof TemplateError) throw located(error, node, pointer, context.frame.json);
    if (error instanceof TemplateLimitError) throw error.at(node.offset, pointer);
    throw error;
  }
}

function located(error: TemplateError, node: Node, pointer: string, json: JsonText): LocatedError {
  const offset = node.type === 'string' ? offsetInString(json.text, node, error.index ?? 0) : node.offset;
  return new LocatedError(error.message, offset, pointer);
}

/** Evaluates a parsed expression. */
export function evaluateExpression(expression: Expression, context: EvalContext): unknown {
  context.frame.budget.spend(1);
  switch (expression.kind) {
    case 'string':
    case 'number':
      return expression.value;
    case 'member': {
      const target = evaluateExpression(expression.target, context);
      return readMember(target, expression.name, expression.at, context);
    }
    case 'index': {
      const target = evaluateExpression(expression.target, context);
      const index = evaluateExpression(expression.index, context);
      if (target instanceof Unknown) return withoutPresence(target);
      if (index instanceof Unknown) return withoutPresence(index);
      if (Array.isArray(target)) {
        if (typeof index !== 'number' || !Number.isInteger(index))
          throw new TemplateError(`an array is indexed with an integer, not ${typeName(index)}`, expression.index.at);
        if (index < 0 || index >= target.length)
          throw new TemplateError(`index ${index} is outside the array of length ${target.length}`, expression.index.at);
        return target[index];
      }
      if (typeof index === 'string') return readMember(target, index, expression.index.at, context);
      throw new TemplateError(`cannot index ${typeName(target)} with ${typeName(index)}`, expression.at);
    }
    case 'call':
      return call(expression, context);
  }
}

function readMember(target: unknown, name: string, at: number, context: EvalContext): unknown {
  if (target instanceof Unknown) return withoutPresence(target);
  if (target instanceof PartialObject) return target.member(name);
  if (isObject(target)) {
    // A name not spelled exactly as the key is looked for among all keys: paid for by their number.
    if (!Object.prototype.hasOwnProperty.call(target, name)) context.frame.budget.spend(Object.keys(target).length);
    const found = getKey(target, name);
    if (found.found) return found.value;
    const keys = Object.keys(target);
    throw new TemplateError(
      `the property '${name}' does not exist${keys.length ? `; the object has ${keys.map((k) => `'${k}'`).join(', ')}` : ' (the object is empty)'}`,
      at,
    );
  }
  throw new TemplateError(`cannot read the property '${name}' of ${typeName(target)}`, at);
}

function call(expression: Extract<Expression, { kind: 'call' }>, context: EvalContext): unknown {
  const lower = expression.name.toLowerCase();
  if (expression.namespace !== undefined) return callUserFunction(expression, context);
  try {
    const special = SPECIAL_FORMS[lower];
    if (special) return special(expression.args, context, expression);
    const fn = builtIn(lower);
    if (fn) {
      const args = expression.args.map((arg) => evaluateExpression(arg, context));
      // What a function computes from a present value (its length, a text made from it) is not known to be present.
      return withoutPresence(boundedCall(fn, args, context));
    }
    const reason = deployTimeReason(lower);
    if (reason !== undefined) return new Unknown(reason);
    if (NOT_EVALUATED.has(lower)) throw new TemplateError(`keyscope does not evaluate ${expression.name}()`, expression.at);
    throw new TemplateError(`unknown function '${expression.name}'`, expression.at);
  } catch (error) {
    // Errors raised by a function itself point at its name.
    if (error instanceof TemplateError && error.index === undefined) throw new TemplateError(error.message, expression.at);
    throw error;
  }
}

/**
 * Calls a built-in within the bounds: its arguments together and its result
 * may not be larger than a template Azure accepts (`valueChars`), and a
 * function that would build a value too large for V8 to hold fails the
 * same way rather than with an internal error.
 */
function boundedCall(fn: BuiltIn, args: unknown[], context: EvalContext): unknown {
  // A lambda is a value only the lambda functions take: anywhere else it would be read as the evaluator's own state.
  if (!LAMBDA_FUNCTIONS.has(fn.name.toLowerCase()) && args.some((arg) => arg instanceof Lambda))
    throw new TemplateError(`${fn.name}() does not take a lambda: only ${[...LAMBDA_FUNCTIONS].join(', ')} do`);
  const budget = context.frame.budget;
  let total = 0;
  for (const arg of args) total += budget.size(arg);
  if (total > 2 * LIMITS.valueChars) throw tooLarge(`${fn.name}()`, true);
  let value: unknown;
  try {
    value = callBuiltIn(fn, args, hostFor(context));
  } catch (error) {
    if (error instanceof TemplateError || error instanceof TemplateLimitError) throw error;
    if (error instanceof RangeError && /string length|array length/i.test(error.message)) throw tooLarge(`${fn.name}()`);
    // What the platform refuses (a malformed escape, a date out of range) is an argument Azure would refuse too.
    throw new TemplateError(`${fn.name}() cannot take these arguments: ${(error as Error).message}`);
  }
  budget.spend(typeof value === 'string' ? value.length >> 4 : 0);
  budget.checkValue(value, `${fn.name}()`);
  return value;
}

function hostFor(context: EvalContext): FunctionHost {
  return {
    scope: context.frame.scope,
    deployment: () => context.frame.deployment(),
    invoke: (lambda, args) => invokeLambda(lambda, args),
    resources: context.frame.resources,
    spend: (units) => context.frame.budget.spend(units),
  };
}

function invokeLambda(lambda: Lambda, args: unknown[]): unknown {
  const outer = lambda.context as EvalContext;
  const lambdas = new Map(outer.lambdas ?? []);
  lambda.parameters.forEach((name, i) => lambdas.set(name, args[i] ?? null));
  return evaluateExpression(lambda.body, { ...outer, lambdas });
}

function callUserFunction(expression: Extract<Expression, { kind: 'call' }>, context: EvalContext): unknown {
  const depth = (context.calls ?? 0) + 1;
  // Functions calling functions (or themselves) stop here rather than at the end of the stack.
  if (depth > LIMITS.userFunctionCalls)
    throw new TemplateLimitError(
      `user-defined functions call one another more than ${LIMITS.userFunctionCalls} deep ('${expression.namespace}.${expression.name}'): keyscope's bound`,
    );
  const fn = context.frame.userFunction(expression.namespace!, expression.name);
  if (!fn) throw new TemplateError(`unknown function '${expression.namespace}.${expression.name}'`, expression.at);
  if (expression.args.length !== fn.parameters.length)
    throw new TemplateError(
      `${expression.namespace}.${expression.name}() takes ${fn.parameters.length} argument${fn.parameters.length === 1 ? '' : 's'}, got ${expression.args.length}`,
      expression.at,
    );
  const args = new Map<string, unknown>();
  fn.parameters.forEach((name, i) => args.set(name.toLowerCase(), evaluateExpression(expression.args[i]!, context)));
  return evaluateNode(fn.output, fn.pointer, { frame: fn.frame, args, calls: depth });
}

type SpecialForm = (args: Expression[], context: EvalContext, call: Extract<Expression, { kind: 'call' }>) => unknown;

function arity(args: Expression[], min: number, max: number, name: string): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new TemplateError(`${name}() takes ${expected} argument${min === 1 && max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

function stringArgument(arg: Expression, context: EvalContext, name: string): string | Unknown {
  const value = evaluateExpression(arg, context);
  if (value instanceof Unknown) return value;
  if (typeof value !== 'string') throw new TemplateError(`${name}() expects a string, got ${typeName(value)}`, arg.at);
  return value;
}

const SPECIAL_FORMS: Record<string, SpecialForm> = {
  parameters(args, context) {
    arity(args, 1, 1, 'parameters');
    const name = stringArgument(args[0]!, context, 'parameters');
    if (name instanceof Unknown) return withoutPresence(name);
    if (context.args) {
      if (!context.args.has(name.toLowerCase())) throw new TemplateError(`the function has no parameter '${name}'`, args[0]!.at);
      return context.args.get(name.toLowerCase());
    }
    return context.frame.parameter(name);
  },
  variables(args, context) {
    arity(args, 1, 1, 'variables');
    if (context.args) throw new TemplateError('a user-defined function cannot read variables', args[0]!.at);
    const name = stringArgument(args[0]!, context, 'variables');
    if (name instanceof Unknown) return withoutPresence(name);
    return context.frame.variable(name);
  },
  copyindex(args, context) {
    arity(args, 0, 2, 'copyIndex');
    let loop: string | undefined;
    let offset = 0;
    for (const arg of args) {
      const value = evaluateExpression(arg, context);
      if (value instanceof Unknown) return withoutPresence(value);
      if (typeof value === 'string' && loop === undefined && offset === 0) loop = value;
      else if (typeof value === 'number' && Number.isInteger(value)) offset = value;
      else throw new TemplateError(`copyIndex() takes a loop name and an integer offset, got ${typeName(value)}`, arg.at);
    }
    const index = loop === undefined ? context.copy?.resource?.index : context.copy?.named.get(loop.toLowerCase());
    if (index === undefined) {
      throw new TemplateError(
        loop === undefined ? 'copyIndex() is used outside a copy loop' : `copyIndex('${loop}') is used outside the copy loop '${loop}'`,
      );
    }
    return index instanceof Unknown ? index : index + offset;
  },
  if(args, context) {
    arity(args, 3, 3, 'if');
    const condition = evaluateExpression(args[0]!, context);
    if (condition instanceof Unknown) {
      // Either branch could be taken: the value is known only if both agree.
      const whenTrue = tryEvaluate(args[1]!, context);
      const whenFalse = tryEvaluate(args[2]!, context);
      if (
        whenTrue.ok &&
        whenFalse.ok &&
        !(whenTrue.value instanceof Unknown) &&
        JSON.stringify(whenTrue.value) === JSON.stringify(whenFalse.value)
      )
        return whenTrue.value;
      return withoutPresence(condition);
    }
    if (typeof condition !== 'boolean') throw new TemplateError(`if() expects a bool condition, got ${typeName(condition)}`, args[0]!.at);
    // Only the branch taken is evaluated, as Azure does: the other may be invalid on purpose.
    return evaluateExpression(condition ? args[1]! : args[2]!, context);
  },
  and(args, context) {
    return logical(args, context, 'and', false);
  },
  or(args, context) {
    return logical(args, context, 'or', true);
  },
  coalesce(args, context) {
    arity(args, 1, Infinity, 'coalesce');
    for (const arg of args) {
      const value = evaluateExpression(arg, context);
      if (value instanceof Unknown) return value;
      if (value !== null && value !== undefined) return value;
    }
    return null;
  },
  lambda(args, context) {
    arity(args, 1, Infinity, 'lambda');
    const parameters = args.slice(0, -1).map((arg) => {
      if (arg.kind !== 'string') throw new TemplateError('lambda() parameter names are string literals', arg.at);
      return arg.value;
    });
    return new Lambda(parameters, args[args.length - 1]!, context);
  },
  lambdavariables(args, context) {
    arity(args, 1, 1, 'lambdaVariables');
    const name = stringArgument(args[0]!, context, 'lambdaVariables');
    if (name instanceof Unknown) return withoutPresence(name);
    if (!context.lambdas?.has(name)) throw new TemplateError(`there is no lambda variable '${name}'`, args[0]!.at);
    return context.lambdas.get(name);
  },
};

function tryEvaluate(expression: Expression, context: EvalContext): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: evaluateExpression(expression, context) };
  } catch (error) {
    if (error instanceof TemplateError || error instanceof LocatedError) return { ok: false };
    throw error;
  }
}

/** `and`/`or`, evaluated left to right and stopping at the deciding value; unknown members keep the result unknown. */
function logical(args: Expression[], context: EvalContext, name: string, decides: boolean): unknown {
  arity(args, 1, Infinity, name);
  let unknown: Unknown | undefined;
  for (const arg of args) {
    const value = evaluateExpression(arg, context);
    if (value instanceof Unknown) {
      unknown ??= value;
      continue;
    }
    if (typeof value !== 'boolean') throw new TemplateError(`${name}() expects bool arguments, got ${typeName(value)}`, arg.at);
    if (value === decides) return decides;
  }
  return unknown ? withoutPresence(unknown) : !decides;
}
