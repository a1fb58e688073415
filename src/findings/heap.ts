import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Below this much heap in use, collection is left to V8: a small scan's
 * heap is cheap to keep, and a forced collection would only cost time.
 */
const LARGE_HEAP = 384 * 1024 * 1024;

let collect: (() => void) | null | undefined;
let left = 0;

/**
 * A full garbage collection, when the heap is large. V8 sizes its heap from
 * what its last full collection left and collects again only near that
 * size, so garbage made after one (the second pass's released relations, a
 * report's pieces) piles up until then: a million-resource scan held 1,212
 * MB of heap for 541 MB live at the end of its second pass. The scan calls
 * this where it has just let go of much at once (after each pass), and
 * `collectIfGrown` through the second pass.
 *
 * `gc` is reached the way jest's leak detector reaches it (exposed, then
 * taken from a fresh context), so keyscope needs no Node flag; where that
 * is refused, V8 decides alone.
 */
export function collectIfLarge(large = LARGE_HEAP): void {
  if (getHeapStatistics().used_heap_size < large) return;
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  if (!collect) return;
  collect();
  left = getHeapStatistics().used_heap_size;
}

/** `collectIfLarge`, once the heap has grown by a quarter past what the last one left. */
export function collectIfGrown(): void {
  if (getHeapStatistics().used_heap_size >= left * 1.25) collectIfLarge();
}
