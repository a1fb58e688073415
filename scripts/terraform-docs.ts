/**
 * Rewrites the mapping tables in docs/terraform.md from the tables the
 * Terraform source applies (`node dist/scripts/terraform-docs.js`). A test
 * fails when the document is out of date, so a mapping cannot change
 * without its documentation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package.js';
import { withMappingTables } from './terraform-docs-render.js';

const file = path.join(packageRoot, 'docs', 'terraform.md');
writeFileSync(file, withMappingTables(readFileSync(file, 'utf8')));
console.log(`wrote ${file}`);
