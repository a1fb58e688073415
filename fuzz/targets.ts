/**
 * The fuzz targets: every reader and evaluator keyscope runs on files written
 * by strangers. Each has a committed seed corpus (`fuzz/corpus/<name>/`), an
 * input generator (seeds mutated, or values built from the format's
 * grammar), and a check that holds it to the invariant of harness.ts.
 *
 * To add a target (the Bicep location mapper and the Terraform HCL evaluator
 * when they land): a row here and a folder of seeds under fuzz/corpus.
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
import { checkCli, checkDirect, FuzzDefect, root } from './harness.js';

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
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
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
    check: async (input) =>
      void (await checkCli('baseline.json', input, [
        'scan',
        '--input',
        examples('examples/inventory.json'),
        '--baseline',
        '{file}',
        '--format',
        'json',
        '--quiet',
      ])),
  },
  {
    name: 'exemptions',
    reads: 'exemptions files (YAML)',
    inputs: mutated,
    check: async (input) =>
      void (await checkCli('exemptions.yaml', input, [
        'scan',
        '--input',
        examples('examples/inventory.json'),
        '--exemptions',
        '{file}',
        '--as-of',
        '2026-01-01',
        '--format',
        'json',
        '--quiet',
      ])),
  },
  {
    name: 'config',
    reads: 'keyscope.yaml configuration files (rules, parameters, profiles, exemptions)',
    inputs: mutated,
    check: async (input) =>
      void (await checkCli('keyscope.yaml', input, [
        'scan',
        '--input',
        examples('examples/inventory.json'),
        '--config',
        '{file}',
        '--format',
        'json',
        '--quiet',
      ])),
  },
];

/** The target of that name. */
export function target(name: string): FuzzTarget {
  const found = TARGETS.find((t) => t.name === name);
  if (!found) throw new FuzzDefect(`no fuzz target '${name}'`);
  return found;
}
