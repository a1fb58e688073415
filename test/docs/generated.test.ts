import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderDocs } from '../../scripts/docs-render.js';
import { root } from '../helpers.js';

/**
 * Every page and block `npm run docs` writes must be committed as it would
 * write it: a catalog file, a rule or a mapping cannot change without its
 * documentation.
 */
describe('generated documentation (npm run docs)', () => {
  const rendered = [...renderDocs()].map(([file, content]) => [path.relative(root, file), content] as const);

  test('covers the rules index, the services page, the service tables, the Terraform mapping and every rule page', () => {
    const files = rendered.map(([file]) => file);
    expect(files).toEqual(
      expect.arrayContaining([
        'docs/rules/README.md',
        'docs/services.md',
        'docs/terraform.md',
        'docs/key-management-models.md',
        'docs/data-sources.md',
        'docs/inputs.md',
        'docs/rules/cmk.storage-account.md',
      ]),
    );
  });

  test.each(rendered)('%s is up to date', (file, content) => {
    let committed: string | undefined;
    try {
      committed = readFileSync(path.join(root, file), 'utf8');
    } catch {
      committed = undefined;
    }
    expect({ file, upToDate: committed === content }).toEqual({ file, upToDate: true });
  });
});
