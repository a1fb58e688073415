export { ExportSource, type InventorySource, type ReadOptions } from './export/export-source.js';
export { parseBlock, type RecordBlock, type ParsedBlock, type RecordParseError } from './export/record-block.js';
export { RecordSplitter, SplitError, type SplitRecords, type SkipType } from './export/record-splitter.js';
