import { fixture, runCli } from '../helpers.js';

describe('template unknowns say why', () => {
  test('a parameter nobody gave is parameter-missing; reference() of a resource the template does not deploy is deploy-time-value', () => {
    const result = runCli(['scan', '--template', fixture('arm', 'unknown-causes', 'parameter-and-reference.json'), '--format', 'json']);
    const findings = (
      JSON.parse(result.stdout) as { findings: { ruleId: string; status: string; cause?: string; resource: { name: string } }[] }
    ).findings;
    expect(findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status} ${f.cause}`)).toEqual([
      'cmk.cosmos-db cosmos-reference unknown deploy-time-value',
      'cmk.key-access-scoped cosmos-reference unknown deploy-time-value',
      // No identity declared: Azure would give the principal at deployment.
      'cmk.key-access-scoped stparameter unknown deploy-time-value',
      'cmk.key-resolvable cosmos-reference unknown deploy-time-value',
      'cmk.key-resolvable stparameter unknown parameter-missing',
      'cmk.key-size-for-service cosmos-reference unknown deploy-time-value',
      'cmk.key-size-for-service stparameter unknown parameter-missing',
      'cmk.key-store-protected cosmos-reference unknown deploy-time-value',
      'cmk.key-store-protected stparameter unknown parameter-missing',
      'cmk.storage-account stparameter unknown parameter-missing',
      // Its encryption block names no queue or table key type: they stay on the service's key.
      'cmk.storage-queue-table stparameter fail undefined',
    ]);
  });
  test('text and Markdown: findings, then the unknowns by cause, then the notice of the missing parameter', () => {
    const file = fixture('arm', 'unknown-causes', 'parameter-and-reference.json');
    const text = runCli(['scan', '--template', file, '--format', 'text']).stdout;
    const textOrder = ['cmk.cosmos-db', 'Unknown  10 findings could not be decided, by cause:', 'Notices: 1'].map((part) =>
      text.indexOf(part),
    );
    expect(textOrder.every((at, i) => at >= 0 && (i === 0 || at > textOrder[i - 1]!))).toBe(true);
    expect(
      text
        .split('\n')
        .filter((line) => /^ {2}(deploy-time-value|parameter-missing) /.test(line))
        .map((line) => line.trim().split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['deploy-time-value', '6'],
      ['parameter-missing', '4'],
    ]);
    const markdown = runCli(['scan', '--template', file, '--format', 'markdown']).stdout;
    const markdownOrder = ['### Failing rules', '| `deploy-time-value` | 6 |', '| `parameter-missing` | 4 |', '### Notices (1)'].map(
      (part) => markdown.indexOf(part),
    );
    expect(markdownOrder.every((at, i) => at >= 0 && (i === 0 || at > markdownOrder[i - 1]!))).toBe(true);
  });
});
