import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Log } from 'sarif';
import { runCli } from '../helpers.js';
import {
  createTestCertificate,
  generateTenant,
  liveArgs,
  runLive,
  serveTenant,
  type LiveTenant,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';

/**
 * A tenant scanned in shards: each shard's live scan writes `--export
 * shard.ndjson.gz`, and one scan of every shard (`--input` each) must report
 * what one live scan of the whole tenant reports: findings, posture,
 * problems, coverage, exit code and the SARIF runs it uploads or withholds.
 */

const tenant = generateTenant('small');
const [first, second, third] = tenant.subscriptions as [string, string, string];
let certificate: TestCertificate;
let live: LiveTenant;
let dir: string;

beforeAll(async () => {
  certificate = createTestCertificate();
  // The identity cannot read the second subscription: Resource Graph leaves it out without an error.
  live = await serveTenant(certificate, tenant, { trimmed: [second] });
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-shards-'));
});
afterAll(async () => {
  await live.close();
  certificate.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Report = Record<string, unknown> & { scan: Record<string, unknown>; findings: unknown[] };

/** The report without what names where it was read from and when. */
function comparable(file: string): Report {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const scan = { ...report.scan };
  for (const key of ['sources', 'started', 'ended']) delete scan[key];
  return { ...report, scan };
}

/** The GitHub profile's runs, by category, with their result counts: what would be uploaded. */
function uploadedRuns(folder: string): Record<string, number> {
  const runs: Record<string, number> = {};
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.sarif'))) {
    const log = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as Log;
    for (const run of log.runs) runs[run.automationDetails!.id!] = run.results!.length;
  }
  return runs;
}

test('three shards, one with a subscription the identity cannot read, scan together as the whole tenant scans', async () => {
  const { endpoint } = live;
  // The whole tenant: its root management group.
  const wholeSarif = path.join(dir, 'whole-sarif');
  const whole = await runLive(certificate, endpoint, [
    ...liveArgs(endpoint, '--management-group', 'mg-root'),
    '--output',
    `json=${path.join(dir, 'whole.json')}`,
  ]);
  // The subscription the identity cannot read is one line on stderr, in the whole scan, its shard and the combined scan alike.
  const unreadLine = (): unknown => expect.stringMatching(new RegExp(`^${second}  subscription-not-read  .+\\n$`));
  expect(whole.stderr).toEqual(unreadLine());
  mkdirSync(wholeSarif);
  const wholeGithub = await runLive(certificate, endpoint, [
    ...liveArgs(endpoint, '--management-group', 'mg-root'),
    '--format',
    'sarif',
    '--sarif-profile',
    'github',
    '--output',
    path.join(wholeSarif, 'keyscope.sarif'),
  ]);
  expect(wholeGithub.code).toBe(whole.code);

  // One shard a subscription: two gzip exports and one plain.
  const shards = [
    [first, path.join(dir, 'shard-1.ndjson.gz')],
    [second, path.join(dir, 'shard-2.ndjson.gz')],
    [third, path.join(dir, 'shard-3.ndjson')],
  ] as const;
  const shardCodes: number[] = [];
  for (const [subscription, file] of shards) {
    const shard = await runLive(certificate, endpoint, [
      ...liveArgs(endpoint, '--subscription', subscription),
      '--quiet',
      '--export',
      file,
    ]);
    expect(shard.stderr).toEqual(subscription === second ? unreadLine() : '');
    shardCodes.push(shard.code);
  }
  expect(shardCodes).toEqual([1, 3, 1]);

  // A .gz export is gzip, and starts with its header.
  const shard2 = readFileSync(shards[1][1]);
  expect([...shard2.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  expect(JSON.parse(gunzipSync(shard2).toString('utf8').split('\n')[0]!)).toEqual({
    keyscopeExport: 1,
    scope: `/subscriptions/${second}`,
    subscriptions: [second],
    covered: [],
    notRead: [second],
    problems: [{ code: 'subscription-not-read', message: expect.stringMatching(/RBAC hides/), target: second }],
  });
  const shard1Header = JSON.parse(gunzipSync(readFileSync(shards[0][1])).toString('utf8').split('\n')[0]!) as Record<string, unknown>;
  expect(shard1Header).toEqual({
    keyscopeExport: 1,
    scope: `/subscriptions/${first}`,
    subscriptions: [first],
    covered: [first],
    notRead: [],
    problems: [],
  });
  expect(JSON.parse(readFileSync(shards[2][1], 'utf8').split('\n')[0]!)).toEqual(expect.objectContaining({ covered: [third] }));

  // The final job: every shard at once.
  const inputs = shards.flatMap(([, file]) => ['--input', file]);
  const combined = runCli(['scan', ...inputs, '--output', `json=${path.join(dir, 'combined.json')}`]);
  expect(combined.stderr).toEqual(unreadLine());
  const combinedSarif = path.join(dir, 'combined-sarif');
  mkdirSync(combinedSarif);
  const combinedGithub = runCli([
    'scan',
    ...inputs,
    '--format',
    'sarif',
    '--sarif-profile',
    'github',
    '--output',
    path.join(combinedSarif, 'keyscope.sarif'),
  ]);

  const wholeReport = comparable(path.join(dir, 'whole.json'));
  const combinedReport = comparable(path.join(dir, 'combined.json'));
  expect(wholeReport.scan).toEqual({
    complete: false,
    errors: [{ code: 'subscription-not-read', message: expect.stringMatching(/RBAC hides/), target: second }],
    notices: [],
    scopes: [first, third],
    profile: null,
  });
  expect(wholeReport.findings.length).toBeGreaterThan(10);
  // Findings, posture, summary, problems and coverage alike.
  expect(combinedReport).toEqual(wholeReport);
  expect(whole.code).toBe(3);
  expect(combined.code).toBe(3);
  expect(combinedGithub.code).toBe(3);
  // The unread subscription's run is withheld from both; the others are uploaded with the same results.
  const uploaded = uploadedRuns(wholeSarif);
  expect(Object.keys(uploaded).sort()).toEqual([`keyscope/azure/${first}/`, `keyscope/azure/${third}/`]);
  expect(uploadedRuns(combinedSarif)).toEqual(uploaded);
});

test('an export with a header that cannot be read is a located input error, and other inputs are still scanned', () => {
  const file = path.join(dir, 'bad-header.ndjson');
  writeFileSync(file, '{"keyscopeExport":7,"scope":"tenant"}\n');
  const result = runCli(['scan', '--input', file, '--input', 'examples/inventory.json', '--format', 'json']);
  expect(result.code).toBe(2);
  const report = JSON.parse(result.stdout) as { scan: { errors: unknown[] }; findings: unknown[] };
  expect(report.scan.errors).toEqual([
    {
      code: 'input-invalid',
      message: "the export's header line cannot be read: export header version 7 is not one this keyscope reads (1)",
      target: file,
      line: 1,
      column: 1,
      fatal: true,
    },
  ]);
  expect(report.findings.length).toBeGreaterThan(0);
});
