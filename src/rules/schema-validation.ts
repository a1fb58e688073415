// Moved to the shared leaf src/documents (the service catalog validates with it too); kept so imports stay as they were.
export { validateSource, schemaMessages, closest } from '../documents/index.js';
