import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root, runCli, runInProcess } from '../helpers.js';

/**
 * Rule profiles (`--profile`, rules/profiles/*.yaml, `profiles:` in
 * keyscope.yaml). Expected rule lists are worked out from the rule files on
 * disk with plain filters, never through the profile resolver.
 */

const inventory = 'fixtures/profiles/inventory.json';

/** Every built-in rule id, from the file names under rules/ (profiles are not rules). */
function builtinRuleIds(): string[] {
  const rulesDir = path.join(root, 'rules');
  return readdirSync(rulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'profiles')
    .flatMap((entry) => readdirSync(path.join(rulesDir, entry.name)).map((file) => file.replace(/\.yaml$/, '')))
    .sort();
}

/** The built-in cmk.* rules that require a customer-managed key (they read no relation). */
function cmkRequirementRuleIds(): string[] {
  return builtinRuleIds().filter(
    (id) => id.startsWith('cmk.') && !/relation\.|related:/.test(readFileSync(path.join(root, 'rules', 'cmk', `${id}.yaml`), 'utf8')),
  );
}

const glob = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

interface Listed {
  id: string;
  parameters: Record<string, unknown>;
  applicability?: unknown;
}

async function list(...args: string[]): Promise<Listed[]> {
  const result = await runInProcess(['rules', 'list', '--format', 'json', ...args]);
  expect([result.stderr, result.code]).toEqual(['', 0]);
  return JSON.parse(result.stdout) as Listed[];
}

interface Report {
  scan: { profile: string | null };
  findings: { ruleId: string; status: string; resource: { name: string } }[];
  summary: { byRule: Record<string, { pass: number; fail: number; unknown: number; notApplicable: number }> };
}

async function scan(...args: string[]): Promise<Report & { code: number }> {
  const result = await runInProcess(['scan', '--input', inventory, '--format', 'json', ...args]);
  expect(result.stderr).toBe('');
  return { ...(JSON.parse(result.stdout) as Report), code: result.code };
}

const outcomes = (report: Report): string[] => report.findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status}`);

describe('built-in profiles', () => {
  const relational = [
    'cmk.fips-level-for-data',
    'cmk.key-access-scoped',
    'cmk.key-resolvable',
    'cmk.key-size-for-service',
    'cmk.key-store-protected',
    'keystore.fips-level',
  ];

  test('rules/profiles holds profiles, not rules: the rule list is the rule files on disk', async () => {
    const ids = builtinRuleIds();
    expect(ids).toEqual(expect.arrayContaining(relational));
    expect((await list()).map((rule) => rule.id)).toEqual(ids);
  });

  test.each(['baseline', 'cmk-everywhere', 'fips-140-level-3', 'pci'])('%s selects every built-in rule', async (name) => {
    expect((await list('--profile', name)).map((rule) => rule.id)).toEqual(builtinRuleIds());
    const report = await scan('--profile', name);
    expect(Object.keys(report.summary.byRule).sort()).toEqual(builtinRuleIds());
  });

  test('parameters: defaults in baseline and cmk-everywhere, Level 3 and 3072 bits in fips-140-level-3, 3072 bits in pci', async () => {
    const defaults = Object.fromEntries((await list()).map((rule) => [rule.id, rule.parameters]));
    const values = async (name: string): Promise<Record<string, Record<string, unknown>>> =>
      Object.fromEntries((await list('--profile', name)).map((rule) => [rule.id, rule.parameters]));
    expect(await values('baseline')).toEqual(defaults);
    expect(await values('cmk-everywhere')).toEqual(defaults);
    expect(defaults['keystore.fips-level']).toEqual({ requiredLevel: 0 });
    expect(defaults['cmk.fips-level-for-data']).toEqual({ requiredLevel: 0 });
    expect(await values('fips-140-level-3')).toEqual({
      ...defaults,
      'keystore.fips-level': { requiredLevel: 3 },
      'cmk.fips-level-for-data': { requiredLevel: 3 },
      'key.rsa-minimum-size': { minimumBits: 3072 },
    });
    expect(await values('pci')).toEqual({ ...defaults, 'key.rsa-minimum-size': { minimumBits: 3072 } });
  });

  test('applicability: baseline and pci scope exactly the CMK requirement rules; cmk-everywhere and fips scope none', async () => {
    const scoped = async (name: string): Promise<string[]> =>
      (await list('--profile', name)).filter((rule) => rule.applicability !== undefined).map((rule) => rule.id);
    const requirement = cmkRequirementRuleIds();
    // today's 19 service rules, the 37 of the new services and cmk.storage-queue-table
    expect(requirement).toHaveLength(57);
    expect(requirement).not.toContain('cmk.key-resolvable');
    expect(await scoped('baseline')).toEqual(requirement);
    expect(await scoped('pci')).toEqual(requirement);
    expect(await scoped('cmk-everywhere')).toEqual([]);
    expect(await scoped('fips-140-level-3')).toEqual([]);
    const storage = (await list('--profile', 'baseline')).find((rule) => rule.id === 'cmk.storage-account')!;
    expect(storage.applicability).toEqual({ field: 'tags.data-classification', in: ['confidential', 'highly-confidential', 'restricted'] });
  });

  test('without a profile: every rule everywhere, default parameters', async () => {
    const report = await scan();
    expect(report.scan.profile).toBeNull();
    expect(outcomes(report)).toEqual([
      'cmk.storage-account stconfidential fail',
      'cmk.storage-account stpciscope fail',
      'cmk.storage-account stunclassified fail',
    ]);
    expect(report.summary.byRule['key.rsa-minimum-size']).toMatchObject({ pass: 1, fail: 0 });
  });

  test('baseline: an unclassified storage account on Microsoft-managed keys is not applicable, a confidential one fails', async () => {
    const report = await scan('--profile', 'baseline');
    expect(report.scan.profile).toBe('baseline');
    expect(outcomes(report)).toEqual(['cmk.storage-account stconfidential fail']);
    expect(report.summary.byRule['cmk.storage-account']).toEqual(expect.objectContaining({ pass: 0, fail: 1, notApplicable: 2 }));
    expect(report.code).toBe(1);
  });

  test('the text and markdown reports name the profile the scan ran with', async () => {
    for (const [format, expected] of [
      ['text', /^Summary {2}\d+ resources, \d+ rules \(profile pci\): /m],
      ['markdown', /^\d+ resources, \d+ rules \(profile `pci`\)\.$/m],
    ] as const) {
      const result = await runInProcess(['scan', '--input', inventory, '--format', format, '--profile', 'pci']);
      expect(result.stdout).toMatch(expected);
      const without = await runInProcess(['scan', '--input', inventory, '--format', format]);
      expect(without.stdout).not.toMatch(/\(profile /);
    }
  });

  test('cmk-everywhere: the same account fails', async () => {
    const report = await scan('--profile', 'cmk-everywhere');
    expect(outcomes(report)).toEqual([
      'cmk.storage-account stconfidential fail',
      'cmk.storage-account stpciscope fail',
      'cmk.storage-account stunclassified fail',
    ]);
    expect(report.summary.byRule['cmk.storage-account']).toEqual(expect.objectContaining({ fail: 3, notApplicable: 0 }));
  });

  test('fips-140-level-3: a 2048-bit key and a Premium vault fail; --param still wins over the profile', async () => {
    const report = await scan('--profile', 'fips-140-level-3');
    expect(outcomes(report)).toEqual([
      'cmk.storage-account stconfidential fail',
      'cmk.storage-account stpciscope fail',
      'cmk.storage-account stunclassified fail',
      'key.rsa-minimum-size app-2048 fail',
      'keystore.fips-level kv-profiles fail',
    ]);
    const overridden = await scan('--profile', 'fips-140-level-3', '--param', 'key.rsa-minimum-size.minimumBits=2048');
    expect(overridden.summary.byRule['key.rsa-minimum-size']).toMatchObject({ pass: 1, fail: 0 });
    expect(overridden.summary.byRule['keystore.fips-level']).toMatchObject({ fail: 1 });
  });

  test('pci: CMK required where pci-scope is true or the data is classified; 3072-bit keys', async () => {
    const report = await scan('--profile', 'pci');
    expect(outcomes(report)).toEqual([
      'cmk.storage-account stconfidential fail',
      'cmk.storage-account stpciscope fail',
      'key.rsa-minimum-size app-2048 fail',
    ]);
    expect(report.summary.byRule['cmk.storage-account']).toEqual(expect.objectContaining({ fail: 2, notApplicable: 1 }));
  });

  test('rules profiles lists the built-in profiles with their descriptions', async () => {
    const result = await runInProcess(['rules', 'profiles', '--format', 'json']);
    expect(result.code).toBe(0);
    const profiles = JSON.parse(result.stdout) as { name: string; origin: string; extends?: string; description: string }[];
    expect(profiles.map((p) => [p.name, p.origin, p.extends])).toEqual([
      ['baseline', 'built-in', undefined],
      ['cmk-everywhere', 'built-in', 'baseline'],
      ['fips-140-level-3', 'built-in', 'cmk-everywhere'],
      ['pci', 'built-in', 'cmk-everywhere'],
    ]);
    for (const profile of profiles) expect(profile.description.length).toBeGreaterThan(100);
    expect(profiles.find((p) => p.name === 'pci')!.description).toMatch(/3\.5\.1.*3\.6\.1.*3\.7\.1.*3\.7\.4/);
    const text = await runInProcess(['rules', 'profiles']);
    expect(text.stdout).toMatch(/^fips-140-level-3 {2}\(built-in, extends cmk-everywhere\)$/m);
    expect(text.stdout).toMatch(/^4 profiles; use one with: keyscope scan --profile NAME$/m);
  });

  test('rules list --profile shows changed parameters and applicability in words', async () => {
    const result = await runInProcess(['rules', 'list', '--profile', 'pci']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^key\.rsa-minimum-size +medium .*\n {4}minimumBits = 3072 \(default 2048\)$/m);
    expect(result.stdout).toContain(
      '    only where tags.pci-scope equals "true" or tags.data-classification in [confidential, highly-confidential, restricted, cardholder]\n',
    );
    expect(result.stdout).toMatch(/^\d+ rules \(profile pci → cmk-everywhere → baseline\)$/m);
  });
});

describe('profiles of your own', () => {
  const team = ['--config', 'fixtures/config/profile-team.keyscope.yaml'];

  test('keyscope.yaml defines a profile extending a built-in one, and makes it the default', async () => {
    const expected = builtinRuleIds().filter((id) => id !== 'keyvault.rbac-authorization');
    const report = await scan(...team);
    expect(report.scan.profile).toBe('team');
    expect(Object.keys(report.summary.byRule).sort()).toEqual(expected);
    // pci's scope AND the team's own entry: stpciscope is in PCI scope but excluded by name.
    expect(outcomes(report)).toEqual(['cmk.storage-account stconfidential fail', 'key.rsa-minimum-size app-2048 fail']);
    expect(report.summary.byRule['cmk.storage-account']).toEqual(expect.objectContaining({ fail: 1, notApplicable: 2 }));
    const listed = await list(...team, '--profile', 'team');
    expect(listed.find((rule) => rule.id === 'key.rsa-minimum-size')!.parameters).toEqual({ minimumBits: 4096 });
    expect(listed.find((rule) => rule.id === 'cmk.storage-account')!.applicability).toEqual({
      allOf: [
        {
          anyOf: [
            { field: 'tags.pci-scope', equals: 'true' },
            { field: 'tags.data-classification', in: ['confidential', 'highly-confidential', 'restricted', 'cardholder'] },
          ],
        },
        { field: 'name', notLike: 'stpci*' },
      ],
    });
  });

  test('--profile overrides the configuration default', async () => {
    const report = await scan(...team, '--profile', 'baseline');
    expect(report.scan.profile).toBe('baseline');
    expect(outcomes(report)).toEqual(['cmk.storage-account stconfidential fail']);
    expect(report.summary.byRule['keyvault.rbac-authorization']).toBeDefined();
  });

  test("keyscope.yaml's include/exclude and parameters apply on top of the profile", async () => {
    const report = await scan('--config', 'fixtures/config/profile-layers.keyscope.yaml');
    expect(Object.keys(report.summary.byRule).sort()).toEqual(builtinRuleIds().filter((id) => !glob('keystore.*').test(id)));
    // fips-140-level-3 says 3072, keyscope.yaml says 2048: the configuration wins, and --param over both.
    expect(report.summary.byRule['key.rsa-minimum-size']).toMatchObject({ pass: 1, fail: 0 });
    const flagged = await scan(
      '--config',
      'fixtures/config/profile-layers.keyscope.yaml',
      '--param',
      'key.rsa-minimum-size.minimumBits=4096',
    );
    expect(flagged.summary.byRule['key.rsa-minimum-size']).toMatchObject({ pass: 0, fail: 1 });
  });

  test('a profile file by path, from --profile or from profile: in keyscope.yaml (relative to it)', async () => {
    const expected = builtinRuleIds().filter(
      (id) => (glob('key.*').test(id) || glob('keyvault.*').test(id)) && id !== 'key.ec-allowed-curves',
    );
    for (const args of [
      ['--profile', 'fixtures/profiles/keys-only.yaml'],
      ['--config', 'fixtures/config/profile-file.keyscope.yaml'],
    ]) {
      const report = await scan(...args);
      expect(report.scan.profile).toBe('keys-only');
      expect(Object.keys(report.summary.byRule).sort()).toEqual(expected);
      expect(outcomes(report)).toEqual(['key.rsa-minimum-size app-2048 fail']);
    }
  });

  test('rules profiles also lists the configured profiles', async () => {
    const result = await runInProcess(['rules', 'profiles', ...team]);
    expect(result.stdout).toMatch(/^team {2}\(fixtures\/config\/profile-team\.keyscope\.yaml, extends pci\)$/m);
    expect(result.stdout).toMatch(/^5 profiles/m);
  });
});

describe('profile errors exit 2 at file:line:col', () => {
  async function failing(...args: string[]): Promise<string> {
    const result = await runInProcess(['scan', '--input', inventory, '--format', 'json', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    return result.stderr;
  }

  test('profiles that extend each other in a cycle', async () => {
    expect(await failing('--config', 'fixtures/config/profile-cycle.keyscope.yaml', '--profile', 'second')).toBe(
      'fixtures/config/profile-cycle.keyscope.yaml:3:14  config-invalid  profiles extend each other in a cycle: second → third → first → second\n' +
        '  hint: one profile of the cycle must extend none of the others\n',
    );
  });

  test('an unknown profile name is a usage error with a hint', async () => {
    const near = runCli(['scan', '--input', inventory, '--profile', 'fips-140-levl-3']);
    expect(near.code).toBe(2);
    expect(near.stderr).toBe(
      "usage  --profile 'fips-140-levl-3' is not a profile\n" +
        "  hint: did you mean 'fips-140-level-3'? profiles: baseline, cmk-everywhere, fips-140-level-3, pci (or give a profile file's path)\n",
    );
    expect(await failing('--profile', 'fips')).toMatch(/hint: did you mean 'fips-140-level-3'\?/);
    expect(await failing('--config', 'fixtures/config/profile-unknown.keyscope.yaml')).toMatch(
      /^fixtures\/config\/profile-unknown\.keyscope\.yaml:1:10 {2}config-invalid {2}profile 'fips-140-levle-3' is not a profile\n {2}hint: did you mean 'fips-140-level-3'\?/,
    );
  });

  test('a schema error in a profile file', async () => {
    expect(await failing('--profile', 'fixtures/profiles/bad-schema.yaml')).toMatch(
      /^fixtures\/profiles\/bad-schema\.yaml:3:1 {2}config-invalid {2}unknown key 'exlude' in the document \(did you mean 'exclude'\?\)\n/,
    );
    expect(await failing('--profile', 'fixtures/profiles/bad-condition.yaml')).toMatch(
      /^fixtures\/profiles\/bad-condition\.yaml:7:7 {2}config-invalid {2}unknown key 'inn' in a condition \(did you mean 'in'\?\)\n/,
    );
  });

  test('unknown rules and bad values, each where it is written', async () => {
    expect(await failing('--profile', 'fixtures/profiles/bad-references.yaml')).toBe(
      [
        "fixtures/profiles/bad-references.yaml:4:3  config-invalid  no rule 'key.rsa-minimum-sise' is loaded",
        "  hint: did you mean 'key.rsa-minimum-size'?",
        'fixtures/profiles/bad-references.yaml:5:37  config-invalid  keyvault.soft-delete-retention.minimumDays: 365 is above the maximum 90',
        "fixtures/profiles/bad-references.yaml:7:13  config-invalid  applicability names 'cmk.storage-acount', which matches no loaded rule",
        "  hint: did you mean 'cmk.storage-account'?",
        '',
      ].join('\n'),
    );
  });

  test('an applicability condition that does not compile points into the profile, once', async () => {
    expect(await failing('--profile', 'fixtures/profiles/bad-expression.yaml')).toBe(
      "fixtures/profiles/bad-expression.yaml:7:14  rule-invalid  parameter 'tier' is not declared by this rule (applicability of rules cmk.cosmos-db and 1 more)\n",
    );
  });

  test('a configured profile may not take a built-in name; a missing profile file', async () => {
    expect(await failing('--config', 'fixtures/config/profile-clash.keyscope.yaml', '--profile', 'baseline')).toMatch(
      /^fixtures\/config\/profile-clash\.keyscope\.yaml:2:3 {2}config-invalid {2}profile 'baseline' has the name of a built-in profile\n/,
    );
    expect(await failing('--profile', 'fixtures/profiles/missing.yaml')).toMatch(
      /^fixtures\/profiles\/missing\.yaml {2}config-invalid {2}cannot read profile: ENOENT/,
    );
  });
});

describe('keyscope rules profiles', () => {
  test('has --help with an example', () => {
    const result = runCli(['rules', 'profiles', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Example/);
  });

  test('--no-builtin-rules in one in-process run does not leak into the next', async () => {
    const custom = await runInProcess([
      'scan',
      '--input',
      inventory,
      '--format',
      'json',
      '--no-builtin-rules',
      '--rules',
      'fixtures/rules/valid-custom',
    ]);
    expect(Object.keys((JSON.parse(custom.stdout) as Report).summary.byRule).some((id) => id.startsWith('cmk.'))).toBe(false);
    expect(Object.keys((await scan()).summary.byRule).sort()).toEqual(builtinRuleIds());
  });
});
