import { runInProcess } from '../helpers.js';

/**
 * One resource of each data-analytics service with its customer-managed key on
 * (`*-cmk`, and the equivalents named below) and off: each service's rule must
 * pass the first and fail the second, as the service's REST documentation
 * implies. The managed Cassandra cluster itself holds no data and meets no rule.
 */
const FIXTURE = 'fixtures/services/data-analytics.json';

const RULES: readonly (readonly [rule: string, on: string, off: string])[] = [
  ['cmk.search-service', 'search-cmk', 'search-default'],
  ['cmk.data-explorer', 'adxcmk', 'adxdefault'],
  ['cmk.batch-account', 'batchcmk', 'batchdefault'],
  ['cmk.redis-enterprise', 'redis-cmk', 'redis-default'],
  ['cmk.hdinsight', 'hdi-cmk', 'hdi-encryptionathost'],
  ['cmk.cosmos-postgresql', 'citus-cmk', 'citus-default'],
  ['cmk.cosmos-mongo-vcore', 'mongo-cmk', 'mongo-default'],
  ['cmk.automation-account', 'aa-cmk', 'aa-default'],
  ['cmk.load-testing', 'lt-cmk', 'lt-default'],
  ['cmk.stream-analytics', 'asa-jobstorage', 'asa-default'],
  ['cmk.log-analytics-workspace', 'la-linked', 'la-standalone'],
  ['cmk.log-search-alert', 'alert-byos', 'alert-default'],
  ['cmk.cassandra-managed-instance', 'dc-cmk', 'dc-default'],
];

interface Report {
  summary: { resources: number; byStatus: Record<string, number>; byRule: Record<string, Record<string, number>> };
  findings: { ruleId: string; status: string; resource: { name: string } }[];
}

describe('data-analytics services: CMK on passes, CMK off fails', () => {
  let report: Report;
  let code: number;
  beforeAll(async () => {
    const run = await runInProcess(['scan', '--input', FIXTURE, '--format', 'json', '--fail-on', 'high']);
    code = run.code;
    report = JSON.parse(run.stdout) as Report;
  });

  // Only the service rules: the relational rules join in once the catalog feeds the key-reference table.
  test('the service rules find exactly the CMK-off resources, one per rule', () => {
    const ids = new Set(RULES.map(([rule]) => rule));
    const found = report.findings
      .filter((f) => ids.has(f.ruleId))
      .map((f) => `${f.status} ${f.ruleId} ${f.resource.name}`)
      .sort();
    expect(found).toEqual(RULES.map(([rule, , off]) => `fail ${rule} ${off}`).sort());
  });

  test.each(RULES)('%s: one pass (%s), one fail (%s)', (rule) => {
    expect(report.summary.byRule[rule]).toMatchObject({ pass: 1, fail: 1, unknown: 0, notApplicable: 0 });
  });

  test('every resource is counted and the gate fails on the high findings', () => {
    expect(report.summary.resources).toBe(27);
    expect(code).toBe(1);
  });
});
