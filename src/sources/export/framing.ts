import { closeSync, openSync, readSync } from 'node:fs';
import { isTypeCountsType } from '../type-counts.js';
import type { RecordBlock } from './record-block.js';
import { RecordSplitter, type SplitRecords } from './record-splitter.js';

/** Bytes read at a time. */
export const CHUNK = 4 << 20;

/** The splitter for an input, skipping records of types not in `wanted` (lower-case). */
export function splitterFor(wanted: ReadonlySet<string> | undefined, firstLine = 1): RecordSplitter {
  if (!wanted) return new RecordSplitter(undefined, firstLine);
  // Types repeat: decide each spelling once.
  const decided = new Map<string, boolean>();
  return new RecordSplitter((type) => {
    let skip = decided.get(type);
    if (skip === undefined) {
      skip = !wanted.has(type.toLowerCase()) && !isTypeCountsType(type);
      decided.set(type, skip);
    }
    return skip;
  }, firstLine);
}

/** A block over the split records of one chunk (a view: the chunk is never reused). */
export function toBlock(file: string, sequence: number, split: SplitRecords): RecordBlock | undefined {
  if (split.spans.length === 0 && split.skipped === 0) return undefined;
  const block: RecordBlock = {
    kind: 'records',
    file,
    sequence,
    bytes: split.bytes,
    spans: Int32Array.from(split.spans),
    skipped: split.skipped,
  };
  if (split.skippedTypes) block.skippedTypes = split.skippedTypes;
  return block;
}

/**
 * Frames a plain file into record blocks, synchronously. Each read goes into
 * a fresh buffer with the previous chunk's unfinished tail in front, so
 * nothing is concatenated or copied twice, and each block owns its bytes
 * (it can be transferred to another thread). Throws SplitError on malformed
 * structure, after yielding every block before it. `start` skips what the
 * reader has taken off the front (an export's header line).
 */
export function* frameFile(
  file: string,
  wanted: ReadonlySet<string> | undefined,
  start: { offset: number; line: number } = { offset: 0, line: 1 },
): Generator<RecordBlock> {
  const splitter = splitterFor(wanted, start.line);
  const fd = openSync(file, 'r');
  let sequence = 0;
  let position = start.offset;
  try {
    for (;;) {
      const carry = splitter.takeCarry();
      const head = carry?.length ?? 0;
      const buffer = Buffer.allocUnsafeSlow(head + CHUNK);
      if (carry) carry.copy(buffer, 0);
      const read = readSync(fd, buffer, head, CHUNK, position);
      position += read;
      if (read === 0) {
        const last = toBlock(file, sequence, splitter.end(carry));
        if (last) yield last;
        return;
      }
      const block = toBlock(file, sequence, splitter.push(buffer.subarray(0, head + read)));
      if (block) {
        sequence++;
        yield block;
      }
    }
  } finally {
    closeSync(fd);
  }
}
