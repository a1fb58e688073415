import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Resource, ScanProblem } from '../../src/model/index.js';
import { ExportSource, parseBlock } from '../../src/sources/index.js';
import { fixture } from '../helpers.js';

async function readAll(file: string): Promise<{ resources: Resource[]; problems: ScanProblem[] }> {
  const resources: Resource[] = [];
  const problems: ScanProblem[] = [];
  const report = (problem: ScanProblem): void => {
    problems.push(problem);
  };
  for await (const block of new ExportSource(file).batches({ report })) {
    const parsed = parseBlock(block, (resource) => resources.push(resource));
    problems.push(...parsed.problems);
    if (parsed.error) {
      const { message, line, column } = parsed.error;
      problems.push({ code: 'input-invalid', message, target: file, line, column, fatal: true });
      break;
    }
  }
  return { resources, problems };
}

describe('ExportSource', () => {
  test('reads the three export shapes to the same resources, each with its origin line', async () => {
    const array = await readAll(fixture('inventories', 'three-vaults.json'));
    const wrapper = await readAll(fixture('inventories', 'three-vaults.az-graph.json'));
    const ndjson = await readAll(fixture('inventories', 'three-vaults.ndjson'));
    const ids = (r: { resources: Resource[] }): string[] => r.resources.map((x) => x.id);
    expect(ids(wrapper)).toEqual(ids(array));
    expect(ids(ndjson)).toEqual(ids(array));
    expect(ndjson.resources.map((r) => r.origin)).toEqual(
      [1, 2, 3].map((line) => ({ kind: 'export', file: fixture('inventories', 'three-vaults.ndjson'), line })),
    );
    expect([array.problems, wrapper.problems, ndjson.problems]).toEqual([[], [], []]);
  });

  test('reads gzip files', async () => {
    const { resources } = await readAll(fixture('inventories', 'three-vaults.ndjson.gz'));
    expect(resources).toHaveLength(3);
  });

  test('gzip is told by its first bytes, not its name; a header line is taken off and later lines keep their numbers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyscope-export-source-'));
    const plain = readFileSync(fixture('inventories', 'three-vaults.ndjson'));
    const header = `${JSON.stringify({ keyscopeExport: 1, scope: 'tenant', subscriptions: [], covered: [], notRead: [], problems: [] })}\n`;
    const cases: [string, Buffer][] = [
      ['gzip-named.json', gzipSync(plain)],
      ['plain-named.ndjson.gz', plain],
      ['with-header.ndjson', Buffer.concat([Buffer.from(header), plain])],
      ['with-header.ndjson.gz', gzipSync(Buffer.concat([Buffer.from(header), plain]))],
    ];
    for (const [name, bytes] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      const { resources, problems } = await readAll(file);
      const firstLine = name.startsWith('with-header') ? 2 : 1;
      expect([name, problems, resources.map((resource) => (resource.origin as { line: number }).line)]).toEqual([
        name,
        [],
        [firstLine, firstLine + 1, firstLine + 2],
      ]);
    }
    // A malformed record after a header is located on its own line.
    const broken = path.join(dir, 'broken.ndjson');
    writeFileSync(broken, `${header}${plain.toString('utf8').split('\n')[0]}\n{"id": oops}\n`);
    expect((await readAll(broken)).problems).toEqual([expect.objectContaining({ code: 'input-invalid', line: 3 })]);
  });

  test('a malformed line is a fatal problem naming the line, after the records before it', async () => {
    const file = fixture('inventories', 'malformed-line.ndjson');
    const { resources, problems } = await readAll(file);
    expect(resources.map((r) => r.name)).toEqual(['kv-ok-1', 'kv-ok-2']);
    expect(problems).toEqual([
      {
        code: 'input-invalid',
        message: expect.stringMatching(/^malformed JSON record/),
        target: file,
        line: 3,
        column: expect.any(Number),
        fatal: true,
      },
    ]);
  });

  test('a record without id or type is reported and skipped; the rest is read', async () => {
    const file = fixture('inventories', 'record-without-type.json');
    const { resources, problems } = await readAll(file);
    expect(resources.map((r) => r.name)).toEqual(['kv-first', 'kv-last']);
    expect(problems.map((p) => [p.code, p.line, p.fatal])).toEqual([
      ['record-invalid', 3, undefined],
      ['record-invalid', 4, undefined],
    ]);
  });

  test('a missing file is a fatal problem, not a crash', async () => {
    const { problems } = await readAll(fixture('inventories', 'does-not-exist.json'));
    expect(problems).toEqual([
      {
        code: 'input-unreadable',
        message: expect.stringMatching(/ENOENT/),
        target: fixture('inventories', 'does-not-exist.json'),
        fatal: true,
      },
    ]);
  });
});
