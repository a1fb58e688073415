import { ModuleInstance } from '../../src/sources/terraform/hcl/evaluate.js';
import type { ModuleConfig } from '../../src/sources/terraform/hcl/load.js';
import { UNKNOWN } from '../../src/sources/terraform/hcl/values.js';

const at = { file: 'main.tf', line: 1, column: 1 };

/** A module with the given locals and variables, evaluated with no module calls. */
function moduleWith(
  locals: Record<string, unknown>,
  variables: Record<string, unknown> = {},
): { instance: ModuleInstance; problems: string[] } {
  const problems: string[] = [];
  const config: ModuleConfig = {
    dir: '/x',
    display: 'x',
    variables: new Map(Object.entries(variables).map(([name, body]) => [name, { body: body as Record<string, unknown>, at }])),
    locals: new Map(Object.entries(locals).map(([name, value]) => [name, { value, at }])),
    resources: [],
    modules: new Map(),
    outputs: new Map(),
    duplicates: [],
    errors: [],
  };
  const instance = new ModuleInstance(
    config,
    new Map(),
    undefined,
    [],
    [],
    '/x',
    () => undefined,
    (p) => problems.push(`${p.code}: ${p.message}`),
  );
  return { instance, problems };
}

const evaluate = (text: string, locals: Record<string, unknown> = {}, variables: Record<string, unknown> = {}): unknown =>
  moduleWith(locals, variables).instance.value(text, new Map(), at);

describe('evaluating Terraform expressions', () => {
  test.each([
    ['${format("%s-%03d", "kv", 7)}', 'kv-007'],
    ['${lower("ABC")}${upper("d")}', 'abcD'],
    ['${concat([1], [2, 3])}', [1, 2, 3]],
    ['${merge({ a = 1, b = 1 }, { b = 2 })}', { a: 1, b: 2 }],
    ['${lookup({ a = 1 }, "b", 3)}', 3],
    ['${coalesce("", null, "x")}', 'x'],
    ['${try(local.missing.deep, "fallback")}', 'fallback'],
    ['${can(tonumber("x"))}', false],
    ['${length({ a = 1, b = 2 })}', 2],
    ['${join(",", split("-", "a-b-c"))}', 'a,b,c'],
    ['${tostring(1)}${tonumber("2")}${tobool("true")}', '12true'],
    ['${true ? "yes" : "no"}', 'yes'],
    ['${[for k, v in { b = 2, a = 1 } : "${k}=${v}" if v > 0]}', ['a=1', 'b=2']],
    ['${{ for s in ["x", "y"] : s => upper(s) }}', { x: 'X', y: 'Y' }],
    ['${{ for s in ["x", "y", "x"] : s => s... }}', { x: ['x', 'x'], y: ['y'] }],
    ['${[{ n = 1 }, { n = 2 }][*].n}', [1, 2]],
    ['${!false && 1 + 2 * 3 == 7}', true],
    ['plain $${literal}', 'plain ${literal}'],
    ['${local.a}-${local.b.c[1]}', 'A-y'],
    ['${data.azurerm_client_config.current.tenant_id}', UNKNOWN],
    ['${uuid()}', UNKNOWN],
    ['${false && data.x.y.z}', false],
    ['${format("%s", data.x.y.z)}', UNKNOWN],
  ])('%s', (text, expected) => {
    expect(evaluate(text, { a: 'A', b: { c: ['x', 'y'] } })).toEqual(expected);
  });

  test('a variable with no value and no default is unknown, and reported', () => {
    const { instance, problems } = moduleWith({}, { name: { type: '${string}' } });
    expect(instance.value('${var.name}', new Map(), at)).toBe(UNKNOWN);
    expect(problems).toEqual([
      "terraform-variable-missing: the variable 'name' has no value and no default: what depends on it is unknown (give it in a .tfvars file, --var-file or --var name=...)",
    ]);
  });

  test('an error Terraform would raise makes the value unknown and is reported, never thrown', () => {
    const { instance, problems } = moduleWith({});
    expect(instance.value('${lookup({}, "k")}', new Map(), at)).toBe(UNKNOWN);
    expect(problems).toEqual(['terraform-expression-invalid: ${lookup({}, "k")}: lookup: no key "k"; it is unknown']);
  });
});
