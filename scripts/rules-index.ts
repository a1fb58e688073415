/**
 * Writes docs/rules/README.md, the index of the built-in pack, from the rule
 * files (`node dist/scripts/rules-index.js`). A test fails when the index is
 * out of date, so a new rule cannot ship without its line.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package.js';
import { renderRulesIndex } from './rules-index-render.js';

const file = path.join(packageRoot, 'docs', 'rules', 'README.md');
writeFileSync(file, renderRulesIndex());
console.log(`wrote ${file}`);
