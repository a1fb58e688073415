import { renderJson } from './json.js';
import { renderText } from './text.js';
import type { Reporter } from './reporter.js';

export { type Reporter, type ReportOptions } from './reporter.js';
export { renderJson, FINDINGS_SCHEMA_VERSION } from './json.js';
export { renderText, locationText } from './text.js';

/** Every output format, by the name `--format` takes. */
export const reporters = {
  json: renderJson,
  text: renderText,
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;
