import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers.js';
import { checkedSarif } from '../support/sarif-check.js';

const work = mkdtempSync(path.join(tmpdir(), 'keyscope-gate-'));
const before = 'examples/inventory.json';
const after = 'fixtures/baseline/inventory-one-fixed-one-new.json';

interface Finding {
  ruleId: string;
  resource: { name: string };
  baselineState?: string;
  suppression?: { justification: string; exemption: string };
}
interface Document {
  summary: { bySeverity: Record<string, number>; suppressed?: number; baseline?: Record<string, number> };
  exemptions?: { applied: number; expired: { origin: string; matched: number }[]; unused: unknown[] };
  findings: Finding[];
}

function json(args: string[]): { code: number; document: Document; stderr: string } {
  const result = runCli(['scan', ...args, '--format', 'json']);
  return { code: result.code, document: JSON.parse(result.stdout) as Document, stderr: result.stderr };
}

const states = (document: Document): string[] =>
  document.findings.filter((f) => f.baselineState !== 'unchanged').map((f) => `${f.baselineState} ${f.ruleId} ${f.resource.name}`);

describe('--baseline', () => {
  const previousJson = path.join(work, 'previous.json');
  const previousSarif = path.join(work, 'previous.sarif');
  runCli(['scan', '--input', before, '--output', `json=${previousJson}`, '--output', `sarif=${previousSarif}`]);

  test.each([
    ['a JSON report', previousJson],
    ['a SARIF report', previousSarif],
  ])('against %s: the fixed result is absent, the new violation is the only new, the rest unchanged', (_kind, baseline) => {
    const { document, code } = json(['--input', after, '--baseline', baseline]);
    expect(code).toBe(1);
    expect(states(document)).toEqual(['new cmk.storage-account stnewuploads', 'absent managedhsm.purge-protection mhsm-contoso']);
    expect(document.summary.baseline).toEqual({ new: 1, unchanged: 19, updated: 0, absent: 1 });
    expect(document.findings.filter((f) => f.baselineState === 'unchanged')).toHaveLength(19);
  });

  test('matching is by fingerprint, never by line: moving resources around changes nothing', () => {
    const reordered = path.join(work, 'reordered.json');
    const items = JSON.parse(readFileSync(before, 'utf8')) as unknown[];
    writeFileSync(reordered, JSON.stringify(items.reverse(), null, 1));
    const { document } = json(['--input', reordered, '--baseline', previousJson]);
    expect(states(document)).toEqual([]);
  });

  test('full SARIF carries baselineState, including the absent result', () => {
    const out = path.join(work, 'after.sarif');
    runCli(['scan', '--input', after, '--baseline', previousJson, '--format', 'sarif', '--output', out]);
    const results = checkedSarif(readFileSync(out, 'utf8'), 'full').runs[0]!.results!;
    expect(results.filter((r) => r.baselineState === 'absent').map((r) => r.ruleId)).toEqual(['managedhsm.purge-protection']);
    expect(results.filter((r) => r.baselineState === 'new').map((r) => r.ruleId)).toEqual(['cmk.storage-account']);
  });

  test('--fail-on-new gates only on new findings', () => {
    expect(runCli(['scan', '--input', before, '--baseline', previousJson, '--fail-on-new', '--format', 'json']).code).toBe(0);
    expect(runCli(['scan', '--input', after, '--baseline', previousJson, '--fail-on-new', '--format', 'json']).code).toBe(1);
    expect(
      runCli(['scan', '--input', after, '--baseline', previousJson, '--fail-on-new', '--fail-on', 'critical', '--format', 'json']).code,
    ).toBe(0);
    const without = runCli(['scan', '--input', before, '--fail-on-new']);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--fail-on-new needs --baseline/);
  });

  test('an unreadable or foreign baseline exits 2', () => {
    expect(runCli(['scan', '--input', before, '--baseline', 'fixtures/baseline/nope.json']).code).toBe(2);
    const foreign = runCli(['scan', '--input', before, '--baseline', 'package.json']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(
      /package\.json {2}config-invalid {2}the baseline is neither a keyscope JSON findings document nor a SARIF log/,
    );
  });
});

describe('--exemptions', () => {
  test('a valid exemption suppresses: kept in JSON and full SARIF, absent from the GitHub profile, never gating', () => {
    const { document, code } = json(['--input', before, '--exemptions', 'fixtures/exemptions/legacy-vault.yaml', '--fail-on', 'medium']);
    const suppressed = document.findings.filter((f) => f.suppression);
    expect(suppressed.map((f) => `${f.ruleId} ${f.resource.name}`)).toEqual(['keyvault.rbac-authorization kv-legacy-app']);
    expect(suppressed[0]!.suppression).toMatchObject({
      exemption: 'fixtures/exemptions/legacy-vault.yaml:3:5',
      justification: expect.stringMatching(/APP-1234/),
    });
    expect(document.summary.suppressed).toBe(1);
    expect(document.summary.bySeverity.medium).toBe(8);
    expect(code).toBe(1); // other medium findings still gate

    const github = path.join(work, 'exempt.sarif');
    runCli([
      'scan',
      '--input',
      before,
      '--exemptions',
      'fixtures/exemptions/legacy-vault.yaml',
      '--format',
      'sarif',
      '--sarif-profile',
      'github',
      '--output',
      github,
    ]);
    const results = checkedSarif(readFileSync(github, 'utf8'), 'github').runs.flatMap((r) => r.results ?? []);
    expect(results.some((r) => r.ruleId === 'keyvault.rbac-authorization')).toBe(false);
  });

  test('a suppressed finding alone never fails the gate', () => {
    const only = runCli([
      'scan',
      '--input',
      before,
      '--exemptions',
      'fixtures/exemptions/legacy-vault.yaml',
      '--config',
      'fixtures/config/only-rbac.keyscope.yaml',
      '--format',
      'json',
    ]);
    expect(only.code).toBe(0);
  });

  test('an expired exemption stops suppressing and is reported', () => {
    const { document, code } = json(['--input', before, '--exemptions', 'fixtures/exemptions/expired.yaml']);
    expect(code).toBe(1);
    expect(document.findings.filter((f) => f.suppression)).toEqual([]);
    expect(document.exemptions).toEqual({
      applied: 0,
      expired: [expect.objectContaining({ origin: 'fixtures/exemptions/expired.yaml:3:5', expires: '2020-01-31', matched: 1 })],
      unused: [],
    });
    const text = runCli(['scan', '--input', before, '--exemptions', 'fixtures/exemptions/expired.yaml', '--format', 'text']);
    expect(text.stdout).toMatch(
      /Exemption expired: fixtures\/exemptions\/expired\.yaml:3:5 \(managedhsm\.purge-protection on \*\/managedHSMs\/mhsm-contoso\) on 2020-01-31/,
    );
    const sarif = path.join(work, 'expired.sarif');
    runCli(['scan', '--input', before, '--exemptions', 'fixtures/exemptions/expired.yaml', '--format', 'sarif', '--output', sarif]);
    const notifications = checkedSarif(readFileSync(sarif, 'utf8'), 'full').runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notifications.map((n) => [n.level, n.descriptor!.id])).toEqual([['warning', 'exemption-expired']]);
  });

  test('--as-of decides what has expired', () => {
    const { document } = json(['--input', before, '--exemptions', 'fixtures/exemptions/expired.yaml', '--as-of', '2020-01-31']);
    expect(document.exemptions!.applied).toBe(1);
    expect(
      json(['--input', before, '--exemptions', 'fixtures/exemptions/expired.yaml', '--as-of', '2020-02-01']).document.exemptions!.applied,
    ).toBe(0);
  });

  test('a malformed exemptions file exits 2 naming the line', () => {
    const result = runCli(['scan', '--input', before, '--exemptions', 'fixtures/exemptions/missing-justification.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^fixtures\/exemptions\/missing-justification\.yaml:2:5 {2}exemptions-invalid {2}missing required key 'justification' in '\/exemptions\/0'$/m,
    );
    expect(result.stdout).toBe('');
  });

  test('exemptions can live in keyscope.yaml', () => {
    const { document } = json(['--input', before, '--config', 'fixtures/config/inline-exemptions.keyscope.yaml']);
    expect(document.findings.filter((f) => f.suppression).map((f) => [f.ruleId, f.suppression!.exemption])).toEqual([
      ['key.hsm-backed', 'fixtures/config/inline-exemptions.keyscope.yaml:3:5'],
    ]);
  });
});

describe('exit codes, from the real CLI', () => {
  test('0 clean, 1 findings, 2 usage, 3 incomplete', () => {
    expect(
      runCli([
        'scan',
        '--input',
        'fixtures/inventories/three-vaults.json',
        '--rules',
        'fixtures/rules/valid-custom',
        '--no-builtin-rules',
        '--format',
        'json',
      ]).code,
    ).toBe(0);
    expect(runCli(['scan', '--input', before, '--format', 'json']).code).toBe(1);
    expect(runCli(['scan', '--input', before, '--fail-on', 'bogus']).code).toBe(2);
    expect(runCli(['scan', '--input', 'fixtures/inventories/record-without-type.json', '--format', 'json']).code).toBe(3);
  });
});

describe('--format markdown', () => {
  test('totals, failing rules, worst resources and what was not evaluated', () => {
    const md = runCli([
      'scan',
      '--input',
      before,
      '--input',
      'fixtures/inventories/record-without-type.json',
      '--format',
      'markdown',
      '--exemptions',
      'fixtures/exemptions/expired.yaml',
    ]).stdout;
    expect(md).toMatch(/^## keyscope\n\n⚠️ \*\*Scan incomplete\*\*/);
    expect(md).toContain('| 🔴 high | 11 |'); // with cmk.storage-queue-table and cmk.virtual-machine on the example
    expect(md).toMatch(/\| `keyvault\.purge-protection` \| high \| 1 \| 0 \|/);
    expect(md).toMatch(
      /### Worst resources\n\n\| resource \| type \| findings \| most severe \|\n\|---\|---\|---:\|---\|\n\| kv-legacy-app \| `microsoft\.keyvault\/vaults` \| 4 \| high \|/,
    );
    expect(md).toMatch(/### Not evaluated\n\n- `fixtures\/inventories\/record-without-type\.json:3` record-invalid:/);
    expect(md).toMatch(/Exemption `fixtures\/exemptions\/expired\.yaml:3:5`.*expired on 2020-01-31/);
  });
});
