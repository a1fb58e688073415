import { GRANT_TYPES, RELATED_RECORD_KINDS, RELATION_READS, RELATION_TYPES, type ResourceRelations } from '../inventory/index.js';
import { canonicalizePathText, keepPaths, keepTree, type Keep, type PresentType, type Resource } from '../model/index.js';
import type { Scope } from './compile.js';
import type { CompiledRule, Status } from './rule.js';

/** Receives every applicable outcome; `scope` lets a receiver ask a rule to explain itself. */
export type OutcomeReceiver = (rule: CompiledRule, status: Status, scope: Scope) => void;

/**
 * Runs compiled rules over resources. Pure: no I/O, no clock. Rules are
 * indexed by type once, so a resource meets only the rules for its type.
 */
export class Engine {
  /** Rules that read only the resource: run as records stream past. */
  private readonly byType = new Map<string, CompiledRule[]>();
  /** Rules that read relations: run once the relation index is built. */
  private readonly relationalByType = new Map<string, CompiledRule[]>();
  private readonly typeKeys = new Map<string, string>();
  /** What the relational rules of a type read of it: what the second pass keeps. */
  private readonly relationalReads = new Map<string, Keep>();
  /** The types the relation index needs read: none without relational rules, role assignments only for identities. */
  private readonly relationTypes: readonly string[];
  /**
   * What relational rules read of related keys and of related key stores
   * (canonical, sorted). Identities are not records: the index builds them.
   */
  readonly relatedReads: Readonly<Record<'key' | 'keyStore', readonly string[]>>;

  constructor(readonly rules: readonly CompiledRule[]) {
    for (const rule of rules) {
      const table = rule.relational ? this.relationalByType : this.byType;
      for (const type of rule.types) {
        const list = table.get(type);
        if (list) list.push(rule);
        else table.set(type, [rule]);
      }
    }
    for (const [type, list] of this.relationalByType) this.relationalReads.set(type, keepTree(list.flatMap((rule) => rule.reads)));
    const relational = rules.filter((rule) => rule.relational);
    const identity = relational.some((rule) => rule.relationKinds.includes('identity'));
    this.relationTypes = relational.length === 0 ? [] : RELATION_TYPES.filter((type) => identity || !GRANT_TYPES.has(type));
    const relatedOf = (kind: 'key' | 'keyStore'): string[] =>
      [...new Set(relational.flatMap((rule) => rule.relatedReads[kind] ?? []))].sort();
    this.relatedReads = { key: relatedOf('key'), keyStore: relatedOf('keyStore') };
  }

  /**
   * Every resource type a rule or the relation index reads (lower-case,
   * sorted). Relation types are fetched only when a selected rule reads
   * relations, and role assignments, role definitions and subscriptions
   * only when one reads an identity's grants: a scan of vault rules alone queries no more than before.
   */
  get resourceTypes(): string[] {
    return [...new Set([...this.byType.keys(), ...this.relationalByType.keys(), ...this.relationTypes])].sort();
  }

  /** Every field path the rules and the relation index read of a type, canonical and sorted (what a live query must fetch). */
  readsFor(type: string): string[] {
    const key = type.toLowerCase();
    const paths = new Set<string>(this.relationTypes.includes(key) ? (RELATION_READS.get(key) ?? []) : []);
    // A key or store is fetched with what rules read of it through `related:` too.
    const kind = RELATED_RECORD_KINDS.get(key);
    if (kind) for (const path of this.relatedReads[kind]) paths.add(path);
    for (const rule of this.rulesFor(type)) for (const path of rule.reads) paths.add(path);
    return [...paths].sort();
  }

  /** The rules that apply to a resource type, in rule order. */
  rulesFor(type: string): readonly CompiledRule[] {
    const key = this.typeKey(type);
    const streaming = this.byType.get(key) ?? [];
    const relational = this.relationalByType.get(key);
    return relational ? [...streaming, ...relational].sort((a, b) => a.index - b.index) : streaming;
  }

  /** Does some relational rule apply to the type (so the second pass needs the resource)? */
  hasRelationalRules(type: string): boolean {
    return this.relationalByType.has(this.typeKey(type));
  }

  /**
   * What the second pass keeps of a resource: what names and locates it in a
   * finding, and the members its relational rules read. The rest (most of a
   * record's properties) is left to the garbage collector.
   */
  retainedCopy(resource: Resource): Resource {
    return keepPaths(resource, this.relationalReads.get(this.typeKey(resource.type)) ?? NOTHING);
  }

  /** Evaluates the rules that read only the resource and hands each outcome to `receive`. */
  evaluate(resource: Resource, receive: OutcomeReceiver): void {
    const rules = this.byType.get(this.typeKey(resource.type));
    if (!rules) return;
    const scope = scopeFor(resource);
    for (const rule of rules) receive(rule, rule.outcome(scope), scope);
  }

  /** Evaluates the rules that read relations, with the resource's relations from the index. */
  evaluateRelational(resource: Resource, relations: ResourceRelations, receive: OutcomeReceiver): void {
    const rules = this.relationalByType.get(this.typeKey(resource.type));
    if (!rules) return;
    const scope = relationalScopeFor(resource, relations);
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

/** Keeps nothing but what names and places a resource. */
const NOTHING: Keep = new Map();

/** The evaluation scope of one resource (its unknown paths made canonical once). */
export function scopeFor(resource: Resource): Scope {
  const unknown = resource.unknown && resource.unknown.length ? resource.unknown.map(canonicalizePathText) : undefined;
  const scope: Scope = { resource, unknown, members: [], relation: undefined, related: undefined };
  if (unknown && resource.present) scope.present = canonicalPresent(resource.present);
  return scope;
}

/** A record's present-unknown paths, canonical; undefined when none. */
function canonicalPresent(present: Readonly<Record<string, PresentType>>): Record<string, PresentType> | undefined {
  const keys = Object.keys(present);
  if (keys.length === 0) return undefined;
  const out: Record<string, PresentType> = {};
  for (const key of keys) out[canonicalizePathText(key)] = present[key]!;
  return out;
}

/** The evaluation scope of a resource with its relations, for rules that read them. */
export function relationalScopeFor(resource: Resource, relations: ResourceRelations): Scope {
  const scope = scopeFor(resource);
  if (relations.unknown?.length) scope.unknown = [...(scope.unknown ?? []), ...relations.unknown];
  scope.relation = relations.relation;
  scope.related = relations.related;
  return scope;
}
