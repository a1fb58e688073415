import type { ScanProblem } from '../../model/index.js';
import type { JsonText } from './json-text.js';

/**
 * Problem codes of template scans. Each makes the scan incomplete (exit 3),
 * except the notices below and a limit, which is fatal (exit 2, as Azure
 * refuses the deployment); the other templates are always scanned.
 */
export const PROBLEM = {
  /** The template is not JSON, not a deployment template, or an expression in it cannot be evaluated. */
  templateInvalid: 'template-invalid',
  /** A parameter has no value (none given, no default): what uses it is unknown. */
  parameterMissing: 'template-parameter-missing',
  /** A parameters file is not JSON, not a parameters file, or names a parameter the template does not declare. */
  parametersInvalid: 'parameters-invalid',
  /** A nested deployment links to a template by URI: its resources are not scanned. */
  linkNotFollowed: 'template-link-not-followed',
  /** The template exceeds a limit Azure enforces (or one of keyscope's own bounds): nothing of it is scanned. */
  limitExceeded: 'template-limit-exceeded',
} as const;

/** Codes that make the exit code 2: Azure would refuse the whole deployment. */
const FATAL: ReadonlySet<string> = new Set([PROBLEM.limitExceeded]);

/**
 * Codes that are notices: deploy-time unknowns, not failures to read. A
 * parameter with no value makes what reads it unknown, as `reference()`
 * does, and the scan stays complete.
 */
const NOTICES: ReadonlySet<string> = new Set([PROBLEM.parameterMissing]);

/**
 * Collects a file's problems with their positions: each at most once (copy
 * loops evaluate the same expression many times), the JSON pointer leading
 * the message so it can be found without an editor.
 */
export class ProblemLog {
  private readonly seen = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly sink: (problem: ScanProblem) => void,
  ) {}

  /** Reports a problem at an offset of a parsed file (or with no position). */
  add(code: string, message: string, at?: { json: JsonText; offset: number; pointer?: string }): void {
    const position = at ? at.json.position(at.offset) : undefined;
    const text = at?.pointer !== undefined ? `${at.pointer || '/'}: ${message}` : message;
    this.addAt(code, text, position, at?.json.file);
  }

  /** Reports a problem at a known line and column. */
  addAt(code: string, message: string, position?: { line: number; column: number }, file = this.file): void {
    const key = `${file}\u0000${code}\u0000${position?.line ?? 0}:${position?.column ?? 0}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.sink({
      code,
      message,
      target: file,
      ...(position ? { line: position.line, column: position.column } : {}),
      ...(NOTICES.has(code) ? { notice: true } : {}),
      ...(FATAL.has(code) ? { fatal: true } : {}),
    });
  }
}
