import { canonicalizePathText, getProperty, isUnknownPath, parsePath, canonicalPath, type PathSegment } from '../model/index.js';

/** A value read from a record: what it holds, or that it is not known before deployment. */
export type Read = { known: true; value: unknown } | { known: false };

const compiled = new Map<string, { segments: PathSegment[]; canonical: string }>();

function compile(path: string): { segments: PathSegment[]; canonical: string } {
  let entry = compiled.get(path);
  if (!entry) {
    const segments = parsePath(path);
    if (!segments) throw new Error(`bad relation path '${path}'`);
    entry = { segments, canonical: canonicalPath(segments) };
    compiled.set(path, entry);
  }
  return entry;
}

/**
 * Reads a property path (no `[*]`) below `root`. `unknown` are the record's
 * unknown paths (canonical) and `prefix` the canonical path of `root` in
 * the record, so a member of an array checks `...[*].name`.
 */
export function readPath(root: unknown, path: string, unknown: readonly string[] | undefined, prefix = ''): Read {
  const { segments, canonical } = compile(path);
  if (unknown && isUnknownPath(unknown, prefix ? `${prefix}.${canonical}` : canonical)) return { known: false };
  let value = root;
  for (const segment of segments) {
    if (value === undefined || value === null) break;
    value = segment.kind === 'property' ? getProperty(value, segment.name, segment.lower) : undefined;
  }
  return { known: true, value };
}

/** A non-empty string value, or undefined. */
export function text(read: Read): string | undefined {
  return read.known && typeof read.value === 'string' && read.value.trim() !== '' ? read.value : undefined;
}

/**
 * Whether a value is one of a catalog switch's values (`when.in`,
 * `customerKeyWhen.in`), as `equals` compares: case-insensitive, a boolean
 * or number by its text (`true` is "true").
 */
export function isOneOf(value: unknown, allowed: readonly string[]): boolean {
  if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') return false;
  const lower = `${value}`.toLowerCase();
  return allowed.some((candidate) => candidate.toLowerCase() === lower);
}

/** The canonical form of a record's unknown paths (undefined when none). */
export function canonicalUnknown(paths: readonly string[] | undefined): string[] | undefined {
  return paths && paths.length ? paths.map(canonicalizePathText) : undefined;
}

/** The canonical path of an array path ending in `[*]`. */
export function canonicalOf(path: string): string {
  return compile(path).canonical;
}
