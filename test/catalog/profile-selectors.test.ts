import { serviceCatalog } from '../../src/catalog/index.js';
import { runInProcess } from '../helpers.js';

interface Listed {
  id: string;
  applicability?: unknown;
}

async function list(...args: string[]): Promise<Listed[]> {
  const result = await runInProcess(['rules', 'list', '--format', 'json', ...args]);
  expect([result.stderr, result.code]).toEqual(['', 0]);
  return JSON.parse(result.stdout) as Listed[];
}

describe('profiles choose rules by catalog class and by tag', () => {
  test('baseline scopes exactly the rules the catalog names for cmk and key-store types', async () => {
    const scoped = (await list('--profile', 'baseline')).filter((rule) => rule.applicability !== undefined).map((rule) => rule.id);
    expect(scoped).toEqual(serviceCatalog().rulesOfClasses(['cmk', 'key-store']).sort());
    // today's 19 service rules, the 37 of the new services and cmk.storage-queue-table
    expect(scoped).toHaveLength(57);
  });

  test('include by tags, exclude by class, applicability by class and tags together', async () => {
    const listed = await list('--profile', 'fixtures/profiles/selectors/fips-without-cmk.yaml');
    expect(listed.map((rule) => [rule.id, rule.applicability !== undefined])).toEqual([
      ['cmk.fips-level-for-data', false],
      ['cmk.key-size-for-service', false],
      ['keystore.fips-level', false],
    ]);
  });

  test('a selector that chooses no loaded rule is an error where it is written', async () => {
    const result = await runInProcess(['rules', 'list', '--profile', 'fixtures/profiles/selectors/selects-nothing.yaml']);
    expect([result.code, result.stderr]).toEqual([
      2,
      'fixtures/profiles/selectors/selects-nothing.yaml:3:12  config-invalid  applicability selects {"class":"platform-only"}, which chooses no loaded rule\n',
    ]);
  });
});
