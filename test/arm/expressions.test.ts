import { readFileSync } from 'node:fs';
import { parseExpression } from '../../src/sources/arm/expression-parser.js';
import { TemplateError } from '../../src/sources/arm/values.js';
import { fixture } from '../helpers.js';
import { named, scanFixture, scanJson } from './support.js';

function parseError(text: string): [string, number | undefined] {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof TemplateError) return [error.message, error.index];
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('template expressions', () => {
  test('the standard functions evaluate as Azure evaluates them (fixtures/arm/features/functions.json)', () => {
    const { resources, problems } = scanFixture('arm/features/functions.json');
    expect(problems).toEqual([]);
    const p = named(resources, 'functions').properties!;
    // Values Azure's expression engine produced for the same calls (Azure/bicep baselines_bicepparam/Expressions).
    expect(p['items']).toEqual([
      { key: 'bar', value: 123 },
      { key: 'foo', value: 'abc' },
    ]);
    expect(p['padLeft']).toBe('   13');
    expect(p['reduce']).toBe('-a-b-c');
    expect(p['sort']).toEqual(['a', 'c', 'd']);
    expect(p['map']).toEqual(['Hi 0!', 'Hi 1!', 'Hi 2!']);
    expect(p['filter']).toEqual([1]);
    expect(p['toObject']).toEqual({ a: 'Hi a!', b: 'Hi b!', c: 'Hi c!' });
    expect(p['indexOf']).toBe(1);
    expect(p['lastIndexOf']).toBe(3);
    expect(p['uriComponent']).toBe('UB%2A8h%200%2B%3D_%299h9n');
    expect(p['uriComponentToString']).toBe(' % ');
    expect(p['uri']).toBe('https://github.com/Azure/bicep');
    expect(p['dateTimeAdd']).toBe('2023-04-01T01:00:38Z');
    expect(p['intersection']).toEqual([2, 3]);
    expect(p['substring']).toBe('fasf');
    expect(p['format']).toBe('->123<-');
    expect(p['base64']).toBe('abc');
    expect(p['dataUri']).toBe('abc');
    expect(p['trim']).toBe('adf asdf');
    // union merges nested objects; later values win.
    expect(p['union']).toEqual({ abc: 'def', nested: { a: 1, b: 2 }, def: 'ghi' });
    // .NET writes booleans True/False.
    expect(p['formatBool']).toBe('True');
    expect(p['string']).toBe('{"a":true}');
    // A nullable parameter with no value is null; coalesce skips it.
    expect(p['coalesce']).toBe(42);
    // Object keys compare case-insensitively, strings case-sensitively (contains, equals); startsWith ignores case.
    expect([p['contains'], p['containsText'], p['equals'], p['startsWith']]).toEqual([true, false, false, true]);
    // User-defined functions, calling one another.
    expect(p['userFunction']).toBe(1099511627776);
    expect(p['nestedUserFunction']).toMatch(/^kv-red-[a-z2-7]{4}$/);
    expect(p['resourceId']).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv/keys/key',
    );
    expect(p['subscriptionResourceId']).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/abc',
    );
    expect(p['extensionResourceId']).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/locks/lock',
    );
    expect(p['tenantResourceId']).toBe('/providers/Microsoft.Management/managementGroups/mg');
    expect(p['environment']).toBe('.vault.azure.net');
    expect(p['escaped']).toBe('[not an expression]');
    // Only the branch taken is evaluated: fail() in the other is never called.
    expect(p['ifTakesOneBranch']).toBe('yes');
    expect(p['split']).toEqual(['a', 'b', 'c']);
    expect(p['json']).toEqual({ a: [1, true] });
    expect(p['lastOfString']).toBe('c');
    expect(p['shallowMerge']).toEqual({ a: 1, b: 2 });
    expect(p['flatten']).toEqual([1, 2, 3]);
    expect(p['arithmetic']).toEqual([3, -1, 12, 3, 1, 1, 9]);
  });

  test.each([
    ["[concat('a', 'b']", "expected ',' or ')' after argument 2 of 'concat', found the end of the expression", 16],
    ["[if(true(), 'a' 'b')]", "expected ',' or ')' after argument 2 of 'if', found 'b'", 16],
    ["[parameters('x').]", "expected a property name after '.', found the end of the expression", 17],
    ["[variables('list')[0]", "expected ']' to close the index, found the end of the expression", 20],
    ["[format('it''s {0}, 'x')]", 'a string literal is not closed', 22],
    ['[]', 'the expression is empty', 1],
    ["[concat('a') extra]", "unexpected 'extra' after the end of the expression", 13],
    ['[resourceGroup().id;]', "unexpected character ';'", 19],
    ['[foo]', "expected '(' after the function name 'foo', found the end of the expression", 4],
  ])('malformed %s: %s', (text, message, index) => {
    expect(parseError(text)).toEqual([message, index]);
  });

  test('a malformed expression is reported at its exact line and column; the rest of the template is still scanned', async () => {
    const file = 'fixtures/arm/features/malformed-expression.json';
    const { code, document } = await scanJson(['--template', file]);
    expect(code).toBe(3);
    expect(document.scan.errors).toEqual([
      {
        code: 'template-invalid',
        message:
          "/resources/0/properties/enablePurgeProtection: expected ',' or ')' after argument 3 of 'if', found the end of the expression",
        target: file,
        line: 17,
        column: 75,
      },
      {
        code: 'template-invalid',
        message: "/resources/0/properties/enableRbacAuthorization: unknown function 'concatt'",
        target: file,
        line: 18,
        column: 38,
      },
    ]);
    const lines = readFileSync(fixture('arm', 'features', 'malformed-expression.json'), 'utf8').split('\n');
    expect(lines[16]!.slice(74)).toBe(']",'); // where the closing parenthesis is missing
    expect(lines[17]!.slice(37, 44)).toBe('concatt');
    // Properties that could not be evaluated are unknown, never compliant; the other vault is checked as usual.
    expect(document.findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status}`)).toEqual([
      'keyvault.purge-protection kv-fine fail',
      'keyvault.purge-protection kv-malformed unknown',
      'keyvault.rbac-authorization kv-malformed unknown',
    ]);
  });

  test('a file that is not JSON is reported at the first mistake', async () => {
    const file = 'fixtures/arm/features/not-json.json';
    const { code, document } = await scanJson(['--template', file]);
    expect(code).toBe(3);
    expect(document.scan.errors).toEqual([
      { code: 'template-invalid', message: 'not valid JSON: a property name was expected', target: file, line: 9, column: 54 },
    ]);
    expect(document.summary.resources).toBe(0);
  });
});
