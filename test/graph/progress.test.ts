import { ScanProgress, scheduleFrom, formatBytes } from '../../src/cli/progress.js';
import type { InventorySource, SourceBatch } from '../../src/sources/index.js';
import { GraphLog } from '../../src/sources/graph/index.js';
import { runInProcess } from '../helpers.js';

function sink(): { write(text: string): void; text: string } {
  const out = { text: '', write: (text: string) => void (out.text += text) };
  return out;
}

/** A source yielding batches of these many (empty) resources. */
function source(label: string, sizes: number[], bytes?: number): InventorySource {
  return {
    label,
    ...(bytes === undefined ? {} : { bytes }),
    async *batches() {
      // A turn of the event loop per batch, as a source reading a file takes.
      for (const size of sizes) yield await Promise.resolve<SourceBatch>({ kind: 'resources', resources: new Array(size).fill(null) });
    },
  };
}

async function drain(watched: InventorySource): Promise<void> {
  for await (const batch of watched.batches({ report: () => undefined })) void batch;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('progress on stderr', () => {
  test('on a terminal: a cli-progress bar with resources, subscriptions, requests and waits, cleared at the end', async () => {
    const out = sink();
    const progress = new ScanProgress({ mode: 'bar', sink: out, columns: 100 });
    const live = progress.watch(source('graph:30 subscriptions', [1000, 1012]), 'live');
    progress.start();
    progress.subscriptions(30);
    progress.request();
    progress.request();
    progress.waiting('waiting 3 s for the Resource Graph quota to reset');
    progress.waiting(undefined);
    progress.subscriptionDone();
    await drain(live);
    progress.stop();
    expect(progress.summary()).toBe('2,012 resources read, 1/30 subscriptions, 2 requests, 1 throttling wait');
    // The first frame, and the last one (drawn by stop before it clears the line).
    expect(out.text).toContain(
      'keyscope [------------------------------] 0 resources read, 0/0 subscriptions, 0 requests, 0 throttling waits',
    );
    const lastFrame = 'keyscope [=-----------------------------] 2,012 resources read, 1/30 subscriptions, 2 requests, 1 throttling wait';
    expect(out.text).toContain(lastFrame);
    // Cleared: back to column 1, the line erased, nothing drawn after.
    expect(out.text.slice(out.text.lastIndexOf(lastFrame))).toMatch(/\u001b\[2K$/);
  });

  test('a verbose line while the bar shows: the bar is taken down, the line written whole, the bar drawn again', () => {
    const out = sink();
    const progress = new ScanProgress({ mode: 'bar', sink: out, columns: 80 });
    progress.watch(source('export:a.json', []), 'input');
    progress.start();
    progress.lines.write('keyscope: POST https://management.azure.com/x -> 200 (12 ms)\n');
    progress.stop();
    const line = out.text.indexOf('keyscope: POST https://management.azure.com/x -> 200 (12 ms)\n');
    expect(line).toBeGreaterThan(0);
    expect(out.text.slice(0, line)).toMatch(/\u001b\[2K$/);
    expect(out.text.slice(line)).toContain('keyscope [----------] 0 resources read, 0/1 input');
  });

  test('in a pipe: nothing for a short scan; on a long one a line on the schedule and one with the totals at the end', async () => {
    const quick = sink();
    const short = new ScanProgress({ mode: 'lines', sink: quick, schedule: { firstMs: 5000, everyMs: 15_000 } });
    await drain(short.watch(source('export:a.json', [3]), 'input'));
    short.start();
    short.stop();
    expect(quick.text).toBe('');

    const out = sink();
    const progress = new ScanProgress({ mode: 'lines', sink: out, schedule: { firstMs: 40, everyMs: 40 } });
    const first = progress.watch(source('export:big.ndjson', [500, 500], 1_234_567), 'input');
    progress.watch(source('export:-', [7]), 'input');
    progress.start();
    await drain(first);
    await sleep(150);
    progress.stop();
    const lines = out.text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^keyscope: 1,000 resources read, 1\/2 inputs \(1\.2 MB\) \(0 s\)$/);
    expect(lines.at(-1)).toBe('keyscope: done: 1,000 resources read, 1/2 inputs (1.2 MB) (0 s)');
  });

  test('--quiet: nothing at all', async () => {
    const out = sink();
    const progress = new ScanProgress({ mode: 'off', sink: out, schedule: { firstMs: 1, everyMs: 1 } });
    const watched = progress.watch(source('export:a.json', [5]), 'input');
    progress.start();
    await drain(watched);
    await sleep(30);
    progress.stop();
    expect(out.text).toBe('');
  });

  test("the watched source is the source as the scan sees it: every field but its batches is the source's own, a field added later too", async () => {
    const original = { ...source('arm:main.json', [2], 42), foundIn: 'templates', added: 'a field InventorySource may gain' };
    const progress = new ScanProgress({ mode: 'off', sink: sink() });
    const watched = progress.watch(original, 'input') as typeof original;
    expect([watched.label, watched.foundIn, watched.bytes, watched.added]).toEqual(['arm:main.json', 'templates', 42, original.added]);
    await drain(watched);
    expect(progress.summary()).toBe('2 resources read, 1/1 input (42 bytes)');
  });

  test('KEYSCOPE_PROGRESS_INTERVAL_MS sets the schedule; anything but a positive whole number leaves the default', () => {
    expect(scheduleFrom({})).toEqual({ firstMs: 5000, everyMs: 15_000 });
    expect(scheduleFrom({ KEYSCOPE_PROGRESS_INTERVAL_MS: '250' })).toEqual({ firstMs: 250, everyMs: 250 });
    for (const bad of ['0', '-5', '1.5', 'soon', ''])
      expect(scheduleFrom({ KEYSCOPE_PROGRESS_INTERVAL_MS: bad })).toEqual({ firstMs: 5000, everyMs: 15_000 });
    expect([formatBytes(999), formatBytes(1000), formatBytes(1_234_567), formatBytes(5e12)]).toEqual([
      '999 bytes',
      '1.0 kB',
      '1.2 MB',
      '5.0 TB',
    ]);
  });

  test('--verbose: a line per request and wait, counts to the progress; silent otherwise', () => {
    const out = sink();
    const counts = { requests: 0, waits: [] as (string | undefined)[], total: 0, done: 0 };
    const log = new GraphLog({
      sink: out,
      verbose: true,
      progress: {
        request: () => void counts.requests++,
        waiting: (text) => void counts.waits.push(text),
        subscriptions: (total) => void (counts.total = total),
        subscriptionDone: () => void counts.done++,
      },
    });
    log.request('POST', 'https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', 200, 12);
    log.wait(2000, 'as Retry-After asks');
    log.wait(undefined);
    log.subscriptions(3);
    log.subscriptionDone();
    expect(out.text).toBe(
      'keyscope: POST https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01 -> 200 (12 ms)\n' +
        'keyscope: waiting 2 s as Retry-After asks\n',
    );
    expect(counts).toEqual({ requests: 1, waits: ['waiting 2 s as Retry-After asks', undefined], total: 3, done: 1 });
    const quiet = sink();
    const silent = new GraphLog({ sink: quiet, verbose: false });
    silent.request('GET', 'https://management.azure.com/x', 200, 1);
    silent.wait(1000);
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
