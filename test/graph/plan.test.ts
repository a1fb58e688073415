import { buildEngine, loadDefinitions } from '../../src/cli/rule-set.js';
import { loadConfig } from '../../src/rules/index.js';
import { COVERAGE_QUERY, kqlString, planGraph, tableOf, tableQueryText, type TypeReads } from '../../src/sources/graph/index.js';
import { root } from '../helpers.js';

function builtinTypes(): TypeReads[] {
  const config = loadConfig(undefined, root);
  const engine = buildEngine(loadDefinitions(config, [], root), config.parameters);
  return engine.resourceTypes.map((type) => ({ type, reads: engine.readsFor(type) }));
}

describe('queries generated from the rule pack', () => {
  test('the built-in pack: one resources query over the types rules read, keys fetched through their parents', () => {
    const types = builtinTypes();
    const plan = planGraph(types);
    // Role assignments and definitions (cmk.key-access-scoped reads the grants on a key) are in their own table,
    // subscriptions (their management-group ancestry) in theirs, Elastic SAN volume groups in theirs (queried last).
    expect(plan.queries.map((q) => q.table)).toEqual(['authorizationresources', 'resourcecontainers', 'resources', 'elasticsanresources']);
    expect(plan.queries.find((q) => q.table === 'authorizationresources')!.types).toEqual([
      'microsoft.authorization/roleassignments',
      'microsoft.authorization/roledefinitions',
    ]);
    expect(plan.queries.find((q) => q.table === 'resourcecontainers')!.types).toEqual(['microsoft.resources/subscriptions']);
    expect(plan.queries.find((q) => q.table === 'elasticsanresources')!.types).toEqual(['microsoft.elasticsan/elasticsans/volumegroups']);
    const query = plan.queries.find((q) => q.table === 'resources');
    // Keys are not in Resource Graph: their vaults and HSMs are queried instead.
    const expected = types
      .map((entry) => entry.type)
      .filter(
        (type) =>
          !type.endsWith('/keys') &&
          !type.startsWith('microsoft.authorization/') &&
          type !== 'microsoft.resources/subscriptions' &&
          type !== 'microsoft.elasticsan/elasticsans/volumegroups',
      )
      .sort();
    expect(query!.types).toEqual(expected);
    expect(query!.types).toEqual(
      expect.arrayContaining(['microsoft.keyvault/vaults', 'microsoft.keyvault/managedhsms', 'microsoft.sql/servers']),
    );
    // Tags (fips-level) and identity (who unwraps a customer-managed key) are read by the relation index.
    expect(query!.columns).toEqual([
      'id',
      'name',
      'type',
      'subscriptionId',
      'resourceGroup',
      'kind',
      'sku',
      'properties',
      'tags',
      'identity',
    ]);
    expect(plan.children.map((child) => [child.enrichment.childType, child.detail])).toEqual([
      ['microsoft.keyvault/managedhsms/keys', true],
      ['microsoft.keyvault/vaults/keys', true],
    ]);
    expect(plan.attach.map((enrichment) => enrichment.type)).toEqual(['microsoft.sql/managedinstances', 'microsoft.sql/servers']);
    expect([...plan.emit]).toEqual(types.map((entry) => entry.type));
  });

  test('the query text: filtered by type, projected, ordered by id for stable paging', () => {
    expect(
      tableQueryText({
        table: 'resources',
        types: ['microsoft.keyvault/vaults', 'microsoft.storage/storageaccounts'],
        columns: ['id', 'name', 'type'],
      }),
    ).toBe(
      "resources | where type in~ ('microsoft.keyvault/vaults', 'microsoft.storage/storageaccounts') | project id, name, type | order by id asc",
    );
    expect(COVERAGE_QUERY).toBe(
      "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId | order by subscriptionId asc",
    );
    expect(kqlString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
  });

  test('one query per table: role assignments from authorizationresources, subscriptions from resourcecontainers', () => {
    expect(tableOf('microsoft.authorization/roleassignments')).toBe('authorizationresources');
    expect(tableOf('microsoft.resources/subscriptions/resourcegroups')).toBe('resourcecontainers');
    expect(tableOf('microsoft.storage/storageaccounts')).toBe('resources');
    const plan = planGraph([
      { type: 'microsoft.authorization/roleassignments', reads: ['properties.roledefinitionid'] },
      { type: 'microsoft.storage/storageaccounts', reads: ['properties.encryption.keysource', 'tags.env'] },
      { type: 'microsoft.resources/subscriptions', reads: ['properties.state'] },
    ]);
    expect(plan.queries.map((query) => [query.table, query.types, query.columns])).toEqual([
      [
        'authorizationresources',
        ['microsoft.authorization/roleassignments'],
        ['id', 'name', 'type', 'subscriptionId', 'resourceGroup', 'properties'],
      ],
      [
        'resourcecontainers',
        ['microsoft.resources/subscriptions'],
        ['id', 'name', 'type', 'subscriptionId', 'resourceGroup', 'properties'],
      ],
      ['resources', ['microsoft.storage/storageaccounts'], ['id', 'name', 'type', 'subscriptionId', 'resourceGroup', 'properties', 'tags']],
    ]);
  });

  test('enrichment only where rules need it: a GET per key only when a rule reads beyond the list; protectors only when keyId is read', () => {
    const listOnly = planGraph([{ type: 'microsoft.keyvault/vaults/keys', reads: ['properties.attributes.exp', 'type'] }]);
    expect(listOnly.children.map((child) => child.detail)).toEqual([false]);
    // The vault is fetched to find its keys, but not handed to the engine.
    expect(listOnly.queries.map((query) => query.types)).toEqual([['microsoft.keyvault/vaults']]);
    expect([...listOnly.emit]).toEqual(['microsoft.keyvault/vaults/keys']);
    expect(
      planGraph([{ type: 'microsoft.keyvault/vaults/keys', reads: ['properties.kty'] }]).children.map((child) => child.detail),
    ).toEqual([true]);
    expect(planGraph([{ type: 'microsoft.sql/servers', reads: ['properties.publicnetworkaccess'] }]).attach).toEqual([]);
    expect(planGraph([{ type: 'microsoft.sql/servers', reads: ['properties.keyid'] }]).attach.map((a) => a.path)).toEqual([
      'encryptionProtector/current',
    ]);
  });
});
