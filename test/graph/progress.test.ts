import { GraphLog } from '../../src/sources/graph/index.js';
import { runInProcess } from '../helpers.js';

function sink(): { write(text: string): void; text: string } {
  const out = { text: '', write: (text: string) => void (out.text += text) };
  return out;
}

describe('progress on stderr', () => {
  test('on a terminal: one line redrawn with pages, resources, subscriptions and quota waits, cleared at the end', () => {
    const out = sink();
    const log = new GraphLog({ sink: out, progress: true, verbose: false });
    log.subscriptions(30);
    log.page(1000);
    log.page(1000);
    log.added(12);
    log.subscriptionDone();
    log.wait(3000, 'for the Resource Graph quota to reset');
    log.wait(undefined);
    log.done();
    const frames = out.text.split('\r\u001b[K').filter(Boolean);
    expect(frames).toEqual([
      'keyscope: 0 pages, 0 resources, 0/30 subscriptions',
      'keyscope: 1 page, 1,000 resources, 0/30 subscriptions',
      'keyscope: 2 pages, 2,000 resources, 0/30 subscriptions',
      'keyscope: 2 pages, 2,012 resources, 0/30 subscriptions',
      'keyscope: 2 pages, 2,012 resources, 1/30 subscriptions',
      'keyscope: 2 pages, 2,012 resources, 1/30 subscriptions, waiting 3 s for the Resource Graph quota to reset',
      'keyscope: 2 pages, 2,012 resources, 1/30 subscriptions',
    ]);
    expect(out.text.endsWith('\r\u001b[K')).toBe(true);
  });

  test('--verbose: a line per request and wait, even when not a terminal; silent otherwise', () => {
    const out = sink();
    const log = new GraphLog({ sink: out, progress: false, verbose: true });
    log.request('POST', 'https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', 200, 12);
    log.wait(2000, 'as Retry-After asks');
    log.page(5);
    log.done();
    expect(out.text).toBe(
      'keyscope: POST https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01 -> 200 (12 ms)\n' +
        'keyscope: waiting 2 s as Retry-After asks\n',
    );
    const quiet = sink();
    const silent = new GraphLog({ sink: quiet, progress: false, verbose: false });
    silent.page(5);
    silent.wait(1000);
    silent.done();
    expect(quiet.text).toBe('');
  });
});

describe('live-scan flags', () => {
  const subscription = '0b1f6471-1bf0-4dda-aec3-111122223333';

  test.each([
    [['--input', 'examples/inventory.json', '--export', 'out.ndjson'], /usage {2}--export needs a live scan/],
    [['--subscription', subscription, '--tenant'], /usage {2}give one scope: --subscription, --management-group or --tenant/],
    [['--subscription', 'production'], /usage {2}--subscription 'production' is not a subscription id/],
    [
      ['--subscription', subscription, '--arm-endpoint', 'http://management.local'],
      /usage {2}--arm-endpoint 'http:\/\/management\.local' is not https/,
    ],
    [
      ['--subscription', subscription, '--auth', 'client-secret'],
      /usage {2}--auth client-secret needs AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET/,
    ],
    [['--tenant', '--cloud', 'AzureMoon'], /argument 'AzureMoon' is invalid/],
  ])('%j exits 2 before anything is read', async (args, message) => {
    const result = await runInProcess(['scan', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('an --export file that cannot be written stops the scan before any request: exit 2, export-unwritable', async () => {
    const file = '/nonexistent-keyscope-folder/snapshot.ndjson';
    const result = await runInProcess(['scan', '--subscription', subscription, '--export', file, '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { scan: { errors: unknown[] } };
    expect(report.scan.errors).toEqual([
      { code: 'export-unwritable', message: expect.stringMatching(/^cannot write the export: ENOENT/), target: file, fatal: true },
    ]);
  });

  test('scan --help lists the live-scan options', async () => {
    const result = await runInProcess(['scan', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--subscription <id>',
      '--management-group <id>',
      '--tenant',
      '--auth <method>',
      '--cloud <name>',
      '--arm-endpoint <url>',
      '--export <file>',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });
});
