/**
 * `npm run golden`: writes the byte-for-byte reference reports
 * (`fixtures/reports/golden/<case>/`) from the built CLI. Run it when what
 * the reports contain changes on purpose; `test/report/golden.test.ts` holds
 * every later build to them. Cases that need `../shared` are left as they
 * are when it is absent.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { available, EXIT_CODES_FILE, exitCodesText, GOLDEN_CASES, GOLDEN_DIR, renderCase, storedForm } from './golden-cases.js';

for (const testCase of GOLDEN_CASES) {
  if (!available(testCase)) {
    console.log(`golden: ${testCase.name} skipped (needs ../shared)`);
    continue;
  }
  const dir = path.join(GOLDEN_DIR, testCase.name);
  const { files, exitCodes } = renderCase(testCase);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) {
    const [stored, content] = storedForm(testCase, name, bytes);
    writeFileSync(path.join(dir, stored), content);
  }
  writeFileSync(path.join(dir, EXIT_CODES_FILE), exitCodesText(exitCodes));
  const bytes = [...files.values()].reduce((sum, file) => sum + file.length, 0);
  console.log(`golden: ${testCase.name}: ${files.size} files, ${(bytes / 1e6).toFixed(2)} MB, exit ${JSON.stringify(exitCodes)}`);
}
