import { jsonFormat } from './json.js';
import { textFormat } from './text.js';
import { markdownFormat } from './markdown.js';
import { sarifFormat } from './sarif.js';
import { csvFormat } from './csv.js';
import { junitFormat } from './junit.js';
import { htmlFormat } from './html.js';
import type { ReportFormat } from './reporter.js';

export { numberedFile, singleDocument, type ReportFormat, type ReportOptions, type ReportOutputs, type RuleDoc } from './reporter.js';
export { renderJson, findingJson, FINDINGS_SCHEMA_VERSION } from './json.js';
export { renderText, locationText } from './text.js';
export { renderMarkdown } from './markdown.js';
export { renderCsv, csvRow, CSV_COLUMNS } from './csv.js';
export { renderJunit } from './junit.js';
export { renderHtml } from './html.js';
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
  csvFormat,
  junitFormat,
  htmlFormat,
] as const satisfies readonly ReportFormat[];

/** A name `--format` takes. */
export type Format = (typeof reportFormats)[number]['format'];
