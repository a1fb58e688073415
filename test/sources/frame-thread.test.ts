import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScanProblem } from '../../src/model/index.js';
import { CHUNK, frameFile } from '../../src/sources/export/framing.js';
import { FRAME_THREAD_MIN_BYTES, frameFileOnThread } from '../../src/sources/export/frame-thread.js';
import type { RecordBlock } from '../../src/sources/export/record-block.js';
import { SplitError } from '../../src/sources/export/record-splitter.js';
import { ExportSource } from '../../src/sources/index.js';

/** A block as plain data, to compare what two readers handed out. */
function plain(block: RecordBlock): unknown {
  return {
    file: block.file,
    sequence: block.sequence,
    bytes: Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength).toString('latin1'),
    spans: [...block.spans],
    skipped: block.skipped,
    skippedTypes: block.skippedTypes ? [...block.skippedTypes] : undefined,
  };
}

/** What a reader hands out: its blocks, then the split error it ended with, if any. */
async function drain(blocks: Iterable<RecordBlock> | AsyncIterable<RecordBlock>): Promise<{ blocks: unknown[]; error?: unknown }> {
  const out: unknown[] = [];
  try {
    for await (const block of blocks) out.push(plain(block));
  } catch (error) {
    if (!(error instanceof SplitError)) throw error;
    return { blocks: out, error: { message: error.message, line: error.line, column: error.column } };
  }
  return { blocks: out };
}

/** NDJSON of `count` records (vaults and, every third, a type no rule reads), each about 700 bytes. */
function ndjson(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const type = i % 3 === 2 ? 'Microsoft.Network/virtualNetworks' : 'Microsoft.KeyVault/vaults';
    lines.push(
      JSON.stringify({
        id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/${type}/r${i}`,
        type,
        name: `r${i}`,
        // Multi-byte text, so byte offsets and character offsets differ.
        tags: { owner: 'équipe-sécurité', note: 'x'.repeat(500) },
        properties: { enablePurgeProtection: i % 2 === 0, enableSoftDelete: true },
      }),
    );
  }
  return lines.join('\n') + '\n';
}

const wanted = new Set(['microsoft.keyvault/vaults']);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-frame-thread-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('framing on a worker thread', () => {
  test('hands out the very blocks frameFile does, over several chunks, types skipped and counted alike', async () => {
    const file = path.join(dir, 'many.ndjson');
    const text = ndjson(20_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * CHUNK);
    writeFileSync(file, text);
    const onThread = await drain(frameFileOnThread(file, wanted));
    expect(onThread).toEqual(await drain(frameFile(file, wanted)));
    expect(onThread.blocks.length).toBeGreaterThan(3);
    expect(onThread.error).toBeUndefined();
  });

  test('a header line taken off the front: the same records, numbered from line 2', async () => {
    const file = path.join(dir, 'after-header.ndjson');
    const body = ndjson(50);
    writeFileSync(file, `#header\n${body}`);
    const start = { offset: '#header\n'.length, line: 2 };
    const onThread = await drain(frameFileOnThread(file, wanted, start));
    expect(onThread).toEqual(await drain(frameFile(file, wanted, start)));
    const [first] = onThread.blocks as { spans: number[] }[];
    expect(first!.spans.slice(2, 4)).toEqual([2, 1]);
  });

  test('malformed structure in the third chunk: the blocks before it, then the same SplitError, line and column', async () => {
    const file = path.join(dir, 'broken.ndjson');
    const lines = ndjson(20_000).split('\n');
    lines[14_000] = 'nonsense';
    writeFileSync(file, lines.join('\n'));
    const onThread = await drain(frameFileOnThread(file, wanted));
    expect(onThread).toEqual(await drain(frameFile(file, wanted)));
    expect(onThread.error).toMatchObject({ line: 14_001 });
    expect(onThread.blocks.length).toBeGreaterThan(1);
  });

  test('a consumer that stops after one block stops the thread; the file can be read again whole', async () => {
    const file = path.join(dir, 'stopped.ndjson');
    writeFileSync(file, ndjson(20_000));
    let seen = 0;
    for await (const block of frameFileOnThread(file, wanted)) {
      expect(block.sequence).toBe(0);
      seen++;
      break;
    }
    expect(seen).toBe(1);
    expect((await drain(frameFileOnThread(file, wanted))).blocks.length).toBeGreaterThan(3);
  });

  test('a file that cannot be opened is an error naming it, not a crash of the thread', async () => {
    const missing = path.join(dir, 'missing.ndjson');
    await expect(drain(frameFileOnThread(missing, wanted))).rejects.toThrow(/ENOENT.*missing\.ndjson/);
  });

  test('ExportSource frames a file of the threshold size on the thread, with the blocks it would frame itself', async () => {
    const file = path.join(dir, 'large.ndjson');
    let text = ndjson(1_000);
    while (Buffer.byteLength(text) < FRAME_THREAD_MIN_BYTES) text += text;
    writeFileSync(file, text);
    const problems: ScanProblem[] = [];
    const fromSource: RecordBlock[] = [];
    for await (const batch of new ExportSource(file).batches({ report: (problem) => problems.push(problem), wanted })) {
      fromSource.push(batch);
    }
    expect(problems).toEqual([]);
    // A block that crossed threads arrives as a plain Uint8Array (a Buffer does not survive the move).
    expect(fromSource[0]!.bytes).not.toBeInstanceOf(Buffer);
    expect(fromSource.map(plain)).toEqual((await drain(frameFile(file, wanted))).blocks);
  });
});
