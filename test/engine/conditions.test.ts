import { stringify } from 'yaml';
import { CompiledRule, Engine, scopeFor, type Evidence, type Status } from '../../src/engine/index.js';
import type { Resource } from '../../src/model/index.js';
import { parseRule, type Condition } from '../../src/rules/index.js';

/** A rule around one assertion, compiled from YAML as a user would write it. */
function ruleWith(assert: Condition, extra: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}): CompiledRule {
  const document = {
    id: 'test.rule',
    title: 'A rule under test',
    severity: 'high',
    description: 'Exercises the condition grammar.',
    rationale: 'Tests pin the semantics down.',
    remediation: { az: 'az version', bicep: '// none' },
    references: [{ mcsb: 'DP-5' }],
    resource: ['microsoft.test/things'],
    assert,
    examples: { pass: [{ name: 'passes', resource: {} }], fail: [{ name: 'fails', resource: {} }] },
    ...extra,
  };
  const definition = parseRule('inline.yaml', stringify(document));
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.parameters ?? {})) values[name] = spec.default;
  return new CompiledRule(definition, { ...values, ...parameters });
}

function thing(properties: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
  return {
    id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Test/things/t1',
    type: 'Microsoft.Test/things',
    name: 't1',
    properties,
    ...extra,
  };
}

function outcome(assert: Condition, resource: Resource, extra: Record<string, unknown> = {}): Status {
  return ruleWith(assert, extra).outcome(scopeFor(resource));
}

function evidence(assert: Condition, resource: Resource): Evidence[] {
  return ruleWith(assert).explain(scopeFor(resource));
}

describe('field comparisons follow Azure Policy', () => {
  test('equals is case-insensitive for strings and matches booleans written as strings', () => {
    expect(outcome({ field: 'properties.keySource', equals: 'Microsoft.KeyVault' }, thing({ keySource: 'microsoft.keyvault' }))).toBe(
      'pass',
    );
    expect(outcome({ field: 'properties.flag', equals: true }, thing({ flag: 'True' }))).toBe('pass');
    expect(outcome({ field: 'properties.flag', equals: 'true' }, thing({ flag: true }))).toBe('pass');
    expect(outcome({ field: 'properties.size', equals: 4096 }, thing({ size: '4096' }))).toBe('pass');
    expect(outcome({ field: 'properties.keySource', equals: 'Microsoft.Storage' }, thing({ keySource: 'Microsoft.KeyVault' }))).toBe(
      'fail',
    );
  });

  test('property names match case-insensitively', () => {
    const resource = thing({ encryption: { keyvaultproperties: { KeyName: 'k' } } });
    expect(outcome({ field: 'properties.Encryption.keyVaultProperties.keyName', equals: 'k' }, resource)).toBe('pass');
    expect(outcome({ field: 'Properties.encryption.KEYVAULTPROPERTIES.keyname', exists: true }, resource)).toBe('pass');
  });

  test('a missing property equals nothing, and its negations hold', () => {
    const empty = thing({});
    const cases: [Condition, Status][] = [
      [{ field: 'properties.x', equals: true }, 'fail'],
      [{ field: 'properties.x', notEquals: true }, 'pass'],
      [{ field: 'properties.x', in: ['a'] }, 'fail'],
      [{ field: 'properties.x', notIn: ['a'] }, 'pass'],
      [{ field: 'properties.x', less: 5 }, 'fail'],
      [{ field: 'properties.x', greaterOrEquals: 5 }, 'fail'],
      [{ field: 'properties.x', like: '*' }, 'fail'],
      [{ field: 'properties.x', notLike: 'a*' }, 'pass'],
      [{ field: 'properties.x', contains: 'a' }, 'fail'],
      [{ field: 'properties.x', notContains: 'a' }, 'pass'],
      [{ field: 'properties.x', containsKey: 'a' }, 'fail'],
      [{ field: 'properties.x', notContainsKey: 'a' }, 'pass'],
      [{ field: 'properties.x', exists: false }, 'pass'],
      [{ field: 'properties.x', exists: 'true' }, 'fail'],
    ];
    for (const [assert, expected] of cases) expect([assert, outcome(assert, empty)]).toEqual([assert, expected]);
  });

  test('null counts as absent; an empty string exists', () => {
    expect(outcome({ field: 'properties.x', exists: true }, thing({ x: null }))).toBe('fail');
    expect(outcome({ field: 'properties.x', exists: true }, thing({ x: '' }))).toBe('pass');
  });

  test('ordering compares numbers, numeric strings and ISO dates', () => {
    expect(outcome({ field: 'properties.n', greaterOrEquals: 2048 }, thing({ n: 3072 }))).toBe('pass');
    expect(outcome({ field: 'properties.n', less: '2048' }, thing({ n: 1024 }))).toBe('pass');
    expect(outcome({ field: 'properties.d', greater: '2025-01-01' }, thing({ d: '2026-06-30T00:00:00Z' }))).toBe('pass');
    expect(outcome({ field: 'properties.n', greater: 5 }, thing({ n: 'abc' }))).toBe('fail');
  });

  test('in, contains, like and containsKey', () => {
    expect(outcome({ field: 'properties.kty', in: ['RSA', 'RSA-HSM'] }, thing({ kty: 'rsa-hsm' }))).toBe('pass');
    expect(outcome({ field: 'properties.ops', contains: 'wrapKey' }, thing({ ops: ['WRAPKEY'] }))).toBe('pass');
    expect(outcome({ field: 'properties.uri', contains: '.vault.azure.net' }, thing({ uri: 'https://kv.VAULT.azure.net/keys/k' }))).toBe(
      'pass',
    );
    expect(
      outcome({ field: 'properties.uri', like: 'https://*.vault.azure.net/*' }, thing({ uri: 'https://kv.vault.azure.net/keys/k' })),
    ).toBe('pass');
    expect(
      outcome({ field: 'properties.uri', like: 'https://*.managedhsm.azure.net/*' }, thing({ uri: 'https://kv.vault.azure.net/keys/k' })),
    ).toBe('fail');
    expect(outcome({ field: 'tags', containsKey: 'Data-Classification' }, thing({}, { tags: { 'data-classification': 'x' } }))).toBe(
      'pass',
    );
  });

  test("tags['name'] and top-level fields", () => {
    const resource = thing({}, { tags: { 'fips-level': '3' }, kind: 'StorageV2', sku: { name: 'premium' } });
    expect(outcome({ field: "tags['fips-level']", equals: 3 }, resource)).toBe('pass');
    expect(outcome({ field: 'kind', equals: 'storagev2' }, resource)).toBe('pass');
    expect(outcome({ field: 'sku.name', equals: 'Premium' }, resource)).toBe('pass');
    expect(outcome({ field: 'type', equals: 'microsoft.test/things' }, resource)).toBe('pass');
  });
});

describe('logic is three-valued', () => {
  const unknownFlag = thing({ other: 1 }, { unknown: ['properties.flag'] });

  test('a condition reading an unknown path is unknown, never pass', () => {
    expect(outcome({ field: 'properties.flag', equals: true }, unknownFlag)).toBe('unknown');
    expect(outcome({ field: 'properties.flag', notEquals: true }, unknownFlag)).toBe('unknown');
    expect(outcome({ not: { field: 'properties.flag', equals: true } }, unknownFlag)).toBe('unknown');
  });

  test('allOf is false if any member is false; anyOf is true if any member is true', () => {
    expect(
      outcome(
        {
          allOf: [
            { field: 'properties.flag', equals: true },
            { field: 'properties.other', equals: 2 },
          ],
        },
        unknownFlag,
      ),
    ).toBe('fail');
    expect(
      outcome(
        {
          allOf: [
            { field: 'properties.flag', equals: true },
            { field: 'properties.other', equals: 1 },
          ],
        },
        unknownFlag,
      ),
    ).toBe('unknown');
    expect(
      outcome(
        {
          anyOf: [
            { field: 'properties.flag', equals: true },
            { field: 'properties.other', equals: 1 },
          ],
        },
        unknownFlag,
      ),
    ).toBe('pass');
    expect(
      outcome(
        {
          anyOf: [
            { field: 'properties.flag', equals: true },
            { field: 'properties.other', equals: 2 },
          ],
        },
        unknownFlag,
      ),
    ).toBe('unknown');
  });

  test('an unknown parent or child path makes the read unknown', () => {
    expect(outcome({ field: 'properties.a.b', exists: true }, thing({}, { unknown: ['properties.a'] }))).toBe('unknown');
    expect(outcome({ field: 'properties.a', exists: true }, thing({ a: {} }, { unknown: ['properties.a.b'] }))).toBe('unknown');
    expect(outcome({ field: 'properties.ab', exists: true }, thing({ ab: 1 }, { unknown: ['properties.a'] }))).toBe('pass');
  });

  test('unknown applicability: pass if the assertion holds anyway, unknown otherwise', () => {
    const where = { field: 'properties.tier', equals: 'Premium' };
    const resource = (ok: boolean): Resource => thing({ cmk: ok }, { unknown: ['properties.tier'] });
    expect(outcome({ field: 'properties.cmk', equals: true }, resource(true), { where })).toBe('pass');
    expect(outcome({ field: 'properties.cmk', equals: true }, resource(false), { where })).toBe('unknown');
    expect(outcome({ field: 'properties.cmk', equals: true }, thing({ tier: 'Standard', cmk: false }), { where })).toBe('not-applicable');
  });
});

describe('arrays', () => {
  const vault = thing({
    accessPolicies: [
      { objectId: 'a', permissions: { keys: ['get', 'wrapKey'] } },
      { objectId: 'b', permissions: { keys: ['Get', 'Purge'] } },
    ],
  });
  const noForbidden: Condition = {
    count: {
      field: 'properties.accessPolicies[*]',
      where: {
        count: {
          field: 'properties.accessPolicies[*].permissions.keys[*]',
          where: { field: 'properties.accessPolicies[*].permissions.keys[*]', in: ['all', 'purge'] },
        },
        greater: 0,
      },
    },
    equals: 0,
  };

  test('nested count reads the current member at each level', () => {
    expect(outcome(noForbidden, vault)).toBe('fail');
    expect(outcome(noForbidden, thing({ accessPolicies: [{ permissions: { keys: ['get'] } }] }))).toBe('pass');
    expect(outcome(noForbidden, thing({}))).toBe('pass');
  });

  test('count without where counts members; a missing array counts zero', () => {
    expect(outcome({ count: { field: 'properties.accessPolicies[*]' }, equals: 2 }, vault)).toBe('pass');
    expect(outcome({ count: { field: 'properties.accessPolicies[*]' }, equals: 0 }, thing({}))).toBe('pass');
  });

  test('count with an unknown member is unknown only when the member could change the answer', () => {
    const ops = (values: unknown[], unknown: string[]): Resource => thing({ keyOps: values }, { unknown });
    const onlyWrap: Condition = {
      count: { field: 'properties.keyOps[*]', where: { field: 'properties.keyOps[*]', notIn: ['wrapKey', 'unwrapKey'] } },
      equals: 0,
    };
    expect(outcome(onlyWrap, ops(['wrapKey'], ['properties.keyOps[*]']))).toBe('unknown');
    expect(outcome(onlyWrap, ops(['sign'], ['properties.keyOps']))).toBe('unknown');
  });

  test('a [*] field outside count must hold for every member', () => {
    expect(outcome({ field: 'properties.ops[*]', in: ['wrapKey', 'unwrapKey'] }, thing({ ops: ['wrapKey', 'unwrapKey'] }))).toBe('pass');
    expect(outcome({ field: 'properties.ops[*]', in: ['wrapKey', 'unwrapKey'] }, thing({ ops: ['wrapKey', 'sign'] }))).toBe('fail');
    expect(outcome({ field: 'properties.ops[*]', in: ['wrapKey'] }, thing({ ops: [] }))).toBe('pass');
  });
});

describe('parameters and expressions', () => {
  const sized = { parameters: { minimumBits: { type: 'integer', default: 2048, description: 'bits' } } };

  test('parameter references resolve to the bound value', () => {
    const assert = { field: 'properties.keySize', greaterOrEquals: "[parameters('minimumBits')]" };
    const rule = ruleWith(assert, sized);
    expect(rule.outcome(scopeFor(thing({ keySize: 2048 })))).toBe('pass');
    const strict = ruleWith(assert, sized, { minimumBits: 3072 });
    expect(strict.outcome(scopeFor(thing({ keySize: 2048 })))).toBe('fail');
  });

  test('value conditions with field() and length()', () => {
    expect(outcome({ value: "[length(field('properties.ops'))]", greater: 1 }, thing({ ops: ['a', 'b'] }))).toBe('pass');
    expect(outcome({ value: "[toLower(field('properties.s'))]", equals: 'abc' }, thing({ s: 'ABC' }))).toBe('pass');
    expect(outcome({ value: "[field('properties.s')]", equals: 'x' }, thing({}, { unknown: ['properties.s'] }))).toBe('unknown');
  });

  test('an undeclared parameter or unknown function is a load error with a position', () => {
    expect(() => ruleWith({ field: 'properties.a', equals: "[parameters('nope')]" })).toThrow(/parameter 'nope' is not declared/);
    expect(() => ruleWith({ value: '[utcNow()]', equals: 'x' })).toThrow(/unknown function 'utcNow'/);
    try {
      ruleWith({ field: 'properties.a', equals: "[parameters('nope')]" });
    } catch (error) {
      expect((error as { position: unknown }).position).toEqual({
        file: 'inline.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
      });
    }
  });

  test('a [[ literal is not an expression', () => {
    expect(outcome({ field: 'properties.s', equals: '[[literal]' }, thing({ s: '[literal]' }))).toBe('pass');
  });
});

describe('evidence', () => {
  test('names the property, the actual value and the expectation', () => {
    expect(evidence({ field: 'properties.enablePurgeProtection', equals: true }, thing({ enablePurgeProtection: false }))).toEqual([
      { path: 'properties.enablePurgeProtection', operator: 'equals', expected: true, actual: false, state: 'value' },
    ]);
    expect(evidence({ field: 'properties.enablePurgeProtection', equals: true }, thing({}))).toEqual([
      { path: 'properties.enablePurgeProtection', operator: 'equals', expected: true, state: 'missing' },
    ]);
  });

  test('only the failing members of allOf are reported; not inverts the operator', () => {
    const assert: Condition = {
      allOf: [
        { field: 'properties.a', equals: 1 },
        { not: { field: 'properties.b', equals: 'x' } },
        { field: 'properties.c', exists: true },
      ],
    };
    expect(evidence(assert, thing({ a: 1, b: 'X' }))).toEqual([
      { path: 'properties.b', operator: 'notEquals', expected: 'x', actual: 'X', state: 'value' },
      { path: 'properties.c', operator: 'exists', expected: true, state: 'missing' },
    ]);
  });

  test('count evidence carries the number of matches', () => {
    expect(evidence({ count: { field: 'properties.list[*]' }, equals: 0 }, thing({ list: [1, 2] }))).toEqual([
      { path: 'properties.list[*]', operator: 'equals', expected: 0, actual: 2, state: 'value', count: true },
    ]);
  });

  test('unknown evidence says the value is not known', () => {
    expect(evidence({ field: 'properties.flag', equals: true }, thing({}, { unknown: ['properties.flag'] }))).toEqual([
      { path: 'properties.flag', operator: 'equals', expected: true, state: 'unknown', cause: 'deploy-time-value' },
    ]);
    // The cause the source gave for the path, when it is not what the origin implies.
    const missing = thing({}, { unknown: ['properties.flag'], unknownCauses: { 'properties.flag': 'parameter-missing' } });
    expect(evidence({ field: 'properties.flag', equals: true }, missing)).toEqual([
      { path: 'properties.flag', operator: 'equals', expected: true, state: 'unknown', cause: 'parameter-missing' },
    ]);
  });
});

describe('relations: related conditions, relation.* pseudo-fields, max() and computed parameter names', () => {
  const view = (properties: Record<string, unknown>, relation: Record<string, unknown>, unknown?: string[]) => ({
    resource: { id: `/x/keys/${(relation['name'] as string | undefined) ?? 'k'}`, type: 'microsoft.keyvault/vaults/keys', properties },
    unknown,
    relation,
    members: [],
  });
  const withKeys = (keys: ReturnType<typeof view>[], relation: Record<string, unknown> = {}) => {
    const scope = scopeFor(thing({}));
    scope.relation = { keyCount: keys.length, ...relation };
    scope.related = (kind) => (kind === 'key' ? keys : []);
    return scope;
  };
  const strong = view({ keySize: 3072 }, { service: 'sql', name: 'a' });
  const weak = view({ keySize: 2048 }, { service: 'storage', name: 'b' });
  const unread = view({}, { service: 'sql', name: 'c' }, ['properties']);

  test("what a rule reads below related: is the related record's, by kind: fetched for keys and stores, never for the rule's own type", () => {
    const rule = ruleWith({
      allOf: [
        { field: 'properties.own', exists: true },
        { related: 'key', field: 'properties.keySize', greaterOrEquals: 2048 },
        { related: 'keyStore', field: 'properties.enablePurgeProtection', equals: true },
        { related: 'identity', count: { field: 'properties.grants[*]' }, equals: 0 },
      ],
    });
    expect(rule.reads).toEqual(['properties.own']);
    expect(rule.relatedReads).toEqual({
      key: ['properties.keysize'],
      keyStore: ['properties.enablepurgeprotection'],
      identity: ['properties.grants'],
    });
    const engine = new Engine([rule]);
    // Identities are built by the index, not read: their paths are fetched for nothing.
    expect(engine.relatedReads).toEqual({ key: ['properties.keysize'], keyStore: ['properties.enablepurgeprotection'] });
    expect(engine.readsFor('microsoft.keyvault/vaults/keys')).toContain('properties.keysize');
    expect(engine.readsFor('microsoft.keyvault/vaults/keys')).not.toContain('properties.enablepurgeprotection');
    expect(engine.readsFor('microsoft.keyvault/vaults')).toContain('properties.enablepurgeprotection');
    expect(engine.readsFor('microsoft.keyvault/vaults')).not.toContain('properties.keysize');
    expect(engine.readsFor('microsoft.test/things')).toEqual(['properties.own']);
  });

  test('a related condition holds only when it holds on every related resource, and is false with none', () => {
    const rule = ruleWith({ related: 'key', field: 'properties.keySize', greaterOrEquals: 3072 });
    expect(rule.outcome(withKeys([strong]))).toBe('pass');
    expect(rule.outcome(withKeys([strong, weak]))).toBe('fail');
    expect(rule.outcome(withKeys([strong, unread]))).toBe('unknown');
    expect(rule.outcome(withKeys([]))).toBe('fail');
    expect(rule.relational).toBe(true);
    expect(rule.relationKinds).toEqual(['key']);
  });

  test('evidence names the related resource and why an unread one is unknown', () => {
    const rule = ruleWith({ related: 'key', field: 'properties.keySize', greaterOrEquals: 3072 });
    const reasoned = view({}, { name: 'c', reason: 'the key vault kv.vault.azure.net is not in the scan' }, ['properties']);
    // A definite failure shows only the key that decided it; an unknown shows why the key could not be read.
    expect(rule.explain(withKeys([weak, reasoned]))).toEqual([
      expect.objectContaining({ path: 'properties.keySize', state: 'value', actual: 2048, related: { kind: 'key', id: '/x/keys/b' } }),
    ]);
    expect(rule.explain(withKeys([strong, reasoned]))).toEqual([
      expect.objectContaining({
        path: 'properties.keySize',
        state: 'unknown',
        related: { kind: 'key', id: '/x/keys/c' },
        reason: 'the key vault kv.vault.azure.net is not in the scan',
      }),
    ]);
  });

  test('relation.* reads the pseudo-fields, not the record; a rule that reads none is not relational', () => {
    expect(ruleWith({ field: 'relation.keyCount', greater: 0 }).outcome(withKeys([strong]))).toBe('pass');
    expect(ruleWith({ field: 'relation.keyCount', greater: 0 }).outcome(withKeys([]))).toBe('fail');
    expect(ruleWith({ field: 'properties.keySize', exists: true }).relational).toBe(false);
  });

  test('a related condition cannot nest another', () => {
    expect(() => ruleWith({ related: 'key', allOf: [{ related: 'keyStore', field: 'name', exists: true }] })).toThrow(
      /a related condition cannot read a further relation/,
    );
  });

  test('max() skips missing values, counts numeric strings, and is unknown for anything else', () => {
    const level = (tag: unknown) =>
      ruleWith(
        { value: "[max(parameters('floor'), field('tags.fips-level'))]", greaterOrEquals: 3 },
        {
          parameters: { floor: { type: 'integer', default: 2, description: 'lowest level' } },
        },
      ).outcome(scopeFor(thing({}, { tags: tag === undefined ? {} : { 'fips-level': tag } })));
    expect([level(undefined), level('3'), level(4), level('high')]).toEqual(['fail', 'pass', 'pass', 'unknown']);
  });

  test('a parameter name computed per resource picks that parameter; an undeclared one is unknown', () => {
    const rule = ruleWith(
      { related: 'key', field: 'properties.keySize', greaterOrEquals: "[parameters(concat(field('relation.service'), 'MinimumSize'))]" },
      {
        parameters: {
          sqlMinimumSize: { type: 'integer', default: 3072, description: 'SQL' },
          storageMinimumSize: { type: 'integer', default: 2048, description: 'storage' },
        },
      },
    );
    expect(rule.outcome(withKeys([strong, weak]))).toBe('pass');
    expect(rule.outcome(withKeys([view({ keySize: 2048 }, { service: 'sql' })]))).toBe('fail');
    expect(rule.outcome(withKeys([view({ keySize: 4096 }, { service: 'synapse' })]))).toBe('unknown');
  });
});

describe('present values: known to be there, text known only at deployment', () => {
  const keyName = (type: 'string' | 'object' = 'string'): Resource =>
    thing(
      { encryption: { keySource: 'Microsoft.Keyvault' } },
      {
        unknown: ['properties.encryption.keyvaultproperties.keyname'],
        present: { 'properties.encryption.keyvaultproperties.keyname': type },
      },
    );
  const field = 'properties.encryption.keyvaultproperties.keyname';

  test('exists and emptiness decide; comparisons of the text stay unknown', () => {
    expect(outcome({ field, exists: true }, keyName())).toBe('pass');
    expect(outcome({ field, exists: false }, keyName())).toBe('fail');
    expect(outcome({ field, notEquals: '' }, keyName())).toBe('pass');
    expect(outcome({ field, equals: '' }, keyName())).toBe('fail');
    expect(outcome({ field, notIn: ['', null] }, keyName())).toBe('pass');
    expect(outcome({ field, equals: 'storage-cmk' }, keyName())).toBe('unknown');
    expect(outcome({ field, notEquals: 'storage-cmk' }, keyName())).toBe('unknown');
    expect(outcome({ field, in: ['a', 'b'] }, keyName())).toBe('unknown');
    expect(outcome({ field, like: 'storage-*' }, keyName())).toBe('unknown');
    // A string's text may read as a boolean or a number: those comparisons wait too.
    expect(outcome({ field, equals: true }, keyName())).toBe('unknown');
  });

  test('type checks decide: an object never equals a string', () => {
    expect(outcome({ field, equals: 'x' }, keyName('object'))).toBe('fail');
    expect(outcome({ field, notEquals: 'x' }, keyName('object'))).toBe('pass');
  });

  test('the block around a present value is there; a path below it is not known', () => {
    expect(outcome({ field: 'properties.encryption.keyvaultproperties', exists: true }, keyName())).toBe('pass');
    expect(outcome({ field: `${field}.deeper`, exists: true }, keyName())).toBe('unknown');
  });

  test('without a present mark the same unknown path stays unknown', () => {
    const plain = thing({}, { unknown: [field] });
    expect(outcome({ field, exists: true }, plain)).toBe('unknown');
    expect(outcome({ field, notEquals: '' }, plain)).toBe('unknown');
  });

  test('the storage rule shape: key source known, key name present: pass; evidence of a decided outcome says present', () => {
    const assert: Condition = {
      allOf: [
        { field: 'properties.encryption.keySource', equals: 'Microsoft.Keyvault' },
        { field, exists: true },
        { field, notEquals: '' },
      ],
    };
    expect(outcome(assert, keyName())).toBe('pass');
    expect(evidence({ field, exists: false }, keyName())).toEqual([{ path: field, operator: 'exists', expected: false, state: 'present' }]);
  });
});
