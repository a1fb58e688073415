/** A place the CLI writes text to. */
export interface TextSink {
  write(text: string): unknown;
}

/** Everything the CLI needs from its process, so tests can run it in-process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Whether stdout is a terminal (default format text, colour). */
  stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (progress lines that redraw themselves). */
  stderrIsTTY: boolean;
  /** stderr's width in columns, when it is a terminal (the progress bar fits it). */
  stderrColumns?: number;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Writes a file in pieces (outputs may be large); resolves when it is flushed. */
  writeFile(file: string, pieces: Iterable<string>): Promise<void>;
  /** Writes pieces to stdout, respecting back-pressure. */
  writeStdout(pieces: Iterable<string>): Promise<void>;
}
