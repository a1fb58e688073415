import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliPath, root, type CliRun } from '../helpers.js';
import {
  createTestCertificate,
  generateTenant,
  liveArgs,
  runLive,
  serveTenant,
  type Faults,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';
import { findingsText } from './report.js';

/** util-linux `script` gives the scan a pseudo-terminal (Debian has it in bsdutils, always installed). */
const hasScript = spawnSync('script', ['--version']).status === 0;
const ptyTest = hasScript ? test : test.skip;
if (!hasScript) console.warn('progress-live: `script` (util-linux) is missing: the pseudo-terminal test is skipped');

const tenant = generateTenant('small');
const RULES = ['--config', 'fixtures/graph/without-role-assignments.keyscope.yaml'];
/** A plain line's shape during a live scan of the small tenant. */
const LIVE_LINE = /^keyscope: [\d,]+ resources read, \d\/3 subscriptions, \d+ requests?, 0 throttling waits \(\d+ s\)$/;

let certificate: TestCertificate;
let dir: string;

beforeAll(() => {
  certificate = createTestCertificate();
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-progress-'));
});
afterAll(() => {
  certificate.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function scan(
  faults: Faults,
  extra: readonly string[],
  options: { env?: Record<string, string>; pty?: boolean } = {},
): Promise<CliRun> {
  const live = await serveTenant(certificate, tenant, faults);
  try {
    const scope = tenant.subscriptions.flatMap((id) => ['--subscription', id]);
    return await runLive(certificate, live.endpoint, [...liveArgs(live.endpoint, ...scope), ...RULES, ...extra], options);
  } finally {
    await live.close();
  }
}

describe('live-scan progress', () => {
  ptyTest(
    'on a terminal: a bar with resources, subscriptions, requests and waits, cleared at the end; the report intact in --output',
    async () => {
      const piped = await scan({}, ['--format', 'json']);
      expect(piped.code).toBe(1);
      const report = path.join(dir, 'pty.json');
      // A throttled first page: the bar shows the wait; a slow one keeps the bar up long enough to be redrawn.
      const result = await scan(
        { throttle: [{ request: 2, retryAfter: 1 }], slow: [{ request: 3, delayMs: 600 }] },
        ['--output', `json=${report}`],
        { pty: true },
      );
      expect(result.code).toBe(1);
      expect(findingsText(readFileSync(report, 'utf8'))).toBe(findingsText(piped.stdout));
      const terminal = result.stdout;
      expect(terminal).toMatch(/keyscope \[[=-]+\] 0 resources read, 0\/0 subscriptions, 0 requests, 0 throttling waits/);
      expect(terminal).toMatch(
        /keyscope \[[=-]+\] 0 resources read, 0\/3 subscriptions, \d+ requests, 1 throttling wait, waiting 1 s as Retry-After asks/,
      );
      const last = /keyscope \[=+\] [\d,]+ resources read, 3\/3 subscriptions, \d+ requests, 1 throttling wait/g;
      const frames = [...terminal.matchAll(last)];
      expect(frames.length).toBeGreaterThan(0);
      // After the last frame: the line cleared (erase the line), cursor and wrapping restored, and nothing else.
      const tail = terminal.slice(frames.at(-1)!.index + frames.at(-1)![0].length);
      expect(tail).toContain('\u001b[2K');
      expect(tail).not.toContain('keyscope');
      expect(tail.replace(/\u001b\[[\d;?]*[A-Za-z]|\u001b[78]|\r|\n/g, '')).toBe('');
    },
  );

  test('in a pipe, a long scan prints plain lines on KEYSCOPE_PROGRESS_INTERVAL_MS, and a last one with the totals', async () => {
    const result = await scan({ slow: [{ request: 2, delayMs: 1200 }] }, ['--format', 'json'], {
      env: { KEYSCOPE_PROGRESS_INTERVAL_MS: '300' },
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(LIVE_LINE);
    expect(lines.at(-1)).toMatch(/^keyscope: done: [\d,]+ resources read, 3\/3 subscriptions, \d+ requests, 0 throttling waits \(\d+ s\)$/);
    // No terminal control anywhere: a CI log gets text.
    expect(result.stderr).not.toMatch(/\u001b|\r/);
    JSON.parse(result.stdout);
  });

  test('--quiet prints nothing, however long the scan', async () => {
    const result = await scan({ slow: [{ request: 2, delayMs: 1000 }] }, ['--format', 'json', '--quiet'], {
      env: { KEYSCOPE_PROGRESS_INTERVAL_MS: '200' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
  });
});

describe('offline progress', () => {
  /** Scans standard input fed in two halves, `pauseMs` apart, with stderr a pipe. */
  function scanSlowStdin(extra: readonly string[], pauseMs: number): Promise<CliRun> {
    const records = readFileSync(path.join(root, 'examples', 'inventory.json'), 'utf8');
    const half = Math.floor(records.length / 2);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, 'scan', '--input', '-', '--format', 'json', ...extra], {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', KEYSCOPE_PROGRESS_INTERVAL_MS: '150' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.write(records.slice(0, half));
      setTimeout(() => child.stdin.end(records.slice(half)), pauseMs);
    });
  }

  test('an input read slowly in a pipe: plain lines with the resources read and the inputs done', async () => {
    // The pause must outlast start-up (loading the rule pack and catalog) by several intervals, on a loaded machine too.
    const result = await scanSlowStdin([], 2500);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^keyscope: \d+ resources read, 0\/1 input \(\d+ s\)$/);
    const resources = (JSON.parse(result.stdout) as { scan: { sources: { resources: number }[] } }).scan.sources[0]!.resources;
    expect(lines.at(-1)).toMatch(new RegExp(`^keyscope: done: ${resources} resources read, 1/1 input \\(\\d+ s\\)$`));
  });

  test('with --quiet: none', async () => {
    const result = await scanSlowStdin(['--quiet'], 500);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
  });
});
