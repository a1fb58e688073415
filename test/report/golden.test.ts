import { readFileSync } from 'node:fs';
import path from 'node:path';
import { available, EXIT_CODES_FILE, exitCodesText, GOLDEN_CASES, GOLDEN_DIR, readGolden, renderCase } from '../../scripts/golden-cases.js';

/**
 * Every format, byte for byte, against reports written by the build before
 * the reporters streamed (`fixtures/reports/golden/`). When what reports
 * contain changes on purpose, `npm run golden` rewrites them.
 */

/** Where two reports first differ, as a line a person can read; undefined when equal. */
function firstDifference(name: string, expected: Buffer | undefined, actual: Buffer | undefined): string | undefined {
  if (expected === undefined) return `${name}: written, but there is no golden file (npm run golden)`;
  if (actual === undefined) return `${name}: not written`;
  if (expected.equals(actual)) return undefined;
  const want = expected.toString('utf8').split('\n');
  const got = actual.toString('utf8').split('\n');
  let line = 0;
  while (line < want.length && want[line] === got[line]) line++;
  const clip = (text: string | undefined): string => (text === undefined ? '(end of file)' : text.slice(0, 300));
  return `${name}:${line + 1} differs (${expected.length} bytes expected, ${actual.length} written)\n- ${clip(want[line])}\n+ ${clip(got[line])}`;
}

describe.each(GOLDEN_CASES.map((testCase) => [testCase.name, testCase] as const))('golden reports: %s', (name, testCase) => {
  const run = available(testCase) ? test : test.skip;
  run('every format is byte-identical to its golden file, and so are the exit codes', () => {
    const golden = readGolden(testCase);
    expect(golden.size).toBeGreaterThan(0);
    const { files, exitCodes } = renderCase(testCase);
    const names = [...new Set([...golden.keys(), ...files.keys()])].sort();
    expect(names.map((file) => firstDifference(file, golden.get(file), files.get(file))).filter(Boolean)).toEqual([]);
    expect(exitCodesText(exitCodes)).toBe(readFileSync(path.join(GOLDEN_DIR, name, EXIT_CODES_FILE), 'utf8'));
  });
});
