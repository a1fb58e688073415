import type { Command } from 'commander';
import type { Engine } from '../../engine/index.js';
import type { InventorySource } from '../../sources/index.js';
import type { CliIo } from '../io.js';
import type { ScanProgress, WatchedKind } from '../progress.js';

/** What building sources may use: the process's edges and what the rules need. */
export interface SourceContext {
  io: CliIo;
  /** The compiled rules: `resourceTypes` and `readsFor(type)` say what to fetch. */
  engine: Engine;
  /** `--verbose` and `--quiet`, for progress and request logs on stderr. */
  verbose: boolean;
  quiet: boolean;
  /** The scan's progress display: live sources report to it; notes go through its `lines`. */
  progress: ScanProgress;
}

/**
 * One kind of input `keyscope scan` can read (`--input`, `--subscription`,
 * `--template`, `--plan`): its flags, and the sources they ask for. Adding an
 * input means adding one of these to `sourceKinds`, nothing else.
 */
export interface SourceKind {
  /** Adds this kind's options to the scan command. */
  addOptions(command: Command): void;
  /** The sources the parsed flags ask for; none when this kind's flags were not given. */
  createSources(flags: Record<string, unknown>, context: SourceContext): InventorySource[] | Promise<InventorySource[]>;
  /** What its sources count toward in the progress display. */
  readonly progress: WatchedKind;
  /** One line for the "nothing to scan" error: `--input FILE`. */
  readonly usage: string;
}

/** Commander's collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
