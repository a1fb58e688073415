import { findingRows, scanJson } from '../arm/support.js';
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

/**
 * The same services as an ARM template: a compliant and a violating resource
 * for each rule, two values known only at deployment (a `reference()` to
 * another deployment's output), and a log-to-metric alert rule the
 * log-search-alert rule does not apply to. Each row: rule, resource, status,
 * and the line, column and text the finding points at.
 */
const TEMPLATE = 'fixtures/arm/services/data-analytics.json';
const TEMPLATE_FINDINGS: [string, string, string, number, number, string][] = [
  ['cmk.automation-account', 'aa-bad', 'fail', 296, 11, '"keySource"'],
  ['cmk.batch-account', 'batchbad', 'fail', 120, 7, '"properties"'],
  ['cmk.cassandra-managed-instance', 'cassandra/dc-bad', 'fail', 459, 7, '"properties"'],
  ['cmk.cosmos-mongo-vcore', 'mongo-bad', 'fail', 243, 7, '"properties"'],
  ['cmk.cosmos-mongo-vcore', 'mongo-deploy-time', 'unknown', 260, 13, '"keyEncryptionKeyUrl"'],
  ['cmk.cosmos-postgresql', 'citus-bad', 'fail', 214, 11, '"type"'],
  ['cmk.data-explorer', 'adx-bad', 'fail', 94, 7, '"properties"'],
  ['cmk.hdinsight', 'hdi-bad', 'fail', 187, 9, '"diskEncryptionProperties"'],
  ['cmk.load-testing', 'lt-bad', 'fail', 320, 7, '"properties"'],
  ['cmk.log-analytics-workspace', 'la-bad', 'fail', 374, 7, '"properties"'],
  ['cmk.log-search-alert', 'alert-bad', 'fail', 404, 7, '"properties"'],
  ['cmk.redis-enterprise', 'redis-bad', 'fail', 153, 7, '"properties"'],
  ['cmk.search-service', 'search-bad', 'fail', 44, 11, '"enforcement"'],
  ['cmk.search-service', 'search-deploy-time', 'unknown', 60, 11, '"enforcement"'],
  ['cmk.stream-analytics', 'asa-bad', 'fail', 352, 9, '"contentStoragePolicy"'],
];

describe('data-analytics services in an ARM template', () => {
  test('each rule fails the violating resource where the property is (or its nearest written parent), and deploy-time values are unknown', async () => {
    const ids = new Set(RULES.map(([rule]) => rule));
    const { document } = await scanJson(['--template', TEMPLATE, '--fail-on', 'none']);
    expect(findingRows({ ...document, findings: document.findings.filter((f) => ids.has(f.ruleId)) })).toEqual(TEMPLATE_FINDINGS);
    for (const rule of ids) expect([rule, document.summary.byRule[rule]!.pass]).toEqual([rule, 1]);
    expect(document.summary.byRule['cmk.log-search-alert']!.notApplicable).toBe(1);
  });
});
