import { configKind } from './config-kind.js';
import { exportKind } from './export-kind.js';
import { graphKind } from './graph-kind.js';
import { planKind } from './plan-kind.js';
import { templateKind } from './template-kind.js';
import type { SourceKind } from './source-kind.js';

export { type SourceKind, type SourceContext, collect } from './source-kind.js';
export { displayFile } from './export-kind.js';

/** Every kind of input, in the order their sources are scanned. */
export const sourceKinds: readonly SourceKind[] = [exportKind, graphKind, planKind, configKind, templateKind];
