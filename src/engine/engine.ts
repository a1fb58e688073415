import { canonicalizePathText, type Resource } from '../model/index.js';
import type { Scope } from './compile.js';
import type { CompiledRule, Status } from './rule.js';

/** Receives every applicable outcome; `scope` lets a receiver ask a rule to explain itself. */
export type OutcomeReceiver = (rule: CompiledRule, status: Status, scope: Scope) => void;

/**
 * Runs compiled rules over resources. Pure: no I/O, no clock. Rules are
 * indexed by type once, so a resource meets only the rules for its type.
 */
export class Engine {
  private readonly byType = new Map<string, CompiledRule[]>();
  private readonly typeKeys = new Map<string, string>();

  constructor(readonly rules: readonly CompiledRule[]) {
    for (const rule of rules) {
      for (const type of rule.types) {
        const list = this.byType.get(type);
        if (list) list.push(rule);
        else this.byType.set(type, [rule]);
      }
    }
  }

  /** Every resource type some rule applies to (lower-case, sorted). */
  get resourceTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** Every field path the rules for a type read, canonical and sorted (what a live query must fetch). */
  readsFor(type: string): string[] {
    const paths = new Set<string>();
    for (const rule of this.rulesFor(type)) for (const path of rule.reads) paths.add(path);
    return [...paths].sort();
  }

  /** The rules that apply to a resource type, in rule order. */
  rulesFor(type: string): readonly CompiledRule[] {
    return this.byType.get(this.typeKey(type)) ?? [];
  }

  /** Evaluates every rule for the resource's type and hands each outcome to `receive`. */
  evaluate(resource: Resource, receive: OutcomeReceiver): void {
    const rules = this.byType.get(this.typeKey(resource.type));
    if (!rules) return;
    const scope = scopeFor(resource);
    for (const rule of rules) receive(rule, rule.outcome(scope), scope);
  }

  // Types repeat across millions of resources: lower-case each spelling once.
  private typeKey(type: string): string {
    let key = this.typeKeys.get(type);
    if (key === undefined) {
      key = type.toLowerCase();
      this.typeKeys.set(type, key);
    }
    return key;
  }
}

/** The evaluation scope of one resource (its unknown paths made canonical once). */
export function scopeFor(resource: Resource): Scope {
  const unknown = resource.unknown && resource.unknown.length ? resource.unknown.map(canonicalizePathText) : undefined;
  return { resource, unknown, members: [] };
}
