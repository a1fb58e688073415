import type { CompiledRule, Engine, Scope, Status } from '../engine/index.js';
import type { ScanProblem } from '../model/index.js';
import { parseBlock, type RecordBlock, type RecordParseError } from '../sources/index.js';
import { makeFinding, type Finding } from './finding.js';

/** What evaluating one block produced; merged in block order by the scan. */
export interface BlockResult {
  file: string;
  sequence: number;
  /** Records read: parsed (valid or not) plus skipped for their type. */
  records: number;
  findings: Finding[];
  /** pass, fail, unknown, not-applicable per rule index, flat. */
  counts: Int32Array;
  problems: ScanProblem[];
  error?: RecordParseError;
}

const STATUS_SLOT: Record<Status, number> = { pass: 0, fail: 1, unknown: 2, 'not-applicable': 3 };

/** Parses a block and runs the engine over its resources. Pure apart from the engine's own work. */
export function evaluateBlock(engine: Engine, block: RecordBlock): BlockResult {
  const counts = new Int32Array(engine.rules.length * 4);
  const findings: Finding[] = [];
  const receive = (rule: CompiledRule, status: Status, scope: Scope): void => {
    counts[rule.index * 4 + STATUS_SLOT[status]]!++;
    if (status === 'fail' || status === 'unknown') findings.push(makeFinding(rule, status, scope.resource, rule.explain(scope)));
  };
  const parsed = parseBlock(block, (resource) => engine.evaluate(resource, receive));
  return {
    file: block.file,
    sequence: block.sequence,
    records: parsed.resources + parsed.problems.length + block.skipped,
    findings,
    counts,
    problems: parsed.problems,
    ...(parsed.error ? { error: parsed.error } : {}),
  };
}
