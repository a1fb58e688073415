import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hasShared, root, runCli, sharedDir } from '../helpers.js';

/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. Every request the page makes is routed and counted (there
 * must be none), console errors fail the test, filters are checked against
 * the JSON report of the same scan, hostile names must show as text, and axe
 * must find no serious or critical accessibility violation.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`HTML report browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
const browserTest = hasChromium ? describe : describe.skip;
const work = mkdtempSync(path.join(tmpdir(), 'keyscope-html-'));

interface JsonFinding {
  ruleId: string;
  status: string;
  severity: string;
  resource: { id: string; type: string; name: string; subscriptionId?: string };
  suppression?: unknown;
}

/** Scans into HTML and JSON at once. */
function scan(name: string, args: string[]): { html: string; json: { findings: JsonFinding[] }; code: number } {
  const html = path.join(work, `${name}.html`);
  const json = path.join(work, `${name}.json`);
  const run = runCli(['scan', ...args, '--output', `html=${html}`, '--output', `json=${json}`]);
  expect(run.stderr).toBe('');
  return { html, json: JSON.parse(readFileSync(json, 'utf8')) as { findings: JsonFinding[] }, code: run.code };
}

/** A page that records every request, console error, page error and dialog. */
async function open(browser: Browser, file: string): Promise<{ page: Page; requests: string[]; errors: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  const url = pathToFileURL(file).href;
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return { page, requests, errors, dialogs };
}

/** Waits until the findings count says `n of ...` (search is applied after a short pause). */
const waitForCount = (page: Page, n: number): Promise<unknown> => page.locator('#f-count', { hasText: new RegExp(`^${n} of`) }).waitFor();
const rowCount = (page: Page): Promise<number> => page.locator('#f-rows > tr').count();
const countText = (page: Page): Promise<string | null> => page.locator('#f-count').textContent();

browserTest('the HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser.close();
  });

  test('the example inventory: no request, no console error; filters and search change the rows as the JSON report says', async () => {
    const { html, json } = scan('example', [
      '--input',
      'examples/inventory.json',
      '--exemptions',
      'fixtures/exemptions/legacy-vault.yaml',
      '--as-of',
      '2026-06-01',
    ]);
    const { page, requests, errors } = await open(browser, html);
    const total = json.findings.length;
    expect(await countText(page)).toBe(`${total} of ${total} findings`);
    expect(await rowCount(page)).toBe(Math.min(total, 100));

    const expectRows = async (expected: number): Promise<void> => {
      expect(await countText(page)).toBe(`${expected} of ${total} findings`);
      expect(await rowCount(page)).toBe(expected);
    };
    await page.selectOption('#f-rule', { label: 'key.hsm-backed' });
    await expectRows(json.findings.filter((finding) => finding.ruleId === 'key.hsm-backed').length);
    await page.selectOption('#f-rule', { label: 'all' });
    await page.selectOption('#f-severity', { label: 'medium' });
    await expectRows(json.findings.filter((finding) => finding.severity === 'medium').length);
    await page.selectOption('#f-severity', { label: 'all' });
    await page.selectOption('#f-suppressed', { label: 'suppressed' });
    const suppressed = json.findings.filter((finding) => finding.suppression).length;
    expect(suppressed).toBeGreaterThan(0);
    await expectRows(suppressed);
    await page.selectOption('#f-suppressed', { label: 'not suppressed' });
    await expectRows(total - suppressed);
    await page.selectOption('#f-suppressed', { label: 'all' });
    await page.selectOption('#f-type', { label: 'microsoft.keyvault/vaults' });
    await expectRows(json.findings.filter((finding) => finding.resource.type === 'microsoft.keyvault/vaults').length);
    await page.selectOption('#f-type', { label: 'all' });
    await page.fill('#f-search', 'aks-contoso');
    await waitForCount(page, 1);
    await expectRows(json.findings.filter((finding) => finding.resource.name === 'aks-contoso').length);
    await page.fill('#f-search', '');
    await waitForCount(page, total);

    // The posture charts are there, as SVG with text alternatives.
    expect(await page.locator('svg[role="img"]').count()).toBe(3);
    expect(await page.locator('figcaption').allTextContents()).toEqual([
      'Open findings by severity',
      'Data resources by key-management model',
      'FIPS 140 level of customer-managed keys (required: level 0, only where a fips-level tag asks)',
    ]);

    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)).toEqual([]);

    // The screenshot for review (docs/images/html-report.png with KEYSCOPE_SCREENSHOT=1).
    const shot =
      process.env['KEYSCOPE_SCREENSHOT'] === '1'
        ? path.join(root, 'docs', 'images', 'html-report.png')
        : path.join(work, 'html-report.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);

    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('hostile resource names show as text: no element, no script, no dialog', async () => {
    const { html, json } = scan('hostile', ['--input', 'fixtures/inventories/hostile-names.json']);
    // The data is embedded once and cannot end its script element.
    const text = readFileSync(html, 'utf8');
    expect(text).not.toContain('<img');
    expect(text.match(/<\/script>/g)).toHaveLength(2);
    const { page, requests, errors, dialogs } = await open(browser, html);
    expect(await rowCount(page)).toBe(json.findings.length);
    const names = await page.locator('#f-rows > tr > td:nth-child(4) > div:first-child').allTextContents();
    expect(names).toContain('<img src=x onerror=alert(1)>');
    expect(names).toContain('=HYPERLINK("https://attacker.example/","open")');
    expect(await page.locator('#app img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  const largeTest = hasShared ? test : test.skip;
  largeTest(
    'a 100,000-resource scan: the report opens and filters within 5 s and is no larger than 1.5 times the JSON report',
    async () => {
      const inventory = path.join(work, 'inventory-100k.json');
      const generated = spawnSync(process.execPath, [path.join(sharedDir, 'bench', 'gen-inventory.mjs'), '100000', '--seed', '7'], {
        encoding: 'buffer',
        maxBuffer: 1 << 30,
      });
      expect(generated.status).toBe(0);
      writeFileSync(inventory, generated.stdout);
      const { html, json } = scan('large', ['--input', inventory, '--as-of', '2026-06-01']);
      const htmlSize = statSync(html).size;
      const jsonSize = statSync(path.join(work, 'large.json')).size;
      console.log(
        `100,000 resources: ${json.findings.length} findings; HTML ${htmlSize} bytes, JSON ${jsonSize} bytes (${(htmlSize / jsonSize).toFixed(2)}x)`,
      );
      expect(json.findings.length).toBeGreaterThan(50_000);
      expect(htmlSize).toBeLessThanOrEqual(1.5 * jsonSize);

      const started = Date.now();
      const { page, requests, errors } = await open(browser, html);
      const opened = Date.now() - started;
      const rule = json.findings[json.findings.length - 1]!.ruleId;
      const filterStart = Date.now();
      await page.selectOption('#f-rule', { label: rule });
      const expected = json.findings.filter((finding) => finding.ruleId === rule).length;
      await waitForCount(page, expected);
      const filtered = Date.now() - filterStart;
      console.log(`opened in ${opened} ms, filtered in ${filtered} ms`);
      expect(opened + filtered).toBeLessThan(5000);
      expect(await rowCount(page)).toBe(Math.min(expected, 100));
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    180_000,
  );
});
