import { findingRows, named, scanFixture, scanJson } from './support.js';

const FILE = 'arm/present/present-values.json';

/**
 * Values a template leaves to deployment that are still certain to be there:
 * a required string parameter with a minimum length, a property Azure always
 * returns for the type `reference()` reads. Presence decides `exists` and
 * emptiness; the text stays unknown.
 */
describe('ARM: present values', () => {
  const { resources } = scanFixture(FILE);

  test('a required string parameter with minLength 1 is a present string; without minLength, or computed from it, only unknown', () => {
    expect(named(resources, 'stkeynamerequired').present).toEqual({ 'properties.encryption.keyvaultproperties.keyname': 'string' });
    for (const name of ['stkeynamemaybeempty', 'stkeynamecomputed']) {
      expect([name, named(resources, name).unknown, named(resources, name).present]).toEqual([
        name,
        ['properties.encryption.keyvaultproperties.keyname'],
        undefined,
      ]);
    }
  });

  test('a missing parameter, present or not, keeps its cause: its value and what is computed from it are parameter-missing', () => {
    const cause = { 'properties.encryption.keyvaultproperties.keyname': 'parameter-missing' };
    for (const name of ['stkeynamerequired', 'stkeynamemaybeempty', 'stkeynamecomputed']) {
      expect([name, named(resources, name).unknownCauses]).toEqual([name, cause]);
    }
    // reference() is a deploy-time value, the origin's own cause: not listed.
    expect(named(resources, 'des-present').unknownCauses).toBeUndefined();
  });

  test("reference() of a property Azure always returns: a key's keyUriWithVersion, an identity's principalId", () => {
    expect(named(resources, 'des-present').present).toEqual({ 'properties.activekey.keyurl': 'string' });
    const assignment = resources.find((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')!;
    expect([assignment.unknown, assignment.present]).toEqual([['properties.principalid'], { 'properties.principalid': 'string' }]);
  });

  test('the CMK rules decide on presence: pass where the key is certainly named, unknown where it may be empty', async () => {
    const { code, document } = await scanJson(['--template', `fixtures/${FILE}`, '--fail-on', 'none']);
    expect(code).toBe(0);
    expect(document.scan.errors).toEqual([]);
    expect(document.summary.byRule['cmk.storage-account']).toEqual({ severity: 'high', pass: 1, fail: 0, unknown: 2, notApplicable: 0 });
    expect(document.summary.byRule['cmk.disk-encryption-set']).toEqual({
      severity: 'high',
      pass: 1,
      fail: 0,
      unknown: 0,
      notApplicable: 0,
    });
    expect(findingRows(document).filter(([rule]) => rule === 'cmk.storage-account')).toEqual([
      ['cmk.storage-account', 'stkeynamecomputed', 'unknown', 81, 13, '"keyname"'],
      ['cmk.storage-account', 'stkeynamemaybeempty', 'unknown', 64, 13, '"keyname"'],
    ]);
    // Which key they name stays unknown: a parameter nobody gave, or a deploy-time value.
    expect(document.summary.byRule['cmk.key-resolvable']).toMatchObject({ pass: 0, fail: 0, unknown: 4 });
    expect(
      document.findings
        .filter((finding) => finding.ruleId === 'cmk.key-resolvable' || finding.ruleId === 'cmk.storage-account')
        .map((finding) => `${finding.ruleId} ${finding.resource.name} ${finding.cause}`),
    ).toEqual([
      'cmk.key-resolvable des-present deploy-time-value',
      'cmk.key-resolvable stkeynamecomputed parameter-missing',
      'cmk.key-resolvable stkeynamemaybeempty parameter-missing',
      'cmk.key-resolvable stkeynamerequired parameter-missing',
      'cmk.storage-account stkeynamecomputed parameter-missing',
      'cmk.storage-account stkeynamemaybeempty parameter-missing',
    ]);
  });
});
