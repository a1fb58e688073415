/**
 * Field paths: `properties.encryption.keySource`, `tags['data-classification']`,
 * `properties.accessPolicies[*].permissions.keys[*]`. Names match
 * case-insensitively, as Azure Policy aliases do.
 */

/** One step of a path: a property name, or `[*]` (every array member). */
export type PathSegment = { kind: 'property'; name: string; lower: string } | { kind: 'each' };

const SEGMENT = /([A-Za-z_$@][A-Za-z0-9_$@-]*)|\[\*\]|\['([^']+)'\]|\./gy;

/** Parses a field path; returns undefined for a malformed one. */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = 0;
  let expectName = true;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (!match) return undefined;
    const [token, bare, quoted] = match;
    if (token === '.') {
      if (expectName) return undefined;
      expectName = true;
    } else if (token === '[*]') {
      if (expectName) return undefined;
      segments.push({ kind: 'each' });
    } else {
      const name = bare ?? quoted ?? '';
      if (bare !== undefined && !expectName) return undefined;
      segments.push({ kind: 'property', name, lower: name.toLowerCase() });
      expectName = false;
    }
  }
  return expectName || segments.length === 0 ? undefined : segments;
}

/** The canonical spelling of a path: lower-case, dotted, `[*]` for members. */
export function canonicalPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (segment.kind === 'each') text += '[*]';
    else text += (text ? '.' : '') + segment.lower;
  }
  return text;
}

/** Canonical form of a path written by a source (`[0]` becomes `[*]`). */
export function canonicalizePathText(path: string): string {
  const withMembers = path.replace(/\[\d+\]/g, '[*]').replace(/\['([^']+)'\]/g, '.$1');
  const segments = parsePath(withMembers);
  return segments ? canonicalPath(segments) : path.toLowerCase();
}

/**
 * Reads one property of an object, exact name first (the common case), then
 * case-insensitively. Returns undefined when absent.
 */
export function getProperty(target: unknown, name: string, lower: string): unknown {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return undefined;
  const record = target as Record<string, unknown>;
  const exact = record[name];
  // A function here is Object.prototype's (`constructor`, `toString`), never data.
  if (exact !== undefined && typeof exact !== 'function') return exact;
  for (const key in record) {
    if (key.length === lower.length && key.toLowerCase() === lower) return record[key];
  }
  return undefined;
}

/** Is `path` (canonical) unknown, or inside or around one of the `unknown` paths (canonical)? */
export function isUnknownPath(unknown: readonly string[], path: string): boolean {
  for (const u of unknown) {
    if (u === path) return true;
    if (path.length > u.length ? startsWithSegment(path, u) : startsWithSegment(u, path)) return true;
  }
  return false;
}

/** Does `long` start with the path `prefix` followed by a segment boundary? */
export function startsWithSegment(long: string, prefix: string): boolean {
  if (!long.startsWith(prefix)) return false;
  const next = long.charCodeAt(prefix.length);
  return next === 46 /* . */ || next === 91; /* [ */
}
