import { RecordSplitter, SplitError, type SplitRecords } from '../../src/sources/index.js';

interface RecordText {
  text: string;
  line: number;
  column: number;
}

function texts({ bytes, spans }: SplitRecords): RecordText[] {
  const out: RecordText[] = [];
  for (let i = 0; i < spans.length; i += 4) {
    out.push({ text: bytes.toString('utf8', spans[i], spans[i + 1]), line: spans[i + 2]!, column: spans[i + 3]! });
  }
  return out;
}

/** Splits `text` fed in chunks of `size` bytes (1 = every boundary a chunk boundary). */
function split(text: string, size = 1 << 20, skip?: (type: string) => boolean): RecordText[] {
  const splitter = new RecordSplitter(skip);
  const out: RecordText[] = [];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) out.push(...texts(splitter.push(bytes.subarray(i, i + size))));
  out.push(...texts(splitter.end()));
  return out;
}

function splitError(text: string, size?: number): SplitError {
  try {
    split(text, size);
  } catch (error) {
    if (error instanceof SplitError) return error;
    throw error;
  }
  throw new Error('expected a SplitError');
}

const record = (n: number, extra = ''): string => `{"id":"/r/${n}","type":"t","properties":{"s":"a\\"]}[{b"${extra}}}`;

describe('RecordSplitter', () => {
  const arrayText = `[\n${record(1)},\n  ${record(2)}\n]\n`;
  const wrapperFirst = `{\n  "count": 2,\n  "data": [\n    ${record(1)},\n    ${record(2)}\n  ],\n  "skip_token": null,\n  "total_records": 2\n}`;
  const wrapperLast = `{"count":2,"facets":[{"x":[1,2]}],"data":[${record(1)},${record(2)}]}`;
  const ndjson = `${record(1)}\n${record(2)}\n`;

  test.each([
    ['a JSON array', arrayText],
    ['az graph query output, data after count', wrapperFirst],
    ['az graph query output on one line, data last', wrapperLast],
    ['NDJSON', ndjson],
  ])('reads %s, whatever the chunk size', (_name, text) => {
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const texts = split(text, size).map((r) => JSON.parse(r.text) as { id: string });
      expect([size, texts.map((r) => r.id)]).toEqual([size, ['/r/1', '/r/2']]);
    }
  });

  test('gives each record its line and column', () => {
    expect(split(arrayText, 5).map(({ line, column }) => [line, column])).toEqual([
      [2, 1],
      [3, 3],
    ]);
    expect(split(wrapperFirst, 3).map(({ line, column }) => [line, column])).toEqual([
      [4, 5],
      [5, 5],
    ]);
    expect(split(ndjson, 4).map((r) => r.line)).toEqual([1, 2]);
  });

  test('counts lines inside pretty-printed records', () => {
    const pretty = JSON.stringify(
      [
        { id: 'a', type: 't' },
        { id: 'b', type: 't' },
      ],
      null,
      2,
    );
    expect(split(pretty, 3).map((r) => r.line)).toEqual([2, 6]);
  });

  test('skips a UTF-8 byte order mark and keeps multi-byte text intact', () => {
    const text = `\ufeff[{"id":"é/ü","type":"t","name":"日本"}]`;
    expect(split(text, 1).map((r) => JSON.parse(r.text) as unknown)).toEqual([{ id: 'é/ü', type: 't', name: '日本' }]);
  });

  test('records of skipped types are counted, not handed out; a type it cannot see is never skipped', () => {
    const text = `[{"id":"a","type":"x/skip"},{"type" : "x/keep","id":"b"},{"id":"c","properties":{"type":"x/skip"}},{"id":"d","type":"x\\/skip"}]`;
    for (const size of [1, 5, 1 << 20]) {
      const splitter = new RecordSplitter((type) => type === 'x/skip');
      let skipped = 0;
      const kept: string[] = [];
      const bytes = Buffer.from(text);
      for (let i = 0; i <= bytes.length; i += size) {
        const part = i < bytes.length ? splitter.push(bytes.subarray(i, i + size)) : splitter.end();
        skipped += part.skipped;
        kept.push(...texts(part).map((r) => (JSON.parse(r.text) as { id: string }).id));
      }
      expect([size, skipped, kept]).toEqual([size, 1, ['b', 'c', 'd']]);
    }
  });

  test('an empty array yields no records and no error', () => {
    expect(split('[ ]')).toEqual([]);
    expect(split('{"count":0,"data":[]}')).toEqual([]);
  });

  test.each([
    ['an empty input', '', /input is empty/, 1, 1],
    ['text that is not JSON', 'hello', /expected a JSON array/, 1, 1],
    ['a missing comma between records', `[\n${record(1)}\n${record(2)}]`, /expected ',' or ']'/, 3, 1],
    ['an unclosed array', `[\n${record(1)},\n`, /not closed/, 3, 1],
    ['a truncated record', `[\n${record(1)},\n{"id":"x",`, /not complete/, 3, 1],
    ['content after the document', `[${record(1)}] x`, /after the end/, 1, expect.any(Number)],
    ['a non-object NDJSON line', `${record(1)}\n[1]\n`, /expected a JSON object/, 2, 1],
  ])('rejects %s with a position', (_name, text, message, line, column) => {
    const error = splitError(text, 4);
    expect(error.message).toMatch(message);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
  });
});
