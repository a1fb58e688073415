/**
 * Something a scan could not read or evaluate. Problems never hide
 * findings; they make the scan incomplete (exit 3) and are listed in every
 * report, so "no findings" is never mistaken for "compliant".
 */
export interface ScanProblem {
  /** Stable code, e.g. `input-invalid`, `record-invalid`, `subscription-not-read`. */
  code: string;
  message: string;
  /** What could not be read: a file, a subscription id, a template. */
  target: string;
  /** 1-based position in `target`, when it is a file. */
  line?: number;
  column?: number;
  /** Fatal problems (a file that is not JSON) make the exit code 2 rather than 3. */
  fatal?: boolean;
  /**
   * A notice, not an error: everything was read and evaluated as far as its
   * inputs allow (a template parameter with no value: what reads it is
   * unknown, as a `reference()` is). Reports list notices apart
   * (`scan.notices`); they leave the scan complete.
   */
  notice?: boolean;
}
