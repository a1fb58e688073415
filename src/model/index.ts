export {
  type Resource,
  type Origin,
  type ExportOrigin,
  type GraphOrigin,
  type ExampleOrigin,
  type TemplateOrigin,
  type PlanOrigin,
  type SourcePoint,
  type PresentType,
  typeKey,
  isDeployed,
  subscriptionOf,
  isSubscriptionId,
  subscriptionNamedBy,
  resourceGroupOf,
  nameOf,
  sortByIds,
} from './resource.js';
export { type PathSegment, parsePath, canonicalPath, canonicalizePathText, getProperty, isUnknownPath, startsWithSegment } from './path.js';
export { type ScanProblem } from './problem.js';
export { wildcardPattern } from './wildcard.js';
export { interned } from './intern.js';
export { keepPaths, keepTree, type Keep } from './keep.js';
export { UNKNOWN_CAUSES, unknownCauseOf, type UnknownCause } from './unknown-cause.js';
