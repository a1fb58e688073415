/**
 * The template language's built-in functions that can be evaluated before
 * deployment, as a table: name (lower-case) -> arity, how unknown arguments
 * flow, and the implementation. Semantics follow Azure Resource Manager's
 * template function reference (learn.microsoft.com/azure/azure-resource-manager/templates/template-functions).
 * `if`, `and`, `or`, `coalesce`, `parameters`, `variables`, `copyIndex`,
 * `lambda` and `lambdaVariables` need their arguments unevaluated and live in
 * the evaluator; deploy-time functions are in deploy-time.ts.
 */
import { DEPLOY_TIME_FUNCTIONS } from './deploy-time.js';
import { deterministicGuid, uniqueString } from './hashes.js';
import { resourceIdAt, scopeIdValue, typeAndNames, type DeploymentScope } from './resource-ids.js';
import { setKey } from './json-text.js';
import { LIMITS, TemplateLimitError, tooDeep, tooLarge } from './limits.js';
import {
  containsUnknown,
  deepEquals,
  firstUnknown,
  getKey,
  isObject,
  Lambda,
  PartialObject,
  TemplateError,
  toText,
  typeName,
  Unknown,
} from './values.js';

/** The resources a template deploys, as `reference()` and `resourceInfo()` read them before deployment. */
export interface ResourceLookup {
  /** The resource's properties (with `full`, the whole resource) as far as the template determines them; else an Unknown. */
  reference(target: string, full: boolean): unknown;
  /** The resource's id, name and type; else an Unknown. */
  resourceInfo(target: string): unknown;
}

/** What a function may ask of the evaluator. */
export interface FunctionHost {
  /** The scope the current template deploys to. */
  scope: DeploymentScope;
  /** The `deployment()` object. */
  deployment(): unknown;
  /** Calls a lambda with arguments. */
  invoke(lambda: Lambda, args: unknown[]): unknown;
  /** The resources of the template being evaluated, once the expander has listed them. */
  resources?: ResourceLookup;
  /** Pays for work a function does beyond producing its result (comparisons); throws at the file's limit. */
  spend(units: number): void;
}

/**
 * How unknown arguments make the result unknown: `deep` when any argument
 * holds an unknown anywhere (a PartialObject included); `shallow` when an
 * argument is itself unknown or a PartialObject (the function copes with
 * unknown members); `self` when the function decides, PartialObjects
 * included.
 */
type UnknownFlow = 'deep' | 'shallow' | 'self';

export interface BuiltIn {
  /** The name as the reference spells it. */
  name: string;
  min: number;
  max: number;
  unknowns: UnknownFlow;
  run(args: unknown[], host: FunctionHost, name: string): unknown;
}

const fail = (message: string): never => {
  throw new TemplateError(message);
};

function expectString(value: unknown, name: string, position: number): string {
  if (typeof value !== 'string') fail(`${name}() expects a string as argument ${position}, got ${typeName(value)}`);
  return value as string;
}

function expectInt(value: unknown, name: string, position: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(`${name}() expects an integer as argument ${position}, got ${typeName(value)}`);
  return Math.trunc(value as number);
}

function expectArray(value: unknown, name: string, position: number): unknown[] {
  if (!Array.isArray(value)) fail(`${name}() expects an array as argument ${position}, got ${typeName(value)}`);
  return value as unknown[];
}

function expectObject(value: unknown, name: string, position: number): Record<string, unknown> {
  if (!isObject(value)) fail(`${name}() expects an object as argument ${position}, got ${typeName(value)}`);
  return value as Record<string, unknown>;
}

function expectLambda(value: unknown, name: string, position: number): Lambda {
  if (!(value instanceof Lambda)) fail(`${name}() expects a lambda as argument ${position}, got ${typeName(value)}`);
  return value as Lambda;
}

function expectBool(value: unknown, name: string, position: number): boolean {
  if (typeof value !== 'boolean') fail(`${name}() expects a bool as argument ${position}, got ${typeName(value)}`);
  return value as boolean;
}

/** Objects merge recursively, later arguments win; arrays keep distinct members in order (union). */
function mergeObjects(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  deep: boolean,
  host: FunctionHost,
): Record<string, unknown> {
  for (const key of Object.keys(source)) {
    // Keys match case-insensitively, so each may be compared with every key already there.
    host.spend(Object.keys(target).length);
    const existing = getKey(target, key);
    const value = source[key];
    const existingKey = existing.found ? (Object.keys(target).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key) : key;
    if (deep && existing.found && isObject(existing.value) && isObject(value)) {
      setKey(target, existingKey, mergeObjects({ ...existing.value }, value, true, host));
    } else {
      setKey(target, existingKey, value);
    }
  }
  return target;
}

function distinct(values: unknown[], host: FunctionHost): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    host.spend(out.length);
    if (!out.some((seen) => deepEquals(seen, value))) out.push(value);
  }
  return out;
}

/** Fails before building a string longer than `valueChars`. */
function boundLength(length: number, name: string): void {
  if (length > LIMITS.valueChars) throw tooLarge(`${name}()`);
}

function compareValues(a: unknown, b: unknown, name: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return fail(`${name}() compares two integers or two strings, got ${typeName(a)} and ${typeName(b)}`);
}

/** .NET composite formatting as `format()` does it: `{0}`, `{0,5}`, `{0:D3}`, `{{`. */
function composite(format: string, args: unknown[]): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const close = format.indexOf('}', i);
      if (close < 0) fail(`format(): '{' at position ${i} is not closed`);
      const item = /^(\d+)\s*(?:,\s*(-?\d+))?\s*(?::(.*))?$/s.exec(format.slice(i + 1, close));
      if (!item) fail(`format(): '${format.slice(i, close + 1)}' is not a format item`);
      const index = Number(item![1]);
      if (index >= args.length) fail(`format(): '{${index}}' has no argument (${args.length} given)`);
      let text = formatItem(args[index], item![3]);
      const width = item![2] === undefined ? 0 : Number(item![2]);
      boundLength(Math.abs(width) + out.length, 'format');
      if (width > 0) text = text.padStart(width);
      else if (width < 0) text = text.padEnd(-width);
      out += text;
      i = close;
    } else if (c === '}') {
      if (format[i + 1] === '}') i++;
      out += '}';
    } else {
      out += c;
    }
  }
  return out;
}

function formatItem(value: unknown, spec: string | undefined): string {
  if (spec && typeof value === 'number') {
    const match = /^([DdNnXxFf])(\d*)$/.exec(spec);
    if (match) {
      const digits = match[2] ? Number(match[2]) : undefined;
      // .NET takes at most 999,999,999 digits; toFixed throws past 100.
      if (digits !== undefined && digits > 100) fail(`format(): '${spec}' asks for more than 100 digits`);
      switch (match[1]) {
        case 'D':
        case 'd':
          return (value < 0 ? '-' : '') + String(Math.abs(Math.trunc(value))).padStart(digits ?? 0, '0');
        case 'N':
        case 'n':
          return value.toLocaleString('en-US', { minimumFractionDigits: digits ?? 2, maximumFractionDigits: digits ?? 2 });
        case 'F':
        case 'f':
          return value.toFixed(digits ?? 2);
        case 'X':
          return Math.trunc(value)
            .toString(16)
            .toUpperCase()
            .padStart(digits ?? 0, '0');
        case 'x':
          return Math.trunc(value)
            .toString(16)
            .padStart(digits ?? 0, '0');
      }
    }
  }
  return toText(value);
}

/** Names and type after the scope arguments of a resourceId-style call. */
function splitTypeAndNames(args: unknown[], name: string, start: number): { type: string; names: string[] } {
  const type = expectString(args[start], name, start + 1);
  const names = args.slice(start + 1).map((value, i) => expectString(value, name, start + i + 2));
  return { type, names };
}

function firstTypeIndex(args: unknown[], name: string): number {
  const index = args.findIndex((value) => typeof value === 'string' && value.includes('/'));
  if (index < 0) fail(`${name}() needs a resource type (Namespace/type) among its arguments`);
  return index;
}

/** `subscription().subscriptionId` and friends; unknown when the scope's part is. */
function scopePart(scope: DeploymentScope, part: 'subscriptionId' | 'resourceGroup' | 'managementGroup', name: string): string | Unknown {
  const value = scope[part];
  if (!value) return fail(`${name}() is not available in a ${scope.kind} deployment`);
  return value.value;
}

const REASON_TENANT = new Unknown('the tenant id is only known at deployment');
const REASON_LOCATION = new Unknown("the resource group's location is only known at deployment");
const REASON_DISPLAY = new Unknown('display names are only known at deployment');

/** Azure public cloud's `environment()`, as the deployment functions reference documents it. */
const AZURE_CLOUD = {
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
    tenant: 'common',
    identityProvider: 'AAD',
  },
  suffixes: {
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  },
};

/** `environment().suffixes`: the DNS suffixes of the cloud keyscope evaluates for. */
export const ENVIRONMENT_SUFFIXES: Readonly<Record<string, string>> = AZURE_CLOUD.suffixes;

function parseIsoDuration(text: string): { months: number; ms: number } {
  const match = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (!match || text === 'P' || text === 'PT') return fail(`dateTimeAdd(): '${text}' is not an ISO 8601 duration`);
  const n = (i: number): number => Number(match[i] ?? 0);
  const sign = match[1] ? -1 : 1;
  return {
    months: sign * (n(2) * 12 + n(3)),
    ms: sign * ((((n(4) * 7 + n(5)) * 24 + n(6)) * 60 + n(7)) * 60 * 1000 + n(8) * 1000),
  };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const table: Record<string, BuiltIn> = {};
const define = (names: string | string[], min: number, max: number, unknowns: UnknownFlow, run: BuiltIn['run']): void => {
  for (const name of Array.isArray(names) ? names : [names]) table[name.toLowerCase()] = { name, min, max, unknowns, run };
};
const ANY = Number.POSITIVE_INFINITY;

// Literals.
define('true', 0, 0, 'deep', () => true);
define('false', 0, 0, 'deep', () => false);
define('null', 0, 0, 'deep', () => null);

// Logical and comparison.
define('not', 1, 1, 'deep', ([v]) => !expectBool(v, 'not', 1));
define('bool', 1, 1, 'deep', ([v]) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return fail(`bool() cannot convert ${typeName(v)} ${JSON.stringify(v)}`);
});
define('equals', 2, 2, 'deep', ([a, b]) => deepEquals(a, b));
define('less', 2, 2, 'deep', ([a, b]) => compareValues(a, b, 'less') < 0);
define('lessOrEquals', 2, 2, 'deep', ([a, b]) => compareValues(a, b, 'lessOrEquals') <= 0);
define('greater', 2, 2, 'deep', ([a, b]) => compareValues(a, b, 'greater') > 0);
define('greaterOrEquals', 2, 2, 'deep', ([a, b]) => compareValues(a, b, 'greaterOrEquals') >= 0);
define('fail', 1, 1, 'deep', ([message]) => fail(`the template calls fail(): ${toText(message)}`));

// Numeric.
define('int', 1, 1, 'deep', ([v]) => {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  return fail(`int() cannot convert ${typeName(v)} ${JSON.stringify(v)}`);
});
define('add', 2, 2, 'deep', ([a, b]) => expectInt(a, 'add', 1) + expectInt(b, 'add', 2));
define('sub', 2, 2, 'deep', ([a, b]) => expectInt(a, 'sub', 1) - expectInt(b, 'sub', 2));
define('mul', 2, 2, 'deep', ([a, b]) => expectInt(a, 'mul', 1) * expectInt(b, 'mul', 2));
define('div', 2, 2, 'deep', ([a, b]) => {
  const divisor = expectInt(b, 'div', 2);
  if (divisor === 0) fail('div() divides by zero');
  return Math.trunc(expectInt(a, 'div', 1) / divisor);
});
define('mod', 2, 2, 'deep', ([a, b]) => {
  const divisor = expectInt(b, 'mod', 2);
  if (divisor === 0) fail('mod() divides by zero');
  return expectInt(a, 'mod', 1) % divisor;
});
define(['min', 'max'], 1, ANY, 'deep', (args, _host, name) => {
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) fail(`${name}() needs at least one value`);
  // A loop, not Math.min(...values): spreading a large array overflows the stack.
  let result = expectInt(values[0], name, 1);
  for (let i = 1; i < values.length; i++) {
    const n = expectInt(values[i], name, i + 1);
    if (name === 'min' ? n < result : n > result) result = n;
  }
  return result;
});
define('range', 2, 2, 'deep', ([start, count]) => {
  const from = expectInt(start, 'range', 1);
  const n = expectInt(count, 'range', 2);
  if (n < 0 || n > LIMITS.rangeCount) fail(`range() count must be between 0 and ${LIMITS.rangeCount}, got ${n}`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
});

// Strings.
define('string', 1, 1, 'deep', ([v]) => toText(v));
define('concat', 0, ANY, 'deep', (args) => {
  if (args.length > 0 && (Array.isArray(args[0]) || args[0] === null) && args.some(Array.isArray)) {
    return args.flatMap((v, i) => (v === null ? [] : expectArray(v, 'concat', i + 1)));
  }
  const texts = args.map(toText);
  boundLength(
    texts.reduce((sum, text) => sum + text.length, 0),
    'concat',
  );
  return texts.join('');
});
define('format', 1, ANY, 'deep', ([format, ...rest]) => composite(expectString(format, 'format', 1), rest));
define('toLower', 1, 1, 'deep', ([v]) => expectString(v, 'toLower', 1).toLowerCase());
define('toUpper', 1, 1, 'deep', ([v]) => expectString(v, 'toUpper', 1).toUpperCase());
define('trim', 1, 1, 'deep', ([v]) => expectString(v, 'trim', 1).trim());
define('replace', 3, 3, 'deep', ([s, from, to]) => {
  const parts = expectString(s, 'replace', 1).split(expectString(from, 'replace', 2));
  const by = expectString(to, 'replace', 3);
  boundLength(parts.reduce((sum, part) => sum + part.length, 0) + (parts.length - 1) * by.length, 'replace');
  return parts.join(by);
});
define('split', 2, 2, 'deep', ([s, delimiter]) => {
  const text = expectString(s, 'split', 1);
  const delimiters = Array.isArray(delimiter)
    ? delimiter.map((d, i) => expectString(d, 'split', i + 2))
    : [expectString(delimiter, 'split', 2)];
  let parts = [text];
  for (const d of delimiters) if (d !== '') parts = parts.flatMap((part) => part.split(d));
  return parts;
});
define('join', 2, 2, 'deep', ([array, delimiter]) => {
  const texts = expectArray(array, 'join', 1).map(toText);
  const by = expectString(delimiter, 'join', 2);
  boundLength(texts.reduce((sum, text) => sum + text.length, 0) + Math.max(0, texts.length - 1) * by.length, 'join');
  return texts.join(by);
});
define('substring', 2, 3, 'deep', ([s, start, length]) => {
  const text = expectString(s, 'substring', 1);
  const from = expectInt(start, 'substring', 2);
  const count = length === undefined ? text.length - from : expectInt(length, 'substring', 3);
  if (from < 0 || from > text.length || count < 0 || from + count > text.length) {
    fail(`substring(): start ${from} and length ${count} fall outside the string of length ${text.length}`);
  }
  return text.slice(from, from + count);
});
define('padLeft', 2, 3, 'deep', ([v, width, padding]) => {
  const text = toText(v);
  const pad = padding === undefined ? ' ' : expectString(padding, 'padLeft', 3);
  if (pad.length !== 1) fail('padLeft() pads with exactly one character');
  const length = expectInt(width, 'padLeft', 2);
  boundLength(length, 'padLeft');
  return text.padStart(length, pad);
});
define('startsWith', 2, 2, 'deep', ([s, p]) =>
  expectString(s, 'startsWith', 1)
    .toLowerCase()
    .startsWith(expectString(p, 'startsWith', 2).toLowerCase()),
);
define('endsWith', 2, 2, 'deep', ([s, p]) =>
  expectString(s, 'endsWith', 1)
    .toLowerCase()
    .endsWith(expectString(p, 'endsWith', 2).toLowerCase()),
);
define(['indexOf', 'lastIndexOf'], 2, 2, 'deep', ([container, item], host, name) => {
  if (Array.isArray(container)) {
    host.spend(container.length);
    const matches = container.map((v, i) => (deepEquals(v, item) ? i : -1)).filter((i) => i >= 0);
    return matches.length === 0 ? -1 : name === 'indexOf' ? matches[0] : matches[matches.length - 1];
  }
  const text = expectString(container, name, 1).toLowerCase();
  const needle = expectString(item, name, 2).toLowerCase();
  return name === 'indexOf' ? text.indexOf(needle) : text.lastIndexOf(needle);
});
define('uniqueString', 1, ANY, 'deep', (args) => uniqueString(args.map((v, i) => expectString(v, 'uniqueString', i + 1))));
define('guid', 1, ANY, 'deep', (args) => deterministicGuid(args.map((v, i) => expectString(v, 'guid', i + 1))));
define('base64', 1, 1, 'deep', ([v]) => Buffer.from(expectString(v, 'base64', 1), 'utf8').toString('base64'));
define('base64ToString', 1, 1, 'deep', ([v]) => Buffer.from(expectString(v, 'base64ToString', 1), 'base64').toString('utf8'));
define('base64ToJson', 1, 1, 'deep', ([v]) =>
  parseJson(Buffer.from(expectString(v, 'base64ToJson', 1), 'base64').toString('utf8'), 'base64ToJson'),
);
define('dataUri', 1, 1, 'deep', ([v]) => `data:text/plain;charset=utf8;base64,${Buffer.from(toText(v), 'utf8').toString('base64')}`);
define('dataUriToString', 1, 1, 'deep', ([v]) => {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(expectString(v, 'dataUriToString', 1));
  if (!match) return fail('dataUriToString() expects a data URI');
  return match[1] ? Buffer.from(match[2]!, 'base64').toString('utf8') : decodeUri(match[2]!, 'dataUriToString');
});
define('uri', 2, 2, 'deep', ([base, relative]) => {
  try {
    return new URL(expectString(relative, 'uri', 2), expectString(base, 'uri', 1)).toString();
  } catch {
    return fail(`uri() cannot combine '${toText(base)}' and '${toText(relative)}'`);
  }
});
define('uriComponent', 1, 1, 'deep', ([v]) =>
  encodeURIComponent(expectString(v, 'uriComponent', 1)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
);
define('uriComponentToString', 1, 1, 'deep', ([v]) => decodeUri(expectString(v, 'uriComponentToString', 1), 'uriComponentToString'));
define('json', 1, 1, 'deep', ([v]) => parseJson(expectString(v, 'json', 1), 'json'));

// Dates (only with a known base; utcNow() is deploy-time).
define('dateTimeAdd', 2, 3, 'deep', ([base, duration]) => {
  const date = new Date(expectString(base, 'dateTimeAdd', 1));
  if (Number.isNaN(date.getTime())) fail(`dateTimeAdd(): '${toText(base)}' is not a date`);
  const { months, ms } = parseIsoDuration(expectString(duration, 'dateTimeAdd', 2));
  date.setUTCMonth(date.getUTCMonth() + months);
  return isoSeconds(new Date(date.getTime() + ms));
});
define('dateTimeFromEpoch', 1, 1, 'deep', ([v]) => isoSeconds(new Date(expectInt(v, 'dateTimeFromEpoch', 1) * 1000)));
define('dateTimeToEpoch', 1, 1, 'deep', ([v]) => {
  const time = Date.parse(expectString(v, 'dateTimeToEpoch', 1));
  if (Number.isNaN(time)) fail(`dateTimeToEpoch(): '${toText(v)}' is not a date`);
  return Math.trunc(time / 1000);
});

// Arrays and objects.
define('createArray', 0, ANY, 'self', (args) => args);
define('array', 1, 1, 'shallow', ([v]) => (Array.isArray(v) ? (v as unknown[]) : [v]));
define('createObject', 0, ANY, 'self', (args) => {
  if (args.length % 2 !== 0) fail('createObject() takes key and value pairs');
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i];
    if (key instanceof Unknown) return key;
    setKey(out, expectString(key, 'createObject', i + 1), args[i + 1]);
  }
  return out;
});
define('length', 1, 1, 'shallow', ([v]) => {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return fail(`length() expects a string, array or object, got ${typeName(v)}`);
});
define('empty', 1, 1, 'shallow', ([v]) => {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
});
define('contains', 2, 2, 'self', ([container, item]) => {
  if (container instanceof Unknown) return container;
  if (item instanceof Unknown) return item;
  if (typeof container === 'string') return containsUnknown(item) ? firstUnknown(item) : container.includes(toText(item));
  if (Array.isArray(container)) {
    if (container.some((member) => !containsUnknown(member) && deepEquals(member, item))) return true;
    return container.some(containsUnknown) || containsUnknown(item) ? new Unknown('an array member is only known at deployment') : false;
  }
  if (isObject(container)) return getKey(container, expectString(item, 'contains', 2)).found;
  if (container instanceof PartialObject) {
    const key = expectString(item, 'contains', 2);
    // A member the template does not set may still be set by Azure.
    return container.has(key) ? true : container.member(key);
  }
  if (container === null) return false;
  return fail(`contains() expects a string, array or object, got ${typeName(container)}`);
});
define('first', 1, 1, 'shallow', ([v]) => {
  if (typeof v === 'string') return v.slice(0, 1);
  return expectArray(v, 'first', 1)[0] ?? null;
});
define('last', 1, 1, 'shallow', ([v]) => {
  if (typeof v === 'string') return v.slice(-1);
  const array = expectArray(v, 'last', 1);
  return array.length ? array[array.length - 1] : null;
});
define(['skip', 'take'], 2, 2, 'shallow', ([v, count], _host, name) => {
  if (count instanceof Unknown) return count;
  const n = Math.max(0, expectInt(count, name, 2));
  if (typeof v === 'string') return name === 'skip' ? v.slice(n) : v.slice(0, n);
  const array = expectArray(v, name, 1);
  return name === 'skip' ? array.slice(n) : array.slice(0, n);
});
define(['tryIndexFromEnd', 'indexFromEnd'], 2, 2, 'shallow', ([v, index], _host, name) => {
  const array = expectArray(v, name, 1);
  const n = expectInt(index, name, 2);
  if (n >= 1 && n <= array.length) return array[array.length - n];
  return name === 'tryIndexFromEnd' ? null : fail(`indexFromEnd(): ${n} is outside the array of length ${array.length}`);
});
define('union', 1, ANY, 'self', (args, host) => {
  const unknown = args.find((a) => a instanceof Unknown);
  if (unknown) return unknown;
  const partial = args.find((a) => a instanceof PartialObject);
  if (partial) return partial.whole();
  if (args.every((a) => isObject(a) || a === null)) {
    const out: Record<string, unknown> = {};
    for (const a of args) if (isObject(a)) mergeObjects(out, a, true, host);
    return out;
  }
  const arrays = args.map((a, i) => (a === null ? [] : expectArray(a, 'union', i + 1)));
  if (arrays.some((a) => a.some(containsUnknown))) return new Unknown('an array member is only known at deployment');
  return distinct(arrays.flat(), host);
});
define('intersection', 1, ANY, 'deep', (args, host) => {
  if (args.every(isObject)) {
    const [first, ...rest] = args;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first!)) {
      if (
        rest.every((other) => {
          const found = getKey(other, key);
          return found.found && deepEquals(found.value, first![key]);
        })
      )
        setKey(out, key, first![key]);
    }
    return out;
  }
  const arrays = args.map((a, i) => expectArray(a, 'intersection', i + 1));
  host.spend(arrays[0]!.length * arrays.reduce((sum, array) => sum + array.length, 0));
  return distinct(
    arrays[0]!.filter((v) => arrays.every((array) => array.some((w) => deepEquals(v, w)))),
    host,
  );
});
define('shallowMerge', 1, 1, 'shallow', ([v], host) => {
  const out: Record<string, unknown> = {};
  for (const [i, item] of expectArray(v, 'shallowMerge', 1).entries()) {
    if (item instanceof Unknown) return item;
    if (item !== null) mergeObjects(out, expectObject(item, 'shallowMerge', i + 1), false, host);
  }
  return out;
});
define('flatten', 1, 1, 'shallow', ([v]) => {
  const out: unknown[] = [];
  for (const [i, item] of expectArray(v, 'flatten', 1).entries()) {
    if (item instanceof Unknown) return item;
    // One by one: spreading a large array into push() overflows the stack.
    for (const member of expectArray(item, 'flatten', i + 1)) out.push(member);
  }
  return out;
});
define('items', 1, 1, 'shallow', ([v]) =>
  Object.keys(expectObject(v, 'items', 1))
    .sort((a, b) => {
      const la = a.toLowerCase();
      const lb = b.toLowerCase();
      return la < lb ? -1 : la > lb ? 1 : 0;
    })
    .map((key) => ({ key, value: (v as Record<string, unknown>)[key] })),
);
define('objectKeys', 1, 1, 'shallow', ([v]) => Object.keys(expectObject(v, 'objectKeys', 1)));
define('tryGet', 2, ANY, 'self', ([target, ...keys]) => {
  let value = target;
  for (const key of keys) {
    if (value instanceof Unknown) return value;
    if (key instanceof Unknown) return key;
    if (value === null || value === undefined) return null;
    if (value instanceof PartialObject) {
      value = typeof key === 'string' ? value.member(key) : null;
    } else if (Array.isArray(value)) {
      value = typeof key === 'number' ? (value[key] ?? null) : null;
    } else if (isObject(value)) {
      const found = typeof key === 'string' ? getKey(value, key) : { found: false, value: null };
      value = found.found ? found.value : null;
    } else {
      return null;
    }
  }
  return value ?? null;
});

// Lambdas.
define('filter', 2, 2, 'shallow', ([v, f], host) => {
  const lambda = expectLambda(f, 'filter', 2);
  const out: unknown[] = [];
  for (const [i, item] of expectArray(v, 'filter', 1).entries()) {
    const keep = host.invoke(lambda, [item, i]);
    if (keep instanceof Unknown) return keep;
    if (expectBool(keep, 'filter (the lambda)', 2)) out.push(item);
  }
  return out;
});
define('map', 2, 2, 'shallow', ([v, f], host) => {
  const lambda = expectLambda(f, 'map', 2);
  return expectArray(v, 'map', 1).map((item, i) => host.invoke(lambda, [item, i]));
});
define('mapValues', 2, 2, 'shallow', ([v, f], host) => {
  const lambda = expectLambda(f, 'mapValues', 2);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expectObject(v, 'mapValues', 1))) setKey(out, key, host.invoke(lambda, [value]));
  return out;
});
define('reduce', 3, 3, 'shallow', ([v, initial, f], host) => {
  const lambda = expectLambda(f, 'reduce', 3);
  let accumulator = initial;
  for (const [i, item] of expectArray(v, 'reduce', 1).entries()) accumulator = host.invoke(lambda, [accumulator, item, i]);
  return accumulator;
});
define('sort', 2, 2, 'shallow', ([v, f], host) => {
  const lambda = expectLambda(f, 'sort', 2);
  const array = [...expectArray(v, 'sort', 1)];
  let unknown: Unknown | undefined;
  // An insertion sort: the lambda says whether a comes before b, and it may not be a total order.
  host.spend(array.length);
  for (let i = 1; i < array.length; i++) {
    const item = array[i];
    let j = i - 1;
    for (; j >= 0; j--) {
      const before = host.invoke(lambda, [item, array[j]]);
      if (before instanceof Unknown) unknown ??= before;
      if (before !== true) break;
      array[j + 1] = array[j];
    }
    array[j + 1] = item;
  }
  return unknown ?? array;
});
define('toObject', 2, 3, 'shallow', ([v, keyOf, valueOf], host) => {
  const keyLambda = expectLambda(keyOf, 'toObject', 2);
  const valueLambda = valueOf === undefined ? undefined : expectLambda(valueOf, 'toObject', 3);
  const out: Record<string, unknown> = {};
  for (const item of expectArray(v, 'toObject', 1)) {
    const key = host.invoke(keyLambda, [item]);
    if (key instanceof Unknown) return key;
    setKey(out, expectString(key, 'toObject (the key lambda)', 2), valueLambda ? host.invoke(valueLambda, [item]) : item);
  }
  return out;
});
define('groupBy', 2, 2, 'shallow', ([v, f], host) => {
  const lambda = expectLambda(f, 'groupBy', 2);
  const out: Record<string, unknown[]> = {};
  for (const item of expectArray(v, 'groupBy', 1)) {
    const key = host.invoke(lambda, [item]);
    if (key instanceof Unknown) return key;
    const text = expectString(key, 'groupBy (the lambda)', 2);
    const group = out[text] ?? [];
    group.push(item);
    setKey(out, text, group);
  }
  return out;
});

// Scope and deployment.
define('environment', 0, 0, 'deep', () => structuredClone(AZURE_CLOUD));
define('deployment', 0, 0, 'deep', (_args, host) => host.deployment());
define('subscription', 0, 0, 'deep', (_args, host) => {
  const subscriptionId = scopePart(host.scope, 'subscriptionId', 'subscription');
  return {
    id: subscriptionId instanceof Unknown ? subscriptionId : `/subscriptions/${subscriptionId}`,
    subscriptionId,
    tenantId: REASON_TENANT,
    displayName: REASON_DISPLAY,
  };
});
define('resourceGroup', 0, 0, 'deep', (_args, host) => {
  const name = scopePart(host.scope, 'resourceGroup', 'resourceGroup');
  return {
    id: scopeIdValue(host.scope),
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: REASON_LOCATION,
    properties: { provisioningState: 'Succeeded' },
  };
});
define('managementGroup', 0, 0, 'deep', (_args, host) => {
  const name = scopePart(host.scope, 'managementGroup', 'managementGroup');
  return {
    id: scopeIdValue(host.scope),
    name,
    type: 'Microsoft.Management/managementGroups',
    properties: { displayName: REASON_DISPLAY, tenantId: REASON_TENANT },
  };
});
define('tenant', 0, 0, 'deep', () => ({ tenantId: REASON_TENANT, countryCode: REASON_DISPLAY, displayName: REASON_DISPLAY }));

// Resources the template deploys (the apiVersion does not matter: the template declares the resource).
define('reference', 1, 3, 'self', ([target, , option], host) => {
  if (target instanceof Unknown) return target;
  if (option instanceof Unknown) return option;
  if (typeof target !== 'string' || !host.resources) return new Unknown(DEPLOY_TIME_FUNCTIONS['reference']!);
  return host.resources.reference(target, typeof option === 'string' && option.toLowerCase() === 'full');
});
define('resourceInfo', 1, 1, 'self', ([target], host) => {
  if (target instanceof Unknown) return target;
  if (typeof target !== 'string' || !host.resources) return new Unknown(DEPLOY_TIME_FUNCTIONS['resourceinfo']!);
  return host.resources.resourceInfo(target);
});

// Resource ids.
define('resourceId', 2, ANY, 'deep', (args, host) => {
  const typeIndex = firstTypeIndex(args, 'resourceId');
  if (typeIndex > 2) fail('resourceId() takes at most a subscription id and a resource group name before the type');
  const { type, names } = splitTypeAndNames(args, 'resourceId', typeIndex);
  const scope = host.scope;
  const given = args.slice(0, typeIndex).map((v, i) => expectString(v, 'resourceId', i + 1));
  let subscription = given.length === 2 ? given[0] : undefined;
  let group = given.length === 2 ? given[1] : given[0];
  if (scope.kind === 'managementGroup' || scope.kind === 'tenant') {
    if (group === undefined) return `/providers/${typeAndNames(type, names)}`;
  }
  subscription ??= valueOrUnknown(scopePart(scope, 'subscriptionId', 'resourceId'));
  if (group === undefined && scope.kind === 'resourceGroup') group = valueOrUnknown(scopePart(scope, 'resourceGroup', 'resourceId'));
  const base = group === undefined ? `/subscriptions/${subscription}` : `/subscriptions/${subscription}/resourceGroups/${group}`;
  return resourceIdAt(base, type, names);
});
define('subscriptionResourceId', 2, ANY, 'deep', (args, host) => {
  const typeIndex = firstTypeIndex(args, 'subscriptionResourceId');
  if (typeIndex > 1) fail('subscriptionResourceId() takes at most a subscription id before the type');
  const { type, names } = splitTypeAndNames(args, 'subscriptionResourceId', typeIndex);
  const subscription =
    typeIndex === 1
      ? expectString(args[0], 'subscriptionResourceId', 1)
      : valueOrUnknown(scopePart(host.scope, 'subscriptionId', 'subscriptionResourceId'));
  return resourceIdAt(`/subscriptions/${subscription}`, type, names);
});
define('tenantResourceId', 2, ANY, 'deep', (args) => {
  const { type, names } = splitTypeAndNames(args, 'tenantResourceId', 0);
  return `/providers/${typeAndNames(type, names)}`;
});
define('extensionResourceId', 3, ANY, 'deep', (args) => {
  const base = expectString(args[0], 'extensionResourceId', 1).replace(/\/+$/, '');
  const { type, names } = splitTypeAndNames(args, 'extensionResourceId', 1);
  return `${base}/providers/${typeAndNames(type, names)}`;
});
define('managementGroupResourceId', 2, ANY, 'deep', (args, host) => {
  const typeIndex = firstTypeIndex(args, 'managementGroupResourceId');
  if (typeIndex > 1) fail('managementGroupResourceId() takes at most a management group id before the type');
  const { type, names } = splitTypeAndNames(args, 'managementGroupResourceId', typeIndex);
  const group =
    typeIndex === 1
      ? expectString(args[0], 'managementGroupResourceId', 1)
      : valueOrUnknown(scopePart(host.scope, 'managementGroup', 'managementGroupResourceId'));
  return `/providers/Microsoft.Management/managementGroups/${group}/providers/${typeAndNames(type, names)}`;
});

/** A scope part that is unknown makes the id unknown: signalled by throwing, caught in `callBuiltIn`. */
class UnknownPart extends Error {
  constructor(readonly unknown: Unknown) {
    super(unknown.reason);
  }
}
function valueOrUnknown(value: string | Unknown): string {
  if (value instanceof Unknown) throw new UnknownPart(value);
  return value;
}

/** decodeURIComponent, failing as the template language does on a malformed escape. */
function decodeUri(text: string, name: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`${name}(): the text holds a malformed %-escape`);
  }
}

function parseJson(text: string, name: string): unknown {
  if (tooDeep(text, LIMITS.jsonDepth) >= 0)
    throw new TemplateLimitError(`${name}(): the JSON nests objects and arrays more than ${LIMITS.jsonDepth} deep: keyscope's bound`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`${name}(): not JSON (${(error as Error).message})`);
  }
}

/** The built-in function of that name (any case), if any. */
export function builtIn(name: string): BuiltIn | undefined {
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

/** Applies a built-in to evaluated arguments, with its rule for unknown arguments. */
export function callBuiltIn(fn: BuiltIn, args: unknown[], host: FunctionHost): unknown {
  const name = fn.name;
  if (args.length < fn.min || args.length > fn.max) {
    const expected = fn.min === fn.max ? `${fn.min}` : fn.max === ANY ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
    throw new TemplateError(`${name}() takes ${expected} argument${fn.max === 1 && fn.min === 1 ? '' : 's'}, got ${args.length}`);
  }
  if (fn.unknowns === 'deep') {
    for (const arg of args) {
      const unknown = firstUnknown(arg);
      if (unknown) return unknown;
    }
  } else if (fn.unknowns === 'shallow') {
    for (const arg of args) {
      if (arg instanceof Unknown) return arg;
      if (arg instanceof PartialObject) return arg.whole();
    }
  }
  try {
    return fn.run(args, host, name);
  } catch (error) {
    if (error instanceof UnknownPart) return error.unknown;
    throw error;
  }
}
