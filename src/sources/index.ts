export { ExportSource } from './export/export-source.js';
export { type ReadProgress } from './progress.js';
export { type InventorySource, type ReadOptions, type SourceBatch, type ResourceBatch, type TypeCountBatch } from './source.js';
export { parseBlock, type RecordBlock, type ParsedBlock, type RecordParseError } from './export/record-block.js';
export { RecordSplitter, SplitError, type SplitRecords, type SkipType } from './export/record-splitter.js';
export {
  TYPE_COUNTS_RECORD_ID,
  TYPE_COUNTS_RECORD_TYPE,
  isTypeCountsType,
  readTypeCounts,
  typeCountsRecord,
  type TypeCount,
} from './type-counts.js';
