import type { ScanResult } from '../findings/index.js';

/** A rule's documentation page and where it is published (SARIF embeds both; other formats may link them). */
export interface RuleDoc {
  /** The page's Markdown. */
  markdown: string;
  /** Its address online (built-in rules only). */
  url?: string;
}

/** What every reporter is given besides the result: nothing format-specific. */
export interface ReportOptions {
  /** ANSI colour (the CLI sets it only for a terminal without NO_COLOR). */
  color: boolean;
  /** A rule's documentation, by rule id, when it has a page (read by the CLI on first ask). */
  readonly ruleDoc: (id: string) => RuleDoc | undefined;
  /**
   * The scan's command-line flags as commander names them: a format reads
   * its own (`sarifProfile`, `sarifMaxRuns`) and no other.
   */
  flags: Readonly<Record<string, unknown>>;
}

/**
 * Where a reporter writes. Each write takes text in pieces (a generator is
 * pulled as the stream drains), so no report is ever one string.
 */
export interface ReportOutputs {
  /** The file the user named; undefined for standard output. */
  readonly file: string | undefined;
  /** Writes to the output the user named (that file or standard output); resolves when flushed. */
  write(pieces: Iterable<string>): Promise<void>;
  /** Writes a further file the reporter names (the GitHub SARIF profile's `name.2.sarif` beside `name.sarif`). */
  writeFile(file: string, pieces: Iterable<string>): Promise<void>;
}

/**
 * One output format. A reporter is a projection of one scan result: it
 * writes a run, a rule or a finding at a time, never the whole report as
 * one object graph or one string; findings and posture are the only things
 * a scan holds.
 */
export interface ReportFormat {
  /** The name `--format` and `--output FORMAT=FILE` take. */
  readonly format: string;
  /** The file extension its files take, with the dot (numbered files keep it: `name.2.sarif`). */
  readonly extension: string;
  /** Checks the format's own flags before the scan runs, so a typo costs no scan (throws a UsageError). */
  readonly checkFlags?: (flags: ReportOptions['flags']) => void;
  /** Writes the report to its outputs; resolves when every file is flushed. */
  write(result: ScanResult, outputs: ReportOutputs, options: ReportOptions): Promise<void>;
}

/** Text of at least this many characters goes out as one piece: few writes, no report-sized string. */
export const PIECE = 1 << 16;

/** A format that writes one document to the output the user named, from a generator of pieces. */
export function singleDocument<F extends string>(
  format: F,
  extension: string,
  render: (result: ScanResult, options: ReportOptions) => Iterable<string>,
): ReportFormat & { format: F } {
  return { format, extension, write: (result, outputs, options) => outputs.write(render(result, options)) };
}

/**
 * `singleDocument` for a format whose module (and the library it writes
 * with) is loaded only when a scan asks for it: a scan writing JSON never
 * pays for an XML or CSV library's start-up.
 */
export function lazyDocument<F extends string>(
  format: F,
  extension: string,
  load: () => Promise<(result: ScanResult, options: ReportOptions) => Iterable<string>>,
): ReportFormat & { format: F } {
  return { format, extension, write: async (result, outputs, options) => outputs.write((await load())(result, options)) };
}

/** `name.N.ext` for the N-th of several files a reporter writes instead of `name.ext` (the extension is added when missing). */
export function numberedFile(file: string, extension: string, n: number): string {
  return file.endsWith(extension) ? `${file.slice(0, -extension.length)}.${n}${extension}` : `${file}.${n}`;
}
