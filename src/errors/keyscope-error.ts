/** Where in a user's file something went wrong. Lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
  /** JSON pointer into the document, when the file is structured. */
  pointer?: string;
}

/**
 * Base of every error keyscope reports on purpose. `code` is stable and
 * machine-readable; the CLI renders `file:line:col  code  message` and a hint.
 */
export class KeyscopeError extends Error {
  readonly code: string;
  readonly position: SourcePosition | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { position?: SourcePosition; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.position = options.position;
    this.hint = options.hint;
  }
}

/** `file:line:col` (as much of it as is known), the way compilers print it. */
export function formatPosition(position: SourcePosition | undefined): string {
  if (!position) return '';
  let text = position.file;
  if (position.line !== undefined) {
    text += `:${position.line}`;
    if (position.column !== undefined) text += `:${position.column}`;
  }
  return text;
}
