import { getHeapStatistics } from 'node:v8';
import { collectIfLarge } from '../../src/findings/heap.js';

/** Heap in use, in MiB. */
const used = (): number => getHeapStatistics().used_heap_size / 2 ** 20;

describe('collecting a large heap', () => {
  test('a heap past the threshold is collected without --expose-gc: garbage just let go of is gone', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    // About 60 MiB of objects that survive young-generation collections, then let go of at once.
    let held: { id: string; n: number }[][] | undefined = [];
    for (let i = 0; i < 400; i++) held.push(Array.from({ length: 2000 }, (_, n) => ({ id: `r${i}-${n}`, n })));
    const before = used();
    held = undefined;
    collectIfLarge(1);
    expect(held).toBeUndefined();
    expect(before - used()).toBeGreaterThan(40);
  });

  test('a heap below the threshold is left to V8', () => {
    let held: { id: string; n: number }[][] | undefined = [];
    for (let i = 0; i < 400; i++) held.push(Array.from({ length: 2000 }, (_, n) => ({ id: `r${i}-${n}`, n })));
    const before = used();
    held = undefined;
    collectIfLarge(Number.MAX_SAFE_INTEGER);
    expect(held).toBeUndefined();
    // Nothing collected that much at once (a scavenge may run, but the old generation keeps its garbage).
    expect(before - used()).toBeLessThan(40);
  });
});
