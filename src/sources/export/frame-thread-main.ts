/**
 * The reading thread's entry point (see `frame-thread.ts`): frames the file
 * and posts each block, waiting while the scan is `ahead` blocks behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CHUNK, frameFile } from './framing.js';
import { CONSUMED, STOP, type FrameMessage, type FrameThreadData } from './frame-thread.js';
import { SplitError } from './record-splitter.js';

const { file, wanted, start, counters: shared, ahead } = workerData as FrameThreadData;
const counters = new Int32Array(shared);
const post = (message: FrameMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(message, transfer);

let produced = 0;
try {
  for (const block of frameFile(file, wanted && new Set(wanted), start)) {
    for (;;) {
      const consumed = Atomics.load(counters, CONSUMED);
      if (Atomics.load(counters, STOP) || produced - consumed < ahead) break;
      Atomics.wait(counters, CONSUMED, consumed);
    }
    if (Atomics.load(counters, STOP)) break;
    // A read buffer is the block's alone and moves; a small tail may sit in Node's shared pool and is copied.
    const owned = block.bytes.byteOffset === 0 && block.bytes.buffer.byteLength >= CHUNK;
    post({ kind: 'block', block }, owned ? [block.bytes.buffer as ArrayBuffer, block.spans.buffer as ArrayBuffer] : []);
    produced++;
  }
  post({ kind: 'done' });
} catch (error) {
  if (error instanceof SplitError) post({ kind: 'split-error', message: error.message, line: error.line, column: error.column });
  else post({ kind: 'read-error', message: (error as Error).message });
}
