import { jsonFormat } from './json.js';
import { textFormat } from './text.js';
import { markdownFormat } from './markdown.js';
import { sarifFormat } from './sarif.js';
import { lazyDocument, type ReportFormat } from './reporter.js';

export {
  lazyDocument,
  numberedFile,
  singleDocument,
  type ReportFormat,
  type ReportOptions,
  type ReportOutputs,
  type RuleDoc,
} from './reporter.js';
export { renderJson, findingJson, FINDINGS_SCHEMA_VERSION } from './json.js';
export { renderText, locationText } from './text.js';
export { renderMarkdown } from './markdown.js';
// csv, junit and html are loaded when a scan writes them (lazyDocument): import them from their modules.
export {
  writeSarif,
  sarifSettings,
  pseudoPath,
  relativeUri,
  CATEGORY,
  FINGERPRINT_KEY,
  GITHUB_LIMITS,
  type SarifProfile,
  type SarifSettings,
} from './sarif.js';

/** Every output format, in the order `--help` lists them: a new format is a row here. */
export const reportFormats = [
  jsonFormat,
  textFormat,
  markdownFormat,
  sarifFormat,
  lazyDocument('csv', '.csv', async () => (await import('./csv.js')).renderCsv),
  lazyDocument('junit', '.xml', async () => (await import('./junit.js')).renderJunit),
  lazyDocument('html', '.html', async () => (await import('./html.js')).renderHtml),
] as const satisfies readonly ReportFormat[];

/** A name `--format` takes. */
export type Format = (typeof reportFormats)[number]['format'];
