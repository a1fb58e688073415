import { loadRules, parseRule } from '../../src/rules/index.js';
import { fixture, runCli } from '../helpers.js';

function errorsOf(dir: string): { file?: string; line?: number; column?: number; message: string }[] {
  const { errors } = loadRules([fixture('rules', dir)]);
  return errors.map((error) => ({ ...error.position, message: error.message }));
}

describe('rule files are validated at the door, with positions', () => {
  test('bad YAML names the line and column', () => {
    expect(errorsOf('bad-yaml')).toEqual([
      { file: fixture('rules', 'bad-yaml', 'broken.yaml'), line: 5, column: 10, message: expect.stringMatching(/^invalid YAML/) },
    ]);
  });

  test('an unknown operator is a schema error at its key, with a suggestion', () => {
    expect(errorsOf('unknown-operator')).toEqual([
      {
        file: fixture('rules', 'unknown-operator', 'typo.yaml'),
        line: 18,
        column: 7,
        pointer: '/assert/allOf/1',
        message: "unknown key 'equal' in a condition (did you mean 'equals'?)",
      },
    ]);
  });

  test('a missing assert is named', () => {
    expect(errorsOf('missing-assert')).toEqual([
      { file: fixture('rules', 'missing-assert', 'no-assert.yaml'), line: 1, column: 1, pointer: '/', message: "missing required key 'assert' in the document" },
    ]);
  });

  const base = `id: x.y
title: Conditions under test
severity: low
description: Exercises condition shape errors.
rationale: Shape errors must be precise.
remediation: { az: az version, bicep: x }
references: [{ mcsb: DP-5 }]
resource: [microsoft.keyvault/vaults]
examples: { pass: [{ name: pass one, resource: {} }], fail: [{ name: fail one, resource: {} }] }
`;
  const messagesFor = (assert: string): string[] => {
    try {
      parseRule('inline.yaml', `${base}assert:\n${assert}`);
      return [];
    } catch (error) {
      const errors = (error as { errors?: Error[] }).errors ?? [error as Error];
      return errors.map((e) => e.message);
    }
  };

  test('a field with no operator, or two, is one clear error', () => {
    expect(messagesFor('  field: properties.a\n')).toEqual(["'/assert': a field, value or count condition takes exactly one operator"]);
    expect(messagesFor('  field: properties.a\n  equals: 1\n  notEquals: 2\n')).toEqual([
      "'/assert': a field, value or count condition takes exactly one operator",
    ]);
  });

  test('an operator with nothing to compare is named', () => {
    expect(messagesFor('  equals: 1\n')).toEqual(["'/assert': a condition is exactly one of allOf, anyOf, not, field, value or count"]);
  });

  test('a wrong severity lists the allowed values', () => {
    expect(() => parseRule('inline.yaml', `${base.replace('severity: low', 'severity: urgent')}assert: { field: name, exists: true }\n`)).toThrow(
      /must be one of "critical", "high", "medium", "low", "info"/,
    );
  });

  test('a default that does not fit its declared type is an error', () => {
    const text = `${base}assert: { field: name, exists: true }\nparameters:\n  n: { type: integer, default: "ten", description: d }\n`;
    expect(() => parseRule('inline.yaml', text)).toThrow(/parameter 'n' default: expected an integer/);
  });
});

describe('the CLI reports bad rules as exit 2 with file:line:col and no stack trace', () => {
  test.each([
    ['unknown-operator', /typo\.yaml:18:7  rule-invalid  unknown key 'equal' in a condition \(did you mean 'equals'\?\)/],
    ['bad-yaml', /broken\.yaml:5:10  rule-invalid  invalid YAML/],
    ['missing-assert', /no-assert\.yaml:1:1  rule-invalid  missing required key 'assert'/],
    ['undeclared-parameter', /param\.yaml:15:20  rule-invalid  parameter 'minimumBitz' is not declared by this rule/],
  ])('%s', (dir, pattern) => {
    const result = runCli(['scan', '--input', 'examples/inventory.json', '--rules', `fixtures/rules/${dir}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
