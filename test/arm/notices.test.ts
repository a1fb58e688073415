import type * as Sarif from 'sarif';
import { runInProcess } from '../helpers.js';
import { scanJson } from './support.js';

const PARAMETER = {
  code: 'template-parameter-missing',
  message: "the parameter 'name' has no value and no default: what depends on it is unknown (give it with --parameters)",
  target: 'fixtures/arm/notices/vault-name-required.json',
  line: 5,
  column: 5,
};
const EMPTY = {
  code: 'input-empty',
  message: 'the template deploys no resource with the parameters given',
  target: 'fixtures/arm/notices/role-assignment-off.json',
};

/** Deploy-time unknowns are notices: listed in every report, the scan stays complete. */
describe('notices', () => {
  test('a required parameter left unset and a module that deploys nothing: notices, the scan complete, exit 0', async () => {
    const { code, stderr, document } = await scanJson(['--template', 'fixtures/arm/notices']);
    expect([code, stderr]).toEqual([0, '']);
    expect(document.scan.complete).toBe(true);
    expect(document.scan.errors).toEqual([]);
    expect(document.scan.notices).toEqual([EMPTY, PARAMETER]);
    // The vault's own settings are known: its name is not, and no rule reads it.
    expect(document.summary.byRule['keyvault.purge-protection']).toEqual({
      severity: 'high',
      pass: 1,
      fail: 0,
      unknown: 0,
      notApplicable: 0,
    });
  });

  test('text and Markdown list them after the findings, briefly', async () => {
    const text = await runInProcess(['scan', '--template', 'fixtures/arm/notices', '--format', 'text']);
    expect(text.stdout.slice(text.stdout.indexOf('\nNotices'))).toBe(
      [
        '\nNotices: 2 (the scan is complete; what they leave unknown shows as unknown findings)',
        `  ${EMPTY.target}  input-empty  ${EMPTY.message}`,
        `  ${PARAMETER.target}:5:5  template-parameter-missing  ${PARAMETER.message}`,
        'No findings.\n',
      ].join('\n'),
    );
    const markdown = await runInProcess(['scan', '--template', 'fixtures/arm/notices', '--format', 'markdown']);
    expect(markdown.stdout.slice(markdown.stdout.indexOf('### Notices'))).toBe(
      [
        '### Notices (2)',
        '',
        `- \`${EMPTY.target}\` input-empty: ${EMPTY.message}`,
        `- \`${PARAMETER.target}:5\` template-parameter-missing: ${PARAMETER.message}`,
        '',
      ].join('\n'),
    );
  });

  test('SARIF carries them as toolExecutionNotifications at level note; the run is successful', async () => {
    const result = await runInProcess(['scan', '--template', 'fixtures/arm/notices', '--format', 'sarif']);
    const run = (JSON.parse(result.stdout) as Sarif.Log).runs[0]!;
    const invocation = run.invocations![0]!;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications!.map((n) => [n.level, n.descriptor?.id, n.message.text])).toEqual([
      ['note', 'input-empty', `${EMPTY.target}: ${EMPTY.message}`],
      ['note', 'template-parameter-missing', `${PARAMETER.target}: ${PARAMETER.message}`],
    ]);
    expect(invocation.toolExecutionNotifications![1]!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 5, startColumn: 5 });
  });

  test('a folder where no template deploys anything is still an incomplete scan (exit 3)', async () => {
    const { code, stderr, document } = await scanJson(['--template', 'fixtures/arm/notices-all-empty']);
    const error = {
      code: 'input-empty',
      message: 'no template in this folder deploys a resource with the parameters given',
      target: 'fixtures/arm/notices-all-empty',
    };
    expect([code, stderr]).toEqual([3, `${error.target}  ${error.code}  ${error.message}\n`]);
    expect(document.scan.errors).toEqual([error]);
    expect(document.scan.notices).toEqual([{ ...EMPTY, target: 'fixtures/arm/notices-all-empty/role-assignment-off.json' }]);
  });

  test('a template named on its own that deploys nothing is an error, as any empty input', async () => {
    const { code, document } = await scanJson(['--template', EMPTY.target]);
    expect(code).toBe(3);
    expect(document.scan.errors).toEqual([{ code: 'input-empty', message: 'the source held no resources', target: EMPTY.target }]);
  });
});
