import type { ScanProblem } from '../../src/model/index.js';
import { scanTemplate } from '../../src/sources/arm/index.js';
import { LIMITS } from '../../src/sources/arm/limits.js';
import { scanFixture, scanJson } from './support.js';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A template's text from its sections. */
function template(sections: Record<string, unknown>): string {
  return JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...sections }, null, 1);
}

function vault(name: string, properties: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name, location: 'westeurope', properties };
}

/** Scans a template text: records, problems, and how long it took. */
function scan(text: string): { count: number; problems: ScanProblem[]; ms: number } {
  const problems: ScanProblem[] = [];
  const start = performance.now();
  const count = scanTemplate({ file: 't.json', text }, (problem) => problems.push(problem)).length;
  return { count, problems, ms: performance.now() - start };
}

/** The one problem a template beyond a limit gets: its code, pointer (leading the message), and that it is fatal. */
function limitProblem(problems: ScanProblem[]): { pointer: string; message: string; fatal: boolean | undefined } {
  expect(problems.map((p) => p.code)).toEqual(['template-limit-exceeded']);
  const [problem] = problems;
  const match = /^(\/\S*): (.*)$/s.exec(problem!.message);
  return match
    ? { pointer: match[1]!, message: match[2]!, fatal: problem!.fatal }
    : { pointer: '', message: problem!.message, fatal: problem!.fatal };
}

describe("Azure's template limits", () => {
  test('a copy count of 801 is refused at the count, fatal; 800 copies are scanned', () => {
    const { resources, problems } = scanFixture('arm/limits/copy-count-801.json');
    expect(resources).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'template-limit-exceeded',
        message: "/resources/0/copy/count: the copy 'vaults' count is 801: Azure allows at most 800",
        target: 'arm/limits/copy-count-801.json',
        line: 10,
        column: 44,
        fatal: true,
      },
    ]);
    const ok = scan(template({ resources: [{ ...vault("[format('kv{0}', copyIndex())]"), copy: { name: 'c', count: 800 } }] }));
    expect(ok.problems).toEqual([]);
    expect(ok.count).toBe(800);
  });

  test('801 resources in one template, copies included, are refused at its resources', () => {
    const resources = [
      { ...vault("[format('a{0}', copyIndex())]"), copy: { name: 'a', count: 400 } },
      { ...vault("[format('b{0}', copyIndex())]"), copy: { name: 'b', count: 401 } },
    ];
    const { count, problems } = scan(template({ resources }));
    expect(count).toBe(0);
    const problem = limitProblem(problems);
    expect(problem.pointer).toBe('/resources');
    expect(problem.message).toBe('the template deploys more than 800 resources, copies included: Azure allows at most 800 in one template');
    expect(problem.fatal).toBe(true);
  });

  test.each([
    ['parameters', LIMITS.parameters, (i: number) => ({ type: 'string', defaultValue: `v${i}` })],
    ['variables', LIMITS.variables, (i: number) => `v${i}`],
    ['outputs', LIMITS.outputs, (i: number) => ({ type: 'string', value: `v${i}` })],
  ])('%s: %d are allowed, one more is refused at the section', (section, limit, make) => {
    const sectionOf = (n: number): Record<string, unknown> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, make(i)]));
    expect(scan(template({ [section]: sectionOf(limit), resources: [vault('kv')] })).problems).toEqual([]);
    const { count, problems } = scan(template({ [section]: sectionOf(limit + 1), resources: [vault('kv')] }));
    expect(count).toBe(0);
    expect(limitProblem(problems)).toEqual({
      pointer: `/${section}`,
      message: `the template declares ${limit + 1} ${section}: Azure allows at most ${limit}`,
      fatal: true,
    });
  });

  test('an expression of 24,577 characters is refused; 24,576 are evaluated', () => {
    const expression = (length: number): string => `[concat('${'a'.repeat(length - 12)}')]`;
    expect(expression(24_576)).toHaveLength(24_576);
    const ok = scan(template({ resources: [vault('kv', { tag: expression(24_576) })] }));
    expect(ok.problems).toEqual([]);
    const { problems } = scan(template({ resources: [vault('kv', { tag: expression(24_577) })] }));
    expect(limitProblem(problems)).toEqual({
      pointer: '/resources/0/properties/tag',
      message: 'the expression is 24,577 characters long: Azure allows 24,576',
      fatal: true,
    });
  });

  test('a template of 4 MB is scanned in seconds; one byte more is refused at line 1', () => {
    // 800 vaults (the most Azure allows) padded with tags up to exactly 4 MiB.
    const resources = Array.from({ length: 800 }, (_, i) => vault(`kv${i}`, { enablePurgeProtection: true, tags: { t: '' } }));
    const base = template({ resources }).length;
    const pad = Math.floor((LIMITS.templateBytes - base) / 800);
    for (const resource of resources) (resource['properties'] as { tags: Record<string, string> }).tags['t'] = 'x'.repeat(pad);
    let text = template({ resources });
    text += ' '.repeat(LIMITS.templateBytes - text.length);
    expect(Buffer.byteLength(text)).toBe(4 * 1024 * 1024);
    const ok = scan(text);
    expect(ok.problems).toEqual([]);
    expect(ok.count).toBe(800);
    expect(ok.ms).toBeLessThan(10_000);
    const { problems } = scan(`${text} `);
    expect(problems).toEqual([
      {
        code: 'template-limit-exceeded',
        message: 'the file is 4,194,305 bytes: Azure allows a template at most 4,194,304 (4 MB)',
        target: 't.json',
        line: 1,
        column: 1,
        fatal: true,
      },
    ]);
  });
});

describe("keyscope's own bounds", () => {
  test('strings doubled through variables stop at 4 MB, at the variable that crosses it', () => {
    const { resources, problems } = scanFixture('arm/limits/doubling-variables.json');
    expect(resources).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'template-limit-exceeded',
        message:
          '/variables/v19: concat() produces a value of more than 4,194,304 characters: larger than the 4 MB Azure allows a whole template with its values resolved',
        target: 'arm/limits/doubling-variables.json',
        line: 24,
        column: 12,
        fatal: true,
      },
    ]);
  });

  // Each is refused with the bound it crosses, where it is written, in well under the 60 s any input may take.
  test.each([
    [
      'padLeft to a billion characters',
      { name: "[padLeft('a', 1000000000, 'x')]" },
      '/resources/0/name',
      /^padLeft\(\) produces a value of more than 4,194,304 characters/,
    ],
    [
      'replace() that multiplies a string',
      { name: 'kv', properties: { x: "[replace(padLeft('', 400000, 'a'), 'a', 'bbbbbbbbbbbbbbbbbbbb')]" } },
      '/resources/0/properties/x',
      /^replace\(\) produces a value of more than/,
    ],
    [
      'arrays doubled by concat()',
      { name: 'kv', properties: { x: `[${'concat('.repeat(1)}range(0, 10000)${', range(0, 10000)'.repeat(300)})]` } },
      '/resources/0/properties/x',
      /^the arguments of concat\(\) are more than 8,388,608 characters together/,
    ],
    [
      'a map of ranges (a hundred million members)',
      { name: 'kv', properties: { x: "[map(range(0, 10000), lambda('i', range(0, 10000)))]" } },
      '/resources/0/properties/x',
      /^evaluating this template takes more than keyscope's bound of 20,000,000 steps/,
    ],
    [
      'arrays nested by reduce()',
      { name: 'kv', properties: { x: "[reduce(range(0, 10000), createArray(), lambda('a', 'i', createArray(lambdaVariables('a'))))]" } },
      '/resources/0/properties/x',
      /^a value nests objects and arrays more than 256 deep/,
    ],
    [
      'calls nested 200 deep',
      { name: `[${'string('.repeat(200)}1${')'.repeat(200)}]` },
      '/resources/0/name',
      /^the expression nests calls, member reads and indexes more than 128 deep/,
    ],
    [
      'json() of deeply nested arrays',
      { name: 'kv', properties: { x: `[json('${'['.repeat(5000)}${']'.repeat(5000)}')]` } },
      '/resources/0/properties/x',
      /^json\(\): the JSON nests objects and arrays more than 256 deep/,
    ],
  ])('%s', (_name, resource, pointer, message) => {
    const { count, problems, ms } = scan(template({ resources: [{ ...vault('kv'), ...resource }] }));
    expect(count).toBe(0);
    const problem = limitProblem(problems);
    expect(problem.pointer).toBe(pointer);
    expect(problem.message).toMatch(message);
    expect(ms).toBeLessThan(15_000);
  });

  test('a user-defined function that calls itself stops at 32 calls, located at its output', () => {
    const functions = [
      {
        namespace: 'f',
        members: { g: { parameters: [{ name: 'x', type: 'int' }], output: { type: 'int', value: "[f.g(parameters('x'))]" } } },
      },
    ];
    const { problems } = scan(template({ functions, resources: [vault('[string(f.g(1))]')] }));
    expect(limitProblem(problems)).toEqual({
      pointer: '/functions/0/members/g/output/value',
      message: "user-defined functions call one another more than 32 deep ('f.g'): keyscope's bound",
      fatal: true,
    });
  });

  test('an unknown condition in if() nested 60 deep is evaluated in time (both branches, bounded)', () => {
    const expression = `[${"if(parameters('p'), ".repeat(60)}'a'${", 'b')".repeat(60)}]`;
    const { problems, ms } = scan(template({ parameters: { p: { type: 'bool' } }, resources: [vault('kv', { x: expression })] }));
    expect(problems.map((p) => p.code)).toEqual(['template-parameter-missing']);
    expect(ms).toBeLessThan(5_000);
  });

  test('nested deployments in copies stop at 100,000 planned resources', () => {
    let inner: Record<string, unknown> = { resources: [vault('kv')] };
    for (let i = 0; i < 12; i++)
      inner = {
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: `d${i}`,
            copy: { name: `c${i}`, count: 800 },
            properties: { mode: 'Incremental', template: inner },
          },
        ],
      };
    const { count, problems, ms } = scan(template(inner));
    expect(count).toBe(0);
    const problem = limitProblem(problems);
    expect(problem.message).toBe(
      "the template expands to more than 100,000 resources, nested deployments included: keyscope's bound (see docs/error-handling.md)",
    );
    expect(problem.pointer).toMatch(/^(\/resources\/0\/properties\/template)+\/resources\/0$/);
    expect(ms).toBeLessThan(30_000);
  });

  test('a file of nested brackets is refused before it is parsed', () => {
    const text = `{"$schema": "${SCHEMA}", "resources": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { problems } = scan(text);
    expect(problems).toEqual([
      {
        code: 'template-limit-exceeded',
        message: "objects and arrays are nested more than 256 deep: keyscope's bound (see docs/error-handling.md)",
        target: 't.json',
        line: 1,
        // The 256th bracket: the object around it is the first level.
        column: text.indexOf('[') + 256,
        fatal: true,
      },
    ]);
  });
});

describe('on the command line', () => {
  test('a template beyond a limit exits 2 and the other templates are still scanned', async () => {
    const { code, document } = await scanJson([
      '--template',
      'fixtures/arm/limits/copy-count-801.json',
      '--template',
      'fixtures/arm/dir/main.json',
      '--quiet',
    ]);
    expect(code).toBe(2);
    expect(document.scan.complete).toBe(false);
    expect(document.scan.errors.map((e) => [e.code, e.target, e.line, e.column])).toEqual([
      ['template-limit-exceeded', 'fixtures/arm/limits/copy-count-801.json', 10, 44],
    ]);
    expect(document.findings.filter((f) => f.ruleId === 'keyvault.purge-protection').map((f) => [f.resource.name, f.status])).toEqual([
      ['kv-dir', 'fail'],
    ]);
  });
});
