export {
  makeFinding,
  NamedResource,
  fingerprintOf,
  describeFinding,
  describeEvidence,
  locate,
  Finding,
  type FindingResource,
  type FindingLocation,
  type BaselineState,
  type Suppression,
} from './finding.js';
export { runScan, type ScanOptions } from './run-scan.js';
export { compareFindings, sortFindings } from './order.js';
export { emptyCounts, emptySeverityCounts, type ScanResult, type OutcomeCounts, type SourceSummary } from './result.js';
export { applyExemptions, utcDate, type Exemption, type ExemptionOutcome, type ExemptionReport } from './exemptions.js';
export { readBaseline, applyBaseline, BaselineFormatError, type BaselineEntry, type BaselineCounts } from './baseline.js';
export { reviewFindings, isOpen, type ReviewOptions } from './review.js';
export { summarizePosture, emptyPostureCounts, type Posture, type PostureCounts, type ResourcePosture } from './posture.js';
export { TypeTally, typePosture, resourcesIn, type TypePosture } from './type-tally.js';
export type { TypeCount } from '../sources/index.js';
