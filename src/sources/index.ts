export { ExportSource, type InventorySource } from './export/export-source.js';
export { RecordSplitter, SplitError, type RecordText } from './export/record-splitter.js';
