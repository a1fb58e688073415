export { TemplateSource, EmptyTemplateFolder, type TemplateFile } from './template-source.js';
export { scanTemplate, deploymentNameOf, isTemplateSchema, type TemplateInput, type TemplateScanOptions } from './scan-template.js';
export { discoverTemplates, classifyJson, type Discovery, type SkippedFile, type JsonFileKind } from './discover.js';
export { PLACEHOLDERS } from './resource-ids.js';
export { PROBLEM as TEMPLATE_PROBLEM } from './problems.js';
export { uniqueString, deterministicGuid } from './hashes.js';
export { DEPLOY_TIME_FUNCTIONS } from './deploy-time.js';
