/**
 * `npm run docs`: writes every generated page and block from the service
 * catalog and the built-in rules (scripts/docs-render.ts). Commit what it
 * changes; a test fails when the committed docs differ from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package.js';
import { renderDocs } from './docs-render.js';

let changed = 0;
for (const [file, content] of renderDocs()) {
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === content) continue;
  writeFileSync(file, content);
  changed++;
  console.log(`wrote ${path.relative(packageRoot, file)}`);
}
console.log(changed ? `${changed} file(s) updated` : 'docs are up to date');
