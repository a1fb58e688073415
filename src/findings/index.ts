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
export { runScan, compareFindings, sortFindings, type ScanOptions } from './run-scan.js';
export { emptyCounts, emptySeverityCounts, type ScanResult, type OutcomeCounts, type SourceSummary } from './result.js';
export { applyExemptions, utcDate, type Exemption, type Suppression, type ExemptionOutcome, type ExemptionReport } from './exemptions.js';
export {
  readBaseline,
  applyBaseline,
  BaselineFormatError,
  type BaselineEntry,
  type BaselineState,
  type BaselineCounts,
} from './baseline.js';
export { reviewFindings, isOpen, type ReviewOptions } from './review.js';
