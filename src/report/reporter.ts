import type { ScanResult } from '../findings/index.js';
import type { SarifOptions } from './sarif.js';

/** How a report is rendered: the things a reporter may not find out for itself. */
export interface ReportOptions {
  /** ANSI colour (the CLI sets it only for a TTY without NO_COLOR). */
  color: boolean;
  /** SARIF profile and the rule documentation it embeds. */
  sarif?: SarifOptions;
}

/**
 * A reporter is a pure projection of one scan result into text, produced in
 * pieces so a million findings never become one string.
 */
export type Reporter = (result: ScanResult, options: ReportOptions) => Iterable<string>;
