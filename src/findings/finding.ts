import { createHash, hash } from 'node:crypto';
import type { CompiledRule, Evidence } from '../engine/index.js';
import {
  canonicalizePathText,
  interned,
  nameOf,
  resourceGroupOf,
  subscriptionOf,
  type Origin,
  type Resource,
  type UnknownCause,
} from '../model/index.js';
import type { Severity } from '../rules/index.js';

/** How a finding relates to the previous scan. */
export type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

/** How a finding was suppressed (SARIF `suppressions[]`: kind external, status accepted). */
export interface Suppression {
  kind: 'external';
  status: 'accepted';
  justification: string;
  expires: string;
  approvedBy?: string;
  ticket?: string;
  /** The exemption that applied, as `file:line:col`. */
  exemption: string;
}

/** The resource a finding is about, as reports name it. */
export interface FindingResource {
  id: string;
  type: string;
  name: string;
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
}

/**
 * A `fail` or `unknown` outcome, ready to report. The message and the
 * fingerprint are worked out when a reporter asks for them: a large scan
 * holds hundreds of thousands of findings until it reports, and two strings
 * less for each is memory the scan does not hold and the garbage collector
 * does not copy.
 */
export class Finding {
  /** Set when an exemption in force covers the finding: kept and shown, never gating. */
  suppression?: Suppression;
  /** Set when the scan is compared with a previous one (`--baseline`). */
  baselineState?: BaselineState;

  constructor(
    readonly ruleId: string,
    readonly severity: Severity,
    readonly status: 'fail' | 'unknown',
    /** Shared by the findings of one resource. */
    readonly resource: FindingResource,
    readonly evidence: Evidence[],
    /** Where to look: the file and line of the property (or the resource), the query scope... */
    readonly location: FindingLocation,
    /** The rule's title, for a message when no evidence says more. */
    private readonly title: string,
  ) {}

  /** One line: the resource, then each property with what it is and what was expected. */
  get message(): string {
    return describeFinding(this.title, this.status, this.resource, this.evidence);
  }

  /** Stable across runs: the rule id and the resource id, lower-cased. */
  get fingerprint(): string {
    return fingerprintOf(this.ruleId, this.resource.id);
  }

  /** Why an `unknown` finding is unknown: the cause of its first unknown evidence (undefined for a `fail`). */
  get cause(): UnknownCause | undefined {
    if (this.status !== 'unknown') return undefined;
    for (const item of this.evidence) if (item.state === 'unknown' && item.cause) return item.cause;
    return undefined;
  }
}

/** A finding as an earlier report recorded it (a baseline's absent ones): its message and fingerprint as written then. */
export class RecordedFinding extends Finding {
  constructor(
    fields: Pick<Finding, 'ruleId' | 'severity' | 'status' | 'resource' | 'location'>,
    private readonly recorded: { message: string; fingerprint: string; cause?: UnknownCause | undefined },
  ) {
    super(fields.ruleId, fields.severity, fields.status, fields.resource, [], fields.location, '');
  }

  override get cause(): UnknownCause | undefined {
    return this.status === 'unknown' ? this.recorded.cause : undefined;
  }

  override get message(): string {
    return this.recorded.message;
  }

  override get fingerprint(): string {
    return this.recorded.fingerprint;
  }
}

/** An origin narrowed to the finding: a template's or plan's property line when the property is written. */
export type FindingLocation =
  (Origin extends infer O ? (O extends Origin ? Omit<O, 'properties'> & { property?: string } : never) : never) | { kind: 'unknown' };

/**
 * Where a finding points. For templates and plans: the line of the first
 * property the evidence names (or its nearest written ancestor), else the
 * resource's own line.
 */
export function locate(origin: Origin | undefined, evidence: readonly Evidence[]): FindingLocation {
  if (!origin) return { kind: 'unknown' };
  if (!('properties' in origin) || !origin.properties) return origin;
  const { properties, ...located } = origin;
  for (const item of evidence) {
    let path = canonicalizePathText(item.path);
    for (;;) {
      const point = properties[path];
      if (point) return { ...located, ...point, property: item.path };
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      if (cut <= 0) break;
      path = path.slice(0, cut);
    }
  }
  return located;
}

/**
 * A resource as findings name it, shared by all of its findings (a large
 * scan holds hundreds of thousands of them until it reports).
 */
export class NamedResource implements FindingResource {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;

  constructor(resource: Resource) {
    this.id = resource.id;
    this.type = interned(resource.type.toLowerCase());
    this.name = nameOf(resource);
    this.subscriptionId = interned(subscriptionOf(resource));
    this.resourceGroup = interned(resourceGroupOf(resource));
  }
}

/** Builds the finding for a rule's fail or unknown outcome; `named` is the resource as its other findings name it. */
export function makeFinding(
  rule: CompiledRule,
  status: 'fail' | 'unknown',
  resource: Resource,
  evidence: Evidence[],
  named: FindingResource = new NamedResource(resource),
): Finding {
  return new Finding(rule.id, rule.severity, status, named, evidence, locate(resource.origin, evidence), rule.definition.title);
}

/** The fingerprint of (rule, resource): never the line number, so re-runs and moves keep it. */
export function fingerprintOf(ruleId: string, resourceId: string): string {
  const text = `${ruleId}\u0000${resourceId.toLowerCase()}`;
  // crypto.hash is the one-shot form (Node 21.7+), several times cheaper per call.
  return (typeof hash === 'function' ? hash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex')).slice(0, 32);
}

/** The one-line message: the resource, then each property with what it is and what was expected. */
export function describeFinding(
  title: string,
  status: 'fail' | 'unknown',
  resource: FindingResource,
  evidence: readonly Evidence[],
): string {
  const subject = `${resource.type} '${resource.name}'`;
  const reasons = evidence.map(describeEvidence).join('; ');
  // The rule's title is in every report's rule list; the message says what is wrong with this resource.
  const lead = status === 'unknown' ? `${subject} could not be evaluated` : subject;
  return reasons ? `${lead}: ${reasons}.` : `${lead}: ${title.toLowerCase()} does not hold.`;
}

/** One evidence item in words: `properties.enablePurgeProtection is not set (expected equals true)`. */
export function describeEvidence(evidence: Evidence): string {
  const text = describeValue(evidence);
  if (!evidence.related) return text;
  const { kind, id } = evidence.related;
  const label = kind === 'keyStore' ? 'key store' : kind;
  // The related resource's own name: a key id ends in the key, a reference in its URI.
  return `${label} '${id.slice(id.lastIndexOf('/') + 1) || id}': ${text}`;
}

function describeValue(evidence: Evidence): string {
  const expectation = `expected ${evidence.operator} ${formatValue(evidence.expected)}`;
  if (evidence.state === 'unknown')
    return `${evidence.path} is not known (${expectation}; ${evidence.reason ?? 'its value is only known at deployment or could not be read'})`;
  if (evidence.count) {
    const matched = typeof evidence.actual === 'number' ? evidence.actual : 0;
    return `${evidence.path} has ${matched} matching member${matched === 1 ? '' : 's'} (expected count ${evidence.operator} ${formatValue(evidence.expected)})`;
  }
  if (evidence.state === 'missing') return `${evidence.path} is not set (${expectation})`;
  if (evidence.state === 'present') return `${evidence.path} is set, its value known only at deployment (${expectation})`;
  return `${evidence.path} is ${formatValue(evidence.actual)} (${expectation})`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
