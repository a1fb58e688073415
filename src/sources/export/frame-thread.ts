import { Worker } from 'node:worker_threads';
import type { RecordBlock } from './record-block.js';
import { SplitError } from './record-splitter.js';

/**
 * Files at least this large are framed on a worker thread: below it, the
 * thread's start (loading the splitter in a fresh isolate, some 30 ms)
 * costs more than framing takes.
 */
export const FRAME_THREAD_MIN_BYTES = 32 << 20;

/** Blocks the thread may frame ahead of the scan: bounds what is held (4 MiB each) while keeping both threads busy. */
const AHEAD = 3;

/** Slots of the counters shared with the thread. */
export const CONSUMED = 0;
export const STOP = 1;

/** What the thread sends: a block, the end, or why it stopped. */
export type FrameMessage =
  | { kind: 'block'; block: RecordBlock }
  | { kind: 'done' }
  | { kind: 'split-error'; message: string; line: number; column: number }
  | { kind: 'read-error'; message: string };

/** What the thread is started with. */
export interface FrameThreadData {
  file: string;
  wanted: string[] | undefined;
  start: { offset: number; line: number };
  counters: SharedArrayBuffer;
  ahead: number;
}

/**
 * `frameFile` on a worker thread: the same blocks in the same order, and the
 * same SplitError after the same blocks, while this thread parses and
 * evaluates the ones before. Blocks own their bytes, so they move between
 * threads without a copy. The thread frames at most `AHEAD` blocks past the
 * one being evaluated; a consumer that stops iterating stops the thread.
 */
export async function* frameFileOnThread(
  file: string,
  wanted: ReadonlySet<string> | undefined,
  start: { offset: number; line: number } = { offset: 0, line: 1 },
): AsyncGenerator<RecordBlock> {
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const data: FrameThreadData = { file, wanted: wanted && [...wanted], start, counters: counters.buffer, ahead: AHEAD };
  const worker = new Worker(new URL('./frame-thread-main.js', import.meta.url), { workerData: data });
  const queue: FrameMessage[] = [];
  let wake: (() => void) | undefined;
  const arrive = (message: FrameMessage): void => {
    queue.push(message);
    wake?.();
  };
  worker.on('message', arrive);
  worker.on('error', (error: Error) => arrive({ kind: 'read-error', message: error.message }));
  worker.on('exit', (code) => arrive({ kind: 'read-error', message: `the reading thread stopped (exit code ${code})` }));
  try {
    for (;;) {
      // The thread keeps the process alive only while the scan waits on it, never once the scan is done with it.
      worker.ref();
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      worker.unref();
      wake = undefined;
      const message = queue.shift()!;
      switch (message.kind) {
        case 'block':
          yield message.block;
          // Counted once the block is evaluated: the thread frames ahead of this, not of the queue.
          Atomics.add(counters, CONSUMED, 1);
          Atomics.notify(counters, CONSUMED);
          break;
        case 'done':
          return;
        case 'split-error':
          throw new SplitError(message.message, message.line, message.column);
        case 'read-error':
          throw new Error(message.message);
      }
    }
  } finally {
    Atomics.store(counters, STOP, 1);
    Atomics.notify(counters, CONSUMED);
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
