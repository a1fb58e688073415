/**
 * The fuzz targets: every reader and evaluator keyscope runs on files written
 * by strangers. Each has a committed seed corpus (`fuzz/corpus/<name>/`), an
 * input generator (seeds mutated, or values built from the format's
 * grammar), and a check that holds it to the invariant of harness.ts.
 *
 * To add a target: a row here and a folder of seeds under fuzz/corpus.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseExpression } from '../src/sources/arm/expression-parser.js';
import { TemplateLimitError } from '../src/sources/arm/limits.js';
import { scanTemplate } from '../src/sources/arm/scan-template.js';
import { TemplateError } from '../src/sources/arm/values.js';
import { scanResourceBlocks } from '../src/sources/terraform/hcl-blocks.js';
import { readPlan } from '../src/sources/terraform/plan-document.js';
import { loadCatalog } from '../src/catalog/load.js';
import type { ScanProblem } from '../src/model/index.js';
import type { BicepCompiler } from '../src/sources/bicep/bicep-cli.js';
import { BicepSource } from '../src/sources/bicep/bicep-source.js';
import { FUNCTIONS as HCL_FUNCTIONS } from '../src/sources/terraform/hcl/functions.js';
import { checkCli, checkCliFiles, checkDirect, filesOf, FuzzDefect, inFolder, root, timed, checkPrototypes } from './harness.js';

/** One fuzz target. */
export interface FuzzTarget {
  name: string;
  /** What it reads, for the report. */
  reads: string;
  /** Inputs: the committed seeds mutated, or built from a grammar (seeds included). */
  inputs: (seeds: readonly string[]) => fc.Arbitrary<string>;
  /** Throws a FuzzDefect when the invariant does not hold for this input. */
  check: (input: string) => Promise<void>;
}

export const corpusDir = path.join(root, 'fuzz', 'corpus');
export const crashesDir = path.join(root, 'fuzz', 'crashes');

/** The committed inputs of a target: its seeds, then every input that ever broke it. */
export function seedsOf(name: string, folder = corpusDir): string[] {
  const dir = path.join(folder, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
}

/** Tokens that mean something to one of the formats: structure, escapes, prototype keys, extremes. */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ',',
  ':',
  '\\',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\u0000',
  '\ufeff',
  '\ud800',
  '"__proto__"',
  '"__proto__": {"polluted": 1}',
  '"constructor": {"prototype": {"polluted": 1}}',
  '__proto__',
  'prototype',
  'null',
  'true',
  '1e309',
  '-0',
  '9007199254740993',
  '"[concat(',
  "[parameters('",
  ')]',
  '"[[',
  '${',
  '%{',
  '<<EOT\n',
  '\nEOT\n',
  '/*',
  '*/',
  '//',
  '#',
  '&a ',
  '*a',
  '!!js/function ',
  '- ',
  '? ',
  '---\n',
  '...\n',
  '"type": "Microsoft.KeyVault/vaults"',
  '"id": "/subscriptions/x"',
  'resource "azurerm_key_vault" "x" {',
];

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number; times: number }
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; char: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
    times: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length ? m.at % (out.length + 1) : 0;
    switch (m.op) {
      case 'insert':
        out = out.slice(0, at) + m.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + m.length);
        break;
      case 'duplicate':
        out = out.slice(0, at) + out.slice(at, at + m.length).repeat(m.times) + out.slice(at);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'flip':
        out = out.slice(0, at) + m.char + out.slice(at + 1);
        break;
    }
  }
  return out;
}

/** Seeds with a few mutations each, and now and then text from nothing. */
export function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const fromSeed = seeds.length
    ? fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 0, maxLength: 6 })).map(([seed, ms]) => mutate(seed, ms))
    : fc.string();
  return fc.oneof({ weight: 8, arbitrary: fromSeed }, { weight: 1, arbitrary: fc.string({ maxLength: 200 }) });
}

/** Built-in template functions, to call with generated arguments. */
const FUNCTIONS = [
  'concat',
  'format',
  'replace',
  'split',
  'join',
  'substring',
  'padLeft',
  'range',
  'union',
  'intersection',
  'createArray',
  'createObject',
  'json',
  'string',
  'int',
  'bool',
  'base64',
  'base64ToString',
  'base64ToJson',
  'dataUri',
  'dataUriToString',
  'uri',
  'uriComponent',
  'uriComponentToString',
  'toLower',
  'toUpper',
  'trim',
  'length',
  'empty',
  'contains',
  'first',
  'last',
  'skip',
  'take',
  'indexOf',
  'lastIndexOf',
  'min',
  'max',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'equals',
  'less',
  'greater',
  'not',
  'and',
  'or',
  'if',
  'coalesce',
  'uniqueString',
  'guid',
  'resourceId',
  'subscriptionResourceId',
  'tenantResourceId',
  'extensionResourceId',
  'items',
  'objectKeys',
  'tryGet',
  'flatten',
  'shallowMerge',
  'filter',
  'map',
  'reduce',
  'sort',
  'toObject',
  'groupBy',
  'mapValues',
  'dateTimeAdd',
  'dateTimeFromEpoch',
  'dateTimeToEpoch',
  'startsWith',
  'endsWith',
  'array',
  'tryIndexFromEnd',
  'indexFromEnd',
  'reference',
  'resourceGroup',
  'subscription',
  'deployment',
  'environment',
  'parameters',
  'variables',
  'copyIndex',
  'lambdaVariables',
  'fail',
];

/** Template expressions built from the language's grammar (with the odd ill-formed one). */
export const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 12 }).map((s) => `'${s.replaceAll("'", "''")}'`),
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String),
    fc.constantFrom(
      'true',
      'false',
      'null',
      "parameters('p')",
      "variables('v')",
      "lambdaVariables('x')",
      "lambda('x', lambdaVariables('x'))",
      "lambda('a', 'b', lambdaVariables('a'))",
    ),
    fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('expr'), { maxLength: 4 })).map(([name, args]) => `${name}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.constantFrom('.name', '.properties', '[0]', "['id']", '[-1]')).map(([e, tail]) => `${e}${tail}`),
  ),
})).expr;

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** Templates built from expressions: a parameter, a variable and a resource reading them. */
function templateOf(parameter: string, variable: string, name: string, property: string): string {
  return JSON.stringify({
    $schema: SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { p: { type: 'object', defaultValue: `[${parameter}]` } },
    variables: { v: `[${variable}]` },
    resources: [
      {
        type: 'Microsoft.KeyVault/vaults',
        apiVersion: '2023-07-01',
        name: `[${name}]`,
        location: 'westeurope',
        properties: { enablePurgeProtection: `[${property}]`, tenantId: '[subscription().tenantId]' },
      },
    ],
  });
}

/** scanTemplate reports every problem: it may never throw. */
async function checkTemplate(input: string, parameters?: string): Promise<void> {
  await checkDirect(
    input + (parameters ?? ''),
    () => {
      scanTemplate(
        {
          file: 'fuzz.json',
          text: input,
          ...(parameters === undefined ? {} : { parameters: [{ file: 'fuzz.parameters.json', text: parameters }] }),
        },
        () => {},
      );
    },
    [],
  );
}

const examples = (file: string): string => path.join(root, file);

/** Terraform expressions built from the language's grammar: references, functions, for, splats, conditionals, templates. */
const hclExpression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
    fc.oneof(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.double()).map(String),
    fc.constantFrom(
      'true',
      'false',
      'null',
      'var.v',
      'var.m',
      'var.missing',
      'local.a',
      'local.b',
      'local.c',
      'count.index',
      'each.key',
      'each.value',
      'module.m.out',
      'module.m',
      'azurerm_key_vault.g',
      'azurerm_key_vault.g[0].name',
      'data.azurerm_client_config.c.tenant_id',
      'path.module',
      'self',
      '"${var.v}-${local.a}"',
      '"%{for x in var.m}${x}%{endfor}"',
    ),
    fc
      .tuple(
        fc.constantFrom(...Object.keys(HCL_FUNCTIONS), 'nosuchfunction', 'file', 'templatefile'),
        fc.array(tie('expr'), { maxLength: 3 }),
        fc.boolean(),
      )
      .map(([name, args, expand]) => `${name}(${args.join(', ')}${expand && args.length ? '...' : ''})`),
    fc.tuple(tie('expr'), tie('expr')).map(([list, body]) => `[for x in ${list} : ${body}]`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([map, key, cond]) => `{for k, x in ${map} : ${key} => x if ${cond}}`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    fc
      .tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'), tie('expr'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('!', '-'), tie('expr')).map(([op, a]) => `${op}${a}`),
    fc
      .tuple(tie('expr'), fc.constantFrom('[0]', '[-1]', '["k"]', '.name', '[*].name', '.*', '[999999999]'))
      .map(([e, tail]) => `${e}${tail}`),
    fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'k', '__proto__', 'constructor', 'name'), tie('expr')), { maxLength: 3 })
      .map((entries) => `{ ${entries.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
  ),
})).expr;

/** A root module, a local module and a tfvars file written around generated expressions (see filesOf). */
const hclConfiguration: fc.Arbitrary<string> = fc
  .record({
    v: hclExpression,
    m: hclExpression,
    a: hclExpression,
    b: hclExpression,
    c: hclExpression,
    repeat: fc.constantFrom('count', 'for_each', 'none'),
    repeatBy: hclExpression,
    name: hclExpression,
    purge: hclExpression,
    moduleInput: hclExpression,
    moduleBody: hclExpression,
    tfvar: hclExpression,
  })
  .map(
    (e) => `variable "v" {
  default = ${e.v}
}
variable "m" {
  default = ${e.m}
}
locals {
  a = ${e.a}
  b = ${e.b}
  c = ${e.c}
}
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "g" {
${e.repeat === 'none' ? '' : `  ${e.repeat} = ${e.repeatBy}\n`}  name                     = ${e.name}
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = data.azurerm_client_config.c.tenant_id
  sku_name                 = "premium"
  purge_protection_enabled = ${e.purge}
}
module "m" {
  source = "./modules/m"
  x      = ${e.moduleInput}
}
//// modules/m/main.tf
variable "x" {}
resource "azurerm_key_vault" "inner" {
  name                     = ${e.moduleBody}
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = var.x
  purge_protection_enabled = true
}
output "out" {
  value = var.x
}
//// terraform.tfvars
v = ${e.tfvar}
`,
  );

/** A stand-in for the Bicep CLI: `build` gives the input's `main.json`, as a real compile of its `main.bicep` would. */
function compiledBy(files: ReadonlyMap<string, string>): BicepCompiler {
  const text = files.get('main.json') ?? '';
  return {
    build: () => Promise.resolve({ ok: true, text }),
    buildParams: () => Promise.resolve({ ok: false, message: 'no parameters', diagnostics: [] }),
  } as unknown as BicepCompiler;
}

/**
 * The Bicep source past its compile: the template evaluator on the compiled
 * JSON, then the Bicep text reader and location mapper placing each record
 * and problem in the (mutated) .bicep text and its local modules.
 */
async function checkBicep(input: string): Promise<void> {
  const files = filesOf(input, 'main.bicep');
  await inFolder(files, async (dir) => {
    const problems: ScanProblem[] = [];
    const source = new BicepSource({ path: path.join(dir, 'main.bicep'), file: 'main.bicep' }, [], compiledBy(files));
    await timed(Buffer.byteLength(input), async () => {
      try {
        for await (const batch of source.batches({ report: (problem: ScanProblem) => problems.push(problem) })) void batch;
      } catch (error) {
        throw new FuzzDefect(`uncaught ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`, { cause: error });
      }
    });
    const internal = problems.find((p) => /could not evaluate/.test(p.message));
    if (internal) throw new FuzzDefect(`an internal error was reported: ${internal.message}`);
    for (const p of problems)
      if (p.line !== undefined && !(Number.isInteger(p.line) && p.line >= 1 && Number.isInteger(p.column) && (p.column ?? 0) >= 1))
        throw new FuzzDefect(`a problem placed at line ${p.line}, column ${p.column}: ${p.message}`);
  });
  checkPrototypes();
}

/** The catalog loader on a folder of one (mutated) service file: every problem is a located error, never a throw. */
async function checkCatalog(input: string): Promise<void> {
  await inFolder(new Map([['service.yaml', input]]), (dir) =>
    checkDirect(input, () => loadCatalog(dir, { useBundle: false }).catalog.keyConsumers(), []),
  );
}

/**
 * A check that scans the example inventory with the input written as `name` and given to `flag`, then `extra`
 * arguments: the targets for files that shape a scan rather than feed it resources.
 */
function scanOfExampleWith(name: string, flag: string, ...extra: string[]): FuzzTarget['check'] {
  return async (input) =>
    void (await checkCli(name, input, [
      'scan',
      '--input',
      examples('examples/inventory.json'),
      flag,
      '{file}',
      ...extra,
      '--format',
      'json',
      '--quiet',
    ]));
}

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'export-records',
    reads: 'exported Resource Graph results (JSON array or NDJSON): the record splitter and reader',
    inputs: mutated,
    check: async (input) => void (await checkCli('export.json', input, ['scan', '--input', '{file}', '--format', 'json', '--quiet'])),
  },
  {
    name: 'arm-expression-parser',
    reads: 'template expressions',
    inputs: (seeds) =>
      fc.oneof(
        mutated(seeds),
        expression.map((e) => `[${e}]`),
      ),
    check: (input) =>
      checkDirect(input, () => parseExpression(input.length >= 2 ? input : `[${input}]`), [TemplateError, TemplateLimitError]),
  },
  {
    name: 'arm-functions',
    reads: 'the template function library, called with generated arguments',
    inputs: (seeds) =>
      fc.oneof(
        { weight: 1, arbitrary: mutated(seeds) },
        { weight: 4, arbitrary: fc.tuple(expression, expression, expression, expression).map(([a, b, c, d]) => templateOf(a, b, c, d)) },
      ),
    check: (input) => checkTemplate(input),
  },
  {
    name: 'arm-template',
    reads: 'ARM templates: parse, expand (copies, conditions, nested deployments), evaluate',
    inputs: mutated,
    check: (input) => checkTemplate(input),
  },
  {
    name: 'arm-parameters',
    reads: 'deployment parameters files',
    inputs: mutated,
    check: (input) => checkTemplate(readFileSync(examples('fixtures/arm/params/vault.json'), 'utf8'), input),
  },
  {
    name: 'terraform-plan',
    reads: 'Terraform plans (terraform show -json)',
    inputs: mutated,
    check: async (input) => {
      await checkDirect(input, () => readPlan(input), []);
      await checkCli('plan.json', input, ['scan', '--plan', '{file}', '--format', 'json', '--quiet']);
    },
  },
  {
    name: 'hcl-blocks',
    reads: 'Terraform configuration (.tf): the HCL block scanner',
    inputs: mutated,
    check: (input) => checkDirect(input, () => scanResourceBlocks(input), []),
  },
  {
    name: 'rule-yaml',
    reads: 'YAML rule files: the loader, schema and parameters',
    inputs: mutated,
    check: async (input) => {
      await checkCli('fuzz.rule.yaml', input, ['rules', 'test', '{file}']);
    },
  },
  {
    name: 'condition-compiler',
    reads: 'rule conditions (Azure Policy grammar) compiled and run on the example inventory',
    inputs: (seeds) => mutated(seeds),
    check: async (input) => {
      await checkCli('fuzz.rule.yaml', input, ['rules', 'test', '{file}']);
    },
  },
  {
    name: 'baseline',
    reads: "a previous scan's JSON or SARIF report given as --baseline",
    inputs: mutated,
    check: scanOfExampleWith('baseline.json', '--baseline'),
  },
  {
    name: 'exemptions',
    reads: 'exemptions files (YAML)',
    inputs: mutated,
    check: scanOfExampleWith('exemptions.yaml', '--exemptions', '--as-of', '2026-01-01'),
  },
  {
    name: 'config',
    reads: 'keyscope.yaml configuration files (rules, parameters, profiles, exemptions)',
    inputs: mutated,
    check: scanOfExampleWith('keyscope.yaml', '--config'),
  },
  {
    name: 'terraform-config',
    reads: 'Terraform configurations (--terraform DIR): .tf files, terraform.tfvars and local modules, evaluated',
    inputs: (seeds) =>
      fc.oneof(
        mutated(seeds),
        hclConfiguration,
        hclConfiguration.chain((text) => mutated([text])),
      ),
    check: async (input) => void (await checkCliFiles(input, 'main.tf', ['scan', '--terraform', '{dir}', '--format', 'json', '--quiet'])),
  },
  {
    name: 'bicep-locate',
    reads: 'Bicep text (mutated) with its compiled JSON: the Bicep text reader and location mapper',
    inputs: mutated,
    check: checkBicep,
  },
  {
    name: 'catalog',
    reads: 'service catalog files (YAML): the loader and its schema',
    inputs: mutated,
    check: checkCatalog,
  },
];

/** The target of that name. */
export function target(name: string): FuzzTarget {
  const found = TARGETS.find((t) => t.name === name);
  if (!found) throw new FuzzDefect(`no fuzz target '${name}'`);
  return found;
}
