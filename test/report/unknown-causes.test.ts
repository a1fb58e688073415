import { readFileSync } from 'node:fs';
import { applyBaseline, readBaseline, type Finding } from '../../src/findings/index.js';
import { UNKNOWN_CAUSES } from '../../src/model/index.js';
import { CAUSE_REMEDIES } from '../../src/report/unknown-causes.js';
import { fixture, root, runCli } from '../helpers.js';

describe('the closed list of causes', () => {
  test('the schema enum is the list; docs/findings-format.md gives each its remedy', () => {
    const schema = JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as {
      definitions: { unknownCause: { enum: string[] } };
    };
    expect(schema.definitions.unknownCause.enum).toEqual([...UNKNOWN_CAUSES]);
    expect(Object.keys(CAUSE_REMEDIES)).toEqual([...UNKNOWN_CAUSES]);
    const doc = readFileSync(`${root}/docs/findings-format.md`, 'utf8');
    for (const cause of UNKNOWN_CAUSES)
      expect(doc).toMatch(new RegExp(`\\| \`${cause}\` \\| [^|]+ \\| ${escape(CAUSE_REMEDIES[cause])} \\|`));
  });

  test('text, Markdown and SARIF reports: unknowns grouped by cause, one line each with its remedy', () => {
    const file = fixture('grants', 'custom-roles.json');
    const text = runCli(['scan', '--input', file, '--format', 'text']).stdout;
    expect(text.slice(text.indexOf('\nUnknown  '))).toBe(
      `\nUnknown  1 finding could not be decided, by cause:\n  role-definition-unknown       1  ${CAUSE_REMEDIES['role-definition-unknown']}\n`,
    );
    const markdown = runCli(['scan', '--input', file, '--format', 'markdown']).stdout;
    expect(markdown).toContain(
      `| cause | unknown findings | what to do |\n|---|---:|---|\n| \`role-definition-unknown\` | 1 | ${CAUSE_REMEDIES['role-definition-unknown']} |`,
    );
    const sarif = JSON.parse(runCli(['scan', '--input', file, '--format', 'sarif']).stdout) as {
      runs: { results: { level: string; properties: { status: string; cause?: string } }[] }[];
    };
    expect(sarif.runs[0]!.results.map((result) => [result.properties.status, result.properties.cause])).toEqual([
      ['fail', undefined],
      ['unknown', 'role-definition-unknown'],
    ]);
  });
});

describe('a baseline keeps what its report said', () => {
  test.each(['json', 'sarif'])('an unknown gone since a %s baseline is absent with its recorded cause', (format) => {
    const previous = runCli(['scan', '--input', fixture('grants', 'custom-roles.json'), '--format', format]).stdout;
    const findings: Finding[] = [];
    applyBaseline(findings, readBaseline(previous));
    expect(findings.map((finding) => [finding.baselineState, finding.status, finding.cause])).toEqual([
      ['absent', 'fail', undefined],
      ['absent', 'unknown', 'role-definition-unknown'],
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
