/**
 * Exit codes are a contract: flags move thresholds, never meanings.
 * When several apply, the most serious wins: 2, then 3, then 1.
 */
export const ExitCode = {
  /** No finding at or above the threshold; everything was read. */
  Ok: 0,
  /** Findings at or above `--fail-on`. */
  Findings: 1,
  /** Usage or configuration error: bad flag, bad rule, unreadable or malformed input. */
  Usage: 2,
  /** Scan incomplete: something could not be read or evaluated. */
  Incomplete: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
