export { parseYamlSource, type YamlSource, type DocumentPath, type LineColumn } from './yaml-source.js';
export { validateSource, schemaMessages, closest } from './schema-validation.js';
