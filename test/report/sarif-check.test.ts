import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from '../helpers.js';
import { multitoolErrors } from '../support/sarif-check.js';

const multitool = path.join(root, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const available = process.platform === 'linux' && existsSync(multitool);

describe('the Multitool check the SARIF tests rely on', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keyscope-sarif-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  (available ? test : test.skip)('a file over 10 MB is analysed, not skipped: its violations are reported', () => {
    // A result with no location breaks GitHub's ingestion rules (GH1001); 11 MB of padding puts the file past
    // the Multitool's default size limit, under which it used to skip the file with a notification only.
    const log = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'x', rules: [{ id: 'r1', shortDescription: { text: 'r' } }] } },
          results: [{ ruleId: 'r1', message: { text: 'm' } }],
          properties: { padding: 'x'.repeat(11 * 1024 * 1024) },
        },
      ],
    };
    const file = path.join(dir, 'large.sarif');
    writeFileSync(file, JSON.stringify(log));
    expect(multitoolErrors(file)).toEqual(expect.arrayContaining([expect.stringMatching(/^GH1001: .*Error_NoLocationsArray/)]));
  });
});
