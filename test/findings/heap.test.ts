import { getHeapStatistics } from 'node:v8';
import { collectIfLarge } from '../../src/findings/heap.js';

/** Heap in use, in MiB. */
const used = (): number => getHeapStatistics().used_heap_size / 2 ** 20;

describe('collecting a large heap', () => {
  // Whether this process started with --expose-gc is not asserted: jest reuses its workers, and an earlier
  // test file's scan may have exposed it already; the collection must happen either way.
  test('a heap past the threshold is collected: garbage just let go of is gone', () => {
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
