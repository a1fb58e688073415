export {
  makeFinding,
  fingerprintOf,
  describeFinding,
  describeEvidence,
  locate,
  type Finding,
  type FindingResource,
  type FindingLocation,
} from './finding.js';
export { runScan, compareFindings, type ScanOptions } from './run-scan.js';
export { emptyCounts, emptySeverityCounts, type ScanResult, type OutcomeCounts, type SourceSummary } from './result.js';
