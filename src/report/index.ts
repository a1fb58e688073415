import { renderJson } from './json.js';
import { renderText } from './text.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import type { Reporter } from './reporter.js';

export { type Reporter, type ReportOptions } from './reporter.js';
export { renderJson, FINDINGS_SCHEMA_VERSION } from './json.js';
export { renderText, locationText } from './text.js';
export { renderMarkdown } from './markdown.js';
export {
  renderSarif,
  sarifFiles,
  sarifLogs,
  pseudoPath,
  relativeUri,
  CATEGORY,
  FINGERPRINT_KEY,
  GITHUB_LIMITS,
  type SarifOptions,
  type SarifProfile,
} from './sarif.js';

/** Every output format, by the name `--format` takes. */
export const reporters = {
  json: renderJson,
  text: renderText,
  markdown: renderMarkdown,
  sarif: (result, options) => renderSarif(result, options.sarif ?? { profile: 'full' }),
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;
