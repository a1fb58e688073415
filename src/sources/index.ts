export { ExportSource } from './export/export-source.js';
export { type ReadProgress } from './progress.js';
export { type InventorySource, type ReadOptions, type SourceBatch, type ResourceBatch } from './source.js';
export { parseBlock, type RecordBlock, type ParsedBlock, type RecordParseError } from './export/record-block.js';
export { RecordSplitter, SplitError, type SplitRecords, type SkipType } from './export/record-splitter.js';
