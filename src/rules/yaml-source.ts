// Moved to the shared leaf src/documents (the service catalog parses YAML too); kept so imports stay as they were.
export { parseYamlSource, type YamlSource } from '../documents/index.js';
