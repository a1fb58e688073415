import type { Resource, ScanProblem } from '../model/index.js';
import type { RecordBlock } from './export/record-block.js';
import type { TypeCount } from './type-counts.js';

/** Resources a source built itself (a live query, a template, a plan), ready to evaluate. */
export interface ResourceBatch {
  kind: 'resources';
  resources: Resource[];
}

/**
 * Resources by type that the source holds, handed out or not. The types a
 * source declares are counted by its declarations alone (what it handed
 * out of them is part of what it counted; several batches add up); other
 * types it hands out are counted as handed out.
 */
export interface TypeCountBatch {
  kind: 'type-counts';
  counts: readonly TypeCount[];
}

/** What a source hands the scan: raw records to parse, resources, or counts of resources by type. */
export type SourceBatch = RecordBlock | ResourceBatch | TypeCountBatch;

/** What the scan asks of a source. */
export interface ReadOptions {
  /**
   * Meets every problem as it is found: a file or subscription that could
   * not be read, a record that cannot be evaluated. A problem makes the scan
   * incomplete; a `fatal` one makes it exit 2.
   */
  report: (problem: ScanProblem) => void;
  /** Types (lower-case) some rule reads; a source may leave out resources of other types. */
  wanted?: ReadonlySet<string>;
  /**
   * Declares a subscription read completely (a live source calls it for
   * every subscription it covered, even one with no resources), so reports
   * can say "nothing found here" rather than "not looked at".
   */
  covered?: (subscriptionId: string) => void;
}

/** A place resources come from. Sources do I/O; they know nothing of rules, the engine or findings. */
export interface InventorySource {
  /** `kind:target`, e.g. `export:inventory.json`; the report lists it with the number of resources read. */
  readonly label: string;
  /**
   * The folder a folder scan found this source in. Such a source holding no
   * resource keyscope models is a notice (a module of role assignments is no
   * failure); a scan whose every source is empty is still an error.
   */
  readonly foundIn?: string;
  /** The input's size in bytes, when it is known (a file; not standard input or a live scan), for progress. */
  readonly bytes?: number;
  /** Batches in a stable order; a consumer that stops iterating closes the source. */
  batches(options: ReadOptions): AsyncIterable<SourceBatch>;
}
